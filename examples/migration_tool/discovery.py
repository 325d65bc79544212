"""What Application Discovery Service knows about a server, and how Migration Hub links to it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types_boto3_discovery import ApplicationDiscoveryServiceClient
    from types_boto3_mgh import MigrationHubClient
    from types_boto3_mgh.type_defs import MigrationTaskSummaryTypeDef, ResourceAttributeTypeDef


class NotDiscoveredError(LookupError):
    """Application Discovery Service does not know a server or application the tool was given."""


@dataclass(frozen=True)
class DiscoveredServer:
    """A source server as Application Discovery Service inventoried it.

    ``configuration_id`` is its ADS configuration ID (``d-server-...``), the
    key Migration Hub uses to link a migration task to the server. The other
    fields become the task's resource attributes, which let Migration Hub match
    the server even when no configuration ID is known.
    """

    configuration_id: str
    #: the server's host name; also the name of its migration task
    name: str
    fqdn: str | None = None
    ipv4_addresses: tuple[str, ...] = ()
    mac_addresses: tuple[str, ...] = ()
    #: VMware: the VM's name and the vCenter's ID; VM_* attributes need both
    vm_name: str | None = None
    vm_manager_id: str | None = None

    def resource_attributes(self) -> list[ResourceAttributeTypeDef]:
        """The identifying details to send with PutResourceAttributes, as many as are known.

        Migration Hub discards every VM_* attribute unless VM_MANAGER_ID is
        among them, so the VM name is only sent along with its manager's ID.
        """
        attributes: list[ResourceAttributeTypeDef] = [
            {"Type": "IPV4_ADDRESS", "Value": ip} for ip in self.ipv4_addresses
        ]
        attributes += [{"Type": "MAC_ADDRESS", "Value": mac} for mac in self.mac_addresses]
        if self.fqdn:
            attributes.append({"Type": "FQDN", "Value": self.fqdn})
        if self.vm_manager_id:
            attributes.append({"Type": "VM_MANAGER_ID", "Value": self.vm_manager_id})
            if self.vm_name:
                attributes.append({"Type": "VM_NAME", "Value": self.vm_name})
        return attributes


def tasks_for_server(mgh: MigrationHubClient, configuration_id: str) -> list[MigrationTaskSummaryTypeDef]:
    """Every migration task associated with a discovered server, in any stream.

    Each is a ``MigrationTaskSummary``: ``ProgressUpdateStream``,
    ``MigrationTaskName`` and, once reported, ``Status``, ``ProgressPercent``...
    """
    pages = mgh.get_paginator("list_migration_tasks").paginate(ResourceName=configuration_id)
    return [summary for page in pages for summary in page["MigrationTaskSummaryList"]]


def find_server(discovery: ApplicationDiscoveryServiceClient, host_name: str) -> DiscoveredServer:
    """Look a server up in Application Discovery Service by the host name the migration plan gives.

    Its configuration ID links the migration task to it; its network
    interfaces give the task's IP and MAC addresses. Raises
    :class:`NotDiscoveredError` when ADS knows no server of that name, or
    more than one.
    """
    pages = discovery.get_paginator("list_configurations").paginate(
        configurationType="SERVER",
        filters=[{"name": "server.hostName", "condition": "EQUALS", "values": [host_name]}],
    )
    found = [item["server.configurationId"] for page in pages for item in page["configurations"]]
    if len(found) != 1:
        raise NotDiscoveredError(
            f"Application Discovery Service knows {len(found) or 'no'} server(s) with host name {host_name!r}"
            + (f" ({', '.join(found)})" if found else "")
            + ": check the host name in the migration plan, and that the server was discovered in this account."
        )
    details = discovery.describe_configurations(configurationIds=found)["configurations"][0]
    interfaces = json.loads(details.get("server.networkInterfaceInfo") or "[]")
    return DiscoveredServer(
        configuration_id=found[0],
        name=host_name.split(".")[0],
        fqdn=host_name if "." in host_name else None,
        ipv4_addresses=tuple(i["ipAddress"] for i in interfaces if "." in i.get("ipAddress", "")),
        mac_addresses=tuple(i["macAddress"] for i in interfaces if i.get("macAddress")),
    )


def find_application_id(discovery: ApplicationDiscoveryServiceClient, name: str) -> str:
    """The configuration ID of the application Application Discovery Service groups under ``name``.

    Migration Hub's NotifyApplicationState takes that ID. Raises
    :class:`NotDiscoveredError` when no application has that name.
    """
    pages = discovery.get_paginator("list_configurations").paginate(
        configurationType="APPLICATION",
        filters=[{"name": "application.name", "condition": "EQUALS", "values": [name]}],
    )
    for page in pages:
        for application in page["configurations"]:
            return application["application.configurationId"]
    raise NotDiscoveredError(
        f"Application Discovery Service has no application named {name!r}: group the servers into an "
        "application in the Migration Hub console (Discover > Servers > Group as application) first."
    )
