"""The HTTP/1.1 layer: connections, request framing and answers, on ``http.server``.

:class:`HTTPHandler` serves one connection: it reads requests until the
client or the server closes it, answers a client that says nothing with 408,
reads bodies by ``Content-Length`` or chunked, refuses an oversized one (before
it is sent, on ``Expect: 100-continue``; after draining it otherwise, so the
connection stays usable) and answers every framing error in AWS's JSON shape.
What a request means is :meth:`HTTPHandler.route`'s business, in a subclass.
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import socketserver
import sys
from collections.abc import Mapping
from typing import Any, Protocol

from .._core import error_body, json_headers
from .._version import __version__

#: an oversized body up to this size is read and dropped so the connection stays usable
DRAIN_LIMIT = 16 << 20
_DIGITS = re.compile(r"[0-9]+\Z")
_HEX = re.compile(r"[0-9A-Fa-f]+\Z")
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


class Limits(Protocol):
    """What the HTTP layer asks of the server it serves for."""

    #: seconds a connection may stay silent (before or between requests) before it is closed
    timeout: float
    #: the largest request body read, in bytes; larger ones get 413
    max_body: int
    #: whether each answer is logged on stderr
    verbose: bool


class BadFraming(Exception):
    """The request's body framing cannot be read: answered 400, connection closed."""


class Listener(http.server.HTTPServer):
    """The listening socket; its owner accepts the connections and tracks them."""

    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], family: int, owner: Limits, handler: type[HTTPHandler]) -> None:
        self.address_family = family
        self.owner = owner
        super().__init__(address, handler)

    def server_bind(self) -> None:
        # Not HTTPServer's: it resolves the host's FQDN, which can stall without DNS.
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


class HTTPHandler(http.server.BaseHTTPRequestHandler):
    """One client connection: reads requests until the client or the server closes it."""

    protocol_version = "HTTP/1.1"
    sys_version = ""
    server_version = f"pytest-migrationhub/{__version__}"
    disable_nagle_algorithm = True
    server: Listener
    #: the X-Amz-Target of the request being answered, for the log ("" for none)
    target = ""

    def setup(self) -> None:
        self.requests_served = 0
        super().setup()
        # Every read waits at most this long: a silent client never holds its thread for good.
        self.connection.settimeout(self.server.owner.timeout)

    def route(self) -> None:
        """Answer the request whose line and headers are read; its body is not."""
        raise NotImplementedError

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
            self.route()
            self.requests_served += 1
        except TimeoutError:
            self.close_connection = True
            if self.requests_served == 0 or self.raw_requestline:
                # A client that connected and sent nothing, or stopped mid-request.
                # (A kept-alive connection that merely idles is closed silently,
                # as pooled clients expect.)
                self.send_error(
                    408,
                    f"no complete request within {self.server.owner.timeout:g} seconds; closing the connection",
                )

    def handle(self) -> None:
        self.close_connection = True
        self.raw_requestline = b""
        self.handle_one_request()
        while not self.close_connection:
            self.raw_requestline = b""
            self.handle_one_request()

    # Responses -------------------------------------------------------------------

    def respond(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        """Send one answer, headers and body in one write."""
        status = int(status)
        reason = self.responses.get(status, ("",))[0]
        lines = [
            f"{self.protocol_version} {status} {reason}",
            f"Server: {self.server_version}",
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

    def aws_error(self, status: int, code: str, message: str, extra: dict[str, str] | None = None) -> None:
        """Answer with an AWS JSON error: ``{"__type": code, "Message": message}``."""
        self.respond(status, {**json_headers(), **(extra or {})}, error_body(code, message))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Called by http.server for requests it cannot parse: answer in AWS's shape,
        # and close, since where the next request starts is unknown.
        self.close_connection = True
        text = message or self.responses.get(code, ("error",))[0]
        if code == 400 and message:
            text = f"{message}; this is not an HTTP/1.1 request the server can read"
        self.aws_error(code, _ERROR_TYPES.get(code, "BadRequestException"), text)

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

    def _declared_length(self) -> int | None:
        values = self.headers.get_all("Content-Length") or []
        if not values:
            return None
        if len(set(v.strip() for v in values)) != 1 or not _DIGITS.match(values[0].strip()):
            raise BadFraming("Content-Length must be one number of bytes")
        return int(values[0].strip())

    def handle_expect_100(self) -> bool:
        # "Expect: 100-continue": refuse an oversized body before the client sends it.
        try:
            length = self._declared_length()
        except BadFraming:
            length = None  # answered once the request is read
        if length is not None and length > self.server.owner.max_body:
            self.close_connection = True
            self._too_large(length)
            return False
        return super().handle_expect_100()

    def _too_large(self, length: int | None) -> None:
        size = "a body of unknown size" if length is None else f"{length} bytes"
        limit = self.server.owner.max_body
        self.aws_error(
            413,
            "RequestEntityTooLargeException",
            f"the request body ({size}) is larger than the server's limit of {limit} bytes",
        )

    def read_body(self) -> bytes | None:
        """The request body; ``None`` when it has been answered already (or the client left)."""
        try:
            coding = self.headers.get("Transfer-Encoding")
            if coding is not None:
                if coding.strip().lower() != "chunked":
                    self.close_connection = True
                    self.aws_error(
                        501,
                        "NotImplemented",
                        f"Transfer-Encoding {coding.strip()!r} is not supported; send Content-Length "
                        "or Transfer-Encoding: chunked",
                    )
                    return None
                return self._read_chunked(self.server.owner.max_body)
            length = self._declared_length()
        except BadFraming as error:
            self.close_connection = True
            self.aws_error(400, "BadRequestException", str(error))
            return None
        return b"" if length is None else self._read_sized(length)

    def _read_sized(self, length: int) -> bytes | None:
        if length > self.server.owner.max_body:
            if length <= DRAIN_LIMIT:
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

    def _chunk_size(self) -> int | None:
        """The size on a chunk's size line; ``None`` when the client went away."""
        line = self.rfile.readline(1026)
        if not line.endswith(b"\n"):
            if not line:
                self.close_connection = True
                return None
            raise BadFraming("a chunk size line is malformed or too long")
        size_text = line.split(b";", 1)[0].strip().decode("latin-1")
        if not _HEX.match(size_text):
            raise BadFraming(f"a chunk size {size_text!r} is not hexadecimal")
        return int(size_text, 16)

    def _read_chunked(self, limit: int) -> bytes | None:
        parts: list[bytes] = []
        total = 0
        while True:
            size = self._chunk_size()
            if size is None:
                return None
            if size == 0:
                break
            total += size
            if total > DRAIN_LIMIT:
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
                raise BadFraming("a chunk is longer than its size says")
        self._skip_trailers()
        if total > limit:
            self._too_large(total)
            return None
        return b"".join(parts)

    def _skip_trailers(self) -> None:
        # Trailers, then the blank line that ends the body.
        for _ in range(100):
            line = self.rfile.readline(65537)
            if line in (b"\r\n", b"\n", b""):
                return
        raise BadFraming("too many trailer lines")
