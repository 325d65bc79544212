"""Import tasks: clientRequestToken, DescribeImportTasks, BatchDeleteImportData, the quotas,
add_import_file(), and the imported servers in Migration Hub."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from import_support import (
    START,
    URL,
    counts,
    described,
    imported,
    servers,
    started,
)
from support import error_of

from pytest_migrationhub import MigrationHubFake, MigrationHubFakeError
from pytest_migrationhub._discovery import imports

# --- idempotency --------------------------------------------------------------------------------


def test_the_same_token_name_and_url_answer_the_original_task(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    first = started(mhub_fake, discovery, "ExternalId\nweb-1\n", clientRequestToken="plan-1")
    again = discovery.start_import_task(clientRequestToken="plan-1", name="servers", importUrl=URL)["task"]
    assert again == first
    assert first["clientRequestToken"] == "plan-1"
    assert len(mhub_fake.import_tasks()) == 1


@pytest.mark.parametrize("change", [{"name": "other"}, {"importUrl": "s3://plans/other.csv"}])
def test_the_same_token_with_another_name_or_url_is_in_use(
    mhub_fake: MigrationHubFake, discovery: Any, change: dict[str, str]
) -> None:
    first = started(mhub_fake, discovery, "ExternalId\nweb-1\n", clientRequestToken="plan-1")
    with pytest.raises(ClientError) as raised:
        discovery.start_import_task(**{"clientRequestToken": "plan-1", "name": "servers", "importUrl": URL, **change})
    assert error_of(raised) == (
        "ResourceInUseException",
        400,
        f"StartImportTask: clientRequestToken 'plan-1' was used for import task {first['importTaskId']} "
        "with other parameters; use a new token for a new import",
    )
    assert isinstance(raised.value, discovery.exceptions.ResourceInUseException)
    assert len(mhub_fake.import_tasks()) == 1


def test_without_a_token_each_start_is_a_new_task(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    uuid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    # botocore fills in a token the caller left out (the model marks it an idempotency token) ...
    first = started(mhub_fake, discovery, "ExternalId\nweb-1\n")
    second = discovery.start_import_task(name="servers", importUrl=URL)["task"]
    assert first["importTaskId"] != second["importTaskId"]
    assert first["clientRequestToken"] != second["clientRequestToken"]
    assert uuid.fullmatch(first["clientRequestToken"]) and uuid.fullmatch(second["clientRequestToken"])

    # ... and a request that arrives without one, as another client may send it, gets one from the fake.
    def drop_token(params: dict[str, Any], **kwargs: Any) -> None:
        body = json.loads(params["body"])
        del body["clientRequestToken"]
        params["body"] = json.dumps(body).encode()

    discovery.meta.events.register("before-call.discovery.StartImportTask", drop_token)
    third = discovery.start_import_task(name="servers", importUrl=URL)["task"]
    assert uuid.fullmatch(third["clientRequestToken"])
    assert third["clientRequestToken"] not in (first["clientRequestToken"], second["clientRequestToken"])
    assert [t.client_request_token for t in mhub_fake.import_tasks()] == [
        first["clientRequestToken"],
        second["clientRequestToken"],
        third["clientRequestToken"],
    ]
    assert "clientRequestToken" not in mhub_fake.calls[-1].params


# --- DescribeImportTasks ---------------------------------------------------------------------------


def three_tasks(fake: MigrationHubFake, discovery: Any) -> list[str]:
    """A complete, a failed and a complete-with-errors import, oldest first; their ids."""
    fake.add_import_file("s3://plans/a.csv", "ExternalId\nweb-1\n")
    fake.add_import_file("s3://plans/c.csv", "ExternalId,CPU.NumberOfCores\nweb-3,3\nweb-4,x\n")
    fake.discovery_task_seconds = 0
    return [
        discovery.start_import_task(name=name, importUrl=f"s3://plans/{file}.csv")["task"]["importTaskId"]
        for name, file in (("wave-1", "a"), ("wave-2", "missing"), ("wave-3", "c"))
    ]


def ids(discovery: Any, *filters: dict[str, Any], **options: Any) -> list[str]:
    tasks = discovery.describe_import_tasks(filters=list(filters), **options)["tasks"]
    return [t["importTaskId"] for t in tasks]


def test_describe_import_tasks_lists_oldest_first_and_filters(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    a, b, c = three_tasks(mhub_fake, discovery)
    assert ids(discovery) == [a, b, c]
    assert ids(discovery, {"name": "IMPORT_TASK_ID", "values": [c, a]}) == [a, c]
    assert ids(discovery, {"name": "NAME", "values": ["wave-2", "wave-9"]}) == [b]
    assert ids(discovery, {"name": "STATUS", "values": ["IMPORT_COMPLETE", "IMPORT_FAILED"]}) == [a, b]
    # Several filters must all hold.
    assert ids(
        discovery, {"name": "NAME", "values": ["wave-1", "wave-2"]}, {"name": "IMPORT_TASK_ID", "values": [b]}
    ) == [b]
    assert ids(discovery, {"name": "NAME", "values": ["wave-1"]}, {"name": "IMPORT_TASK_ID", "values": [b]}) == []
    assert ids(discovery, {"name": "IMPORT_TASK_ID", "values": ["import-task-" + "0" * 32]}) == []


def test_a_status_filter_makes_the_other_filters_ignored(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    a, b, c = three_tasks(mhub_fake, discovery)
    assert ids(
        discovery,
        {"name": "NAME", "values": ["wave-1"]},
        {"name": "STATUS", "values": ["IMPORT_COMPLETE_WITH_ERRORS"]},
        {"name": "IMPORT_TASK_ID", "values": [a]},
    ) == [c]


def test_describe_import_tasks_filters_by_file_classification(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    if "FILE_CLASSIFICATION" not in discovery.meta.service_model.shape_for("ImportTaskFilterName").enum:
        pytest.skip("this botocore models no FILE_CLASSIFICATION filter")
    a, b, c = three_tasks(mhub_fake, discovery)
    assert [described(discovery, t).get("fileClassification") for t in (a, b, c)] == [
        "IMPORT_TEMPLATE",
        None,  # a file that could not be read has no classification
        "IMPORT_TEMPLATE",
    ]
    assert ids(discovery, {"name": "FILE_CLASSIFICATION", "values": ["IMPORT_TEMPLATE"]}) == [a, c]
    assert ids(discovery, {"name": "FILE_CLASSIFICATION", "values": ["RVTOOLS_EXPORT"]}) == []


def test_describe_import_tasks_pages(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    a, b, c = three_tasks(mhub_fake, discovery)
    first = discovery.describe_import_tasks(maxResults=2)
    assert [t["importTaskId"] for t in first["tasks"]] == [a, b]
    rest = discovery.describe_import_tasks(maxResults=2, nextToken=first["nextToken"])
    assert [t["importTaskId"] for t in rest["tasks"]] == [c] and "nextToken" not in rest
    pages = list(discovery.get_paginator("describe_import_tasks").paginate(PaginationConfig={"PageSize": 1}))
    assert [[t["importTaskId"] for t in page["tasks"]] for page in pages] == [[a], [b], [c]]
    # A token is good only for the request that issued it.
    with pytest.raises(ClientError) as raised:
        discovery.describe_import_tasks(nextToken=first["nextToken"], filters=[{"name": "NAME", "values": ["wave-1"]}])
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        f"DescribeImportTasks: nextToken {first['nextToken']!r} was not issued for this request; "
        "pass the nextToken of the previous page unchanged",
    )


# --- BatchDeleteImportData ----------------------------------------------------------------------


def test_batch_delete_takes_back_an_import_on_the_clock(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    task = started(mhub_fake, discovery, "ExternalId,Applications\nweb-1,webshop\nweb-2,webshop\n")
    freezer.tick(1)
    assert described(discovery, task["importTaskId"])["status"] == "IMPORT_COMPLETE"
    [app] = mhub_fake.applications()

    answer = discovery.batch_delete_import_data(importTaskIds=[task["importTaskId"]])
    assert "errors" not in answer  # no errors: no member
    deleting = described(discovery, task["importTaskId"])
    assert deleting["status"] == "DELETE_IN_PROGRESS" and "importDeletedTime" not in deleting
    assert len(mhub_fake.discovered_resources()) == 2  # still there while the deletion runs

    freezer.tick(1)
    deleted = described(discovery, task["importTaskId"])
    assert (deleted["status"], deleted["importDeletedTime"]) == ("DELETE_COMPLETE", START + timedelta(seconds=2))
    assert deleted["importCompletionTime"] == START + timedelta(seconds=1)
    assert mhub_fake.discovered_resources() == [] and mhub_fake.applications() == []
    assert servers(discovery) == []
    with pytest.raises(ClientError) as raised:
        discovery.describe_configurations(configurationIds=[app.application_id])
    assert error_of(raised)[0] == "InvalidParameterValueException"


def test_batch_delete_leaves_servers_as_they_were_before_the_import(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    mhub_fake.add_discovered_resource("d-server-0seeded", host_name="web-7", os_name="Ubuntu", ip_address="10.0.0.7")
    mhub_fake.add_application("d-application-0000000000000001", name="webshop")
    discovery.create_tags(configurationIds=["d-server-0seeded"], tags=[{"key": "env", "value": "test"}])
    content = (
        "IPAddress,HostName,OS.Name,CPU.NumberOfCores,VMware.MoRefId,VMware.VCenterId,Tags,Applications\n"
        '10.0.0.7,web-7.example.com,RHEL,4,vm-7,vc-1,"env:test, env:prod","webshop, billing"\n'
    )
    task = imported(mhub_fake, discovery, content)
    seeded = mhub_fake.discovered_resource("d-server-0seeded")
    assert (seeded.host_name, seeded.os_name, seeded.server_type) == ("web-7.example.com", "RHEL", "VMWARE_VM")
    assert [a.items for a in mhub_fake.applications()] == [["d-server-0seeded"], ["d-server-0seeded"]]

    discovery.batch_delete_import_data(importTaskIds=[task["importTaskId"]])
    assert described(discovery, task["importTaskId"])["status"] == "DELETE_COMPLETE"
    assert (seeded.host_name, seeded.os_name, seeded.ip_address, seeded.server_type) == (
        "web-7",
        "Ubuntu",
        "10.0.0.7",
        "OTHER",
    )
    assert seeded.imported == {} and seeded.tags == [("env", "test")]  # the tag it had stays
    [webshop] = mhub_fake.applications()  # billing, created by the import, is gone
    assert (webshop.application_id, webshop.items) == ("d-application-0000000000000001", [])


def two_imports(fake: MigrationHubFake, discovery: Any) -> tuple[str, str]:
    """A seeded server, then two imports that set its fields in turn; their ids."""
    fake.add_discovered_resource("d-server-0seeded", host_name="web-7", ip_address="10.0.0.7")
    first = imported(fake, discovery, "IPAddress,HostName,OS.Name\n10.0.0.7,first,Ubuntu\n")
    second = imported(fake, discovery, 'IPAddress,HostName\n"10.0.0.7, 10.0.0.8",second\n', url=URL + ".2")
    return first["importTaskId"], second["importTaskId"]


def test_batch_delete_keeps_fields_a_later_import_set(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    first, _ = two_imports(mhub_fake, discovery)
    discovery.batch_delete_import_data(importTaskIds=[first])
    assert described(discovery, first)["status"] == "DELETE_COMPLETE"
    # The host name and addresses are the second import's: they stay; the OS name was the first's alone.
    server = mhub_fake.discovered_resource("d-server-0seeded")
    assert (server.host_name, server.os_name) == ("second", None)
    assert server.imported == {"IPAddress": "10.0.0.7, 10.0.0.8", "HostName": "second"}


def test_batch_delete_of_the_later_import_restores_the_earlier_ones_fields(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    first, second = two_imports(mhub_fake, discovery)
    server = mhub_fake.discovered_resource("d-server-0seeded")
    discovery.batch_delete_import_data(importTaskIds=[second])
    assert described(discovery, second)["status"] == "DELETE_COMPLETE"
    assert (server.host_name, server.os_name) == ("first", "Ubuntu")
    assert server.imported == {"IPAddress": "10.0.0.7", "HostName": "first", "OS.Name": "Ubuntu"}
    discovery.batch_delete_import_data(importTaskIds=[first])
    assert described(discovery, first)["status"] == "DELETE_COMPLETE"
    assert (server.host_name, server.os_name, server.ip_addresses, server.imported) == ("web-7", None, ["10.0.0.7"], {})


def test_delete_history_hides_the_task_at_once(mhub_fake: MigrationHubFake, discovery: Any, freezer: Any) -> None:
    task = started(mhub_fake, discovery, "ExternalId\nweb-1\n")
    freezer.tick(1)
    answer = discovery.batch_delete_import_data(importTaskIds=[task["importTaskId"]], deleteHistory=True)
    assert "errors" not in answer
    assert discovery.describe_import_tasks()["tasks"] == []
    [kept] = mhub_fake.import_tasks()  # the fake still has it
    assert (kept.import_task_id, kept.status, kept.hidden) == (task["importTaskId"], "DELETE_IN_PROGRESS", True)
    assert len(mhub_fake.discovered_resources()) == 1
    freezer.tick(1)
    assert mhub_fake.import_tasks()[0].status == "DELETE_COMPLETE" and mhub_fake.discovered_resources() == []
    # Hidden, it is unknown to BatchDeleteImportData too.
    errors = discovery.batch_delete_import_data(importTaskIds=[task["importTaskId"]])["errors"]
    assert [e["errorCode"] for e in errors] == ["NOT_FOUND"]


def test_an_unknown_import_task_is_not_found(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    task = imported(mhub_fake, discovery, "ExternalId\nweb-1\n")
    unknown = "import-task-" + "0" * 32
    answer = discovery.batch_delete_import_data(importTaskIds=[unknown, task["importTaskId"]])
    assert answer["errors"] == [
        {
            "importTaskId": unknown,
            "errorCode": "NOT_FOUND",
            "errorDescription": f"No import task has the ID {unknown!r}",
        }
    ]
    assert described(discovery, task["importTaskId"])["status"] == "DELETE_COMPLETE"  # the known one is deleted


def test_deleting_a_task_again_does_nothing(mhub_fake: MigrationHubFake, discovery: Any, freezer: Any) -> None:
    freezer.move_to(START)
    task = imported(mhub_fake, discovery, "ExternalId\nweb-1\n")
    mhub_fake.discovery_task_seconds = 1
    discovery.batch_delete_import_data(importTaskIds=[task["importTaskId"]])
    freezer.tick(0.5)
    assert "errors" not in discovery.batch_delete_import_data(importTaskIds=[task["importTaskId"]])
    freezer.tick(0.5)
    assert described(discovery, task["importTaskId"])["importDeletedTime"] == START + timedelta(seconds=1)
    freezer.tick(5)
    assert "errors" not in discovery.batch_delete_import_data(importTaskIds=[task["importTaskId"]])
    freezer.tick(5)
    done = described(discovery, task["importTaskId"])
    assert (done["status"], done["importDeletedTime"]) == ("DELETE_COMPLETE", START + timedelta(seconds=1))


def test_deleting_an_import_still_in_progress_takes_it_back_once_it_is_done(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    task = started(mhub_fake, discovery, "ExternalId\nweb-1\n")["importTaskId"]
    assert "errors" not in discovery.batch_delete_import_data(importTaskIds=[task])
    assert described(discovery, task)["status"] == "DELETE_IN_PROGRESS"
    freezer.tick(1)  # the import is done: its deletion is under way
    deleting = described(discovery, task)
    assert (deleting["status"], deleting["importCompletionTime"]) == (
        "DELETE_IN_PROGRESS",
        START + timedelta(seconds=1),
    )
    assert "errors" not in discovery.batch_delete_import_data(importTaskIds=[task])  # asking again does nothing
    freezer.tick(1)
    deleted = described(discovery, task)
    assert (deleted["status"], deleted["importDeletedTime"]) == ("DELETE_COMPLETE", START + timedelta(seconds=2))
    assert mhub_fake.discovered_resources() == []


def test_deleting_more_than_25000_records_in_a_day_is_over_limit(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(datetime(2024, 5, 1, 23, 0, tzinfo=timezone.utc))
    rows = "ExternalId\n" + "web-1\n" * 12_501  # one server, 12,501 records
    first = imported(mhub_fake, discovery, rows)["importTaskId"]
    assert "errors" not in discovery.batch_delete_import_data(importTaskIds=[first])
    second = imported(mhub_fake, discovery, rows, url=URL + ".2")["importTaskId"]
    answer = discovery.batch_delete_import_data(importTaskIds=[second], deleteHistory=True)
    assert answer["errors"] == [
        {
            "importTaskId": second,
            "errorCode": "OVER_LIMIT",
            "errorDescription": "Deleting its 12501 records would pass today's limit of 25000",
        }
    ]
    # Not deleted, and its history kept, so it can be deleted the next day (UTC).
    assert described(discovery, second)["status"] == "IMPORT_COMPLETE"
    freezer.move_to(datetime(2024, 5, 2, 0, 0, tzinfo=timezone.utc))
    assert "errors" not in discovery.batch_delete_import_data(importTaskIds=[second], deleteHistory=True)
    assert discovery.describe_import_tasks()["tasks"] == [described(discovery, first)]


# --- quotas -------------------------------------------------------------------------------------


def test_more_records_than_an_account_holds_fail_the_whole_import(
    mhub_fake: MigrationHubFake, discovery: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_RECORDS", 3)  # 25,000 in the service
    kept = imported(mhub_fake, discovery, "ExternalId\nweb-1\nweb-1\n")
    task = imported(mhub_fake, discovery, "ExternalId,CPU.NumberOfCores\nweb-2,1\nweb-3,1\nweb-4,x\n", url=URL + ".2")
    assert counts(task) == ("IMPORT_FAILED_RECORD_LIMIT_EXCEEDED", 0, 3, 0, 0)
    assert "errorsAndFailedEntriesZip" not in task
    assert [s.external_id for s in mhub_fake.discovered_resources()] == ["web-1"]
    # A deleted import's records no longer count.
    discovery.batch_delete_import_data(importTaskIds=[kept["importTaskId"]])
    assert imported(mhub_fake, discovery, "ExternalId\nweb-2\nweb-3\n", url=URL + ".3")["status"] == "IMPORT_COMPLETE"


def test_more_servers_than_an_account_holds_fail_the_whole_import(
    mhub_fake: MigrationHubFake, discovery: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_SERVERS", 2)  # 10,000 in the service
    mhub_fake.add_discovered_resource("d-server-0seeded", ip_address="10.0.0.7")
    task = imported(mhub_fake, discovery, "IPAddress\n10.0.0.1\n10.0.0.2\n")
    assert counts(task) == ("IMPORT_FAILED_SERVER_LIMIT_EXCEEDED", 0, 2, 0, 0)
    assert len(mhub_fake.discovered_resources()) == 1
    # Rows that match a server it has create none.
    task = imported(mhub_fake, discovery, "IPAddress\n10.0.0.7\n10.0.0.1\n10.0.0.1\n", url=URL + ".2")
    assert counts(task) == ("IMPORT_COMPLETE", 3, 0, 0, 0)
    assert len(mhub_fake.discovered_resources()) == 2


# --- add_import_file ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["plans.csv", "s3://plans", "s3://plans/ ", "https:// /x"])
def test_add_import_file_takes_an_object_url(mhub_fake: MigrationHubFake, url: str) -> None:
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.add_import_file(url, "ExternalId\nweb-1\n")
    assert str(raised.value) == (
        f"add_import_file: url must be an object URL such as 's3://bucket/import.csv'; got {url!r}."
    )


def test_add_import_file_takes_bytes_or_str(mhub_fake: MigrationHubFake) -> None:
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.add_import_file(URL, ["ExternalId", "web-1"])  # type: ignore[arg-type]
    assert str(raised.value) == "add_import_file: content must be bytes or str; got list."
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.add_import_file(URL, bytearray(b"ExternalId\n"))  # type: ignore[arg-type]
    assert str(raised.value) == "add_import_file: content must be bytes or str; got bytearray."


def test_add_import_file_encodes_str_as_utf8_and_replaces(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_import_file(URL, "ExternalId\nold\n")
    imported(mhub_fake, discovery, "ExternalId,HostName\nweb-1,serveur-été\n")  # registered again: replaced
    [server] = mhub_fake.discovered_resources()
    assert (server.external_id, server.host_name) == ("web-1", "serveur-été")


def test_add_import_file_is_per_account(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_import_file(URL, "ExternalId\nweb-1\n", account="111122223333")
    task = imported(mhub_fake, discovery, "ExternalId\nweb-2\n", url="s3://plans/mine.csv")
    assert task["status"] == "IMPORT_COMPLETE"
    task = described(discovery, discovery.start_import_task(name="theirs", importUrl=URL)["task"]["importTaskId"])
    assert task["status"] == "IMPORT_FAILED"  # registered for the other account only
    assert mhub_fake.import_tasks(account="111122223333") == []


# --- with Migration Hub ----------------------------------------------------------------------------


def test_migration_hub_associates_an_imported_server(mhub_fake: MigrationHubFake, discovery: Any, mgh: Any) -> None:
    imported(mhub_fake, discovery, "ExternalId,HostName,Applications\nweb-1,web-1.example.com,webshop\n")
    [server] = mhub_fake.discovered_resources()
    [application] = mhub_fake.applications()
    mgh.create_progress_update_stream(ProgressUpdateStreamName="PlanTool")
    mgh.import_migration_task(ProgressUpdateStream="PlanTool", MigrationTaskName="web-1")
    mgh.associate_discovered_resource(
        ProgressUpdateStream="PlanTool",
        MigrationTaskName="web-1",
        DiscoveredResource={"ConfigurationId": server.configuration_id},
    )
    assert mhub_fake.task("PlanTool", "web-1").discovered_resources == [{"ConfigurationId": server.configuration_id}]
    mgh.notify_application_state(ApplicationId=application.application_id, Status="IN_PROGRESS")
    assert mhub_fake.application(application.application_id).status == "IN_PROGRESS"


# --- found unchecked by mutating the code ----------------------------------------


def test_an_import_that_fills_the_record_quota_exactly_completes(
    mhub_fake: MigrationHubFake, discovery: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_RECORDS", 3)  # 25,000 in the service
    imported(mhub_fake, discovery, "ExternalId\nweb-1\nweb-2\n")
    # 2 held + 1 = 3: at the quota, not over it.
    task = imported(mhub_fake, discovery, "ExternalId\nweb-3\n", url=URL + ".2")
    assert counts(task) == ("IMPORT_COMPLETE", 1, 0, 0, 0)
    task = imported(mhub_fake, discovery, "ExternalId\nweb-4\n", url=URL + ".3")
    assert counts(task) == ("IMPORT_FAILED_RECORD_LIMIT_EXCEEDED", 0, 1, 0, 0)


def test_an_account_holds_ten_thousand_servers(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    for n in range(9_999):
        mhub_fake.add_discovered_resource(f"d-server-{n:014x}")
    # The 10,000th server is admitted ...
    assert counts(imported(mhub_fake, discovery, "ExternalId\nweb-1\n"))[0] == "IMPORT_COMPLETE"
    assert len(mhub_fake.discovered_resources()) == 10_000
    # ... the 10,001st is over the quota.
    task = imported(mhub_fake, discovery, "ExternalId\nweb-2\n", url=URL + ".2")
    assert counts(task) == ("IMPORT_FAILED_SERVER_LIMIT_EXCEEDED", 0, 1, 0, 0)
    assert len(mhub_fake.discovered_resources()) == 10_000


@pytest.mark.mhub_fake(assert_all_requests_valid=False)
@pytest.mark.parametrize("spec", [{"name": "NAME"}, {"values": ["servers"]}])
def test_a_task_filter_without_a_name_or_values_is_an_invalid_parameter_value(
    mhub_fake: MigrationHubFake, make_client: Any, spec: dict[str, Any]
) -> None:
    # botocore would refuse it before sending; another client (the CLI, a hand-built request) may not.
    discovery = make_client("discovery", parameter_validation=False)
    with pytest.raises(ClientError) as raised:
        discovery.describe_import_tasks(filters=[{"name": "NAME", "values": ["servers"]}, spec])
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        "DescribeImportTasks: $.filters[1]: give a name and its values",
    )


def test_batch_delete_restores_the_attributes_of_every_server_the_import_changed(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    mhub_fake.add_discovered_resource("d-server-0a", host_name="web-a", os_name="Ubuntu", ip_address="10.0.0.1")
    mhub_fake.add_discovered_resource("d-server-0b", host_name="web-b", os_name="Debian", ip_address="10.0.0.2")
    task = imported(mhub_fake, discovery, "IPAddress,HostName,OS.Name\n10.0.0.1,a-new,RHEL\n10.0.0.2,b-new,SUSE\n")
    a, b = mhub_fake.discovered_resource("d-server-0a"), mhub_fake.discovered_resource("d-server-0b")
    assert [(s.host_name, s.os_name) for s in (a, b)] == [("a-new", "RHEL"), ("b-new", "SUSE")]

    discovery.batch_delete_import_data(importTaskIds=[task["importTaskId"]])
    assert described(discovery, task["importTaskId"])["status"] == "DELETE_COMPLETE"
    assert [(s.host_name, s.os_name, s.imported) for s in (a, b)] == [("web-a", "Ubuntu", {}), ("web-b", "Debian", {})]
