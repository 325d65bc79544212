"""Migration Hub import (StartImportTask) on the fake's clock, and the rows of the import template
a test registers with ``add_import_file()``: what each column takes, what fails alone."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from import_support import (
    CONFIGURATION_ID,
    START,
    UNIDENTIFIED,
    counts,
    describe,
    described,
    errors_of,
    imported,
    servers,
    started,
)

from pytest_migrationhub import MigrationHubFake
from pytest_migrationhub._discovery.template import COLUMNS

# --- on the fake's clock ------------------------------------------------------------------------


def test_an_import_is_in_progress_for_discovery_task_seconds_then_done(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    mhub_fake.add_discovered_resource("d-server-0seeded", host_name="old.example.com", ip_address="10.0.0.7")
    task = started(mhub_fake, discovery, "ExternalId,HostName,IPAddress\nweb-1,web-1.example.com,\n,new,10.0.0.7\n")
    assert task["status"] == "IMPORT_IN_PROGRESS"
    assert task["importRequestTime"] == START
    assert "importCompletionTime" not in task and "errorsAndFailedEntriesZip" not in task

    freezer.tick(0.5)
    assert described(discovery, task["importTaskId"])["status"] == "IMPORT_IN_PROGRESS"
    assert mhub_fake.import_tasks()[-1].status == "IMPORT_IN_PROGRESS"
    # Nothing is imported yet: no new server, the matched one unchanged.
    assert servers(discovery) == ["d-server-0seeded"]
    assert [s.configuration_id for s in mhub_fake.discovered_resources()] == ["d-server-0seeded"]
    assert describe(discovery, "d-server-0seeded")["server.hostName"] == "old.example.com"

    freezer.tick(0.5)
    done = described(discovery, task["importTaskId"])
    assert done["status"] == "IMPORT_COMPLETE"
    assert done["importCompletionTime"] == START + timedelta(seconds=1)
    [seeded, created] = mhub_fake.discovered_resources()
    assert (seeded.configuration_id, created.external_id) == ("d-server-0seeded", "web-1")
    assert servers(discovery) == ["d-server-0seeded", created.configuration_id]
    assert describe(discovery, "d-server-0seeded")["server.hostName"] == "new"
    # What the import created dates from the moment it was due.
    assert describe(discovery, created.configuration_id)["server.timeOfCreation"] == "2024-05-01 12:00:01.0"


@pytest.mark.mhub_fake(discovery_task_seconds=0)
def test_with_no_task_seconds_an_import_is_done_at_the_next_request(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    task = started(mhub_fake, discovery, "ExternalId\nweb-1\n")
    assert task["status"] == "IMPORT_IN_PROGRESS"  # the answer that starts a task always shows it in progress
    done = described(discovery, task["importTaskId"])
    assert (done["status"], done["importCompletionTime"]) == ("IMPORT_COMPLETE", task["importRequestTime"])
    assert [s.external_id for s in mhub_fake.discovered_resources()] == ["web-1"]


# --- rows -----------------------------------------------------------------------------------------

#: a value for every column of the template but ServerId (which names a known server)
EVERY_COLUMN = {
    "ExternalId": "web-1",
    "SMBiosId": "4C4C4544-0042-3510-8052-B4C04F4A4C31",
    "IPAddress": "10.0.0.1",
    "MACAddress": "00:1B:44:11:3A:B7",
    "HostName": "web-1.example.com",
    "VMware.MoRefId": "vm-101",
    "VMware.VCenterId": "vcenter-1",
    "CPU.NumberOfProcessors": "2",
    "CPU.NumberOfCores": "8",
    "CPU.NumberOfLogicalCores": "16",
    "OS.Name": "Ubuntu",
    "OS.Version": "22.04",
    "VMware.VMName": "web-1-vm",
    "RAM.TotalSizeInMB": "16384",
    "RAM.UsedSizeInMB.Avg": "8000.5",
    "RAM.UsedSizeInMB.Max": "12000",
    "CPU.UsagePct.Avg": "35.5",
    "CPU.UsagePct.Max": "100",
    "DiskReadsPerSecondInKB.Avg": "1",
    "DiskWritesPerSecondInKB.Avg": "2",
    "DiskReadsPerSecondInKB.Max": "3",
    "DiskWritesPerSecondInKB.Max": "4",
    "DiskReadsOpsPerSecond.Avg": "5",
    "DiskWritesOpsPerSecond.Avg": "6",
    "DiskReadsOpsPerSecond.Max": "7",
    "DiskWritesOpsPerSecond.Max": "8",
    "NetworkReadsPerSecondInKB.Avg": "9",
    "NetworkWritesPerSecondInKB.Avg": "10",
    "NetworkReadsPerSecondInKB.Max": "11",
    "NetworkWritesPerSecondInKB.Max": "0",
    "Applications": "webshop",
    "ApplicationWave": "wave-1",
    "Tags": "env:prod",
}


def test_every_column_of_the_template_is_imported(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    assert set(EVERY_COLUMN) == set(COLUMNS) - {"ServerId"}
    header = [c for c in COLUMNS if c != "ServerId"]
    content = ",".join(header) + "\n" + ",".join(EVERY_COLUMN[c] for c in header) + "\n"
    task = imported(mhub_fake, discovery, content)
    assert counts(task) == ("IMPORT_COMPLETE", 1, 0, 1, 0)
    assert "errorsAndFailedEntriesZip" not in task  # nothing failed: no zip
    [server] = mhub_fake.discovered_resources()
    fields = {c: v for c, v in EVERY_COLUMN.items() if c not in ("Applications", "ApplicationWave", "Tags")}
    assert server.imported == fields
    assert (server.host_name, server.os_name, server.os_version, server.ip_address, server.server_type) == (
        "web-1.example.com",
        "Ubuntu",
        "22.04",
        "10.0.0.1",
        "VMWARE_VM",
    )
    [application] = mhub_fake.applications()
    assert (application.name, application.wave, application.items) == ("webshop", "wave-1", [server.configuration_id])
    assert server.tags == [("env", "prod")]
    item = describe(discovery, server.configuration_id)
    assert CONFIGURATION_ID.fullmatch(item.pop("server.configurationId"))
    del item["server.timeOfCreation"]
    assert item == {
        "server.hostName": "web-1.example.com",
        "server.osName": "Ubuntu",
        "server.osVersion": "22.04",
        "server.type": "VMWARE_VM",
        "server.performance.numCpus": "2",
        "server.performance.numCores": "8",
        "server.performance.numLogicalProcessors": "16",
        "server.performance.totalRAMInKB": "16777216",
        "server.performance.avgCpuUsagePct": "35.5",
        "server.performance.maxCpuUsagePct": "100",
        "server.performance.avgDiskReadsPerSecondInKB": "1",
        "server.performance.avgDiskWritesPerSecondInKB": "2",
        "server.performance.maxDiskReadsPerSecondInKB": "3",
        "server.performance.maxDiskWritesPerSecondInKB": "4",
        "server.performance.avgDiskReadIOPS": "5",
        "server.performance.avgDiskWriteIOPS": "6",
        "server.performance.maxDiskReadIOPS": "7",
        "server.performance.maxDiskWriteIOPS": "8",
        "server.performance.avgNetworkReadsPerSecondInKB": "9",
        "server.performance.avgNetworkWritesPerSecondInKB": "10",
        "server.performance.maxNetworkReadsPerSecondInKB": "11",
        "server.performance.maxNetworkWritesPerSecondInKB": "0",
        "server.vmWareInfo.moRefId": "vm-101",
        "server.vmWareInfo.vcenterId": "vcenter-1",
        "server.vmWareInfo.vmName": "web-1-vm",
        "server.applications": json.dumps([{"name": "webshop", "configurationId": application.application_id}]),
        "server.applications.hasMoreValues": "false",
        "server.tags": '[{"key": "env", "value": "prod"}]',
        "server.tags.hasMoreValues": "false",
        "server.networkInterfaceInfo": '[{"ipAddress": "10.0.0.1"}, {"macAddress": "00:1B:44:11:3A:B7"}]',
        "server.networkInterfaceInfo.hasMoreValues": "false",
    }


def test_columns_the_template_does_not_name_are_ignored(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    content = "Owner,ExternalId,hostname,Rack,OS.Name\nalice,web-1,ignored,r12,Ubuntu\n"
    task = imported(mhub_fake, discovery, content)
    assert counts(task) == ("IMPORT_COMPLETE", 1, 0, 0, 0)
    [server] = mhub_fake.discovered_resources()
    assert server.imported == {"ExternalId": "web-1", "OS.Name": "Ubuntu"}  # names are case-sensitive
    assert server.host_name is None


def test_a_utf8_file_with_a_byte_order_mark_is_read(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    # Excel's "CSV UTF-8" starts with a byte order mark; the first column is still ExternalId.
    task = imported(mhub_fake, discovery, "\ufeffExternalId,HostName\nweb-1,serveur-été\n".encode())
    assert task["status"] == "IMPORT_COMPLETE"
    [server] = mhub_fake.discovered_resources()
    assert (server.external_id, server.host_name) == ("web-1", "serveur-été")


def test_lists_are_comma_separated_within_a_quoted_field(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    content = (
        "ExternalId,IPAddress,MACAddress,Applications,Tags\n"
        'web-1,"10.0.0.1, 10.0.0.2","00:1B:44:11:3A:B7,00:1B:44:11:3A:B8","webshop, billing","env:prod, tier:web"\n'
    )
    task = imported(mhub_fake, discovery, content)
    assert counts(task) == ("IMPORT_COMPLETE", 1, 0, 2, 0)
    [server] = mhub_fake.discovered_resources()
    assert server.ip_addresses == ["10.0.0.1", "10.0.0.2"]
    assert server.mac_addresses == ["00:1B:44:11:3A:B7", "00:1B:44:11:3A:B8"]
    assert server.tags == [("env", "prod"), ("tier", "web")]
    assert [(a.name, a.items) for a in mhub_fake.applications()] == [
        ("webshop", [server.configuration_id]),
        ("billing", [server.configuration_id]),
    ]
    item = describe(discovery, server.configuration_id)
    assert json.loads(item["server.networkInterfaceInfo"]) == [
        {"ipAddress": "10.0.0.1"},
        {"ipAddress": "10.0.0.2"},
        {"macAddress": "00:1B:44:11:3A:B7"},
        {"macAddress": "00:1B:44:11:3A:B8"},
    ]
    tags = discovery.describe_tags(filters=[{"name": "configurationId", "values": [server.configuration_id]}])
    assert [(t["key"], t["value"]) for t in tags["tags"]] == [("env", "prod"), ("tier", "web")]


@pytest.mark.parametrize(
    "header, row",
    [
        ("ExternalId", "web-1"),
        ("IPAddress", "10.0.0.1"),
        ("MACAddress", "00:1B:44:11:3A:B7"),
        ("HostName", "web-1.example.com"),
        ("VMware.MoRefId,VMware.VCenterId", "vm-101,vcenter-1"),
    ],
)
def test_each_identifying_field_alone_identifies_a_row(
    mhub_fake: MigrationHubFake, discovery: Any, header: str, row: str
) -> None:
    task = imported(mhub_fake, discovery, f"{header},OS.Name\n{row},Ubuntu\n")
    assert counts(task) == ("IMPORT_COMPLETE", 1, 0, 0, 0)
    [server] = mhub_fake.discovered_resources()
    assert server.os_name == "Ubuntu"


@pytest.mark.parametrize(
    "header, row, column, message",
    [
        ("OS.Name,CPU.NumberOfCores", "Ubuntu,4", "", UNIDENTIFIED),
        (
            "VMware.MoRefId,OS.Name",
            "vm-101,Ubuntu",
            "VMware.MoRefId",
            "VMware.MoRefId and VMware.VCenterId identify a server together: give both",
        ),
        (
            "VMware.VCenterId,OS.Name",
            "vcenter-1,Ubuntu",
            "VMware.VCenterId",
            "VMware.MoRefId and VMware.VCenterId identify a server together: give both",
        ),
    ],
)
def test_a_row_that_identifies_no_server_fails(
    mhub_fake: MigrationHubFake, discovery: Any, header: str, row: str, column: str, message: str
) -> None:
    task = imported(mhub_fake, discovery, f"{header}\n{row}\n")
    assert counts(task) == ("IMPORT_FAILED", 0, 1, 0, 0)
    assert errors_of(task) == [["2", column, "", message]]
    assert mhub_fake.discovered_resources() == []


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("CPU.NumberOfCores", "four", "'four' is not a number"),
        ("CPU.NumberOfCores", "0", "'0' is not a whole number of 1 or more"),
        ("CPU.NumberOfProcessors", "2.5", "'2.5' is not a whole number of 1 or more"),
        ("CPU.NumberOfLogicalCores", "-4", "'-4' is not a whole number of 1 or more"),
        ("CPU.UsagePct.Avg", "100.5", "'100.5' is not a percentage from 0 to 100"),
        ("CPU.UsagePct.Max", "-1", "'-1' is not a percentage from 0 to 100"),
        ("RAM.TotalSizeInMB", "-1", "'-1' is below 0"),
        ("RAM.UsedSizeInMB.Avg", "8 GB", "'8 GB' is not a number"),
        ("NetworkReadsPerSecondInKB.Max", "nan", "'nan' is not a number"),
        ("DiskReadsOpsPerSecond.Avg", "inf", "'inf' is not a number"),
        ("DiskWritesOpsPerSecond.Avg", "1e999", "'1e999' is not a number"),
        ("DiskWritesPerSecondInKB.Max", "1_000", "'1_000' is not a number"),
    ],
)
def test_a_figure_out_of_its_range_fails_the_row(
    mhub_fake: MigrationHubFake, discovery: Any, column: str, value: str, message: str
) -> None:
    task = imported(mhub_fake, discovery, f"ExternalId,{column}\nweb-1,{value}\n")
    assert counts(task) == ("IMPORT_FAILED", 0, 1, 0, 0)
    assert errors_of(task) == [["2", column, "web-1", message]]


def test_figures_at_the_ends_of_their_ranges_are_accepted(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    content = (
        "ExternalId,CPU.NumberOfCores,CPU.UsagePct.Avg,CPU.UsagePct.Max,RAM.TotalSizeInMB,DiskReadsOpsPerSecond.Max\n"
        "web-1,1,0,100,0,1.5e3\n"
        "web-2,4.0,0.5,99.9,.5,+7\n"
    )
    assert counts(imported(mhub_fake, discovery, content)) == ("IMPORT_COMPLETE", 2, 0, 0, 0)


@pytest.mark.parametrize("tags, bad", [("prod", "prod"), ("env:prod, :web", ":web"), ("env:prod,  tier", "tier")])
def test_a_tag_that_is_not_name_colon_value_fails_the_row(
    mhub_fake: MigrationHubFake, discovery: Any, tags: str, bad: str
) -> None:
    task = imported(mhub_fake, discovery, f'ExternalId,Tags\nweb-1,"{tags}"\n')
    assert counts(task) == ("IMPORT_FAILED", 0, 1, 0, 0)
    assert errors_of(task) == [
        ["2", "Tags", "web-1", f"{bad!r} is not a tag: write tags as name:value, separated by commas"]
    ]


def test_a_tag_value_may_hold_a_colon(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    imported(mhub_fake, discovery, 'ExternalId,Tags\nweb-1,"url:https://web-1, owner : alice"\n')
    [server] = mhub_fake.discovered_resources()
    assert server.tags == [("url", "https://web-1"), ("owner", "alice")]


def test_a_bad_row_fails_alone_and_the_others_import(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    content = (
        "ExternalId,HostName,CPU.NumberOfCores,Applications\n"
        "web-1,web-1.example.com,4,webshop\n"
        "db-1,db-1.example.com,eight,database\n"
        "web-2,web-2.example.com,2,webshop\n"
    )
    task = imported(mhub_fake, discovery, content)
    # "database" is named only by the failed row: that application failed.
    assert counts(task) == ("IMPORT_COMPLETE_WITH_ERRORS", 2, 1, 1, 1)
    assert [s.external_id for s in mhub_fake.discovered_resources()] == ["web-1", "web-2"]
    assert [a.name for a in mhub_fake.applications()] == ["webshop"]
    assert errors_of(task) == [["3", "CPU.NumberOfCores", "db-1", "'eight' is not a number"]]


def test_a_row_reports_every_problem_it_has(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    task = imported(mhub_fake, discovery, "OS.Name,CPU.NumberOfCores,CPU.UsagePct.Max,Tags\nUbuntu,0,101,prod\n")
    assert errors_of(task) == [
        ["2", "", "", UNIDENTIFIED],
        ["2", "CPU.NumberOfCores", "", "'0' is not a whole number of 1 or more"],
        ["2", "CPU.UsagePct.Max", "", "'101' is not a percentage from 0 to 100"],
        ["2", "Tags", "", "'prod' is not a tag: write tags as name:value, separated by commas"],
    ]


def test_when_every_row_fails_the_import_fails(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    content = 'ExternalId,CPU.NumberOfCores,Applications\nweb-1,none,webshop\nweb-2,0,"webshop, billing"\n'
    task = imported(mhub_fake, discovery, content)
    assert counts(task) == ("IMPORT_FAILED", 0, 2, 0, 2)
    assert mhub_fake.discovered_resources() == [] and mhub_fake.applications() == []


def test_application_counts_are_of_distinct_names(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_application("d-application-0000000000000001", name="webshop")
    content = (
        "ExternalId,Applications,CPU.NumberOfCores\n"
        'web-1,"webshop, billing",1\n'
        "web-2,webshop,1\n"
        'web-3,"billing, payroll",x\n'  # failed: payroll only here, billing imported by web-1
        "web-4,,x\n"
    )
    task = imported(mhub_fake, discovery, content)
    assert counts(task) == ("IMPORT_COMPLETE_WITH_ERRORS", 2, 2, 2, 1)


def test_a_file_with_no_records_fails_with_the_reason(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    task = imported(mhub_fake, discovery, "ExternalId,HostName\n\n")
    assert counts(task) == ("IMPORT_FAILED", 0, 0, 0, 0)
    assert errors_of(task) == [["0", "", "", "The import file has its header line and no records"]]
    assert "fileClassification" not in task
