"""What Application Discovery Service knows of one account, and the tasks that change it on the clock.

Migration Hub reads the same servers and applications. Import, export and
deletion tasks run on the fake's clock: each is due at a moment, and the
first look at the inventory after that moment finishes it (:meth:`Inventory.settle`),
as of that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from .._core import Account, now
from .jobs import Agent, Connection, ContinuousExport, DeletionTask, ExportTask, ImportTask
from .records import Application, DiscoveredServer


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
