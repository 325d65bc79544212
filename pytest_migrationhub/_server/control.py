"""The control API under ``/mhub-api/``: a suite in any language inspects and steers the fake.

Each route is declared once, by :func:`route` on the method that answers it.
The method's keyword parameters are the route's fields: a ``GET`` reads them
from the query string, a write from the JSON body. Their annotations say which
JSON types they take, and a parameter without a default is required. Adding a
route is one method here plus its row in the README's table.
"""

from __future__ import annotations

import inspect
import json
import sys
import traceback
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qs

from .._core import MigrationHubFakeError, Response, ScenarioError, error_body
from .._version import __version__
from .hosts import WRITES
from .views import (
    agent_json,
    application_json,
    call_json,
    connection_json,
    export_task_json,
    fault_json,
    import_task_json,
    server_json,
    task_json,
)

if TYPE_CHECKING:
    from .._fake import MigrationHubFake

#: the control API's path prefix
CONTROL_PREFIX = "/mhub-api/"
#: what the control API reads and writes
CONTROL_JSON = "application/json"

_NONE = type(None)
_TYPE_NAMES = {str: "a string", int: "an integer", _NONE: "null"}
Handler = TypeVar("Handler", bound=Callable[..., Any])
#: field -> (the JSON types it takes, whether it is required), in the handler's order
Fields = dict[str, tuple[tuple[type, ...], bool]]


