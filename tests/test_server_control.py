"""Server mode's control API under ``/mhub-api/``, and the documentation's account of it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from server_helpers import (
    SAMPLE_BODY,
    SERVER_DOCS,
    STREAM,
    TASK,
    api,
    control,
    notify,
    still_serving,
)

from pytest_migrationhub import MigrationHubFake, MigrationHubFakeError, MigrationHubServer
from pytest_migrationhub._server import CONTROL_PREFIX, ROUTES


def test_the_control_api_reads_streams_tasks_updates_and_calls(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    assert control(mhub_server, "POST", "streams", {"name": "DMS"}) == (200, {})
    status, task = control(mhub_server, "POST", "tasks", {"stream": STREAM, "task": TASK})
    assert (status, task["name"], task["status"], task["updates"]) == (200, TASK, None, [])
    assert notify(mhub_server, 1493660853, percent=40) == 200
    assert notify(mhub_server, 1493660913.5, status="COMPLETED", percent=100) == 200

    assert control(mhub_server, "GET", "streams") == (200, {"streams": ["DMS", STREAM]})
    expected_latest = {
        "stream": STREAM,
        "name": TASK,
        "status": "COMPLETED",
        "status_detail": None,
        "progress_percent": 100,
        "update_date_time": "2017-05-01T17:48:33.500000+00:00",
        "update_date_time_epoch": 1493660913.5,
        "next_update_seconds": 60,
        "is_stale": True,
    }
    status, task = control(mhub_server, "GET", f"task?stream={STREAM}&task={TASK}")
    assert status == 200
    assert {k: task[k] for k in expected_latest} == expected_latest
    assert task["updates"][0] == {
        "status": "IN_PROGRESS",
        "status_detail": None,
        "progress_percent": 40,
        "update_date_time": "2017-05-01T17:47:33+00:00",
        "update_date_time_epoch": 1493660853.0,
        "next_update_seconds": 60,
    }
    assert [u["progress_percent"] for u in task["updates"]] == mhub_fake.progress(STREAM, TASK) == [40, 100]
    assert control(mhub_server, "GET", "tasks")[1] == {"tasks": [task]}
    assert control(mhub_server, "GET", "tasks?stream=DMS")[1] == {"tasks": []}
    assert control(mhub_server, "GET", "stale-tasks")[1] == {"stale_tasks": [{"stream": STREAM, "task": TASK}]}
    status, calls = control(mhub_server, "GET", "calls")
    assert [(c["operation"], c["service"], c["region"], c["account"], c["error_code"]) for c in calls["calls"]] == [
        ("NotifyMigrationTaskState", "mgh", "us-west-2", "123456789012", None)
    ] * 2
    assert calls["calls"][0]["params"]["Task"] == {"Status": "IN_PROGRESS", "ProgressPercent": 40}


def test_task_names_with_slashes_and_spaces_go_in_the_query(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    mhub_fake.add_task(STREAM, "web/01 db")
    status, task = control(mhub_server, "GET", f"task?stream={STREAM}&task=web%2F01+db")
    assert (status, task["name"]) == (200, "web/01 db")


def test_faults_denials_and_the_home_region_steer_the_fake(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    assert control(
        mhub_server,
        "POST",
        "faults",
        {"operation": "ListProgressUpdateStreams", "error_code": "ThrottlingException", "retry_after_seconds": 3},
    ) == (200, {})
    _, _, body = api(mhub_server, "ListProgressUpdateStreams")
    assert (body["__type"], body["RetryAfterSeconds"]) == ("ThrottlingException", 3)
    assert api(mhub_server, "ListProgressUpdateStreams")[0] == 200  # times defaults to 1

    control(
        mhub_server,
        "POST",
        "faults",
        {"operation": "list_progress_update_streams", "error_code": "ServiceUnavailableException", "times": None},
    )
    assert [api(mhub_server, "ListProgressUpdateStreams")[0] for _ in range(3)] == [500] * 3
    assert control(mhub_server, "DELETE", "faults") == (200, {})
    assert api(mhub_server, "ListProgressUpdateStreams")[0] == 200

    control(mhub_server, "POST", "deny", {"operation": "CreateProgressUpdateStream"})
    assert api(mhub_server, "CreateProgressUpdateStream", {"ProgressUpdateStreamName": STREAM})[2]["__type"] == (
        "AccessDeniedException"
    )
    control(mhub_server, "POST", "allow", {"operation": "CreateProgressUpdateStream"})

    assert control(mhub_server, "PUT", "home-region", {"home_region": "eu-west-1"}) == (
        200,
        {"home_region": "eu-west-1"},
    )
    assert mhub_fake.home_region == "eu-west-1"
    assert api(mhub_server, "CreateProgressUpdateStream", {"ProgressUpdateStreamName": STREAM})[2]["Message"] == (
        "CreateProgressUpdateStream: writes must be sent to the home region eu-west-1; "
        "this request was sent to us-west-2"
    )
    control(mhub_server, "PUT", "home-region", {"home_region": None})
    assert control(mhub_server, "GET", "home-region") == (200, {"home_region": None})
    assert api(mhub_server, "ListProgressUpdateStreams")[2]["__type"] == "HomeRegionNotSetException"


@pytest.mark.mhub_fake(home_region="eu-central-1")
def test_reset_forgets_everything_and_restores_the_marker_s_home_region(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    mhub_fake.home_region = "us-east-2"
    assert api(mhub_server, "ListProgressUpdateStreams", region="eu-central-1")[0] == 200
    assert control(mhub_server, "POST", "reset") == (200, {})
    assert (mhub_fake.streams, mhub_fake.calls, mhub_fake.home_region) == ([], [], "eu-central-1")
    assert control(mhub_server, "GET", "unexplained") == (200, {"problems": []})  # the fault is gone


def test_unexplained_reports_what_the_teardown_would(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=2)
    status, body = control(mhub_server, "GET", "unexplained")
    assert (status, body) == (200, {"problems": mhub_fake.unexplained()})
    assert body["problems"][0].startswith("mhub_fake: 1 queued fault never fired:\n")
    mhub_fake.clear_faults()


def test_accounts_applications_and_discovered_resources(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    assert control(mhub_server, "POST", "accounts", {"account": "111122223333", "access_key_id": "AKIDTEAM"}) == (
        200,
        {},
    )
    assert control(mhub_server, "GET", "accounts") == (200, {"accounts": mhub_fake.accounts})
    assert "111122223333" in mhub_fake.accounts
    assert control(mhub_server, "POST", "streams", {"name": "Team", "account": "111122223333"}) == (200, {})
    assert api(mhub_server, "ListProgressUpdateStreams", key="AKIDTEAM")[2] == {
        "ProgressUpdateStreamSummaryList": [{"ProgressUpdateStreamName": "Team"}]
    }
    assert control(mhub_server, "GET", "streams?account=111122223333") == (200, {"streams": ["Team"]})
    assert control(mhub_server, "GET", "streams") == (200, {"streams": []})
    assert control(mhub_server, "GET", "home-region?account=111122223333") == (200, {"home_region": "us-west-2"})

    status, app = control(mhub_server, "POST", "applications", {"application_id": "d-application-0123456789abcdef0"})
    assert (status, app["status"], app["last_updated_time"]) == (200, None, None)
    status, apps = control(mhub_server, "GET", "applications")
    assert [a["application_id"] for a in apps["applications"]] == ["d-application-0123456789abcdef0"]
    assert control(mhub_server, "POST", "discovered-resources", {"configuration_id": "d-server-0123456789abcdef0"}) == (
        200,
        {
            "configuration_id": "d-server-0123456789abcdef0",
            "host_name": None,
            "os_name": None,
            "os_version": None,
            "ip_address": None,
            "server_type": "OTHER",
            "tags": [],
        },
    )


def test_the_control_api_turns_misuse_into_400(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer) -> None:
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.task(STREAM, "nope")
    assert control(mhub_server, "GET", f"task?stream={STREAM}&task=nope") == (
        400,
        {"__type": "MigrationHubFakeError", "Message": str(raised.value)},
    )
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.fail("NotifyMigrationTaskStat", "ThrottlingException")
    assert control(
        mhub_server, "POST", "faults", {"operation": "NotifyMigrationTaskStat", "error_code": "ThrottlingException"}
    ) == (400, {"__type": "MigrationHubFakeError", "Message": str(raised.value)})
    assert (
        control(
            mhub_server,
            "POST",
            "faults",
            {"operation": "ListProgressUpdateStreams", "error_code": "ThrottlingException", "times": 0},
        )[0]
        == 400
    )
    assert control(mhub_server, "PUT", "home-region", {"home_region": "Mars"})[1]["__type"] == "MigrationHubFakeError"


@pytest.mark.parametrize(
    ("method", "route", "body", "expected"),
    [
        pytest.param(
            "GET",
            "nope",
            None,
            (404, "NotFoundException", "no control API route GET /mhub-api/nope; GET /mhub-api/ lists them"),
            id="unknown-route",
        ),
        pytest.param(
            "DELETE",
            "streams",
            None,
            (405, "MethodNotAllowedException", "DELETE /mhub-api/streams is not served; use GET or POST"),
            id="wrong-method",
        ),
        pytest.param(
            "POST",
            "streams",
            b"{",
            (400, "BadRequestException", "POST /mhub-api/streams: the body is not JSON"),
            id="not-json",
        ),
        pytest.param(
            "POST",
            "streams",
            b"[]",
            (400, "BadRequestException", "POST /mhub-api/streams: the body must be a JSON object"),
            id="not-an-object",
        ),
        pytest.param(
            "POST",
            "streams",
            {},
            (400, "BadRequestException", "POST /mhub-api/streams: the field 'name' is required"),
            id="missing-field",
        ),
        pytest.param(
            "POST",
            "streams",
            {"name": "SMS", "colour": "red"},
            (400, "BadRequestException", "POST /mhub-api/streams: unknown field 'colour'; known: account, name"),
            id="unknown-field",
        ),
        pytest.param(
            "POST",
            "faults",
            {"operation": "ListProgressUpdateStreams", "error_code": "ThrottlingException", "times": True},
            (
                400,
                "BadRequestException",
                "POST /mhub-api/faults: the field 'times' must be an integer or null; got true",
            ),
            id="wrong-type",
        ),
        pytest.param(
            "GET",
            "calls?since=3",
            None,
            (400, "BadRequestException", "GET /mhub-api/calls: unknown query parameter 'since'; known: none"),
            id="unknown-parameter",
        ),
        pytest.param(
            "GET",
            "task?stream=SMS",
            None,
            (400, "BadRequestException", "GET /mhub-api/task: the query parameter 'task' is required"),
            id="missing-parameter",
        ),
        pytest.param(
            "GET",
            "tasks?stream=a&stream=b",
            None,
            (400, "BadRequestException", "GET /mhub-api/tasks: query parameter 'stream' is given more than once"),
            id="repeated-parameter",
        ),
    ],
)
def test_bad_control_requests_get_clear_errors(
    mhub_server: MigrationHubServer, method: str, route: str, body: Any, expected: tuple[int, str, str]
) -> None:
    status, answer = control(mhub_server, method, route, body)
    assert (status, answer["__type"], answer["Message"]) == expected
    assert still_serving(mhub_server)


def test_the_control_index_lists_every_route(mhub_server: MigrationHubServer) -> None:
    status, index = control(mhub_server, "GET", "")
    assert status == 200 and index["service"] == "pytest-migrationhub"
    assert index["routes"] == [f"{method} {CONTROL_PREFIX}{route}" for method, route in ROUTES]


def test_the_documentation_lists_exactly_the_declared_routes_and_their_fields() -> None:
    # The table is made from the declarations at every build: check what it is made into.
    import importlib.util

    spec = importlib.util.spec_from_file_location("generated", Path(__file__).parent.parent / "docs/_ext/generated.py")
    assert spec is not None and spec.loader is not None
    generated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generated)
    section = generated.control_api_table()
    assert "```{include} ../_generated/control-api.md" in SERVER_DOCS
    rows = re.findall(r"^\| `((?:GET|POST|PUT|DELETE|PATCH) /mhub-api/[^`]*)` \|\s*([^|]*?)\s*\|", section, flags=re.M)
    documented = {}
    for label, taken in rows:
        # "`?stream=&account=`" for a GET, "`{"name", "account"}` ..." for a write, "" for none
        if taken.startswith("`?"):
            documented[label] = re.findall(r"[?&](\w+)=", taken)
        else:
            documented[label] = re.findall(r'"(\w+)"', taken.split("}", 1)[0])
    declared = {route.label: list(route.fields) for route in ROUTES.values()}
    assert documented == declared


def test_the_documented_task_example_is_what_the_control_api_answers(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    section = SERVER_DOCS
    [example] = re.findall(r"```json\n(.*?)```", section, flags=re.DOTALL)
    mhub_fake.add_task(STREAM, TASK)
    assert api(mhub_server, "NotifyMigrationTaskState", SAMPLE_BODY)[0] == 200
    assert control(mhub_server, "GET", f"task?stream={STREAM}&task={TASK}") == (200, json.loads(example))


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_documented_curl_session_works(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer) -> None:
    section = SERVER_DOCS
    [script] = [b for b in re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL) if "mhub-api/reset" in b]
    script = "\n".join(line for line in script.splitlines() if "my-migration-tool" not in line)
    script = script.replace("E=http://127.0.0.1:5000", f"E={mhub_server.endpoint_url}")
    assert mhub_server.endpoint_url in script
    done = subprocess.run(
        ["bash", "-c", "set -e\ncurl() { command curl -w '\\nHTTP %{http_code}\\n' \"$@\"; }\n" + script],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    statuses = re.findall(r"^HTTP (\d+)$", done.stdout, flags=re.M)
    # The last request is the API's, after the session unset the home region.
    assert statuses == ["200"] * 9 + ["400"], done.stdout
    assert mhub_fake.home_region is None
    assert [(c.operation, c.error_code) for c in mhub_fake.calls] == [
        ("ListProgressUpdateStreams", "HomeRegionNotSetException")
    ]
