"""What the server-mode tests (``tests/test_server_*.py``) share: ways to talk to a server.

While ``mhub_fake`` is active, botocore clients in this process are answered
in-process whatever their endpoint, so every request in those tests travels
over real HTTP from a subprocess (the AWS CLI, boto3 in ``python -c``) or from
``http.client`` and raw sockets. Only 127.0.0.1 is ever contacted; every wait
is bounded.
"""

from __future__ import annotations

import http.client
import json
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from pytest_migrationhub._server import CONTROL_PREFIX, MigrationHubServer

JSON11 = "application/x-amz-json-1.1"
STREAM, TASK = "SMS", "sms-12de3cf1a"


SAMPLE_BODY = {
    "ProgressUpdateStream": STREAM,
    "MigrationTaskName": TASK,
    "Task": {"Status": "IN_PROGRESS", "StatusDetail": "Migration: Copying image data", "ProgressPercent": 77},
    "UpdateDateTime": 1493660853,
    "NextUpdateSeconds": 60,
}
#: what the documentation says of server mode and the control API
SERVER_DOCS = "\n".join(
    (Path(__file__).parent.parent / "docs" / "guides" / page).read_text(encoding="utf-8")
    for page in ("server-mode.md", "other-languages.md")
)
ONLY_MIGRATION_HUB = (
    "this server fakes Migration Hub (mgh), migrationhub-config and Application Discovery Service (discovery) "
    "only: point only those at it, with AWS_ENDPOINT_URL_MIGRATION_HUB, AWS_ENDPOINT_URL_MIGRATIONHUB_CONFIG, "
    "AWS_ENDPOINT_URL_APPLICATION_DISCOVERY_SERVICE rather than AWS_ENDPOINT_URL"
)


def auth(region: str = "us-west-2", key: str = "testing") -> str:
    """A SigV4 Authorization header as an SDK would send it (the server checks no signature)."""
    return (
        f"AWS4-HMAC-SHA256 Credential={key}/20240101/{region}/mgh/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0"
    )


def connect(server: MigrationHubServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(server.host, server.port, timeout=10)


def api(
    server: MigrationHubServer,
    operation: str,
    body: Any = None,
    *,
    region: str | None = "us-west-2",
    key: str = "testing",
    prefix: str = "AWSMigrationHub",
    headers: dict[str, str] | None = None,
    conn: http.client.HTTPConnection | None = None,
) -> tuple[int, dict[str, str], Any]:
    """POST one AWS JSON 1.1 request; ``(status, headers, parsed body)``."""
    payload = body if isinstance(body, (bytes, str)) else json.dumps(body if body is not None else {})
    sent = {"Content-Type": JSON11, "X-Amz-Target": f"{prefix}.{operation}"}
    if region is not None:
        sent["Authorization"] = auth(region, key)
    sent.update(headers or {})
    own = conn is None
    conn = conn or connect(server)
    try:
        conn.request("POST", "/", body=payload, headers=sent)
        response = conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), json.loads(data) if data else None
    finally:
        if own:
            conn.close()


def control(
    server: MigrationHubServer, method: str, route: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """One control API request, with ``Content-Type: application/json`` on writes as the documentation says."""
    conn = connect(server)
    try:
        payload = None if body is None else (body if isinstance(body, (bytes, str)) else json.dumps(body))
        sent = {} if method == "GET" else {"Content-Type": "application/json"}
        sent.update(headers or {})
        conn.request(method, CONTROL_PREFIX + route, body=payload, headers=sent)
        response = conn.getresponse()
        assert response.getheader("Content-Type") == "application/json"
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def raw(server: MigrationHubServer, data: bytes, *, read_timeout: float = 5.0) -> bytes:
    """Send ``data`` on a fresh connection and read until the server closes it."""
    with socket.create_connection((server.host, server.port), timeout=read_timeout) as sock:
        if data:
            sock.sendall(data)
        return read_until_closed(sock)


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends on ``sock`` until it closes the connection."""
    chunks: list[bytes] = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def parse_raw(response: bytes) -> tuple[int, dict[str, str], Any]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body) if body else None


def still_serving(server: MigrationHubServer) -> bool:
    status, _, body = api(server, "ListProgressUpdateStreams")
    return status == 200 and "ProgressUpdateStreamSummaryList" in body


def error_of(response: tuple[int, dict[str, str], Any]) -> tuple[int, str, str]:
    status, headers, body = response
    assert headers["Content-Type"] == JSON11
    return status, body["__type"], body["Message"]


def notify(server: MigrationHubServer, when: float, *, status: str = "IN_PROGRESS", percent: int = 10) -> int:
    body = {**SAMPLE_BODY, "Task": {"Status": status, "ProgressPercent": percent}, "UpdateDateTime": when}
    return api(server, "NotifyMigrationTaskState", body)[0]


LISTENING = re.compile(r"^Migration Hub fake listening on (http://127\.0\.0\.1:(\d+))$")


class Served:
    def __init__(self, *args: str, command: list[str] | None = None) -> None:
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "pytest_migrationhub", "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None

        def banner() -> None:  # both lines, before stop() reads the rest
            for _ in range(2):
                lines.put(stdout.readline())

        threading.Thread(target=banner, daemon=True).start()
        try:
            self.line = lines.get(timeout=30).rstrip("\n")
            #: the banner's second line, the console's URL
            self.console_line = lines.get(timeout=30).rstrip("\n")
        except queue.Empty:  # pragma: no cover - shown on failure only
            self.process.kill()
            raise AssertionError("serve printed nothing within 30 s") from None

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str, str]:
        self.process.send_signal(sig)
        try:
            out, err = self.process.communicate(timeout=10)
        finally:
            if self.process.poll() is None:  # pragma: no cover
                self.process.kill()
                self.process.communicate()
        return self.process.returncode, out, err


def send(
    server: MigrationHubServer, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """One request with exactly these headers (http.client adds Host unless one is given)."""
    conn = connect(server)
    try:
        sent = dict(headers or {})
        conn.putrequest(method, path, skip_host="Host" in sent, skip_accept_encoding=True)
        payload = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        for name, value in sent.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(payload)))
        conn.endheaders(payload)
        response = conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    finally:
        conn.close()