class ControlError(Exception):
    """A control API request that cannot be honoured: answered as JSON, never raised further."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def _bad_request(message: str) -> ControlError:
    return ControlError(400, "BadRequestException", message)


@dataclass(frozen=True)
class Route:
    """One route: the method of :class:`ControlAPI` that answers it and the fields it takes."""

    method: str
    path: str
    handler: Callable[..., Any]
    fields: Fields
    #: it takes the whole JSON body as ``document``, and its fields from the query string
    document: bool = False

    @property
    def label(self) -> str:
        return f"{self.method} {CONTROL_PREFIX}{self.path}"


def _check_fields(label: str, where: str, values: Mapping[str, Any], spec: Fields) -> None:
    """Refuse unknown, missing and mistyped values (400), naming them."""
    unknown = sorted(set(values) - set(spec))
    if unknown:
        known = ", ".join(sorted(spec)) or "none"
        raise _bad_request(f"{label}: unknown {where} {', '.join(repr(u) for u in unknown)}; known: {known}")
    for name, (types, required) in spec.items():
        if name not in values:
            if required:
                raise _bad_request(f"{label}: the {where} {name!r} is required")
            continue
        value = values[name]
        # JSON true/false are not integers here.
        if isinstance(value, bool) or not isinstance(value, types):
            wanted = " or ".join(_TYPE_NAMES[t] for t in types)
            raise _bad_request(f"{label}: the {where} {name!r} must be {wanted}; got {json.dumps(value)}")


#: (method, path after the prefix) -> the route, in the order declared
ROUTES: dict[tuple[str, str], Route] = {}


def route(method: str, path: str) -> Callable[[Handler], Handler]:
    """Declare the decorated method as the answer to ``method /mhub-api/path``."""

    def declare(handler: Handler) -> Handler:
        hints = typing.get_type_hints(handler)
        fields: Fields = {}
        parameters = inspect.signature(handler).parameters
        for name, parameter in parameters.items():
            if name == "document":
                continue
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                types = typing.get_args(hints[name]) or (hints[name],)
                if not set(types) <= set(_TYPE_NAMES):
                    raise TypeError(f"{method} {path}: the field {name!r} must be str, int or Optional of one")
                fields[name] = (types, parameter.default is inspect.Parameter.empty)
        ROUTES[(method, path)] = Route(method, path, handler, fields, "document" in parameters)
        return handler

    return declare


# --- the routes -----------------------------------------------------------------------


class ControlAPI:
    """The control API of one fake: one method per route, each taking the fields it reads."""

    def __init__(self, fake: MigrationHubFake) -> None:
        self.fake = fake

    @route("GET", "")
    def index(self) -> Any:
        """The version and the routes: a health check."""
        routes = [r.label for r in ROUTES.values()]
        return {"service": "pytest-migrationhub", "version": __version__, "routes": routes}

    @route("POST", "reset")
    def reset(self, *, account: str | None = None) -> Any:
        """`reset()`: forget everything (with `account`, that account only), back to the initial home region."""
        self.fake.reset(account=account)
        return {}

    @route("GET", "state")
    def get_state(self, *, account: str | None = None) -> Any:
        """`snapshot()`: the scenario of everything the fake holds, or of one account."""
        return self.fake.snapshot(account=account)

    @route("PUT", "state")
    def put_state(self, *, document: dict[str, Any], account: str | None = None) -> Any:
        """`restore()`: hold the scenario in the body instead, all or nothing."""
        try:
            self.fake.restore(document, account=account)
        except ScenarioError as error:
            raise error.coming_from(f"PUT {CONTROL_PREFIX}state") from None
        return {}

    @route("GET", "streams")
    def get_streams(self, *, account: str | None = None) -> Any:
        """`streams`: `{"streams": ["SMS"]}`."""
        return {"streams": self.fake.account(account).streams}

    @route("POST", "streams")
    def add_stream(self, *, name: str, account: str | None = None) -> Any:
        """`add_stream()`."""
        self.fake.add_stream(name, account=account)
        return {}

    @route("GET", "tasks")
    def get_tasks(self, *, stream: str | None = None, account: str | None = None) -> Any:
        """`tasks()`: `{"tasks": [task, ...]}`."""
        return {"tasks": [task_json(t) for t in self.fake.tasks(stream, account=account)]}

    @route("POST", "tasks")
    def add_task(self, *, stream: str, task: str, account: str | None = None) -> Any:
        """`add_task()`: the task."""
        return task_json(self.fake.add_task(stream, task, account=account))

    @route("GET", "task")
    def get_task(self, *, stream: str, task: str, account: str | None = None) -> Any:
        """`task()`: the task, with every update."""
        return task_json(self.fake.task(stream, task, account=account))

    @route("GET", "stale-tasks")
    def stale_tasks(self, *, account: str | None = None) -> Any:
        """`stale_tasks()`: `{"stale_tasks": [{"stream", "task"}, ...]}`."""
        stale = self.fake.stale_tasks(account=account)
        return {"stale_tasks": [{"stream": s, "task": t} for s, t in stale]}

    @route("GET", "calls")
    def calls(self) -> Any:
        """`calls`: `{"calls": [{"operation", "service", "region", "account", "params", "error_code", "error_message", "injected"}, ...]}`."""
        return {"calls": [call_json(c) for c in self.fake.calls]}

    @route("GET", "home-region")
    def get_home_region(self, *, account: str | None = None) -> Any:
        """`home_region`: `{"home_region": "us-west-2"}` (`null`: unset)."""
        return {"home_region": self.fake.account(account).home_region}

    @route("PUT", "home-region")
    def set_home_region(self, *, home_region: str | None, account: str | None = None) -> Any:
        """`home_region = ...` (`null` unsets it)."""
        view = self.fake.account(account)
        view.home_region = home_region
        return {"home_region": view.home_region}

    @route("POST", "faults")
    def add_fault(
        self,
        *,
        operation: str,
        error_code: str,
        times: int | None = 1,
        message: str | None = None,
        retry_after_seconds: int | None = None,
    ) -> Any:
        """`fail()` (`times` defaults to 1; `null`: until cleared)."""
        self.fake.fail(operation, error_code, times=times, message=message, retry_after_seconds=retry_after_seconds)
        return {}

    @route("DELETE", "faults")
    def clear_faults(self) -> Any:
        """`clear_faults()`."""
        self.fake.clear_faults()
        return {}

    @route("GET", "faults")
    def get_faults(self) -> Any:
        """`faults`: each with the calls it has left to fail and how often it fired."""
        return {"faults": [fault_json(f) for f in self.fake.faults]}

    @route("GET", "denied")
    def get_denied(self) -> Any:
        """`denied`: `{"denied": ["ListMigrationTasks"]}`."""
        return {"denied": self.fake.denied}

    @route("POST", "deny")
    def deny(self, *, operation: str) -> Any:
        """`deny()`."""
        self.fake.deny(operation)
        return {}

    @route("POST", "allow")
    def allow(self, *, operation: str) -> Any:
        """`allow()`."""
        self.fake.allow(operation)
        return {}

    @route("GET", "accounts")
    def get_accounts(self) -> Any:
        """`accounts`: `{"accounts": [...]}`."""
        return {"accounts": self.fake.accounts}

    @route("POST", "accounts")
    def add_account(self, *, account: str, access_key_id: str | None = None) -> Any:
        """`add_account()`."""
        self.fake.add_account(account, access_key_id=access_key_id)
        return {}

    @route("GET", "applications")
    def get_applications(self, *, account: str | None = None) -> Any:
        """`applications()`: each with its name, description, items, tags and reported state."""
        return {"applications": [application_json(a) for a in self.fake.applications(account=account)]}

    @route("POST", "applications")
    def add_application(
        self,
        *,
        application_id: str,
        status: str | None = None,
        name: str | None = None,
        description: str | None = None,
        account: str | None = None,
    ) -> Any:
        """`add_application()`: the application."""
        application = self.fake.add_application(
            application_id, status=status, name=name, description=description, account=account
        )
        return application_json(application)

    @route("GET", "discovered-resources")
    def get_discovered_resources(self, *, account: str | None = None) -> Any:
        """`discovered_resources()`: each server's attributes and tags."""
        return {"discovered_resources": [server_json(s) for s in self.fake.discovered_resources(account=account)]}

    @route("POST", "discovered-resources")
    def add_discovered_resource(
        self,
        *,
        configuration_id: str,
        host_name: str | None = None,
        os_name: str | None = None,
        os_version: str | None = None,
        ip_address: str | None = None,
        server_type: str = "OTHER",
        account: str | None = None,
    ) -> Any:
        """`add_discovered_resource()`: the server."""
        server = self.fake.add_discovered_resource(
            configuration_id,
            host_name=host_name,
            os_name=os_name,
            os_version=os_version,
            ip_address=ip_address,
            server_type=server_type,
            account=account,
        )
        return server_json(server)

    @route("GET", "agents")
    def get_agents(self, *, account: str | None = None) -> Any:
        """`agents()`: each agent's health, collection status and the rest DescribeAgents reports."""
        return {"agents": [agent_json(a) for a in self.fake.agents(account=account)]}

    @route("POST", "agents")
    def add_agent(
        self,
        *,
        agent_id: str,
        agent_type: str = "AGENT",
        host_name: str | None = None,
        ip_address: str | None = None,
        mac_address: str | None = None,
        health: str = "HEALTHY",
        collection_status: str | None = None,
        connector_id: str | None = None,
        version: str | None = None,
        account: str | None = None,
    ) -> Any:
        """`add_agent()`: the agent."""
        agent = self.fake.add_agent(
            agent_id,
            agent_type=agent_type,
            host_name=host_name,
            ip_address=ip_address,
            mac_address=mac_address,
            health=health,
            collection_status=collection_status,
            connector_id=connector_id,
            version=version,
            account=account,
        )
        return agent_json(agent)

    @route("GET", "connections")
    def get_connections(self, *, account: str | None = None) -> Any:
        """`connections()`."""
        return {"connections": [connection_json(c) for c in self.fake.connections(account=account)]}

    @route("POST", "connections")
    def add_connection(
        self,
        *,
        source_id: str,
        destination_id: str,
        port: int | None = None,
        transport_protocol: str | None = None,
        count: int = 1,
        account: str | None = None,
    ) -> Any:
        """`add_connection()`: the connection."""
        connection = self.fake.add_connection(
            source_id, destination_id, port=port, transport_protocol=transport_protocol, count=count, account=account
        )
        return connection_json(connection)

    @route("POST", "import-files")
    def add_import_file(self, *, url: str, content: str, account: str | None = None) -> Any:
        """`add_import_file()`: `content` is the file's text."""
        self.fake.add_import_file(url, content, account=account)
        return {}

    @route("GET", "import-tasks")
    def get_import_tasks(self, *, account: str | None = None) -> Any:
        """`import_tasks()`: each as DescribeImportTasks gives it."""
        return {"import_tasks": [import_task_json(t) for t in self.fake.import_tasks(account=account)]}

    @route("GET", "export-tasks")
    def get_export_tasks(self, *, account: str | None = None) -> Any:
        """`export_tasks()`: each as DescribeExportTasks gives it, with `files`, the names in its zip."""
        return {"export_tasks": [export_task_json(t) for t in self.fake.export_tasks(account=account)]}

    @route("GET", "unexplained")
    def unexplained(self) -> Any:
        """`unexplained()`: what the fixture's strict teardown would fail with."""
        return {"problems": self.fake.unexplained()}

    # --- answering a request ------------------------------------------------------------

    def answer(self, method: str, path: str, query: str, content_type: str | None, body: bytes) -> Response:
        """Answer ``method /mhub-api/path?query``: JSON, also for every refusal and every bug."""
        return _answer(self, method, path, query, content_type, body)


