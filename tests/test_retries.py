"""Faults go through botocore's real retry decisions, and no real time passes."""

from __future__ import annotations

import os
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time
from support import STREAM, TASK

from pytest_migrationhub import MigrationHubFakeError, mock_migrationhub


@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
@pytest.mark.usefixtures("no_real_sleep")
def test_throttling_is_retried_with_virtual_backoff(
    mhub_fake: Any, task: Any, make_client: Any, sample: dict[str, Any], mode: str
) -> None:
    # max_attempts counts retries: 5 allows the fifth attempt to succeed.
    client = make_client("mgh", retries={"mode": mode, "max_attempts": 5})
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=4)

    response = client.notify_migration_task_state(**sample)

    assert response["ResponseMetadata"]["RetryAttempts"] == 4
    assert mhub_fake.progress(STREAM, TASK) == [77]
    assert [c.error_code for c in mhub_fake.calls] == ["ThrottlingException"] * 4 + [None]
    delays = mhub_fake.retry_delays
    # Each backoff botocore chose was recorded; none was slept (no_real_sleep fails the test if
    # one is). benchmarks/bench.py measures how long the throttled call takes.
    assert len(delays) == 4 and all(d >= 0 for d in delays)


def test_retries_give_up_as_botocore_decides(
    mhub_fake: Any, task: Any, make_client: Any, sample: dict[str, Any]
) -> None:
    client = make_client("mgh", retries={"mode": "standard", "total_max_attempts": 3})
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=None)
    with pytest.raises(client.exceptions.ThrottlingException) as raised:
        client.notify_migration_task_state(**sample)
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(mhub_fake.retry_delays) == 2
    assert mhub_fake.progress(STREAM, TASK) == []
    mhub_fake.clear_faults()
    client.notify_migration_task_state(**sample)
    assert mhub_fake.progress(STREAM, TASK) == [77]


@pytest.mark.parametrize(("code", "status"), [("InternalServerError", 500), ("ServiceUnavailableException", 500)])
def test_server_errors_are_500_and_retried(
    mhub_fake: Any, task: Any, make_client: Any, sample: dict[str, Any], code: str, status: int
) -> None:
    client = make_client("mgh", retries={"mode": "standard", "total_max_attempts": 2})
    mhub_fake.fail("NotifyMigrationTaskState", code, times=2, message="try later")
    with pytest.raises(ClientError) as raised:
        client.notify_migration_task_state(**sample)
    assert raised.value.response["Error"] == {"Code": code, "Message": "try later"}
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert len(mhub_fake.calls) == 2


def test_client_errors_are_not_retried(mhub_fake: Any, task: Any, make_client: Any, sample: dict[str, Any]) -> None:
    client = make_client("mgh", retries={"mode": "standard", "max_attempts": 5})
    mhub_fake.fail("NotifyMigrationTaskState", "AccessDeniedException")
    with pytest.raises(client.exceptions.AccessDeniedException) as raised:
        client.notify_migration_task_state(**sample)
    assert raised.value.response["Error"]["Message"] == (
        "NotifyMigrationTaskState: AccessDeniedException injected by mhub_fake.fail()"
    )
    assert mhub_fake.retry_delays == []


def test_throttling_can_carry_retry_after_seconds(
    mhub_fake: Any, task: Any, make_client: Any, sample: dict[str, Any]
) -> None:
    client = make_client("mgh", retries={"mode": "standard", "total_max_attempts": 1})
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", retry_after_seconds=7)
    with pytest.raises(client.exceptions.ThrottlingException) as raised:
        client.notify_migration_task_state(**sample)
    assert raised.value.response["RetryAfterSeconds"] == 7


def test_adaptive_mode_does_not_hang_under_a_frozen_clock(
    mhub_fake: Any, task: Any, make_client: Any, sample: dict[str, Any]
) -> None:
    client = make_client("mgh", retries={"mode": "adaptive", "max_attempts": 5})
    with freeze_time("2026-01-01 12:00:00"):
        for _ in range(5):
            mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=3)
            client.notify_migration_task_state(**sample)
    assert mhub_fake.progress(STREAM, TASK) == [77] * 5


