"""Clients created before the fixture starts are served by the fake too."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest

from examples.migration_tool import (
    RETRY_CONFIG,
    ProgressReporter,
    Step,
    home_region,
    migrate_server,
)

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake

# Created when pytest imports this module, long before any fixture runs, and
# shared by every test below: each test's fake answers them.
CONFIG = boto3.client("migrationhub-config", region_name="us-west-2", config=RETRY_CONFIG)
MGH = boto3.client("mgh", region_name="us-west-2", config=RETRY_CONFIG)


@pytest.mark.parametrize("task", ["sms-1", "sms-2"])
def test_a_client_created_at_import_time_is_served(mhub_fake: MigrationHubFake, plan: list[Step], task: str) -> None:
    assert home_region(CONFIG) == "us-west-2"

    migrate_server(ProgressReporter(MGH, "SMS", task), plan)

    assert [(t.name, t.status) for t in mhub_fake.tasks()] == [(task, "COMPLETED")]