def _answer(api: ControlAPI, method: str, path: str, query: str, content_type: str | None, body: bytes) -> Response:
    """Answer ``method /mhub-api/path?query``: JSON, also for every refusal and every bug."""
    label = f"{method} {CONTROL_PREFIX}{path.rstrip('/')}"
    headers = {"Content-Type": CONTROL_JSON}
    try:
        found = _find(method, path.rstrip("/"))
        if method in WRITES and _media_type(content_type) != CONTROL_JSON:
            raise ControlError(
                415,
                "UnsupportedMediaTypeException",
                f"{label}: Content-Type {content_type!r} is not accepted; control API writes "
                f"take Content-Type: {CONTROL_JSON}, with or without a body "
                f"(curl: -H 'Content-Type: {CONTROL_JSON}')",
            )
        # A GET reads its fields from the query string, a write from the body; a route that
        # takes the body whole as its document reads its fields from the query string.
        in_query = method == "GET" or found.document
        parameters = _query(label, query)
        _check_fields(label, "query parameter", parameters, found.fields if in_query else {})
        fields = _json_body(label, body)
        if found.document:
            fields = {"document": fields}
        else:
            _check_fields(label, "field", fields, {} if method == "GET" else found.fields)
        result = found.handler(api, **parameters, **fields)
        return 200, headers, json.dumps(result).encode()
    except ControlError as error:
        return error.status, {**headers, **error.headers}, error_body(error.code, error.message)
    except MigrationHubFakeError as error:
        return 400, headers, error_body("MigrationHubFakeError", str(error))
    except Exception as error:  # a bug: say so, and keep serving
        traceback.print_exc(file=sys.stderr)
        message = (
            f"{label} failed: {type(error).__name__}: {error} (a bug in pytest-migrationhub; "
            "the traceback is on the server's stderr)"
        )
        return 500, headers, error_body("InternalFailure", message)


