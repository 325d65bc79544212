"""The wire: every request the tool sent, as Migration Hub received it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from examples.migration_tool import ProgressReporter, Step, migrate_server

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake


@pytest.mark.freeze_time("2024-05-01 12:00:00")
def test_the_calls_the_tool_makes(mhub_fake: MigrationHubFake) -> None:
    plan = [Step("Cutting over", lambda: None)]
    migrate_server(ProgressReporter.for_home_region("SMS", "sms-1"), plan)

    assert [c.operation for c in mhub_fake.calls] == [
        "GetHomeRegion",
        "CreateProgressUpdateStream",
        "ImportMigrationTask",
        "NotifyMigrationTaskState",
        "NotifyMigrationTaskState",
    ]
    first_update = mhub_fake.calls[3]
    assert first_update.params == {  # the JSON body, as botocore serialised it
        "ProgressUpdateStream": "SMS",
        "MigrationTaskName": "sms-1",
        "Task": {"Status": "IN_PROGRESS", "ProgressPercent": 0, "StatusDetail": "Cutting over"},
        "UpdateDateTime": 1714564800,  # 2024-05-01 12:00:00 UTC, in epoch seconds
        "NextUpdateSeconds": 60,
    }
    assert first_update.region == "us-west-2"
    assert all(call.error_code is None for call in mhub_fake.calls)


def test_failed_calls_are_recorded_with_their_error_code(mhub_fake: MigrationHubFake, plan: list[Step]) -> None:
    mhub_fake.fail("CreateProgressUpdateStream", "InternalServerError")
    migrate_server(ProgressReporter.for_home_region("SMS", "sms-1"), plan)

    creates = [c for c in mhub_fake.calls if c.operation == "CreateProgressUpdateStream"]
    assert [c.error_code for c in creates] == ["InternalServerError", None]
    assert creates[0].params == creates[1].params == {"ProgressUpdateStreamName": "SMS"}
