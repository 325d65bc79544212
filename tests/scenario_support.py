"""What the ADS scenario tests share: a seeded account with one record of every kind, the
questions asked of it, and the paths into a scenario's ``discovery``."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from export_support import AGENT, OTHER_AGENT, by_agent, models, unzip

from pytest_migrationhub import MigrationHubFake
from pytest_migrationhub._core import parts, restore, snapshot

S1, S2, S3 = "d-server-1", "d-server-2", "d-server-3"
APP = "d-application-1"
URL, BINARY, AGAIN = "s3://plans/servers.csv", "s3://plans/rvtools.bin", "s3://plans/again.csv"
#: a row that imports, a row with no identifying field, a row with a bad figure
CSV = (
    "ExternalId,HostName,IPAddress,CPU.NumberOfCores,RAM.TotalSizeInMB,Applications,ApplicationWave,Tags\n"
    "vm-1,app-1.example.com,10.0.1.1,4,2048,Billing,wave 2,team:blue\n"
    ",,,4,,,,\n"
    "vm-3,app-3.example.com,10.0.1.3,zero,,,,\n"
)
#: where the tests below find ADS in a scenario of the default account
ADS = ("accounts", "123456789012", "discovery")


def data_of(fake: MigrationHubFake) -> dict[str, Any]:
    return snapshot(fake._store)


def restored(data: Any, **options: Any) -> MigrationHubFake:
    """A fresh fake holding ``data``."""
    fresh = MigrationHubFake(**options)
    restore(fresh._store, data, parts(), fresh._pipeline.services)
    return fresh


def ads(data: dict[str, Any]) -> dict[str, Any]:
    held: dict[str, Any] = data
    for key in ADS:
        held = held[key]
    return held


@contextmanager
def answering(fake: MigrationHubFake, instead_of: MigrationHubFake) -> Iterator[MigrationHubFake]:
    """``fake`` answers every client (``instead_of``, the fixture's, again afterwards)."""
    instead_of.stop()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
        instead_of.start()


def modelled(discovery: Any, *operations: str) -> bool:
    return all(models(discovery, operation) for operation in operations)


def seed(fake: MigrationHubFake, discovery: Any) -> list[str]:
    """Every kind of ADS record, each task finished; the ids of the batch deletion tasks."""
    fake.discovery_task_seconds = 0
    fake.add_discovered_resource(S1, host_name="web-1", os_name="Ubuntu", os_version="22.04", ip_address="10.0.0.1")
    fake.add_discovered_resource(S2, host_name="db-1", server_type="EC2")
    fake.add_discovered_resource(S3, server_type="VMWARE_VM")
    fake.add_application(APP, name="Shop", description="the web shop", status="IN_PROGRESS")
    fake.add_application("app-by-its-id")
    if "wave" in discovery.meta.service_model.operation_model("UpdateApplication").input_shape.members:
        discovery.update_application(configurationId=APP, wave="wave 1")
    else:  # botocore 1.34 models no wave: an import's ApplicationWave sets it (below)
        discovery.update_application(configurationId=APP, description="the web shop")
    discovery.associate_configuration_items_to_application(applicationConfigurationId=APP, configurationIds=[S1, S2])
    discovery.associate_configuration_items_to_application(
        applicationConfigurationId="app-by-its-id", configurationIds=[S3]
    )
    tags = [{"key": "env", "value": "prod"}, {"key": "env", "value": "blue"}]
    discovery.create_tags(configurationIds=[S1, APP], tags=tags)
    fake.add_agent(AGENT, host_name="web-1", ip_address="10.0.0.1", mac_address="06:00:00:00:00:01", version="2.1")
    fake.add_agent(OTHER_AGENT, agent_type="CONNECTOR", health="SHUTDOWN", connector_id="c-1", collection_status="X")
    discovery.start_data_collection_by_agent_ids(agentIds=[AGENT])
    fake.add_connection(S1, S2, port=5432, transport_protocol="TCP", count=7)
    fake.add_connection(S2, S1)
    fake.add_import_file(URL, CSV)
    fake.add_import_file(AGAIN, CSV.replace("vm-", "again-"))
    fake.add_import_file(BINARY, b"\xff\xfe not text")
    for url in (URL, BINARY, AGAIN):
        discovery.start_import_task(name=url.rsplit("/", 1)[1], importUrl=url)
    again = discovery.describe_import_tasks(filters=[{"name": "NAME", "values": ["again.csv"]}])["tasks"]
    discovery.batch_delete_import_data(importTaskIds=[again[0]["importTaskId"]])
    discovery.describe_import_tasks()  # the deletion finishes
    discovery.start_export_task()
    discovery.start_export_task(filters=by_agent(AGENT))
    deletions = []
    if modelled(discovery, "StartBatchDeleteConfigurationTask", "DescribeBatchDeleteConfigurationTask"):
        started = discovery.start_batch_delete_configuration_task(
            configurationType="SERVER", configurationIds=[S3, "d-x"]
        )
        deletions.append(started["taskId"])
    discovery.start_continuous_export()
    return deletions


def answers(fake: MigrationHubFake, discovery: Any, deletions: list[str]) -> list[Any]:
    """What every ADS List, Describe and Get answers; each download URL replaced by the file it serves."""
    found = {
        kind: [
            c[f"{kind.lower()}.configurationId"]
            for c in discovery.list_configurations(configurationType=kind)["configurations"]
        ]
        for kind in ("SERVER", "APPLICATION")
    }
    calls: list[Callable[[], Any]] = [
        partial(discovery.list_configurations, configurationType="SERVER"),
        partial(discovery.list_configurations, configurationType="APPLICATION"),
        discovery.describe_tags,
        discovery.describe_agents,
        discovery.describe_import_tasks,
        discovery.describe_export_tasks,
        discovery.describe_continuous_exports,
        discovery.get_discovery_summary,
    ]
    calls += [partial(discovery.describe_configurations, configurationIds=ids) for ids in found.values() if ids]
    neighbors = partial(discovery.list_server_neighbors, portInformationNeeded=True)
    calls += [partial(neighbors, configurationId=server) for server in found["SERVER"]]
    calls += [partial(discovery.describe_batch_delete_configuration_task, taskId=task) for task in deletions]
    return [fetched(fake, {k: v for k, v in call().items() if k != "ResponseMetadata"}) for call in calls]


def fetched(fake: MigrationHubFake, value: Any) -> Any:
    """``value`` with each download URL in it replaced by the files of the zip it serves."""
    if isinstance(value, dict):
        return {key: fetched(fake, item) for key, item in value.items()}
    if isinstance(value, list):
        return [fetched(fake, item) for item in value]
    if isinstance(value, str) and "/mhub-api/downloads/" in value:
        content = fake.downloads.get(urllib.parse.urlsplit(value).path)
        assert content is not None, value
        return ("zip", content, unzip(content))
    return value
