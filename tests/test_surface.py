"""The fake's public surface: one accessor per fact, typed options, structured teardown errors."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import time_machine

from pytest_migrationhub import (
    MigrationHubAssertionError,
    MigrationHubFake,
    MigrationHubFakeError,
    Stream,
    mock_migrationhub,
)

HEADERS = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-west-2/mgh/aws4_request"}
DELETE = "AWSMigrationHub.DeleteProgressUpdateStream"


def test_add_stream_returns_the_stream_as_add_task_returns_the_task() -> None:
    fake = mock_migrationhub()
    stream = fake.add_stream("SMS")
    task = fake.add_task("SMS", "sms-1")
    assert isinstance(stream, Stream) and stream.name == "SMS"
    assert stream.tasks == {"sms-1": task}
    assert fake.add_stream("SMS") is stream


def test_another_accounts_home_region_and_streams() -> None:
    fake = mock_migrationhub(home_region="eu-west-1")
    other = fake.account("111122223333")
    assert other.home_region == "eu-west-1"
    other.home_region = "us-east-2"
    fake.add_stream("B", account="111122223333")
    assert (other.home_region, other.streams) == ("us-east-2", ["B"])
    assert (fake.home_region, fake.streams) == ("eu-west-1", [])
    other.home_region = None
    assert fake.account("111122223333").home_region is None
    assert fake.account().home_region == fake.home_region


def test_the_teardown_error_carries_what_was_left_and_names_no_pytest_marker() -> None:
    fake = mock_migrationhub()
    fake.fail("ImportMigrationTask", "ThrottlingException", times=None)
    status, _, _ = fake.handle("AWSMigrationHub.ListProgressUpdateStreams", b'{"MaxResults": 0}', HEADERS)
    assert status == 400
    with pytest.raises(MigrationHubAssertionError) as raised:
        fake.verify()
    assert raised.value.unfired_faults == ["ImportMigrationTask -> ThrottlingException (until cleared, never fired)"]
    assert [m.split(":")[0] for m in raised.value.malformed_requests] == ["ListProgressUpdateStreams"]
    message = str(raised.value)
    assert "pytest" not in message
    assert "opt out with assert_all_faults_fired=False." in message
    assert "opt out with assert_all_requests_valid=False." in message


def test_a_deleted_stream_is_gone_when_the_window_ends_without_a_lookup_changing_state() -> None:
    fake = mock_migrationhub(stream_deletion_seconds=10)
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=timezone.utc), tick=False) as clock:
        fake.add_stream("SMS")
        body = json.dumps({"ProgressUpdateStreamName": "SMS"}).encode()
        assert fake.handle(DELETE, body, HEADERS)[0] == 200
        clock.shift(9.999)
        assert fake.streams == ["SMS"]
        clock.shift(0.001)
        assert fake.streams == []
        assert fake.account().streams == []
        # A new stream of the same name starts empty, once the old one is dropped.
        assert fake.add_stream("SMS").tasks == {}


def test_stream_deletion_seconds_is_the_options_name_and_is_checked() -> None:
    fake = mock_migrationhub(stream_deletion_seconds=2.5)
    assert fake.stream_deletion_seconds == 2.5
    fake.stream_deletion_seconds = 0
    assert fake.stream_deletion_seconds == 0
    with pytest.raises(MigrationHubFakeError, match="stream_deletion_seconds must be a number of seconds"):
        fake.stream_deletion_seconds = -1


def test_a_stream_is_read_only_to_its_readers(mhub_fake: MigrationHubFake) -> None:
    stream = mhub_fake.add_stream("SMS")
    mhub_fake.add_task("SMS", "sms-1")
    assert list(stream.tasks) == ["sms-1"] and stream.deleted_at is None
    with pytest.raises(TypeError):
        stream.tasks["sms-2"] = stream.tasks["sms-1"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        stream.deleted_at = None  # type: ignore[misc]
    assert [task.name for task in mhub_fake.tasks("SMS")] == ["sms-1"]


def test_an_account_view_follows_the_account_across_a_reset() -> None:
    with mock_migrationhub() as fake:
        view = fake.account("111122223333")
        view.home_region = "eu-central-1"
        fake.reset()
        assert view.home_region == "us-west-2"  # the account as reset() left it
        view.home_region = "eu-west-1"
        assert fake.account("111122223333").home_region == "eu-west-1"


def test_a_task_offers_its_readers_nothing_that_changes_it(mhub_fake: MigrationHubFake) -> None:
    # Only the service changes a task: a test reads what the code under test reported.
    task = mhub_fake.add_task("SMS", "sms-1")
    methods = sorted(name for name in dir(task) if not name.startswith("_") and callable(getattr(task, name)))
    assert methods == ["associated", "description_json", "is_associated_with", "summary_json"]
    with pytest.raises(AttributeError):
        task.status = "COMPLETED"  # type: ignore[misc]
