"""The Application Discovery Service wing (``discovery``).

* :mod:`.records`: what ADS knows of an account (:class:`Inventory`):
  discovered servers, applications and their tags;
* :mod:`.operations`: the handlers of the operations served, as
  :data:`HANDLERS`, where the core finds them;
* :mod:`.seeding`: the fake's methods that seed and read those records.

Migration Hub reads the same records (the ``_migrationhub`` wing imports them).
"""

from __future__ import annotations

from .operations import HANDLERS
from .records import SERVER_TYPES, Application, DiscoveredServer, Inventory, ads_time
from .seeding import DiscoveryMethods

__all__ = [
    "HANDLERS",
    "SERVER_TYPES",
    "Application",
    "DiscoveredServer",
    "DiscoveryMethods",
    "Inventory",
    "ads_time",
]
