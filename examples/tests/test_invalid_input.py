"""Requests Migration Hub would reject are rejected by the fake too."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from examples.migration_tool import ProgressReporter, Step, migrate_server

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake


# The fake fails a test at teardown when the code under test sent a malformed
# request, so that a tool which swallows the InvalidInputException cannot pass
# unnoticed. Sending one is the point of this test: opt out of that check.
@pytest.mark.mhub_fake(assert_all_requests_valid=False)
def test_a_task_name_with_a_colon_is_refused(mhub_fake: MigrationHubFake, plan: list[Step]) -> None:
    reporter = ProgressReporter.for_home_region("SMS", "web01:/dev/sda")

    with pytest.raises(reporter.mgh.exceptions.InvalidInputException, match="MigrationTaskName"):
        migrate_server(reporter, plan)

    assert mhub_fake.tasks() == []
