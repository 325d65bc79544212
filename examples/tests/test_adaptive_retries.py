"""botocore's adaptive retry mode under a frozen clock.

Adaptive mode rate-limits a client after throttling by waiting for tokens that
refill with time; with the clock frozen they would never refill. Under the fake
that wait is virtual, like the backoff.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from freezegun import freeze_time

from examples.migration_tool import ProgressReporter, Step, migrate_server

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake

ADAPTIVE = Config(retries={"mode": "adaptive", "max_attempts": 5})


def finishes_within(seconds: float, work: Callable[[], None]) -> bool:
    """Run ``work`` in a thread; False if it is still running after ``seconds``."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if errors:
        raise errors[0]
    return not thread.is_alive()


def test_adaptive_retries_do_not_hang_under_a_frozen_clock(mhub_fake: MigrationHubFake, plan: list[Step]) -> None:
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=3)
    reporter = ProgressReporter(boto3.client("mgh", region_name="us-west-2", config=ADAPTIVE), "SMS", "sms-1")

    with freeze_time("2024-05-01 12:00:00"):
        assert finishes_within(5, lambda: migrate_server(reporter, plan))

    assert mhub_fake.statuses("SMS", "sms-1")[-1] == "COMPLETED"
    assert len(mhub_fake.retry_delays) == 3
