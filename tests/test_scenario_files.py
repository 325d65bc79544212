"""Scenario files: save() and load(), the marker and ini option, the control API's state route,
and ``serve --state`` across a stop and a start."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from server_helpers import LISTENING, Served, control, send
from support import STREAM, TASK, Inner

from pytest_migrationhub import MigrationHubFake, MigrationHubServer, ScenarioError, mock_migrationhub


def test_save_then_load_round_trips_through_a_file(mhub_fake: MigrationHubFake, tmp_path: Path) -> None:
    mhub_fake.add_task(STREAM, TASK)
    path = tmp_path / "estate.json"
    mhub_fake.save(path)
    assert json.loads(path.read_text(encoding="utf-8")) == mhub_fake.snapshot()
    assert [p.name for p in tmp_path.iterdir()] == ["estate.json"]  # no temporary file left
    loaded = MigrationHubFake(scenario=path)
    assert loaded.snapshot() == mhub_fake.snapshot()
    other = MigrationHubFake()
    other.load(str(path))
    assert other.tasks()[0].name == TASK


def test_a_failed_write_leaves_the_previous_file_whole(
    mhub_fake: MigrationHubFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "estate.json"
    mhub_fake.save(path)
    before = path.read_bytes()
    mhub_fake.add_task(STREAM, TASK)

    def interrupted(source: Any, target: Any) -> None:
        raise KeyboardInterrupt  # as a signal between writing and renaming would

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        mhub_fake.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["estate.json"]


def test_a_file_that_is_not_json_or_not_there_is_named_and_changes_nothing(tmp_path: Path) -> None:
    fake = MigrationHubFake()
    fake.add_task(STREAM, TASK)
    before = fake.snapshot()
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        fake.load(broken)
    assert str(raised.value) == (
        f"{broken}: is not JSON (Expecting value: line 1 column 12 (char 11)); nothing was loaded."
    )
    with pytest.raises(ScenarioError) as raised:
        fake.load(tmp_path / "missing.json")
    assert (
        str(raised.value)
        == f"{tmp_path / 'missing.json'}: cannot be read (No such file or directory); nothing was loaded."
    )
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({**before, "version": 9}), encoding="utf-8")
    with pytest.raises(ScenarioError, match=rf"^{wrong}: \$\.version: is 9; this pytest-migrationhub reads version 1"):
        fake.load(wrong)
    assert fake.snapshot() == before


# --- the marker and the ini option --------------------------------------------------------------------


def _estate(path: Path) -> None:
    with mock_migrationhub() as fake:
        fake.add_task(STREAM, TASK)
    path.parent.mkdir(parents=True, exist_ok=True)
    fake.save(path)


def test_the_marker_loads_a_scenario_relative_to_the_test_module(inner: Inner) -> None:
    _estate(inner.pytester.path / "scenarios" / "estate.json")
    result = inner.run(
        """
import pytest

@pytest.mark.mhub_fake(scenario="scenarios/estate.json")
def test_loaded(mhub_fake):
    assert mhub_fake.tasks()[0].name == "sms-12de3cf1a"

def test_not_loaded(mhub_fake):
    assert mhub_fake.tasks() == []
"""
    )
    result.assert_outcomes(passed=2)


def test_the_ini_option_loads_a_scenario_relative_to_the_ini_file(inner: Inner) -> None:
    _estate(inner.pytester.path / "estate.json")
    inner.ini("mhub_fake_scenario = estate.json")
    result = inner.run(
        """
def test_loaded(mhub_fake):
    assert mhub_fake.streams == ["SMS"]
"""
    )
    result.assert_outcomes(passed=1)


def test_a_scenario_the_marker_names_that_cannot_be_loaded_errors_the_test(inner: Inner) -> None:
    result = inner.run(
        """
import pytest

@pytest.mark.mhub_fake(scenario="nowhere.json")
def test_loaded(mhub_fake):
    pass
"""
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "E *pytest_migrationhub.ScenarioError: */nowhere.json: cannot be read (No such file or directory); nothing was loaded."
        ]
    )


# --- the control API ----------------------------------------------------------------------------------


def test_the_state_route_reads_and_replaces_the_state(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    mhub_fake.add_task(STREAM, TASK)
    status, state = control(mhub_server, "GET", "state")
    assert (status, state) == (200, mhub_fake.snapshot())
    mhub_fake.reset()
    assert control(mhub_server, "PUT", "state", state) == (200, {})
    assert mhub_fake.tasks()[0].name == TASK
    mine = control(mhub_server, "GET", "state?account=123456789012")[1]
    assert list(mine["accounts"]) == ["123456789012"]
    assert control(mhub_server, "PUT", "state?account=111122223333", mine) == (200, {})
    assert mhub_fake.account("111122223333").streams == [STREAM]
    assert control(mhub_server, "POST", "reset", {"account": "111122223333"}) == (200, {})
    assert (mhub_fake.streams, mhub_fake.account("111122223333").streams) == ([STREAM], [])


def test_a_bad_state_is_refused_naming_the_route_and_changes_nothing(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    mhub_fake.add_task(STREAM, TASK)
    before = mhub_fake.snapshot()
    status, body = control(mhub_server, "PUT", "state", {**before, "version": 0})
    assert (status, body["__type"]) == (400, "MigrationHubFakeError")
    assert body["Message"].startswith("PUT /mhub-api/state: $.version: is 0;")
    assert mhub_fake.snapshot() == before
    # Cross-site, as every control route: a page's Origin is refused.
    headers = {"Content-Type": "application/json", "Origin": "http://evil.example"}
    status, body = send(mhub_server, "PUT", "/mhub-api/state", before, headers)
    assert (status, body["__type"]) == (403, "ForbiddenException")


# --- serve --state ----------------------------------------------------------------------------------------


def _port(served: Served) -> int:
    match = LISTENING.match(served.line)
    assert match, served.line
    return int(match.group(2))


def _get(port: int, path: str) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    answer = json.loads(conn.getresponse().read())
    conn.close()
    return answer


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_serve_keeps_its_state_across_a_stop_and_a_start(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    served = Served("--state", str(path))
    port = _port(served)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = json.dumps({"stream": STREAM, "task": TASK})
    conn.request("POST", "/mhub-api/tasks", body=body, headers={"Content-Type": "application/json"})
    assert conn.getresponse().status == 200
    conn.close()
    code, out, _ = served.stop(signal.SIGTERM)
    assert (code, out) == (0, f"State saved to {path}\n")
    again = Served("--state", str(path))
    try:
        assert [t["name"] for t in _get(_port(again), "/mhub-api/tasks")["tasks"]] == [TASK]
    finally:
        assert again.stop(signal.SIGINT)[0] == 0
    assert json.loads(path.read_text(encoding="utf-8"))["accounts"]["123456789012"]["migrationhub"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_serve_refuses_a_state_file_it_cannot_load(tmp_path: Path) -> None:
    import subprocess

    path = tmp_path / "state.json"
    path.write_text("{}", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest_migrationhub", "serve", "--state", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"error: {path}: $.format: must be 'pytest-migrationhub scenario'; got null: is this a scenario?; "
        "nothing was loaded.\n"
    )
    assert path.read_text(encoding="utf-8") == "{}"  # nothing written over it
