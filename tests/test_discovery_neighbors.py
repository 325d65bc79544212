"""Server neighbours: add_connection() and ListServerNeighbors, from either end; state per account."""

from __future__ import annotations

from typing import Any

import pytest
from agent_support import (
    APP,
    BALANCER,
    CACHE,
    POSTGRES,
    agent_ids,
    answer,
    seed,
)
from botocore.exceptions import ClientError
from support import error_of

from pytest_migrationhub import MigrationHubFake, MigrationHubFakeError

# --- add_connection and ListServerNeighbors -------------------------------------------------------


def seed_network(fake: MigrationHubFake) -> None:
    """The app server talks to the database (two ports) and the cache; the balancer talks to it."""
    for server in (APP, POSTGRES, CACHE, BALANCER):
        fake.add_discovered_resource(server)
    fake.add_connection(APP, POSTGRES, port=5432, transport_protocol="TCP", count=3)
    fake.add_connection(APP, POSTGRES, port=5433, transport_protocol="TCP", count=2)
    fake.add_connection(APP, CACHE, port=6379, transport_protocol="TCP")
    fake.add_connection(BALANCER, APP, port=8080, transport_protocol="TCP", count=10)
    fake.add_connection(BALANCER, APP, port=8080, transport_protocol="TCP", count=5)
    fake.add_connection(POSTGRES, CACHE, port=6379, transport_protocol="TCP", count=4)


def row(
    source: str, destination: str, count: int, port: int | None = None, protocol: str | None = None
) -> dict[str, Any]:
    """A NeighborConnectionDetail as ListServerNeighbors gives it."""
    out: dict[str, Any] = {"sourceServerId": source, "destinationServerId": destination}
    if port is not None:
        out["destinationPort"] = port
    if protocol is not None:
        out["transportProtocol"] = protocol
    out["connectionsCount"] = count
    return out


