"""An application's state follows the migration of its servers.

Applications are groups of servers made in Application Discovery Service; seed
them with ``mhub_fake.add_application``, and read their state back with
``mhub_fake.application(id)``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest

from examples.migration_tool import (
    DiscoveredServer,
    MigrationFailed,
    NotDiscoveredError,
    ServerPlan,
    Step,
    ec2_instance_arn,
    home_region_client,
    migrate_application,
)

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake

STREAM = "CloudMigrationFactory"
APP = "d-application-0b2a3ea5b1c30a7c2"
WEB01_ARN = ec2_instance_arn("us-west-2", "123456789012", "i-0abc1234def567890")
DB01_ARN = ec2_instance_arn("us-west-2", "123456789012", "i-0def5678abc901234")


def launcher(arn: str, launched: list[str]) -> Callable[[], str]:
    def launch() -> str:
        launched.append(arn)
        return arn

    return launch


@pytest.fixture
def seeded(mhub_fake: MigrationHubFake, web01: DiscoveredServer, db01: DiscoveredServer) -> None:
    """What Application Discovery Service knows: both servers, grouped as one application."""
    mhub_fake.add_discovered_resource(web01.configuration_id)
    mhub_fake.add_discovered_resource(db01.configuration_id)
    mhub_fake.add_application(APP)


@pytest.mark.freeze_time("2024-05-01 12:00:00")
def test_the_application_reaches_completed(
    mhub_fake: MigrationHubFake,
    seeded: None,
    web01: DiscoveredServer,
    db01: DiscoveredServer,
    plan: list[Step],
) -> None:
    seen_during_launch: list[str | None] = []

    def launch_db01() -> str:
        seen_during_launch.append(mhub_fake.application(APP).status)
        return DB01_ARN

    mgh = home_region_client()
    targets = migrate_application(
        mgh,
        STREAM,
        APP,
        [ServerPlan(web01, plan, lambda: WEB01_ARN), ServerPlan(db01, plan, launch_db01)],
    )

    assert targets == {"web01": WEB01_ARN, "db01": DB01_ARN}
    assert seen_during_launch == ["IN_PROGRESS"]
    application = mhub_fake.application(APP)
    assert application.status == "COMPLETED"
    assert application.last_updated_time == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert mgh.describe_application_state(ApplicationId=APP)["ApplicationStatus"] == "COMPLETED"
    notified = [c.params for c in mhub_fake.calls if c.operation == "NotifyApplicationState"]
    assert [n["Status"] for n in notified] == ["IN_PROGRESS", "COMPLETED"]
    assert [(t.name, t.status) for t in mhub_fake.tasks(STREAM)] == [
        ("web01", "COMPLETED"),
        ("db01", "COMPLETED"),
    ]


def test_a_failed_server_leaves_it_in_progress_and_a_rerun_resumes(
    mhub_fake: MigrationHubFake,
    seeded: None,
    web01: DiscoveredServer,
    db01: DiscoveredServer,
    plan: list[Step],
) -> None:
    launched: list[str] = []

    def launch_db01_without_capacity() -> str:
        raise RuntimeError("InsufficientInstanceCapacity")

    mgh = home_region_client()
    with pytest.raises(MigrationFailed, match="Launching the target instance failed"):
        migrate_application(
            mgh,
            STREAM,
            APP,
            [
                ServerPlan(web01, plan, launcher(WEB01_ARN, launched)),
                ServerPlan(db01, plan, launch_db01_without_capacity),
            ],
        )
    assert mhub_fake.application(APP).status == "IN_PROGRESS"
    assert mhub_fake.statuses(STREAM, "db01")[-1] == "FAILED"

    # The capacity is back: run the tool again. web01 was moved already; only db01 is.
    targets = migrate_application(
        mgh,
        STREAM,
        APP,
        [
            ServerPlan(web01, plan, launcher(WEB01_ARN, launched)),
            ServerPlan(db01, plan, launcher(DB01_ARN, launched)),
        ],
    )
    assert targets == {"web01": WEB01_ARN, "db01": DB01_ARN}
    assert launched == [WEB01_ARN, DB01_ARN]  # web01 was launched once
    assert mhub_fake.statuses(STREAM, "web01") == ["IN_PROGRESS"] * 5 + ["COMPLETED"]
    assert mhub_fake.task(STREAM, "db01").status == "COMPLETED"
    assert mhub_fake.application(APP).status == "COMPLETED"


def test_an_unknown_application_stops_the_tool_before_any_server_moves(
    mhub_fake: MigrationHubFake, web01: DiscoveredServer, plan: list[Step]
) -> None:
    mhub_fake.add_discovered_resource(web01.configuration_id)  # but no application
    launched: list[str] = []

    with pytest.raises(NotDiscoveredError, match=f"no application '{APP}'"):
        migrate_application(
            home_region_client(),
            STREAM,
            APP,
            [ServerPlan(web01, plan, launcher(WEB01_ARN, launched))],
        )

    assert launched == []
    assert mhub_fake.tasks() == []
    assert mhub_fake.applications() == []
