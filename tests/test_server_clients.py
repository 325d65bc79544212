"""Server mode with real clients: the AWS CLI and boto3 in subprocesses, the protocol they
speak, and the test's clock and marker, which apply to them as to in-process clients."""

from __future__ import annotations

import importlib.util
import json
import queue
import re
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timezone
from typing import Any

import pytest
from server_helpers import (
    JSON11,
    ONLY_MIGRATION_HUB,
    SAMPLE_BODY,
    STREAM,
    TASK,
    api,
    auth,
    connect,
    control,
    error_of,
    notify,
)

from pytest_migrationhub import MigrationHubFake, MigrationHubServer


@pytest.fixture
def aws_cli() -> list[str]:
    # awscli pins an exact botocore in some versions; where it cannot be installed
    # alongside the botocore under test, these tests are skipped, not failed.
    if importlib.util.find_spec("awscli") is None:
        pytest.skip("the AWS CLI (the awscli package, in the 'test' extra) is not installed")
    return [sys.executable, "-m", "awscli"]


def run_cli(aws_cli: list[str], server: MigrationHubServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*aws_cli, *args], env=server.client_env(), capture_output=True, text=True, timeout=60)


def notify_command(task: str) -> list[str]:
    """``aws mgh notify-migration-task-state`` for the sample task, its state given as ``task``."""
    return [
        "mgh",
        "notify-migration-task-state",
        "--progress-update-stream",
        STREAM,
        "--migration-task-name",
        TASK,
        "--task",
        task,
        "--update-date-time",
        "2017-05-01T17:47:33Z",
        "--next-update-seconds",
        "60",
    ]


def test_the_aws_cli_sends_the_sample_request(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer, aws_cli: list[str]
) -> None:
    steps = [
        ["mgh", "create-progress-update-stream", "--progress-update-stream-name", STREAM],
        ["mgh", "import-migration-task", "--progress-update-stream", STREAM, "--migration-task-name", TASK],
        notify_command(json.dumps(SAMPLE_BODY["Task"])),
    ]
    for step in steps:
        done = run_cli(aws_cli, mhub_server, *step)
        assert (done.returncode, done.stderr) == (0, ""), step

    task = mhub_fake.task(STREAM, TASK)
    assert (task.status, task.status_detail, task.progress_percent, task.next_update_seconds) == (
        "IN_PROGRESS",
        "Migration: Copying image data",
        77,
        60,
    )
    assert task.update_date_time == datetime(2017, 5, 1, 17, 47, 33, tzinfo=timezone.utc)
    assert [(c.operation, c.region, c.error_code) for c in mhub_fake.calls] == [
        ("CreateProgressUpdateStream", "us-west-2", None),
        ("ImportMigrationTask", "us-west-2", None),
        ("NotifyMigrationTaskState", "us-west-2", None),
    ]
    assert mhub_fake.calls[-1].params == SAMPLE_BODY


# The CLI's request is malformed on purpose, and the teardown cannot see that the CLI failed.
@pytest.mark.mhub_fake(assert_all_requests_valid=False)
def test_the_aws_cli_gets_invalid_input_for_a_task_name_with_a_pipe(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer, aws_cli: list[str]
) -> None:
    mhub_fake.add_stream(STREAM)
    done = run_cli(
        aws_cli,
        mhub_server,
        "mgh",
        "import-migration-task",
        "--progress-update-stream",
        STREAM,
        "--migration-task-name",
        "web|01",
    )
    assert done.returncode != 0
    assert done.stderr.strip() == (
        "An error occurred (InvalidInputException) when calling the ImportMigrationTask operation: "
        "ImportMigrationTask: $.MigrationTaskName: 'web|01' does not match '^(?:[^:|]+)$'"
    )
    assert mhub_fake.tasks() == []
    assert [(c.operation, c.error_code) for c in mhub_fake.calls] == [("ImportMigrationTask", "InvalidInputException")]


def test_the_aws_cli_retries_a_throttled_call_and_completes(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer, aws_cli: list[str]
) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=1)
    done = run_cli(aws_cli, mhub_server, *notify_command("Status=COMPLETED,ProgressPercent=100"))
    assert (done.returncode, done.stderr) == (0, "")
    assert [c.error_code for c in mhub_fake.calls] == ["ThrottlingException", None]
    assert mhub_fake.statuses(STREAM, TASK) == ["COMPLETED"]
    # The CLI slept its backoff in its own process: nothing for the fake to record.
    assert mhub_fake.retry_delays == []


