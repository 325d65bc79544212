"""What Application Discovery Service knows about a server, and how Migration Hub links to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
