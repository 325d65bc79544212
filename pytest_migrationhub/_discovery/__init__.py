"""The Application Discovery Service wing (``discovery``).

* :mod:`.records` and :mod:`.jobs`: what ADS keeps: discovered servers,
  applications and their tags; agents, connections and the tasks that run on
  the fake's clock; :mod:`.inventory` holds them per account (:class:`Inventory`);
* the handlers, one module per family of operations: :mod:`.configurations`
  (configuration items, applications, tags, the summary), :mod:`.agents`,
  :mod:`.neighbors`, :mod:`.imports` (with :mod:`.template`, the import file),
  :mod:`.exports` (with :mod:`.export_files`, the zips), :mod:`.deletions`,
  :mod:`.continuous`; all in :data:`HANDLERS` (``.common``), where the core finds them;
* :mod:`.seeding` and :mod:`.seeding_tasks`: the fake's methods that seed and read them;
* :mod:`.scenario` and :mod:`.scenario_tasks`: what :class:`Inventory` holds as a scenario's
  ``discovery`` (its ``dump()`` and ``load()``); :data:`PARTS` names it to the core.

Migration Hub reads the same servers and applications (the ``_migrationhub`` wing
imports them, through :func:`inventory_of`).
"""

from __future__ import annotations

from . import agents, configurations, continuous, deletions, exports, imports, neighbors
from .common import HANDLERS, TASK_SECONDS
from .inventory import Inventory, inventory_of
from .jobs import Agent, Connection, ContinuousExport, DeletionTask, ExportTask, ImportTask
from .records import SERVER_TYPES, Application, DiscoveredServer, ads_time
from .seeding import DiscoveryMethods

#: the modules whose handlers fill HANDLERS (and the tasks they schedule, RESUME) as they load
OPERATION_MODULES = (agents, configurations, continuous, deletions, exports, imports, neighbors)
#: what ADS keeps for an account, as the core snapshots and restores it
PARTS = (Inventory,)

__all__ = [
    "HANDLERS",
    "OPERATION_MODULES",
    "PARTS",
    "SERVER_TYPES",
    "TASK_SECONDS",
    "Agent",
    "Application",
    "Connection",
    "ContinuousExport",
    "DeletionTask",
    "DiscoveredServer",
    "DiscoveryMethods",
    "ExportTask",
    "ImportTask",
    "Inventory",
    "ads_time",
    "inventory_of",
]
