"""What a web page cannot do to the server: reach it under a name of its own, or write across sites."""

from __future__ import annotations

import json
from typing import Any

import pytest
from server_helpers import (
    JSON11,
    STREAM,
    TASK,
    parse_raw,
    raw,
    send,
    still_serving,
)

from pytest_migrationhub import MigrationHubFake, MigrationHubFakeError, MigrationHubServer
from pytest_migrationhub._server import CONTROL_PREFIX


def host_refusal(
    host: str, name: str, answered: str = "localhost, 127.0.0.1 (any 127.x.y.z) and [::1]"
) -> tuple[int, Any]:
    return 403, {
        "__type": "ForbiddenException",
        "Message": (
            f"Host {host!r} is not a name this server answers to: it answers {answered}, so that a web "
            f"page cannot reach it under a name of its own; if {name!r} is yours, allow it with serve "
            f"--allow-host {name} (in Python: MigrationHubServer(..., allowed_hosts=[{name!r}]))"
        ),
    }


NOTIFY_HEADERS = {"Content-Type": JSON11, "X-Amz-Target": "AWSMigrationHub.CreateProgressUpdateStream"}


def test_a_foreign_host_is_refused_everywhere(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer) -> None:
    # A DNS-rebinding page reaches 127.0.0.1 under its own name, which its browser sends as Host.
    rebound = {"Host": f"attacker.example:{mhub_server.port}"}
    assert send(mhub_server, "POST", "/mhub-api/reset", {}, {**rebound, "Content-Type": "application/json"}) == (
        host_refusal(f"attacker.example:{mhub_server.port}", "attacker.example")
    )
    assert send(mhub_server, "GET", "/mhub-api/calls", None, rebound)[0] == 403
    assert send(mhub_server, "POST", "/", {"ProgressUpdateStreamName": STREAM}, {**NOTIFY_HEADERS, **rebound})[0] == 403
    assert send(mhub_server, "GET", "/mhub-api/", None, {"Host": "Attacker.Example."}) == (
        host_refusal("Attacker.Example.", "attacker.example")
    )
    assert mhub_fake.calls == [] and mhub_fake.streams == []
    assert still_serving(mhub_server)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.1:1", "localhost", "LOCALHOST.:8080", "127.9.8.7:5000", "[::1]", "[::1]:5000", None]
)
def test_loopback_hosts_with_any_port_are_answered(mhub_server: MigrationHubServer, host: str | None) -> None:
    if host is None:  # HTTP/1.0 without Host: not a browser
        status, _, body = parse_raw(raw(mhub_server, b"GET /mhub-api/streams HTTP/1.0\r\n\r\n"))
    else:
        status, body = send(mhub_server, "GET", "/mhub-api/streams", None, {"Host": host})
    assert (status, body) == (200, {"streams": []})


def test_allowed_hosts_add_names_and_a_star_answers_any(mhub_fake: MigrationHubFake) -> None:
    with MigrationHubServer(mhub_fake, allowed_hosts=["MHub.test", "[fd00::1]"]) as server:
        for host in ("mhub.test", "mhub.test:80", "[fd00::1]:5000", "localhost"):
            assert send(server, "GET", "/mhub-api/streams", None, {"Host": host})[0] == 200, host
        assert send(server, "GET", "/mhub-api/streams", None, {"Host": "other.test"}) == host_refusal(
            "other.test", "other.test", "localhost, 127.0.0.1 (any 127.x.y.z) and [::1], fd00::1, mhub.test"
        )
    with MigrationHubServer(mhub_fake, allowed_hosts=["*"]) as server:
        assert send(server, "GET", "/mhub-api/streams", None, {"Host": "anything.example"})[0] == 200
    for bad in ("http://mhub.test", "", "mhub test", "mhub.test/"):
        with pytest.raises(MigrationHubFakeError) as raised:
            MigrationHubServer(mhub_fake, allowed_hosts=[bad])
        assert str(raised.value) == (
            "allowed_hosts must be a list of host names such as ['mhub.internal'] (no scheme), "
            f"or ['*'] for any; got [{bad!r}]."
        )
    with pytest.raises(MigrationHubFakeError, match=r"got 'mhub.test'\.$"):
        MigrationHubServer(mhub_fake, allowed_hosts="mhub.test")


