"""Application Discovery Service's batch deletions and continuous exports on the fake's clock, and where
Start and Stop may be sent."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from export_support import (
    BUCKET,
    CONTINUOUS_ID,
    START,
    export_info,
    skip_unless_modelled,
)
from support import error_of

from pytest_migrationhub import MigrationHubFake

# --- batch deletion --------------------------------------------------------------------------------


@pytest.mark.mhub_fake(discovery_task_seconds=3)
def test_a_batch_deletion_reads_its_stages_then_completes(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    skip_unless_modelled(discovery, "StartBatchDeleteConfigurationTask", "DescribeBatchDeleteConfigurationTask")
    freezer.move_to(START)
    mhub_fake.add_discovered_resource("d-server-1")
    task_id = discovery.start_batch_delete_configuration_task(
        configurationType="SERVER", configurationIds=["d-server-1"]
    )["taskId"]
    assert str(uuid.UUID(task_id)) == task_id
    seen = []
    for _ in range(3):
        task = discovery.describe_batch_delete_configuration_task(taskId=task_id)["task"]
        seen.append(task["status"])
        assert "endTime" not in task and "deletedConfigurations" not in task
        freezer.tick(1)
    assert seen == ["INITIALIZING", "VALIDATING", "DELETING"]
    assert [s.configuration_id for s in mhub_fake.discovered_resources()] == []  # due now: done
    task = discovery.describe_batch_delete_configuration_task(taskId=task_id)["task"]
    assert task == {
        "taskId": task_id,
        "status": "COMPLETED",
        "startTime": START,
        "endTime": START + timedelta(seconds=3),
        "configurationType": "SERVER",
        "requestedConfigurations": ["d-server-1"],
        "deletedConfigurations": ["d-server-1"],
    }


def test_a_batch_deletion_takes_servers_with_their_tags_connections_and_memberships(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    skip_unless_modelled(discovery, "StartBatchDeleteConfigurationTask", "DescribeBatchDeleteConfigurationTask")
    for n in (1, 2, 3, 4):
        mhub_fake.add_discovered_resource(f"d-server-{n}")
    mhub_fake.add_application("app-1", name="Shop")
    mhub_fake.add_application("app-2", name="Stock")
    discovery.associate_configuration_items_to_application(
        applicationConfigurationId="app-1", configurationIds=["d-server-1", "d-server-2"]
    )
    discovery.associate_configuration_items_to_application(
        applicationConfigurationId="app-2", configurationIds=["d-server-1"]
    )
    discovery.create_tags(
        configurationIds=["d-server-1", "d-server-3", "d-server-4"], tags=[{"key": "env", "value": "prod"}]
    )
    mhub_fake.add_connection("d-server-1", "d-server-2", port=443)
    mhub_fake.add_connection("d-server-4", "d-server-1", port=22)
    mhub_fake.add_connection("d-server-2", "d-server-4", port=5432)
    mhub_fake.add_connection("d-server-3", "d-server-4", port=5432)
    requested = ["d-server-1", "d-server-9", "d-server-3", "d-server-1"]
    task_id = discovery.start_batch_delete_configuration_task(configurationType="SERVER", configurationIds=requested)[
        "taskId"
    ]
    freezer.tick(1)
    task = discovery.describe_batch_delete_configuration_task(taskId=task_id)["task"]
    assert (task["status"], task["requestedConfigurations"]) == ("COMPLETED", requested)
    assert task["deletedConfigurations"] == ["d-server-1", "d-server-3"]
    assert task["failedConfigurations"] == [
        {
            "configurationId": "d-server-9",
            "errorStatusCode": 404,
            "errorMessage": "No server has the configuration ID 'd-server-9'",
        }
    ]
    assert task["deletionWarnings"] == [
        {
            "configurationId": "d-server-1",
            "warningCode": 409,
            "warningText": "The server belonged to the applications Shop, Stock; it was removed",
        }
    ]
    listed = discovery.list_configurations(configurationType="SERVER")["configurations"]
    assert [s["server.configurationId"] for s in listed] == ["d-server-2", "d-server-4"]
    tagged = [t["configurationId"] for t in discovery.describe_tags()["tags"]]
    assert tagged == ["d-server-4"]
    assert [(c.source, c.destination) for c in mhub_fake.connections()] == [("d-server-2", "d-server-4")]
    assert [(a.application_id, a.items) for a in mhub_fake.applications()] == [("app-1", ["d-server-2"]), ("app-2", [])]


def test_a_batch_deletion_takes_at_most_200_ids(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    skip_unless_modelled(discovery, "StartBatchDeleteConfigurationTask")
    ids = [f"d-server-{n}" for n in range(201)]
    with pytest.raises(ClientError) as raised:
        discovery.start_batch_delete_configuration_task(configurationType="SERVER", configurationIds=ids)
    assert error_of(raised) == (
        "LimitExceededException",
        400,
        "StartBatchDeleteConfigurationTask: 201 configuration IDs; the limit is 200 per request",
    )
    discovery.start_batch_delete_configuration_task(configurationType="SERVER", configurationIds=ids[:200])


def test_an_unknown_batch_deletion_task_is_refused(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    skip_unless_modelled(discovery, "DescribeBatchDeleteConfigurationTask")
    unknown = str(uuid.uuid4())
    with pytest.raises(ClientError) as raised:
        discovery.describe_batch_delete_configuration_task(taskId=unknown)
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        f"DescribeBatchDeleteConfigurationTask: no deletion task has the ID {unknown!r}",
    )


# --- continuous exports ---------------------------------------------------------------------------


def test_start_continuous_export_answers_where_the_data_goes(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    answer = discovery.start_continuous_export()
    answer.pop("ResponseMetadata")
    assert CONTINUOUS_ID.fullmatch(answer.pop("exportId"))
    assert BUCKET.fullmatch(answer.pop("s3Bucket"))
    assert answer == {
        "startTime": START,
        "dataSource": "AGENT",
        "schemaStorageConfig": {"databaseName": "application_discovery_service_database"},
    }


def test_a_continuous_export_starts_on_the_fakes_clock(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    started = discovery.start_continuous_export()
    [starting] = discovery.describe_continuous_exports()["descriptions"]
    assert starting == {
        "exportId": started["exportId"],
        "status": "START_IN_PROGRESS",
        "s3Bucket": started["s3Bucket"],
        "startTime": START,
        "dataSource": "AGENT",
        "schemaStorageConfig": {"databaseName": "application_discovery_service_database"},
    }
    freezer.tick(0.5)
    assert discovery.describe_continuous_exports()["descriptions"][0]["status"] == "START_IN_PROGRESS"
    freezer.tick(0.5)
    [active] = discovery.describe_continuous_exports()["descriptions"]
    assert active == {**starting, "status": "ACTIVE"}
    assert [(e.export_id, e.status) for e in mhub_fake.continuous_exports()] == [(started["exportId"], "ACTIVE")]


def test_a_second_continuous_export_is_refused_while_one_runs(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    export_id = discovery.start_continuous_export()["exportId"]

    def refused_while(status: str) -> None:
        with pytest.raises(ClientError) as raised:
            discovery.start_continuous_export()
        assert error_of(raised) == (
            "ResourceInUseException",
            400,
            f"StartContinuousExport: continuous export {export_id} is {status}; "
            "stop it with StopContinuousExport (and let it become INACTIVE) before starting another",
        )

    refused_while("START_IN_PROGRESS")
    freezer.tick(1)
    refused_while("ACTIVE")
    discovery.stop_continuous_export(exportId=export_id)
    refused_while("STOP_IN_PROGRESS")
    assert len(mhub_fake.continuous_exports()) == 1


def test_a_continuous_export_stops_on_the_fakes_clock(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    export_id = discovery.start_continuous_export()["exportId"]
    freezer.tick(5)
    stopped_at = START + timedelta(seconds=5)
    stopped = discovery.stop_continuous_export(exportId=export_id)
    stopped.pop("ResponseMetadata")
    assert stopped == {"startTime": START, "stopTime": stopped_at}
    [stopping] = discovery.describe_continuous_exports(exportIds=[export_id])["descriptions"]
    assert (stopping["status"], stopping["startTime"], stopping["stopTime"]) == ("STOP_IN_PROGRESS", START, stopped_at)
    freezer.tick(1)
    [inactive] = discovery.describe_continuous_exports(exportIds=[export_id])["descriptions"]
    assert inactive == {**stopping, "status": "INACTIVE"}


def test_a_starting_continuous_export_can_be_stopped(mhub_fake: MigrationHubFake, discovery: Any, freezer: Any) -> None:
    export_id = discovery.start_continuous_export()["exportId"]
    discovery.stop_continuous_export(exportId=export_id)
    freezer.tick(1)  # the start fell due too: it must not make the export ACTIVE again
    assert [e.status for e in mhub_fake.continuous_exports()] == ["INACTIVE"]


def test_stopping_a_stopped_or_unknown_continuous_export_is_refused(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    export_id = discovery.start_continuous_export()["exportId"]
    freezer.tick(1)
    discovery.stop_continuous_export(exportId=export_id)
    for status in ("STOP_IN_PROGRESS", "INACTIVE"):
        with pytest.raises(ClientError) as raised:
            discovery.stop_continuous_export(exportId=export_id)
        assert error_of(raised) == (
            "OperationNotPermittedException",
            400,
            f"StopContinuousExport: continuous export {export_id} is {status}; "
            "only a starting or ACTIVE one can be stopped",
        )
        freezer.tick(1)
    unknown = f"continuous-export-{uuid.uuid4()}"
    with pytest.raises(ClientError) as raised:
        discovery.stop_continuous_export(exportId=unknown)
    assert error_of(raised) == (
        "ResourceNotFoundException",
        400,
        f"StopContinuousExport: no continuous export has the ID {unknown!r}",
    )


def test_a_new_continuous_export_starts_once_the_last_is_inactive(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    first = discovery.start_continuous_export()
    freezer.tick(1)
    discovery.stop_continuous_export(exportId=first["exportId"])
    freezer.tick(1)
    second = discovery.start_continuous_export()
    assert second["exportId"] != first["exportId"]
    statuses = [(e["exportId"], e["status"]) for e in discovery.describe_continuous_exports()["descriptions"]]
    assert statuses == [(first["exportId"], "INACTIVE"), (second["exportId"], "START_IN_PROGRESS")]


@pytest.mark.mhub_fake(discovery_task_seconds=0)
def test_describe_continuous_exports_by_id_pages_and_paginates(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    ids = []
    for _ in range(3):
        export_id = discovery.start_continuous_export()["exportId"]
        discovery.stop_continuous_export(exportId=export_id)  # done by the next request
        ids.append(export_id)
    chosen = discovery.describe_continuous_exports(exportIds=[ids[2], ids[0]])["descriptions"]
    assert [e["exportId"] for e in chosen] == [ids[0], ids[2]]  # oldest first, as every ADS listing
    assert {e["status"] for e in chosen} == {"INACTIVE"}
    unknown = f"continuous-export-{uuid.uuid4()}"
    with pytest.raises(ClientError) as raised:
        discovery.describe_continuous_exports(exportIds=[ids[0], unknown])
    assert error_of(raised) == (
        "ResourceNotFoundException",
        400,
        f"DescribeContinuousExports: no continuous export has the ID {unknown!r}",
    )
    first = discovery.describe_continuous_exports(maxResults=2)
    assert [e["exportId"] for e in first["descriptions"]] == ids[:2]
    rest = discovery.describe_continuous_exports(maxResults=2, nextToken=first["nextToken"])
    assert [e["exportId"] for e in rest["descriptions"]] == ids[2:] and "nextToken" not in rest
    pages = list(discovery.get_paginator("describe_continuous_exports").paginate(PaginationConfig={"PageSize": 1}))
    assert [[e["exportId"] for e in page["descriptions"]] for page in pages] == [[i] for i in ids]


# --- the home region -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "method", "kwargs"),
    [
        ("StartExportTask", "start_export_task", {}),
        ("ExportConfigurations", "export_configurations", {}),
        ("StartContinuousExport", "start_continuous_export", {}),
        (
            "StartBatchDeleteConfigurationTask",
            "start_batch_delete_configuration_task",
            {"configurationType": "SERVER", "configurationIds": ["d-server-1"]},
        ),
    ],
)
def test_starting_an_export_or_deletion_outside_the_home_region_is_refused(
    mhub_fake: MigrationHubFake, make_client: Any, operation: str, method: str, kwargs: dict[str, Any]
) -> None:
    elsewhere = make_client("discovery", "eu-west-1")
    skip_unless_modelled(elsewhere, operation)
    with pytest.raises(ClientError) as raised:
        getattr(elsewhere, method)(**kwargs)
    assert error_of(raised) == (
        "InvalidInputException",
        400,
        f"{operation}: writes must be sent to the home region us-west-2; this request was sent to eu-west-1",
    )
    assert (mhub_fake.export_tasks(), mhub_fake.continuous_exports()) == ([], [])


def test_describing_and_stopping_are_answered_from_any_region(
    mhub_fake: MigrationHubFake, discovery: Any, make_client: Any, freezer: Any
) -> None:
    elsewhere = make_client("discovery", "eu-west-1")
    export_id = discovery.start_export_task()["exportId"]
    continuous = discovery.start_continuous_export()["exportId"]
    freezer.tick(1)
    assert export_info(elsewhere, export_id)["exportStatus"] == "SUCCEEDED"
    [described] = elsewhere.describe_export_configurations(exportIds=[export_id])["exportsInfo"]
    assert described["exportStatus"] == "SUCCEEDED"
    elsewhere.stop_continuous_export(exportId=continuous)
    [stopping] = elsewhere.describe_continuous_exports()["descriptions"]
    assert stopping["status"] == "STOP_IN_PROGRESS"
    assert [c.region for c in mhub_fake.calls[-4:]] == ["eu-west-1"] * 4
