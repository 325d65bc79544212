"""Server mode: the fake behind a real HTTP endpoint (``mhub_server``, ``serve``).

While ``mhub_fake`` is active, botocore clients in this process are answered
in-process whatever their endpoint, so every request here travels over real
HTTP from a subprocess (the AWS CLI, boto3 in ``python -c``) or from
``http.client`` and raw sockets. Only 127.0.0.1 is ever contacted; every wait
is bounded.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from pytest_migrationhub import MigrationHubFakeError
from pytest_migrationhub._fake import MigrationHubFake
from pytest_migrationhub._server import (
    _ROUTES,
    CONTROL_PREFIX,
    MAX_BODY,
    MigrationHubServer,
    is_loopback,
    loopback_warning,
)

JSON11 = "application/x-amz-json-1.1"
STREAM, TASK = "SMS", "sms-12de3cf1a"
SAMPLE_BODY = {
    "ProgressUpdateStream": STREAM,
    "MigrationTaskName": TASK,
    "Task": {"Status": "IN_PROGRESS", "StatusDetail": "Migration: Copying image data", "ProgressPercent": 77},
    "UpdateDateTime": 1493660853,
    "NextUpdateSeconds": 60,
}
README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
ONLY_MIGRATION_HUB = (
    "this server fakes Migration Hub (mgh) and migrationhub-config only: point only those at it, with "
    "AWS_ENDPOINT_URL_MIGRATION_HUB and AWS_ENDPOINT_URL_MIGRATIONHUB_CONFIG rather than AWS_ENDPOINT_URL"
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
    region: Optional[str] = "us-west-2",
    key: str = "testing",
    prefix: str = "AWSMigrationHub",
    headers: Optional[Dict[str, str]] = None,
    conn: Optional[http.client.HTTPConnection] = None,
) -> Tuple[int, Dict[str, str], Any]:
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
    server: MigrationHubServer, method: str, route: str, body: Any = None, headers: Optional[Dict[str, str]] = None
) -> Tuple[int, Any]:
    """One control API request, with ``Content-Type: application/json`` on writes as the README says."""
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
        chunks: List[bytes] = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def parse_raw(response: bytes) -> Tuple[int, Dict[str, str], Any]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body) if body else None


def still_serving(server: MigrationHubServer) -> bool:
    status, _, body = api(server, "ListProgressUpdateStreams")
    return status == 200 and "ProgressUpdateStreamSummaryList" in body


# --- real clients: the AWS CLI and boto3, in subprocesses -------------------------------


@pytest.fixture
def aws_cli() -> List[str]:
    # awscli pins an exact botocore in some versions; where it cannot be installed
    # alongside the botocore under test, these tests are skipped, not failed.
    if importlib.util.find_spec("awscli") is None:
        pytest.skip("the AWS CLI (the awscli package, in the 'test' extra) is not installed")
    return [sys.executable, "-m", "awscli"]


def run_cli(aws_cli: List[str], server: MigrationHubServer, *args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [*aws_cli, *args], env=server.client_env(), capture_output=True, text=True, timeout=60
    )


def test_the_aws_cli_sends_the_sample_request(mhub_fake: Any, mhub_server: MigrationHubServer, aws_cli: List[str]) -> None:
    steps = [
        ["mgh", "create-progress-update-stream", "--progress-update-stream-name", STREAM],
        ["mgh", "import-migration-task", "--progress-update-stream", STREAM, "--migration-task-name", TASK],
        [
            "mgh", "notify-migration-task-state",
            "--progress-update-stream", STREAM,
            "--migration-task-name", TASK,
            "--task", json.dumps(SAMPLE_BODY["Task"]),
            "--update-date-time", "2017-05-01T17:47:33Z",
            "--next-update-seconds", "60",
        ],
    ]
    for step in steps:
        done = run_cli(aws_cli, mhub_server, *step)
        assert (done.returncode, done.stderr) == (0, ""), step

    task = mhub_fake.task(STREAM, TASK)
    assert (task.status, task.status_detail, task.progress_percent, task.next_update_seconds) == (
        "IN_PROGRESS", "Migration: Copying image data", 77, 60,
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
    mhub_fake: Any, mhub_server: MigrationHubServer, aws_cli: List[str]
) -> None:
    mhub_fake.add_stream(STREAM)
    done = run_cli(
        aws_cli, mhub_server,
        "mgh", "import-migration-task", "--progress-update-stream", STREAM, "--migration-task-name", "web|01",
    )
    assert done.returncode != 0
    assert done.stderr.strip() == (
        "An error occurred (InvalidInputException) when calling the ImportMigrationTask operation: "
        "ImportMigrationTask: $.MigrationTaskName: 'web|01' does not match '^(?:[^:|]+)$'"
    )
    assert mhub_fake.tasks() == []
    assert [(c.operation, c.error_code) for c in mhub_fake.calls] == [("ImportMigrationTask", "InvalidInputException")]


def test_the_aws_cli_retries_a_throttled_call_and_completes(
    mhub_fake: Any, mhub_server: MigrationHubServer, aws_cli: List[str]
) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=1)
    done = run_cli(
        aws_cli, mhub_server,
        "mgh", "notify-migration-task-state", "--progress-update-stream", STREAM,
        "--migration-task-name", TASK, "--task", "Status=COMPLETED,ProgressPercent=100",
        "--update-date-time", "2017-05-01T17:47:33Z", "--next-update-seconds", "60",
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert [c.error_code for c in mhub_fake.calls] == ["ThrottlingException", None]
    assert mhub_fake.statuses(STREAM, TASK) == ["COMPLETED"]
    # The CLI slept its backoff in its own process: nothing for the fake to record.
    assert mhub_fake.retry_delays == []


def test_boto3_in_a_subprocess_reaches_both_services_with_its_region_and_account(
    mhub_fake: Any, mhub_server: MigrationHubServer
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
        capture_output=True, text=True, timeout=60,
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
    env = mhub_server.client_env(base={
        "PATH": "/bin", "AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "x", "HOME": "/h",
        "AWS_ENDPOINT_URL": "http://elsewhere:4566",  # dropped: it would send every service somewhere
    })
    assert mhub_server.endpoint_url == f"http://127.0.0.1:{mhub_server.port}"
    assert {k: v for k, v in env.items() if k.startswith("AWS_")} == {
        "AWS_ENDPOINT_URL_MIGRATION_HUB": mhub_server.endpoint_url,
        "AWS_ENDPOINT_URL_MIGRATIONHUB_CONFIG": mhub_server.endpoint_url,
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
    mhub_fake: Any, mhub_server: MigrationHubServer, aws_cli: List[str]
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
        "discovery": "https://discovery.us-west-2.amazonaws.com",
    }
    # The AWS CLI reaches the fake for both services.
    for command in (["mgh", "list-progress-update-streams"], ["migrationhub-config", "get-home-region"]):
        ran = run_cli(aws_cli, mhub_server, *command)
        assert (ran.returncode, ran.stderr) == (0, ""), command
    assert [(c.service, c.operation) for c in mhub_fake.calls] == [
        ("mgh", "ListProgressUpdateStreams"), ("migrationhub-config", "GetHomeRegion"),
    ]


def test_an_xml_service_s_sdk_reads_why_it_was_refused() -> None:
    # No mhub_fake here: an S3 client in this process goes where it is told, this server.
    import boto3

    with MigrationHubServer(MigrationHubFake()) as server:
        s3 = boto3.client(
            "s3", endpoint_url=server.endpoint_url, region_name="us-west-2",
            aws_access_key_id="testing", aws_secret_access_key="testing",
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


# --- the protocol ---------------------------------------------------------------------


def test_answers_carry_the_json_content_type_and_a_request_id(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    ok = api(mhub_server, "CreateProgressUpdateStream", {"ProgressUpdateStreamName": STREAM})
    failed = api(mhub_server, "ImportMigrationTask", {"ProgressUpdateStream": "nope", "MigrationTaskName": TASK})
    assert (ok[0], ok[2]) == (200, {})
    assert failed[0] == 400 and failed[2]["__type"] == "ResourceNotFoundException"
    for _, headers, _ in (ok, failed):
        assert headers["Content-Type"] == JSON11
        assert re.fullmatch(r"[0-9a-f-]{36}", headers["x-amzn-RequestId"])
    assert ok[1]["x-amzn-RequestId"] != failed[1]["x-amzn-RequestId"]


def test_region_and_account_come_from_the_credential_scope(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    api(mhub_server, "ListProgressUpdateStreams", region="ap-southeast-2", key="444455556666")
    api(mhub_server, "ListProgressUpdateStreams", region=None)  # no Authorization header at all
    api(mhub_server, "ListProgressUpdateStreams", region=None, headers={"authorization": auth("eu-west-3")})
    assert [(c.region, c.account) for c in mhub_fake.calls] == [
        ("ap-southeast-2", "444455556666"),
        ("us-east-1", "123456789012"),
        ("eu-west-3", "123456789012"),
    ]


def test_both_target_prefixes_are_routed(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    status, _, body = api(mhub_server, "GetHomeRegion", prefix="AWSMigrationHubMultiAccountService")
    assert (status, body) == (200, {"HomeRegion": "us-west-2"})
    status, _, body = api(mhub_server, "ListProgressUpdateStreams")
    assert (status, body) == (200, {"ProgressUpdateStreamSummaryList": []})
    assert [c.service for c in mhub_fake.calls] == ["migrationhub-config", "mgh"]


def test_many_concurrent_connections_lose_no_update(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    mhub_fake.add_task(STREAM, TASK)
    clients, each = 16, 20
    results: "queue.Queue[Tuple[str, int]]" = queue.Queue()

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
    details = [u.status_detail for u in mhub_fake.task(STREAM, TASK).updates]
    assert sorted(details) == sorted(f"{n}-{i}" for n in range(clients) for i in range(each))


# --- robustness: every odd request gets a clear answer, and the server stays up -------------


def error_of(response: Tuple[int, Dict[str, str], Any]) -> Tuple[int, str, str]:
    status, headers, body = response
    assert headers["Content-Type"] == JSON11
    return status, body["__type"], body["Message"]


@pytest.mark.parametrize(
    ("operation", "body", "headers", "expected"),
    [
        pytest.param(
            "CreateProgressUpdateStream", b'{"ProgressUpdateStreamName": ', {},
            (400, "SerializationException", "CreateProgressUpdateStream: the body is not JSON"),
            id="malformed-json",
        ),
        pytest.param(
            "CreateProgressUpdateStream", b"\xff\xfe", {},
            (400, "SerializationException", "CreateProgressUpdateStream: the body is not JSON"),
            id="not-utf8",
        ),
        pytest.param(
            "DeleteEverything", {}, {},
            (400, "UnknownOperationException", "AWSMigrationHub.DeleteEverything is not a Migration Hub operation"),
            id="unknown-operation",
        ),
        pytest.param(
            "ListTables", {}, {"X-Amz-Target": "DynamoDB_20120810.ListTables"},
            (
                400, "UnknownOperationException",
                "DynamoDB_20120810.ListTables is not a Migration Hub operation (targets start with "
                "AWSMigrationHub. or AWSMigrationHubMultiAccountService.); " + ONLY_MIGRATION_HUB,
            ),
            id="foreign-target",
        ),
        pytest.param(
            "ListTables", {},
            {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"},
            (
                400, "UnknownOperationException",
                "DynamoDB_20120810.ListTables is not a Migration Hub operation (targets start with "
                "AWSMigrationHub. or AWSMigrationHubMultiAccountService.); " + ONLY_MIGRATION_HUB,
            ),
            id="foreign-target-and-content-type",
        ),
        pytest.param(
            "ListProgressUpdateStreams", {}, {"Authorization": auth().replace("/mgh/", "/dynamodb/")},
            (
                400, "UnknownOperationException",
                "POST / is a request for the 'dynamodb' service (so says its signature's credential scope); "
                + ONLY_MIGRATION_HUB,
            ),
            id="signed-for-another-service",
        ),
        pytest.param(
            "ListProgressUpdateStreams", {}, {"X-Amz-Target": ""},
            (
                400, "UnknownOperationException",
                "the request has no X-Amz-Target header; name the operation there, e.g. "
                "X-Amz-Target: AWSMigrationHub.NotifyMigrationTaskState",
            ),
            id="empty-target",
        ),
        pytest.param(
            "ListProgressUpdateStreams", {}, {"Content-Type": "application/json"},
            (
                415, "UnsupportedMediaTypeException",
                "Content-Type 'application/json' is not supported; Migration Hub speaks AWS JSON 1.1: "
                "send Content-Type: application/x-amz-json-1.1",
            ),
            id="wrong-content-type",
        ),
    ],
)
def test_bad_api_requests_get_aws_shaped_errors(
    mhub_fake: Any, mhub_server: MigrationHubServer, operation: str, body: Any, headers: Dict[str, str], expected: Any
) -> None:
    assert error_of(api(mhub_server, operation, body, headers=headers)) == expected
    assert still_serving(mhub_server)


def test_a_request_without_target_or_content_type(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
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
def test_an_empty_body_is_an_empty_request(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    assert api(mhub_server, "ListProgressUpdateStreams", b"")[0] == 200
    status, kind, message = error_of(api(mhub_server, "CreateProgressUpdateStream", b""))
    assert (status, kind) == (400, "InvalidInputException")
    assert message.startswith("CreateProgressUpdateStream: ") and "ProgressUpdateStreamName" in message
    assert still_serving(mhub_server)


def test_a_body_over_the_limit_gets_413_and_the_connection_stays_usable(
    mhub_fake: Any, mhub_server: MigrationHubServer
) -> None:
    conn = connect(mhub_server)
    too_big = b" " * (MAX_BODY + 1)
    assert error_of(api(mhub_server, "ListProgressUpdateStreams", too_big, conn=conn)) == (
        413, "RequestEntityTooLargeException",
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


def test_chunked_bodies_are_read_and_limited(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
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
        400, {"__type": "BadRequestException", "Message": "a chunk size 'zz' is not hexadecimal"}
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
                501, "NotImplemented",
                "Transfer-Encoding 'gzip' is not supported; send Content-Length or Transfer-Encoding: chunked",
            ),
            id="unknown-transfer-encoding",
        ),
        # http.server's own words, wrapped: only their gist is pinned.
        pytest.param(
            b"HELLO\r\n\r\n",
            (400, "BadRequestException", r"Bad request syntax \('HELLO'\); this is not an HTTP/1\.1 request the server can read"),
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
    mhub_server: MigrationHubServer, request_bytes: bytes, expected: Tuple[int, str, str]
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
            "GET", "/", (
                405, "MethodNotAllowedException",
                "GET / is not served: Migration Hub requests are POST / with an X-Amz-Target header; "
                "the control API is under /mhub-api/",
            ),
            id="get-root",
        ),
        pytest.param(
            "PATCH", "/", (
                405, "MethodNotAllowedException",
                "PATCH / is not served: Migration Hub requests are POST / with an X-Amz-Target header; "
                "the control API is under /mhub-api/",
            ),
            id="patch-root",
        ),
        pytest.param(
            "POST", "/moto-api/reset", (
                404, "UnknownOperationException",
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
        assert response.getheader("Allow") == "POST"
    conn.close()
    assert still_serving(mhub_server)


def test_head_gets_headers_only(mhub_server: MigrationHubServer) -> None:
    status, headers, body = parse_raw(raw(mhub_server, b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
    assert (status, body) == (405, None)
    assert int(headers["Content-Length"]) > 0


@pytest.fixture
def quick_server() -> Iterator[MigrationHubServer]:
    """A server whose connections time out after 0.3 s, on a fake that is never started."""
    with MigrationHubServer(MigrationHubFake(), timeout=0.3) as server:
        yield server


def test_a_client_that_sends_nothing_gets_408_and_blocks_nobody(quick_server: MigrationHubServer) -> None:
    silent = socket.create_connection((quick_server.host, quick_server.port), timeout=5)
    assert still_serving(quick_server)  # served while the silent one waits
    started = time.monotonic()
    answer = b""
    while True:
        chunk = silent.recv(65536)
        if not chunk:
            break
        answer += chunk
    silent.close()
    assert time.monotonic() - started < 3
    status, headers, body = parse_raw(answer)
    assert (status, body["__type"], body["Message"], headers["Connection"]) == (
        408, "RequestTimeoutException",
        "no complete request within 0.3 seconds; closing the connection", "close",
    )
    # Stopping mid-request is the same.
    status, _, body = parse_raw(raw(quick_server, b"POST / HTTP/1.1\r\nContent-Le"))
    assert (status, body["__type"]) == (408, "RequestTimeoutException")
    assert still_serving(quick_server)


def test_an_idle_kept_alive_connection_is_closed_silently(quick_server: MigrationHubServer) -> None:
    with socket.create_connection((quick_server.host, quick_server.port), timeout=5) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
            b"X-Amz-Target: AWSMigrationHub.ListProgressUpdateStreams\r\nContent-Length: 2\r\n\r\n{}"
        )
        received = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    # One answer, then the close: no unsolicited 408 for a pooled client to misread.
    assert received.count(b"HTTP/1.1 ") == 1 and parse_raw(received)[0] == 200


def test_stopping_closes_open_connections_at_once() -> None:
    server = MigrationHubServer(MigrationHubFake()).start()
    idle = socket.create_connection((server.host, server.port), timeout=5)
    conn = connect(server)
    assert api(server, "ListProgressUpdateStreams", conn=conn)[0] == 200  # a kept-alive one
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1
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
        assert error_of(api(server, "Notify")) == (
            501, "NotImplemented", "mhub_fake does not implement mgh Notify yet"
        )
        assert error_of(api(server, "ListProgressUpdateStreams")) == (
            500, "InternalFailure",
            "the Migration Hub fake failed answering AWSMigrationHub.ListProgressUpdateStreams: KeyError: "
            "'oops' (a bug in pytest-migrationhub; the traceback is on the server's stderr)",
        )
        assert error_of(api(server, "ListProgressUpdateStreams"))[0] == 500  # still up
    assert "KeyError: 'oops'" in capsys.readouterr().err


def test_the_server_binds_loopback_and_says_so_otherwise() -> None:
    assert MigrationHubServer(MigrationHubFake())._requested == ("127.0.0.1", 0)
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


# --- the control API --------------------------------------------------------------------


def notify(server: MigrationHubServer, when: float, *, status: str = "IN_PROGRESS", percent: int = 10) -> int:
    body = {**SAMPLE_BODY, "Task": {"Status": status, "ProgressPercent": percent}, "UpdateDateTime": when}
    return api(server, "NotifyMigrationTaskState", body)[0]


def test_the_control_api_reads_streams_tasks_updates_and_calls(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
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


def test_task_names_with_slashes_and_spaces_go_in_the_query(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    mhub_fake.add_task(STREAM, "web/01 db")
    status, task = control(mhub_server, "GET", f"task?stream={STREAM}&task=web%2F01+db")
    assert (status, task["name"]) == (200, "web/01 db")


def test_faults_denials_and_the_home_region_steer_the_fake(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    assert control(
        mhub_server, "POST", "faults",
        {"operation": "ListProgressUpdateStreams", "error_code": "ThrottlingException", "retry_after_seconds": 3},
    ) == (200, {})
    _, _, body = api(mhub_server, "ListProgressUpdateStreams")
    assert (body["__type"], body["RetryAfterSeconds"]) == ("ThrottlingException", 3)
    assert api(mhub_server, "ListProgressUpdateStreams")[0] == 200  # times defaults to 1

    control(mhub_server, "POST", "faults", {"operation": "list_progress_update_streams",
                                            "error_code": "ServiceUnavailableException", "times": None})
    assert [api(mhub_server, "ListProgressUpdateStreams")[0] for _ in range(3)] == [500] * 3
    assert control(mhub_server, "DELETE", "faults") == (200, {})
    assert api(mhub_server, "ListProgressUpdateStreams")[0] == 200

    control(mhub_server, "POST", "deny", {"operation": "CreateProgressUpdateStream"})
    assert api(mhub_server, "CreateProgressUpdateStream", {"ProgressUpdateStreamName": STREAM})[2]["__type"] == (
        "AccessDeniedException"
    )
    control(mhub_server, "POST", "allow", {"operation": "CreateProgressUpdateStream"})

    assert control(mhub_server, "PUT", "home-region", {"home_region": "eu-west-1"}) == (200, {"home_region": "eu-west-1"})
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
    mhub_fake: Any, mhub_server: MigrationHubServer
) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    mhub_fake.home_region = "us-east-2"
    assert api(mhub_server, "ListProgressUpdateStreams", region="eu-central-1")[0] == 200
    assert control(mhub_server, "POST", "reset") == (200, {})
    assert (mhub_fake.streams, mhub_fake.calls, mhub_fake.home_region) == ([], [], "eu-central-1")
    assert control(mhub_server, "GET", "unexplained") == (200, {"problems": []})  # the fault is gone


def test_unexplained_reports_what_the_teardown_would(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=2)
    status, body = control(mhub_server, "GET", "unexplained")
    assert (status, body) == (200, {"problems": mhub_fake.unexplained()})
    assert body["problems"][0].startswith("mhub_fake: 1 queued fault never fired:\n")
    mhub_fake.clear_faults()


def test_accounts_applications_and_discovered_resources(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    assert control(mhub_server, "POST", "accounts", {"account": "111122223333", "access_key_id": "AKIDTEAM"}) == (200, {})
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
        200, {}
    )


def test_the_control_api_turns_misuse_into_400(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.task(STREAM, "nope")
    assert control(mhub_server, "GET", f"task?stream={STREAM}&task=nope") == (
        400, {"__type": "MigrationHubFakeError", "Message": str(raised.value)}
    )
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.fail("NotifyMigrationTaskStat", "ThrottlingException")
    assert control(mhub_server, "POST", "faults", {"operation": "NotifyMigrationTaskStat", "error_code": "ThrottlingException"}) == (
        400, {"__type": "MigrationHubFakeError", "Message": str(raised.value)}
    )
    assert control(mhub_server, "POST", "faults", {"operation": "ListProgressUpdateStreams",
                                                   "error_code": "ThrottlingException", "times": 0})[0] == 400
    assert control(mhub_server, "PUT", "home-region", {"home_region": "Mars"})[1]["__type"] == "MigrationHubFakeError"


@pytest.mark.parametrize(
    ("method", "route", "body", "expected"),
    [
        pytest.param("GET", "nope", None, (404, "NotFoundException", "no control API route GET /mhub-api/nope; GET /mhub-api/ lists them"), id="unknown-route"),
        pytest.param("DELETE", "streams", None, (405, "MethodNotAllowedException", "DELETE /mhub-api/streams is not served; use GET or POST"), id="wrong-method"),
        pytest.param("POST", "streams", b"{", (400, "BadRequestException", "POST /mhub-api/streams: the body is not JSON"), id="not-json"),
        pytest.param("POST", "streams", b"[]", (400, "BadRequestException", "POST /mhub-api/streams: the body must be a JSON object"), id="not-an-object"),
        pytest.param("POST", "streams", {}, (400, "BadRequestException", "POST /mhub-api/streams: the field 'name' is required"), id="missing-field"),
        pytest.param("POST", "streams", {"name": "SMS", "colour": "red"}, (400, "BadRequestException", "POST /mhub-api/streams: unknown field 'colour'; known: account, name"), id="unknown-field"),
        pytest.param("POST", "faults", {"operation": "ListProgressUpdateStreams", "error_code": "ThrottlingException", "times": True}, (400, "BadRequestException", "POST /mhub-api/faults: the field 'times' must be an integer or null; got true"), id="wrong-type"),
        pytest.param("GET", "calls?since=3", None, (400, "BadRequestException", "GET /mhub-api/calls: unknown query parameter 'since'; known: none"), id="unknown-parameter"),
        pytest.param("GET", "task?stream=SMS", None, (400, "BadRequestException", "GET /mhub-api/task: the query parameter 'task' is required"), id="missing-parameter"),
        pytest.param("GET", "tasks?stream=a&stream=b", None, (400, "BadRequestException", "GET /mhub-api/tasks: query parameter 'stream' is given more than once"), id="repeated-parameter"),
    ],
)
def test_bad_control_requests_get_clear_errors(
    mhub_server: MigrationHubServer, method: str, route: str, body: Any, expected: Tuple[int, str, str]
) -> None:
    status, answer = control(mhub_server, method, route, body)
    assert (status, answer["__type"], answer["Message"]) == expected
    assert still_serving(mhub_server)


def test_the_control_index_lists_every_route_and_the_readme_documents_them(mhub_server: MigrationHubServer) -> None:
    status, index = control(mhub_server, "GET", "")
    assert status == 200 and index["service"] == "pytest-migrationhub"
    routes = {f"{method} {CONTROL_PREFIX}{route}" for method, route in _ROUTES}
    assert set(index["routes"]) == routes
    section = README.split("## Server mode", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `((?:GET|POST|PUT|DELETE) /mhub-api/[^`?]*)", section, flags=re.M))
    assert documented == routes


# --- the frozen clock and the markers apply to server clients too ---------------------------


# The clock is frozen before the server starts, and stays frozen while it stops.
def test_staleness_follows_the_test_s_frozen_clock(freezer: Any, mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    mhub_fake.add_task(STREAM, TASK)
    # The client sends its UpdateDateTime; the server judges it against the test's clock.
    assert notify(mhub_server, datetime.now(timezone.utc).timestamp()) == 200
    assert control(mhub_server, "GET", "stale-tasks")[1] == {"stale_tasks": []}
    freezer.tick(61)
    assert control(mhub_server, "GET", "stale-tasks")[1] == {"stale_tasks": [{"stream": STREAM, "task": TASK}]}
    assert control(mhub_server, "GET", f"task?stream={STREAM}&task={TASK}")[1]["is_stale"] is True
    assert mhub_fake.stale_tasks() == [(STREAM, TASK)]


def test_staleness_under_time_machine(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    import time_machine

    mhub_fake.add_task(STREAM, TASK)
    with time_machine.travel(datetime(2026, 3, 1, 10, tzinfo=timezone.utc), tick=False) as traveller:
        assert notify(mhub_server, datetime(2026, 3, 1, 9, 59, tzinfo=timezone.utc).timestamp()) == 200
        assert control(mhub_server, "GET", "stale-tasks")[1] == {"stale_tasks": []}
        traveller.shift(1)
        assert control(mhub_server, "GET", "stale-tasks")[1] == {"stale_tasks": [{"stream": STREAM, "task": TASK}]}


@pytest.mark.mhub_fake(home_region=None)
def test_the_marker_configures_what_the_server_answers(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    assert error_of(api(mhub_server, "ListProgressUpdateStreams"))[1] == "HomeRegionNotSetException"
    assert api(mhub_server, "GetHomeRegion", prefix="AWSMigrationHubMultiAccountService")[2] == {}


@pytest.mark.mhub_fake(home_region=None)
def test_a_missing_home_region_names_the_control_api_route_over_http(
    mhub_fake: Any, mhub_server: MigrationHubServer, aws_cli: List[str]
) -> None:
    # In-process, the hint names mhub_fake.home_region (tests/test_operations.py); over HTTP, the route.
    assert error_of(api(mhub_server, "ListProgressUpdateStreams")) == (
        400, "HomeRegionNotSetException",
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


# --- python -m pytest_migrationhub serve -----------------------------------------------------

LISTENING = re.compile(r"^Migration Hub fake listening on (http://127\.0\.0\.1:(\d+))$")


class Served:
    def __init__(self, *args: str, command: Optional[List[str]] = None) -> None:
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "pytest_migrationhub", "serve", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        lines: "queue.Queue[str]" = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            self.line = lines.get(timeout=30).rstrip("\n")
        except queue.Empty:  # pragma: no cover - shown on failure only
            self.process.kill()
            raise AssertionError("serve printed nothing within 30 s") from None

    def stop(self, sig: int = signal.SIGTERM) -> Tuple[int, str, str]:
        self.process.send_signal(sig)
        try:
            out, err = self.process.communicate(timeout=10)
        finally:
            if self.process.poll() is None:  # pragma: no cover
                self.process.kill()
                self.process.communicate()
        return self.process.returncode, out, err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(
    ("sig", "options", "home"),
    [
        pytest.param(signal.SIGTERM, ["--home-region", "eu-west-1"], "eu-west-1", id="sigterm"),
        pytest.param(signal.SIGINT, ["--home-region", "none", "--host", "127.0.0.1", "--port", "0"], None, id="ctrl-c"),
    ],
)
def test_serve_prints_the_endpoint_serves_and_stops_cleanly(sig: int, options: List[str], home: Optional[str]) -> None:
    served = Served(*options)
    match = LISTENING.match(served.line)
    assert match, served.line
    url, port = match.group(1), int(match.group(2))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/mhub-api/home-region")
    assert json.loads(conn.getresponse().read()) == {"home_region": home}
    conn.request("POST", "/mhub-api/home-region", body="{}")
    assert conn.getresponse().read()  # 405, and the connection carries on
    if home is not None:
        conn.request(
            "POST", "/",
            body=json.dumps({"ProgressUpdateStreamName": STREAM}),
            headers={"Content-Type": JSON11, "X-Amz-Target": "AWSMigrationHub.CreateProgressUpdateStream",
                     "Authorization": auth(home)},
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
        "import sys, pytest_migrationhub._server as server\n"
        "server.is_loopback = lambda host: False\n"
        "from pytest_migrationhub.__main__ import main\n"
        "sys.exit(main(['serve']))\n"
    )
    served = Served(command=[sys.executable, "-c", script])
    assert LISTENING.match(served.line), served.line
    assert served.stop() == (
        0, "",
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
            capture_output=True, text=True, timeout=30,
        )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    done = subprocess.run(
        [sys.executable, "-m", "pytest_migrationhub", "serve", "--home-region", "Mars"],
        capture_output=True, text=True, timeout=30,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "error: home_region must be a region name such as 'us-west-2', or None to leave it unset; "
        "got 'Mars'.\n"
    )


def test_the_readme_s_task_example_is_what_the_control_api_answers(
    mhub_fake: Any, mhub_server: MigrationHubServer
) -> None:
    section = README.split("## Server mode", 1)[1].split("\n## ", 1)[0]
    [example] = re.findall(r"```json\n(.*?)```", section, flags=re.DOTALL)
    mhub_fake.add_task(STREAM, TASK)
    assert api(mhub_server, "NotifyMigrationTaskState", SAMPLE_BODY)[0] == 200
    assert control(mhub_server, "GET", f"task?stream={STREAM}&task={TASK}") == (200, json.loads(example))


# --- what a web page cannot do ----------------------------------------------------------------


def send(
    server: MigrationHubServer, method: str, path: str, body: Any = None, headers: Optional[Dict[str, str]] = None
) -> Tuple[int, Any]:
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


def host_refusal(host: str, name: str, answered: str = "localhost, 127.0.0.1 (any 127.x.y.z) and [::1]") -> Tuple[int, Any]:
    return 403, {
        "__type": "ForbiddenException",
        "Message": (
            f"Host {host!r} is not a name this server answers to: it answers {answered}, so that a web "
            f"page cannot reach it under a name of its own; if {name!r} is yours, allow it with serve "
            f"--allow-host {name} (in Python: MigrationHubServer(..., allowed_hosts=[{name!r}]))"
        ),
    }


NOTIFY_HEADERS = {"Content-Type": JSON11, "X-Amz-Target": "AWSMigrationHub.CreateProgressUpdateStream"}


def test_a_foreign_host_is_refused_everywhere(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
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
def test_loopback_hosts_with_any_port_are_answered(mhub_server: MigrationHubServer, host: Optional[str]) -> None:
    if host is None:  # HTTP/1.0 without Host: not a browser
        status, _, body = parse_raw(raw(mhub_server, b"GET /mhub-api/streams HTTP/1.0\r\n\r\n"))
    else:
        status, body = send(mhub_server, "GET", "/mhub-api/streams", None, {"Host": host})
    assert (status, body) == (200, {"streams": []})


def test_allowed_hosts_add_names_and_a_star_answers_any(mhub_fake: Any) -> None:
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


def test_off_loopback_the_bound_address_is_answered(mhub_fake: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Binding a non-loopback address is off limits here: make no address count as loopback.
    import pytest_migrationhub._server as server_module

    monkeypatch.setattr(server_module, "is_loopback", lambda host: False)
    with MigrationHubServer(mhub_fake) as server:
        assert send(server, "GET", "/mhub-api/streams", None, {"Host": f"127.0.0.1:{server.port}"})[0] == 200
        assert send(server, "GET", "/mhub-api/streams", None, {"Host": "mhub.test"})[0] == 403


def origin_refusal(method: str, path: str, origin: str) -> Tuple[int, Any]:
    return 403, {
        "__type": "ForbiddenException",
        "Message": (
            f"{method} {path} came from the web page at {origin!r}: this server takes no cross-site "
            "writes; send the request without an Origin header, as curl, the AWS CLI and the SDKs do"
        ),
    }


def test_a_cross_site_write_is_refused(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    page = {"Origin": "https://example.com", "Content-Type": "application/json"}
    assert send(mhub_server, "POST", "/mhub-api/tasks", {"stream": STREAM, "task": TASK}, page) == (
        origin_refusal("POST", "/mhub-api/tasks", "https://example.com")
    )
    assert send(mhub_server, "DELETE", "/mhub-api/faults", None, {**page, "Origin": "null"}) == (
        origin_refusal("DELETE", "/mhub-api/faults", "null")
    )
    assert send(
        mhub_server, "POST", "/", {"ProgressUpdateStreamName": STREAM}, {**NOTIFY_HEADERS, "Origin": "https://example.com"}
    ) == origin_refusal("POST", "/", "https://example.com")
    assert mhub_fake.calls == [] and mhub_fake.tasks() == []
    # The server's own origin may write; anyone may read (without CORS headers, a page cannot see it).
    own = {"Origin": f"http://127.0.0.1:{mhub_server.port}", "Content-Type": "application/json"}
    assert send(mhub_server, "POST", "/mhub-api/streams", {"name": STREAM}, own) == (200, {})
    assert send(mhub_server, "GET", "/mhub-api/streams", None, {"Origin": "https://example.com"}) == (
        200, {"streams": [STREAM]}
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
    mhub_fake: Any, mhub_server: MigrationHubServer, content_type: Optional[str], shown: str
) -> None:
    # What a page can send cross-site without a preflight: a simple content type, or none at all.
    headers = {} if content_type is None else {"Content-Type": content_type}
    mhub_fake.add_stream(STREAM)
    for method, route, body in (("POST", "reset", None), ("POST", "tasks", {"stream": STREAM, "task": TASK})):
        assert send(mhub_server, method, CONTROL_PREFIX + route, body, headers) == (415, {
            "__type": "UnsupportedMediaTypeException",
            "Message": (
                f"{method} /mhub-api/{route}: Content-Type {shown} is not accepted; control API writes take "
                "Content-Type: application/json, with or without a body (curl: -H 'Content-Type: application/json')"
            ),
        })
    # Nor can the API be driven by one: it speaks application/x-amz-json-1.1 only.
    status, body = send(mhub_server, "POST", "/", {"ProgressUpdateStreamName": "Other"},
                        {**headers, "X-Amz-Target": "AWSMigrationHub.CreateProgressUpdateStream"})
    assert (status, body["__type"]) == (415, "UnsupportedMediaTypeException")
    assert mhub_fake.streams == [STREAM] and mhub_fake.tasks() == [] and mhub_fake.calls == []
    assert send(mhub_server, "POST", "/mhub-api/reset", None, {"Content-Type": "application/json; charset=utf-8"}) == (200, {})


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_readme_s_curl_session_works(mhub_fake: Any, mhub_server: MigrationHubServer) -> None:
    section = README.split("## Server mode", 1)[1].split("\n## ", 1)[0]
    [script] = [b for b in re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL) if "mhub-api/reset" in b]
    script = "\n".join(line for line in script.splitlines() if "my-migration-tool" not in line)
    script = script.replace("E=http://127.0.0.1:5000", f"E={mhub_server.endpoint_url}")
    assert mhub_server.endpoint_url in script
    done = subprocess.run(
        ["bash", "-c", "set -e\ncurl() { command curl -w '\\nHTTP %{http_code}\\n' \"$@\"; }\n" + script],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    statuses = re.findall(r"^HTTP (\d+)$", done.stdout, flags=re.M)
    # The last request is the API's, after the session unset the home region.
    assert statuses == ["200"] * 9 + ["400"], done.stdout
    assert mhub_fake.home_region is None
    assert [(c.operation, c.error_code) for c in mhub_fake.calls] == [
        ("ListProgressUpdateStreams", "HomeRegionNotSetException")
    ]


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