def test_off_loopback_the_bound_address_is_answered(
    mhub_fake: MigrationHubFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Binding a non-loopback address is off limits here: make no address count as loopback.
    import pytest_migrationhub._server.hosts as server_module

    monkeypatch.setattr(server_module, "is_loopback", lambda host: False)
    with MigrationHubServer(mhub_fake) as server:
        assert send(server, "GET", "/mhub-api/streams", None, {"Host": f"127.0.0.1:{server.port}"})[0] == 200
        assert send(server, "GET", "/mhub-api/streams", None, {"Host": "mhub.test"})[0] == 403


def origin_refusal(method: str, path: str, origin: str) -> tuple[int, Any]:
    return 403, {
        "__type": "ForbiddenException",
        "Message": (
            f"{method} {path} came from the web page at {origin!r}: this server takes no cross-site "
            "writes; send the request without an Origin header, as curl, the AWS CLI and the SDKs do"
        ),
    }


def test_a_cross_site_write_is_refused(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer) -> None:
    page = {"Origin": "https://example.com", "Content-Type": "application/json"}
    assert send(mhub_server, "POST", "/mhub-api/tasks", {"stream": STREAM, "task": TASK}, page) == (
        origin_refusal("POST", "/mhub-api/tasks", "https://example.com")
    )
    assert send(mhub_server, "DELETE", "/mhub-api/faults", None, {**page, "Origin": "null"}) == (
        origin_refusal("DELETE", "/mhub-api/faults", "null")
    )
    assert send(
        mhub_server,
        "POST",
        "/",
        {"ProgressUpdateStreamName": STREAM},
        {**NOTIFY_HEADERS, "Origin": "https://example.com"},
    ) == origin_refusal("POST", "/", "https://example.com")
    assert mhub_fake.calls == [] and mhub_fake.tasks() == []
    # The server's own origin may write; anyone may read (without CORS headers, a page cannot see it).
    own = {"Origin": f"http://127.0.0.1:{mhub_server.port}", "Content-Type": "application/json"}
    assert send(mhub_server, "POST", "/mhub-api/streams", {"name": STREAM}, own) == (200, {})
    assert send(mhub_server, "GET", "/mhub-api/streams", None, {"Origin": "https://example.com"}) == (
        200,
        {"streams": [STREAM]},
    )


@pytest.mark.parametrize(
    ("content_type", "shown"),
    [
        ("text/plain", "'text/plain'"),
        ("application/x-www-form-urlencoded", "'application/x-www-form-urlencoded'"),
        ("multipart/form-data; boundary=x", "'multipart/form-data; boundary=x'"),
        (None, "None"),
    ],
)
def test_a_control_write_needs_json(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer, content_type: str | None, shown: str
) -> None:
    # What a page can send cross-site without a preflight: a simple content type, or none at all.
    headers = {} if content_type is None else {"Content-Type": content_type}
    mhub_fake.add_stream(STREAM)
    for method, route, body in (("POST", "reset", None), ("POST", "tasks", {"stream": STREAM, "task": TASK})):
        assert send(mhub_server, method, CONTROL_PREFIX + route, body, headers) == (
            415,
            {
                "__type": "UnsupportedMediaTypeException",
                "Message": (
                    f"{method} /mhub-api/{route}: Content-Type {shown} is not accepted; control API writes take "
                    "Content-Type: application/json, with or without a body (curl: -H 'Content-Type: application/json')"
                ),
            },
        )
    # Nor can the API be driven by one: it speaks application/x-amz-json-1.1 only.
    status, body = send(
        mhub_server,
        "POST",
        "/",
        {"ProgressUpdateStreamName": "Other"},
        {**headers, "X-Amz-Target": "AWSMigrationHub.CreateProgressUpdateStream"},
    )
    assert (status, body["__type"]) == (415, "UnsupportedMediaTypeException")
    assert mhub_fake.streams == [STREAM] and mhub_fake.tasks() == [] and mhub_fake.calls == []
    assert send(mhub_server, "POST", "/mhub-api/reset", None, {"Content-Type": "application/json; charset=utf-8"}) == (
        200,
        {},
    )


def test_a_server_on_every_address_gives_out_the_loopback_one_and_answers_it(mhub_fake: MigrationHubFake) -> None:
    import urllib.parse
    import urllib.request

    with MigrationHubServer(mhub_fake, "0.0.0.0") as server:
        assert server.host == "0.0.0.0"
        assert server.endpoint_url == f"http://127.0.0.1:{server.port}"
        endpoint = server.client_env()["AWS_ENDPOINT_URL_MIGRATION_HUB"]
        assert endpoint == server.endpoint_url
        # What a client given that URL sends, Host included, is answered.
        with urllib.request.urlopen(f"{endpoint}/mhub-api/streams", timeout=10) as response:
            assert (response.status, json.loads(response.read())) == (200, {"streams": []})
