"""The Migration Hub API's lists and state over time: pagination, asynchronous stream
deletion, and accounts that never see each other."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from support import ARN, STREAM, TASK, ids, requires

from pytest_migrationhub import MigrationHubFakeError

# --- pagination -------------------------------------------------------------------------

LISTS = {
    "list_created_artifacts": ("CreatedArtifactList", 10),
    "list_discovered_resources": ("DiscoveredResourceList", 10),
    "list_source_resources": ("SourceResourceList", 10),
    "list_migration_tasks": ("MigrationTaskSummaryList", 100),
    "list_migration_task_updates": ("MigrationTaskUpdateList", 100),
    "list_progress_update_streams": ("ProgressUpdateStreamSummaryList", 100),
    "list_application_states": ("ApplicationStateList", 100),
}

#: The lists of one migration task's associations: called with the task's ids.
PER_TASK = {
    "list_created_artifacts",
    "list_discovered_resources",
    "list_source_resources",
    "list_migration_task_updates",
}


def list_arguments(mgh: Any, method: str) -> dict[str, Any]:
    """The arguments ``method`` needs; skips where this botocore has no such list."""
    if not hasattr(mgh, method):
        pytest.skip(f"this botocore has no {method}")
    return ids() if method in PER_TASK else {}


def populate(fake: Any, mgh: Any, count: int) -> None:
    fake.add_task(STREAM, TASK)
    for i in range(count):
        fake.add_task(f"S{i:03}", f"t{i}")
        fake.add_discovered_resource(f"d-{i}")
        fake.add_application(f"app-{i:03}", status="IN_PROGRESS")
        mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": f"{ARN}{i}"}))
        mgh.associate_discovered_resource(**ids(DiscoveredResource={"ConfigurationId": f"d-{i}"}))
        if hasattr(mgh, "associate_source_resource"):
            mgh.associate_source_resource(**ids(SourceResource={"Name": f"vm-{i}"}))
        mgh.notify_migration_task_state(
            **ids(Task={"Status": "IN_PROGRESS", "ProgressPercent": i % 101}),
            UpdateDateTime=datetime(2026, 1, 1, tzinfo=timezone.utc),
            NextUpdateSeconds=60,
        )


@pytest.mark.parametrize("method", sorted(LISTS))
def test_paginators_return_every_item_exactly_once(mhub_fake: Any, mgh: Any, method: str) -> None:
    kwargs = list_arguments(mgh, method)
    populate(mhub_fake, mgh, 23)
    key, top = LISTS[method]
    everything = getattr(mgh, method)(**kwargs, MaxResults=top)
    pages = list(mgh.get_paginator(method).paginate(**kwargs, PaginationConfig={"PageSize": 4}))
    items = [item for page in pages for item in page[key]]
    assert len(pages) > 1
    assert all(len(page[key]) <= 4 for page in pages)
    # Every item exactly once, in the same order as far as one page reaches.
    assert items[: len(everything[key])] == everything[key]
    assert len(items) == len({json.dumps(i, sort_keys=True, default=str) for i in items})


@pytest.mark.mhub_fake(stream_deletion_seconds=0)
def test_a_token_stays_valid_when_the_list_changes_between_pages(mhub_fake: Any, mgh: Any) -> None:
    for i in range(10):
        mhub_fake.add_stream(f"s{i}")
    first = mgh.list_progress_update_streams(MaxResults=4)
    # Items before and after the cut change; the next page starts after the last one seen.
    mgh.delete_progress_update_stream(ProgressUpdateStreamName="s1")
    mgh.create_progress_update_stream(ProgressUpdateStreamName="s10")
    second = mgh.list_progress_update_streams(MaxResults=4, NextToken=first["NextToken"])
    assert [s["ProgressUpdateStreamName"] for s in second["ProgressUpdateStreamSummaryList"]] == [
        "s4",
        "s5",
        "s6",
        "s7",
    ]
    # Even the item the token followed may go: the next page carries on from the same place.
    mgh.delete_progress_update_stream(ProgressUpdateStreamName="s7")
    third = mgh.list_progress_update_streams(MaxResults=4, NextToken=second["NextToken"])
    assert [s["ProgressUpdateStreamName"] for s in third["ProgressUpdateStreamSummaryList"]] == ["s9", "s10"]
    assert "NextToken" not in third
    for name in ["s0", "s2", "s3", "s4", "s5", "s6", "s8", "s9"]:
        mgh.delete_progress_update_stream(ProgressUpdateStreamName=name)
    # A token the fake issued is never refused, however much the list shrank.
    last = mgh.list_progress_update_streams(NextToken=second["NextToken"])["ProgressUpdateStreamSummaryList"]
    assert last in ([], [{"ProgressUpdateStreamName": "s10"}])


@pytest.mark.mhub_fake(assert_all_requests_valid=False)
@pytest.mark.parametrize(
    "method",
    [
        "list_created_artifacts",
        "list_discovered_resources",
        pytest.param("list_source_resources", marks=requires("ListSourceResources")),
    ],
)
def test_association_lists_take_at_most_10_per_page(mhub_fake: Any, task: Any, mgh: Any, method: str) -> None:
    with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
        getattr(mgh, method)(**ids(), MaxResults=11)
    assert raised.value.response["Error"]["Message"].endswith("$.MaxResults: 11 is greater than the maximum of 10")


@pytest.mark.parametrize("method", sorted(LISTS))
def test_a_forged_token_is_refused_by_every_list(mhub_fake: Any, task: Any, mgh: Any, method: str) -> None:
    kwargs = list_arguments(mgh, method)
    with pytest.raises(mgh.exceptions.InvalidInputException):
        getattr(mgh, method)(**kwargs, NextToken="Zm9yZ2Vk")


# --- asynchronous stream deletion ---------------------------------------------------------


def test_deletion_is_asynchronous_on_the_fakes_clock(mhub_fake: Any, mgh: Any, freezer: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM)

    # Still listed, still readable, refusing writes, for as long as the clock stands.
    freezer.tick(4)
    assert mgh.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == [
        {"ProgressUpdateStreamName": STREAM}
    ]
    mgh.describe_migration_task(**ids())
    writes: list[Callable[[], Any]] = [
        lambda: mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM),
        lambda: mgh.import_migration_task(**ids()),
        lambda: mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": ARN})),
        lambda: mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM),
    ]
    for write in writes:
        with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
            write()
        assert raised.value.response["Error"]["Message"].endswith(
            "progress update stream 'SMS' is being deleted; wait until the deletion has finished, then create it again"
        )

    freezer.tick(1.5)
    assert mgh.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == []
    with pytest.raises(mgh.exceptions.ResourceNotFoundException):
        mgh.describe_migration_task(**ids())
    mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    assert mhub_fake.tasks(STREAM) == []


@pytest.mark.mhub_fake(stream_deletion_seconds=3)
def test_deletion_has_finished_at_the_exact_end_of_its_window(mhub_fake: Any, mgh: Any, freezer: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM)
    freezer.tick(3)
    assert mgh.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == []
    with pytest.raises(mgh.exceptions.ResourceNotFoundException):
        mgh.describe_migration_task(**ids())


@pytest.mark.mhub_fake(stream_deletion_seconds=0)
def test_deletion_window_is_configurable(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM)
    assert mhub_fake.streams == []


def test_deleting_an_unknown_stream(mhub_fake: Any, mgh: Any) -> None:
    with pytest.raises(mgh.exceptions.ResourceNotFoundException):
        mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM)


# --- accounts -------------------------------------------------------------------------------


def client_for(session: Any, key: str, region: str = "us-west-2") -> Any:
    return session.create_client("mgh", region_name=region, aws_access_key_id=key, aws_secret_access_key="x")


def test_accounts_never_see_each_other(mhub_fake: Any, botocore_session: Any) -> None:
    first = client_for(botocore_session, "111122223333")
    second = client_for(botocore_session, "444455556666")
    first.create_progress_update_stream(ProgressUpdateStreamName="A")
    second.create_progress_update_stream(ProgressUpdateStreamName="B")
    assert [
        s["ProgressUpdateStreamName"] for s in first.list_progress_update_streams()["ProgressUpdateStreamSummaryList"]
    ] == ["A"]
    assert mhub_fake.account("444455556666").streams == ["B"]
    assert mhub_fake.streams == []  # the default account saw nothing
    with pytest.raises(second.exceptions.ResourceNotFoundException):
        second.import_migration_task(ProgressUpdateStream="A", MigrationTaskName=TASK)
    assert [c.account for c in mhub_fake.calls] == ["111122223333", "444455556666", "111122223333", "444455556666"]


def test_keys_map_to_accounts(mhub_fake: Any, botocore_session: Any) -> None:
    mhub_fake.add_account("777788889999", access_key_id="AKIAEXAMPLE")
    client_for(botocore_session, "AKIAEXAMPLE").create_progress_update_stream(ProgressUpdateStreamName="A")
    client_for(botocore_session, "AKIAOTHER").create_progress_update_stream(ProgressUpdateStreamName="D")
    assert mhub_fake.account("777788889999").streams == ["A"]
    assert mhub_fake.streams == ["D"]
    assert mhub_fake.accounts == ["123456789012", "777788889999"]


def test_home_region_is_per_account(mhub_fake: Any, botocore_session: Any) -> None:
    mhub_fake.account("111122223333").home_region = "eu-west-1"
    west = client_for(botocore_session, "111122223333")
    with pytest.raises(west.exceptions.InvalidInputException):
        west.create_progress_update_stream(ProgressUpdateStreamName="A")
    config = botocore_session.create_client(
        "migrationhub-config", region_name="us-west-2", aws_access_key_id="111122223333", aws_secret_access_key="x"
    )
    assert config.get_home_region()["HomeRegion"] == "eu-west-1"
    assert mhub_fake.home_region == "us-west-2"
    mhub_fake.account("111122223333").home_region = None
    with pytest.raises(west.exceptions.HomeRegionNotSetException):
        west.list_progress_update_streams()


def test_an_account_id_is_twelve_digits(mhub_fake: Any) -> None:
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.tasks(account="1234")
    assert str(raised.value) == "An AWS account ID is 12 digits, such as '123456789012'; got '1234'."


def test_reset_forgets_everything(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mhub_fake.home_region = "eu-west-1"
    mhub_fake.fail("ImportMigrationTask", "InternalServerError")
    mhub_fake.deny("ListProgressUpdateStreams")
    mhub_fake.reset()
    assert (mhub_fake.streams, mhub_fake.calls, mhub_fake.home_region) == ([], [], "us-west-2")
    assert mgh.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == []
