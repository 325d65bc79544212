"""Server mode: the fake behind a real HTTP endpoint that speaks AWS JSON 1.1.

A thin HTTP layer over :meth:`MigrationHubFake.handle`, so that the AWS CLI, a
Java service or a Node.js program can talk to the fake with
``--endpoint-url``, plus a JSON control API under ``/mhub-api/`` that lets a
suite in another language inspect and steer the fake as ``mhub_fake`` does in
Python. Standard library only.

* ``POST /`` with ``X-Amz-Target: AWSMigrationHub.<Operation>`` (or
  ``AWSMigrationHubMultiAccountService.<Operation>``) and
  ``Content-Type: application/x-amz-json-1.1`` is answered by the fake. The
  headers go through unchanged: the fake reads region and account from the
  SigV4 ``Authorization`` header's credential scope. Signatures are not
  checked.
* ``/mhub-api/...`` is the control API (see ``_ROUTES``); its writes take
  ``Content-Type: application/json`` only.
* What only a web page sends is refused: a ``Host`` other than a loopback
  name, the bound address or an allowed host (DNS rebinding), and a write
  with a foreign ``Origin``.
* Anything else gets an AWS-shaped JSON error (``{"__type", "Message"}``) and
  never takes the server down.

Every connection is served by its own daemon thread, kept alive between
requests (HTTP/1.1), and closed after ``timeout`` seconds without a byte from
the client. Stopping the server closes every connection at once.
"""

from __future__ import annotations

import errno
import functools
import http.server
import ipaddress
import json
import os
import re
import selectors
import socket
import socketserver
import sys
import sysconfig
import threading
import time
import traceback
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Tuple
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape

from ._errors import MigrationHubFakeError
from ._options import DEFAULT_HOME_REGION
from ._version import __version__
from ._wire import JSON_CONTENT_TYPE, TARGET_PREFIXES, Response, error_body, request_id

if TYPE_CHECKING:
    from ._fake import MigrationHubFake
    from ._state import Application, Call, MigrationTask, Update

#: the largest request body the server reads, in bytes (1 MiB); larger ones get 413
MAX_BODY = 1 << 20
#: seconds a connection may stay silent (before or between requests) before it is closed
DEFAULT_TIMEOUT = 60.0
#: the control API's path prefix
CONTROL_PREFIX = "/mhub-api/"
#: what the subprocess environment of ``client_env()`` signs with
DUMMY_ACCESS_KEY_ID = "testing"
DUMMY_SECRET_ACCESS_KEY = "testing"
#: service -> the variable botocore, the AWS CLI and the SDKs read its endpoint from
#: (AWS_ENDPOINT_URL_ + the service id, upper case, spaces and hyphens as underscores)
ENDPOINT_VARIABLES = {
    "mgh": "AWS_ENDPOINT_URL_MIGRATION_HUB",
    "migrationhub-config": "AWS_ENDPOINT_URL_MIGRATIONHUB_CONFIG",
}

#: an oversized body up to this size is read and dropped so the connection stays usable
_DRAIN_LIMIT = 16 << 20
_CONTROL_JSON = "application/json"
_DIGITS = re.compile(r"[0-9]+\Z")
_HEX = re.compile(r"[0-9A-Fa-f]+\Z")
_SAMPLE_TARGET = "AWSMigrationHub.NotifyMigrationTaskState"
#: the SigV4 signing names of the two services (both sign as mgh)
_OWN_SIGNING_NAMES = frozenset({"mgh", "migrationhub-config"})
_SCOPE_SERVICE = re.compile(r"Credential=[^/,\s]*/[^/,\s]*/[^/,\s]*/([^/,\s]+)/")
_ONLY_MIGRATION_HUB = (
    "this server fakes Migration Hub (mgh) and migrationhub-config only: point only those at it, with "
    f"{' and '.join(ENDPOINT_VARIABLES.values())} rather than AWS_ENDPOINT_URL"
)
#: how HomeRegionNotSetException tells a client of the server to set a home region
HOME_REGION_HINT = 'on this server: PUT /mhub-api/home-region with {"home_region": "us-west-2"}'
_ERROR_TYPES = {
    400: "BadRequestException",
    404: "UnknownOperationException",
    405: "MethodNotAllowedException",
    408: "RequestTimeoutException",
    411: "LengthRequiredException",
    413: "RequestEntityTooLargeException",
    414: "RequestURITooLongException",
    415: "UnsupportedMediaTypeException",
    417: "ExpectationFailedException",
    431: "RequestHeaderFieldsTooLargeException",
    500: "InternalFailure",
    501: "NotImplemented",
    505: "HTTPVersionNotSupportedException",
}

Answer = Callable[[str, bytes, Any], Response]


class _ControlError(Exception):
    """A control API request that cannot be honoured: answered as JSON, never raised further."""

    def __init__(self, status: int, code: str, message: str, headers: Optional[Dict[str, str]] = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) names only this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(value: str) -> str:
    """The name in a ``Host`` header or an allowed host: no port, no brackets, lower case."""
    name = value.strip()
    if name.startswith("["):
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    name = name.rstrip(".").lower()
    try:
        return ipaddress.ip_address(name).compressed
    except ValueError:
        return name


