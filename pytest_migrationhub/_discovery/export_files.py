"""What an export's zip holds, made from what Application Discovery Service knows.

The file names are the ADS User Guide's ("Exporting data"); the guide gives no
column headers, so the fake's are its own, documented in the README: the
summary's ``ImportTemplate.csv`` has the import template's columns and imports
again as it is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from .columns import COLUMNS, FIGURES, PERCENT, WHOLE
from .inventory import Inventory
from .jobs import Agent
from .records import ads_time

Files = dict[str, bytes]


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file: ``header``, then ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def summary(account: str, inventory: Inventory) -> Files:
    """The export of every server, application and tag: no filter, no preferences."""
    files = {**_server_files(inventory), **_application_files(inventory)}
    return {f"{account}_{name}": content for name, content in files.items()}


def _server_files(inventory: Inventory) -> Files:
    servers = list(inventory.discovered.values())
    performance = (*WHOLE, "RAM.TotalSizeInMB", *PERCENT, *[c for c in FIGURES if c != "RAM.TotalSizeInMB"])
    vmware = ("VMware.MoRefId", "VMware.VCenterId", "VMware.VMName")
    return {
        "Server.csv": table(
            ("ServerId", "ExternalId", "HostName", "OS.Name", "OS.Version", "Type", "TimeOfCreation"),
            [
                (s.configuration_id, s.external_id or "", s.host_name or "", s.os_name or "")
                + (s.os_version or "", s.server_type, ads_time(s.time_of_creation))
                for s in servers
            ],
        ),
        "NetworkInterface.csv": table(
            ("ServerId", "IPAddress", "MACAddress"),
            [
                row
                for s in servers
                for row in [(s.configuration_id, ip, "") for ip in s.ip_addresses]
                + [(s.configuration_id, "", mac) for mac in s.mac_addresses]
            ],
        ),
        "SystemPerformance.csv": table(
            ("ServerId", *performance),
            [(s.configuration_id, *[s.imported.get(c, "") for c in performance]) for s in servers],
        ),
        "VMwareInfo.csv": table(
            ("ServerId", *vmware),
            [
                (s.configuration_id, *[s.imported.get(c, "") for c in vmware])
                for s in servers
                if s.imported.get(vmware[0])
            ],
        ),
    }


def _application_files(inventory: Inventory) -> Files:
    servers = list(inventory.discovered.values())
    applications = list(inventory.applications.values())
    apps_of = {s.configuration_id: [a for a in applications if s.configuration_id in a.items] for s in servers}
    return {
        "Application.csv": table(
            ("ApplicationId", "Name", "Description", "Wave", "ServerCount", "TimeOfCreation", "LastModifiedTime"),
            [
                (a.application_id, a.name, a.description, a.wave or "", len(a.items))
                + (ads_time(a.time_of_creation), ads_time(a.last_modified_time))
                for a in applications
            ],
        ),
        "ApplicationResourceAssociation.csv": table(
            ("ApplicationId", "ServerId"), [(a.application_id, item) for a in applications for item in a.items]
        ),
        "Tags.csv": table(
            ("ConfigurationId", "ConfigurationType", "Key", "Value"),
            [(s.configuration_id, "SERVER", k, v) for s in servers for k, v in s.tags]
            + [(a.application_id, "APPLICATION", k, v) for a in applications for k, v in a.tags],
        ),
        "ImportTemplate.csv": table(
            COLUMNS,
            [[_template_value(s, c, apps_of[s.configuration_id]) for c in COLUMNS] for s in servers],
        ),
    }


def _template_value(server: Any, column: str, applications: list[Any]) -> str:
    if column == "ServerId":
        return str(server.configuration_id)
    if column == "Applications":
        return ", ".join(a.name for a in applications)
    if column == "Tags":
        return ", ".join(f"{k}:{v}" for k, v in server.tags)
    if column == "ApplicationWave":
        return next((a.wave for a in applications if a.wave), "")
    named = {"HostName": server.host_name, "OS.Name": server.os_name, "OS.Version": server.os_version}
    if column == "IPAddress":
        return ", ".join(server.ip_addresses)
    return str(named.get(column) or server.imported.get(column, ""))


#: the agent export's files and their columns, as the ADS User Guide lists the data an agent collects
AGENT_FILES = {
    "osInfo.csv": ("accountNumber", "agentId", "osName", "osVersion", "cpuType", "hostName", "hypervisor", "timestamp"),
    "networkInterface.csv": (
        "accountNumber",
        "agentId",
        "name",
        "macAddress",
        "family",
        "ipAddress",
        "gateway",
        "netMask",
        "timestamp",
    ),
    "systemPerformance.csv": (
        "accountNumber",
        "agentId",
        "totalDiskBytesReadPerSecond(Kbps)",
        "totalDiskBytesWrittenPerSecond(Kbps)",
        "totalDiskReadOpsPerSecond",
        "totalDiskWriteOpsPerSecond",
        "totalNetworkBytesReadPerSecond(Kbps)",
        "totalNetworkBytesWrittenPerSecond(Kbps)",
        "totalNumLogicalProcessors",
        "totalNumCores",
        "totalNumCpus",
        "totalNumDisks",
        "totalNumNetworkCards",
        "totalCpuUsagePct",
        "totalDiskSize(GB)",
        "totalDiskFreeSize(GB)",
        "totalRAM(MB)",
        "freeRAM(MB)",
        "timestamp",
    ),
    "process.csv": (
        "accountNumber",
        "agentId",
        "agentAssignedProcessId",
        "isSystem",
        "name",
        "cmdLine",
        "path",
        "agentProvidedTimeStamp",
    ),
}
_CONNECTION = (
    "accountNumber",
    "agentId",
    "sourceIp",
    "sourcePort",
    "destinationIp",
    "destinationPort",
    "ipVersion",
    "transportProtocol",
    "agentAssignedProcessId",
    "agentCreationDate",
)
AGENT_FILES["sourceProcessConnection.csv"] = _CONNECTION
AGENT_FILES["destinationProcessConnection.csv"] = _CONNECTION


def agent(account: str, found: Agent, request: dict[str, Any], moment: datetime) -> Files:
    """The export of one agent's data: what the fake knows of its host, and a results file."""
    when = moment.strftime("%Y-%m-%d %H:%M:%S")
    rows: dict[str, list[Sequence[Any]]] = {name: [] for name in AGENT_FILES}
    rows["osInfo.csv"].append((account, found.agent_id, "", "", "", found.host_name or "", "", when))
    if found.ip_address or found.mac_address:
        network = (found.mac_address or "", "IPv4", found.ip_address or "", "", "", when)
        rows["networkInterface.csv"].append((account, found.agent_id, "eth0", *network))
    files = {f"{account}_{name}": table(AGENT_FILES[name], rows[name]) for name in AGENT_FILES}
    results = {
        "CustomerAccount": account,
        "RequestedFilters": [{"Name": "agentIds", "Values": [found.agent_id], "Condition": "EQUALS"}],
        "RequestedStartTime": request.get("startTime"),
        "RequestedEndTime": request.get("endTime"),
        "ResultFilesGenerated": list(files),
        "TotalSizeOfResultFiles": sum(len(content) for content in files.values()),
        "ExportStartedAt": when,
        "ExportStatus": "SUCCEEDED",
        "ExportSummary": {"isTruncated": False},
        "StatusMessage": "Data export completed",
    }
    files[f"{account}_results.json"] = json.dumps(results, indent=2).encode()
    return files


