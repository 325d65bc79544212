"""Server mode's HTTP/1.1 layer: every odd request gets a clear answer, and the server stays up."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from server_helpers import (
    JSON11,
    ONLY_MIGRATION_HUB,
    STREAM,
    api,
    auth,
    connect,
    error_of,
    parse_raw,
    raw,
    read_until_closed,
    still_serving,
)

from pytest_migrationhub import MigrationHubFake, MigrationHubFakeError, MigrationHubServer
from pytest_migrationhub._server import MAX_BODY, is_loopback, loopback_warning


@pytest.mark.parametrize(
    ("operation", "body", "headers", "expected"),
    [
        pytest.param(
            "CreateProgressUpdateStream",
            b'{"ProgressUpdateStreamName": ',
            {},
            (400, "SerializationException", "CreateProgressUpdateStream: the body is not JSON"),
            id="malformed-json",
        ),
        pytest.param(
            "CreateProgressUpdateStream",
            b"\xff\xfe",
            {},
            (400, "SerializationException", "CreateProgressUpdateStream: the body is not JSON"),
            id="not-utf8",
        ),
        pytest.param(
            "DeleteEverything",
            {},
            {},
            (400, "UnknownOperationException", "AWSMigrationHub.DeleteEverything is not a Migration Hub operation"),
            id="unknown-operation",
        ),
        pytest.param(
            "ListTables",
            {},
            {"X-Amz-Target": "DynamoDB_20120810.ListTables"},
            (
                400,
                "UnknownOperationException",
                "DynamoDB_20120810.ListTables is not a Migration Hub operation (targets start with "
                "AWSMigrationHub. or AWSMigrationHubMultiAccountService. or AWSPoseidonService_V2015_11_01.); "
                + ONLY_MIGRATION_HUB,
            ),
            id="foreign-target",
        ),
        pytest.param(
            "ListTables",
            {},
            {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"},
            (
                400,
                "UnknownOperationException",
                "DynamoDB_20120810.ListTables is not a Migration Hub operation (targets start with "
                "AWSMigrationHub. or AWSMigrationHubMultiAccountService. or AWSPoseidonService_V2015_11_01.); "
                + ONLY_MIGRATION_HUB,
            ),
            id="foreign-target-and-content-type",
        ),
        pytest.param(
            "ListProgressUpdateStreams",
            {},
            {"Authorization": auth().replace("/mgh/", "/dynamodb/")},
            (
                400,
                "UnknownOperationException",
                "POST / is a request for the 'dynamodb' service (so says its signature's credential scope); "
                + ONLY_MIGRATION_HUB,
            ),
            id="signed-for-another-service",
        ),
        pytest.param(
            "ListProgressUpdateStreams",
            {},
            {"X-Amz-Target": ""},
            (
                400,
                "UnknownOperationException",
                "the request has no X-Amz-Target header; name the operation there, e.g. "
                "X-Amz-Target: AWSMigrationHub.NotifyMigrationTaskState",
            ),
            id="empty-target",
        ),
        pytest.param(
            "ListProgressUpdateStreams",
            {},
            {"Content-Type": "application/json"},
            (
                415,
                "UnsupportedMediaTypeException",
                "Content-Type 'application/json' is not supported; Migration Hub speaks AWS JSON 1.1: "
                "send Content-Type: application/x-amz-json-1.1",
            ),
            id="wrong-content-type",
        ),
    ],
)
def test_bad_api_requests_get_aws_shaped_errors(
    mhub_fake: MigrationHubFake,
    mhub_server: MigrationHubServer,
    operation: str,
    body: Any,
    headers: dict[str, str],
    expected: Any,
) -> None:
    assert error_of(api(mhub_server, operation, body, headers=headers)) == expected
    assert still_serving(mhub_server)


def test_a_request_without_target_or_content_type(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer) -> None:
    conn = connect(mhub_server)
    conn.request("POST", "/", body=b"{}", headers={"Content-Type": JSON11})
    response = conn.getresponse()
    assert (response.status, json.loads(response.read())["__type"]) == (400, "UnknownOperationException")
    conn.request("POST", "/", body=b"{}", headers={"X-Amz-Target": "AWSMigrationHub.ListProgressUpdateStreams"})
    response = conn.getresponse()
    assert response.status == 415
    assert json.loads(response.read())["Message"].startswith("Content-Type None is not supported")
    conn.close()
    assert [c.operation for c in mhub_fake.calls] == []


# An empty body is an empty JSON object: a request missing its required members.
@pytest.mark.mhub_fake(assert_all_requests_valid=False)
def test_an_empty_body_is_an_empty_request(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer) -> None:
    assert api(mhub_server, "ListProgressUpdateStreams", b"")[0] == 200
    status, kind, message = error_of(api(mhub_server, "CreateProgressUpdateStream", b""))
    assert (status, kind) == (400, "InvalidInputException")
    assert message.startswith("CreateProgressUpdateStream: ") and "ProgressUpdateStreamName" in message
    assert still_serving(mhub_server)


def test_a_body_over_the_limit_gets_413_and_the_connection_stays_usable(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    conn = connect(mhub_server)
    too_big = b" " * (MAX_BODY + 1)
    assert error_of(api(mhub_server, "ListProgressUpdateStreams", too_big, conn=conn)) == (
        413,
        "RequestEntityTooLargeException",
        "the request body (1048577 bytes) is larger than the server's limit of 1048576 bytes",
    )
    # The body was read and dropped: the next request on the same connection is answered.
    at_the_limit = b"{}" + b" " * (MAX_BODY - 2)
    assert api(mhub_server, "ListProgressUpdateStreams", at_the_limit, conn=conn)[0] == 200
    conn.close()
    assert [c.operation for c in mhub_fake.calls] == ["ListProgressUpdateStreams"]


def test_a_huge_declared_body_is_refused_at_once(mhub_server: MigrationHubServer) -> None:
    head = (
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
        "X-Amz-Target: AWSMigrationHub.ListProgressUpdateStreams\r\nContent-Length: {}\r\n{}\r\n"
    )
    # Without sending the body, the server answers and closes.
    status, headers, body = parse_raw(raw(mhub_server, head.format(10**12, "").encode()))
    assert (status, headers["Connection"], body["__type"]) == (413, "close", "RequestEntityTooLargeException")
    # With Expect: 100-continue, before the client sends it.
    status, headers, body = parse_raw(raw(mhub_server, head.format(MAX_BODY + 1, "Expect: 100-continue\r\n").encode()))
    assert (status, headers["Connection"]) == (413, "close")
    assert still_serving(mhub_server)


def test_chunked_bodies_are_read_and_limited(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer) -> None:
    head = (
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
        "X-Amz-Target: AWSMigrationHub.CreateProgressUpdateStream\r\nTransfer-Encoding: chunked\r\n"
        f"Authorization: {auth()}\r\nConnection: close\r\n\r\n"
    ).encode()
    body = b'{"ProgressUpdateStreamName": "SMS"}'
    chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, body[:10], len(body) - 10, body[10:])
    status, _, answer = parse_raw(raw(mhub_server, head + chunked))
    assert (status, answer, mhub_fake.streams) == (200, {}, [STREAM])

    big = b"%x\r\n%s\r\n0\r\n\r\n" % (MAX_BODY + 1, b" " * (MAX_BODY + 1))
    status, _, answer = parse_raw(raw(mhub_server, head + big))
    assert (status, answer["__type"]) == (413, "RequestEntityTooLargeException")

    status, _, answer = parse_raw(raw(mhub_server, head + b"zz\r\n"))
    assert (status, answer) == (
        400,
        {"__type": "BadRequestException", "Message": "a chunk size 'zz' is not hexadecimal"},
    )
    assert still_serving(mhub_server)


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        pytest.param(
            b"POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n",
            (400, "BadRequestException", "Content-Length must be one number of bytes"),
            id="bad-content-length",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            (400, "BadRequestException", "Content-Length must be one number of bytes"),
            id="two-content-lengths",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            (
                501,
                "NotImplemented",
                "Transfer-Encoding 'gzip' is not supported; send Content-Length or Transfer-Encoding: chunked",
            ),
            id="unknown-transfer-encoding",
        ),
        # http.server's own words, wrapped: only their gist is pinned.
        pytest.param(
            b"HELLO\r\n\r\n",
            (
                400,
                "BadRequestException",
                r"Bad request syntax \('HELLO'\); this is not an HTTP/1\.1 request the server can read",
            ),
            id="garbage",
        ),
        pytest.param(
            b"GET / HTTP/9.1\r\n\r\n",
            (505, "HTTPVersionNotSupportedException", r"Invalid HTTP version \(9\.1\)"),
            id="http-9",
        ),
    ],
)
def test_unreadable_http_gets_a_json_answer_and_a_closed_connection(
    mhub_server: MigrationHubServer, request_bytes: bytes, expected: tuple[int, str, str]
) -> None:
    status, headers, body = parse_raw(raw(mhub_server, request_bytes))
    assert (status, body["__type"]) == expected[:2]
    assert re.fullmatch(expected[2], body["Message"]) or body["Message"] == expected[2], body["Message"]
    assert headers["Connection"] == "close"
    assert still_serving(mhub_server)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        pytest.param(
            "PATCH",
            "/",
            (
                405,
                "MethodNotAllowedException",
                "PATCH / is not served: Migration Hub requests are POST / with an X-Amz-Target header; "
                "GET / is the console (a page for a browser); the control API is under /mhub-api/",
            ),
            id="patch-root",
        ),
        pytest.param(
            "POST",
            "/moto-api/reset",
            (
                404,
                "UnknownOperationException",
                "no such path: POST /moto-api/reset; Migration Hub requests are POST / with an "
                "X-Amz-Target header, and the control API is under /mhub-api/",
            ),
            id="unknown-path",
        ),
    ],
)
def test_unknown_paths_and_methods(mhub_server: MigrationHubServer, method: str, path: str, expected: Any) -> None:
    conn = connect(mhub_server)
    conn.request(method, path)
    response = conn.getresponse()
    body = json.loads(response.read())
    assert (response.status, body["__type"], body["Message"]) == expected
    if response.status == 405:
        assert response.getheader("Allow") == "GET, HEAD, POST"
    conn.close()
    assert still_serving(mhub_server)


def test_head_gets_headers_only(mhub_server: MigrationHubServer) -> None:
    status, headers, body = parse_raw(
        raw(mhub_server, b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    )
    assert (status, body) == (200, None)
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(headers["Content-Length"]) > 0


@pytest.fixture
def quick_server() -> Iterator[MigrationHubServer]:
    """A server whose connections time out after 0.3 s, on a fake that is never started."""
    with MigrationHubServer(MigrationHubFake(), timeout=0.3) as server:
        yield server


def test_a_client_that_sends_nothing_gets_408_and_blocks_nobody(quick_server: MigrationHubServer) -> None:
    # The socket's timeout bounds the wait; how soon the 408 comes is measured by
    # benchmarks/bench_server.py, not asserted here, where a loaded machine is slow.
    started = time.monotonic()
    silent = socket.create_connection((quick_server.host, quick_server.port), timeout=30)
    assert still_serving(quick_server)  # served while the silent one waits
    answer = read_until_closed(silent)
    silent.close()
    assert time.monotonic() - started >= 0.25  # the server waited for its timeout first
    status, headers, body = parse_raw(answer)
    assert (status, body["__type"], body["Message"], headers["Connection"]) == (
        408,
        "RequestTimeoutException",
        "no complete request within 0.3 seconds; closing the connection",
        "close",
    )
    # Stopping mid-request is the same.
    status, _, body = parse_raw(raw(quick_server, b"POST / HTTP/1.1\r\nContent-Le"))
    assert (status, body["__type"]) == (408, "RequestTimeoutException")
    assert still_serving(quick_server)


def test_an_idle_kept_alive_connection_is_closed_silently(quick_server: MigrationHubServer) -> None:
    received = raw(
        quick_server,
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
        b"X-Amz-Target: AWSMigrationHub.ListProgressUpdateStreams\r\nContent-Length: 2\r\n\r\n{}",
    )
    # One answer, then the close: no unsolicited 408 for a pooled client to misread.
    assert received.count(b"HTTP/1.1 ") == 1 and parse_raw(received)[0] == 200


def connection_threads(*clients: socket.socket) -> list[threading.Thread]:
    """The server's threads serving these client sockets (named after the client's port)."""
    names = {f"mhub-server-conn-{client.getsockname()[1]}" for client in clients}
    return [thread for thread in threading.enumerate() if thread.name in names]


def test_stopping_closes_open_connections_at_once() -> None:
    server = MigrationHubServer(MigrationHubFake()).start()
    idle = socket.create_connection((server.host, server.port), timeout=5)
    conn = connect(server)
    assert api(server, "ListProgressUpdateStreams", conn=conn)[0] == 200  # a kept-alive one
    assert still_serving(server) and conn.sock is not None
    serving = connection_threads(idle, conn.sock)
    assert len(serving) == 2
    # stop() waits 2 s at most for the connections' threads; had it not closed the
    # connections, theirs would still wait for their 60 s timeout. (How long stop()
    # takes is measured by benchmarks/bench_server.py.)
    server.stop()
    assert [thread for thread in serving if thread.is_alive()] == []
    assert idle.recv(10) == b""
    idle.close()
    conn.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(conn.port or 0)), timeout=1).close()
    server.stop()  # twice is harmless


def test_a_fake_that_cannot_answer_gets_501_and_a_bug_500(capsys: pytest.CaptureFixture[str]) -> None:
    def answer(target: str, body: bytes, headers: Any) -> Any:
        if target.endswith("Notify"):
            raise MigrationHubFakeError("mhub_fake does not implement mgh Notify yet")
        raise KeyError("oops")

    with MigrationHubServer(MigrationHubFake(), answer=answer) as server:
        assert error_of(api(server, "Notify")) == (501, "NotImplemented", "mhub_fake does not implement mgh Notify yet")
        assert error_of(api(server, "ListProgressUpdateStreams")) == (
            500,
            "InternalFailure",
            "the Migration Hub fake failed answering AWSMigrationHub.ListProgressUpdateStreams: KeyError: "
            "'oops' (a bug in pytest-migrationhub; the traceback is on the server's stderr)",
        )
        assert error_of(api(server, "ListProgressUpdateStreams"))[0] == 500  # still up
    assert "KeyError: 'oops'" in capsys.readouterr().err


def test_the_server_binds_loopback_and_says_so_otherwise() -> None:
    with MigrationHubServer(MigrationHubFake()) as server:
        assert server.host == "127.0.0.1" and server.port > 0
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert is_loopback(host) and loopback_warning(host) is None
    for host in ("0.0.0.0", "::", "192.168.1.10", "myhost.example"):
        assert not is_loopback(host)
    assert loopback_warning("0.0.0.0") == (
        "warning: listening on 0.0.0.0, which is not a loopback address: anything that can reach "
        "this machine can call the fake and its control API (no authentication)."
    )


def test_the_server_refuses_bad_options() -> None:
    fake = MigrationHubFake()
    with pytest.raises(MigrationHubFakeError, match=r"^port must be 0 \(any free port\) to 65535; got 70000\.$"):
        MigrationHubServer(fake, port=70000)
    with pytest.raises(MigrationHubFakeError, match=r"^timeout must be a number of seconds above 0; got 0\.$"):
        MigrationHubServer(fake, timeout=0)
    server = MigrationHubServer(fake)
    with pytest.raises(MigrationHubFakeError, match=r"not started; call start\(\) first"):
        _ = server.endpoint_url
    with server:
        with pytest.raises(MigrationHubFakeError, match="already started"):
            server.start()
