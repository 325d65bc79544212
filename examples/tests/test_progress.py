"""A whole migration, as Migration Hub saw it."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from examples.migration_tool import (
    MigrationFailed,
    ProgressReporter,
    migrate_server,
    replication_steps,
)
from pytest_migrationhub import Update

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory

    from pytest_migrationhub import MigrationHubFake

STREAM, TASK = "SMS", "sms-12de3cf1a"


@pytest.mark.freeze_time("2024-05-01 12:00:00")
def test_a_migration_reports_each_step_then_completed(
    mhub_fake: MigrationHubFake, freezer: FrozenDateTimeFactory
) -> None:
    def replicate(disk: int) -> None:
        freezer.tick(timedelta(minutes=10))  # each disk takes ten minutes to copy

    plan = replication_steps(3, replicate, cut_over=lambda: None)
    migrate_server(ProgressReporter.for_home_region(STREAM, TASK), plan)

    assert mhub_fake.progress(STREAM, TASK) == [0, 25, 50, 75, 100]
    assert mhub_fake.statuses(STREAM, TASK) == ["IN_PROGRESS"] * 4 + ["COMPLETED"]
    task = mhub_fake.task(STREAM, TASK)
    assert task.status == "COMPLETED"
    assert task.status_detail == "Migration completed"
    assert task.updates[1] == Update(
        status="IN_PROGRESS",
        status_detail="Replicating disk 2 of 3",
        progress_percent=25,
        update_date_time=datetime(2024, 5, 1, 12, 10, tzinfo=timezone.utc),
        next_update_seconds=60,
    )
    assert task.updates[-1].update_date_time == datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
    assert task.next_update_seconds == sys.maxsize  # no further update is promised


def test_a_failing_step_leaves_the_task_failed_with_the_reason(mhub_fake: MigrationHubFake) -> None:
    def replicate(disk: int) -> None:
        if disk == 2:
            raise OSError("replication agent lost its connection")

    plan = replication_steps(3, replicate, cut_over=lambda: None)
    with pytest.raises(MigrationFailed, match="Replicating disk 2 of 3 failed"):
        migrate_server(ProgressReporter.for_home_region(STREAM, TASK), plan)

    task = mhub_fake.task(STREAM, TASK)
    assert task.status == "FAILED"
    assert task.status_detail == ("Replicating disk 2 of 3 failed: replication agent lost its connection")
    assert mhub_fake.progress(STREAM, TASK) == [0, 25, 25]  # failed where it stood


def test_a_multi_line_error_is_reported_on_one_line(mhub_fake: MigrationHubFake) -> None:
    # StatusDetail may not contain line breaks. Had the tool sent one, the
    # fake would have answered InvalidInputException, as Migration Hub does.
    def cut_over() -> None:
        raise RuntimeError("DNS update refused:\n  zone example.com is locked")

    plan = replication_steps(1, replicate=lambda disk: None, cut_over=cut_over)
    with pytest.raises(MigrationFailed):
        migrate_server(ProgressReporter.for_home_region(STREAM, TASK), plan)

    assert mhub_fake.task(STREAM, TASK).status_detail == (
        "Cutting over failed: DNS update refused: zone example.com is locked"
    )
