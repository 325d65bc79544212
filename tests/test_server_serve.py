"""``python -m pytest_migrationhub serve``: the server outside pytest."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys

import pytest
from server_helpers import (
    JSON11,
    LISTENING,
    STREAM,
    Served,
    auth,
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(
    ("sig", "options", "home"),
    [
        pytest.param(signal.SIGTERM, ["--home-region", "eu-west-1"], "eu-west-1", id="sigterm"),
        pytest.param(signal.SIGINT, ["--home-region", "none", "--host", "127.0.0.1", "--port", "0"], None, id="ctrl-c"),
    ],
)
def test_serve_prints_the_endpoint_serves_and_stops_cleanly(sig: int, options: list[str], home: str | None) -> None:
    served = Served(*options)
    match = LISTENING.match(served.line)
    assert match, served.line
    url, port = match.group(1), int(match.group(2))
    assert served.console_line == f"Console (read-only, open in a browser): {url}/"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/mhub-api/home-region")
    assert json.loads(conn.getresponse().read()) == {"home_region": home}
    conn.request("POST", "/mhub-api/home-region", body="{}")
    assert conn.getresponse().read()  # 405, and the connection carries on
    if home is not None:
        conn.request(
            "POST",
            "/",
            body=json.dumps({"ProgressUpdateStreamName": STREAM}),
            headers={
                "Content-Type": JSON11,
                "X-Amz-Target": "AWSMigrationHub.CreateProgressUpdateStream",
                "Authorization": auth(home),
            },
        )
        assert conn.getresponse().read() == b"{}"
        conn.request("GET", "/mhub-api/streams")
        assert json.loads(conn.getresponse().read()) == {"streams": [STREAM]}
    # A kept-alive connection is open while the server is told to stop.
    assert served.stop(sig) == (0, "", "")
    conn.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert url == f"http://127.0.0.1:{port}"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_serve_warns_when_not_on_loopback() -> None:
    # Binding a non-loopback address is off limits here: make 127.0.0.1 count as one.
    script = (
        "import sys, pytest_migrationhub._server.hosts as server\n"
        "server.is_loopback = lambda host: False\n"
        "from pytest_migrationhub.__main__ import main\n"
        "sys.exit(main(['serve']))\n"
    )
    served = Served(command=[sys.executable, "-c", script])
    match = LISTENING.match(served.line)
    assert match, served.line
    assert served.stop() == (
        0,
        "",
        "warning: listening on 127.0.0.1, which is not a loopback address: anything that can reach "
        "this machine can call the fake and its control API (no authentication).\n",
    )


def test_serve_reports_a_port_in_use_and_a_bad_home_region() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "pytest_migrationhub", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    done = subprocess.run(
        [sys.executable, "-m", "pytest_migrationhub", "serve", "--home-region", "Mars"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "error: home_region must be a region name such as 'us-west-2', or None to leave it unset; got 'Mars'.\n"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_serve_allow_host_answers_that_name() -> None:
    served = Served("--allow-host", "mhub.test", "--allow-host", "other.test")
    match = LISTENING.match(served.line)
    assert match, served.line
    port = int(match.group(2))
    try:
        for host, expected in (("mhub.test", 200), (f"other.test:{port}", 200), ("evil.test", 403)):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.putrequest("GET", "/mhub-api/streams", skip_host=True)
            conn.putheader("Host", host)
            conn.endheaders()
            assert conn.getresponse().status == expected, host
            conn.close()
    finally:
        assert served.stop() == (0, "", "")