def test_neighbours_are_listed_from_either_end(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed_network(mhub_fake)
    # sourceServerId is the server that opened the connections, whichever end is asked about.
    assert answer(discovery.list_server_neighbors(configurationId=POSTGRES)) == {
        "neighbors": [row(APP, POSTGRES, 5), row(POSTGRES, CACHE, 4)],
        "knownDependencyCount": 2,
    }
    assert answer(discovery.list_server_neighbors(configurationId=CACHE)) == {
        "neighbors": [row(APP, CACHE, 1), row(POSTGRES, CACHE, 4)],
        "knownDependencyCount": 2,
    }


def test_without_port_information_the_rows_of_one_source_and_destination_are_one(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    seed_network(mhub_fake)
    expected = {
        "neighbors": [row(APP, POSTGRES, 5), row(APP, CACHE, 1), row(BALANCER, APP, 15)],
        "knownDependencyCount": 3,
    }
    assert answer(discovery.list_server_neighbors(configurationId=APP)) == expected
    assert answer(discovery.list_server_neighbors(configurationId=APP, portInformationNeeded=False)) == expected


def test_with_port_information_each_port_and_protocol_is_a_row(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed_network(mhub_fake)
    mhub_fake.add_connection(CACHE, APP, port=53, transport_protocol="UDP")
    mhub_fake.add_connection(CACHE, APP, port=53, transport_protocol="TCP", count=2)
    mhub_fake.add_connection(CACHE, APP)  # neither port nor protocol known
    assert answer(discovery.list_server_neighbors(configurationId=APP, portInformationNeeded=True)) == {
        "neighbors": [
            row(APP, POSTGRES, 3, 5432, "TCP"),
            row(APP, POSTGRES, 2, 5433, "TCP"),
            row(APP, CACHE, 1, 6379, "TCP"),
            # The connections of one port and protocol recorded twice are one row, their counts added.
            row(BALANCER, APP, 15, 8080, "TCP"),
            row(CACHE, APP, 1, 53, "UDP"),
            row(CACHE, APP, 2, 53, "TCP"),
            row(CACHE, APP, 1),
        ],
        "knownDependencyCount": 3,
    }


def test_neighbor_configuration_ids_keep_the_connections_to_those_servers(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    seed_network(mhub_fake)
    # An id that is no neighbour, or no server at all, keeps nothing.
    kept = discovery.list_server_neighbors(
        configurationId=APP, neighborConfigurationIds=[BALANCER, CACHE, "d-server-nowhere"], portInformationNeeded=True
    )
    assert answer(kept) == {
        "neighbors": [row(APP, CACHE, 1, 6379, "TCP"), row(BALANCER, APP, 15, 8080, "TCP")],
        "knownDependencyCount": 2,
    }
    none = discovery.list_server_neighbors(configurationId=APP, neighborConfigurationIds=["d-server-nowhere"])
    assert answer(none) == {"neighbors": [], "knownDependencyCount": 0}


def test_known_dependency_count_counts_the_distinct_servers_at_the_other_ends(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    for server in (APP, POSTGRES, CACHE):
        mhub_fake.add_discovered_resource(server)
    assert answer(discovery.list_server_neighbors(configurationId=APP)) == {"neighbors": [], "knownDependencyCount": 0}
    # Both directions and several ports to the same server count it once.
    mhub_fake.add_connection(APP, POSTGRES, port=5432)
    mhub_fake.add_connection(APP, POSTGRES, port=5433)
    mhub_fake.add_connection(POSTGRES, APP, port=9000)
    neighbours = discovery.list_server_neighbors(configurationId=APP, portInformationNeeded=True)
    assert (len(neighbours["neighbors"]), neighbours["knownDependencyCount"]) == (3, 1)
    mhub_fake.add_connection(CACHE, APP)
    assert discovery.list_server_neighbors(configurationId=APP)["knownDependencyCount"] == 2


def test_an_unknown_server_has_no_neighbours_to_list(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed_network(mhub_fake)
    with pytest.raises(discovery.exceptions.InvalidParameterValueException) as raised:
        discovery.list_server_neighbors(configurationId="d-server-nowhere")
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        "ListServerNeighbors: Application Discovery Service has no server 'd-server-nowhere'; in a test, add it "
        "with mhub_fake.add_discovered_resource('d-server-nowhere') and its connections with "
        "mhub_fake.add_connection()",
    )


def test_neighbours_page_with_max_results_and_next_token(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    hub = "d-server-hub"
    spokes = [f"d-server-spoke-{n}" for n in range(5)]
    for server in (hub, *spokes):
        mhub_fake.add_discovered_resource(server)
    for spoke in spokes:
        mhub_fake.add_connection(hub, spoke, port=443, transport_protocol="TCP")
    # botocore has no paginator for ListServerNeighbors: the caller follows nextToken itself.
    assert not discovery.can_paginate("list_server_neighbors")
    pages = [discovery.list_server_neighbors(configurationId=hub, maxResults=2)]
    while "nextToken" in pages[-1]:
        pages.append(
            discovery.list_server_neighbors(configurationId=hub, maxResults=2, nextToken=pages[-1]["nextToken"])
        )
    assert [[n["destinationServerId"] for n in p["neighbors"]] for p in pages] == [spokes[:2], spokes[2:4], spokes[4:]]
    # Every page counts all the neighbours.
    assert [p["knownDependencyCount"] for p in pages] == [5, 5, 5]
    with pytest.raises(ClientError) as raised:
        discovery.list_server_neighbors(configurationId=spokes[0], nextToken=pages[0]["nextToken"])
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        f"ListServerNeighbors: nextToken {pages[0]['nextToken']!r} was not issued for this request; "
        "pass the nextToken of the previous page unchanged",
    )
    with pytest.raises(ClientError) as raised:
        discovery.list_server_neighbors(configurationId=hub, maxResults=101)
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        "ListServerNeighbors: $.maxResults: 101 is not between 1 and 100",
    )


@pytest.mark.parametrize(
    "arguments, message",
    [
        (
            {"source_id": "d-server-nowhere"},
            "No discovered resource 'd-server-nowhere'. Known discovered resources: 'd-server-app', "
            "'d-server-postgres'. Add it with mhub_fake.add_discovered_resource('d-server-nowhere') first.",
        ),
        (
            {"destination_id": "d-server-nowhere"},
            "No discovered resource 'd-server-nowhere'. Known discovered resources: 'd-server-app', "
            "'d-server-postgres'. Add it with mhub_fake.add_discovered_resource('d-server-nowhere') first.",
        ),
        (
            # A server is not one hop from itself.
            {"destination_id": APP},
            "add_connection: a connection is between two servers; source_id and destination_id are both "
            "'d-server-app'.",
        ),
        ({"port": -1}, "add_connection: port must be 0 to 65535, or None; got -1."),
        ({"port": 65536}, "add_connection: port must be 0 to 65535, or None; got 65536."),
        ({"port": "5432"}, "add_connection: port must be 0 to 65535, or None; got '5432'."),
        ({"port": True}, "add_connection: port must be 0 to 65535, or None; got True."),
        ({"count": 0}, "add_connection: count must be a whole number of 1 or more; got 0."),
        ({"count": 2.0}, "add_connection: count must be a whole number of 1 or more; got 2.0."),
        ({"count": True}, "add_connection: count must be a whole number of 1 or more; got True."),
        (
            {"transport_protocol": ""},
            "add_connection: transport_protocol must be a string of 1 to 10000 characters; got ''.",
        ),
        (
            {"transport_protocol": 6},
            "add_connection: transport_protocol must be a string of 1 to 10000 characters; got 6.",
        ),
    ],
)
def test_add_connection_refuses_what_list_server_neighbors_could_not_report(
    mhub_fake: MigrationHubFake, arguments: dict[str, Any], message: str
) -> None:
    mhub_fake.add_discovered_resource(APP)
    mhub_fake.add_discovered_resource(POSTGRES)
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.add_connection(**{"source_id": APP, "destination_id": POSTGRES, **arguments})
    assert str(raised.value) == message
    assert mhub_fake.connections() == []


def test_connections_are_kept_in_the_order_they_were_added(mhub_fake: MigrationHubFake) -> None:
    seed_network(mhub_fake)
    added = mhub_fake.add_connection(CACHE, APP, port=0)
    assert (added.source, added.destination, added.port, added.transport_protocol, added.count) == (
        CACHE,
        APP,
        0,
        None,
        1,
    )
    assert [(c.source, c.destination, c.port, c.transport_protocol, c.count) for c in mhub_fake.connections()] == [
        (APP, POSTGRES, 5432, "TCP", 3),
        (APP, POSTGRES, 5433, "TCP", 2),
        (APP, CACHE, 6379, "TCP", 1),
        (BALANCER, APP, 8080, "TCP", 10),
        (BALANCER, APP, 8080, "TCP", 5),
        (POSTGRES, CACHE, 6379, "TCP", 4),
        (CACHE, APP, 0, None, 1),
    ]


# --- accounts ------------------------------------------------------------------------------------


def test_each_account_has_its_own_agents_and_connections(mhub_fake: MigrationHubFake, botocore_session: Any) -> None:
    other = "111122223333"
    mhub_fake.add_account(other, access_key_id="AKIAOTHER")
    seed(mhub_fake)
    mhub_fake.add_agent("o-other-agent", account=other)
    for server in (APP, POSTGRES):
        mhub_fake.add_discovered_resource(server, account=other)
    mhub_fake.add_connection(APP, POSTGRES, account=other)
    client = botocore_session.create_client(
        "discovery", region_name="us-west-2", aws_access_key_id="AKIAOTHER", aws_secret_access_key="x"
    )
    assert agent_ids(client) == ["o-other-agent"]
    assert [a.agent_id for a in mhub_fake.agents(account=other)] == ["o-other-agent"]
    assert answer(client.list_server_neighbors(configurationId=APP)) == {
        "neighbors": [row(APP, POSTGRES, 1)],
        "knownDependencyCount": 1,
    }
    assert mhub_fake.connections() == []
    assert len(mhub_fake.connections(account=other)) == 1
