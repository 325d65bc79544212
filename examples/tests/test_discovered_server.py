"""The whole record of a discovered server's migration: linked, described, and its target.

Seed what Application Discovery Service knows with
``mhub_fake.add_discovered_resource``: Migration Hub refuses to link a task to a
ConfigurationId it has never heard of, and so does the fake.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from examples.migration_tool import (
    DiscoveredServer,
    MigrationFailed,
    NotDiscoveredError,
    ProgressReporter,
    Step,
    ec2_instance_arn,
    migrate_discovered_server,
    tasks_for_server,
)

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake

STREAM = "CloudMigrationFactory"
INSTANCE_ARN = ec2_instance_arn("us-west-2", "123456789012", "i-0abc1234def567890")

WEB01_ATTRIBUTES = [
    {"Type": "IPV4_ADDRESS", "Value": "10.0.1.15"},
    {"Type": "IPV4_ADDRESS", "Value": "192.168.7.15"},
    {"Type": "MAC_ADDRESS", "Value": "00:50:56:9a:4b:01"},
    {"Type": "FQDN", "Value": "web01.corp.example.com"},
    {"Type": "VM_MANAGER_ID", "Value": "4226dd34-5c8a-4f1d-8b0e-0c2f9d1a7b3e"},
    {"Type": "VM_NAME", "Value": "web01-prod"},
]


def launch() -> str:
    """Stands in for ``ec2.run_instances`` (or MGN's cut-over) of the target."""
    return INSTANCE_ARN


@pytest.fixture
def migrated(mhub_fake: MigrationHubFake, web01: DiscoveredServer, plan: list[Step]) -> ProgressReporter:
    """web01, known to Application Discovery Service, moved without a hitch."""
    mhub_fake.add_discovered_resource(web01.configuration_id)
    reporter = ProgressReporter.for_home_region(STREAM, web01.name)
    assert migrate_discovered_server(reporter, web01, plan, launch) == INSTANCE_ARN
    return reporter


def test_the_calls_of_a_discovered_servers_migration(mhub_fake: MigrationHubFake, migrated: ProgressReporter) -> None:
    assert [c.operation for c in mhub_fake.calls] == [
        "GetHomeRegion",
        "CreateProgressUpdateStream",
        "ImportMigrationTask",
        "AssociateDiscoveredResource",
        "PutResourceAttributes",
        *["NotifyMigrationTaskState"] * 5,  # three disks, the cut-over, the launch
        "AssociateCreatedArtifact",  # recorded before the task is reported done
        "NotifyMigrationTaskState",
    ]
    assert mhub_fake.progress(STREAM, "web01") == [0, 20, 40, 60, 80, 100]
    assert mhub_fake.task(STREAM, "web01").status == "COMPLETED"


def test_the_task_is_linked_to_the_discovered_server(
    mhub_fake: MigrationHubFake, migrated: ProgressReporter, web01: DiscoveredServer
) -> None:
    mhub_fake.add_task(STREAM, "db01")  # a task linked to no server

    assert mhub_fake.task(STREAM, "web01").discovered_resources == [
        {"ConfigurationId": "d-server-01kk9i6ywwaxmp", "Description": "web01.corp.example.com"}
    ]
    # ListMigrationTasks(ResourceName=...) finds the server's tasks, and only them.
    [summary] = tasks_for_server(migrated.mgh, web01.configuration_id)
    assert summary["ProgressUpdateStream"] == STREAM
    assert summary["MigrationTaskName"] == "web01"
    assert summary["Status"] == "COMPLETED"
    assert tasks_for_server(migrated.mgh, "d-server-0000000000000000") == []
    list_calls = [c for c in mhub_fake.calls if c.operation == "ListMigrationTasks"]
    assert list_calls[0].params == {"ResourceName": "d-server-01kk9i6ywwaxmp"}


def test_the_servers_attributes_are_stored(mhub_fake: MigrationHubFake, migrated: ProgressReporter) -> None:
    assert mhub_fake.task(STREAM, "web01").resource_attributes == WEB01_ATTRIBUTES

    described = migrated.mgh.describe_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName="web01")[
        "MigrationTask"
    ]
    assert described["ResourceAttributeList"] == WEB01_ATTRIBUTES
    assert described["Task"]["Status"] == "COMPLETED"


def test_the_launched_instance_is_recorded(mhub_fake: MigrationHubFake, migrated: ProgressReporter) -> None:
    assert INSTANCE_ARN == "arn:aws:ec2:us-west-2:123456789012:instance/i-0abc1234def567890"
    assert mhub_fake.task(STREAM, "web01").created_artifacts == [
        {"Name": INSTANCE_ARN, "Description": "Migrated from web01.corp.example.com"}
    ]
    assert migrated.created_artifacts() == [INSTANCE_ARN]  # ListCreatedArtifacts


def test_an_unknown_configuration_id_fails_the_task_with_a_clear_error(
    mhub_fake: MigrationHubFake, web01: DiscoveredServer, plan: list[Step]
) -> None:
    # Nothing seeded: Application Discovery Service has never seen web01.
    launched: list[str] = []

    def launch_and_note() -> str:
        launched.append(web01.name)
        return INSTANCE_ARN

    reporter = ProgressReporter.for_home_region(STREAM, web01.name)
    with pytest.raises(NotDiscoveredError) as raised:
        migrate_discovered_server(reporter, web01, plan, launch_and_note)

    message = str(raised.value)
    assert message.startswith("Application Discovery Service has no server 'd-server-01kk9i6ywwaxmp' (web01)")
    assert isinstance(raised.value.__cause__, ClientError)
    assert raised.value.__cause__.response["Error"]["Code"] == "ResourceNotFoundException"

    assert launched == []  # nothing was moved
    task = mhub_fake.task(STREAM, "web01")
    assert (task.status, task.progress_percent, task.status_detail) == ("FAILED", 0, message)
    assert task.discovered_resources == task.resource_attributes == task.created_artifacts == []
    [associate] = [c for c in mhub_fake.calls if c.operation == "AssociateDiscoveredResource"]
    assert associate.error_code == "ResourceNotFoundException"


def test_a_failed_launch_records_no_artifact(
    mhub_fake: MigrationHubFake, web01: DiscoveredServer, plan: list[Step]
) -> None:
    mhub_fake.add_discovered_resource(web01.configuration_id)

    def launch_without_capacity() -> str:
        raise RuntimeError("InsufficientInstanceCapacity: no m5.large in us-west-2a")

    reporter = ProgressReporter.for_home_region(STREAM, web01.name)
    with pytest.raises(MigrationFailed, match="Launching the target instance failed"):
        migrate_discovered_server(reporter, web01, plan, launch_without_capacity)

    task = mhub_fake.task(STREAM, "web01")
    assert (task.status, task.progress_percent) == ("FAILED", 80)
    assert task.created_artifacts == []
    assert task.discovered_resources != []  # linked all the same


def test_vm_attributes_are_only_sent_with_the_vm_managers_id(db01: DiscoveredServer) -> None:
    # Migration Hub discards VM_* attributes that come without VM_MANAGER_ID.
    server = DiscoveredServer("d-server-0c1", "app01", vm_name="app01-prod")
    assert server.resource_attributes() == []
    assert db01.resource_attributes() == [
        {"Type": "IPV4_ADDRESS", "Value": "10.0.2.20"},
        {"Type": "FQDN", "Value": "db01.corp.example.com"},
    ]
