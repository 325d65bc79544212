"""Application Discovery Service's configuration items: discovered servers and applications,
their tags, and the summary.

Answered from the same records Migration Hub reads (``.records``). Where the
ADS docs say nothing the choices are the README's ("How the fake behaves where
AWS documents nothing").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .._core import Answer, Context, ServiceError
from .common import ALL, EXACT, INVALID, filtered, handles, inventory, page
from .jobs import Agent
from .records import APPLICATION, SERVER, Application, DiscoveredServer, Tagged, new_configuration_id

Values = Callable[[Any, Context], list[str]]


def _present(*values: str | None) -> list[str]:
    return [v for v in values if v is not None]


def _apps_of(ctx: Context, server: DiscoveredServer) -> list[Application]:
    return [a for a in inventory(ctx).applications.values() if server.configuration_id in a.items]


#: configuration type -> filter name -> (the conditions it takes, the item's values for it)
FILTERS: dict[str, dict[str, tuple[tuple[str, ...], Values]]] = {
    SERVER: {
        "server.configurationId": (EXACT, lambda s, ctx: [s.configuration_id]),
        "server.hostName": (ALL, lambda s, ctx: _present(s.host_name)),
        "server.osName": (ALL, lambda s, ctx: _present(s.os_name)),
        "server.osVersion": (ALL, lambda s, ctx: _present(s.os_version)),
        "server.type": (EXACT, lambda s, ctx: [s.server_type]),
        "server.networkInterfaceInfo.ipAddress": (ALL, lambda s, ctx: _present(s.ip_address)),
        "server.tag.key": (ALL, lambda s, ctx: [k for k, _ in s.tags]),
        "server.tag.value": (ALL, lambda s, ctx: [v for _, v in s.tags]),
        "server.application.name": (ALL, lambda s, ctx: [a.name for a in _apps_of(ctx, s)]),
        "server.application.description": (ALL, lambda s, ctx: [a.description for a in _apps_of(ctx, s)]),
        "server.application.configurationId": (EXACT, lambda s, ctx: [a.application_id for a in _apps_of(ctx, s)]),
    },
    APPLICATION: {
        "application.configurationId": (EXACT, lambda a, ctx: [a.application_id]),
        "application.name": (ALL, lambda a, ctx: [a.name]),
        "application.description": (ALL, lambda a, ctx: [a.description]),
        "server.configurationId": (EXACT, lambda a, ctx: a.items),
    },
}
#: configuration type -> the fields its items can be sorted by
SORTABLE: dict[str, tuple[str, ...]] = {
    SERVER: ("server.hostName", "server.osName", "server.osVersion"),
    APPLICATION: (
        "application.name",
        "application.description",
        "application.serverCount",
        "application.timeOfCreation",
        "application.lastModifiedTime",
    ),
}


def _ordered(ctx: Context, kind: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    order = ctx.body.get("orderBy") or []
    for index, element in enumerate(order):
        if element["fieldName"] not in SORTABLE[kind]:
            raise ServiceError(
                INVALID,
                f"{ctx.operation}: $.orderBy[{index}].fieldName: {element['fieldName']!r} cannot sort "
                f"{kind} items; use one of {', '.join(SORTABLE[kind])}",
            )
    # The first element sorts last: Python's sort is stable.
    for element in reversed(order):
        field = element["fieldName"]
        numeric = field == "application.serverCount"
        rows.sort(
            key=lambda row: int(row[field]) if numeric else row.get(field, ""),
            reverse=element.get("sortOrder") == "DESC",
        )
    return rows


def _rows(ctx: Context, kind: str, items: list[Any]) -> list[dict[str, str]]:
    if kind == SERVER:
        return [item.listing() for item in items]
    return [item.description_json() for item in items]


@handles("ListConfigurations")
def list_configurations(ctx: Context) -> Answer:
    kind = ctx.body["configurationType"]
    if kind not in FILTERS:
        # The fake discovers no processes or connections.
        return {"configurations": []}
    found = inventory(ctx)
    items: list[Any] = list((found.discovered if kind == SERVER else found.applications).values())
    rows = _ordered(ctx, kind, _rows(ctx, kind, filtered(ctx, FILTERS[kind], items, f"{kind} items")))
    request = {name: ctx.body.get(name) for name in ("filters", "orderBy")}
    return page(ctx, "configurations", f"{kind}:{json.dumps(request, sort_keys=True)}", rows)


def _item(ctx: Context, configuration_id: str) -> tuple[str, Tagged] | None:
    server = inventory(ctx).discovered.get(configuration_id)
    if server is not None:
        return SERVER, server
    application = inventory(ctx).applications.get(configuration_id)
    return (APPLICATION, application) if application is not None else None


def _unknown(ctx: Context, configuration_id: str, code: str = INVALID) -> ServiceError:
    return ServiceError(
        code,
        f"{ctx.operation}: Application Discovery Service has no configuration item {configuration_id!r}; "
        f"in a test, add it first with mhub_fake.add_discovered_resource({configuration_id!r}) "
        "or mhub_fake.add_application()",
    )


@handles("DescribeConfigurations")
def describe_configurations(ctx: Context) -> Answer:
    rows: list[dict[str, str]] = []
    kinds = set()
    for configuration_id in ctx.body["configurationIds"]:
        found = _item(ctx, configuration_id)
        if found is None:
            raise _unknown(ctx, configuration_id)
        kind, item = found
        kinds.add(kind)
        if isinstance(item, DiscoveredServer):
            rows.append(item.description(_apps_of(ctx, item)))
        elif isinstance(item, Application):
            rows.append(item.description_json())
    if len(kinds) > 1:
        raise ServiceError(
            INVALID, f"DescribeConfigurations: $.configurationIds: name items of one type only; got {sorted(kinds)}"
        )
    return {"configurations": rows}


# --- applications --------------------------------------------------------------


def _application(ctx: Context, application_id: str) -> Application:
    application = inventory(ctx).applications.get(application_id)
    if application is None:
        raise ServiceError(
            INVALID,
            f"{ctx.operation}: Application Discovery Service has no application {application_id!r}; "
            "create it with CreateApplication (in a test: mhub_fake.add_application()) first",
        )
    return application


@handles("CreateApplication")
def create_application(ctx: Context) -> Answer:
    body = ctx.body
    application_id = new_configuration_id("application")
    inventory(ctx).applications[application_id] = Application(
        application_id, name=body["name"], description=body.get("description", ""), wave=body.get("wave")
    )
    return {"configurationId": application_id}


@handles("UpdateApplication")
def update_application(ctx: Context) -> Answer:
    body = ctx.body
    _application(ctx, body["configurationId"]).update(body.get("name"), body.get("description"), body.get("wave"))
    return {}


@handles("DeleteApplications")
def delete_applications(ctx: Context) -> Answer:
    ids = ctx.body["configurationIds"]
    for application_id in ids:
        _application(ctx, application_id)
    # Gone from Migration Hub too: the two services share the record.
    for application_id in ids:
        inventory(ctx).applications.pop(application_id, None)
    return {}


def _servers(ctx: Context) -> list[str]:
    ids = ctx.body["configurationIds"]
    for configuration_id in ids:
        if configuration_id in inventory(ctx).applications:
            raise ServiceError(
                INVALID,
                f"{ctx.operation}: {configuration_id!r} is an application; only servers are associated "
                "with an application",
            )
        if configuration_id not in inventory(ctx).discovered:
            raise ServiceError(
                INVALID,
                f"{ctx.operation}: Application Discovery Service has no server {configuration_id!r}; in a test, "
                f"add it first with mhub_fake.add_discovered_resource({configuration_id!r})",
            )
    return list(ids)


@handles("AssociateConfigurationItemsToApplication")
def associate_configuration_items_to_application(ctx: Context) -> Answer:
    application = _application(ctx, ctx.body["applicationConfigurationId"])
    application.associate(_servers(ctx))
    return {}


@handles("DisassociateConfigurationItemsFromApplication")
def disassociate_configuration_items_from_application(ctx: Context) -> Answer:
    application = _application(ctx, ctx.body["applicationConfigurationId"])
    application.disassociate(_servers(ctx))
    return {}


# --- tags --------------------------------------------------------------------


def _tagged(ctx: Context) -> list[Tagged]:
    items = []
    for configuration_id in ctx.body["configurationIds"]:
        found = _item(ctx, configuration_id)
        if found is None:
            raise _unknown(ctx, configuration_id, "ResourceNotFoundException")
        items.append(found[1])
    return items


@handles("CreateTags")
def create_tags(ctx: Context) -> Answer:
    for item in _tagged(ctx):
        for tag in ctx.body["tags"]:
            item.add_tag(tag["key"], tag["value"])
    return {}


@handles("DeleteTags")
def delete_tags(ctx: Context) -> Answer:
    tags = ctx.body.get("tags")
    pairs = None if tags is None else [(t["key"], t["value"]) for t in tags]
    for item in _tagged(ctx):
        item.remove_tags(pairs)
    return {}


#: DescribeTags filter name -> the member of a ConfigurationTag it matches
_TAG_FILTERS = {"tagKey": "key", "tagValue": "value", "configurationId": "configurationId"}


@handles("DescribeTags")
def describe_tags(ctx: Context) -> Answer:
    found = inventory(ctx)
    items: list[tuple[str, str, Tagged]] = [(SERVER, i, s) for i, s in found.discovered.items()]
    items += [(APPLICATION, i, a) for i, a in found.applications.items()]
    rows = [row for kind, cid, item in items for row in item.tag_rows(kind, cid)]
    for index, spec in enumerate(ctx.body.get("filters") or ()):
        member = _TAG_FILTERS.get(spec["name"])
        if member is None:
            raise ServiceError(
                INVALID,
                f"DescribeTags: $.filters[{index}].name: {spec['name']!r} is not a tag filter; "
                f"use one of {', '.join(_TAG_FILTERS)}",
            )
        if member == "configurationId":
            for configuration_id in spec["values"]:
                if _item(ctx, configuration_id) is None:
                    raise _unknown(ctx, configuration_id, "ResourceNotFoundException")
        rows = [row for row in rows if row[member] in spec["values"]]
    return page(ctx, "tags", json.dumps(ctx.body.get("filters"), sort_keys=True), rows)


# --- the summary ------------------------------------------------------------------

#: each collector summary's name, the seven counts it holds, and the agent types it counts
#: (any other type is an agent's)
_SUMMARIES = {
    "agentSummary": ("Agents", "blackListed", ()),
    "connectorSummary": ("Connectors", "blackListed", ("CONNECTOR",)),
    "meCollectorSummary": ("MeCollectors", "denyListed", ("ME_COLLECTOR",)),
    "agentlessCollectorSummary": ("AgentlessCollectors", "denyListed", ("AGENTLESS_COLLECTOR",)),
}
#: which count an agent's health adds to
_HEALTH_COUNT = {"HEALTHY": "healthy", "RUNNING": "healthy", "UNHEALTHY": "unhealthy", "SHUTDOWN": "shutdown"}


def _collector_counts(agents: list[Agent], noun: str, listed: str) -> dict[str, int]:
    counts = dict.fromkeys(("active", "healthy", listed, "shutdown", "unhealthy", "total", "unknown"), 0)
    for agent in agents:
        counts["total"] += 1
        counts["active"] += agent.collection_status == "STARTED"
        counts[listed if agent.health == "BLACKLISTED" else _HEALTH_COUNT.get(agent.health, "unknown")] += 1
    return {f"{count}{noun}": value for count, value in counts.items()}


def _summary_of(agent: Agent) -> str:
    kind = agent.agent_type
    return next((name for name, (_, _, types) in _SUMMARIES.items() if kind in types), "agentSummary")


@handles("GetDiscoverySummary")
def get_discovery_summary(ctx: Context) -> Answer:
    found = inventory(ctx)
    mapped = {i for a in found.applications.values() for i in a.items if i in found.discovered}
    out: dict[str, Any] = {
        "servers": len(found.discovered),
        "applications": len(found.applications),
        "serversMappedToApplications": len(mapped),
        "serversMappedtoTags": sum(1 for s in found.discovered.values() if s.tags),
    }
    for summary, (noun, listed, _types) in _SUMMARIES.items():
        agents = [a for a in found.agents.values() if _summary_of(a) == summary]
        out[summary] = _collector_counts(agents, noun, listed)
    return out
