"""The fake's Application Discovery Service side: the servers and applications a test seeds and reads.

:class:`MigrationHubFake` inherits these methods; Migration Hub and ADS answer
from the same records, so what is seeded here is what both services know.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core import MigrationHubFakeError, check_seed
from .records import SERVER_TYPES, Application, DiscoveredServer
from .seeding_tasks import TaskMethods, known

if TYPE_CHECKING:
    from .._core import Store

#: the longest value ADS's String shape (the values of its answers' maps) holds
MAX_ATTRIBUTE = 10000


class DiscoveryMethods(TaskMethods):
    """Seeding and inspection of what Application Discovery Service knows, per account."""

    #: the fake's state, set by the fake that inherits these methods
    _store: Store

    def add_discovered_resource(
        self,
        configuration_id: str,
        *,
        host_name: str | None = None,
        os_name: str | None = None,
        os_version: str | None = None,
        ip_address: str | None = None,
        server_type: str = "OTHER",
        account: str | None = None,
    ) -> DiscoveredServer:
        """Make a server known to Application Discovery Service; returns its record.

        AssociateDiscoveredResource refuses a ConfigurationId the account's
        Application Discovery Service does not know; DescribeConfigurations and
        ListConfigurations answer with the attributes given here. Seeding an id
        again replaces its attributes and keeps its tags and applications.
        """
        path = ("DiscoveredResource", "ConfigurationId")
        check_seed("add_discovered_resource", "AssociateDiscoveredResource", path, configuration_id)
        attributes = {"host_name": host_name, "os_name": os_name, "os_version": os_version, "ip_address": ip_address}
        check_server_attributes(attributes, server_type)
        with self._store.lock:
            discovered = self._inventory(account).discovered
            server = discovered.get(configuration_id)
            if server is None:
                server = discovered[configuration_id] = DiscoveredServer(configuration_id)
            server.describe(server_type=server_type, **attributes)
            return server

    def add_application(
        self,
        application_id: str,
        *,
        status: str | None = None,
        name: str | None = None,
        description: str | None = None,
        account: str | None = None,
    ) -> Application:
        """Make an application known to Application Discovery Service, optionally with a state.

        NotifyApplicationState and DescribeApplicationState refuse an
        ApplicationId the account's Application Discovery Service does not
        know. ``name`` (the id when not given) and ``description`` are what ADS
        answers about it.
        """
        check_seed("add_application", "NotifyApplicationState", ("ApplicationId",), application_id)
        if status is not None:
            check_seed("add_application", "NotifyApplicationState", ("Status",), status)
        for member, value in (("name", name), ("description", description)):
            if value is not None:
                check_seed("add_application", "CreateApplication", (member,), value)
        with self._store.lock:
            applications = self._inventory(account).applications
            application = applications.setdefault(application_id, Application(application_id))
            application.update(name, description, None)
            if status is not None:
                application.report(status)
            return application

    def application(self, application_id: str, *, account: str | None = None) -> Application:
        """An application known to Application Discovery Service, with its reported state."""
        with self._store.lock:
            applications = self._inventory(account).applications
            return known(applications, application_id, "application", "add_application")

    def discovered_resource(self, configuration_id: str, *, account: str | None = None) -> DiscoveredServer:
        """A server Application Discovery Service knows: its attributes and tags."""
        with self._store.lock:
            servers = self._inventory(account).discovered
            return known(servers, configuration_id, "discovered resource", "add_discovered_resource")

    def discovered_resources(self, *, account: str | None = None) -> list[DiscoveredServer]:
        """Every server Application Discovery Service knows of an account, in the order they were added."""
        with self._store.lock:
            return list(self._inventory(account).discovered.values())

    def applications(self, *, account: str | None = None) -> list[Application]:
        """Every application of an account, in the order they were added."""
        with self._store.lock:
            return list(self._inventory(account).applications.values())


def check_server_attributes(attributes: dict[str, Any], server_type: str) -> None:
    """Refuse server attributes ADS could not answer with: strings of at most 10000 characters, a known type."""
    __tracebackhide__ = True
    for name, value in attributes.items():
        if value is not None and (not isinstance(value, str) or len(value) > MAX_ATTRIBUTE):
            raise MigrationHubFakeError(
                f"add_discovered_resource: {name} must be a string of at most {MAX_ATTRIBUTE} characters; got {value!r}."
            )
    if server_type not in SERVER_TYPES:
        raise MigrationHubFakeError(
            f"add_discovered_resource: server_type must be one of {', '.join(SERVER_TYPES)}; got {server_type!r}."
        )
