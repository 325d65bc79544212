"""mock_migrationhub(): the same fake, as a context manager, outside the fixture."""

from __future__ import annotations

from examples.migration_tool import ProgressReporter, Step, migrate_server
from pytest_migrationhub import MigrationHubFake, mock_migrationhub


def test_mock_migrationhub_as_a_context_manager(plan: list[Step]) -> None:
    with mock_migrationhub(home_region="ap-southeast-2") as fake:
        migrate_server(ProgressReporter.for_home_region("SMS", "sms-1"), plan)
    # Leaving the block stops the fake and runs the fixture's teardown checks.

    assert isinstance(fake, MigrationHubFake)
    assert fake.progress("SMS", "sms-1") == [0, 25, 50, 75, 100]
    assert {c.region for c in fake.calls if c.service == "mgh"} == {"ap-southeast-2"}
