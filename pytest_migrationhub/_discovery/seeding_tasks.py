"""The fake's Application Discovery Service side, continued: agents and collectors, the connections
between servers, the import files a test registers, and the import and export tasks to inspect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .._core import MigrationHubFakeError
from .inventory import Inventory
from .jobs import AGENT_HEALTH, AGENT_ID, IMPORT_URL, Agent, Connection, ContinuousExport, ExportTask, ImportTask

if TYPE_CHECKING:
    from .._core import Store

T = TypeVar("T")


def known(records: Mapping[str, T], key: str, kind: str, adder: str) -> T:
    """``records[key]``, or a message naming the ones there are and the call that adds it."""
    found = records.get(key)
    if found is None:
        names = ", ".join(repr(k) for k in records) or "none"
        raise MigrationHubFakeError(
            f"No {kind} {key!r}. Known {kind}s: {names}. Add it with mhub_fake.{adder}({key!r}) first."
        )
    return found


def _text(method: str, name: str, value: Any, *, optional: bool = True) -> None:
    __tracebackhide__ = True
    if (value is None and optional) or (isinstance(value, str) and 0 < len(value) <= 10000):
        return
    raise MigrationHubFakeError(f"{method}: {name} must be a string of 1 to 10000 characters; got {value!r}.")


class TaskMethods:
    """Seeding and inspection of agents, connections, import files and tasks, per account."""

    #: the fake's state, set by the fake that inherits these methods
    _store: Store

    def _inventory(self, account: str | None) -> Inventory:
        """An account's inventory, with every task due by now finished."""
        found = self._store.account(account).part(Inventory)
        found.settle()
        return found

    def add_agent(
        self,
        agent_id: str,
        *,
        agent_type: str = "AGENT",
        host_name: str | None = None,
        ip_address: str | None = None,
        mac_address: str | None = None,
        health: str = "HEALTHY",
        collection_status: str | None = None,
        connector_id: str | None = None,
        version: str | None = None,
        account: str | None = None,
    ) -> Agent:
        """Register an agent or collector, as DescribeAgents will report it; returns its record.

        ``collection_status`` is ``STOPPED`` unless given (StartDataCollectionByAgentIds
        starts it). Adding an id again replaces the agent.
        """
        if not isinstance(agent_id, str) or not AGENT_ID.match(agent_id):
            raise MigrationHubFakeError(
                f"add_agent: an agent ID is 10 to 20 characters with no spaces, such as 'o-0123456789abcdef0'; "
                f"got {agent_id!r}."
            )
        if health not in AGENT_HEALTH:
            raise MigrationHubFakeError(f"add_agent: health must be one of {', '.join(AGENT_HEALTH)}; got {health!r}.")
        _text("add_agent", "agent_type", agent_type, optional=False)
        for name, value in (
            ("host_name", host_name),
            ("ip_address", ip_address),
            ("mac_address", mac_address),
            ("collection_status", collection_status),
            ("connector_id", connector_id),
            ("version", version),
        ):
            _text("add_agent", name, value)
        agent = Agent(agent_id, agent_type, host_name, ip_address, mac_address, health, collection_status or "STOPPED")
        agent.connector_id, agent.version = connector_id, version
        with self._store.lock:
            self._inventory(account).agents[agent_id] = agent
        return agent

    def agent(self, agent_id: str, *, account: str | None = None) -> Agent:
        """An agent or collector: its health, collection status and the rest DescribeAgents reports."""
        with self._store.lock:
            return known(self._inventory(account).agents, agent_id, "agent", "add_agent")

    def agents(self, *, account: str | None = None) -> list[Agent]:
        """Every agent and collector of an account, in the order they were added."""
        with self._store.lock:
            return list(self._inventory(account).agents.values())

    def add_connection(
        self,
        source_id: str,
        destination_id: str,
        *,
        port: int | None = None,
        transport_protocol: str | None = None,
        count: int = 1,
        account: str | None = None,
    ) -> Connection:
        """Record ``count`` network connections ``source_id`` opened to ``destination_id``, both
        discovered servers (ListServerNeighbors lists them, from either end)."""
        if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535):
            raise MigrationHubFakeError(f"add_connection: port must be 0 to 65535, or None; got {port!r}.")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise MigrationHubFakeError(f"add_connection: count must be a whole number of 1 or more; got {count!r}.")
        _text("add_connection", "transport_protocol", transport_protocol)
        if source_id == destination_id:
            # ListServerNeighbors would list the server as its own neighbour, one hop from itself.
            raise MigrationHubFakeError(
                f"add_connection: a connection is between two servers; source_id and destination_id are both "
                f"{source_id!r}."
            )
        with self._store.lock:
            found = self._inventory(account)
            for server in (source_id, destination_id):
                known(found.discovered, server, "discovered resource", "add_discovered_resource")
            connection = Connection(source_id, destination_id, port, transport_protocol, count)
            found.connections.append(connection)
        return connection

    def connections(self, *, account: str | None = None) -> list[Connection]:
        """Every connection recorded between an account's servers, in the order they were added."""
        with self._store.lock:
            return list(self._inventory(account).connections)

    def add_import_file(self, url: str, content: bytes | str, *, account: str | None = None) -> None:
        """Make ``content`` the file at ``url`` (``s3://bucket/key``) for StartImportTask; the fake
        never reads the network. A ``str`` is encoded as UTF-8."""
        if not isinstance(url, str) or not IMPORT_URL.match(url):
            raise MigrationHubFakeError(
                f"add_import_file: url must be an object URL such as 's3://bucket/import.csv'; got {url!r}."
            )
        if not isinstance(content, (bytes, str)):
            raise MigrationHubFakeError(f"add_import_file: content must be bytes or str; got {type(content).__name__}.")
        with self._store.lock:
            self._inventory(account).import_files[url] = content.encode() if isinstance(content, str) else content

    def import_tasks(self, *, account: str | None = None) -> list[ImportTask]:
        """Every import task of an account (those deleted with their history too), oldest first."""
        with self._store.lock:
            return list(self._inventory(account).import_tasks.values())

    def export_tasks(self, *, account: str | None = None) -> list[ExportTask]:
        """Every export of an account, oldest first; a finished one holds its zip's ``files``."""
        with self._store.lock:
            return list(self._inventory(account).export_tasks.values())

    def continuous_exports(self, *, account: str | None = None) -> list[ContinuousExport]:
        """Every continuous export of an account, oldest first."""
        with self._store.lock:
            return list(self._inventory(account).continuous_exports.values())