#: what a Host refusal lists as always answered
_LOOPBACK_NAMES = "localhost, 127.0.0.1 (any 127.x.y.z) and [::1]"
#: the methods that may change the fake; any other is a read
_WRITES = frozenset({"POST", "PUT", "DELETE", "PATCH"})
_HOST_CACHE_SIZE = 64


def loopback_warning(host: str) -> Optional[str]:
    """The warning to print when binding to ``host``, or ``None`` for a loopback address."""
    if is_loopback(host):
        return None
    return (
        f"warning: listening on {host}, which is not a loopback address: anything that can reach "
        "this machine can call the fake and its control API (no authentication)."
    )


# --- the control API ----------------------------------------------------------------

_NONE = type(None)
_STR = (str,)
_OPT_STR = (str, _NONE)
_OPT_INT = (int, _NONE)


def _iso(moment: Optional[datetime]) -> Dict[str, Any]:
    if moment is None:
        return {"iso": None, "epoch": None}
    return {"iso": moment.isoformat(), "epoch": moment.timestamp()}


def _update_json(update: "Update") -> Dict[str, Any]:
    when = _iso(update.update_date_time)
    return {
        "status": update.status,
        "status_detail": update.status_detail,
        "progress_percent": update.progress_percent,
        "update_date_time": when["iso"],
        "update_date_time_epoch": when["epoch"],
        "next_update_seconds": update.next_update_seconds,
    }


_UPDATE_KEYS = (
    "status",
    "status_detail",
    "progress_percent",
    "update_date_time",
    "update_date_time_epoch",
    "next_update_seconds",
)


def _task_json(task: "MigrationTask") -> Dict[str, Any]:
    from ._state import now

    updates = task.updates  # one snapshot: the latest state and the history agree
    latest = _update_json(updates[-1]) if updates else dict.fromkeys(_UPDATE_KEYS)
    return {
        "stream": task.stream,
        "name": task.name,
        **latest,
        "is_stale": bool(updates) and updates[-1].overdue_at(now()),
        "updates": [_update_json(u) for u in updates],
        "created_artifacts": task.created_artifacts,
        "discovered_resources": task.discovered_resources,
        "source_resources": task.source_resources,
        "resource_attributes": task.resource_attributes,
    }


def _call_json(call: "Call") -> Dict[str, Any]:
    return {
        "operation": call.operation,
        "service": call.service,
        "region": call.region,
        "account": call.account,
        "params": call.params,
        "error_code": call.error_code,
        "error_message": call.error_message,
    }


def _application_json(application: "Application") -> Dict[str, Any]:
    when = _iso(application.last_updated_time)
    return {
        "application_id": application.application_id,
        "status": application.status,
        "last_updated_time": when["iso"],
        "last_updated_time_epoch": when["epoch"],
    }


