"""Application Discovery Service in server mode: routed by target, seeded through the control API."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

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
