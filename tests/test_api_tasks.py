"""The Migration Hub API around a task: what is associated with it, its resource attributes,
the applications, and seeding that refuses what the service would."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from support import ARN, SERVER, STREAM, TASK, ids, requires

from pytest_migrationhub import MigrationHubFakeError
from pytest_migrationhub._core import catalog, served


def test_every_modelled_migration_hub_operation_is_served() -> None:
    hub = {op.name for op in catalog().by_name.values() if op.service in ("mgh", "migrationhub-config")}
    assert hub <= set(served())


# --- associations -------------------------------------------------------------------


def test_created_artifacts(mhub_fake: Any, task: Any, mgh: Any) -> None:
    mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": ARN, "Description": "the new instance"}))
    mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": ARN + "-2"}))
    assert task.created_artifacts == [{"Name": ARN, "Description": "the new instance"}, {"Name": ARN + "-2"}]
    assert mgh.list_created_artifacts(**ids())["CreatedArtifactList"] == task.created_artifacts

    mgh.disassociate_created_artifact(**ids(CreatedArtifactName=ARN))
    assert [a["Name"] for a in task.created_artifacts] == [ARN + "-2"]
    with pytest.raises(mgh.exceptions.ResourceNotFoundException) as raised:
        mgh.disassociate_created_artifact(**ids(CreatedArtifactName=ARN))
    assert raised.value.response["Error"]["Message"] == (
        f"DisassociateCreatedArtifact: created artifact {ARN!r} is not associated with migration task {TASK!r}"
    )


@pytest.mark.mhub_fake(assert_all_requests_valid=False)
def test_a_created_artifact_is_an_arn(mhub_fake: Any, task: Any, mgh: Any) -> None:
    with pytest.raises(mgh.exceptions.InvalidInputException):
        mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": "i-0abc"}))
    assert task.created_artifacts == []


def test_discovered_resources_must_be_known_to_discovery(mhub_fake: Any, task: Any, mgh: Any) -> None:
    with pytest.raises(mgh.exceptions.ResourceNotFoundException) as raised:
        mgh.associate_discovered_resource(**ids(DiscoveredResource={"ConfigurationId": SERVER}))
    assert raised.value.response["Error"]["Message"] == (
        f"AssociateDiscoveredResource: Application Discovery Service has no configuration item "
        f"{SERVER!r}; in a test, add it first with mhub_fake.add_discovered_resource({SERVER!r})"
    )
    mhub_fake.add_discovered_resource(SERVER)
    mgh.associate_discovered_resource(**ids(DiscoveredResource={"ConfigurationId": SERVER, "Description": "web"}))
    assert task.discovered_resources == [{"ConfigurationId": SERVER, "Description": "web"}]
    assert mgh.list_discovered_resources(**ids())["DiscoveredResourceList"] == task.discovered_resources
    mgh.disassociate_discovered_resource(**ids(ConfigurationId=SERVER))
    assert task.discovered_resources == []


@requires("AssociateSourceResource")
def test_source_resources(mhub_fake: Any, task: Any, mgh: Any) -> None:
    source = {"Name": "vm-42", "Description": "on-premises web server", "StatusDetail": "Replicating"}
    mgh.associate_source_resource(**ids(SourceResource=source))
    # Associating the same name again replaces it.
    mgh.associate_source_resource(**ids(SourceResource={**source, "StatusDetail": "Replicated"}))
    assert task.source_resources == [{**source, "StatusDetail": "Replicated"}]
    assert mgh.list_source_resources(**ids())["SourceResourceList"] == task.source_resources
    mgh.disassociate_source_resource(**ids(SourceResourceName="vm-42"))
    assert mgh.list_source_resources(**ids())["SourceResourceList"] == []


def test_resource_attributes_replace_the_previous_ones(mhub_fake: Any, task: Any, mgh: Any) -> None:
    first = [{"Type": "IPV4_ADDRESS", "Value": "10.0.0.7"}, {"Type": "FQDN", "Value": "web.corp"}]
    mgh.put_resource_attributes(**ids(ResourceAttributeList=first))
    assert task.resource_attributes == first
    vm = [{"Type": "VM_MANAGER_ID", "Value": "vcenter-1"}, {"Type": "VM_NAME", "Value": "web01"}]
    mgh.put_resource_attributes(**ids(ResourceAttributeList=vm))
    assert task.resource_attributes == vm
    described = mgh.describe_migration_task(**ids())["MigrationTask"]
    assert described["ResourceAttributeList"] == vm


def test_vm_attributes_without_a_vm_manager_id_are_discarded(mhub_fake: Any, task: Any, mgh: Any) -> None:
    attributes = [
        {"Type": "VM_NAME", "Value": "web01"},
        {"Type": "VM_PATH", "Value": "/dc/web01"},
        {"Type": "BIOS_ID", "Value": "b-1"},
    ]
    mgh.put_resource_attributes(**ids(ResourceAttributeList=attributes))
    assert task.resource_attributes == [{"Type": "BIOS_ID", "Value": "b-1"}]


@pytest.mark.parametrize(
    ("kind", "value", "rule"),
    [
        ("IPV4_ADDRESS", "10.0.0.256", "x.x.x.x where x is an integer in the range [0,255]"),
        ("IPV4_ADDRESS", "not-an-ip", "x.x.x.x where x is an integer in the range [0,255]"),
        ("IPV6_ADDRESS", "fe80::1", "y:y:y:y:y:y:y:y where y is a hexadecimal number between 0 and FFFF"),
        ("MAC_ADDRESS", "zz", "^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$"),
        ("FQDN", "web?.corp", "1 to 256 characters, none of them <>{}\\/?,= or a control character"),
    ],
)
def test_attribute_values_follow_their_documented_format(
    mhub_fake: Any, task: Any, mgh: Any, kind: str, value: str, rule: str
) -> None:
    good = {"Type": "FQDN", "Value": "web.corp"}
    with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
        mgh.put_resource_attributes(**ids(ResourceAttributeList=[good, {"Type": kind, "Value": value}]))
    assert raised.value.response["Error"]["Message"] == (
        f"PutResourceAttributes: $.ResourceAttributeList[1].Value: {value!r} is not a valid {kind} ({rule})"
    )
    assert task.resource_attributes == []


def test_well_formed_attribute_values_are_accepted(mhub_fake: Any, task: Any, mgh: Any) -> None:
    attributes = [
        {"Type": "IPV4_ADDRESS", "Value": "192.168.0.255"},
        {"Type": "IPV6_ADDRESS", "Value": "fe80:0:0:0:0:0:0:1"},
        {"Type": "MAC_ADDRESS", "Value": "0a:1B:2c:3D:4e:5F"},
        {"Type": "MAC_ADDRESS", "Value": "0A-1B-2C-3D-4E-5F"},
        {"Type": "FQDN", "Value": "web01.corp.example.com"},
    ]
    mgh.put_resource_attributes(**ids(ResourceAttributeList=attributes))
    assert task.resource_attributes == attributes


@pytest.mark.mhub_fake(assert_all_requests_valid=False)
def test_at_most_100_resource_attributes(mhub_fake: Any, task: Any, mgh: Any) -> None:
    attributes = [{"Type": "FQDN", "Value": f"host{i}.corp"} for i in range(101)]
    with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
        mgh.put_resource_attributes(**ids(ResourceAttributeList=attributes))
    assert "$.ResourceAttributeList: " in raised.value.response["Error"]["Message"]
    assert "is too long" in raised.value.response["Error"]["Message"]
    mgh.put_resource_attributes(**ids(ResourceAttributeList=attributes[:100]))
    assert len(task.resource_attributes) == 100


def test_list_migration_tasks_filters_by_discovered_resource(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.add_discovered_resource(SERVER)
    for name in ("web", "db", "cache"):
        mhub_fake.add_task(STREAM, name)
    mhub_fake.add_task("DMS", "orders")
    mgh.associate_discovered_resource(
        ProgressUpdateStream=STREAM, MigrationTaskName="db", DiscoveredResource={"ConfigurationId": SERVER}
    )
    mgh.notify_migration_task_state(
        ProgressUpdateStream=STREAM,
        MigrationTaskName="db",
        Task={"Status": "IN_PROGRESS", "ProgressPercent": 30, "StatusDetail": "copying"},
        UpdateDateTime=datetime(2026, 1, 1, tzinfo=timezone.utc),
        NextUpdateSeconds=60,
    )
    every = mgh.list_migration_tasks()["MigrationTaskSummaryList"]
    assert [(t["ProgressUpdateStream"], t["MigrationTaskName"]) for t in every] == [
        (STREAM, "web"),
        (STREAM, "db"),
        (STREAM, "cache"),
        ("DMS", "orders"),
    ]
    [db] = mgh.list_migration_tasks(ResourceName=SERVER)["MigrationTaskSummaryList"]
    assert {k: v for k, v in db.items() if k != "UpdateDateTime"} == {
        "ProgressUpdateStream": STREAM,
        "MigrationTaskName": "db",
        "Status": "IN_PROGRESS",
        "ProgressPercent": 30,
        "StatusDetail": "copying",
    }
    assert db["UpdateDateTime"] == datetime(2026, 1, 1, tzinfo=timezone.utc)


# --- applications ---------------------------------------------------------------------


def test_application_states(mhub_fake: Any, mgh: Any) -> None:
    with pytest.raises(mgh.exceptions.ResourceNotFoundException) as raised:
        mgh.notify_application_state(ApplicationId="app-1", Status="IN_PROGRESS")
    assert raised.value.response["Error"]["Message"] == (
        "NotifyApplicationState: Application Discovery Service has no application 'app-1'; "
        "in a test, add it first with mhub_fake.add_application('app-1')"
    )
    mhub_fake.add_application("app-1")
    mhub_fake.add_application("app-2", status="NOT_STARTED")
    assert mgh.describe_application_state(ApplicationId="app-1").keys() == {"ResponseMetadata"}

    when = datetime(2026, 2, 1, 12, tzinfo=timezone.utc)
    mgh.notify_application_state(ApplicationId="app-1", Status="COMPLETED", UpdateDateTime=when)
    state = mgh.describe_application_state(ApplicationId="app-1")
    assert (state["ApplicationStatus"], state["LastUpdatedTime"]) == ("COMPLETED", when)
    assert mhub_fake.application("app-1").status == "COMPLETED"

    listed = mgh.list_application_states()["ApplicationStateList"]
    assert [(s["ApplicationId"], s["ApplicationStatus"]) for s in listed] == [
        ("app-1", "COMPLETED"),
        ("app-2", "NOT_STARTED"),
    ]
    only = mgh.list_application_states(ApplicationIds=["app-2"])["ApplicationStateList"]
    assert [s["ApplicationId"] for s in only] == ["app-2"]


def test_seeding_refuses_what_the_service_would(mhub_fake: Any) -> None:
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.add_application("app-1", status="DONE")
    assert str(raised.value) == (
        "add_application: 'DONE' is not a valid Status (one of NOT_STARTED, IN_PROGRESS, COMPLETED); "
        "pass a value the real service would accept."
    )
    with pytest.raises(MigrationHubFakeError, match="^No application 'nope'. Known applications: none."):
        mhub_fake.application("nope")