class _Control:
    """The control API: one method per route, each taking the parsed query and body."""

    def __init__(self, fake: "MigrationHubFake") -> None:
        self.fake = fake

    # GET /mhub-api/
    def index(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        return {
            "service": "pytest-migrationhub",
            "version": __version__,
            "routes": [f"{method} {CONTROL_PREFIX}{path}" for (method, path) in _ROUTES],
        }

    def reset(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        self.fake.reset()
        return {}

    def get_streams(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        return {"streams": self.fake.account(q.get("account")).streams}

    def add_stream(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        self.fake.add_stream(b["name"], account=b.get("account"))
        return {}

    def get_tasks(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        tasks = self.fake.tasks(q.get("stream"), account=q.get("account"))
        return {"tasks": [_task_json(t) for t in tasks]}

    def add_task(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        return _task_json(self.fake.add_task(b["stream"], b["task"], account=b.get("account")))

    def get_task(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        return _task_json(self.fake.task(q["stream"], q["task"], account=q.get("account")))

    def stale_tasks(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        stale = self.fake.stale_tasks(account=q.get("account"))
        return {"stale_tasks": [{"stream": s, "task": t} for s, t in stale]}

    def calls(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        return {"calls": [_call_json(c) for c in self.fake.calls]}

    def get_home_region(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        return {"home_region": self.fake.account(q.get("account")).home_region}

    def set_home_region(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        account = self.fake.account(b.get("account"))
        account.home_region = b["home_region"]
        return {"home_region": account.home_region}

    def add_fault(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        self.fake.fail(
            b["operation"],
            b["error_code"],
            times=b.get("times", 1),
            message=b.get("message"),
            retry_after_seconds=b.get("retry_after_seconds"),
        )
        return {}

    def clear_faults(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        self.fake.clear_faults()
        return {}

    def deny(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        self.fake.deny(b["operation"])
        return {}

    def allow(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        self.fake.allow(b["operation"])
        return {}

    def get_accounts(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        return {"accounts": self.fake.accounts}

    def add_account(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        self.fake.add_account(b["account"], access_key_id=b.get("access_key_id"))
        return {}

    def get_applications(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        apps = self.fake.applications(account=q.get("account"))
        return {"applications": [_application_json(a) for a in apps]}

    def add_application(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        app = self.fake.add_application(
            b["application_id"], status=b.get("status"), account=b.get("account")
        )
        return _application_json(app)

    def add_discovered_resource(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        self.fake.add_discovered_resource(b["configuration_id"], account=b.get("account"))
        return {}

    def unexplained(self, q: Dict[str, Any], b: Dict[str, Any]) -> Any:
        return {"problems": self.fake.unexplained()}


#: (method, path after the prefix) -> (method of _Control, query parameters, body fields)
#: Parameters and fields map to (allowed JSON types, required).
_Spec = Dict[str, Tuple[Tuple[type, ...], bool]]
_ACCOUNT_Q: _Spec = {"account": (_STR, False)}
_ACCOUNT_B: _Spec = {"account": (_STR, False)}
_ROUTES: Dict[Tuple[str, str], Tuple[str, _Spec, _Spec]] = {
    ("GET", ""): ("index", {}, {}),
    ("POST", "reset"): ("reset", {}, {}),
    ("GET", "streams"): ("get_streams", _ACCOUNT_Q, {}),
    ("POST", "streams"): ("add_stream", {}, {"name": (_STR, True), **_ACCOUNT_B}),
    ("GET", "tasks"): ("get_tasks", {"stream": (_STR, False), **_ACCOUNT_Q}, {}),
    ("POST", "tasks"): ("add_task", {}, {"stream": (_STR, True), "task": (_STR, True), **_ACCOUNT_B}),
    ("GET", "task"): ("get_task", {"stream": (_STR, True), "task": (_STR, True), **_ACCOUNT_Q}, {}),
    ("GET", "stale-tasks"): ("stale_tasks", _ACCOUNT_Q, {}),
    ("GET", "calls"): ("calls", {}, {}),
    ("GET", "home-region"): ("get_home_region", _ACCOUNT_Q, {}),
    ("PUT", "home-region"): ("set_home_region", {}, {"home_region": (_OPT_STR, True), **_ACCOUNT_B}),
    ("POST", "faults"): (
        "add_fault",
        {},
        {
            "operation": (_STR, True),
            "error_code": (_STR, True),
            "times": (_OPT_INT, False),
            "message": (_OPT_STR, False),
            "retry_after_seconds": (_OPT_INT, False),
        },
    ),
    ("DELETE", "faults"): ("clear_faults", {}, {}),
    ("POST", "deny"): ("deny", {}, {"operation": (_STR, True)}),
    ("POST", "allow"): ("allow", {}, {"operation": (_STR, True)}),
    ("GET", "accounts"): ("get_accounts", {}, {}),
    ("POST", "accounts"): ("add_account", {}, {"account": (_STR, True), "access_key_id": (_OPT_STR, False)}),
    ("GET", "applications"): ("get_applications", _ACCOUNT_Q, {}),
    ("POST", "applications"): (
        "add_application",
        {},
        {"application_id": (_STR, True), "status": (_OPT_STR, False), **_ACCOUNT_B},
    ),
    ("POST", "discovered-resources"): (
        "add_discovered_resource", {}, {"configuration_id": (_STR, True), **_ACCOUNT_B}
    ),
    ("GET", "unexplained"): ("unexplained", {}, {}),
}

_TYPE_NAMES = {str: "a string", int: "an integer", _NONE: "null"}


def _check_fields(where: str, values: Mapping[str, Any], spec: _Spec, route: str) -> None:
    unknown = sorted(set(values) - set(spec))
    if unknown:
        known = ", ".join(sorted(spec)) or "none"
        raise _ControlError(
            400,
            "BadRequestException",
            f"{route}: unknown {where} {', '.join(repr(u) for u in unknown)}; known: {known}",
        )
    for name, (types, required) in spec.items():
        if name not in values:
            if required:
                raise _ControlError(400, "BadRequestException", f"{route}: the {where} {name!r} is required")
            continue
        value = values[name]
        # JSON true/false are not integers here.
        if isinstance(value, bool) or not isinstance(value, types):
            wanted = " or ".join(_TYPE_NAMES[t] for t in types)
            raise _ControlError(
                400,
                "BadRequestException",
                f"{route}: the {where} {name!r} must be {wanted}; got {json.dumps(value)}",
            )


# --- HTTP -----------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    """One client connection: reads requests until the client or the server closes it."""

    protocol_version = "HTTP/1.1"
    sys_version = ""
    disable_nagle_algorithm = True
    server: "_HTTPServer"

    def setup(self) -> None:
        self.server_version = f"pytest-migrationhub/{__version__}"
        self.requests_served = 0
        super().setup()
        # Every read waits at most this long: a silent client never holds its thread for good.
        self.connection.settimeout(self.server.owner.timeout)

    # The request loop ------------------------------------------------------------

    def handle_one_request(self) -> None:
        # As BaseHTTPRequestHandler's, with every method routed here, and a
        # timeout answered with 408 unless it is a kept-alive connection idling.
        self.command = ""
        self.target = ""
        self.request_version = self.default_request_version
        self.requestline = ""
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > 65536:
                self.send_error(414, "the request line is longer than 65536 bytes")
                return
            if not self.parse_request():
                return
            self._route()
            self.requests_served += 1
        except socket.timeout:
            self.close_connection = True
            if self.requests_served == 0 or self.raw_requestline:
                # A client that connected and sent nothing, or stopped mid-request.
                # (A kept-alive connection that merely idles is closed silently,
                # as pooled clients expect.)
                self.send_error(
                    408,
                    f"no complete request within {self.server.owner.timeout:g} seconds; "
                    "closing the connection",
                )

    def handle(self) -> None:
        self.close_connection = True
        self.raw_requestline = b""
        self.handle_one_request()
        while not self.close_connection:
            self.raw_requestline = b""
            self.handle_one_request()

    # Responses -------------------------------------------------------------------

    def _respond(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        status = int(status)
        reason = self.responses.get(status, ("",))[0]
        lines = [
            f"{self.protocol_version} {status} {reason}",
            f"Server: {self.version_string()}",
            f"Date: {self.date_time_string()}",
        ]
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection", "server", "date"):
                lines.append(f"{name}: {value}")
        lines.append(f"Content-Length: {len(body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        # One write: headers and body in one segment, no Nagle/delayed-ACK stall.
        if self.server.owner.verbose:  # before the answer: the client reads it after the log line
            self._log_answer(status, body)
        self.wfile.write(head if self.command == "HEAD" else head + body)

    def _aws_error(self, status: int, code: str, message: str, extra: Optional[Dict[str, str]] = None) -> None:
        headers = {"x-amzn-RequestId": request_id(), "Content-Type": JSON_CONTENT_TYPE, **(extra or {})}
        self._respond(status, headers, error_body(code, message))

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        # Called by http.server for requests it cannot parse: answer in AWS's shape,
        # and close, since where the next request starts is unknown.
        self.close_connection = True
        text = message or self.responses.get(code, ("error",))[0]
        if code == 400 and message:
            text = f"{message}; this is not an HTTP/1.1 request the server can read"
        self._aws_error(code, _ERROR_TYPES.get(code, "BadRequestException"), text)

    def version_string(self) -> str:
        return self.server_version

    def _log_answer(self, status: int, body: bytes) -> None:
        # "127.0.0.1 - POST / AWSMigrationHub.NotifyMigrationTaskState 400 ThrottlingException"
        parts = [self.command or "-", self.path if self.command else "-"]
        if self.target:
            parts.append(self.target)
        parts.append(str(status))
        if status >= 400:
            try:
                parts.append(str(json.loads(body)["__type"]))
            except (ValueError, KeyError, TypeError):
                pass
        self.log_message("%s", " ".join(parts))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        if self.server.owner.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")
            sys.stderr.flush()

    # Request bodies --------------------------------------------------------------

    def _declared_length(self) -> Optional[int]:
        values = self.headers.get_all("Content-Length") or []
        if not values:
            return None
        if len(set(v.strip() for v in values)) != 1 or not _DIGITS.match(values[0].strip()):
            raise _BadFraming("Content-Length must be one number of bytes")
        return int(values[0].strip())

    def handle_expect_100(self) -> bool:
        # "Expect: 100-continue": refuse an oversized body before the client sends it.
        try:
            length = self._declared_length()
        except _BadFraming:
            length = None  # answered once the request is read
        if length is not None and length > self.server.owner.max_body:
            self.close_connection = True
            self._too_large(length)
            return False
        return super().handle_expect_100()

    def _too_large(self, length: Optional[int]) -> None:
        size = "a body of unknown size" if length is None else f"{length} bytes"
        limit = self.server.owner.max_body
        self._aws_error(
            413,
            "RequestEntityTooLargeException",
            f"the request body ({size}) is larger than the server's limit of {limit} bytes",
        )

    def _read_body(self) -> Optional[bytes]:
        """The request body; ``None`` when it has been answered already (or the client left)."""
        limit = self.server.owner.max_body
        try:
            coding = self.headers.get("Transfer-Encoding")
            if coding is not None:
                if coding.strip().lower() != "chunked":
                    self.close_connection = True
                    self._aws_error(
                        501, "NotImplemented",
                        f"Transfer-Encoding {coding.strip()!r} is not supported; send Content-Length "
                        "or Transfer-Encoding: chunked",
                    )
                    return None
                return self._read_chunked(limit)
            length = self._declared_length()
        except _BadFraming as error:
            self.close_connection = True
            self._aws_error(400, "BadRequestException", str(error))
            return None
        if length is None:
            return b""
        if length > limit:
            if length <= _DRAIN_LIMIT:
                if not self._discard(length):
                    return None
            else:
                self.close_connection = True
            self._too_large(length)
            return None
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True  # the client went away mid-body
            return None
        return body

    def _discard(self, length: int) -> bool:
        while length > 0:
            chunk = self.rfile.read(min(length, 1 << 16))
            if not chunk:
                self.close_connection = True
                return False
            length -= len(chunk)
        return True

    def _read_chunked(self, limit: int) -> Optional[bytes]:
        parts: List[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1026)
            if not line.endswith(b"\n"):
                if not line:
                    self.close_connection = True
                    return None
                raise _BadFraming("a chunk size line is malformed or too long")
            size_text = line.split(b";", 1)[0].strip().decode("latin-1")
            if not _HEX.match(size_text):
                raise _BadFraming(f"a chunk size {size_text!r} is not hexadecimal")
            size = int(size_text, 16)
            if size == 0:
                break
            total += size
            if total > _DRAIN_LIMIT:
                self.close_connection = True
                self._too_large(None)
                return None
            if total > limit:
                parts = []
                if not self._discard(size):
                    return None
            else:
                data = self.rfile.read(size)
                if len(data) < size:
                    self.close_connection = True
                    return None
                parts.append(data)
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise _BadFraming("a chunk is longer than its size says")
        # Trailers, then the blank line that ends the body.
        for _ in range(100):
            line = self.rfile.readline(65537)
            if line in (b"\r\n", b"\n", b""):
                break
        else:
            raise _BadFraming("too many trailer lines")
        if total > limit:
            self._too_large(total)
            return None
        return b"".join(parts)

    # Routing ---------------------------------------------------------------------

    def _route(self) -> None:
        body = self._read_body()
        if body is None:
            return
        if not self._from_a_client():
            return
        parts = urlsplit(self.path)
        path = parts.path
        is_control = path.startswith(CONTROL_PREFIX) or path == CONTROL_PREFIX.rstrip("/")
        if not is_control:
            service = self._signed_for(parts.query)
            if service is not None and service not in _OWN_SIGNING_NAMES:
                self._foreign(service, path)
                return
        if path == "/":
            if self.command != "POST":
                self._aws_error(
                    405,
                    "MethodNotAllowedException",
                    f"{self.command} / is not served: Migration Hub requests are POST / with an "
                    f"X-Amz-Target header; the control API is under {CONTROL_PREFIX}",
                    {"Allow": "POST"},
                )
                return
            self._api(body)
        elif is_control:
            self._control(path[len(CONTROL_PREFIX):], body)
        else:
            self._aws_error(
                404,
                "UnknownOperationException",
                f"no such path: {self.command} {path}; Migration Hub requests are POST / with an "
                f"X-Amz-Target header, and the control API is under {CONTROL_PREFIX}",
            )

    def _from_a_client(self) -> bool:
        """Refuse (403) what only a web page sends: a foreign Host or, on a write, a foreign Origin."""
        owner = self.server.owner
        hosts = self.headers.get_all("Host") or []  # none: not a browser, which always sends one
        for host in hosts:
            if not owner.accepts_host(host):
                name = host_name(host)
                self._aws_error(
                    403,
                    "ForbiddenException",
                    f"Host {host!r} is not a name this server answers to: it answers "
                    f"{owner._answered_hosts()}, so that a web page cannot reach it under a name of "
                    f"its own; if {name!r} is yours, allow it with serve --allow-host {name} "
                    f"(in Python: MigrationHubServer(..., allowed_hosts=[{name!r}]))",
                )
                return False
        origin = self.headers.get("Origin")
        if origin is not None and self.command in _WRITES:
            own = {f"http://{h.strip().lower()}" for h in hosts}
            if origin.strip().lower() not in own:
                self._aws_error(
                    403,
                    "ForbiddenException",
                    f"{self.command} {urlsplit(self.path).path} came from the web page at {origin!r}: "
                    "this server takes no cross-site writes; send the request without an Origin "
                    "header, as curl, the AWS CLI and the SDKs do",
                )
                return False
        return True

    def _foreign(self, service: str, path: str) -> None:
        code = "UnknownOperationException"
        message = (
            f"{self.command} {path} is a request for the {service!r} service (so says its "
            f"signature's credential scope); {_ONLY_MIGRATION_HUB}"
        )
        content_type = (self.headers.get("Content-Type") or "").lower()
        if self.headers.get("X-Amz-Target") or content_type.startswith("application/x-amz-json"):
            self._aws_error(400, code, message)
            return
        # An XML service (S3, the query protocol): an error its SDK can read.
        xml = (
            f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error><Code>{code}</Code>"
            f"<Message>{xml_escape(message)}</Message></Error><RequestId>{request_id()}</RequestId>"
            "</ErrorResponse>"
        ).encode()
        self._respond(400, {"Content-Type": "text/xml"}, xml)

    def _signed_for(self, query: str) -> Optional[str]:
        """The service a SigV4 signature names (header or presigned URL), if any."""
        credential = self.headers.get("Authorization") or ""
        if "/mgh/aws4_request" in credential:
            return "mgh"  # what every SDK signs with: no need for the pattern
        if "X-Amz-Credential=" in query:
            credential += " Credential=" + parse_qs(query).get("X-Amz-Credential", [""])[0]
        match = _SCOPE_SERVICE.search(credential)
        return match.group(1).lower() if match else None

    def _api(self, body: bytes) -> None:
        target = self.target = self.headers.get("X-Amz-Target") or ""
        if target and not target.startswith(TARGET_PREFIXES):
            self._aws_error(
                400,
                "UnknownOperationException",
                f"{target} is not a Migration Hub operation (targets start with "
                f"{' or '.join(TARGET_PREFIXES)}); {_ONLY_MIGRATION_HUB}",
            )
            return
        content_type = self.headers.get("Content-Type")
        if content_type is None or content_type.split(";", 1)[0].strip().lower() != JSON_CONTENT_TYPE:
            self._aws_error(
                415,
                "UnsupportedMediaTypeException",
                f"Content-Type {content_type!r} is not supported; Migration Hub speaks AWS JSON 1.1: "
                f"send Content-Type: {JSON_CONTENT_TYPE}",
            )
            return
        if not target:
            self._aws_error(
                400,
                "UnknownOperationException",
                "the request has no X-Amz-Target header; name the operation there, e.g. "
                f"X-Amz-Target: {_SAMPLE_TARGET}",
            )
            return
        try:
            status, headers, payload = self.server.owner.answer(target, body, self.headers)
        except MigrationHubFakeError as error:
            self._aws_error(501, "NotImplemented", str(error))
            return
        except Exception as error:  # a bug in the fake: say so, and keep serving
            traceback.print_exc(file=sys.stderr)
            self._aws_error(
                500,
                "InternalFailure",
                f"the Migration Hub fake failed answering {target}: {type(error).__name__}: {error} "
                "(a bug in pytest-migrationhub; the traceback is on the server's stderr)",
            )
            return
        self._respond(status, headers, payload)

    def _control(self, route: str, body: bytes) -> None:
        route = route.rstrip("/")
        label = f"{self.command} {CONTROL_PREFIX}{route}"
        try:
            entry = _ROUTES.get((self.command, route))
            if entry is None:
                allowed = sorted(m for (m, r) in _ROUTES if r == route)
                if allowed:
                    raise _ControlError(
                        405,
                        "MethodNotAllowedException",
                        f"{label} is not served; use {' or '.join(allowed)}",
                        {"Allow": ", ".join(allowed)},
                    )
                raise _ControlError(
                    404,
                    "NotFoundException",
                    f"no control API route {label}; GET {CONTROL_PREFIX} lists them",
                )
            name, query_spec, body_spec = entry
            if self.command in _WRITES:
                content_type = self.headers.get("Content-Type")
                if content_type is None or content_type.split(";", 1)[0].strip().lower() != _CONTROL_JSON:
                    raise _ControlError(
                        415,
                        "UnsupportedMediaTypeException",
                        f"{label}: Content-Type {content_type!r} is not accepted; control API writes "
                        f"take Content-Type: {_CONTROL_JSON}, with or without a body "
                        f"(curl: -H 'Content-Type: {_CONTROL_JSON}')",
                    )
            query = self._query(label)
            _check_fields("query parameter", query, query_spec, label)
            fields = self._json_body(label, body)
            _check_fields("field", fields, body_spec, label)
            result = getattr(self.server.owner.control, name)(query, fields)
            status, out = 200, json.dumps(result).encode()
            headers = {"Content-Type": _CONTROL_JSON}
        except _ControlError as error:
            status, out = error.status, error_body(error.code, error.message)
            headers = {"Content-Type": _CONTROL_JSON, **error.headers}
        except MigrationHubFakeError as error:
            status, out = 400, error_body("MigrationHubFakeError", str(error))
            headers = {"Content-Type": _CONTROL_JSON}
        except Exception as error:  # a bug: say so, and keep serving
            traceback.print_exc(file=sys.stderr)
            message = (
                f"{label} failed: {type(error).__name__}: {error} (a bug in pytest-migrationhub; "
                "the traceback is on the server's stderr)"
            )
            status, out = 500, error_body("InternalFailure", message)
            headers = {"Content-Type": _CONTROL_JSON}
        self._respond(status, headers, out)

    def _query(self, label: str) -> Dict[str, str]:
        try:
            parsed = parse_qs(urlsplit(self.path).query, keep_blank_values=True, strict_parsing=False)
        except ValueError as error:  # pragma: no cover - parse_qs is lenient
            raise _ControlError(400, "BadRequestException", f"{label}: bad query string: {error}") from None
        repeated = sorted(k for k, v in parsed.items() if len(v) > 1)
        if repeated:
            raise _ControlError(
                400, "BadRequestException", f"{label}: query parameter {repeated[0]!r} is given more than once"
            )
        return {k: v[0] for k, v in parsed.items()}

    @staticmethod
    def _json_body(label: str, body: bytes) -> Dict[str, Any]:
        if not body.strip():
            return {}
        try:
            fields = json.loads(body)
        except ValueError:
            raise _ControlError(400, "BadRequestException", f"{label}: the body is not JSON") from None
        if not isinstance(fields, dict):
            raise _ControlError(400, "BadRequestException", f"{label}: the body must be a JSON object")
        return fields


class _BadFraming(Exception):
    """The request's body framing cannot be read: answered 400, connection closed."""


class _HTTPServer(http.server.HTTPServer):
    """The listening socket; connections are accepted and tracked by :class:`MigrationHubServer`."""

    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, address: Tuple[str, int], family: int, owner: "MigrationHubServer") -> None:
        self.address_family = family
        self.owner = owner
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # Not HTTPServer's: it resolves the host's FQDN, which can stall without DNS.
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


class MigrationHubServer:
    """A real HTTP endpoint answering AWS JSON 1.1 requests with a Migration Hub fake.

    ``fake`` is the :class:`MigrationHubFake` that answers; it need not be
    started (starting it only matters to clients in this process). Binds
    ``host`` (loopback by default) and ``port`` (0: an ephemeral port).
    Requests are answered when their ``Host`` names a loopback address,
    ``localhost``, the bound address or one of ``allowed_hosts`` (``"*"``:
    any), whatever the port: a web page reaching it by DNS rebinding is not.

    Use it as a context manager, or with :meth:`start` and :meth:`stop`::

        with MigrationHubServer(fake) as server:
            subprocess.run(["aws", "mgh", "list-progress-update-streams"],
                           env=server.client_env(), check=True)
    """

    def __init__(
        self,
        fake: "MigrationHubFake",
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_body: int = MAX_BODY,
        verbose: bool = False,
        answer: Optional[Answer] = None,
        allowed_hosts: Iterable[str] = (),
    ) -> None:
        hosts = allowed_hosts if isinstance(allowed_hosts, str) else list(allowed_hosts)
        if isinstance(hosts, str) or not all(
            isinstance(h, str) and h.strip() and not any(c in h for c in "/ \t@") for h in hosts
        ):
            raise MigrationHubFakeError(
                "allowed_hosts must be a list of host names such as ['mhub.internal'] (no scheme), "
                f"or ['*'] for any; got {allowed_hosts!r}."
            )
        #: Host names answered besides the loopback ones (and the bound address)
        self.allowed_hosts: Tuple[str, ...] = tuple(host_name(h) for h in hosts)
        self._accepted: FrozenSet[str] = frozenset()
        self._host_verdicts: Dict[str, bool] = {}
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise MigrationHubFakeError(f"port must be 0 (any free port) to 65535; got {port!r}.")
        if not timeout > 0:
            raise MigrationHubFakeError(f"timeout must be a number of seconds above 0; got {timeout!r}.")
        self.fake = fake
        self.timeout = float(timeout)
        self.max_body = int(max_body)
        self.verbose = verbose
        #: answers one API request: (target, body, headers) -> (status, headers, body)
        self.answer: Answer = (
            answer if answer is not None else functools.partial(fake.handle, home_region_hint=HOME_REGION_HINT)
        )
        self.control = _Control(fake)
        self._requested = (host, port)
        self._lock = threading.Lock()
        self._connections: Dict[socket.socket, threading.Thread] = {}
        self._httpd: Optional[_HTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        self._wake: Optional[Tuple[socket.socket, socket.socket]] = None
        self._closing = False

    # --- where it listens -------------------------------------------------------------

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return self._bound()[0]

    @property
    def port(self) -> int:
        return self._bound()[1]

    @property
    def endpoint_url(self) -> str:
        """``http://HOST:PORT``, to pass as ``--endpoint-url`` or ``endpoint_url=``."""
        host, port = self._bound()
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def _bound(self) -> Tuple[str, int]:
        if self._httpd is None:
            raise MigrationHubFakeError("The Migration Hub server is not started; call start() first.")
        return self._httpd.server_name, self._httpd.server_port

    def client_env(
        self,
        *,
        region: Optional[str] = None,
        access_key_id: str = DUMMY_ACCESS_KEY_ID,
        base: Optional[Mapping[str, str]] = None,
    ) -> Dict[str, str]:
        """An environment for a subprocess client (AWS CLI, SDKs) of this server.

        A copy of ``base`` (default ``os.environ``) without any ``AWS_*``
        variable, plus: ``AWS_ENDPOINT_URL_MIGRATION_HUB`` and
        ``AWS_ENDPOINT_URL_MIGRATIONHUB_CONFIG`` (this server; every other
        service keeps its usual endpoint), dummy credentials
        (``testing``/``testing``; a 12-digit ``access_key_id`` is the account
        the requests are made as), ``AWS_DEFAULT_REGION`` (``region``, default
        the fake's home region, else ``us-west-2``), no configuration files, no
        instance metadata look-ups, no pager. This interpreter's scripts
        directory goes first on ``PATH``, so the ``aws`` installed beside
        pytest-migrationhub is the one found.
        """
        env = {k: v for k, v in (os.environ if base is None else base).items() if not k.startswith("AWS_")}
        if region is None:
            region = self.fake.home_region or DEFAULT_HOME_REGION
        scripts = sysconfig.get_path("scripts")
        path = env.get("PATH", os.defpath)
        if scripts and scripts not in path.split(os.pathsep):
            path = scripts + os.pathsep + path
        env.update(
            {
                "PATH": path,
                **dict.fromkeys(ENDPOINT_VARIABLES.values(), self.endpoint_url),
                "AWS_ACCESS_KEY_ID": access_key_id,
                "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
                "AWS_DEFAULT_REGION": region,
                "AWS_REGION": region,
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_PAGER": "",
            }
        )
        return env

    def accepts_host(self, value: str) -> bool:
        """Whether a request with ``Host: value`` is answered (any port)."""
        verdict = self._host_verdicts.get(value)
        if verdict is None:
            name = host_name(value)
            verdict = is_loopback(name) or name in self._accepted or "*" in self._accepted
            if len(self._host_verdicts) < _HOST_CACHE_SIZE:
                self._host_verdicts[value] = verdict
        return verdict

    def _answered_hosts(self) -> str:
        extra = sorted(self._accepted)
        return f"{_LOOPBACK_NAMES}, {', '.join(extra)}" if extra else _LOOPBACK_NAMES

    def __repr__(self) -> str:
        where = self.endpoint_url if self._httpd is not None else "not started"
        return f"<MigrationHubServer {where} {self.fake!r}>"

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> "MigrationHubServer":
        """Bind and start serving in background threads; returns the server."""
        if self._httpd is not None:
            raise MigrationHubFakeError("This Migration Hub server is already started.")
        host, port = self._requested
        host = host.strip("[]")  # "[::1]" as in a URL
        try:
            family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        except socket.gaierror as error:
            raise MigrationHubFakeError(f"Cannot listen on {host!r}: {error}.") from None
        self._closing = False
        self._httpd = _HTTPServer((host, port), family, self)
        bound = host_name(self._httpd.server_name)
        wildcard = bound in ("0.0.0.0", "::")
        self._accepted = frozenset(self.allowed_hosts) | (
            frozenset() if wildcard or is_loopback(bound) else {bound}
        )
        self._host_verdicts = {}
        self._httpd.socket.setblocking(False)
        self._wake = socket.socketpair()
        self._thread = threading.Thread(
            target=self._accept_loop,
            name=f"mhub-server-{self._httpd.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and close every connection; waits (briefly) for their threads."""
        httpd, thread, wake = self._httpd, self._thread, self._wake
        if httpd is None or thread is None or wake is None:
            return
        with self._lock:
            self._closing = True
            connections = list(self._connections.items())
        try:
            wake[1].send(b"x")
        except OSError:  # pragma: no cover - the pair is ours and open
            pass
        thread.join(timeout=5)
        httpd.server_close()
        for sock, _ in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + 2.0
        for _, handler in connections:
            handler.join(timeout=max(0.0, deadline - time.monotonic()))
        for end in wake:
            end.close()
        self._httpd = self._thread = self._wake = None

    close = stop

    def __enter__(self) -> "MigrationHubServer":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        assert self._httpd is not None and self._wake is not None
        listener, wake = self._httpd.socket, self._wake[0]
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ, "accept")
            selector.register(wake, selectors.EVENT_READ, "wake")
            while True:
                for key, _ in selector.select():
                    if key.data == "wake":
                        return
                    try:
                        sock, address = listener.accept()
                    except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                        continue
                    except OSError as error:
                        if error.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                            continue  # out of descriptors for now: the client will wait
                        raise
                    self._spawn(sock, address)

    def _spawn(self, sock: socket.socket, address: Any) -> None:
        handler = threading.Thread(
            target=self._serve_connection,
            args=(self._httpd, sock, address),
            name=f"mhub-server-conn-{address[1] if isinstance(address, tuple) else address}",
            daemon=True,
        )
        with self._lock:
            if self._closing:
                sock.close()
                return
            self._connections[sock] = handler
        handler.start()

    def _serve_connection(self, httpd: _HTTPServer, sock: socket.socket, address: Any) -> None:
        try:
            sock.setblocking(True)
            _Handler(sock, address, httpd)
        except (ConnectionError, socket.timeout):
            pass  # the client went away, or the server is closing the connection
        except OSError as error:
            if not self._closing:
                print(f"mhub server: connection from {address}: {error}", file=sys.stderr)
        except Exception:  # a bug: report it, keep serving the others
            traceback.print_exc(file=sys.stderr)
        finally:
            with self._lock:
                self._connections.pop(sock, None)
            httpd.shutdown_request(sock)


__all__ = ["CONTROL_PREFIX", "DEFAULT_TIMEOUT", "MAX_BODY", "MigrationHubServer"]
