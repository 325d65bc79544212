"""What the tests of Application Discovery Service's agents and server neighbours share."""

from __future__ import annotations

from typing import Any

from pytest_migrationhub import MigrationHubFake

#: three agents that differ in every field DescribeAgents filters on
WEB, DB, CONNECTOR = "o-agent-web-1", "o-agent-db-1", "c-connector-1"
#: an id no agent has, of the length the model admits (10 to 20 characters)
UNKNOWN_AGENT = "o-unknown-01"
#: servers one hop from each other, for ListServerNeighbors
APP, POSTGRES, CACHE, BALANCER = "d-server-app", "d-server-postgres", "d-server-cache", "d-server-balancer"


def seed(fake: MigrationHubFake) -> None:
    fake.add_agent(
        WEB,
        agent_type="EC2",
        host_name="web-1.example.com",
        ip_address="10.0.1.15",
        mac_address="06:aa:00:00:00:01",
        collection_status="STARTED",
        version="2.0.1",
    )
    fake.add_agent(
        DB,
        host_name="db-1.example.com",
        ip_address="10.0.2.20",
        mac_address="06:bb:00:00:00:02",
        health="UNHEALTHY",
        version="2.1.0",
    )
    fake.add_agent(
        CONNECTOR,
        agent_type="CONNECTOR",
        host_name="vcenter-connector",
        ip_address="10.0.9.9",
        health="RUNNING",
        connector_id="conn-0001",
    )


def agent_ids(discovery: Any, **request: Any) -> list[str]:
    """The ids DescribeAgents answers ``request`` with, in its order."""
    return [agent["agentId"] for agent in discovery.describe_agents(**request)["agentsInfo"]]


def where(name: str, condition: str, *values: str) -> dict[str, Any]:
    """``filters=[...]`` of one filter."""
    return {"filters": [{"name": name, "condition": condition, "values": list(values)}]}


def answer(response: dict[str, Any]) -> dict[str, Any]:
    """A botocore response without its ``ResponseMetadata``."""
    return {name: value for name, value in response.items() if name != "ResponseMetadata"}
