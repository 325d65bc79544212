"""What Application Discovery Service keeps, as a scenario's ``discovery`` holds it: its records.

Servers, applications, agents, connections, import files and the records
deleted per day, each as a list (or an object) in the order held, times as
epoch seconds; a member with nothing in it is left out. A load checks each
value as the service (or the seeding method that stands for it) would, and
names the field of the first bad one. The tasks are in ``.scenario_tasks``;
the inventory puts both together (``Inventory.dump`` and ``Inventory.load``).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any, Protocol

from .._core import TIMESTAMP_MAX, TIMESTAMP_MIN, Where, catalog, compile_check, epoch, explainer, from_epoch
from .columns import KEPT, MAX_VALUE, NUMBERS, number_problem
from .jobs import AGENT_HEALTH, IMPORT_URL, Agent, Connection, ContinuousExport, DeletionTask, ExportTask, ImportTask
from .records import SERVER_TYPES, Application, DiscoveredServer, Tagged


class Held(Protocol):
    """What an inventory holds (``.inventory`` imports this module: it is named by its members here)."""

    discovered: dict[str, DiscoveredServer]
    applications: dict[str, Application]
    agents: dict[str, Agent]
    connections: list[Connection]
    import_files: dict[str, bytes]
    import_tasks: dict[str, ImportTask]
    export_tasks: dict[str, ExportTask]
    deletions: dict[str, DeletionTask]
    continuous_exports: dict[str, ContinuousExport]
    deleted_records: dict[date, int]


#: one member of a scenario's ``discovery``: its key, its JSON kind, how an inventory dumps it, how one
#: loads it (``load(inventory, value, where)`` fills the inventory in)
Section = tuple[str, type, Callable[[Held], Any], Callable[[Held, Any, Where], None]]


# --- checking values ------------------------------------------------------------------------------


def shown(value: Any) -> str:
    """A value as a message shows it: JSON, cut short."""
    return json.dumps(value, default=repr)[:60]


@cache
def _rule(operation: str, path: tuple[str, ...]) -> tuple[Callable[[Any], bool], dict[str, Any]] | None:
    """The check and the schema of a request member (``"[]"``: a list's items); None: not modelled."""
    op = catalog().by_name.get(operation)
    if op is None:
        return None
    schema = op.schema
    for step in path:
        if step != "[]" and step not in schema.get("properties", {}):
            return None  # an older botocore models no such member
        schema = schema["items"] if step == "[]" else schema["properties"][step]
    return compile_check(schema), schema


def valid(where: Where, value: Any, operation: str, *path: str) -> None:
    """Refuse ``value`` where ``operation`` would refuse it as its member ``path``."""
    rule = _rule(operation, path)
    member = next(step for step in reversed(path) if step != "[]")
    if rule is None:
        raise where.fail(f"this botocore models no {member} in {operation}, so the fake keeps none")
    check, schema = rule
    if not check(value):
        problems = sorted({error.message for error in explainer(schema).iter_errors(value)})
        raise where.fail(f"{'; '.join(problems)} (as {operation} would refuse it as {member})")


def whole(where: Where, value: Any, operation: str) -> None:
    """Refuse a request body ``operation`` would refuse."""
    op = catalog().by_name.get(operation)
    if op is None:
        raise where.fail(f"this botocore models no {operation}, so the fake keeps no such request")
    if not op.check(value):
        raise where.fail(op.explain(value).split(": ", 1)[1] + f" (as {operation} would refuse it)")


def moment(where: Where, held: Any, key: str) -> datetime:
    """``held[key]``: a time, in epoch seconds."""
    if not isinstance(held, dict) or key not in held:
        where.get(held, key, float)  # the core's error: not an object, or the member is missing
    value = held[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise (where / key).fail(f"must be a time in epoch seconds; got {shown(value)}")
    if not math.isfinite(value) or not TIMESTAMP_MIN <= value <= TIMESTAMP_MAX:
        raise (where / key).fail(f"is not a time (epoch seconds from year 1 to 9999); got {shown(value)}")
    return from_epoch(value)


def maybe_moment(where: Where, held: Any, key: str) -> datetime | None:
    if not isinstance(held, dict) or held.get(key) is None:
        return None
    return moment(where, held, key)


def text(where: Where, held: Any, key: str, *, least: int = 0, most: int = MAX_VALUE) -> str:
    """``held[key]``: a string of ``least`` to ``most`` characters."""
    value: str = where.get(held, key, str)
    if not least <= len(value) <= most:
        raise (where / key).fail(f"must be {least} to {most} characters; got {len(value)}")
    return value


def maybe_text(where: Where, held: Any, key: str, *, least: int = 0, most: int = MAX_VALUE) -> str | None:
    if where.get(held, key, str, optional=True) is None:
        return None
    return text(where, held, key, least=least, most=most)


def one_of(where: Where, held: Any, key: str, choices: tuple[str, ...]) -> str:
    value: str = where.get(held, key, str)
    if value not in choices:
        raise (where / key).fail(f"must be one of {', '.join(choices)}; got {shown(value)}")
    return value


@cache
def _enum(shape: str) -> tuple[str, ...]:
    model = catalog().models["discovery"]
    return tuple(model.shape_for(shape).enum or ()) if shape in model.shape_names else ()


def modelled(where: Where, held: Any, key: str, shape: str) -> str:
    """``held[key]``: a value of the enum ``shape`` of the installed botocore's model of ADS."""
    value: str = where.get(held, key, str)
    if not _enum(shape):
        raise (where / key).fail(f"this botocore models no {shape}, so the fake keeps none")
    if value not in _enum(shape):
        raise (where / key).fail(f"must be one of {', '.join(_enum(shape))} ({shape}); got {shown(value)}")
    return value


def count(where: Where, held: Any, key: str, *, least: int = 0) -> int:
    """``held[key]``: a whole number of ``least`` or more."""
    value: int = where.get(held, key, int)
    if value < least:
        raise (where / key).fail(f"must be {least} or more; got {value}")
    return value


def strings(where: Where, held: Any, key: str) -> list[str]:
    """``held[key]``, a list of strings ([] when left out)."""
    values = where.get(held, key, list, optional=True) or []
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise (where / key / index).fail(f"must be a string; got {shown(value)}")
    return list(values)


def entries(where: Where, held: Any, key: str, kinds: tuple[Any, ...], what: str) -> list[tuple[Any, ...]]:
    """``held[key]``, a list of lists of ``len(kinds)`` values of those kinds, as tuples ([] when left out)."""
    out = []
    for index, row in enumerate(where.get(held, key, list, optional=True) or []):
        if not (isinstance(row, list) and len(row) == len(kinds) and all(map(isinstance, row, kinds))):
            raise (where / key / index).fail(f"must be {what}; got {shown(row)}")
        out.append(tuple(row))
    return out


def content(where: Where, encoded: Any) -> bytes:
    """Bytes a scenario holds as base64."""
    if not isinstance(encoded, str):
        raise where.fail(f"must be a string of base64; got {shown(encoded)}")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise where.fail("is not base64") from None


def encoded(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def field_value(where: Where, column: str, value: Any) -> None:
    """Refuse an imported field an import would not have kept: a column of the template, a value."""
    if column not in KEPT:
        raise where.fail(f"{shown(column)} is not a column a server keeps; use one of {', '.join(KEPT)}")
    if not isinstance(value, str) or not 0 < len(value) <= MAX_VALUE:
        raise where.fail(f"must be a string of 1 to {MAX_VALUE} characters; got {shown(value)}")
    problem = number_problem(column, value) if column in NUMBERS else None
    if problem:
        raise where.fail(problem)


def unique(where: Where, seen: dict[str, Any] | set[str], key: str, what: str) -> None:
    if key in seen:
        raise where.fail(f"the {what} {key!r} is listed twice")


# --- servers and applications ------------------------------------------------------------------------

_NAMED = ("host_name", "os_name", "os_version", "ip_address")
_SERVER = ("configuration_id", *_NAMED, "server_type", "time_of_creation", "imported", "tags")


def _dump_tags(item: Tagged) -> list[dict[str, Any]]:
    return [{"key": k, "value": v, "time_of_creation": epoch(t)} for k, v, t in item.tag_times]


def _load_tags(item: Tagged, held: Any, where: Where) -> None:
    seen: set[tuple[str, str]] = set()
    for index, tag in enumerate(where.get(held, "tags", list, optional=True) or []):
        at = where / "tags" / index
        pair = (at.get(tag, "key", str), at.get(tag, "value", str))
        at.only(tag, ("key", "value", "time_of_creation"))
        if pair in seen:
            raise at.fail(f"the tag {pair[0]}={pair[1]} is listed twice")
        seen.add(pair)
        item.add_tag(*pair, moment(at, tag, "time_of_creation"))


def _dump_server(server: DiscoveredServer) -> dict[str, Any]:
    out: dict[str, Any] = {"configuration_id": server.configuration_id}
    out.update((name, getattr(server, name)) for name in _NAMED if getattr(server, name) is not None)
    out.update(server_type=server.server_type, time_of_creation=epoch(server.time_of_creation))
    if server.imported:
        out["imported"] = dict(server.imported)
    tags = _dump_tags(server)
    if tags:
        out["tags"] = tags
    return out


def _load_server(held: Any, where: Where) -> DiscoveredServer:
    configuration_id = where.get(held, "configuration_id", str)
    where.only(held, _SERVER)
    at = where / "configuration_id"
    valid(at, configuration_id, "AssociateDiscoveredResource", "DiscoveredResource", "ConfigurationId")
    server = DiscoveredServer(
        configuration_id,
        host_name=maybe_text(where, held, "host_name"),
        os_name=maybe_text(where, held, "os_name"),
        os_version=maybe_text(where, held, "os_version"),
        ip_address=maybe_text(where, held, "ip_address"),
        server_type=one_of(where, held, "server_type", SERVER_TYPES),
        time_of_creation=moment(where, held, "time_of_creation"),
    )
    for column, value in (where.get(held, "imported", dict, optional=True) or {}).items():
        field_value(where / "imported" / column, column, value)
        server.imported[column] = value
    _load_tags(server, held, where)
    return server


def _load_servers(inventory: Held, listed: list[Any], where: Where) -> None:
    for index, held in enumerate(listed):
        server = _load_server(held, where / index)
        unique(where / index / "configuration_id", inventory.discovered, server.configuration_id, "server")
        inventory.discovered[server.configuration_id] = server


_APPLICATION = (
    "application_id",
    "name",
    "description",
    "wave",
    "status",
    "last_updated_time",
    "time_of_creation",
    "last_modified_time",
    "items",
    "tags",
)


def _dump_application(application: Application) -> dict[str, Any]:
    out: dict[str, Any] = {"application_id": application.application_id}
    if application.name != application.application_id:  # an application seeded without a name is called by its id
        out["name"] = application.name
    if application.description:
        out["description"] = application.description
    out.update((k, v) for k, v in (("wave", application.wave), ("status", application.status)) if v is not None)
    if application.last_updated_time is not None:
        out["last_updated_time"] = epoch(application.last_updated_time)
    out["time_of_creation"] = epoch(application.time_of_creation)
    out["last_modified_time"] = epoch(application.last_modified_time)
    if application.items:
        out["items"] = application.items
    tags = _dump_tags(application)
    if tags:
        out["tags"] = tags
    return out


def _load_application(inventory: Held, held: Any, where: Where) -> Application:
    application_id = where.get(held, "application_id", str)
    where.only(held, _APPLICATION)
    valid(where / "application_id", application_id, "NotifyApplicationState", "ApplicationId")
    unique(where / "application_id", inventory.applications, application_id, "application")
    for member in ("name", "description", "wave"):
        value = where.get(held, member, str, optional=True)
        # An older botocore models no wave: the fake keeps the one an import gave, unchecked.
        if value is not None and (member != "wave" or _rule("CreateApplication", (member,)) is not None):
            valid(where / member, value, "CreateApplication", member)
    status = where.get(held, "status", str, optional=True)
    if status is not None:
        valid(where / "status", status, "NotifyApplicationState", "Status")
    application = Application(
        application_id,
        status=status,
        last_updated_time=maybe_moment(where, held, "last_updated_time"),
        name=held.get("name") or "",
        description=held.get("description") or "",
        wave=held.get("wave"),
        time_of_creation=moment(where, held, "time_of_creation"),
        last_modified_time=moment(where, held, "last_modified_time"),
    )
    items = strings(where, held, "items")
    for index, item in enumerate(items):
        if item not in inventory.discovered:
            raise (where / "items" / index).fail(f"names the server {item!r}, which the scenario lacks")
    if len(set(items)) != len(items):
        raise (where / "items").fail("names a server twice")
    application.associate(items)
    _load_tags(application, held, where)
    return application


def _load_applications(inventory: Held, listed: list[Any], where: Where) -> None:
    for index, held in enumerate(listed):
        application = _load_application(inventory, held, where / index)
        inventory.applications[application.application_id] = application


# --- agents and connections ------------------------------------------------------------------------------

_AGENT_TEXTS = ("host_name", "ip_address", "mac_address", "connector_id", "version")
_AGENT = (
    "agent_id",
    "agent_type",
    *_AGENT_TEXTS,
    "health",
    "collection_status",
    "registered_time",
    "last_health_ping_time",
)


def dump_agent(agent: Agent) -> dict[str, Any]:
    out: dict[str, Any] = {"agent_id": agent.agent_id, "agent_type": agent.agent_type}
    out.update((name, getattr(agent, name)) for name in _AGENT_TEXTS if getattr(agent, name) is not None)
    out.update(health=agent.health, collection_status=agent.collection_status)
    out["registered_time"] = epoch(agent.registered_time)
    out["last_health_ping_time"] = epoch(agent.last_health_ping_time)
    return out


def load_agent(held: Any, where: Where) -> Agent:
    agent_id = where.get(held, "agent_id", str)
    where.only(held, _AGENT)
    valid(where / "agent_id", agent_id, "StartDataCollectionByAgentIds", "agentIds", "[]")
    agent = Agent(agent_id, text(where, held, "agent_type", least=1))
    for name in _AGENT_TEXTS:
        setattr(agent, name, maybe_text(where, held, name, least=1))
    agent.health = one_of(where, held, "health", AGENT_HEALTH)
    agent.collection_status = text(where, held, "collection_status", least=1)
    agent.registered_time = moment(where, held, "registered_time")
    agent.last_health_ping_time = moment(where, held, "last_health_ping_time")
    return agent


def _load_agents(inventory: Held, listed: list[Any], where: Where) -> None:
    for index, held in enumerate(listed):
        agent = load_agent(held, where / index)
        unique(where / index / "agent_id", inventory.agents, agent.agent_id, "agent")
        inventory.agents[agent.agent_id] = agent


def _dump_connection(connection: Connection) -> dict[str, Any]:
    out: dict[str, Any] = {"source": connection.source, "destination": connection.destination}
    if connection.port is not None:
        out["port"] = connection.port
    if connection.transport_protocol is not None:
        out["transport_protocol"] = connection.transport_protocol
    out["count"] = connection.count
    return out


def _load_connection(inventory: Held, held: Any, where: Where) -> Connection:
    ends = [where.get(held, end, str) for end in ("source", "destination")]
    where.only(held, ("source", "destination", "port", "transport_protocol", "count"))
    for end, server in zip(("source", "destination"), ends, strict=True):
        if server not in inventory.discovered:
            raise (where / end).fail(f"names the server {server!r}, which the scenario lacks")
    if ends[0] == ends[1]:
        raise (where / "destination").fail("a connection is between two servers; it names the source again")
    port = where.get(held, "port", int, optional=True)
    if port is not None and not 0 <= port <= 65535:
        raise (where / "port").fail(f"must be 0 to 65535; got {port}")
    protocol = maybe_text(where, held, "transport_protocol", least=1)
    return Connection(ends[0], ends[1], port, protocol, count(where, held, "count", least=1))


def _load_connections(inventory: Held, listed: list[Any], where: Where) -> None:
    inventory.connections = [_load_connection(inventory, held, where / i) for i, held in enumerate(listed)]


# --- import files ----------------------------------------------------------------------


def _dump_file(url: str, data: bytes) -> dict[str, str]:
    try:
        return {"url": url, "text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"url": url, "base64": encoded(data)}


def _load_files(inventory: Held, listed: list[Any], where: Where) -> None:
    for index, held in enumerate(listed):
        at = where / index
        url = at.get(held, "url", str)
        at.only(held, ("url", "text", "base64"))
        if not IMPORT_URL.match(url):
            raise (at / "url").fail("must be an object URL such as 's3://bucket/import.csv'")
        unique(at / "url", inventory.import_files, url, "import file")
        if ("text" in held) == ("base64" in held):
            raise at.fail("holds its content as text or as base64: give one of them")
        if "base64" in held:
            inventory.import_files[url] = content(at / "base64", held["base64"])
            continue
        try:
            inventory.import_files[url] = at.get(held, "text", str).encode("utf-8")
        except UnicodeEncodeError:
            raise (at / "text").fail("holds text UTF-8 cannot encode (a lone surrogate)") from None


#: the records' members of a scenario's ``discovery``, in the order they are loaded
RECORDS: tuple[Section, ...] = (
    ("servers", list, lambda held: [_dump_server(s) for s in held.discovered.values()], _load_servers),
    ("applications", list, lambda held: [_dump_application(a) for a in held.applications.values()], _load_applications),
    ("agents", list, lambda held: [dump_agent(a) for a in held.agents.values()], _load_agents),
    ("connections", list, lambda held: [_dump_connection(c) for c in held.connections], _load_connections),
    ("import_files", list, lambda held: [_dump_file(u, d) for u, d in held.import_files.items()], _load_files),
)
