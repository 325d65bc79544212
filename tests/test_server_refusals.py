"""What the server refuses besides a foreign Host on GET and a cross-site POST or DELETE:
a cross-site PUT, a wildcard as a Host, a Host whose port is no number, and numbers JSON does not have."""

from __future__ import annotations

import http.client
import json
import re
import socket
from typing import Any

import pytest
from server_helpers import STREAM, TASK, api, auth, control, error_of, send

from pytest_migrationhub import MigrationHubFake, MigrationHubServer

#: what a Host refusal lists as always answered, and nothing else
LOOPBACK_NAMES = "localhost, 127.0.0.1 (any 127.x.y.z) and [::1]"
JSON = {"Content-Type": "application/json"}


# --- a cross-site PUT -----------------------------------------------------------------


def test_a_cross_site_put_cannot_move_the_home_region(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    route = "/mhub-api/home-region"
    # A page may send a PUT as readily as a POST; from another origin it is refused as a POST is.
    assert send(
        mhub_server,
        "PUT",
        route,
        {"home_region": "eu-west-1"},
        {"Origin": "http://evil.example", **JSON},
    ) == (
        403,
        {
            "__type": "ForbiddenException",
            "Message": (
                "PUT /mhub-api/home-region came from the web page at 'http://evil.example': this server takes no "
                "cross-site writes; send the request without an Origin header, as curl, the AWS CLI and the SDKs do"
            ),
        },
    )
    # Without an Origin, a body a page can send without a preflight is refused too.
    assert send(mhub_server, "PUT", route, {"home_region": None}, {"Content-Type": "text/plain"}) == (
        415,
        {
            "__type": "UnsupportedMediaTypeException",
            "Message": (
                "PUT /mhub-api/home-region: Content-Type 'text/plain' is not accepted; control API writes take "
                "Content-Type: application/json, with or without a body (curl: -H 'Content-Type: application/json')"
            ),
        },
    )
    assert mhub_fake.home_region == "us-west-2"
    assert control(mhub_server, "GET", "home-region") == (200, {"home_region": "us-west-2"})
    # The server's own origin, with JSON, may move it.
    own = {"Origin": f"http://127.0.0.1:{mhub_server.port}", **JSON}
    assert send(mhub_server, "PUT", route, {"home_region": "eu-west-1"}, own) == (200, {"home_region": "eu-west-1"})
    assert mhub_fake.home_region == "eu-west-1"


# --- a wildcard is no Host --------------------------------------------------------------


def _has_ipv6() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def get_streams(address: str, port: int, host: str) -> tuple[int, Any]:
    """``GET /mhub-api/streams`` sent to ``address`` with exactly ``Host: host``."""
    conn = http.client.HTTPConnection(address, port, timeout=10)
    try:
        conn.putrequest("GET", "/mhub-api/streams", skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("wildcard", "loopback", "as_host", "name"),
    [
        pytest.param("0.0.0.0", "127.0.0.1", "0.0.0.0", "0.0.0.0", id="ipv4"),
        pytest.param(
            "::",
            "::1",
            "[::]",
            "::",
            id="ipv6",
            marks=pytest.mark.skipif(not _has_ipv6(), reason="this machine has no IPv6 loopback"),
        ),
    ],
)
def test_a_server_bound_to_a_wildcard_does_not_answer_the_wildcard_as_host(
    mhub_fake: MigrationHubFake, wildcard: str, loopback: str, as_host: str, name: str
) -> None:
    # A wildcard is where a server listens, not a name a client reaches it by: a page
    # whose own name resolves to 0.0.0.0 would send exactly that Host.
    with MigrationHubServer(mhub_fake, host=wildcard) as server:
        port = server.port
        # What a client given the endpoint it gives out sends is answered: the refusals below are the wildcard's.
        assert get_streams(loopback, port, server.endpoint_url.removeprefix("http://")) == (200, {"streams": []})
        for host in (as_host, f"{as_host}:{port}"):
            status, body = get_streams(loopback, port, host)
            assert (status, body["__type"]) == (403, "ForbiddenException"), host
            assert body["Message"] == (
                f"Host {host!r} is not a name this server answers to: it answers {LOOPBACK_NAMES}, so that a web "
                f"page cannot reach it under a name of its own; reach it at {loopback} instead: {name} is where "
                "a server listens, not an address a client can name"
            )
            answered = body["Message"].split(" it answers ", 1)[1].split(", so that ", 1)[0]
            assert answered == LOOPBACK_NAMES
            assert not {as_host, name} & set(re.split(r", | and ", answered))
        assert not server.accepts_host(as_host)
        assert not server.accepts_host(f"{as_host}:{port}")
    assert mhub_fake.calls == []


# --- a Host's port is a number ------------------------------------------------------------


def invalid_host(host: str) -> tuple[int, Any]:
    """What HTTP/1.1 (RFC 7230, section 5.4) requires for an invalid Host: 400."""
    return 400, {
        "__type": "BadRequestException",
        "Message": (
            f"Host {host!r} is malformed: a port follows the host name after one colon, digits only "
            "(localhost:8080, [::1]:8080); send the Host header as HTTP/1.1 defines it"
        ),
    }


@pytest.mark.parametrize(
    ("host", "valid"),
    [
        ("localhost:8080", True),
        ("localhost:", True),  # RFC 7230: port = *DIGIT, so an empty port is allowed
        ("[::1]:8080", True),
        ("localhost:8080@evil", False),
        ("localhost:abc", False),
        ("127.0.0.1:80x", False),
        ("[::1]:80x", False),
        ("[::1]x", False),
        ("localhost:\xb2", False),  # a digit to str.isdigit(), but not an ASCII one
    ],
)
def test_a_host_whose_port_is_not_a_number_is_a_bad_request(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer, host: str, valid: bool
) -> None:
    response = send(mhub_server, "POST", "/mhub-api/streams", {"name": STREAM}, {"Host": host, **JSON})
    assert response == ((200, {}) if valid else invalid_host(host))
    assert mhub_fake.streams == ([STREAM] if valid else [])


# --- NaN and Infinity are not JSON --------------------------------------------------------

NOTIFY = (
    '{"ProgressUpdateStream": "SMS", "MigrationTaskName": "sms-12de3cf1a", '
    '"Task": {"Status": "IN_PROGRESS", "ProgressPercent": %s}, "UpdateDateTime": 1493660853, "NextUpdateSeconds": 60}'
)


@pytest.mark.parametrize(
    ("operation", "template", "constant", "number"),
    [
        ("CreateProgressUpdateStream", '{"ProgressUpdateStreamName": %s}', "NaN", '"DMS"'),
        ("NotifyMigrationTaskState", NOTIFY, "NaN", "50"),
        ("NotifyMigrationTaskState", NOTIFY, "Infinity", "50"),
        ("NotifyMigrationTaskState", NOTIFY, "-Infinity", "50"),
    ],
)
def test_nan_and_infinity_are_a_serialization_exception(
    mhub_fake: MigrationHubFake,
    mhub_server: MigrationHubServer,
    operation: str,
    template: str,
    constant: str,
    number: str,
) -> None:
    # Python's json module reads these constants; JSON has no such numbers, and neither has AWS.
    mhub_fake.add_task(STREAM, TASK)
    body = template % constant
    expected = (400, "SerializationException", f"{operation}: the body is not JSON")
    assert error_of(api(mhub_server, operation, body)) == expected
    status, headers, raw = mhub_fake.handle(
        f"AWSMigrationHub.{operation}", body.encode(), {"Authorization": auth("us-west-2")}
    )
    parsed = json.loads(raw)
    assert (status, parsed["__type"], parsed["Message"]) == expected
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert mhub_fake.streams == [STREAM] and mhub_fake.task(STREAM, TASK).updates == []
    # The same body with a number instead is answered.
    assert api(mhub_server, operation, template % number)[0] == 200


# --- more that mutation showed unchecked -------------------------------------------------------


def test_a_cross_site_patch_is_refused_as_a_write(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer) -> None:
    # hosts.py:19 WRITES lists PATCH: a page's PATCH is a write, refused before any routing.
    status, body = send(
        mhub_server, "PATCH", "/mhub-api/streams", {"name": STREAM}, {"Origin": "http://evil.example", **JSON}
    )
    assert status == 403
    assert body["__type"] == "ForbiddenException"
    assert body["Message"].startswith("PATCH /mhub-api/streams came from the web page at 'http://evil.example'")
    assert mhub_fake.streams == []


@pytest.mark.parametrize("host", ["[::1]:x80", "[::1]:a"])
def test_a_bracketed_host_whose_port_starts_with_a_non_digit_is_a_bad_request(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer, host: str
) -> None:
    # hosts.py:48 port = rest[1:]: every character after the colon is checked, the first included.
    status, body = send(mhub_server, "POST", "/mhub-api/streams", {"name": STREAM}, {"Host": host, **JSON})
    assert (status, body["__type"]) == (400, "BadRequestException")
    assert mhub_fake.streams == []


def test_a_host_header_with_trailing_whitespace_is_answered(mhub_server: MigrationHubServer) -> None:
    # hosts.py:41 value.strip(): optional whitespace around a field value is not part of it (RFC 7230, 3.2).
    from server_helpers import parse_raw, raw

    response = raw(
        mhub_server, b"GET /mhub-api/streams HTTP/1.1\r\nHost: localhost:8080 \t\r\nConnection: close\r\n\r\n"
    )
    status, _, body = parse_raw(response)
    assert (status, body) == (200, {"streams": []})


# --- _core/pipeline.py and _core/records.py seen through the server ------------------------


def test_an_empty_body_is_an_empty_request_and_its_call_reads_as_one(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    # pipeline.py:81 json.loads(raw or b"{}") and records.py:133 json.loads(self._body or b"{}").
    from server_helpers import api

    status, _, body = api(mhub_server, "ListProgressUpdateStreams", b"")
    assert (status, body) == (200, {"ProgressUpdateStreamSummaryList": []})
    [call] = mhub_fake.calls
    assert call.params == {}


def test_an_accepted_notify_is_a_200(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer, task: Any) -> None:
    # pipeline.py:99 a Kept answer (an accepted NotifyMigrationTaskState) is 200 with {}, as any success.
    from server_helpers import notify

    assert notify(mhub_server, 1493660853) == 200
    assert [u.progress_percent for u in task.updates] == [10]
