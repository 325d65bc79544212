"""What the tests of Application Discovery Service's exports, deletions and continuous exports share."""

from __future__ import annotations

import csv
import io
import re
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from datetime import datetime, timezone
from typing import Any

import pytest
from support import DEFAULT_ACCOUNT

from pytest_migrationhub import MigrationHubFake

#: a moment to freeze the clock at, and what ADS shows of it
START = datetime(2024, 3, 5, 6, 7, 8, tzinfo=timezone.utc)
SHOWN = "2024-03-05 06:07:08.0"
#: an agent ID of the form the API reference shows
AGENT = "o-0123456789abcdef0"
OTHER_AGENT = "o-0fedcba9876543210"
EXPORT_ID = re.compile(r"export-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: what a download URL of the fake's own loopback endpoint looks like
OWN_URL = re.compile(r"http://127\.0\.0\.1:\d+/mhub-api/downloads/[A-Za-z0-9_-]+/(export-[0-9a-f-]{36})\.zip")
#: the files of a filterless export, in the zip's order
SUMMARY_FILES = [
    f"{DEFAULT_ACCOUNT}_{name}.csv"
    for name in (
        "Server",
        "NetworkInterface",
        "SystemPerformance",
        "VMwareInfo",
        "Application",
        "ApplicationResourceAssociation",
        "Tags",
        "ImportTemplate",
    )
]
AGENT_FILES = [
    f"{DEFAULT_ACCOUNT}_{name}"
    for name in (
        "osInfo.csv",
        "networkInterface.csv",
        "systemPerformance.csv",
        "process.csv",
        "sourceProcessConnection.csv",
        "destinationProcessConnection.csv",
        "results.json",
    )
]
#: the import template's columns, as the summary's ImportTemplate.csv heads them
TEMPLATE_HEADER = (
    "ExternalId,SMBiosId,IPAddress,MACAddress,HostName,VMware.MoRefId,VMware.VCenterId,CPU.NumberOfProcessors,"
    "CPU.NumberOfCores,CPU.NumberOfLogicalCores,OS.Name,OS.Version,VMware.VMName,RAM.TotalSizeInMB,"
    "RAM.UsedSizeInMB.Avg,RAM.UsedSizeInMB.Max,CPU.UsagePct.Avg,CPU.UsagePct.Max,DiskReadsPerSecondInKB.Avg,"
    "DiskWritesPerSecondInKB.Avg,DiskReadsPerSecondInKB.Max,DiskWritesPerSecondInKB.Max,DiskReadsOpsPerSecond.Avg,"
    "DiskWritesOpsPerSecond.Avg,DiskReadsOpsPerSecond.Max,DiskWritesOpsPerSecond.Max,NetworkReadsPerSecondInKB.Avg,"
    "NetworkWritesPerSecondInKB.Avg,NetworkReadsPerSecondInKB.Max,NetworkWritesPerSecondInKB.Max,Applications,"
    "ApplicationWave,Tags,ServerId"
)
PERFORMANCE_HEADER = (
    "ServerId,CPU.NumberOfProcessors,CPU.NumberOfCores,CPU.NumberOfLogicalCores,RAM.TotalSizeInMB,CPU.UsagePct.Avg,"
    "CPU.UsagePct.Max,RAM.UsedSizeInMB.Avg,RAM.UsedSizeInMB.Max,DiskReadsPerSecondInKB.Avg,"
    "DiskWritesPerSecondInKB.Avg,DiskReadsPerSecondInKB.Max,DiskWritesPerSecondInKB.Max,DiskReadsOpsPerSecond.Avg,"
    "DiskWritesOpsPerSecond.Avg,DiskReadsOpsPerSecond.Max,DiskWritesOpsPerSecond.Max,NetworkReadsPerSecondInKB.Avg,"
    "NetworkWritesPerSecondInKB.Avg,NetworkReadsPerSecondInKB.Max,NetworkWritesPerSecondInKB.Max"
)
ONLY_AGENT_IDS = "the one filter is agentIds with the condition EQUALS"
CONCURRENT = (
    "You have reached limit of maximum allowed concurrent exports. Please wait for current export tasks "
    "to finish before starting another."
)
DAILY = (
    "StartExportTask: detailed agent data is exported at most 2 times a day (UTC); "
    "move the fake's clock to the next day to export again"
)
SIX_HOURS = (
    "ExportConfigurations: at most 2 configuration exports in 6 hours; use StartExportTask, or move the fake's clock"
)
BUCKET = re.compile(r"aws-application-discovery-service-[a-z0-9]{26}")
CONTINUOUS_ID = re.compile(r"continuous-export-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# --- helpers ---------------------------------------------------------------------------------


def seed_estate(fake: MigrationHubFake, discovery: Any) -> None:
    """Two servers, an application holding both, and tags on a server and on the application."""
    fake.add_discovered_resource(
        "d-server-1", host_name="web-1.example.com", os_name="Ubuntu", os_version="22.04", ip_address="10.0.0.1"
    )
    fake.add_discovered_resource("d-server-2", host_name="db-1.example.com", os_name="Windows", server_type="EC2")
    fake.add_application("app-1", name="Shop", description="the web shop")
    discovery.associate_configuration_items_to_application(
        applicationConfigurationId="app-1", configurationIds=["d-server-1", "d-server-2"]
    )
    discovery.create_tags(configurationIds=["d-server-1", "app-1"], tags=[{"key": "env", "value": "prod"}])


def export_info(discovery: Any, export_id: str) -> dict[str, Any]:
    [info] = discovery.describe_export_tasks(exportIds=[export_id])["exportsInfo"]
    return dict(info)


def download(url: str) -> bytes:
    """GET ``url`` over real loopback HTTP."""
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/zip"
        return bytes(response.read())


def unzip(data: bytes) -> dict[str, bytes]:
    """The files of a zip by name, in the zip's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def exported(discovery: Any, export_id: str) -> dict[str, bytes]:
    """The files of a finished export, downloaded from its URL."""
    info = export_info(discovery, export_id)
    assert info["exportStatus"] == "SUCCEEDED", info
    return unzip(download(info["configurationsDownloadUrl"]))


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def by_agent(agent_id: str = AGENT, name: str = "agentIds") -> list[dict[str, Any]]:
    return [{"name": name, "condition": "EQUALS", "values": [agent_id]}]


def models_preferences(discovery: Any) -> bool:
    return "preferences" in discovery.meta.service_model.operation_model("StartExportTask").input_shape.members


def models(discovery: Any, operation: str) -> bool:
    return operation in discovery.meta.service_model.operation_names


def skip_unless_modelled(discovery: Any, *operations: str) -> None:
    missing = [operation for operation in operations if not models(discovery, operation)]
    if missing:
        pytest.skip(f"this botocore models no {', '.join(missing)}")