#: the EC2 recommendations file's columns, as the exports AWS makes have them
EC2_COLUMNS = (
    "ServerId,Server.ExternalId,Server.HostName,Server.VMware.VMname,Recommendation.EC2.Remarks,Server.OS.Name,"
    "Server.OS.Version,Server.CPU.NumberOfProcessors,Server.CPU.NumberOfCores,Server.CPU.NumberOfLogicalCores,"
    "Recommendation.EC2.RequestedCPU.UsagePct,Recommendation.EC2.RequestedvCPU,Server.RAM.TotalSizeInMB,"
    "Recommendation.EC2.RequestedRAM.UsagePct,Recommendation.EC2.RequestedRAMinMB,Recommendation.EC2.Instance.Model,"
    "Recommendation.EC2.Instance.vCPUCount,Recommendation.EC2.Instance.RAM.TotalSizeinMB,"
    "Recommendation.EC2.Instance.Price.UpfrontCost,Recommendation.EC2.Instance.Price.HourlyRate,"
    "Recommendation.EC2.Instance.Price.AmortizedHourlyRate,Recommendation.EC2.Instance.Price.EffectiveDate.UTC,"
    "Recommendation.EC2.Instance.OSType,UserPreference.Recommendation.CPUSizing,"
    "UserPreference.Recommendation.RAMSizing,UserPreference.Region,UserPreference.EC2.Tenancy,"
    "UserPreference.EC2.PricingModel,UserPreference.EC2.PricingModel.ContractTerm,"
    "UserPreference.EC2.PricingModel.Payment,UserPreference.EC2.ExcludedInstances,Applications,Tags"
).split(",")
#: what the fake says instead of a recommendation
NO_RECOMMENDATION = "pytest-migrationhub makes no EC2 recommendations: the instance columns are left empty"


def ec2_recommendations(inventory: Inventory, preferences: dict[str, Any]) -> Files:
    """One row per server with what the fake knows of it and the preferences asked for; no recommendation."""
    reserved = preferences.get("reservedInstanceOptions") or {}
    choices = {
        "UserPreference.Recommendation.CPUSizing": (preferences.get("cpuPerformanceMetricBasis") or {}).get("name", ""),
        "UserPreference.Recommendation.RAMSizing": (preferences.get("ramPerformanceMetricBasis") or {}).get("name", ""),
        "UserPreference.Region": preferences.get("preferredRegion", ""),
        "UserPreference.EC2.Tenancy": preferences.get("tenancy", "SHARED"),
        "UserPreference.EC2.PricingModel": "Reserved" if reserved else "On-Demand",
        "UserPreference.EC2.PricingModel.ContractTerm": reserved.get("termLength", ""),
        "UserPreference.EC2.PricingModel.Payment": reserved.get("purchasingOption", ""),
        "UserPreference.EC2.ExcludedInstances": ", ".join(preferences.get("excludedInstanceTypes") or []),
    }
    rows = []
    for server in inventory.discovered.values():
        apps = [a.name for a in inventory.applications.values() if server.configuration_id in a.items]
        known = {
            "ServerId": server.configuration_id,
            "Server.ExternalId": server.external_id or "",
            "Server.HostName": server.host_name or "",
            "Server.VMware.VMname": server.imported.get("VMware.VMName", ""),
            "Recommendation.EC2.Remarks": NO_RECOMMENDATION,
            "Server.OS.Name": server.os_name or "",
            "Server.OS.Version": server.os_version or "",
            "Applications": ", ".join(apps),
            "Tags": ", ".join(f"{k}:{v}" for k, v in server.tags),
            **choices,
        }
        for column in ("CPU.NumberOfProcessors", "CPU.NumberOfCores", "CPU.NumberOfLogicalCores", "RAM.TotalSizeInMB"):
            known[f"Server.{column}"] = server.imported.get(column, "")
        rows.append([known.get(column, "") for column in EC2_COLUMNS])
    return {"EC2InstanceRecommendations.csv": table(EC2_COLUMNS, rows)}
