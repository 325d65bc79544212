"""The home region: the tool looks it up and sends every write there."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest

from examples.migration_tool import (
    RETRY_CONFIG,
    HomeRegionNotSetError,
    ProgressReporter,
    Step,
    migrate_server,
)

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake


@pytest.mark.mhub_fake(home_region=None)
def test_without_a_home_region_the_tool_stops_before_migrating(mhub_fake: MigrationHubFake) -> None:
    with pytest.raises(HomeRegionNotSetError, match="no Migration Hub home region"):
        ProgressReporter.for_home_region("SMS", "sms-1")

    assert [c.operation for c in mhub_fake.calls] == ["GetHomeRegion"]


@pytest.mark.mhub_fake(home_region=None)
def test_without_a_home_region_migration_hub_refuses_every_call(
    mhub_fake: MigrationHubFake,
) -> None:
    config = boto3.client("migrationhub-config", region_name="us-west-2", config=RETRY_CONFIG)
    assert "HomeRegion" not in config.get_home_region()  # an empty answer, not an error

    mgh = boto3.client("mgh", region_name="us-west-2", config=RETRY_CONFIG)
    reporter = ProgressReporter(mgh, "SMS", "sms-1")

    with pytest.raises(mgh.exceptions.HomeRegionNotSetException):
        reporter.register()
    with pytest.raises(mgh.exceptions.HomeRegionNotSetException):
        mgh.list_progress_update_streams()


@pytest.mark.mhub_fake(home_region="eu-central-1")
def test_the_tool_talks_to_the_home_region(mhub_fake: MigrationHubFake, plan: list[Step]) -> None:
    migrate_server(ProgressReporter.for_home_region("SMS", "sms-1"), plan)

    assert {c.region for c in mhub_fake.calls if c.service == "mgh"} == {"eu-central-1"}
    assert mhub_fake.task("SMS", "sms-1").status == "COMPLETED"


def test_writes_outside_the_home_region_are_refused(mhub_fake: MigrationHubFake) -> None:
    # Why the tool looks the home region up rather than using the default region.
    mgh = boto3.client("mgh", region_name="us-east-1", config=RETRY_CONFIG)

    with pytest.raises(mgh.exceptions.InvalidInputException, match="home region us-west-2"):
        ProgressReporter(mgh, "SMS", "sms-1").register()
