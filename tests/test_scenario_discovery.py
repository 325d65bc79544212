"""Scenarios of Application Discovery Service: everything ADS keeps for an account, as a scenario's
``discovery``, and back.

The fake's public ``snapshot()`` and ``restore()`` come with the facade; these tests drive the core's
``snapshot``/``restore`` directly, with a fake's store and services (``fake._store``,
``fake._pipeline.services``). What a load refuses is in ``test_scenario_refusals.py``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from export_support import AGENT, OTHER_AGENT, START, by_agent
from scenario_support import (
    AGAIN,
    APP,
    BINARY,
    CSV,
    S1,
    S2,
    S3,
    URL,
    ads,
    answering,
    answers,
    data_of,
    modelled,
    restored,
    seed,
)

from pytest_migrationhub import MigrationHubFake
from pytest_migrationhub._core import parts
from pytest_migrationhub._discovery import Inventory

# --- every record, through JSON into a fresh fake ---------------------------------------------------------


def test_every_kind_of_record_goes_through_json_into_a_fresh_fake_that_answers_the_same(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    deletions = seed(mhub_fake, discovery)
    before = answers(mhub_fake, discovery, deletions)
    data = data_of(mhub_fake)
    text = json.dumps(data)
    fresh = restored(json.loads(text))
    try:
        assert data_of(fresh) == data
        with answering(fresh, mhub_fake):
            assert answers(fresh, discovery, deletions) == before
    finally:
        fresh.downloads.close()
    held = ads(data)
    assert list(held) == [
        "servers",
        "applications",
        "agents",
        "connections",
        "import_files",
        "import_tasks",
        "export_tasks",
        *(["deletions"] if deletions else []),
        "continuous_exports",
        "deleted_records",
    ]
    assert "/mhub-api/downloads/" not in text  # a URL is not state: the zips are handed out again


def test_what_a_scenario_holds_of_each_record(mhub_fake: MigrationHubFake, discovery: Any, freezer: Any) -> None:
    freezer.move_to(START)
    seed(mhub_fake, discovery)
    held = ads(data_of(mhub_fake))
    at = START.timestamp()
    assert held["servers"][0] == {
        "configuration_id": S1,
        "host_name": "web-1",
        "os_name": "Ubuntu",
        "os_version": "22.04",
        "ip_address": "10.0.0.1",
        "server_type": "OTHER",
        "time_of_creation": at,
        "tags": [
            {"key": "env", "value": "prod", "time_of_creation": at},
            {"key": "env", "value": "blue", "time_of_creation": at},
        ],
    }
    assert held["applications"][1] == {
        "application_id": "app-by-its-id",  # called by its id: no name
        "time_of_creation": at,
        "last_modified_time": at,
        **({} if "deletions" in held else {"items": [S3]}),  # a batch deletion took S3
    }
    assert held["agents"][1] == {
        "agent_id": OTHER_AGENT,
        "agent_type": "CONNECTOR",
        "connector_id": "c-1",
        "health": "SHUTDOWN",
        "collection_status": "X",
        "registered_time": at,
        "last_health_ping_time": at,
    }
    assert held["connections"] == [
        {"source": S1, "destination": S2, "port": 5432, "transport_protocol": "TCP", "count": 7},
        {"source": S2, "destination": S1, "count": 1},
    ]
    assert held["import_files"][0] == {"url": URL, "text": CSV}
    assert held["import_files"][2] == {"url": BINARY, "base64": "//4gbm90IHRleHQ="}
    first = held["import_tasks"][0]
    assert (first["status"], first["records"], first["server_import_failure"]) == ("IMPORT_COMPLETE_WITH_ERRORS", 1, 2)
    assert "errors_zip" in first and "errors_url" not in first
    assert held["import_tasks"][2]["status"] == "DELETE_COMPLETE"
    assert held["deleted_records"] == {START.date().isoformat(): 1}
    summary = held["export_tasks"][0]
    assert (summary["kind"], summary["status"], "url" in summary) == ("summary", "SUCCEEDED", False)
    assert held["continuous_exports"][0]["status"] == "ACTIVE"


def test_an_account_without_ads_records_holds_no_discovery(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    discovery.list_configurations(configurationType="SERVER")  # ADS looked at: its inventory is made, empty
    assert "discovery" not in data_of(mhub_fake)["accounts"]["123456789012"]
    assert Inventory().dump() == {}


# --- tasks in progress --------------------------------------------------------------------------------------


@pytest.mark.mhub_fake(discovery_task_seconds=10)
def test_tasks_in_progress_finish_after_a_restore_as_they_would_have(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    mhub_fake.add_discovered_resource(S1, host_name="web-1")
    mhub_fake.add_discovered_resource(S2, host_name="db-1")
    mhub_fake.add_agent(AGENT, host_name="web-1")
    # Rows that update servers there are: what finishes after the restore creates nothing with a new id.
    for url in (URL, AGAIN, BINARY):
        mhub_fake.add_import_file(url, "HostName,CPU.NumberOfCores,Tags\nweb-1,8,a:b\ndb-1,x,\n")
    done = discovery.start_import_task(name="done", importUrl=URL)["task"]["importTaskId"]
    discovery.start_continuous_export()
    freezer.tick(10)  # both finish
    discovery.batch_delete_import_data(importTaskIds=[done])  # DELETE_IN_PROGRESS, due in 10 s
    discovery.start_import_task(name="running", importUrl=AGAIN)
    deleted_while_running = discovery.start_import_task(name="deleted", importUrl=BINARY)["task"]["importTaskId"]
    discovery.batch_delete_import_data(importTaskIds=[deleted_while_running])  # runs, then is taken back
    discovery.start_export_task()
    discovery.start_export_task(filters=by_agent(AGENT))
    discovery.batch_delete_agents(deleteAgents=[{"agentId": AGENT, "force": True}])  # its export goes on
    deletions = []
    if modelled(discovery, "StartBatchDeleteConfigurationTask", "DescribeBatchDeleteConfigurationTask"):
        started = discovery.start_batch_delete_configuration_task(configurationType="SERVER", configurationIds=[S2])
        deletions.append(started["taskId"])
    [continuous] = discovery.describe_continuous_exports()["descriptions"]
    discovery.stop_continuous_export(exportId=continuous["exportId"])
    freezer.tick(5)
    data = json.loads(json.dumps(data_of(mhub_fake)))
    fresh = restored(data, discovery_task_seconds=10)
    try:
        assert data_of(fresh) == data
        for step in (0, 4.999, 0.001, 10):  # before, just before and when the first are due; all done
            freezer.tick(step)
            original = answers(mhub_fake, discovery, deletions)
            with answering(fresh, mhub_fake):
                assert answers(fresh, discovery, deletions) == original
        assert data_of(fresh) == data_of(mhub_fake)
    finally:
        fresh.downloads.close()
    statuses = [t["status"] for t in discovery.describe_import_tasks()["tasks"]]
    assert statuses == ["DELETE_COMPLETE", "IMPORT_COMPLETE_WITH_ERRORS", "DELETE_COMPLETE"]
    assert [e["exportStatus"] for e in discovery.describe_export_tasks()["exportsInfo"]] == ["SUCCEEDED"] * 2
    assert discovery.describe_continuous_exports()["descriptions"][0]["status"] == "INACTIVE"
    held = ads(data)
    assert held["export_tasks"][1]["agent"]["agent_id"] == AGENT  # deleted since: the scenario keeps it
    assert held["import_tasks"][0]["deletion_due"] == (START + timedelta(seconds=20)).timestamp()


# --- a large scenario ---------------------------------------------------------------------------------------


def test_a_thousand_servers_load_quickly() -> None:
    at = START.timestamp()
    servers = [
        {
            "configuration_id": f"d-server-{n:016x}",
            "host_name": f"host-{n}.example.com",
            "ip_address": f"10.0.{n // 256}.{n % 256}",
            "server_type": "VMWARE_VM",
            "time_of_creation": at,
            "imported": {"ExternalId": f"vm-{n}", "CPU.NumberOfCores": "4", "RAM.TotalSizeInMB": "8192"},
            "tags": [{"key": "env", "value": "prod", "time_of_creation": at}],
        }
        for n in range(1000)
    ]
    application = {
        "application_id": APP,
        "name": "Everything",
        "time_of_creation": at,
        "last_modified_time": at,
        "items": [s["configuration_id"] for s in servers],
    }
    discovery = {"servers": servers, "applications": [application]}
    data = {
        "format": "pytest-migrationhub scenario",
        "version": 1,
        "accounts": {"123456789012": {"home_control": None, "discovery": discovery}},
        "access_keys": {},
    }
    parts()  # the wings imported, the models loaded: not what is timed
    restored({**data, "accounts": {"123456789012": {"home_control": None}}})
    took = min(_timed(lambda: restored(data)) for _ in range(3))
    assert took < 0.3, f"1000 servers took {took:.3f} s to load"
    assert ads(data_of(restored(data))) == discovery


def _timed(work: Callable[[], Any]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began
