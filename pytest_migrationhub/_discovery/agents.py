"""Application Discovery Service's agents and collectors: DescribeAgents, the start and stop of
their data collection, and BatchDeleteAgents.

Where the ADS docs say nothing the choices are the README's ("How the fake
behaves where AWS documents nothing").
"""

from __future__ import annotations

from typing import Any

from .._core import Answer, Context
from .common import ALL, filtered, handles, inventory, page
from .jobs import CANNOT_COLLECT, IN_USE, Agent

#: DescribeAgents filter name -> (the conditions it takes, an agent's values for it)
AGENT_FILTERS: dict[str, tuple[tuple[str, ...], Any]] = {
    "agentId": (ALL, lambda a, ctx: [a.agent_id]),
    "agentType": (ALL, lambda a, ctx: [a.agent_type]),
    "collectionStatus": (ALL, lambda a, ctx: [a.collection_status]),
    "connectorId": (ALL, lambda a, ctx: [a.connector_id] if a.connector_id is not None else []),
    "health": (ALL, lambda a, ctx: [a.health]),
    "hostName": (ALL, lambda a, ctx: [a.host_name] if a.host_name is not None else []),
    "ipAddress": (ALL, lambda a, ctx: [a.ip_address] if a.ip_address is not None else []),
    "macAddress": (ALL, lambda a, ctx: [a.mac_address] if a.mac_address is not None else []),
    "version": (ALL, lambda a, ctx: [a.version] if a.version is not None else []),
}


@handles("DescribeAgents")
def describe_agents(ctx: Context) -> Answer:
    agents = list(inventory(ctx).agents.values())
    wanted = ctx.body.get("agentIds")
    if wanted:
        agents = [a for a in agents if a.agent_id in wanted]
    agents = filtered(ctx, AGENT_FILTERS, agents, "agents")
    scope = repr(sorted(wanted or [])) + repr(ctx.body.get("filters"))
    return page(ctx, "agentsInfo", scope, [a.info_json() for a in agents])


def _collection(ctx: Context, status: str, done: str) -> Answer:
    agents = inventory(ctx).agents
    statuses = []
    for agent_id in ctx.body["agentIds"]:
        agent = agents.get(agent_id)
        if agent is None:
            statuses.append(_status(agent_id, False, f"Failed: no agent or collector has the ID {agent_id!r}"))
        elif agent.health in CANNOT_COLLECT:
            statuses.append(_status(agent_id, False, f"Failed: the agent is {agent.health} and cannot be reached"))
        else:
            agent.collection_status = status
            statuses.append(_status(agent_id, True, done))
    return {"agentsConfigurationStatus": statuses}


def _status(agent_id: str, succeeded: bool, description: str) -> dict[str, Any]:
    return {"agentId": agent_id, "operationSucceeded": succeeded, "description": description}


@handles("StartDataCollectionByAgentIds")
def start_data_collection_by_agent_ids(ctx: Context) -> Answer:
    return _collection(ctx, "STARTED", "Data collection started")


@handles("StopDataCollectionByAgentIds")
def stop_data_collection_by_agent_ids(ctx: Context) -> Answer:
    return _collection(ctx, "STOPPED", "Data collection stopped")


@handles("BatchDeleteAgents")
def batch_delete_agents(ctx: Context) -> Answer:
    agents = inventory(ctx).agents
    errors = []
    for request in ctx.body["deleteAgents"]:
        agent_id = request["agentId"]
        agent: Agent | None = agents.get(agent_id)
        if agent is None:
            errors.append(_error(agent_id, "NOT_FOUND", f"No agent or collector has the ID {agent_id!r}"))
        elif agent.health in IN_USE and not request.get("force"):
            message = f"The agent is {agent.health}: it is still reporting; delete it with force set to true"
            errors.append(_error(agent_id, "AGENT_IN_USE", message))
        else:
            del agents[agent_id]
    return {"errors": errors} if errors else {}


def _error(agent_id: str, code: str, message: str) -> dict[str, Any]:
    return {"agentId": agent_id, "errorMessage": message, "errorCode": code}
