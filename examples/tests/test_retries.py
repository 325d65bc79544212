"""Faults: botocore retries them for real, and its backoff is recorded, not slept."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from examples.migration_tool import ProgressReporter, Step, migrate_server

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake


def test_throttling_is_retried_by_botocore(mhub_fake: MigrationHubFake, plan: list[Step]) -> None:
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=2)
    started = time.monotonic()

    migrate_server(ProgressReporter.for_home_region("SMS", "sms-1"), plan)

    assert mhub_fake.statuses("SMS", "sms-1")[-1] == "COMPLETED"
    notifies = [c for c in mhub_fake.calls if c.operation == "NotifyMigrationTaskState"]
    assert [c.error_code for c in notifies[:3]] == [
        "ThrottlingException",
        "ThrottlingException",
        None,  # the third attempt got through
    ]
    assert len(mhub_fake.retry_delays) == 2
    # Had it slept them, botocore's two backoffs would take 1.5 s on average.
    assert time.monotonic() - started < 1


def test_an_outage_surfaces_once_botocore_gives_up(mhub_fake: MigrationHubFake, plan: list[Step]) -> None:
    mhub_fake.fail("NotifyMigrationTaskState", "ServiceUnavailableException", times=None)
    reporter = ProgressReporter.for_home_region("SMS", "sms-1")

    with pytest.raises(ClientError) as excinfo:
        migrate_server(reporter, plan)

    assert excinfo.value.response["Error"]["Code"] == "ServiceUnavailableException"
    # In a client Config, max_attempts counts the retries: 1 attempt + 5 retries.
    assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 5
    assert len(mhub_fake.retry_delays) == 5

    # Once the service is back, running the tool again finishes the job:
    # creating the stream and importing the task are idempotent.
    mhub_fake.clear_faults()
    migrate_server(reporter, plan)
    assert mhub_fake.statuses("SMS", "sms-1") == ["IN_PROGRESS"] * 4 + ["COMPLETED"]
