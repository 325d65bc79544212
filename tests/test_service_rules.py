"""Service rules users rely on that only mutation testing showed no test checked.

Each test sends requests through botocore clients to the ``mhub_fake`` fixture and
pins one rule: writes refused while a stream is being deleted, and the stream gone
exactly when the window ends; the exact not-found messages of the Disassociate* calls;
the VM attributes the service drops; reads outside the home region; pagination tokens
across accounts and across a list that shrinks; the home region controls' filters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import ARN, DEFAULT_ACCOUNT, SERVER, STREAM, TASK, error_code, error_message, ids, notification

from pytest_migrationhub import MigrationHubFake

OTHER_ACCOUNT = "111122223333"
START = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)


def skip_unless_modelled(client: Any, method: str) -> None:
    if not hasattr(client, method):
        pytest.skip(f"this botocore has no {method}")


# --- a stream being deleted ---------------------------------------------------------

#: every write to a task, as (operation, boto3 method, its members besides the task's ids)
TASK_WRITES = [
    ("NotifyMigrationTaskState", "notify_migration_task_state", {}),
    ("PutResourceAttributes", "put_resource_attributes", {"ResourceAttributeList": [{"Type": "FQDN", "Value": "a.b"}]}),
    ("DisassociateCreatedArtifact", "disassociate_created_artifact", {"CreatedArtifactName": ARN}),
    ("DisassociateDiscoveredResource", "disassociate_discovered_resource", {"ConfigurationId": SERVER}),
    ("DisassociateSourceResource", "disassociate_source_resource", {"SourceResourceName": "vm-1"}),
]


@pytest.mark.parametrize(("operation", "method", "members"), TASK_WRITES, ids=[w[0] for w in TASK_WRITES])
def test_writes_to_a_task_are_refused_while_its_stream_is_being_deleted(
    mhub_fake: MigrationHubFake, mgh: Any, freezer: Any, operation: str, method: str, members: dict[str, Any]
) -> None:
    skip_unless_modelled(mgh, method)
    freezer.move_to(START)
    task = mhub_fake.add_task(STREAM, TASK)
    mhub_fake.add_discovered_resource(SERVER)
    # Everything a Disassociate* call could remove is there: only the deletion refuses it.
    mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": ARN}))
    mgh.associate_discovered_resource(**ids(DiscoveredResource={"ConfigurationId": SERVER}))
    if hasattr(mgh, "associate_source_resource"):
        mgh.associate_source_resource(**ids(SourceResource={"Name": "vm-1"}))
    before = (task.created_artifacts, task.discovered_resources, task.source_resources)
    if operation == "NotifyMigrationTaskState":
        members = notification(percent=10)
    mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM)
    freezer.tick(4)

    with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
        getattr(mgh, method)(**{**ids(), **members})
    assert error_message(raised) == (
        f"{operation}: progress update stream 'SMS' is being deleted; "
        "wait until the deletion has finished, then create it again"
    )
    assert (task.created_artifacts, task.discovered_resources, task.source_resources) == before
    assert task.resource_attributes == []
    assert mhub_fake.progress(STREAM, TASK) == []


@pytest.mark.parametrize("window", [5, pytest.param(2.5, marks=pytest.mark.mhub_fake(stream_deletion_seconds=2.5))])
def test_a_deleted_stream_is_gone_exactly_when_the_window_ends(
    mhub_fake: MigrationHubFake, mgh: Any, freezer: Any, window: float
) -> None:
    # 5 seconds unless stream_deletion_seconds says otherwise, on the fake's (frozen) clock.
    freezer.move_to(START)
    mhub_fake.add_task(STREAM, TASK)
    mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM)
    freezer.tick(window - 0.001)
    assert mhub_fake.streams == [STREAM]
    assert mgh.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == [
        {"ProgressUpdateStreamName": STREAM}
    ]
    freezer.tick(0.001)
    assert mgh.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == []
    assert mhub_fake.streams == []
    mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)


# --- what the Disassociate* calls say when there is nothing to remove ---------------------

NOT_ASSOCIATED = [
    (
        "disassociate_created_artifact",
        {"CreatedArtifactName": ARN},
        f"DisassociateCreatedArtifact: created artifact {ARN!r}",
    ),
    (
        "disassociate_discovered_resource",
        {"ConfigurationId": SERVER},
        f"DisassociateDiscoveredResource: discovered resource {SERVER!r}",
    ),
    (
        "disassociate_source_resource",
        {"SourceResourceName": "vm-1"},
        "DisassociateSourceResource: source resource 'vm-1'",
    ),
]


@pytest.mark.parametrize(("method", "members", "what"), NOT_ASSOCIATED, ids=[n[0] for n in NOT_ASSOCIATED])
def test_disassociating_what_is_not_associated_says_so(
    mhub_fake: MigrationHubFake, mgh: Any, method: str, members: dict[str, Any], what: str
) -> None:
    skip_unless_modelled(mgh, method)
    mhub_fake.add_task(STREAM, TASK)
    with pytest.raises(mgh.exceptions.ResourceNotFoundException) as raised:
        getattr(mgh, method)(**ids(**members))
    assert error_message(raised) == f"{what} is not associated with migration task 'sms-12de3cf1a'"


# --- resource attributes ---------------------------------------------------------------


@pytest.mark.parametrize("vm_type", ["VM_MANAGED_OBJECT_REFERENCE", "VM_NAME", "VM_PATH"])
def test_a_vm_attribute_without_a_vm_manager_id_is_dropped(mhub_fake: MigrationHubFake, mgh: Any, vm_type: str) -> None:
    task = mhub_fake.add_task(STREAM, TASK)
    ip = {"Type": "IPV4_ADDRESS", "Value": "10.0.0.1"}
    mgh.put_resource_attributes(**ids(ResourceAttributeList=[{"Type": vm_type, "Value": "vm-42"}, ip]))
    assert task.resource_attributes == [ip]
    assert mgh.describe_migration_task(**ids())["MigrationTask"]["ResourceAttributeList"] == [ip]
    # With the manager's id, the service keeps it.
    manager = {"Type": "VM_MANAGER_ID", "Value": "vcenter-1"}
    mgh.put_resource_attributes(**ids(ResourceAttributeList=[manager, {"Type": vm_type, "Value": "vm-42"}]))
    assert task.resource_attributes == [manager, {"Type": vm_type, "Value": "vm-42"}]


# --- the home region ---------------------------------------------------------------------


@pytest.mark.mhub_fake(home_region="eu-central-1")
def test_describe_calls_outside_the_home_region_are_answered(
    mhub_fake: MigrationHubFake, make_client: Callable[..., Any]
) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mhub_fake.add_application("app-1", status="IN_PROGRESS")
    elsewhere = make_client("mgh", region="us-west-2")
    described = elsewhere.describe_migration_task(**ids())["MigrationTask"]
    assert (described["ProgressUpdateStream"], described["MigrationTaskName"]) == (STREAM, TASK)
    assert elsewhere.describe_application_state(ApplicationId="app-1")["ApplicationStatus"] == "IN_PROGRESS"
    assert [(c.operation, c.region, c.error_code) for c in mhub_fake.calls] == [
        ("DescribeMigrationTask", "us-west-2", None),
        ("DescribeApplicationState", "us-west-2", None),
    ]


# --- pagination tokens -------------------------------------------------------------------


def test_a_token_from_one_account_is_refused_by_another(
    mhub_fake: MigrationHubFake, mgh: Any, botocore_session: Any
) -> None:
    for name in ("a", "b", "c"):
        mhub_fake.add_stream(name)
        mhub_fake.add_stream(name, account=OTHER_ACCOUNT)
    token = mgh.list_progress_update_streams(MaxResults=1)["NextToken"]
    # A 12-digit access key id is itself the account.
    other = botocore_session.create_client(
        "mgh", region_name="us-west-2", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="testing"
    )
    with pytest.raises(ClientError) as raised:
        other.list_progress_update_streams(MaxResults=1, NextToken=token)
    assert error_code(raised) == "InvalidInputException"
    assert error_message(raised) == (
        f"ListProgressUpdateStreams: NextToken {token!r} was not issued for this request; "
        "pass the NextToken of the previous page unchanged"
    )
    # The account it was issued to still takes it.
    page = mgh.list_progress_update_streams(MaxResults=1, NextToken=token)
    assert page["ProgressUpdateStreamSummaryList"] == [{"ProgressUpdateStreamName": "b"}]
    assert [c.account for c in mhub_fake.calls] == [DEFAULT_ACCOUNT, OTHER_ACCOUNT, DEFAULT_ACCOUNT]


@pytest.mark.mhub_fake(stream_deletion_seconds=0)
def test_a_list_that_shrinks_to_the_tokens_offset_ends_with_an_empty_page(
    mhub_fake: MigrationHubFake, mgh: Any
) -> None:
    for i in range(6):
        mhub_fake.add_stream(f"s{i}")
    first = mgh.list_progress_update_streams(MaxResults=3)
    assert [s["ProgressUpdateStreamName"] for s in first["ProgressUpdateStreamSummaryList"]] == ["s0", "s1", "s2"]
    for name in ("s3", "s4", "s5"):
        mgh.delete_progress_update_stream(ProgressUpdateStreamName=name)
    # Three streams are left: exactly as many as the token had seen, the last of them included.
    second = mgh.list_progress_update_streams(MaxResults=3, NextToken=first["NextToken"])
    assert second["ProgressUpdateStreamSummaryList"] == []
    assert "NextToken" not in second


# --- home region controls ----------------------------------------------------------------


def test_home_region_controls_are_filtered_by_control_id_and_by_target(
    mhub_fake: MigrationHubFake, config_client: Any
) -> None:
    (control,) = config_client.describe_home_region_controls()["HomeRegionControls"]
    assert control["Target"] == {"Type": "ACCOUNT", "Id": DEFAULT_ACCOUNT}

    def found(**filters: Any) -> list[str]:
        controls = config_client.describe_home_region_controls(**filters)["HomeRegionControls"]
        return [c["ControlId"] for c in controls]

    assert found(ControlId=control["ControlId"]) == [control["ControlId"]]
    assert found(ControlId="hrc-000000000000") == []
    assert found(Target={"Type": "ACCOUNT", "Id": DEFAULT_ACCOUNT}) == [control["ControlId"]]
    assert found(Target={"Type": "ACCOUNT", "Id": OTHER_ACCOUNT}) == []
    assert found(Target={"Type": "ACCOUNT"}) == [control["ControlId"]]
    assert found(ControlId=control["ControlId"], Target={"Type": "ACCOUNT", "Id": OTHER_ACCOUNT}) == []
    assert found(HomeRegion="us-west-2", ControlId=control["ControlId"]) == [control["ControlId"]]
    assert found(HomeRegion="eu-west-1") == []
