"""The whole Migration Hub API: associations, attributes, applications, listing,
stream deletion, accounts, and responses that conform to the model."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Dict, List

import botocore.session
import pytest

from pytest_migrationhub import MigrationHubFakeError
from pytest_migrationhub._model import catalog
from pytest_migrationhub._operations import HANDLERS
from pytest_migrationhub._schema import explainer, shape_schema

STREAM, TASK = "SMS", "sms-12de3cf1a"
SERVER = "d-server-01a2b3c4d5e6f7"
ARN = "arn:aws:ec2:us-west-2:123456789012:instance/i-0abc1234def567890"


def requires(operation: str) -> pytest.MarkDecorator:
    """Skip where the installed botocore is too old to model ``operation``."""
    return pytest.mark.skipif(operation not in catalog().by_name, reason=f"this botocore has no {operation}")


@pytest.fixture
def task(mhub_fake: Any) -> Any:
    return mhub_fake.add_task(STREAM, TASK)


def ids(**kwargs: Any) -> Dict[str, Any]:
    return {"ProgressUpdateStream": STREAM, "MigrationTaskName": TASK, **kwargs}


def test_every_modelled_operation_is_served() -> None:
    assert set(catalog().by_name) <= set(HANDLERS)


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
        f"DisassociateCreatedArtifact: created artifact {ARN!r} is not associated with migration task "
        f"{TASK!r}"
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
        (STREAM, "web"), (STREAM, "db"), (STREAM, "cache"), ("DMS", "orders"),
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
        ("app-1", "COMPLETED"), ("app-2", "NOT_STARTED"),
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


# --- pagination -------------------------------------------------------------------------

LISTS = {
    "list_created_artifacts": ("CreatedArtifactList", 10),
    "list_discovered_resources": ("DiscoveredResourceList", 10),
    "list_source_resources": ("SourceResourceList", 10),
    "list_migration_tasks": ("MigrationTaskSummaryList", 100),
    "list_migration_task_updates": ("MigrationTaskUpdateList", 100),
    "list_progress_update_streams": ("ProgressUpdateStreamSummaryList", 100),
    "list_application_states": ("ApplicationStateList", 100),
}


def populate(fake: Any, mgh: Any, count: int) -> None:
    fake.add_task(STREAM, TASK)
    for i in range(count):
        fake.add_task(f"S{i:03}", f"t{i}")
        fake.add_discovered_resource(f"d-{i}")
        fake.add_application(f"app-{i:03}", status="IN_PROGRESS")
        mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": f"{ARN}{i}"}))
        mgh.associate_discovered_resource(**ids(DiscoveredResource={"ConfigurationId": f"d-{i}"}))
        if hasattr(mgh, "associate_source_resource"):
            mgh.associate_source_resource(**ids(SourceResource={"Name": f"vm-{i}"}))
        mgh.notify_migration_task_state(
            **ids(Task={"Status": "IN_PROGRESS", "ProgressPercent": i % 101}),
            UpdateDateTime=datetime(2026, 1, 1, tzinfo=timezone.utc),
            NextUpdateSeconds=60,
        )


@pytest.mark.parametrize("method", sorted(LISTS))
def test_paginators_return_every_item_exactly_once(mhub_fake: Any, mgh: Any, method: str) -> None:
    if not hasattr(mgh, method):
        pytest.skip(f"this botocore has no {method}")
    populate(mhub_fake, mgh, 23)
    key, top = LISTS[method]
    kwargs = ids() if method in ("list_created_artifacts", "list_discovered_resources", "list_source_resources", "list_migration_task_updates") else {}
    everything = getattr(mgh, method)(**kwargs, MaxResults=top)
    pages = list(mgh.get_paginator(method).paginate(**kwargs, PaginationConfig={"PageSize": 4}))
    items = [item for page in pages for item in page[key]]
    assert len(pages) > 1
    assert all(len(page[key]) <= 4 for page in pages)
    # Every item exactly once, in the same order as far as one page reaches.
    assert items[: len(everything[key])] == everything[key]
    assert len(items) == len({json.dumps(i, sort_keys=True, default=str) for i in items})


@pytest.mark.mhub_fake(stream_deletion_seconds=0)
def test_a_token_stays_valid_when_the_list_changes_between_pages(mhub_fake: Any, mgh: Any) -> None:
    for i in range(10):
        mhub_fake.add_stream(f"s{i}")
    first = mgh.list_progress_update_streams(MaxResults=4)
    # Items before and after the cut change; the next page starts after the last one seen.
    mgh.delete_progress_update_stream(ProgressUpdateStreamName="s1")
    mgh.create_progress_update_stream(ProgressUpdateStreamName="s10")
    second = mgh.list_progress_update_streams(MaxResults=4, NextToken=first["NextToken"])
    assert [s["ProgressUpdateStreamName"] for s in second["ProgressUpdateStreamSummaryList"]] == [
        "s4", "s5", "s6", "s7",
    ]
    # Even the item the token followed may go: the next page carries on from the same place.
    mgh.delete_progress_update_stream(ProgressUpdateStreamName="s7")
    third = mgh.list_progress_update_streams(MaxResults=4, NextToken=second["NextToken"])
    assert [s["ProgressUpdateStreamName"] for s in third["ProgressUpdateStreamSummaryList"]] == ["s9", "s10"]
    assert "NextToken" not in third
    for name in ["s0", "s2", "s3", "s4", "s5", "s6", "s8", "s9"]:
        mgh.delete_progress_update_stream(ProgressUpdateStreamName=name)
    # A token the fake issued is never refused, however much the list shrank.
    last = mgh.list_progress_update_streams(NextToken=second["NextToken"])["ProgressUpdateStreamSummaryList"]
    assert last in ([], [{"ProgressUpdateStreamName": "s10"}])


@pytest.mark.mhub_fake(assert_all_requests_valid=False)
@pytest.mark.parametrize(
    "method",
    ["list_created_artifacts", "list_discovered_resources", pytest.param("list_source_resources", marks=requires("ListSourceResources"))],
)
def test_association_lists_take_at_most_10_per_page(mhub_fake: Any, task: Any, mgh: Any, method: str) -> None:
    with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
        getattr(mgh, method)(**ids(), MaxResults=11)
    assert raised.value.response["Error"]["Message"].endswith("$.MaxResults: 11 is greater than the maximum of 10")


@pytest.mark.parametrize("method", sorted(LISTS))
def test_a_forged_token_is_refused_by_every_list(mhub_fake: Any, task: Any, mgh: Any, method: str) -> None:
    if not hasattr(mgh, method):
        pytest.skip(f"this botocore has no {method}")
    kwargs = ids() if method in ("list_created_artifacts", "list_discovered_resources", "list_source_resources", "list_migration_task_updates") else {}
    with pytest.raises(mgh.exceptions.InvalidInputException):
        getattr(mgh, method)(**kwargs, NextToken="Zm9yZ2Vk")


# --- asynchronous stream deletion ---------------------------------------------------------


def test_deletion_is_asynchronous_on_the_fakes_clock(mhub_fake: Any, mgh: Any, freezer: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM)

    # Still listed, still readable, refusing writes, for as long as the clock stands.
    freezer.tick(4)
    assert mgh.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == [
        {"ProgressUpdateStreamName": STREAM}
    ]
    mgh.describe_migration_task(**ids())
    for write in (
        lambda: mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM),
        lambda: mgh.import_migration_task(**ids()),
        lambda: mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": ARN})),
        lambda: mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM),
    ):
        with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
            write()
        assert raised.value.response["Error"]["Message"].endswith(
            "progress update stream 'SMS' is being deleted; wait until the deletion has finished, "
            "then create it again"
        )

    freezer.tick(1.5)
    assert mgh.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == []
    with pytest.raises(mgh.exceptions.ResourceNotFoundException):
        mgh.describe_migration_task(**ids())
    mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    assert mhub_fake.tasks(STREAM) == []


@pytest.mark.mhub_fake(stream_deletion_seconds=0)
def test_deletion_window_is_configurable(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM)
    assert mhub_fake.streams == []


def test_deleting_an_unknown_stream(mhub_fake: Any, mgh: Any) -> None:
    with pytest.raises(mgh.exceptions.ResourceNotFoundException):
        mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM)


# --- accounts -------------------------------------------------------------------------------


def client_for(session: Any, key: str, region: str = "us-west-2") -> Any:
    return session.create_client("mgh", region_name=region, aws_access_key_id=key, aws_secret_access_key="x")


def test_accounts_never_see_each_other(mhub_fake: Any, botocore_session: Any) -> None:
    first = client_for(botocore_session, "111122223333")
    second = client_for(botocore_session, "444455556666")
    first.create_progress_update_stream(ProgressUpdateStreamName="A")
    second.create_progress_update_stream(ProgressUpdateStreamName="B")
    assert [s["ProgressUpdateStreamName"] for s in first.list_progress_update_streams()["ProgressUpdateStreamSummaryList"]] == ["A"]
    assert mhub_fake.account("444455556666").streams == ["B"]
    assert mhub_fake.streams == []  # the default account saw nothing
    with pytest.raises(second.exceptions.ResourceNotFoundException):
        second.import_migration_task(ProgressUpdateStream="A", MigrationTaskName=TASK)
    assert [c.account for c in mhub_fake.calls] == ["111122223333", "444455556666", "111122223333", "444455556666"]


def test_keys_map_to_accounts(mhub_fake: Any, botocore_session: Any) -> None:
    mhub_fake.add_account("777788889999", access_key_id="AKIAEXAMPLE")
    client_for(botocore_session, "AKIAEXAMPLE").create_progress_update_stream(ProgressUpdateStreamName="A")
    client_for(botocore_session, "AKIAOTHER").create_progress_update_stream(ProgressUpdateStreamName="D")
    assert mhub_fake.account("777788889999").streams == ["A"]
    assert mhub_fake.streams == ["D"]
    assert mhub_fake.accounts == ["123456789012", "777788889999"]


def test_home_region_is_per_account(mhub_fake: Any, botocore_session: Any) -> None:
    mhub_fake.account("111122223333").home_region = "eu-west-1"
    west = client_for(botocore_session, "111122223333")
    with pytest.raises(west.exceptions.InvalidInputException):
        west.create_progress_update_stream(ProgressUpdateStreamName="A")
    config = botocore_session.create_client(
        "migrationhub-config", region_name="us-west-2", aws_access_key_id="111122223333", aws_secret_access_key="x"
    )
    assert config.get_home_region()["HomeRegion"] == "eu-west-1"
    assert mhub_fake.home_region == "us-west-2"
    mhub_fake.account("111122223333").home_region = None
    with pytest.raises(west.exceptions.HomeRegionNotSetException):
        west.list_progress_update_streams()


def test_an_account_id_is_twelve_digits(mhub_fake: Any) -> None:
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.tasks(account="1234")
    assert str(raised.value) == "An AWS account ID is 12 digits, such as '123456789012'; got '1234'."


def test_reset_forgets_everything(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mhub_fake.home_region = "eu-west-1"
    mhub_fake.fail("ImportMigrationTask", "InternalServerError")
    mhub_fake.deny("ListProgressUpdateStreams")
    mhub_fake.reset()
    assert (mhub_fake.streams, mhub_fake.calls, mhub_fake.home_region) == ([], [], "us-west-2")
    assert mgh.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == []


# --- responses conform to the model -------------------------------------------------------------


def _output_shapes() -> Dict[str, Any]:
    session = botocore.session.get_session()
    shapes = {}
    for service in ("mgh", "migrationhub-config"):
        model = session.get_service_model(service)
        for name in model.operation_names:
            shapes[name] = model.operation_model(name).output_shape
    return shapes


def _output_validators() -> Dict[str, Any]:
    return {
        name: explainer(shape_schema(output) if output is not None else {"type": "object", "additionalProperties": False})
        for name, output in _output_shapes().items()
    }


def empty_optionals(shape: Any, value: Any, path: str = "$") -> List[str]:
    """Where an optional member is present but empty (``None``, ``[]``, ``{}``).

    AWS leaves out a member the resource does not have. The one exception is
    the page of a paged listing (a top-level list beside ``NextToken``): an
    empty listing is ``[]``.
    """
    found: List[str] = []
    if shape is None:
        return found
    if shape.type_name == "structure" and isinstance(value, dict):
        paged = path == "$" and "NextToken" in shape.members
        for name, member in shape.members.items():
            if name not in value:
                continue
            item = value[name]
            is_page = paged and member.type_name == "list"
            if name not in shape.required_members and not is_page and item in (None, [], {}):
                found.append(f"{path}.{name}: {item!r}")
            found += empty_optionals(member, item, f"{path}.{name}")
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            found += empty_optionals(shape.member, item, f"{path}[{index}]")
    elif shape.type_name == "map" and isinstance(value, dict):
        for key, item in value.items():
            found += empty_optionals(shape.value, item, f"{path}.{key}")
    return found


@pytest.mark.mhub_fake(stream_deletion_seconds=0)
def test_every_response_body_conforms_to_the_model(mhub_fake: Any, make_client: Any) -> None:
    seen: List[str] = []
    validators, shapes = _output_validators(), _output_shapes()
    original = mhub_fake.handle

    def checked(target: str, body: Any, headers: Any) -> Any:
        status, response_headers, payload = original(target, body, headers)
        if status == 200:
            name = target.split(".", 1)[1]
            errors = [e.message for e in validators[name].iter_errors(json.loads(payload))]
            assert errors == [], (name, payload)
            # An optional member the resource does not have is left out, never empty.
            assert empty_optionals(shapes[name], json.loads(payload)) == [], (name, payload)
            seen.append(name)
        return status, response_headers, payload

    mhub_fake.handle = checked
    mgh, config = make_client("mgh"), make_client("migrationhub-config")
    config.describe_home_region_controls()
    config.get_home_region()
    config.delete_home_region_control(ControlId=config.describe_home_region_controls()["HomeRegionControls"][0]["ControlId"])
    config.get_home_region()  # with none set: {}
    config.create_home_region_control(HomeRegion="us-west-2", Target={"Type": "ACCOUNT"})
    mhub_fake.add_discovered_resource(SERVER)
    mhub_fake.add_application("app-1")
    mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    mgh.import_migration_task(**ids())
    mgh.describe_migration_task(**ids())  # optional members left out
    mgh.list_created_artifacts(**ids())  # an empty listing is []
    mgh.list_migration_tasks()
    mgh.notify_migration_task_state(
        **ids(Task={"Status": "IN_PROGRESS"}), UpdateDateTime=datetime(2026, 1, 1), NextUpdateSeconds=1
    )
    mgh.notify_migration_task_state(
        **ids(Task={"Status": "COMPLETED", "ProgressPercent": 100, "StatusDetail": "done"}),
        UpdateDateTime=datetime(2026, 1, 1),
        NextUpdateSeconds=1,
    )
    mgh.describe_migration_task(**ids())
    mgh.list_migration_tasks(ResourceName=SERVER)
    mgh.list_migration_tasks(MaxResults=1)
    if hasattr(mgh, "list_migration_task_updates"):
        mgh.list_migration_task_updates(**ids(), MaxResults=1)
    mgh.list_progress_update_streams()
    mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": ARN}))
    mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": ARN + "2", "Description": "d"}))
    mgh.list_created_artifacts(**ids(), MaxResults=1)
    mgh.disassociate_created_artifact(**ids(CreatedArtifactName=ARN))
    mgh.associate_discovered_resource(**ids(DiscoveredResource={"ConfigurationId": SERVER}))
    mgh.list_discovered_resources(**ids())
    mgh.disassociate_discovered_resource(**ids(ConfigurationId=SERVER))
    if hasattr(mgh, "associate_source_resource"):
        mgh.associate_source_resource(**ids(SourceResource={"Name": "vm", "StatusDetail": "ok"}))
        mgh.list_source_resources(**ids())
        mgh.disassociate_source_resource(**ids(SourceResourceName="vm"))
    # VM attributes without VM_MANAGER_ID are discarded: the task has none left.
    mgh.put_resource_attributes(**ids(ResourceAttributeList=[{"Type": "VM_NAME", "Value": "web01"}]))
    mgh.describe_migration_task(**ids())
    mgh.put_resource_attributes(**ids(ResourceAttributeList=[{"Type": "FQDN", "Value": "a.b"}]))
    mgh.describe_migration_task(**ids())
    mgh.describe_application_state(ApplicationId="app-1")
    mgh.notify_application_state(ApplicationId="app-1", Status="IN_PROGRESS")
    mgh.notify_application_state(ApplicationId="app-1", Status="COMPLETED", UpdateDateTime=datetime(2026, 1, 1))
    mgh.describe_application_state(ApplicationId="app-1")
    mgh.list_application_states()
    mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM)

    assert set(seen) == set(catalog().by_name)
