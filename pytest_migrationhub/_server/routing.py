"""Which room answers a request: the AWS API at ``POST /``, the control API, or a clear refusal.

Before either answers, a request must come from a client rather than a web
page (:mod:`.hosts`), and be meant for Migration Hub: a request signed for
another service (``AWS_ENDPOINT_URL`` pointing every SDK at the server) is
told which variables to set instead, in a shape its SDK can read.
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape

from .._core import (
    DOWNLOADS_PREFIX,
    ENDPOINT_VARIABLES,
    JSON_CONTENT_TYPE,
    MGH,
    SERVICES,
    SIGNING_NAME,
    TARGET_PREFIXES,
    Downloads,
    MigrationHubFakeError,
    Response,
    content_type,
    request_id,
)
from .console import CONSOLE_PATHS, console_page
from .control import CONTROL_PREFIX, ControlAPI
from .hosts import HostCheck
from .http11 import HTTPHandler, Limits, Listener

#: answers one API request: (target, body, headers) -> (status, headers, body)
Answer = Callable[[str, bytes, Any], Response]

_SAMPLE_TARGET = f"{MGH.target_prefix}.NotifyMigrationTaskState"
#: the SigV4 signing names of the services served
_OWN_SIGNING_NAMES = frozenset(SERVICES)
_SCOPE_SERVICE = re.compile(r"Credential=[^/,\s]*/[^/,\s]*/[^/,\s]*/([^/,\s]+)/")
_ONLY_MIGRATION_HUB = (
    "this server fakes Migration Hub (mgh), migrationhub-config and Application Discovery Service (discovery) "
    f"only: point only those at it, with {', '.join(ENDPOINT_VARIABLES.values())} rather than AWS_ENDPOINT_URL"
)
_WHERE_REQUESTS_GO = "Migration Hub requests are POST / with an X-Amz-Target header"


class Rooms(Limits, Protocol):
    """What the router asks of the server: the answers and who may ask."""

    answer: Answer
    control: ControlAPI
    hosts: HostCheck
    downloads: Downloads


class RoutingListener(Listener):
    """The listening socket of a server whose connections are routed by :class:`RequestHandler`."""

    owner: Rooms

    def __init__(self, address: tuple[str, int], family: int, owner: Rooms) -> None:
        super().__init__(address, family, owner, RequestHandler)


class RequestHandler(HTTPHandler):
    """Routes each request of a connection to the API or the control API."""

    server: RoutingListener

    def route(self) -> None:
        body = self.read_body()
        if body is None:
            return
        parts = urlsplit(self.path)
        path = parts.path
        refusal = self.server.owner.hosts.refusal(
            self.command, path, self.headers.get_all("Host") or [], self.headers.get("Origin")
        )
        if refusal is not None:
            self.aws_error(*refusal)
            return
        is_control = path.startswith(CONTROL_PREFIX) or path == CONTROL_PREFIX.rstrip("/")
        if not is_control:
            service = self._signed_for(parts.query)
            if service is not None and service not in _OWN_SIGNING_NAMES:
                self._foreign(service, path)
                return
        if path == "/" and self.command == "POST":
            self._api(body)
        elif path.startswith(DOWNLOADS_PREFIX) and self.command in ("GET", "HEAD"):
            self._download(path)
        elif path in CONSOLE_PATHS and self.command in ("GET", "HEAD"):
            self.respond(200, *console_page())
        elif path in CONSOLE_PATHS:
            allowed = "GET, HEAD, POST" if path == "/" else "GET, HEAD"
            self.aws_error(
                405,
                "MethodNotAllowedException",
                f"{self.command} {path} is not served: {_WHERE_REQUESTS_GO}; GET {path} is the console "
                f"(a page for a browser); the control API is under {CONTROL_PREFIX}",
                {"Allow": allowed},
            )
        elif is_control:
            control = self.server.owner.control
            self.respond(
                *control.answer(
                    self.command, path[len(CONTROL_PREFIX) :], parts.query, self.headers.get("Content-Type"), body
                )
            )
        else:
            self.aws_error(
                404,
                "UnknownOperationException",
                f"no such path: {self.command} {path}; {_WHERE_REQUESTS_GO}, and the control API is under {CONTROL_PREFIX}",
            )

    def _download(self, path: str) -> None:
        content = self.server.owner.downloads.get(path)
        if content is None:
            self.aws_error(
                404,
                "NotFoundException",
                f"no file at {path}: its URL was never handed out by this fake, or the fake was reset since",
            )
            return
        self.respond(200, {"Content-Type": content_type(path)}, content)

    def _signed_for(self, query: str) -> str | None:
        """The service a SigV4 signature names (header or presigned URL), if any."""
        credential = self.headers.get("Authorization") or ""
        if f"/{SIGNING_NAME}/aws4_request" in credential:
            return SIGNING_NAME  # what every SDK signs with: no need for the pattern
        if "X-Amz-Credential=" in query:
            credential += " Credential=" + parse_qs(query).get("X-Amz-Credential", [""])[0]
        match = _SCOPE_SERVICE.search(credential)
        return match.group(1).lower() if match else None

    def _foreign(self, service: str, path: str) -> None:
        code = "UnknownOperationException"
        message = (
            f"{self.command} {path} is a request for the {service!r} service (so says its "
            f"signature's credential scope); {_ONLY_MIGRATION_HUB}"
        )
        content_type = (self.headers.get("Content-Type") or "").lower()
        if self.headers.get("X-Amz-Target") or content_type.startswith("application/x-amz-json"):
            self.aws_error(400, code, message)
            return
        # An XML service (S3, the query protocol): an error its SDK can read.
        xml = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Code>{code}</Code>'
            f"<Message>{xml_escape(message)}</Message></Error><RequestId>{request_id()}</RequestId>"
            "</ErrorResponse>"
        ).encode()
        self.respond(400, {"Content-Type": "text/xml"}, xml)

    def _api_refusal(self, target: str) -> tuple[int, str, str] | None:
        """Why a ``POST /`` is not a Migration Hub request, or ``None`` when it is one."""
        if target and not target.startswith(TARGET_PREFIXES):
            return (
                400,
                "UnknownOperationException",
                f"{target} is not a Migration Hub operation (targets start with "
                f"{' or '.join(TARGET_PREFIXES)}); {_ONLY_MIGRATION_HUB}",
            )
        content_type = self.headers.get("Content-Type")
        if content_type is None or content_type.split(";", 1)[0].strip().lower() != JSON_CONTENT_TYPE:
            return (
                415,
                "UnsupportedMediaTypeException",
                f"Content-Type {content_type!r} is not supported; Migration Hub speaks AWS JSON 1.1: "
                f"send Content-Type: {JSON_CONTENT_TYPE}",
            )
        if not target:
            return (
                400,
                "UnknownOperationException",
                "the request has no X-Amz-Target header; name the operation there, e.g. "
                f"X-Amz-Target: {_SAMPLE_TARGET}",
            )
        return None

    def _api(self, body: bytes) -> None:
        target = self.target = self.headers.get("X-Amz-Target") or ""
        refused = self._api_refusal(target)
        if refused is not None:
            self.aws_error(*refused)
            return
        try:
            answer = self.server.owner.answer(target, body, self.headers)
        except MigrationHubFakeError as error:
            self.aws_error(501, "NotImplemented", str(error))
            return
        except Exception as error:  # a bug in the fake: say so, and keep serving
            traceback.print_exc(file=sys.stderr)
            self.aws_error(
                500,
                "InternalFailure",
                f"the Migration Hub fake failed answering {target}: {type(error).__name__}: {error} "
                "(a bug in pytest-migrationhub; the traceback is on the server's stderr)",
            )
            return
        self.respond(*answer)
