"""What Application Discovery Service (ADS) keeps: discovered servers and applications, and their tags.

Migration Hub reads the same records: AssociateDiscoveredResource names a
server, NotifyApplicationState an application. The attribute names and formats
of the answers are the ADS User Guide's ("Using the Application Discovery
Service API to query discovered configuration items"): every value a string,
times as ``YYYY-MM-DD HH:MM:SS.f`` in UTC, lists as JSON text.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .._core import epoch, now

SERVER = "SERVER"
APPLICATION = "APPLICATION"
#: what ``server.type`` can be, as the User Guide's filter table lists them
SERVER_TYPES = ("EC2", "OTHER", "VMWARE_VM", "VMWARE_HOST", "VMWARE_VM_TEMPLATE")
#: a server's own attributes an import may set (BatchDeleteImportData restores them)
SERVER_ATTRIBUTES = ("host_name", "os_name", "os_version", "ip_address", "server_type")


def ads_time(moment: datetime) -> str:
    """A time as ADS answers it: ``2016-10-28 23:44:00.0`` (UTC, tenths of a second)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + str(moment.microsecond // 100_000)


def new_configuration_id(kind: str) -> str:
    """An id of the form every sample of the API reference has: ``d-application-0`` and 16 hex digits."""
    return f"d-{kind}-0{secrets.token_hex(8)}"


class Tagged:
    """A configuration item's tags: (key, value) pairs, several values per key allowed, in creation order."""

    _tags: dict[tuple[str, str], datetime]

    @property
    def tags(self) -> list[tuple[str, str]]:
        """``[(key, value), ...]`` in the order they were created."""
        return list(self._tags)

    @property
    def tag_times(self) -> list[tuple[str, str, datetime]]:
        """``[(key, value, created), ...]`` in the order they were created."""
        return [(key, value, created) for (key, value), created in self._tags.items()]

    def add_tag(self, key: str, value: str, when: datetime | None = None) -> None:
        """Add the pair, created ``when`` (now, if not given); a pair it has keeps its time."""
        self._tags.setdefault((key, value), now() if when is None else when)

    def remove_tags(self, pairs: list[tuple[str, str]] | None) -> None:
        """Remove the given pairs; ``None``: every tag."""
        if pairs is None:
            self._tags.clear()
        for pair in pairs or ():
            self._tags.pop(pair, None)

    def tag_rows(self, kind: str, configuration_id: str) -> list[dict[str, Any]]:
        """One ``ConfigurationTag`` per pair, as DescribeTags answers it."""
        return [
            {
                "configurationType": kind,
                "configurationId": configuration_id,
                "key": key,
                "value": value,
                "timeOfCreation": epoch(created),
            }
            for (key, value), created in self._tags.items()
        ]


#: import template column -> the attribute DescribeConfigurations gives it (``server.`` omitted), and a
#: factor its value is multiplied by (RAM in MB is reported in KB)
PERFORMANCE: dict[str, tuple[str, int]] = {
    "CPU.NumberOfProcessors": ("performance.numCpus", 1),
    "CPU.NumberOfCores": ("performance.numCores", 1),
    "CPU.NumberOfLogicalCores": ("performance.numLogicalProcessors", 1),
    "RAM.TotalSizeInMB": ("performance.totalRAMInKB", 1024),
    "CPU.UsagePct.Avg": ("performance.avgCpuUsagePct", 1),
    "CPU.UsagePct.Max": ("performance.maxCpuUsagePct", 1),
    "DiskReadsPerSecondInKB.Avg": ("performance.avgDiskReadsPerSecondInKB", 1),
    "DiskWritesPerSecondInKB.Avg": ("performance.avgDiskWritesPerSecondInKB", 1),
    "DiskReadsPerSecondInKB.Max": ("performance.maxDiskReadsPerSecondInKB", 1),
    "DiskWritesPerSecondInKB.Max": ("performance.maxDiskWritesPerSecondInKB", 1),
    "DiskReadsOpsPerSecond.Avg": ("performance.avgDiskReadIOPS", 1),
    "DiskWritesOpsPerSecond.Avg": ("performance.avgDiskWriteIOPS", 1),
    "DiskReadsOpsPerSecond.Max": ("performance.maxDiskReadIOPS", 1),
    "DiskWritesOpsPerSecond.Max": ("performance.maxDiskWriteIOPS", 1),
    "NetworkReadsPerSecondInKB.Avg": ("performance.avgNetworkReadsPerSecondInKB", 1),
    "NetworkWritesPerSecondInKB.Avg": ("performance.avgNetworkWritesPerSecondInKB", 1),
    "NetworkReadsPerSecondInKB.Max": ("performance.maxNetworkReadsPerSecondInKB", 1),
    "NetworkWritesPerSecondInKB.Max": ("performance.maxNetworkWritesPerSecondInKB", 1),
    "VMware.MoRefId": ("vmWareInfo.moRefId", 0),
    "VMware.VCenterId": ("vmWareInfo.vcenterId", 0),
    "VMware.VMName": ("vmWareInfo.vmName", 0),
}


def split_list(value: str | None) -> list[str]:
    """A comma-delimited list of the import template (``"10.0.0.1, 10.0.0.2"``), trimmed, empty parts dropped."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _scaled(value: str, factor: int) -> str:
    if factor <= 1:
        return value
    number = float(value) * factor
    return str(int(number)) if number.is_integer() else str(number)


@dataclass(eq=False)
class DiscoveredServer(Tagged):
    """A server Application Discovery Service has discovered (a SERVER configuration item)."""

    configuration_id: str
    host_name: str | None = None
    os_name: str | None = None
    os_version: str | None = None
    ip_address: str | None = None
    server_type: str = "OTHER"
    time_of_creation: datetime = field(default_factory=now)
    #: the import template's fields imports gave it, by column (``{"CPU.NumberOfCores": "4"}``)
    imported: dict[str, str] = field(default_factory=dict)
    _tags: dict[tuple[str, str], datetime] = field(default_factory=dict, repr=False)

    def describe(
        self,
        *,
        host_name: str | None,
        os_name: str | None,
        os_version: str | None,
        ip_address: str | None,
        server_type: str,
    ) -> None:
        """Set its attributes (as discovery would)."""
        self.host_name, self.os_name, self.os_version = host_name, os_name, os_version
        self.ip_address, self.server_type = ip_address, server_type

    @property
    def external_id(self) -> str | None:
        """The ExternalId an import gave it, the first key an import matches on."""
        return self.imported.get("ExternalId")

    @property
    def ip_addresses(self) -> list[str]:
        """Every IP address it is known by: the seeded one, then the imported ones."""
        found = [self.ip_address] if self.ip_address else []
        return found + [ip for ip in split_list(self.imported.get("IPAddress")) if ip not in found]

    @property
    def mac_addresses(self) -> list[str]:
        return split_list(self.imported.get("MACAddress"))

    def listing(self) -> dict[str, str]:
        """The fields ListConfigurations gives a server; those it does not have are left out."""
        fields = {
            "server.configurationId": self.configuration_id,
            "server.hostName": self.host_name,
            "server.osName": self.os_name,
            "server.osVersion": self.os_version,
            "server.timeOfCreation": ads_time(self.time_of_creation),
            "server.type": self.server_type,
        }
        return {name: value for name, value in fields.items() if value is not None}

    def description(self, applications: list[Application]) -> dict[str, str]:
        """The fields DescribeConfigurations gives a server: the listing's, its imported figures,
        and its lists as JSON text."""
        out = self.listing()
        for column, (attribute, factor) in PERFORMANCE.items():
            value = self.imported.get(column)
            if value:
                out[f"server.{attribute}"] = _scaled(value, factor)
        out["server.applications"] = json.dumps(
            [{"name": a.name, "configurationId": a.application_id} for a in applications]
        )
        out["server.applications.hasMoreValues"] = "false"
        out["server.tags"] = json.dumps([{"key": k, "value": v} for k, v in self._tags])
        out["server.tags.hasMoreValues"] = "false"
        interfaces = [{"ipAddress": ip} for ip in self.ip_addresses]
        interfaces += [{"macAddress": mac} for mac in self.mac_addresses]
        if interfaces:
            out["server.networkInterfaceInfo"] = json.dumps(interfaces)
            out["server.networkInterfaceInfo.hasMoreValues"] = "false"
        return out


@dataclass
class Application(Tagged):
    """An application known to Application Discovery Service, its servers, and its reported state."""

    application_id: str
    status: str | None = None
    last_updated_time: datetime | None = None
    name: str = ""
    description: str = ""
    wave: str | None = None
    time_of_creation: datetime = field(default_factory=now)
    last_modified_time: datetime = field(default_factory=now)
    _items: list[str] = field(default_factory=list, repr=False)
    _tags: dict[tuple[str, str], datetime] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # ADS requires a name; a seeded application without one is called by its id.
        self.name = self.name or self.application_id

    @property
    def items(self) -> list[str]:
        """The configuration ids of its servers, in association order."""
        return list(self._items)

    def report(self, status: str, when: datetime | None = None) -> None:
        """Record a NotifyApplicationState (``when``: now, if the request named no time)."""
        self.status = status
        self.last_updated_time = when if when is not None else now()

    def state_json(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        if self.status is not None:
            state["ApplicationStatus"] = self.status
        if self.last_updated_time is not None:
            state["LastUpdatedTime"] = epoch(self.last_updated_time)
        return state

    def update(self, name: str | None, description: str | None, wave: str | None) -> None:
        """Change what UpdateApplication names; the rest stays."""
        self.name = self.name if name is None else name
        self.description = self.description if description is None else description
        self.wave = self.wave if wave is None else wave
        self.last_modified_time = now()

    def associate(self, configuration_ids: list[str]) -> None:
        held = set(self._items)
        for configuration_id in configuration_ids:
            if configuration_id not in held:
                self._items.append(configuration_id)
                held.add(configuration_id)

    def disassociate(self, configuration_ids: list[str]) -> None:
        self._items = [i for i in self._items if i not in configuration_ids]

    def description_json(self) -> dict[str, str]:
        """The six fields ListConfigurations and DescribeConfigurations give an application."""
        return {
            "application.configurationId": self.application_id,
            "application.description": self.description,
            "application.lastModifiedTime": ads_time(self.last_modified_time),
            "application.name": self.name,
            "application.serverCount": str(len(self._items)),
            "application.timeOfCreation": ads_time(self.time_of_creation),
        }
