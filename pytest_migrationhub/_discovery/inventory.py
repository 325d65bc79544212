"""What Application Discovery Service knows of one account, and the tasks that change it on the clock.

Migration Hub reads the same servers and applications. Import, export and
deletion tasks run on the fake's clock: each is due at a moment, and the
first look at the inventory after that moment finishes it (:meth:`Inventory.settle`),
as of that moment.

In a scenario it is the account's ``discovery`` (``.scenario``, ``.scenario_tasks``);
a task in progress there is scheduled again by its handler module, through :data:`RESUME`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar

from .._core import Account, Services, Where, now
from .jobs import Agent, Connection, ContinuousExport, DeletionTask, ExportTask, ImportTask
from .records import Application, DiscoveredServer
from .scenario import RECORDS, Section
from .scenario_tasks import TASKS, in_progress, republish

#: task kind ("import", "export", "deletion", "continuous") -> what schedules again, on the inventory's
#: clock, what a task of that kind held in a scenario has still to do; each handler module fills in its own
RESUME: dict[str, Callable[[Any, Inventory, Services], None]] = {}
#: a scenario's ``discovery``: its members, in the order they are loaded (each may name those before it)
SECTIONS: tuple[Section, ...] = (*RECORDS, *TASKS)


class Inventory:
    """What Application Discovery Service knows of one account."""

    __slots__ = (
        "discovered",
        "applications",
        "agents",
        "connections",
        "import_files",
        "import_tasks",
        "export_tasks",
        "deletions",
        "continuous_exports",
        "deleted_records",
        "_due",
    )

    #: its key in a scenario's account
    SCENARIO_KEY: ClassVar[str] = "discovery"

    def __init__(self) -> None:
        #: the servers, by ConfigurationId, in discovery order
        self.discovered: dict[str, DiscoveredServer] = {}
        #: the applications, by ConfigurationId, in creation order
        self.applications: dict[str, Application] = {}
        #: the agents and collectors, by agent id, in registration order
        self.agents: dict[str, Agent] = {}
        #: the network connections seen between servers, in the order they were seen
        self.connections: list[Connection] = []
        #: import file URL -> its content, as a test registered it
        self.import_files: dict[str, bytes] = {}
        #: by import task id, in request order
        self.import_tasks: dict[str, ImportTask] = {}
        #: by export id, in request order
        self.export_tasks: dict[str, ExportTask] = {}
        #: batch configuration deletions, by task id
        self.deletions: dict[str, DeletionTask] = {}
        #: by export id, in start order
        self.continuous_exports: dict[str, ContinuousExport] = {}
        #: import records deleted by BatchDeleteImportData, per day (UTC)
        self.deleted_records: dict[date, int] = {}
        #: (when, what): what finishes a task, due at ``when``, in the order they were scheduled
        self._due: list[tuple[datetime, Callable[[Inventory, datetime], None]]] = []

    def dump(self) -> dict[str, Any]:
        """Everything it holds as a scenario holds it; ``{}`` when it holds nothing. The tasks due by
        now are finished first, as any look at it would."""
        self.settle()
        out = {}
        for key, _, dump, _ in SECTIONS:
            held = dump(self)
            if held:
                out[key] = held
        return out

    @classmethod
    def load(cls, data: Any, where: Where, services: Services) -> Inventory:
        """An inventory holding what a scenario's ``discovery`` says, every value checked as the service
        would; its download files handed out again and its tasks in progress scheduled again."""
        loaded = cls()
        where.only(data if isinstance(data, dict) else {}, [key for key, _, _, _ in SECTIONS])
        for key, kind, _, load in SECTIONS:
            value = where.get(data, key, kind, optional=True)
            if value is not None:
                load(loaded, value, where / key)
        republish(loaded, services.downloads)
        for task_kind, task in in_progress(loaded):
            RESUME[task_kind](task, loaded, services)
        return loaded

    def schedule(self, when: datetime, finish: Callable[[Inventory, datetime], None]) -> None:
        """Run ``finish(inventory, when)`` at the first look at the inventory at or after ``when``."""
        self._due.append((when, finish))

    def settle(self) -> None:
        """Finish every task due by now, in the order they fell due."""
        if not self._due:
            return
        moment = now()
        ready = sorted((item for item in self._due if item[0] <= moment), key=lambda item: item[0])
        if not ready:
            return
        self._due = [item for item in self._due if item[0] > moment]
        for when, finish in ready:
            finish(self, when)

    def forget_server(self, configuration_id: str) -> None:
        """Drop a server with everything that names it: its applications' membership, its connections."""
        self.discovered.pop(configuration_id, None)
        for application in self.applications.values():
            application.disassociate([configuration_id])
        self.connections = [c for c in self.connections if configuration_id not in (c.source, c.destination)]


def inventory_of(account: Account) -> Inventory:
    """What ADS knows of ``account``, with every task due by now finished."""
    found = account.part(Inventory)
    found.settle()
    return found
