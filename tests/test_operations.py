"""Each served operation answers as Migration Hub does: shapes, status codes, error codes."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.awsrequest import HTTPHeaders
from botocore.exceptions import ClientError
from support import STREAM, TASK, error_of, requires

from pytest_migrationhub import MigrationHubFakeError

# --- the workflow ---------------------------------------------------------------


def test_the_seed_workflow_records_the_sample_request(mhub_fake: Any, mgh: Any, sample: dict[str, Any]) -> None:
    assert (
        mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)["ResponseMetadata"]["HTTPStatusCode"] == 200
    )
    mgh.import_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)
    response = mgh.notify_migration_task_state(**sample)

    assert set(response) == {"ResponseMetadata"}  # the body is {}
    task = mhub_fake.task(STREAM, TASK)
    assert (task.status, task.progress_percent, task.status_detail) == (
        "IN_PROGRESS",
        77,
        "Migration: Copying image data",
    )
    assert task.update_date_time == datetime.fromtimestamp(1493660853, timezone.utc)
    assert task.next_update_seconds == 60


def test_every_response_carries_a_request_id(mhub_fake: Any, mgh: Any) -> None:
    ok = mgh.list_progress_update_streams()
    with pytest.raises(ClientError) as raised:
        mgh.import_migration_task(ProgressUpdateStream="nope", MigrationTaskName=TASK)
    ids = [ok["ResponseMetadata"]["RequestId"], raised.value.response["ResponseMetadata"]["RequestId"]]
    assert all(len(i) == 36 for i in ids) and ids[0] != ids[1]


def test_create_and_import_are_idempotent(mhub_fake: Any, mgh: Any, sample: dict[str, Any]) -> None:
    for _ in range(2):
        mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
        mgh.import_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)
        mgh.notify_migration_task_state(**sample)
    # Re-importing keeps the history.
    assert mhub_fake.progress(STREAM, TASK) == [77, 77]
    assert mhub_fake.streams == [STREAM]


def test_import_into_a_missing_stream_is_resource_not_found(mhub_fake: Any, mgh: Any) -> None:
    with pytest.raises(mgh.exceptions.ResourceNotFoundException) as raised:
        mgh.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName=TASK)
    assert error_of(raised) == (
        "ResourceNotFoundException",
        400,
        "ImportMigrationTask: progress update stream 'SMS' does not exist; "
        "create it with CreateProgressUpdateStream first",
    )


def test_notify_never_creates_a_task(mhub_fake: Any, mgh: Any, sample: dict[str, Any]) -> None:
    mhub_fake.add_stream(STREAM)
    with pytest.raises(mgh.exceptions.ResourceNotFoundException) as raised:
        mgh.notify_migration_task_state(**sample)
    assert error_of(raised)[2] == (
        "NotifyMigrationTaskState: migration task 'sms-12de3cf1a' does not exist in progress "
        "update stream 'SMS'; import it with ImportMigrationTask first"
    )
    assert mhub_fake.tasks() == []


def test_describe_returns_the_latest_state(mhub_fake: Any, mgh: Any, sample: dict[str, Any]) -> None:
    mhub_fake.add_task(STREAM, TASK)
    assert mgh.describe_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)["MigrationTask"] == {
        "ProgressUpdateStream": STREAM,
        "MigrationTaskName": TASK,
    }

    mgh.notify_migration_task_state(**sample)
    sample["Task"] = {"Status": "COMPLETED", "ProgressPercent": 100}
    mgh.notify_migration_task_state(**sample)
    described = mgh.describe_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)
    task = described["MigrationTask"]
    assert task["Task"] == {"Status": "COMPLETED", "ProgressPercent": 100}
    assert task["UpdateDateTime"].timestamp() == 1493660853


def test_describe_of_an_unknown_task(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.add_stream(STREAM)
    with pytest.raises(mgh.exceptions.ResourceNotFoundException):
        mgh.describe_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName="other")


@requires("ListMigrationTaskUpdates")
def test_list_migration_task_updates_is_the_history_in_pages(mhub_fake: Any, mgh: Any, sample: dict[str, Any]) -> None:
    mhub_fake.add_task(STREAM, TASK)
    for percent in range(0, 101, 10):
        sample["Task"] = {"Status": "IN_PROGRESS", "ProgressPercent": percent}
        mgh.notify_migration_task_state(**sample)

    first = mgh.list_migration_task_updates(ProgressUpdateStream=STREAM, MigrationTaskName=TASK, MaxResults=4)
    assert [u["MigrationTaskState"]["ProgressPercent"] for u in first["MigrationTaskUpdateList"]] == [0, 10, 20, 30]
    assert first["MigrationTaskUpdateList"][0]["UpdateType"] == "MIGRATION_TASK_STATE_UPDATED"
    assert first["MigrationTaskUpdateList"][0]["UpdateDateTime"].timestamp() == 1493660853

    percents = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"NextToken": token} if token else {}
        page = mgh.list_migration_task_updates(
            ProgressUpdateStream=STREAM, MigrationTaskName=TASK, MaxResults=4, **kwargs
        )
        percents += [u["MigrationTaskState"]["ProgressPercent"] for u in page["MigrationTaskUpdateList"]]
        token = page.get("NextToken")
        if not token:
            break
    assert percents == list(range(0, 101, 10))


@requires("ListMigrationTaskUpdates")
def test_a_forged_or_foreign_token_is_invalid_input(mhub_fake: Any, mgh: Any) -> None:
    for name in "abc":
        mhub_fake.add_stream(name)
    token = mgh.list_progress_update_streams(MaxResults=1)["NextToken"]
    mhub_fake.add_task(STREAM, TASK)
    for forged in ["Zm9yZ2Vk", token[:-4] + "AAAA"]:
        with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
            mgh.list_progress_update_streams(NextToken=forged)
        assert "was not issued for this request" in error_of(raised)[2]
    # A token of one operation is no good for another.
    with pytest.raises(mgh.exceptions.InvalidInputException):
        mgh.list_migration_task_updates(ProgressUpdateStream=STREAM, MigrationTaskName=TASK, NextToken=token)


def test_list_progress_update_streams(mhub_fake: Any, mgh: Any) -> None:
    assert mgh.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == []
    for name in ("SMS", "DMS", "Custom"):
        mgh.create_progress_update_stream(ProgressUpdateStreamName=name)
    pages = mgh.get_paginator("list_progress_update_streams").paginate(PaginationConfig={"PageSize": 2})
    names = [s["ProgressUpdateStreamName"] for page in pages for s in page["ProgressUpdateStreamSummaryList"]]
    assert names == ["SMS", "DMS", "Custom"]


# --- home region ---------------------------------------------------------------


@pytest.mark.mhub_fake(home_region=None)
@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("create_progress_update_stream", {"ProgressUpdateStreamName": STREAM}),
        ("import_migration_task", {"ProgressUpdateStream": STREAM, "MigrationTaskName": TASK}),
        ("describe_migration_task", {"ProgressUpdateStream": STREAM, "MigrationTaskName": TASK}),
        ("list_progress_update_streams", {}),
        pytest.param(
            "list_migration_task_updates",
            {"ProgressUpdateStream": STREAM, "MigrationTaskName": TASK},
            marks=requires("ListMigrationTaskUpdates"),
        ),
    ],
)
def test_without_a_home_region_every_call_is_refused(
    mhub_fake: Any, mgh: Any, method: str, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as raised:
        getattr(mgh, method)(**kwargs)
    code, status, message = error_of(raised)
    assert (code, status) == ("HomeRegionNotSetException", 400)
    assert message.endswith(
        ": no home region is set; set one with migrationhub-config CreateHomeRegionControl "
        "(in a test: mhub_fake.home_region = 'us-west-2')"
    )


@pytest.mark.mhub_fake(home_region=None)
def test_notify_without_home_region_is_the_modelled_exception(mhub_fake: Any, mgh: Any, sample: dict[str, Any]) -> None:
    with pytest.raises(mgh.exceptions.HomeRegionNotSetException):
        mgh.notify_migration_task_state(**sample)


@pytest.mark.mhub_fake(home_region="eu-central-1")
def test_writes_outside_the_home_region_are_refused_reads_are_not(
    mhub_fake: Any, make_client: Any, sample: dict[str, Any]
) -> None:
    elsewhere = make_client("mgh", region="us-west-2")
    home = make_client("mgh", region="eu-central-1")
    with pytest.raises(elsewhere.exceptions.InvalidInputException) as raised:
        elsewhere.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    assert error_of(raised)[2] == (
        "CreateProgressUpdateStream: writes must be sent to the home region eu-central-1; "
        "this request was sent to us-west-2"
    )
    home.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    assert elsewhere.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == [
        {"ProgressUpdateStreamName": STREAM}
    ]
    assert [c.region for c in mhub_fake.calls] == ["us-west-2", "eu-central-1", "us-west-2"]


def test_moving_the_home_region_mid_test_keeps_the_data(
    mhub_fake: Any, make_client: Any, sample: dict[str, Any]
) -> None:
    west = make_client("mgh", region="us-west-2")
    west.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    mhub_fake.home_region = "eu-west-1"
    with pytest.raises(west.exceptions.InvalidInputException):
        west.import_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)
    make_client("mgh", region="eu-west-1").import_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)
    mhub_fake.home_region = None
    with pytest.raises(west.exceptions.HomeRegionNotSetException):
        west.list_progress_update_streams()
    assert [t.name for t in mhub_fake.tasks(STREAM)] == [TASK]


def test_home_region_must_look_like_a_region(mhub_fake: Any) -> None:
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.home_region = "Mars"
    assert str(raised.value) == (
        "home_region must be a region name such as 'us-west-2', or None to leave it unset; got 'Mars'."
    )
    assert mhub_fake.home_region == "us-west-2"


# --- migrationhub-config --------------------------------------------------------


@pytest.mark.mhub_fake(home_region=None)
def test_home_region_control_lifecycle(mhub_fake: Any, make_client: Any) -> None:
    config = make_client("migrationhub-config", region="eu-west-1")
    assert "HomeRegion" not in config.get_home_region()
    assert config.describe_home_region_controls()["HomeRegionControls"] == []

    created = config.create_home_region_control(
        HomeRegion="eu-west-1", Target={"Type": "ACCOUNT", "Id": "123456789012"}
    )["HomeRegionControl"]
    assert created["ControlId"].startswith("hrc-") and len(created["ControlId"]) == 16
    assert created["HomeRegion"] == "eu-west-1"
    assert created["Target"] == {"Type": "ACCOUNT", "Id": "123456789012"}
    assert isinstance(created["RequestedTime"], datetime)
    assert config.get_home_region()["HomeRegion"] == "eu-west-1"
    assert mhub_fake.home_region == "eu-west-1"

    # The same region again returns the existing control; another is refused.
    again = config.create_home_region_control(HomeRegion="eu-west-1", Target={"Type": "ACCOUNT"})
    assert again["HomeRegionControl"]["ControlId"] == created["ControlId"]
    with pytest.raises(config.exceptions.InvalidInputException) as raised:
        config.create_home_region_control(HomeRegion="us-east-1", Target={"Type": "ACCOUNT"})
    assert error_of(raised)[2] == (
        "CreateHomeRegionControl: the home region is already eu-west-1; delete its control "
        f"{created['ControlId']} with DeleteHomeRegionControl before choosing us-east-1"
    )

    described = config.describe_home_region_controls(HomeRegion="eu-west-1")["HomeRegionControls"]
    assert [c["ControlId"] for c in described] == [created["ControlId"]]
    assert config.describe_home_region_controls(HomeRegion="us-east-1")["HomeRegionControls"] == []

    with pytest.raises(config.exceptions.InvalidInputException):
        config.delete_home_region_control(ControlId="hrc-000000000000")
    config.delete_home_region_control(ControlId=created["ControlId"])
    assert mhub_fake.home_region is None


@pytest.mark.mhub_fake(assert_all_requests_valid=False)
def test_home_region_control_names_a_valid_target(mhub_fake: Any, config_client: Any) -> None:
    with pytest.raises(config_client.exceptions.InvalidInputException) as raised:
        config_client.create_home_region_control(
            HomeRegion="us-west-2", Target={"Type": "ACCOUNT", "Id": "1234567890ab"}
        )
    assert error_of(raised)[2] == ("CreateHomeRegionControl: $.Target.Id: '1234567890ab' does not match '^\\\\d{12}$'")


# --- DryRun and authorisation ----------------------------------------------------


def test_dry_run_succeeds_without_changing_anything(mhub_fake: Any, mgh: Any, sample: dict[str, Any]) -> None:
    with pytest.raises(mgh.exceptions.DryRunOperation) as raised:
        mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM, DryRun=True)
    assert error_of(raised) == (
        "DryRunOperation",
        400,
        "Dry Run was a success!",
    )
    assert mhub_fake.streams == []
    mhub_fake.add_task(STREAM, TASK)
    with pytest.raises(mgh.exceptions.DryRunOperation):
        mgh.notify_migration_task_state(**sample, DryRun=True)
    assert mhub_fake.progress(STREAM, TASK) == []


def test_denied_operations(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.deny("create_progress_update_stream")
    with pytest.raises(mgh.exceptions.UnauthorizedOperation) as raised:
        mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM, DryRun=True)
    assert error_of(raised)[2] == (
        "CreateProgressUpdateStream: DryRun: the request would have been denied (mhub_fake.deny)"
    )
    with pytest.raises(mgh.exceptions.AccessDeniedException) as raised:
        mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    assert error_of(raised) == (
        "AccessDeniedException",
        400,
        "CreateProgressUpdateStream: not authorized to perform mgh:CreateProgressUpdateStream (mhub_fake.deny)",
    )
    assert mhub_fake.streams == []
    mhub_fake.allow("CreateProgressUpdateStream")
    mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    assert mhub_fake.streams == [STREAM]


@pytest.mark.mhub_fake(assert_all_requests_valid=False)
def test_checks_run_in_the_documented_order(mhub_fake: Any, make_client: Any) -> None:
    # validation, then home region, then authorisation, then the dry run.
    elsewhere = make_client("mgh", region="eu-west-1")
    mhub_fake.deny("CreateProgressUpdateStream")
    with pytest.raises(elsewhere.exceptions.InvalidInputException) as raised:
        elsewhere.create_progress_update_stream(ProgressUpdateStreamName="a|b", DryRun=True)
    assert "$.ProgressUpdateStreamName" in error_of(raised)[2]
    with pytest.raises(elsewhere.exceptions.InvalidInputException) as raised:
        elsewhere.create_progress_update_stream(ProgressUpdateStreamName="ok", DryRun=True)
    assert "home region" in error_of(raised)[2]
    mhub_fake.home_region = None
    with pytest.raises(elsewhere.exceptions.HomeRegionNotSetException):
        elsewhere.create_progress_update_stream(ProgressUpdateStreamName="ok", DryRun=True)


def test_denied_config_dry_run_is_access_denied(mhub_fake: Any, config_client: Any) -> None:
    # CreateHomeRegionControl does not model UnauthorizedOperation.
    mhub_fake.deny("CreateHomeRegionControl")
    with pytest.raises(config_client.exceptions.AccessDeniedException):
        config_client.create_home_region_control(HomeRegion="us-west-2", Target={"Type": "ACCOUNT"}, DryRun=True)


# --- what is not served ---------------------------------------------------------


def test_an_operation_the_fake_does_not_serve_fails_loudly(
    mhub_fake: Any, mgh: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A newer botocore may model an operation this fake does not know yet.
    from pytest_migrationhub._core import catalog, served

    handlers = served()
    monkeypatch.delitem(handlers, "AssociateDiscoveredResource")
    with pytest.raises(MigrationHubFakeError) as raised:
        mgh.associate_discovered_resource(
            ProgressUpdateStream=STREAM, MigrationTaskName=TASK, DiscoveredResource={"ConfigurationId": "d-1"}
        )
    # What botocore models of mgh differs between releases (1.34 has no source resources).
    names = sorted(op.name for op in catalog().by_name.values() if op.service == "mgh" and op.name in handlers)
    assert str(raised.value) == (
        "mhub_fake does not implement mgh AssociateDiscoveredResource yet; of mgh it serves "
        f"{', '.join(names)}. See the operations page of pytest-migrationhub's documentation (docs/reference/operations.md)."
    )
    assert "AssociateCreatedArtifact, " in str(raised.value) and "AssociateDiscoveredResource," not in str(raised.value)
    assert mhub_fake.calls == []


def test_an_unknown_target_is_an_unknown_operation(mhub_fake: Any) -> None:
    status, headers, body = mhub_fake.handle("AWSMigrationHub.Teleport", b"{}", {})
    assert status == 400
    assert b'"__type": "UnknownOperationException"' in body
    assert headers["Content-Type"] == "application/x-amz-json-1.1"


def test_other_services_are_untouched(mhub_fake: Any, make_client: Any) -> None:
    sts = make_client("sts", region="us-east-1")
    seen = []

    def transport(request: Any, **kwargs: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        seen.append(request.headers.get("Authorization", b""))

        class Raw:
            def stream(self, **kw: Any) -> Any:
                yield b"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"

        return AWSResponse(request.url, 200, HTTPHeaders(), Raw())

    sts.meta.events.register("before-send.sts", transport)
    from botocore.exceptions import NoCredentialsError

    # STS is still signed as usual: with no credentials it cannot be.
    with pytest.raises(NoCredentialsError):
        sts.get_caller_identity()
    assert seen == [] and mhub_fake.calls == []


def test_big_next_update_seconds_round_trips(mhub_fake: Any, mgh: Any, sample: dict[str, Any]) -> None:
    mhub_fake.add_task(STREAM, TASK)
    sample["NextUpdateSeconds"] = sys.maxsize
    mgh.notify_migration_task_state(**sample)
    assert mhub_fake.calls[-1].params["NextUpdateSeconds"] == sys.maxsize