def test_a_long_lived_client_starts_every_fake_with_a_fresh_retry_quota(
    make_client: Any, sample: dict[str, Any]
) -> None:
    # A module-level client throttled in test after test: the standard mode's
    # quota (500, 5 per throttled retry) would run out after ~33 such tests.
    client = make_client("mgh", retries={"mode": "standard", "max_attempts": 5})
    for _ in range(60):
        with mock_migrationhub() as fake:
            fake.add_task(STREAM, TASK)
            fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=4)
            client.notify_migration_task_state(**sample)
            assert fake.progress(STREAM, TASK) == [77]


def test_within_one_fake_the_quota_runs_out_as_it_would(
    mhub_fake: Any, task: Any, make_client: Any, sample: dict[str, Any]
) -> None:
    client = make_client("mgh", retries={"mode": "standard", "max_attempts": 5})
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=None)
    quota_hits = 0
    for _ in range(30):
        with pytest.raises(client.exceptions.ThrottlingException) as raised:
            client.notify_migration_task_state(**sample)
        quota_hits += bool(raised.value.response["ResponseMetadata"].get("RetryQuotaReached"))
    mhub_fake.clear_faults()
    assert quota_hits > 0


def test_clients_created_before_the_fake_are_served(sample: dict[str, Any], make_client: Any) -> None:
    early = make_client("mgh")
    with mock_migrationhub() as fake:
        fake.add_task(STREAM, TASK)
        early.notify_migration_task_state(**sample)
    assert fake.progress(STREAM, TASK) == [77]


@pytest.mark.parametrize("endpoint_url", ["https://mgh.example.invalid", "http://127.0.0.1:9"])
def test_any_endpoint_url_and_region_is_served(mhub_fake: Any, botocore_session: Any, endpoint_url: str) -> None:
    client = botocore_session.create_client("mgh", region_name="us-west-2", endpoint_url=endpoint_url)
    client.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    other = botocore_session.create_client("mgh", region_name="ap-southeast-2", endpoint_url=endpoint_url)
    assert other.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == [
        {"ProgressUpdateStreamName": STREAM}
    ]


def test_boto3_clients_need_no_credentials(mhub_fake: Any) -> None:
    import boto3

    client = boto3.client("mgh", region_name="us-west-2")
    client.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    assert mhub_fake.streams == [STREAM]


def test_real_credentials_are_never_used_to_sign(mhub_fake: Any, botocore_session: Any) -> None:
    client = botocore_session.create_client(
        "mgh", region_name="us-west-2", aws_access_key_id="AKIDREAL", aws_secret_access_key="secret"
    )
    seen = []
    client.meta.events.register("before-send", lambda request, **kw: seen.append(dict(request.headers)))
    client.list_progress_update_streams()
    [headers] = seen
    # No signature is computed: the key id names the account, the secret is never read.
    assert headers["Authorization"] == (
        b"AWS4-HMAC-SHA256 Credential=AKIDREAL/19700101/us-west-2/mgh/aws4_request, "
        b"SignedHeaders=host, Signature=unsigned"
    )
    assert "secret" not in str(headers)


def test_a_second_fake_cannot_start_while_one_is_active(mhub_fake: Any) -> None:
    with pytest.raises(MigrationHubFakeError) as raised:
        mock_migrationhub().start()
    assert str(raised.value) == (
        "Another Migration Hub fake is already active; use that one (the mhub_fake fixture, "
        "or the object mock_migrationhub() returned) instead of starting a second."
    )


def test_after_stop_nothing_is_intercepted(botocore_session: Any) -> None:
    client = botocore_session.create_client(
        "mgh",
        region_name="us-west-2",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    with mock_migrationhub():
        client.list_progress_update_streams()
    from botocore.exceptions import EndpointConnectionError

    with pytest.raises(EndpointConnectionError):
        client.list_progress_update_streams()


def test_context_manager_checks_on_a_clean_exit(make_client: Any) -> None:
    from pytest_migrationhub import MigrationHubAssertionError

    with pytest.raises(MigrationHubAssertionError) as raised:
        with mock_migrationhub() as fake:
            fake.fail("ImportMigrationTask", "InternalServerError")
    assert str(raised.value).startswith("mhub_fake: 1 queued fault never fired:")
    # An exception from the block is not masked by the checks.
    with pytest.raises(KeyError):
        with mock_migrationhub() as fake:
            fake.fail("ImportMigrationTask", "InternalServerError")
            raise KeyError("boom")


def test_instance_metadata_lookups_are_off_only_while_active(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "false")
    with mock_migrationhub():
        assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "false"
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    with mock_migrationhub():
        pass
    assert "AWS_EC2_METADATA_DISABLED" not in os.environ
