"""Every response body the fake sends conforms to the service model."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import botocore.session
import pytest
from support import ARN, SERVER, STREAM, ids

from pytest_migrationhub import strategies
from pytest_migrationhub._core import explainer, shape_schema

# --- responses conform to the model -------------------------------------------------------------


def _output_shapes() -> dict[str, Any]:
    session = botocore.session.get_session()
    shapes = {}
    for service in ("mgh", "migrationhub-config", "discovery"):
        model = session.get_service_model(service)
        for name in model.operation_names:
            shapes[name] = model.operation_model(name).output_shape
    return shapes


def _output_validators() -> dict[str, Any]:
    return {
        name: explainer(
            shape_schema(output) if output is not None else {"type": "object", "additionalProperties": False}
        )
        for name, output in _output_shapes().items()
    }


def empty_optionals(shape: Any, value: Any, path: str = "$") -> list[str]:
    """Where an optional member is present but empty (``None``, ``[]``, ``{}``).

    AWS leaves out a member the resource does not have. The one exception is
    the page of a paged listing (a top-level list beside ``NextToken``): an
    empty listing is ``[]``.
    """
    found: list[str] = []
    if shape is None:
        return found
    if shape.type_name == "structure" and isinstance(value, dict):
        paged = path == "$" and bool({"NextToken", "nextToken"} & set(shape.members))
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


@pytest.mark.mhub_fake(stream_deletion_seconds=0, discovery_task_seconds=0)
def test_every_response_body_conforms_to_the_model(mhub_fake: Any, make_client: Any) -> None:
    seen: list[str] = []
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
    config.delete_home_region_control(
        ControlId=config.describe_home_region_controls()["HomeRegionControls"][0]["ControlId"]
    )
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
    exercise_discovery(make_client("discovery"))
    exercise_discovery_tasks(mhub_fake, make_client("discovery"))

    assert set(seen) == set(strategies.operations())


def exercise_discovery(discovery: Any) -> None:
    """Every served Application Discovery Service operation, answering with what it can hold."""
    app = discovery.create_application(name="Shop", description="the shop")["configurationId"]
    discovery.update_application(configurationId=app, description="")
    discovery.associate_configuration_items_to_application(applicationConfigurationId=app, configurationIds=[SERVER])
    discovery.create_tags(configurationIds=[SERVER, app], tags=[{"key": "k", "value": "v"}])
    discovery.describe_configurations(configurationIds=[SERVER])
    discovery.describe_configurations(configurationIds=[app])
    discovery.list_configurations(configurationType="SERVER", maxResults=1)
    discovery.list_configurations(configurationType="APPLICATION")
    discovery.list_configurations(configurationType="CONNECTION")  # an empty listing is []
    discovery.describe_tags(maxResults=1)
    discovery.get_discovery_summary()
    discovery.disassociate_configuration_items_from_application(
        applicationConfigurationId=app, configurationIds=[SERVER]
    )
    discovery.delete_tags(configurationIds=[SERVER])
    discovery.delete_applications(configurationIds=[app])


IMPORT_FILE = (
    "ExternalId,HostName,IPAddress,MACAddress,OS.Name,CPU.NumberOfCores,RAM.TotalSizeInMB,Applications,Tags\n"
    'web-1,web-1.example.com,"10.0.0.1, 10.0.0.2",00:1B:44:11:3A:B7,Linux,4,8192,Shop,"zone:1, critical:yes"\n'
    "bad-1,,,,,four,,,\n"
)


def exercise_discovery_tasks(mhub_fake: Any, discovery: Any) -> None:
    """Agents, neighbours, imports, exports, deletions and continuous exports, with what they can hold."""
    model = discovery.meta.service_model
    mhub_fake.add_agent("o-0123456789abcdef0", host_name="web-1", ip_address="10.0.0.1", mac_address="00:1B")
    mhub_fake.add_agent("o-0123456789abcdef1")  # no network information: the member is left out
    discovery.describe_agents()
    discovery.describe_agents(agentIds=["o-0123456789abcdef0"], maxResults=1)
    discovery.start_data_collection_by_agent_ids(agentIds=["o-0123456789abcdef0", "o-unknown-agent"])
    discovery.stop_data_collection_by_agent_ids(agentIds=["o-0123456789abcdef0"])
    discovery.batch_delete_agents(deleteAgents=[{"agentId": "o-0123456789abcdef0"}])  # in use: an error
    discovery.batch_delete_agents(deleteAgents=[{"agentId": "o-0123456789abcdef1", "force": True}])  # none
    mhub_fake.add_discovered_resource("d-server-0a", host_name="a")
    mhub_fake.add_connection(SERVER, "d-server-0a", port=443, transport_protocol="TCP", count=2)
    discovery.list_server_neighbors(configurationId=SERVER)
    discovery.list_server_neighbors(configurationId=SERVER, portInformationNeeded=True, maxResults=1)
    mhub_fake.add_import_file("s3://bucket/servers.csv", IMPORT_FILE)
    task = discovery.start_import_task(name="servers", importUrl="s3://bucket/servers.csv")["task"]
    discovery.describe_import_tasks()
    discovery.describe_import_tasks(filters=[{"name": "NAME", "values": ["servers"]}], maxResults=1)
    discovery.batch_delete_import_data(importTaskIds=[task["importTaskId"]])
    discovery.batch_delete_import_data(importTaskIds=["import-task-" + "0" * 32])  # an error
    discovery.describe_import_tasks()
    export = discovery.start_export_task()["exportId"]
    discovery.describe_export_tasks(exportIds=[export])
    discovery.describe_export_tasks()
    discovery.start_export_task(
        filters=[{"name": "agentIds", "values": ["o-0123456789abcdef0"], "condition": "EQUALS"}]
    )
    if "preferences" in model.operation_model("StartExportTask").input_shape.members:
        discovery.start_export_task(preferences={"ec2RecommendationsPreferences": {"enabled": True}})
    configurations = discovery.export_configurations()["exportId"]
    discovery.describe_export_configurations(exportIds=[configurations])
    discovery.describe_export_tasks(maxResults=1)
    if "StartBatchDeleteConfigurationTask" in model.operation_names:
        deletion = discovery.start_batch_delete_configuration_task(
            configurationType="SERVER", configurationIds=["d-server-0a", "d-server-0unknown"]
        )["taskId"]
        discovery.describe_batch_delete_configuration_task(taskId=deletion)
    started = discovery.start_continuous_export()
    discovery.describe_continuous_exports()
    discovery.stop_continuous_export(exportId=started["exportId"])
    discovery.describe_continuous_exports(exportIds=[started["exportId"]], maxResults=1)
