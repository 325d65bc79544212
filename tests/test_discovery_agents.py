"""Application Discovery Service's agents and collectors (DescribeAgents, the start and stop of their
data collection, BatchDeleteAgents, the collector counts of GetDiscoverySummary) and the connections
between servers (ListServerNeighbors), answered from what ``add_agent()`` and ``add_connection()`` seed."""

from __future__ import annotations

from typing import Any

import pytest
from agent_support import (
    CONNECTOR,
    DB,
    UNKNOWN_AGENT,
    WEB,
    agent_ids,
    seed,
    where,
)
from botocore.exceptions import ClientError
from support import error_of

from pytest_migrationhub import MigrationHubFake, MigrationHubFakeError

# --- add_agent and DescribeAgents -------------------------------------------------------------


def test_describe_agents_reports_every_agent_info_member(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to("2024-03-05 06:07:08")
    mhub_fake.add_agent(
        "o-0123456789abcdef0",
        agent_type="EC2",
        host_name="web-1.example.com",
        ip_address="10.0.1.15",
        mac_address="06:aa:00:00:00:01",
        health="UNHEALTHY",
        collection_status="STARTED",
        connector_id="conn-0001",
        version="2.0.1",
    )
    [info] = discovery.describe_agents()["agentsInfo"]
    assert info == {
        "agentId": "o-0123456789abcdef0",
        "hostName": "web-1.example.com",
        "agentNetworkInfoList": [{"ipAddress": "10.0.1.15", "macAddress": "06:aa:00:00:00:01"}],
        "connectorId": "conn-0001",
        "version": "2.0.1",
        "health": "UNHEALTHY",
        "lastHealthPingTime": "2024-03-05T06:07:08Z",
        "collectionStatus": "STARTED",
        "agentType": "EC2",
        "registeredTime": "2024-03-05T06:07:08Z",
    }


def test_an_agent_seeded_with_defaults_leaves_out_what_it_was_not_given(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to("2024-03-05 06:07:08")
    mhub_fake.add_agent("o-bare-agent")
    mhub_fake.add_agent("o-ip-only-01", ip_address="10.0.0.7")
    bare, ip_only = discovery.describe_agents()["agentsInfo"]
    assert bare == {
        "agentId": "o-bare-agent",
        "health": "HEALTHY",
        "lastHealthPingTime": "2024-03-05T06:07:08Z",
        "collectionStatus": "STOPPED",
        "agentType": "AGENT",
        "registeredTime": "2024-03-05T06:07:08Z",
    }
    # The network information holds only what the agent has.
    assert ip_only["agentNetworkInfoList"] == [{"ipAddress": "10.0.0.7"}]


def test_registered_time_is_when_the_agent_was_added(mhub_fake: MigrationHubFake, discovery: Any, freezer: Any) -> None:
    freezer.move_to("2023-12-31 23:59:59")
    mhub_fake.add_agent(WEB)
    freezer.tick(61)
    mhub_fake.add_agent(DB)
    freezer.tick(3600)  # asking later changes nothing
    times = {
        a["agentId"]: (a["registeredTime"], a["lastHealthPingTime"]) for a in discovery.describe_agents()["agentsInfo"]
    }
    assert times == {
        WEB: ("2023-12-31T23:59:59Z", "2023-12-31T23:59:59Z"),
        DB: ("2024-01-01T00:01:00Z", "2024-01-01T00:01:00Z"),
    }


def test_the_agent_record_holds_what_describe_agents_reports(mhub_fake: MigrationHubFake) -> None:
    seed(mhub_fake)
    web = mhub_fake.agent(WEB)
    assert (web.agent_id, web.agent_type, web.health, web.collection_status) == (WEB, "EC2", "HEALTHY", "STARTED")
    assert (web.host_name, web.ip_address, web.mac_address, web.connector_id, web.version) == (
        "web-1.example.com",
        "10.0.1.15",
        "06:aa:00:00:00:01",
        None,
        "2.0.1",
    )
    assert [a.agent_id for a in mhub_fake.agents()] == [WEB, DB, CONNECTOR]
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.agent(UNKNOWN_AGENT)
    assert str(raised.value) == (
        "No agent 'o-unknown-01'. Known agents: 'o-agent-web-1', 'o-agent-db-1', 'c-connector-1'. "
        "Add it with mhub_fake.add_agent('o-unknown-01') first."
    )


def test_describe_agents_lists_every_agent_or_those_named(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    assert discovery.describe_agents()["agentsInfo"] == []
    seed(mhub_fake)
    assert agent_ids(discovery) == [WEB, DB, CONNECTOR]
    # In the order they were added, whatever order the ids are asked in; an unknown id is left out.
    assert agent_ids(discovery, agentIds=[CONNECTOR, UNKNOWN_AGENT, WEB]) == [WEB, CONNECTOR]
    assert agent_ids(discovery, agentIds=[UNKNOWN_AGENT]) == []
    # No ids at all is every agent, as without agentIds.
    assert agent_ids(discovery, agentIds=[]) == [WEB, DB, CONNECTOR]


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("agentId", DB, [DB]),
        ("agentType", "CONNECTOR", [CONNECTOR]),
        ("collectionStatus", "STARTED", [WEB]),
        ("connectorId", "conn-0001", [CONNECTOR]),
        ("health", "UNHEALTHY", [DB]),
        ("hostName", "web-1.example.com", [WEB]),
        ("ipAddress", "10.0.2.20", [DB]),
        ("macAddress", "06:aa:00:00:00:01", [WEB]),
        ("version", "2.1.0", [DB]),
    ],
)
def test_each_filter_reads_its_agent_info_field(
    mhub_fake: MigrationHubFake, discovery: Any, name: str, value: str, expected: list[str]
) -> None:
    seed(mhub_fake)
    assert agent_ids(discovery, **where(name, "EQUALS", value)) == expected


def test_the_four_conditions(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed(mhub_fake)
    host = "hostName"
    # Within one filter, EQUALS and CONTAINS hold of an agent that matches any of the values ...
    assert agent_ids(discovery, **where(host, "EQUALS", "db-1.example.com", "vcenter-connector")) == [DB, CONNECTOR]
    assert agent_ids(discovery, **where(host, "CONTAINS", "example.com")) == [WEB, DB]
    assert agent_ids(discovery, **where(host, "CONTAINS", "web", "vcenter")) == [WEB, CONNECTOR]
    # ... NOT_EQUALS and NOT_CONTAINS of one that matches none of them.
    assert agent_ids(discovery, **where(host, "NOT_EQUALS", "web-1.example.com", "db-1.example.com")) == [CONNECTOR]
    assert agent_ids(discovery, **where(host, "NOT_CONTAINS", "example")) == [CONNECTOR]
    # Matching is case-sensitive.
    assert agent_ids(discovery, **where(host, "CONTAINS", "WEB")) == []
    # An agent without the field matches no value: NOT_EQUALS keeps it.
    assert agent_ids(discovery, **where("connectorId", "NOT_EQUALS", "conn-0001")) == [WEB, DB]
    assert agent_ids(discovery, **where("connectorId", "CONTAINS", "")) == [CONNECTOR]


def test_agent_ids_and_filters_must_both_hold(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed(mhub_fake)
    healthy = {
        "filters": [
            {"name": "health", "condition": "NOT_EQUALS", "values": ["UNHEALTHY"]},
            {"name": "ipAddress", "condition": "CONTAINS", "values": ["10.0."]},
        ]
    }
    assert agent_ids(discovery, **healthy) == [WEB, CONNECTOR]
    assert agent_ids(discovery, agentIds=[WEB, DB], **healthy) == [WEB]
    assert agent_ids(discovery, agentIds=[DB], **healthy) == []


@pytest.mark.parametrize(
    "request_, message",
    [
        (
            where("colour", "EQUALS", "red"),
            "DescribeAgents: $.filters[0].name: 'colour' is not a filter of agents; use one of agentId, agentType, "
            "collectionStatus, connectorId, health, hostName, ipAddress, macAddress, version",
        ),
        (
            # The network information's members are filtered by their own names.
            where("agentNetworkInfoList.ipAddress", "EQUALS", "10.0.1.15"),
            "DescribeAgents: $.filters[0].name: 'agentNetworkInfoList.ipAddress' is not a filter of agents; "
            "use one of agentId, agentType, collectionStatus, connectorId, health, hostName, ipAddress, "
            "macAddress, version",
        ),
        (
            {
                "filters": [
                    {"name": "health", "condition": "EQUALS", "values": ["HEALTHY"]},
                    {"name": "version", "condition": "STARTS_WITH", "values": ["2."]},
                ]
            },
            "DescribeAgents: $.filters[1].condition: 'STARTS_WITH' does not apply to version; "
            "use one of EQUALS, NOT_EQUALS, CONTAINS, NOT_CONTAINS",
        ),
        ({"maxResults": 0}, "DescribeAgents: $.maxResults: 0 is not between 1 and 100"),
        ({"maxResults": 101}, "DescribeAgents: $.maxResults: 101 is not between 1 and 100"),
    ],
)
def test_what_describe_agents_refuses(
    mhub_fake: MigrationHubFake, discovery: Any, request_: dict[str, Any], message: str
) -> None:
    seed(mhub_fake)
    with pytest.raises(discovery.exceptions.InvalidParameterValueException) as raised:
        discovery.describe_agents(**request_)
    assert error_of(raised) == ("InvalidParameterValueException", 400, message)


def test_describe_agents_pages(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    ids = [f"o-agent-{n:04}" for n in range(5)]
    for agent_id in ids:
        mhub_fake.add_agent(agent_id, health="UNKNOWN" if agent_id.endswith("3") else "HEALTHY")
    first = discovery.describe_agents(maxResults=2)
    second = discovery.describe_agents(maxResults=2, nextToken=first["nextToken"])
    third = discovery.describe_agents(maxResults=2, nextToken=second["nextToken"])
    assert [[a["agentId"] for a in p["agentsInfo"]] for p in (first, second, third)] == [ids[:2], ids[2:4], ids[4:]]
    assert "nextToken" not in third
    # botocore's paginator drives the same pages, with agentIds and filters kept from page to page.
    paginator = discovery.get_paginator("describe_agents")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["agentsInfo"]) for p in pages] == [2, 2, 1]
    pages = list(
        paginator.paginate(agentIds=ids[1:], **where("health", "EQUALS", "HEALTHY"), PaginationConfig={"PageSize": 1})
    )
    assert [a["agentId"] for p in pages for a in p["agentsInfo"]] == [ids[1], ids[2], ids[4]]
    # A token is good only for the request that issued it.
    with pytest.raises(ClientError) as raised:
        discovery.describe_agents(maxResults=2, nextToken=first["nextToken"], **where("health", "EQUALS", "HEALTHY"))
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        f"DescribeAgents: nextToken {first['nextToken']!r} was not issued for this request; "
        "pass the nextToken of the previous page unchanged",
    )


# --- add_agent: misuse and replacement ------------------------------------------------------------

_ID_RULE = "add_agent: an agent ID is 10 to 20 characters with no spaces, such as 'o-0123456789abcdef0'; got "


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"agent_id": "o-agent-1"}, _ID_RULE + "'o-agent-1'."),  # 9 characters
        ({"agent_id": "o-0123456789abcdef012"}, _ID_RULE + "'o-0123456789abcdef012'."),  # 21
        ({"agent_id": "o-agent 0001"}, _ID_RULE + "'o-agent 0001'."),
        ({"agent_id": 1234567890}, _ID_RULE + "1234567890."),
        (
            {"agent_id": WEB, "health": "healthy"},
            "add_agent: health must be one of HEALTHY, UNHEALTHY, RUNNING, UNKNOWN, BLACKLISTED, SHUTDOWN; "
            "got 'healthy'.",
        ),
        (
            {"agent_id": WEB, "agent_type": ""},
            "add_agent: agent_type must be a string of 1 to 10000 characters; got ''.",
        ),
        (
            {"agent_id": WEB, "agent_type": None},
            "add_agent: agent_type must be a string of 1 to 10000 characters; got None.",
        ),
        ({"agent_id": WEB, "host_name": 7}, "add_agent: host_name must be a string of 1 to 10000 characters; got 7."),
        (
            {"agent_id": WEB, "ip_address": ["10.0.0.1"]},
            "add_agent: ip_address must be a string of 1 to 10000 characters; got ['10.0.0.1'].",
        ),
        (
            {"agent_id": WEB, "mac_address": b"06:aa"},
            "add_agent: mac_address must be a string of 1 to 10000 characters; got b'06:aa'.",
        ),
        (
            {"agent_id": WEB, "collection_status": ""},
            "add_agent: collection_status must be a string of 1 to 10000 characters; got ''.",
        ),
        (
            {"agent_id": WEB, "connector_id": 1},
            "add_agent: connector_id must be a string of 1 to 10000 characters; got 1.",
        ),
        ({"agent_id": WEB, "version": 2.0}, "add_agent: version must be a string of 1 to 10000 characters; got 2.0."),
    ],
)
def test_add_agent_refuses_what_describe_agents_could_not_report(
    mhub_fake: MigrationHubFake, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.add_agent(**arguments)
    assert str(raised.value) == message
    assert mhub_fake.agents() == []


def test_agent_ids_of_10_and_20_characters_are_accepted(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_agent("o-agent-01")
    mhub_fake.add_agent("o-0123456789abcdef01")
    assert agent_ids(discovery, agentIds=["o-agent-01", "o-0123456789abcdef01"]) == [
        "o-agent-01",
        "o-0123456789abcdef01",
    ]


def test_adding_an_agent_again_replaces_it(mhub_fake: MigrationHubFake, discovery: Any, freezer: Any) -> None:
    freezer.move_to("2024-03-05 06:00:00")
    seed(mhub_fake)
    freezer.tick(60)
    replaced = mhub_fake.add_agent(WEB, health="SHUTDOWN")
    assert mhub_fake.agent(WEB) is replaced
    # Nothing of the first agent is left, and it keeps its place among the others.
    web, *others = discovery.describe_agents()["agentsInfo"]
    assert web == {
        "agentId": WEB,
        "health": "SHUTDOWN",
        "lastHealthPingTime": "2024-03-05T06:01:00Z",
        "collectionStatus": "STOPPED",
        "agentType": "AGENT",
        "registeredTime": "2024-03-05T06:01:00Z",
    }
    assert [a["agentId"] for a in others] == [DB, CONNECTOR]
