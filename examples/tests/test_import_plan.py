"""The migration plan is a CSV: imported into Application Discovery Service, then moved.

The test registers the plan's content for its S3 URL with
``mhub_fake.add_import_file``; the fake imports it on its own clock. The tool
waits with a ``sleep`` it is given: ``freezer.tick`` moves the fake's clock
instead of waiting, so the test takes no time and no stub stands in for ADS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from examples.migration_tool import (
    PlanImportError,
    Step,
    ec2_instance_arn,
    home_region_client,
    home_region_discovery_client,
    import_plan,
    migrate_imported_plan,
)

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake

STREAM = "CloudMigrationFactory"
URL = "s3://migration-plans/wave-1.csv"
ARN = ec2_instance_arn("us-west-2", "123456789012", "i-0abc1234def567890")
PLAN = """ExternalId,HostName,IPAddress,OS.Name,OS.Version,CPU.NumberOfCores,RAM.TotalSizeInMB,Applications,Tags
vm-101,web01.corp.example.com,10.0.1.15,Ubuntu,22.04,4,8192,webshop,"env:prod, tier:web"
vm-102,db01.corp.example.com,10.0.2.20,Ubuntu,22.04,8,32768,webshop,"env:prod, tier:db"
"""


def test_the_plan_is_imported_then_its_application_moved(
    mhub_fake: MigrationHubFake, freezer: Any, plan: list[Step]
) -> None:
    mhub_fake.add_import_file(URL, PLAN)
    targets = migrate_imported_plan(
        home_region_client(),
        home_region_discovery_client(),
        STREAM,
        ("wave-1", URL),
        "webshop",
        {"web01.corp.example.com": (plan, lambda: ARN), "db01.corp.example.com": (plan, lambda: ARN)},
        sleep=freezer.tick,
    )
    assert targets == {"web01": ARN, "db01": ARN}
    servers = {s.host_name or "": s for s in mhub_fake.discovered_resources()}
    assert sorted(servers) == ["db01.corp.example.com", "web01.corp.example.com"]
    for name, server in servers.items():
        task = mhub_fake.task(STREAM, name.split(".")[0])
        assert task.status == "COMPLETED"
        assert task.discovered_resources == [{"ConfigurationId": server.configuration_id, "Description": name}]
    [application] = mhub_fake.applications()
    assert (application.name, application.status) == ("webshop", "COMPLETED")
    assert sorted(application.items) == sorted(s.configuration_id for s in servers.values())


def test_the_tool_waits_for_the_import_on_the_fake_s_clock(mhub_fake: MigrationHubFake, freezer: Any) -> None:
    mhub_fake.add_import_file(URL, PLAN)
    mhub_fake.discovery_task_seconds = 12
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        freezer.tick(seconds)

    task = import_plan(home_region_discovery_client(), "wave-1", URL, poll_seconds=5, sleep=sleep)
    assert slept == [5, 5, 5]  # in progress at 0, 5 and 10 seconds; done at 15
    assert (task["status"], task["serverImportSuccess"], task["applicationImportSuccess"]) == (
        "IMPORT_COMPLETE",
        2,
        1,
    )


def test_running_the_tool_again_does_not_import_the_plan_twice(mhub_fake: MigrationHubFake, freezer: Any) -> None:
    mhub_fake.add_import_file(URL, PLAN)
    discovery = home_region_discovery_client()
    first = import_plan(discovery, "wave-1", URL, sleep=freezer.tick)
    again = import_plan(discovery, "wave-1", URL, sleep=freezer.tick)
    assert again["importTaskId"] == first["importTaskId"]
    assert len(mhub_fake.import_tasks()) == 1
    assert len(mhub_fake.discovered_resources()) == 2


def test_a_plan_with_a_bad_row_stops_before_anything_is_reported(
    mhub_fake: MigrationHubFake, freezer: Any, plan: list[Step]
) -> None:
    mhub_fake.add_import_file(URL, PLAN.replace(",8,32768,", ",eight,32768,"))
    with pytest.raises(PlanImportError) as raised:
        migrate_imported_plan(
            home_region_client(),
            home_region_discovery_client(),
            STREAM,
            ("wave-1", URL),
            "webshop",
            {"web01.corp.example.com": (plan, lambda: ARN), "db01.corp.example.com": (plan, lambda: ARN)},
            sleep=freezer.tick,
        )
    # The reason comes from the errors file of the import's errors-and-failed-entries zip.
    assert raised.value.errors == ["line 3: CPU.NumberOfCores: 'eight' is not a number"]
    assert str(raised.value) == (
        "the plan 'wave-1' did not import whole: IMPORT_COMPLETE_WITH_ERRORS, 1 row(s) failed\n"
        "  line 3: CPU.NumberOfCores: 'eight' is not a number"
    )
    assert mhub_fake.tasks() == []


def test_a_plan_the_import_cannot_read_stops_with_the_reason(mhub_fake: MigrationHubFake, freezer: Any) -> None:
    # No add_import_file: the fake, like ADS, cannot read the object.
    with pytest.raises(PlanImportError) as raised:
        import_plan(home_region_discovery_client(), "wave-1", URL, sleep=freezer.tick)
    assert raised.value.errors == [
        f"line 0: The import file {URL} could not be read; in a test, register its content first "
        f"with mhub_fake.add_import_file({URL!r}, content)"
    ]
    assert str(raised.value).startswith("the plan 'wave-1' did not import whole: IMPORT_FAILED, 0 row(s) failed")