def test_boto3_in_a_subprocess_reaches_both_services_with_its_region_and_account(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    script = textwrap.dedent(
        """
        import json
        import boto3

        mgh = boto3.client("mgh")  # region and endpoint from the environment
        mgh.create_progress_update_stream(ProgressUpdateStreamName="SMS")
        listed = boto3.client("mgh", region_name="eu-west-1").list_progress_update_streams()
        home = boto3.client("migrationhub-config").get_home_region()
        try:
            mgh.import_migration_task(ProgressUpdateStream="nope", MigrationTaskName="t")
        except mgh.exceptions.ResourceNotFoundException as error:
            code = error.response["Error"]["Code"]
        print(json.dumps([listed["ProgressUpdateStreamSummaryList"], home["HomeRegion"], code]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=mhub_server.client_env(access_key_id="111122223333"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [[{"ProgressUpdateStreamName": "SMS"}], "us-west-2", "ResourceNotFoundException"]
    assert [(c.service, c.operation, c.region, c.account) for c in mhub_fake.calls] == [
        ("mgh", "CreateProgressUpdateStream", "us-west-2", "111122223333"),
        ("mgh", "ListProgressUpdateStreams", "eu-west-1", "111122223333"),
        ("migrationhub-config", "GetHomeRegion", "us-west-2", "111122223333"),
        ("mgh", "ImportMigrationTask", "us-west-2", "111122223333"),
    ]
    assert mhub_fake.account("111122223333").streams == ["SMS"]
    assert mhub_fake.streams == []  # the default account's


def test_client_env_points_a_subprocess_at_the_server_with_dummy_credentials(
    mhub_server: MigrationHubServer,
) -> None:
    env = mhub_server.client_env(
        base={
            "PATH": "/bin",
            "AWS_PROFILE": "prod",
            "AWS_SESSION_TOKEN": "x",
            "HOME": "/h",
            "AWS_ENDPOINT_URL": "http://elsewhere:4566",  # dropped: it would send every service somewhere
        }
    )
    assert mhub_server.endpoint_url == f"http://127.0.0.1:{mhub_server.port}"
    assert {k: v for k, v in env.items() if k.startswith("AWS_")} == {
        "AWS_ENDPOINT_URL_MIGRATION_HUB": mhub_server.endpoint_url,
        "AWS_ENDPOINT_URL_MIGRATIONHUB_CONFIG": mhub_server.endpoint_url,
        "AWS_ENDPOINT_URL_APPLICATION_DISCOVERY_SERVICE": mhub_server.endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-west-2",
        "AWS_REGION": "us-west-2",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": env["AWS_CONFIG_FILE"],
        "AWS_SHARED_CREDENTIALS_FILE": env["AWS_SHARED_CREDENTIALS_FILE"],
        "AWS_PAGER": "",
    }
    assert env["HOME"] == "/h"
    assert env["PATH"].endswith("/bin") and env["PATH"] != "/bin"  # this Python's scripts first
    assert mhub_server.client_env(region="eu-west-1")["AWS_DEFAULT_REGION"] == "eu-west-1"


def test_client_env_sends_only_migration_hub_to_the_server(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer, aws_cli: list[str]
) -> None:
    # Endpoints as a subprocess's boto3 resolves them; no client here makes a call.
    script = textwrap.dedent(
        """
        import json
        import boto3

        services = ["mgh", "migrationhub-config", "s3", "dynamodb", "discovery"]
        print(json.dumps({s: boto3.client(s).meta.endpoint_url for s in services}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=mhub_server.client_env(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "mgh": mhub_server.endpoint_url,
        "migrationhub-config": mhub_server.endpoint_url,
        "s3": "https://s3.us-west-2.amazonaws.com",
        "dynamodb": "https://dynamodb.us-west-2.amazonaws.com",
        "discovery": mhub_server.endpoint_url,
    }
    # The AWS CLI reaches the fake for both services.
    for command in (["mgh", "list-progress-update-streams"], ["migrationhub-config", "get-home-region"]):
        ran = run_cli(aws_cli, mhub_server, *command)
        assert (ran.returncode, ran.stderr) == (0, ""), command
    assert [(c.service, c.operation) for c in mhub_fake.calls] == [
        ("mgh", "ListProgressUpdateStreams"),
        ("migrationhub-config", "GetHomeRegion"),
    ]


def test_an_xml_service_s_sdk_reads_why_it_was_refused() -> None:
    # No mhub_fake here: an S3 client in this process goes where it is told, this server.
    import boto3

    with MigrationHubServer(MigrationHubFake()) as server:
        s3 = boto3.client(
            "s3",
            endpoint_url=server.endpoint_url,
            region_name="us-west-2",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        with pytest.raises(s3.exceptions.ClientError) as raised:
            s3.put_object(Bucket="backups", Key="plan.json", Body=b"{}")
        assert raised.value.response["Error"] == {
            "Code": "UnknownOperationException",
            "Message": "PUT /backups/plan.json is a request for the 's3' service (so says its signature's "
            "credential scope); " + ONLY_MIGRATION_HUB,
        }
        # A presigned URL's scope is in its query string.
        conn = connect(server)
        conn.request("GET", "/backups/plan.json?X-Amz-Credential=testing%2F20240101%2Fus-west-2%2Fs3%2Faws4_request")
        response = conn.getresponse()
        assert (response.status, response.getheader("Content-Type")) == (400, "text/xml")
        message = re.search(rb"<Message>(.*)</Message>", response.read())
        assert message and message.group(1).decode() == (
            "GET /backups/plan.json is a request for the 's3' service (so says its signature's "
            "credential scope); " + ONLY_MIGRATION_HUB
        )
        conn.close()


@pytest.mark.mhub_fake(home_region=None)
def test_client_env_falls_back_to_us_west_2_without_a_home_region(mhub_server: MigrationHubServer) -> None:
    assert mhub_server.client_env()["AWS_DEFAULT_REGION"] == "us-west-2"


@pytest.mark.mhub_fake(home_region="eu-central-1")
def test_client_env_defaults_to_the_home_region(mhub_server: MigrationHubServer) -> None:
    assert mhub_server.client_env()["AWS_DEFAULT_REGION"] == "eu-central-1"


def test_answers_carry_the_json_content_type_and_a_request_id(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    ok = api(mhub_server, "CreateProgressUpdateStream", {"ProgressUpdateStreamName": STREAM})
    failed = api(mhub_server, "ImportMigrationTask", {"ProgressUpdateStream": "nope", "MigrationTaskName": TASK})
    assert (ok[0], ok[2]) == (200, {})
    assert failed[0] == 400 and failed[2]["__type"] == "ResourceNotFoundException"
    for _, headers, _ in (ok, failed):
        assert headers["Content-Type"] == JSON11
        assert re.fullmatch(r"[0-9a-f-]{36}", headers["x-amzn-RequestId"])
    assert ok[1]["x-amzn-RequestId"] != failed[1]["x-amzn-RequestId"]


def test_region_and_account_come_from_the_credential_scope(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    api(mhub_server, "ListProgressUpdateStreams", region="ap-southeast-2", key="444455556666")
    api(mhub_server, "ListProgressUpdateStreams", region=None)  # no Authorization header at all
    api(mhub_server, "ListProgressUpdateStreams", region=None, headers={"authorization": auth("eu-west-3")})
    assert [(c.region, c.account) for c in mhub_fake.calls] == [
        ("ap-southeast-2", "444455556666"),
        ("us-east-1", "123456789012"),
        ("eu-west-3", "123456789012"),
    ]


def test_both_target_prefixes_are_routed(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer) -> None:
    status, _, body = api(mhub_server, "GetHomeRegion", prefix="AWSMigrationHubMultiAccountService")
    assert (status, body) == (200, {"HomeRegion": "us-west-2"})
    status, _, body = api(mhub_server, "ListProgressUpdateStreams")
    assert (status, body) == (200, {"ProgressUpdateStreamSummaryList": []})
    assert [c.service for c in mhub_fake.calls] == ["migrationhub-config", "mgh"]


def test_many_concurrent_connections_lose_no_update(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    mhub_fake.add_task(STREAM, TASK)
    clients, each = 16, 20
    results: queue.Queue[tuple[str, int]] = queue.Queue()

    def client(n: int) -> None:
        conn = connect(mhub_server)  # one kept-alive connection per client
        try:
            for i in range(each):
                body = {**SAMPLE_BODY, "Task": {"Status": "IN_PROGRESS", "StatusDetail": f"{n}-{i}"}}
                status, _, _ = api(mhub_server, "NotifyMigrationTaskState", body, conn=conn)
                results.put((f"{n}-{i}", status))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    answered = [results.get_nowait() for _ in range(results.qsize())]
    assert len(answered) == clients * each
    assert {status for _, status in answered} == {200}
    details = [u.status_detail or "" for u in mhub_fake.task(STREAM, TASK).updates]
    assert sorted(details) == sorted(f"{n}-{i}" for n in range(clients) for i in range(each))


# The clock is frozen before the server starts, and stays frozen while it stops.
def test_staleness_follows_the_test_s_frozen_clock(
    freezer: Any, mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    mhub_fake.add_task(STREAM, TASK)
    # The client sends its UpdateDateTime; the server judges it against the test's clock.
    assert notify(mhub_server, datetime.now(timezone.utc).timestamp()) == 200
    assert control(mhub_server, "GET", "stale-tasks")[1] == {"stale_tasks": []}
    freezer.tick(61)
    assert control(mhub_server, "GET", "stale-tasks")[1] == {"stale_tasks": [{"stream": STREAM, "task": TASK}]}
    assert control(mhub_server, "GET", f"task?stream={STREAM}&task={TASK}")[1]["is_stale"] is True
    assert mhub_fake.stale_tasks() == [(STREAM, TASK)]


def test_staleness_under_time_machine(mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer) -> None:
    import time_machine

    mhub_fake.add_task(STREAM, TASK)
    with time_machine.travel(datetime(2026, 3, 1, 10, tzinfo=timezone.utc), tick=False) as traveller:
        assert notify(mhub_server, datetime(2026, 3, 1, 9, 59, tzinfo=timezone.utc).timestamp()) == 200
        assert control(mhub_server, "GET", "stale-tasks")[1] == {"stale_tasks": []}
        traveller.shift(1)
        assert control(mhub_server, "GET", "stale-tasks")[1] == {"stale_tasks": [{"stream": STREAM, "task": TASK}]}


@pytest.mark.mhub_fake(home_region=None)
def test_the_marker_configures_what_the_server_answers(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    assert error_of(api(mhub_server, "ListProgressUpdateStreams"))[1] == "HomeRegionNotSetException"
    assert api(mhub_server, "GetHomeRegion", prefix="AWSMigrationHubMultiAccountService")[2] == {}


@pytest.mark.mhub_fake(home_region=None)
def test_a_missing_home_region_names_the_control_api_route_over_http(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer, aws_cli: list[str]
) -> None:
    # In-process, the hint names mhub_fake.home_region (tests/test_operations.py); over HTTP, the route.
    assert error_of(api(mhub_server, "ListProgressUpdateStreams")) == (
        400,
        "HomeRegionNotSetException",
        "ListProgressUpdateStreams: no home region is set; set one with migrationhub-config "
        'CreateHomeRegionControl (on this server: PUT /mhub-api/home-region with {"home_region": "us-west-2"})',
    )
    done = run_cli(aws_cli, mhub_server, "mgh", "list-progress-update-streams")
    assert done.stderr.strip() == (
        "An error occurred (HomeRegionNotSetException) when calling the ListProgressUpdateStreams operation: "
        "ListProgressUpdateStreams: no home region is set; set one with migrationhub-config "
        'CreateHomeRegionControl (on this server: PUT /mhub-api/home-region with {"home_region": "us-west-2"})'
    )
    # What the hint says to do works.
    assert control(mhub_server, "PUT", "home-region", {"home_region": "us-west-2"})[0] == 200
    assert api(mhub_server, "ListProgressUpdateStreams")[0] == 200


def test_verbose_logs_name_the_operation_and_the_status(capsys: pytest.CaptureFixture[str]) -> None:
    with MigrationHubServer(MigrationHubFake(), verbose=True) as server:
        api(server, "CreateProgressUpdateStream", {"ProgressUpdateStreamName": STREAM})
        api(server, "ImportMigrationTask", {"ProgressUpdateStream": "nope", "MigrationTaskName": TASK})
        api(server, "ListProgressUpdateStreams", {}, headers={"Content-Type": "text/plain"})
        control(server, "GET", f"task?stream={STREAM}&task=nope")
        control(server, "GET", "streams")
    assert capsys.readouterr().err.splitlines() == [
        "127.0.0.1 - POST / AWSMigrationHub.CreateProgressUpdateStream 200",
        "127.0.0.1 - POST / AWSMigrationHub.ImportMigrationTask 400 ResourceNotFoundException",
        "127.0.0.1 - POST / AWSMigrationHub.ListProgressUpdateStreams 415 UnsupportedMediaTypeException",
        f"127.0.0.1 - GET /mhub-api/task?stream={STREAM}&task=nope 400 MigrationHubFakeError",
        "127.0.0.1 - GET /mhub-api/streams 200",
    ]
