"""The cleanup command: deleting the stream, and starting afresh, against the fake's clock.

DeleteProgressUpdateStream returns at once and deletes in the background: for
``stream_deletion_seconds`` (5 by default) the stream is still listed and
refuses writes. The window runs on the fake's clock, so under pytest-freezer's
``freezer`` it stays open until the test moves time on, and the tool's waiting
can be given ``freezer.tick`` to sleep with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from examples.migration_tool import (
    DiscoveredServer,
    ProgressReporter,
    Step,
    StreamBeingDeletedError,
    delete_stream,
    ec2_instance_arn,
    migrate_discovered_server,
    recreate_stream,
    stream_exists,
    tasks_for_server,
)
from examples.migration_tool.streams import wait_until_deleted

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory

    from pytest_migrationhub import MigrationHubFake

STREAM = "CloudMigrationFactory"
ARN = ec2_instance_arn("us-west-2", "123456789012", "i-0abc1234def567890")


@pytest.fixture
def migrated(mhub_fake: MigrationHubFake, web01: DiscoveredServer, plan: list[Step]) -> ProgressReporter:
    mhub_fake.add_discovered_resource(web01.configuration_id)
    reporter = ProgressReporter.for_home_region(STREAM, web01.name)
    migrate_discovered_server(reporter, web01, plan, lambda: ARN)
    return reporter


def test_a_deleted_stream_refuses_the_tool_until_the_deletion_is_done(
    mhub_fake: MigrationHubFake,
    migrated: ProgressReporter,
    web01: DiscoveredServer,
    plan: list[Step],
    freezer: FrozenDateTimeFactory,
) -> None:
    delete_stream(migrated.mgh, STREAM)

    # Still listed while Migration Hub deletes it; the frozen clock holds it there.
    assert stream_exists(migrated.mgh, STREAM)
    freezer.tick(4)
    with pytest.raises(StreamBeingDeletedError, match="'CloudMigrationFactory' is being deleted"):
        migrate_discovered_server(migrated, web01, plan, lambda: ARN)

    freezer.tick(2)  # 6 s after the delete: done
    assert not stream_exists(migrated.mgh, STREAM)
    assert mhub_fake.streams == []
    assert tasks_for_server(migrated.mgh, web01.configuration_id) == []

    # The name is free again: a new, empty stream, and a new task with its own history.
    migrate_discovered_server(migrated, web01, plan, lambda: ARN)
    assert mhub_fake.progress(STREAM, "web01") == [0, 20, 40, 60, 80, 100]
    assert mhub_fake.task(STREAM, "web01").created_artifacts == [
        {"Name": ARN, "Description": "Migrated from web01.corp.example.com"}
    ]


def test_the_being_deleted_error_keeps_migration_hubs_own(
    mhub_fake: MigrationHubFake, migrated: ProgressReporter, freezer: FrozenDateTimeFactory
) -> None:
    delete_stream(migrated.mgh, STREAM)

    with pytest.raises(StreamBeingDeletedError) as raised:
        migrated.register()

    assert isinstance(raised.value.__cause__, ClientError)
    assert raised.value.__cause__.response["Error"]["Code"] == "InvalidInputException"
    assert mhub_fake.task(STREAM, "web01").status == "COMPLETED"  # not gone yet


def test_recreate_stream_waits_for_the_deletion_then_starts_afresh(
    mhub_fake: MigrationHubFake, migrated: ProgressReporter, freezer: FrozenDateTimeFactory
) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        freezer.tick(seconds)

    recreate_stream(migrated.mgh, STREAM, poll_seconds=2, sleep=sleep)

    assert slept == [2, 2, 2]  # listed at 0, 2 and 4 s; gone at 6 s
    assert mhub_fake.streams == [STREAM]
    assert mhub_fake.tasks() == []
    assert [c.operation for c in mhub_fake.calls[-6:]] == [
        "DeleteProgressUpdateStream",
        *["ListProgressUpdateStreams"] * 4,
        "CreateProgressUpdateStream",
    ]


def test_waiting_gives_up_while_the_clock_stands_still(
    mhub_fake: MigrationHubFake, migrated: ProgressReporter, freezer: FrozenDateTimeFactory
) -> None:
    delete_stream(migrated.mgh, STREAM)

    with pytest.raises(StreamBeingDeletedError, match="still being deleted after 6 seconds"):
        wait_until_deleted(migrated.mgh, STREAM, max_polls=3, sleep=lambda seconds: None)

    freezer.tick(6)
    wait_until_deleted(migrated.mgh, STREAM, sleep=lambda seconds: None)
    assert not stream_exists(migrated.mgh, STREAM)


def test_stream_exists_looks_past_the_first_page(mhub_fake: MigrationHubFake) -> None:
    for n in range(150):
        mhub_fake.add_stream(f"Tool-{n:03}")
    mgh = ProgressReporter.for_home_region(STREAM, "web01").mgh

    assert stream_exists(mgh, "Tool-149")
    assert not stream_exists(mgh, STREAM)
    assert [c.operation for c in mhub_fake.calls].count("ListProgressUpdateStreams") == 4
