"""Application Discovery Service exports through botocore: StartExportTask on the fake's clock, the zip of
a filterless export, and an agent's export."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from export_support import (
    AGENT,
    AGENT_FILES,
    CONCURRENT,
    DAILY,
    EXPORT_ID,
    ONLY_AGENT_IDS,
    OTHER_AGENT,
    OWN_URL,
    PERFORMANCE_HEADER,
    SHOWN,
    START,
    SUMMARY_FILES,
    TEMPLATE_HEADER,
    by_agent,
    download,
    export_info,
    exported,
    rows,
    seed_estate,
    unzip,
)
from support import DEFAULT_ACCOUNT, error_of

from pytest_migrationhub import MigrationHubFake

# --- a filterless export ----------------------------------------------------------------------


@pytest.mark.mhub_fake(discovery_task_seconds=2)
def test_an_export_is_in_progress_until_its_time_has_passed_on_the_fakes_clock(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    export_id = discovery.start_export_task()["exportId"]
    assert EXPORT_ID.fullmatch(export_id)
    in_progress = {
        "exportId": export_id,
        "exportStatus": "IN_PROGRESS",
        "statusMessage": "Data export is in progress",
        "exportRequestTime": START,
    }
    assert export_info(discovery, export_id) == in_progress
    freezer.tick(1.999)
    assert export_info(discovery, export_id) == in_progress
    freezer.tick(0.001)  # discovery_task_seconds have passed
    done = export_info(discovery, export_id)
    url = done.pop("configurationsDownloadUrl")
    assert done == {
        "exportId": export_id,
        "exportStatus": "SUCCEEDED",
        "statusMessage": "Data export completed",
        "exportRequestTime": START,
        "isTruncated": False,
    }
    match = OWN_URL.fullmatch(url)
    assert match is not None, url
    assert match.group(1) == export_id
    [task] = mhub_fake.export_tasks()
    assert (task.export_id, task.status, task.url) == (export_id, "SUCCEEDED", url)


def test_the_zip_holds_the_user_guides_files_with_the_estate(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    seed_estate(mhub_fake, discovery)
    export_id = discovery.start_export_task()["exportId"]
    freezer.tick(1)
    files = {name: content.decode() for name, content in exported(discovery, export_id).items()}
    assert list(files) == SUMMARY_FILES
    prefix = f"{DEFAULT_ACCOUNT}_"
    assert files[prefix + "Server.csv"] == (
        "ServerId,ExternalId,HostName,OS.Name,OS.Version,Type,TimeOfCreation\n"
        f"d-server-1,,web-1.example.com,Ubuntu,22.04,OTHER,{SHOWN}\n"
        f"d-server-2,,db-1.example.com,Windows,,EC2,{SHOWN}\n"
    )
    assert files[prefix + "NetworkInterface.csv"] == "ServerId,IPAddress,MACAddress\nd-server-1,10.0.0.1,\n"
    assert files[prefix + "SystemPerformance.csv"] == (
        f"{PERFORMANCE_HEADER}\nd-server-1{',' * 20}\nd-server-2{',' * 20}\n"
    )
    assert files[prefix + "VMwareInfo.csv"] == "ServerId,VMware.MoRefId,VMware.VCenterId,VMware.VMName\n"
    assert files[prefix + "Application.csv"] == (
        "ApplicationId,Name,Description,Wave,ServerCount,TimeOfCreation,LastModifiedTime\n"
        f"app-1,Shop,the web shop,,2,{SHOWN},{SHOWN}\n"
    )
    assert files[prefix + "ApplicationResourceAssociation.csv"] == (
        "ApplicationId,ServerId\napp-1,d-server-1\napp-1,d-server-2\n"
    )
    assert files[prefix + "Tags.csv"] == (
        "ConfigurationId,ConfigurationType,Key,Value\nd-server-1,SERVER,env,prod\napp-1,APPLICATION,env,prod\n"
    )
    template = rows(files[prefix + "ImportTemplate.csv"].encode())
    assert ",".join(template[0]) == TEMPLATE_HEADER
    filled = [{c: v for c, v in zip(template[0], row, strict=True) if v} for row in template[1:]]
    assert filled == [
        {
            "IPAddress": "10.0.0.1",
            "HostName": "web-1.example.com",
            "OS.Name": "Ubuntu",
            "OS.Version": "22.04",
            "Applications": "Shop",
            "Tags": "env:prod",
            "ServerId": "d-server-1",
        },
        {"HostName": "db-1.example.com", "OS.Name": "Windows", "Applications": "Shop", "ServerId": "d-server-2"},
    ]


def test_the_export_holds_what_ads_knew_when_it_finished(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    mhub_fake.add_discovered_resource("d-server-before")
    export_id = discovery.start_export_task()["exportId"]
    mhub_fake.add_discovered_resource("d-server-while")  # while in progress: exported
    freezer.tick(1)
    # Due, not yet looked at: the export finishes as of its due moment, before this server exists.
    mhub_fake.add_discovered_resource("d-server-after")
    discovery.create_tags(configurationIds=["d-server-before"], tags=[{"key": "late", "value": "yes"}])
    files = exported(discovery, export_id)
    servers = [row[0] for row in rows(files[f"{DEFAULT_ACCOUNT}_Server.csv"])[1:]]
    assert servers == ["d-server-before", "d-server-while"]
    assert files[f"{DEFAULT_ACCOUNT}_Tags.csv"] == b"ConfigurationId,ConfigurationType,Key,Value\n"


def test_the_fakes_record_and_downloads_hold_the_zips_files(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    seed_estate(mhub_fake, discovery)
    export_id = discovery.start_export_task()["exportId"]
    [task] = mhub_fake.export_tasks()
    assert (task.export_id, task.status, task.url, task.files) == (export_id, "IN_PROGRESS", None, {})
    freezer.tick(1)
    url = export_info(discovery, export_id)["configurationsDownloadUrl"]
    data = download(url)
    [task] = mhub_fake.export_tasks()
    assert task.files == unzip(data)
    path = urllib.parse.urlsplit(url).path
    assert path.startswith("/mhub-api/downloads/")
    assert mhub_fake.downloads.get(path) == data
    assert mhub_fake.downloads.get("/mhub-api/downloads/unknown/file.zip") is None


def test_each_account_exports_its_own_estate_under_its_number(
    mhub_fake: MigrationHubFake, discovery: Any, botocore_session: Any, freezer: Any
) -> None:
    other = "111122223333"  # a 12-digit access key id is itself the account
    theirs = botocore_session.create_client(
        "discovery", region_name="us-west-2", aws_access_key_id=other, aws_secret_access_key="testing"
    )
    mhub_fake.add_discovered_resource("d-server-mine")
    mhub_fake.add_discovered_resource("d-server-theirs", account=other)
    mine_id, theirs_id = discovery.start_export_task()["exportId"], theirs.start_export_task()["exportId"]
    freezer.tick(1)
    assert discovery.describe_export_tasks(exportIds=[theirs_id])["exportsInfo"] == []
    files = exported(theirs, theirs_id)
    assert list(files) == [name.replace(DEFAULT_ACCOUNT, other) for name in SUMMARY_FILES]
    assert [row[0] for row in rows(files[f"{other}_Server.csv"])[1:]] == ["d-server-theirs"]
    assert [row[0] for row in rows(exported(discovery, mine_id)[f"{DEFAULT_ACCOUNT}_Server.csv"])[1:]] == [
        "d-server-mine"
    ]
    assert [t.export_id for t in mhub_fake.export_tasks(account=other)] == [theirs_id]


@pytest.mark.mhub_fake(discovery_task_seconds=0)
def test_the_exported_import_template_imports_again_onto_the_same_servers(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    plan = (
        "ExternalId,HostName,IPAddress,MACAddress,OS.Name,CPU.NumberOfCores,RAM.TotalSizeInMB,VMware.MoRefId,"
        "VMware.VCenterId,VMware.VMName,Applications,Tags\n"
        'web-1,web-1.corp.example.com,"10.0.1.15, 10.0.2.15",00:50:56:aa:bb:cc,Ubuntu,4,8192,vm-101,vc-1,web-1-vm,'
        'webshop,"env:prod, tier:web"\n'
        "db-1,db-1.corp.example.com,10.0.1.16,,Ubuntu,8,16384,,,,webshop,env:prod\n"
    )
    mhub_fake.add_discovered_resource("d-server-seeded", host_name="mail-1", ip_address="10.0.9.9")
    mhub_fake.add_import_file("s3://plans/wave-1.csv", plan)
    discovery.start_import_task(name="wave-1", importUrl="s3://plans/wave-1.csv")
    export_id = discovery.start_export_task()["exportId"]
    template = exported(discovery, export_id)[f"{DEFAULT_ACCOUNT}_ImportTemplate.csv"]

    def estate() -> list[Any]:
        servers = [
            (s.configuration_id, s.host_name, s.ip_addresses, s.tags, s.imported)
            for s in mhub_fake.discovered_resources()
        ]
        return servers + [(a.application_id, a.name, a.items) for a in mhub_fake.applications()]

    before = estate()
    mhub_fake.add_import_file("s3://plans/again.csv", template)
    discovery.start_import_task(name="again", importUrl="s3://plans/again.csv")
    [again] = discovery.describe_import_tasks(filters=[{"name": "NAME", "values": ["again"]}])["tasks"]
    assert "errorsAndFailedEntriesZip" not in again
    assert (again["status"], again["serverImportSuccess"], again["serverImportFailure"]) == ("IMPORT_COMPLETE", 3, 0)
    assert (again["applicationImportSuccess"], again["applicationImportFailure"]) == (1, 0)
    assert estate() == before  # the same servers, applications and memberships: nothing new
    assert len(mhub_fake.discovered_resources()) == 3


def test_a_filterless_export_ignores_start_and_end_times(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    # "If no filter is present, startTime and endTime are ignored" (the API reference).
    export_id = discovery.start_export_task(startTime=START, endTime=START + timedelta(hours=1))["exportId"]
    freezer.tick(1)
    info = export_info(discovery, export_id)
    assert "requestedStartTime" not in info and "requestedEndTime" not in info
    assert list(exported(discovery, export_id)) == SUMMARY_FILES


# --- the agentIds filter -------------------------------------------------------------------------


def test_an_agent_export_holds_the_agents_files_and_its_results(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    mhub_fake.add_agent(AGENT, host_name="web-1", ip_address="10.0.0.1", mac_address="00:11:22:33:44:55")
    mhub_fake.add_discovered_resource("d-server-1", host_name="web-1")  # no part of an agent export
    export_id = discovery.start_export_task(filters=by_agent())["exportId"]
    freezer.tick(5)  # first looked at long after it was due
    files = exported(discovery, export_id)
    assert list(files) == AGENT_FILES
    finished = "2024-03-05 06:07:09"  # the moment the export was due, not the moment it was looked at
    assert files[AGENT_FILES[0]].decode() == (
        "accountNumber,agentId,osName,osVersion,cpuType,hostName,hypervisor,timestamp\n"
        f"{DEFAULT_ACCOUNT},{AGENT},,,,web-1,,{finished}\n"
    )
    assert files[AGENT_FILES[1]].decode() == (
        "accountNumber,agentId,name,macAddress,family,ipAddress,gateway,netMask,timestamp\n"
        f"{DEFAULT_ACCOUNT},{AGENT},eth0,00:11:22:33:44:55,IPv4,10.0.0.1,,,{finished}\n"
    )
    # It collects no performance, processes or connections: those files have their header only.
    assert [len(rows(files[name])) for name in AGENT_FILES[2:6]] == [1, 1, 1, 1]
    assert rows(files[AGENT_FILES[3]])[0] == [
        "accountNumber",
        "agentId",
        "agentAssignedProcessId",
        "isSystem",
        "name",
        "cmdLine",
        "path",
        "agentProvidedTimeStamp",
    ]
    results = json.loads(files[AGENT_FILES[6]])
    assert results == {
        "CustomerAccount": DEFAULT_ACCOUNT,
        "RequestedFilters": [{"Name": "agentIds", "Values": [AGENT], "Condition": "EQUALS"}],
        "RequestedStartTime": None,
        "RequestedEndTime": None,
        "ResultFilesGenerated": AGENT_FILES[:6],
        "TotalSizeOfResultFiles": sum(len(files[name]) for name in AGENT_FILES[:6]),
        "ExportStartedAt": finished,
        "ExportStatus": "SUCCEEDED",
        "ExportSummary": {"isTruncated": False},
        "StatusMessage": "Data export completed",
    }


def test_an_agent_export_echoes_its_requested_times_only_when_given(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    mhub_fake.add_agent(AGENT)
    since, until = START - timedelta(days=2), START - timedelta(hours=1)
    both = discovery.start_export_task(filters=by_agent(), startTime=since, endTime=until)["exportId"]
    start_only = discovery.start_export_task(filters=by_agent(), startTime=since)["exportId"]
    in_progress = export_info(discovery, both)
    assert (in_progress["requestedStartTime"], in_progress["requestedEndTime"]) == (since, until)
    freezer.tick(1)
    info = export_info(discovery, both)
    assert (info["exportStatus"], info["requestedStartTime"], info["requestedEndTime"]) == ("SUCCEEDED", since, until)
    info = export_info(discovery, start_only)
    assert info["requestedStartTime"] == since and "requestedEndTime" not in info
    results = json.loads(exported(discovery, both)[f"{DEFAULT_ACCOUNT}_results.json"])
    assert (results["RequestedStartTime"], results["RequestedEndTime"]) == (since.timestamp(), until.timestamp())


def test_an_agent_deleted_while_its_export_runs_is_exported_as_it_was_asked_for(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    mhub_fake.add_agent(AGENT, host_name="web-1")
    export_id = discovery.start_export_task(filters=by_agent())["exportId"]
    discovery.batch_delete_agents(deleteAgents=[{"agentId": AGENT, "force": True}])
    assert mhub_fake.agents() == []
    freezer.tick(1)
    files = exported(discovery, export_id)
    assert list(files) == AGENT_FILES
    assert rows(files[AGENT_FILES[0]])[1][1:6] == [AGENT, "", "", "", "web-1"]


def test_an_unknown_agent_is_refused(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_agent(AGENT)
    with pytest.raises(ClientError) as raised:
        discovery.start_export_task(filters=by_agent(OTHER_AGENT))
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        f"StartExportTask: no agent has the ID {OTHER_AGENT!r}; in a test, add it with "
        f"mhub_fake.add_agent({OTHER_AGENT!r})",
    )
    assert mhub_fake.export_tasks() == []


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"name": "agentId", "condition": "EQUALS", "values": [AGENT]},
            f"StartExportTask: $.filters[0]: 'agentId' 'EQUALS' is not a filter of exports; {ONLY_AGENT_IDS}",
        ),
        (
            {"name": "server.hostName", "condition": "EQUALS", "values": ["web-1"]},
            f"StartExportTask: $.filters[0]: 'server.hostName' 'EQUALS' is not a filter of exports; {ONLY_AGENT_IDS}",
        ),
        (
            {"name": "agentIds", "condition": "CONTAINS", "values": [AGENT]},
            f"StartExportTask: $.filters[0]: 'agentIds' 'CONTAINS' is not a filter of exports; {ONLY_AGENT_IDS}",
        ),
        (
            {"name": "agentIds", "condition": "EQUALS", "values": [AGENT, OTHER_AGENT]},
            f"StartExportTask: $.filters[0].values: name exactly one agent ID; got [{AGENT!r}, {OTHER_AGENT!r}]",
        ),
    ],
    ids=["misspelt-name", "another-name", "another-condition", "several-agents"],
)
def test_a_filter_other_than_one_agent_is_refused(
    mhub_fake: MigrationHubFake, discovery: Any, spec: dict[str, Any], message: str
) -> None:
    mhub_fake.add_agent(AGENT)
    mhub_fake.add_agent(OTHER_AGENT)
    with pytest.raises(ClientError) as raised:
        discovery.start_export_task(filters=[spec])
    assert error_of(raised) == ("InvalidParameterValueException", 400, message)
    assert mhub_fake.export_tasks() == []


def test_two_filters_naming_two_agents_are_refused(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_agent(AGENT)
    mhub_fake.add_agent(OTHER_AGENT)
    two = by_agent(AGENT) + by_agent(OTHER_AGENT, "AgentId")
    for operation, method in (
        ("StartExportTask", discovery.start_export_task),
        ("DescribeExportTasks", discovery.describe_export_tasks),
    ):
        with pytest.raises(ClientError) as raised:
            method(filters=two)
        assert error_of(raised) == (
            "InvalidParameterValueException",
            400,
            f"{operation}: $.filters[1].values: name exactly one agent ID; got {AGENT!r} and {OTHER_AGENT!r}",
        )
    assert mhub_fake.export_tasks() == []
    # The same agent twice is still one agent.
    export_id = discovery.start_export_task(filters=by_agent() + by_agent(name="AgentId"))["exportId"]
    assert mhub_fake.export_tasks()[-1].agent_id == AGENT
    assert [e["exportId"] for e in discovery.describe_export_tasks(filters=by_agent() * 2)["exportsInfo"]] == [
        export_id
    ]


def test_the_api_references_agent_id_spelling_is_taken(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    mhub_fake.add_agent(AGENT)
    export_id = discovery.start_export_task(filters=by_agent(name="AgentId"))["exportId"]
    [task] = mhub_fake.export_tasks()
    assert (task.export_id, task.kind, task.agent_id) == (export_id, "agent", AGENT)
    freezer.tick(1)
    assert list(exported(discovery, export_id)) == AGENT_FILES


def test_a_third_agent_export_in_a_utc_day_is_refused(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    mhub_fake.add_agent(AGENT)
    mhub_fake.add_agent(OTHER_AGENT)
    freezer.move_to(datetime(2024, 3, 5, 23, 58, tzinfo=timezone.utc))
    discovery.start_export_task(filters=by_agent(AGENT))
    freezer.tick(30)  # the first is done: the limit counts the day's exports, running or not
    discovery.start_export_task(filters=by_agent(OTHER_AGENT))
    discovery.start_export_task()  # filterless exports do not count
    freezer.tick(60)  # 23:59:30
    with pytest.raises(ClientError) as raised:
        discovery.start_export_task(filters=by_agent(AGENT))
    assert error_of(raised) == ("OperationNotPermittedException", 400, DAILY)
    freezer.move_to(datetime(2024, 3, 6, tzinfo=timezone.utc))  # a new day (UTC)
    export_id = discovery.start_export_task(filters=by_agent(AGENT))["exportId"]
    assert [t.kind for t in mhub_fake.export_tasks()] == ["agent", "agent", "summary", "agent"]
    assert mhub_fake.export_tasks()[-1].export_id == export_id


@pytest.mark.mhub_fake(discovery_task_seconds=3 * 24 * 3600)
def test_a_sixth_concurrent_agent_export_is_refused(mhub_fake: MigrationHubFake, discovery: Any, freezer: Any) -> None:
    # Two a day, each running three days: five run at once on the third day.
    mhub_fake.add_agent(AGENT)
    for day, count in ((5, 2), (6, 2), (7, 1)):
        freezer.move_to(datetime(2024, 3, day, tzinfo=timezone.utc))
        for _ in range(count):
            discovery.start_export_task(filters=by_agent())
    statuses = [e["exportStatus"] for e in discovery.describe_export_tasks()["exportsInfo"]]
    assert statuses == ["IN_PROGRESS"] * 5
    with pytest.raises(ClientError) as raised:
        discovery.start_export_task(filters=by_agent())
    assert error_of(raised) == ("OperationNotPermittedException", 400, CONCURRENT)
    discovery.start_export_task()  # a filterless export is not an agent export
    freezer.move_to(datetime(2024, 3, 8, tzinfo=timezone.utc))  # the first day's two are done
    discovery.start_export_task(filters=by_agent())
    statuses = [e["exportStatus"] for e in discovery.describe_export_tasks()["exportsInfo"]]
    assert statuses == ["SUCCEEDED"] * 2 + ["IN_PROGRESS"] * 5


# --- found unchecked by mutating the code ----------------------------------------


CONNECTION_HEADER = [
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
]


def test_an_agent_export_heads_every_file_with_the_user_guides_columns(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    mhub_fake.add_agent(AGENT, host_name="web-1")
    export_id = discovery.start_export_task(filters=by_agent())["exportId"]
    freezer.tick(1)
    files = exported(discovery, export_id)
    assert rows(files[f"{DEFAULT_ACCOUNT}_systemPerformance.csv"]) == [
        [
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
        ]
    ]
    assert rows(files[f"{DEFAULT_ACCOUNT}_sourceProcessConnection.csv"]) == [CONNECTION_HEADER]
    assert rows(files[f"{DEFAULT_ACCOUNT}_destinationProcessConnection.csv"]) == [CONNECTION_HEADER]


def test_the_summary_shows_an_imported_servers_external_id_wave_and_tags(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    mhub_fake.discovery_task_seconds = 0
    mhub_fake.add_discovered_resource("d-server-0seeded")  # no ExternalId: its column stays empty
    mhub_fake.add_import_file(
        "s3://plans/servers.csv",
        'ExternalId,HostName,Applications,ApplicationWave,Tags\nvm-1,web-1,Shop,wave 1,"env:prod, team:blue"\n',
    )
    discovery.start_import_task(name="servers", importUrl="s3://plans/servers.csv")
    [_, imported] = mhub_fake.discovered_resources()
    [shop] = mhub_fake.applications()
    export_id = discovery.start_export_task()["exportId"]
    freezer.tick(1)
    files = exported(discovery, export_id)
    assert rows(files[f"{DEFAULT_ACCOUNT}_Server.csv"])[1:] == [
        ["d-server-0seeded", "", "", "", "", "OTHER", SHOWN],
        [imported.configuration_id, "vm-1", "web-1", "", "", "OTHER", SHOWN],
    ]
    assert rows(files[f"{DEFAULT_ACCOUNT}_Application.csv"])[1:] == [
        [shop.application_id, "Shop", "", "wave 1", "1", SHOWN, SHOWN]
    ]
    header, *template = rows(files[f"{DEFAULT_ACCOUNT}_ImportTemplate.csv"])
    assert dict(zip(header, template[1], strict=True))["Tags"] == "env:prod, team:blue"