def _media_type(content_type: str | None) -> str | None:
    return None if content_type is None else content_type.split(";", 1)[0].strip().lower()


def _find(method: str, path: str) -> Route:
    found = ROUTES.get((method, path))
    if found is not None:
        return found
    label = f"{method} {CONTROL_PREFIX}{path}"
    allowed: list[str] = sorted(m for (m, p) in ROUTES if p == path)
    if allowed:
        raise ControlError(
            405,
            "MethodNotAllowedException",
            f"{label} is not served; use {' or '.join(allowed)}",
            {"Allow": ", ".join(allowed)},
        )
    raise ControlError(404, "NotFoundException", f"no control API route {label}; GET {CONTROL_PREFIX} lists them")


def _query(label: str, query: str) -> dict[str, str]:
    parsed = parse_qs(query, keep_blank_values=True, strict_parsing=False)
    repeated = sorted(k for k, v in parsed.items() if len(v) > 1)
    if repeated:
        raise _bad_request(f"{label}: query parameter {repeated[0]!r} is given more than once")
    return {k: v[0] for k, v in parsed.items()}


def _json_body(label: str, body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        fields = json.loads(body)
    except ValueError:
        raise _bad_request(f"{label}: the body is not JSON") from None
    if not isinstance(fields, dict):
        raise _bad_request(f"{label}: the body must be a JSON object")
    return fields
