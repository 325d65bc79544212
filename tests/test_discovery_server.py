"""Application Discovery Service in server mode: routed by target, seeded through the control API."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from server_helpers import api, control

from pytest_migrationhub import MigrationHubFake, MigrationHubServer

PREFIX = "AWSPoseidonService_V2015_11_01"


def test_discovery_requests_are_routed_by_target(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer) -> None:
    status, server = control(
        mhub_server,
        "POST",
        "discovered-resources",
        {"configuration_id": "d-server-1", "host_name": "web-1", "os_name": "Ubuntu", "server_type": "EC2"},
    )
    assert (status, server["host_name"], server["server_type"]) == (200, "web-1", "EC2")
    status, app = control(mhub_server, "POST", "applications", {"application_id": "app-1", "name": "Shop"})
    assert (status, app["name"], app["description"], app["items"], app["tags"]) == (200, "Shop", "", [], [])

    status, _, body = api(mhub_server, "DescribeConfigurations", {"configurationIds": ["d-server-1"]}, prefix=PREFIX)
    assert status == 200
    assert body["configurations"][0]["server.hostName"] == "web-1"
    status, _, body = api(mhub_server, "DescribeConfigurations", {"configurationIds": ["nope"]}, prefix=PREFIX)
    assert (status, body["__type"]) == (400, "InvalidParameterValueException")
    assert [(c.service, c.operation) for c in mhub_fake.calls] == [("discovery", "DescribeConfigurations")] * 2
    status, listed = control(mhub_server, "GET", "discovered-resources")
    assert [s["configuration_id"] for s in listed["discovered_resources"]] == ["d-server-1"]


def test_client_env_reaches_discovery_from_a_subprocess(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    mhub_fake.add_discovered_resource("d-server-1", host_name="web-1")
    mhub_fake.add_application("app-1", name="Shop")
    script = textwrap.dedent(
        """
        import json
        import boto3

        discovery = boto3.client("discovery")
        pages = discovery.get_paginator("list_configurations").paginate(
            configurationType="SERVER",
            filters=[{"name": "server.hostName", "condition": "EQUALS", "values": ["web-1"]}],
        )
        [server] = [s for page in pages for s in page["configurations"]]
        app = discovery.create_application(name="Checkout")["configurationId"]
        discovery.associate_configuration_items_to_application(
            applicationConfigurationId=app, configurationIds=[server["server.configurationId"]]
        )
        boto3.client("mgh").notify_application_state(ApplicationId=app, Status="IN_PROGRESS")
        print(json.dumps(app))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=mhub_server.client_env(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    application = mhub_fake.application(json.loads(done.stdout))
    assert (application.name, application.items, application.status) == ("Checkout", ["d-server-1"], "IN_PROGRESS")


def test_agents_connections_and_import_files_are_seeded_through_the_control_api(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    status, agent = control(
        mhub_server, "POST", "agents", {"agent_id": "o-0123456789abcdef0", "host_name": "web-1", "health": "RUNNING"}
    )
    assert (status, agent["agent_id"], agent["health"], agent["collection_status"]) == (
        200,
        "o-0123456789abcdef0",
        "RUNNING",
        "STOPPED",
    )
    assert control(mhub_server, "GET", "agents")[1]["agents"] == [agent]
    status, _, body = api(mhub_server, "DescribeAgents", {}, prefix=PREFIX)
    assert (status, [a["agentId"] for a in body["agentsInfo"]]) == (200, ["o-0123456789abcdef0"])

    for server in ("d-server-1", "d-server-2"):
        control(mhub_server, "POST", "discovered-resources", {"configuration_id": server})
    status, connection = control(
        mhub_server, "POST", "connections", {"source_id": "d-server-1", "destination_id": "d-server-2", "port": 443}
    )
    assert (status, connection) == (
        200,
        {
            "source_id": "d-server-1",
            "destination_id": "d-server-2",
            "port": 443,
            "transport_protocol": None,
            "count": 1,
        },
    )
    assert control(mhub_server, "GET", "connections")[1] == {"connections": [connection]}
    status, refused = control(mhub_server, "POST", "connections", {"source_id": "d-server-1", "destination_id": "x"})
    assert (status, refused["__type"]) == (400, "MigrationHubFakeError")
    assert refused["Message"].startswith("No discovered resource 'x'. Known discovered resources: 'd-server-1'")

    plan = "ExternalId,HostName\nvm-1,web-9\n"
    assert control(mhub_server, "POST", "import-files", {"url": "s3://plans/p.csv", "content": plan}) == (200, {})
    mhub_fake.discovery_task_seconds = 0
    status, _, started = api(
        mhub_server, "StartImportTask", {"name": "p", "importUrl": "s3://plans/p.csv"}, prefix=PREFIX
    )
    assert (status, started["task"]["status"]) == (200, "IMPORT_IN_PROGRESS")
    [task] = control(mhub_server, "GET", "import-tasks")[1]["import_tasks"]
    assert (task["importTaskId"], task["status"], task["serverImportSuccess"]) == (
        started["task"]["importTaskId"],
        "IMPORT_COMPLETE",
        1,
    )


def test_an_export_downloads_from_the_server_itself(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    import io
    import urllib.error
    import urllib.request
    import zipfile

    mhub_fake.discovery_task_seconds = 0
    mhub_fake.add_discovered_resource("d-server-1", host_name="web-1")
    status, _, started = api(mhub_server, "StartExportTask", {}, prefix=PREFIX)
    status, _, body = api(mhub_server, "DescribeExportTasks", {"exportIds": [started["exportId"]]}, prefix=PREFIX)
    [export] = body["exportsInfo"]
    url = export["configurationsDownloadUrl"]
    assert url.startswith(f"{mhub_server.endpoint_url}/mhub-api/downloads/")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(response.read())).namelist()
    assert "123456789012_Server.csv" in names
    [listed] = control(mhub_server, "GET", "export-tasks")[1]["export_tasks"]
    assert (listed["exportId"], listed["exportStatus"], listed["files"]) == (
        export["exportId"],
        "SUCCEEDED",
        sorted(names),
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(url.rsplit("/", 2)[0] + "/unknown/file.zip", timeout=10)
    assert raised.value.code == 404
    assert json.loads(raised.value.read())["__type"] == "NotFoundException"
