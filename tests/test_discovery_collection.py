"""Agents at work: data collection, BatchDeleteAgents, the summary's counts, the home region, faults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from agent_support import (
    APP,
    CONNECTOR,
    DB,
    POSTGRES,
    UNKNOWN_AGENT,
    WEB,
    agent_ids,
    answer,
    seed,
    where,
)
from botocore.exceptions import ClientError
from support import error_of

from pytest_migrationhub import MigrationHubFake, MigrationHubFakeError

# --- StartDataCollectionByAgentIds and StopDataCollectionByAgentIds -----------------------------


def test_start_and_stop_set_the_collection_status(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    for health in ("HEALTHY", "UNHEALTHY", "RUNNING", "UNKNOWN"):
        mhub_fake.add_agent(f"o-{health.lower()}-agent", health=health)
    ids = [a.agent_id for a in mhub_fake.agents()]
    started = discovery.start_data_collection_by_agent_ids(agentIds=ids)
    assert started["agentsConfigurationStatus"] == [
        {"agentId": agent_id, "operationSucceeded": True, "description": "Data collection started"} for agent_id in ids
    ]
    assert [a["collectionStatus"] for a in discovery.describe_agents()["agentsInfo"]] == ["STARTED"] * 4
    assert mhub_fake.agent("o-unknown-agent").collection_status == "STARTED"
    stopped = discovery.stop_data_collection_by_agent_ids(agentIds=ids[:2])
    assert stopped["agentsConfigurationStatus"] == [
        {"agentId": agent_id, "operationSucceeded": True, "description": "Data collection stopped"}
        for agent_id in ids[:2]
    ]
    assert [a.collection_status for a in mhub_fake.agents()] == ["STOPPED", "STOPPED", "STARTED", "STARTED"]
    assert agent_ids(discovery, **where("collectionStatus", "EQUALS", "STARTED")) == ids[2:]


@pytest.mark.parametrize(
    "operation, status, done",
    [("start", "STOPPED", "Data collection started"), ("stop", "STARTED", "Data collection stopped")],
)
def test_an_unknown_or_unreachable_agent_fails_with_a_description(
    mhub_fake: MigrationHubFake, discovery: Any, operation: str, status: str, done: str
) -> None:
    mhub_fake.add_agent("o-shut-down-1", health="SHUTDOWN", collection_status=status)
    mhub_fake.add_agent("o-denied-agent", health="BLACKLISTED", collection_status=status)
    mhub_fake.add_agent(WEB, collection_status=status)
    call = getattr(discovery, f"{operation}_data_collection_by_agent_ids")
    statuses = call(agentIds=["o-shut-down-1", UNKNOWN_AGENT, "o-denied-agent", WEB])["agentsConfigurationStatus"]
    assert statuses == [
        {
            "agentId": "o-shut-down-1",
            "operationSucceeded": False,
            "description": "Failed: the agent is SHUTDOWN and cannot be reached",
        },
        {
            "agentId": UNKNOWN_AGENT,
            "operationSucceeded": False,
            "description": "Failed: no agent or collector has the ID 'o-unknown-01'",
        },
        {
            "agentId": "o-denied-agent",
            "operationSucceeded": False,
            "description": "Failed: the agent is BLACKLISTED and cannot be reached",
        },
        {"agentId": WEB, "operationSucceeded": True, "description": done},
    ]
    # The agents that failed keep their collection status.
    assert [a.collection_status for a in mhub_fake.agents()][:2] == [status, status]


# --- BatchDeleteAgents ----------------------------------------------------------------------------


def test_agents_that_no_longer_report_are_deleted_without_force(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    for health in ("UNKNOWN", "SHUTDOWN", "BLACKLISTED", "HEALTHY"):
        mhub_fake.add_agent(f"o-{health.lower()}-agent", health=health)
    response = discovery.batch_delete_agents(
        deleteAgents=[
            {"agentId": "o-unknown-agent"},
            {"agentId": "o-shutdown-agent", "force": False},
            {"agentId": "o-blacklisted-agent"},
        ]
    )
    # No errors: the member is left out, not sent empty.
    assert answer(response) == {}
    assert agent_ids(discovery) == ["o-healthy-agent"]


@pytest.mark.parametrize("health", ["HEALTHY", "UNHEALTHY", "RUNNING"])
def test_an_agent_still_reporting_is_deleted_only_with_force(
    mhub_fake: MigrationHubFake, discovery: Any, health: str
) -> None:
    mhub_fake.add_agent(WEB, health=health)
    response = discovery.batch_delete_agents(deleteAgents=[{"agentId": WEB}])
    assert answer(response) == {
        "errors": [
            {
                "agentId": WEB,
                "errorMessage": f"The agent is {health}: it is still reporting; delete it with force set to true",
                "errorCode": "AGENT_IN_USE",
            }
        ]
    }
    assert agent_ids(discovery) == [WEB]
    assert answer(discovery.batch_delete_agents(deleteAgents=[{"agentId": WEB, "force": True}])) == {}
    assert agent_ids(discovery) == []
    assert mhub_fake.agents() == []


def test_an_unknown_agent_is_not_found_and_the_others_are_still_deleted(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    mhub_fake.add_agent(WEB, health="SHUTDOWN")
    response = discovery.batch_delete_agents(deleteAgents=[{"agentId": UNKNOWN_AGENT, "force": True}, {"agentId": WEB}])
    assert answer(response) == {
        "errors": [
            {
                "agentId": UNKNOWN_AGENT,
                "errorMessage": "No agent or collector has the ID 'o-unknown-01'",
                "errorCode": "NOT_FOUND",
            }
        ]
    }
    assert agent_ids(discovery) == []
    # Deleting it again: it is gone.
    [error] = discovery.batch_delete_agents(deleteAgents=[{"agentId": WEB}])["errors"]
    assert (error["agentId"], error["errorCode"]) == (WEB, "NOT_FOUND")


def test_deleting_an_agent_keeps_what_it_discovered(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_discovered_resource(APP, host_name="web-1.example.com")
    mhub_fake.add_discovered_resource(POSTGRES, host_name="db-1.example.com")
    mhub_fake.add_connection(APP, POSTGRES, port=5432, transport_protocol="TCP")
    mhub_fake.add_agent(WEB, host_name="web-1.example.com")
    discovery.batch_delete_agents(deleteAgents=[{"agentId": WEB, "force": True}])
    assert discovery.describe_agents(agentIds=[WEB])["agentsInfo"] == []
    with pytest.raises(MigrationHubFakeError, match=r"^No agent 'o-agent-web-1'\. Known agents: none\."):
        mhub_fake.agent(WEB)
    servers = discovery.list_configurations(configurationType="SERVER")["configurations"]
    assert [s["server.configurationId"] for s in servers] == [APP, POSTGRES]
    assert discovery.list_server_neighbors(configurationId=APP)["knownDependencyCount"] == 1


# --- GetDiscoverySummary ------------------------------------------------------------------------

#: each collector summary and the names of its counts, as the model spells them
SUMMARIES = {
    "agentSummary": ("Agents", "blackListed"),
    "connectorSummary": ("Connectors", "blackListed"),
    "meCollectorSummary": ("MeCollectors", "denyListed"),
    "agentlessCollectorSummary": ("AgentlessCollectors", "denyListed"),
}


def counts(summary: str, **values: int) -> dict[str, int]:
    """A collector summary: the seven counts, named as the model names them, zero unless given."""
    noun, listed = SUMMARIES[summary]
    names = ("active", "healthy", "listed", "shutdown", "unhealthy", "total", "unknown")
    return {f"{listed if n == 'listed' else n}{noun}": values.get(n, 0) for n in names}


def collector_summaries(discovery: Any) -> dict[str, Any]:
    """The four collector summaries of GetDiscoverySummary (botocore 1.34.0 already models them all)."""
    summary = discovery.get_discovery_summary()
    return {name: summary[name] for name in SUMMARIES}


def test_the_summary_without_agents_counts_nothing(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    assert answer(discovery.get_discovery_summary()) == {
        "servers": 0,
        "applications": 0,
        "serversMappedToApplications": 0,
        "serversMappedtoTags": 0,
        **{name: counts(name) for name in SUMMARIES},
    }


def test_the_summary_counts_each_kind_of_collector_by_its_health(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    # Agents: every type but the three collectors'.
    for n, (agent_type, health) in enumerate(
        [
            ("AGENT", "HEALTHY"),
            ("EC2", "RUNNING"),
            ("AGENT", "UNHEALTHY"),
            ("AGENT", "SHUTDOWN"),
            ("ON_PREMISES", "UNKNOWN"),
            ("AGENT", "BLACKLISTED"),
        ]
    ):
        mhub_fake.add_agent(f"o-agent-{n:04}", agent_type=agent_type, health=health)
    mhub_fake.add_agent("c-connector-1", agent_type="CONNECTOR", health="HEALTHY")
    mhub_fake.add_agent("c-connector-2", agent_type="CONNECTOR", health="BLACKLISTED")
    mhub_fake.add_agent("m-collector-1", agent_type="ME_COLLECTOR", health="RUNNING")
    mhub_fake.add_agent("m-collector-2", agent_type="ME_COLLECTOR", health="UNKNOWN")
    mhub_fake.add_agent("m-collector-3", agent_type="ME_COLLECTOR", health="SHUTDOWN")
    mhub_fake.add_agent("a-collector-1", agent_type="AGENTLESS_COLLECTOR", health="BLACKLISTED")
    mhub_fake.add_agent("a-collector-2", agent_type="AGENTLESS_COLLECTOR", health="UNHEALTHY")
    expected = {
        "agentSummary": counts("agentSummary", healthy=2, unhealthy=1, shutdown=1, unknown=1, listed=1, total=6),
        "connectorSummary": counts("connectorSummary", healthy=1, listed=1, total=2),
        "meCollectorSummary": counts("meCollectorSummary", healthy=1, unknown=1, shutdown=1, total=3),
        "agentlessCollectorSummary": counts("agentlessCollectorSummary", listed=1, unhealthy=1, total=2),
    }
    summaries = collector_summaries(discovery)
    assert summaries == expected
    # Spelled out once: the collectors' counts name them, and ME and agentless collectors are deny-listed.
    assert summaries["meCollectorSummary"] == {
        "activeMeCollectors": 0,
        "healthyMeCollectors": 1,
        "denyListedMeCollectors": 0,
        "shutdownMeCollectors": 1,
        "unhealthyMeCollectors": 0,
        "totalMeCollectors": 3,
        "unknownMeCollectors": 1,
    }


def test_the_summary_counts_a_collecting_agent_as_active(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_agent(WEB)
    mhub_fake.add_agent(DB, collection_status="STARTED")
    mhub_fake.add_agent(CONNECTOR, agent_type="CONNECTOR")
    assert collector_summaries(discovery)["agentSummary"] == counts("agentSummary", active=1, healthy=2, total=2)
    discovery.start_data_collection_by_agent_ids(agentIds=[WEB, CONNECTOR])
    summaries = collector_summaries(discovery)
    assert summaries["agentSummary"] == counts("agentSummary", active=2, healthy=2, total=2)
    assert summaries["connectorSummary"] == counts("connectorSummary", active=1, healthy=1, total=1)
    discovery.stop_data_collection_by_agent_ids(agentIds=[DB])
    discovery.batch_delete_agents(deleteAgents=[{"agentId": CONNECTOR, "force": True}])
    summaries = collector_summaries(discovery)
    assert summaries["agentSummary"] == counts("agentSummary", active=1, healthy=2, total=2)
    assert summaries["connectorSummary"] == counts("connectorSummary")


# --- the home region, deny() and fail() ------------------------------------------------------------


@pytest.mark.mhub_fake(home_region=None)
def test_describe_agents_needs_a_home_region(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed(mhub_fake)
    with pytest.raises(discovery.exceptions.HomeRegionNotSetException) as raised:
        discovery.describe_agents()
    assert error_of(raised) == (
        "HomeRegionNotSetException",
        400,
        "DescribeAgents: no home region is set; set one with migrationhub-config CreateHomeRegionControl "
        "(in a test: mhub_fake.home_region = 'us-west-2')",
    )


def test_reads_are_answered_from_any_region_and_starting_collection_only_at_home(
    mhub_fake: MigrationHubFake, make_client: Callable[..., Any]
) -> None:
    seed(mhub_fake)
    mhub_fake.add_agent("o-retired-01", health="SHUTDOWN")
    elsewhere = make_client("discovery", region="eu-west-1")
    assert agent_ids(elsewhere) == [WEB, DB, CONNECTOR, "o-retired-01"]
    [stopped] = elsewhere.stop_data_collection_by_agent_ids(agentIds=[WEB])["agentsConfigurationStatus"]
    assert stopped["operationSucceeded"] is True
    assert answer(elsewhere.batch_delete_agents(deleteAgents=[{"agentId": "o-retired-01"}])) == {}
    with pytest.raises(ClientError) as raised:
        elsewhere.start_data_collection_by_agent_ids(agentIds=[WEB])
    assert error_of(raised) == (
        "InvalidInputException",
        400,
        "StartDataCollectionByAgentIds: writes must be sent to the home region us-west-2; "
        "this request was sent to eu-west-1",
    )
    # What reached the home region's records, and what did not.
    assert [(a.agent_id, a.collection_status) for a in mhub_fake.agents()] == [
        (WEB, "STOPPED"),
        (DB, "STOPPED"),
        (CONNECTOR, "STOPPED"),
    ]


def test_a_denied_describe_agents_is_an_authorization_error(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed(mhub_fake)
    mhub_fake.deny("DescribeAgents")
    with pytest.raises(discovery.exceptions.AuthorizationErrorException) as raised:
        discovery.describe_agents()
    assert error_of(raised) == (
        "AuthorizationErrorException",
        400,
        "DescribeAgents: not authorized to perform discovery:DescribeAgents (mhub_fake.deny)",
    )
    mhub_fake.allow("DescribeAgents")
    assert agent_ids(discovery) == [WEB, DB, CONNECTOR]


def test_an_injected_server_error_is_a_500(mhub_fake: MigrationHubFake, make_client: Callable[..., Any]) -> None:
    seed(mhub_fake)
    mhub_fake.fail("DescribeAgents", "ServerInternalErrorException")
    discovery = make_client("discovery", retries={"total_max_attempts": 1})
    with pytest.raises(discovery.exceptions.ServerInternalErrorException) as raised:
        discovery.describe_agents()
    assert error_of(raised) == (
        "ServerInternalErrorException",
        500,
        "DescribeAgents: ServerInternalErrorException injected by mhub_fake.fail()",
    )
    [call] = mhub_fake.calls
    assert (call.operation, call.error_code, call.injected) == ("DescribeAgents", "ServerInternalErrorException", True)
    assert agent_ids(discovery) == [WEB, DB, CONNECTOR]
