"""A task goes stale when the update it promised (NextUpdateSeconds) is late.

The fake reads the clock when asked, so freezegun (here through pytest-freezer's
``freezer`` fixture) or time-machine moves it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from examples.migration_tool import ProgressReporter, Step, migrate_server

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory

    from pytest_migrationhub import MigrationHubFake


@pytest.mark.freeze_time("2024-05-01 12:00:00")
def test_a_task_is_stale_once_its_next_update_is_overdue(
    mhub_fake: MigrationHubFake, freezer: FrozenDateTimeFactory
) -> None:
    mhub_fake.add_task("SMS", "sms-1")  # imported earlier, e.g. by a previous run
    reporter = ProgressReporter.for_home_region("SMS", "sms-1")
    reporter.in_progress(30, "Replicating disk 1 of 3", next_update_seconds=60)

    freezer.tick(60)
    assert mhub_fake.stale_tasks() == []  # just in time
    freezer.tick(1)
    assert mhub_fake.stale_tasks() == [("SMS", "sms-1")]
    assert mhub_fake.task("SMS", "sms-1").is_stale

    reporter.in_progress(60, "Replicating disk 2 of 3", next_update_seconds=60)
    assert mhub_fake.stale_tasks() == []


def test_a_completed_task_never_goes_stale(
    mhub_fake: MigrationHubFake, freezer: FrozenDateTimeFactory, plan: list[Step]
) -> None:
    migrate_server(ProgressReporter.for_home_region("SMS", "sms-1"), plan)
    assert mhub_fake.task("SMS", "sms-1").status == "COMPLETED"  # NextUpdateSeconds=sys.maxsize

    freezer.tick(timedelta(days=365 * 100))
    assert not mhub_fake.task("SMS", "sms-1").is_stale
    assert mhub_fake.stale_tasks() == []
