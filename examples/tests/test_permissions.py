"""IAM: refused operations, and the tool's DryRun pre-flight check."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from examples.migration_tool import ProgressReporter, Step, migrate_server

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake


def test_a_denied_operation_stops_the_migration(mhub_fake: MigrationHubFake, plan: list[Step]) -> None:
    mhub_fake.deny("ImportMigrationTask")
    reporter = ProgressReporter.for_home_region("SMS", "sms-1")

    with pytest.raises(reporter.mgh.exceptions.AccessDeniedException):
        migrate_server(reporter, plan)

    assert mhub_fake.streams == ["SMS"]
    assert mhub_fake.tasks() == []


def test_check_permissions_lists_what_would_be_denied(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.deny("import_migration_task")  # boto3 method names work too
    reporter = ProgressReporter.for_home_region("SMS", "sms-1")

    assert reporter.check_permissions() == ["ImportMigrationTask"]
    assert mhub_fake.streams == []  # a DryRun changes nothing

    mhub_fake.allow("ImportMigrationTask")
    assert reporter.check_permissions() == []


def test_check_permissions_covers_the_discovery_and_artifact_writes(
    mhub_fake: MigrationHubFake,
) -> None:
    mhub_fake.deny("PutResourceAttributes")
    mhub_fake.deny("AssociateCreatedArtifact")
    reporter = ProgressReporter.for_home_region("CloudMigrationFactory", "web01")

    assert reporter.check_permissions() == ["PutResourceAttributes", "AssociateCreatedArtifact"]
    assert [c.error_code for c in mhub_fake.calls[1:]] == [
        "DryRunOperation",  # CreateProgressUpdateStream
        "DryRunOperation",  # ImportMigrationTask
        "DryRunOperation",  # NotifyMigrationTaskState
        "DryRunOperation",  # AssociateDiscoveredResource
        "UnauthorizedOperation",
        "UnauthorizedOperation",
    ]
    assert mhub_fake.streams == []
