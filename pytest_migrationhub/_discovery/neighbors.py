"""ListServerNeighbors: the servers one network hop away from a server, in either direction."""

from __future__ import annotations

from typing import Any

from .._core import Answer, Context, ServiceError
from .common import INVALID, handles, inventory, page


@handles("ListServerNeighbors")
def list_server_neighbors(ctx: Context) -> Answer:
    body = ctx.body
    server = body["configurationId"]
    found = inventory(ctx)
    if server not in found.discovered:
        raise ServiceError(
            INVALID,
            f"ListServerNeighbors: Application Discovery Service has no server {server!r}; in a test, add it "
            f"with mhub_fake.add_discovered_resource({server!r}) and its connections with mhub_fake.add_connection()",
        )
    wanted = body.get("neighborConfigurationIds")
    with_ports = body.get("portInformationNeeded") is True
    # One row per connection with its port, else one per (source, destination), counts added up.
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    neighbors = set()
    for connection in found.connections:
        if server not in (connection.source, connection.destination):
            continue
        other = connection.destination if connection.source == server else connection.source
        if wanted and other not in wanted:
            continue
        neighbors.add(other)
        key: tuple[Any, ...] = (connection.source, connection.destination)
        row: dict[str, Any] = {"sourceServerId": connection.source, "destinationServerId": connection.destination}
        if with_ports:
            key += (connection.port, connection.transport_protocol)
            if connection.port is not None:
                row["destinationPort"] = connection.port
            if connection.transport_protocol is not None:
                row["transportProtocol"] = connection.transport_protocol
        row = rows.setdefault(key, {**row, "connectionsCount": 0})
        row["connectionsCount"] += connection.count
    scope = f"{server}:{with_ports}:{sorted(wanted or [])}"
    answer = page(ctx, "neighbors", scope, list(rows.values()))
    answer["knownDependencyCount"] = len(neighbors)
    return answer
