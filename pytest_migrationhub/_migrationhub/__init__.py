"""The Migration Hub wing: Migration Hub (``mgh``) and its home-region service (``migrationhub-config``).

* :mod:`.records`: what Migration Hub keeps for an account (:class:`Streams`):
  progress update streams, migration tasks, their updates and associations;
* :mod:`.operations` and :mod:`.config`: the handlers of the two services'
  operations, gathered in :data:`HANDLERS`, where the core finds them;
* :mod:`.seeding`: the fake's methods that seed and read those records.

Applications and discovered servers are Application Discovery Service's
records (the ``_discovery`` wing): Migration Hub reads them, as AWS's does.
"""

from __future__ import annotations

from .config import HANDLERS as _CONFIG_HANDLERS
from .operations import HANDLERS as _HUB_HANDLERS
from .operations import STREAM_DELETION
from .records import MigrationTask, Stream, Streams, Update, stale_tasks
from .seeding import MigrationHubMethods

#: operation name -> handler, for every operation of mgh and migrationhub-config the fake serves
HANDLERS = {**_HUB_HANDLERS, **_CONFIG_HANDLERS}
#: what the wing keeps for an account, as scenarios hold it
PARTS = (Streams,)

__all__ = [
    "HANDLERS",
    "PARTS",
    "STREAM_DELETION",
    "MigrationHubMethods",
    "MigrationTask",
    "Stream",
    "Streams",
    "Update",
    "stale_tasks",
]
