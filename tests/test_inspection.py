"""What a test can read from the fake, and how misuse of it is reported."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import time_machine
from freezegun import freeze_time
from support import STREAM, TASK, notify

from pytest_migrationhub import MigrationHubFakeError


def test_progress_and_status_sequences(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    notify(mgh, "NOT_STARTED")
    notify(mgh, "IN_PROGRESS", 40, detail="Replicating disk 1 of 2")
    notify(mgh, "COMPLETED", 100, next_update=sys.maxsize)

    assert mhub_fake.progress(STREAM, TASK) == [None, 40, 100]
    assert mhub_fake.statuses(STREAM, TASK) == ["NOT_STARTED", "IN_PROGRESS", "COMPLETED"]
    task = mhub_fake.task(STREAM, TASK)
    assert task.status == "COMPLETED" and task.status_detail is None
    assert task.updates[1].status_detail == "Replicating disk 1 of 2"
    assert task.update_date_time.tzinfo is timezone.utc
    assert isinstance(task.updates, list)


def test_a_task_never_notified_has_no_state(mhub_fake: Any) -> None:
    task = mhub_fake.add_task(STREAM, TASK)
    assert (task.status, task.progress_percent, task.update_date_time, task.updates) == (None, None, None, [])
    assert not task.is_stale
    assert mhub_fake.stale_tasks() == []


def test_calls_record_what_was_sent(mhub_fake: Any, mgh: Any) -> None:
    mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    with pytest.raises(mgh.exceptions.ResourceNotFoundException):
        mgh.import_migration_task(ProgressUpdateStream="DMS", MigrationTaskName=TASK)
    first, second = mhub_fake.calls
    assert (first.operation, first.params, first.region, first.error_code, first.service) == (
        "CreateProgressUpdateStream",
        {"ProgressUpdateStreamName": STREAM},
        "us-west-2",
        None,
        "mgh",
    )
    assert second.error_code == "ResourceNotFoundException"
    assert second.error_message.startswith("ImportMigrationTask: progress update stream 'DMS'")
    # A copy: changing it changes nothing the fake holds.
    mhub_fake.calls.clear()
    assert len(mhub_fake.calls) == 2


# --- staleness ------------------------------------------------------------------


def test_stale_with_pytest_freezer(mhub_fake: Any, mgh: Any, freezer: Any) -> None:
    mhub_fake.add_task(STREAM, "sms-1")
    # A whole second: older botocore sends UpdateDateTime in whole seconds.
    freezer.move_to("2026-03-01 10:00:00")
    notify(mgh, "IN_PROGRESS", 10, task="sms-1")
    freezer.tick(60)
    assert mhub_fake.stale_tasks() == []  # exactly at the deadline: not yet
    freezer.tick(1)
    assert mhub_fake.stale_tasks() == [(STREAM, "sms-1")]
    assert mhub_fake.task(STREAM, "sms-1").is_stale
    notify(mgh, "IN_PROGRESS", 20, task="sms-1")
    assert mhub_fake.stale_tasks() == []


def test_stale_with_freezegun(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.add_task(STREAM, "a")
    mhub_fake.add_task(STREAM, "b")
    with freeze_time("2026-03-01 10:00:00") as frozen:
        notify(mgh, "IN_PROGRESS", 10, task="a", next_update=30)
        notify(mgh, "IN_PROGRESS", 10, task="b", next_update=300)
        frozen.tick(timedelta(seconds=31))
        assert mhub_fake.stale_tasks() == [(STREAM, "a")]
        frozen.tick(timedelta(minutes=5))
        assert mhub_fake.stale_tasks() == [(STREAM, "a"), (STREAM, "b")]


def test_stale_with_time_machine(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    with time_machine.travel(datetime(2026, 3, 1, 10, tzinfo=timezone.utc), tick=False) as traveller:
        notify(mgh, "IN_PROGRESS", 5)
        traveller.shift(timedelta(seconds=61))
        assert mhub_fake.stale_tasks() == [(STREAM, TASK)]


def test_a_final_update_with_maxsize_never_goes_stale(mhub_fake: Any, mgh: Any, freezer: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    notify(mgh, "COMPLETED", 100, next_update=sys.maxsize)
    freezer.move_to("9999-12-31")
    assert mhub_fake.stale_tasks() == []
    assert not mhub_fake.task(STREAM, TASK).is_stale


def test_staleness_counts_from_the_reported_update_time(mhub_fake: Any, mgh: Any, freezer: Any) -> None:
    # The tool says when it gathered the state; a report of old news is overdue sooner.
    mhub_fake.add_task(STREAM, TASK)
    mgh.notify_migration_task_state(
        ProgressUpdateStream=STREAM,
        MigrationTaskName=TASK,
        Task={"Status": "IN_PROGRESS"},
        UpdateDateTime=datetime.now(timezone.utc) - timedelta(seconds=50),
        NextUpdateSeconds=60,
    )
    freezer.tick(11)
    assert mhub_fake.stale_tasks() == [(STREAM, TASK)]


# --- misuse ---------------------------------------------------------------------


def test_an_unknown_task_lists_the_known_ones(mhub_fake: Any) -> None:
    mhub_fake.add_task(STREAM, "sms-1")
    mhub_fake.add_task("DMS", "dms-1")
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.task(STREAM, "sms-2")
    assert str(raised.value) == (
        "No migration task 'sms-2' in stream 'SMS'. Known tasks: ('SMS', 'sms-1'), ('DMS', 'dms-1'). "
        "Import it with ImportMigrationTask or mhub_fake.add_task('SMS', 'sms-2') first."
    )
    with pytest.raises(MigrationHubFakeError, match=r"^No migration task 'x' in stream 'nope'\."):
        mhub_fake.progress("nope", "x")


def test_an_unknown_stream_lists_the_known_ones(mhub_fake: Any) -> None:
    mhub_fake.add_stream(STREAM)
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.tasks("DMS")
    assert str(raised.value) == (
        "No progress update stream 'DMS'. Known streams: 'SMS'. "
        "Create it with CreateProgressUpdateStream or mhub_fake.add_stream('DMS') first."
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda f: f.add_task(STREAM, "a|b"),
            "add_task: 'a|b' is not a valid MigrationTaskName (length 1-256, pattern ^(?:[^:|]+)$); "
            "pass a value the real service would accept.",
        ),
        (
            lambda f: f.add_stream("x" * 51),
            f"add_stream: {'x' * 51!r} is not a valid ProgressUpdateStream (length 1-50, "
            "pattern ^(?:[^/:|\\000-\\037]+)$); pass a value the real service would accept.",
        ),
        (
            lambda f: f.fail("NotifyMigrationTaskStat", "ThrottlingException"),
            "fail: no Migration Hub operation is called 'NotifyMigrationTaskStat'. "
            "Did you mean 'NotifyMigrationTaskState'?",
        ),
        (
            lambda f: f.fail("GetHomeRegion", "ResourceNotFoundException"),
            "fail: 'ResourceNotFoundException' is not an error GetHomeRegion can answer with. Use one of: "
            "AccessDeniedException, InternalServerError, InvalidInputException, ServiceUnavailableException, "
            "ThrottlingException.",
        ),
        (
            lambda f: f.fail("ImportMigrationTask", "ThrottlingException", times=0),
            "fail: times must be a positive number of calls, or None for every call until clear_faults(); got 0.",
        ),
        (
            lambda f: f.fail("ImportMigrationTask", "InternalServerError", retry_after_seconds=3),
            "fail: retry_after_seconds goes with 'ThrottlingException' only.",
        ),
        (lambda f: f.deny("Teleport"), "deny: no Migration Hub operation is called 'Teleport'. Use one of: "),
    ],
)
def test_misuse_says_what_to_do_instead(mhub_fake: Any, call: Any, message: str) -> None:
    with pytest.raises(MigrationHubFakeError) as raised:
        call(mhub_fake)
    assert str(raised.value).startswith(message)
    # Nothing the fake held changed.
    assert mhub_fake.tasks() == [] and mhub_fake.streams == []


def test_faults_take_boto3_method_names_and_fire_in_order(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.fail("list_progress_update_streams", "InternalServerError", message="first")
    mhub_fake.fail("ListProgressUpdateStreams", "ServiceUnavailableException", message="second")
    mgh.list_progress_update_streams()
    assert [(c.error_code, c.error_message) for c in mhub_fake.calls] == [
        ("InternalServerError", "first"),
        ("ServiceUnavailableException", "second"),
        (None, None),
    ]
    assert len(mhub_fake.retry_delays) == 2


def test_a_notify_call_gives_back_the_body_it_sent(mhub_fake: Any, mgh: Any, sample: dict[str, Any]) -> None:
    # An accepted Notify keeps only the update it made; its params are rebuilt from it.
    mhub_fake.add_task(STREAM, TASK)
    mgh.notify_migration_task_state(**sample)
    mgh.notify_migration_task_state(**sample, DryRun=False)
    sent, with_dry_run = mhub_fake.calls
    assert sent.params == {
        "ProgressUpdateStream": STREAM,
        "MigrationTaskName": TASK,
        "Task": {"Status": "IN_PROGRESS", "StatusDetail": "Migration: Copying image data", "ProgressPercent": 77},
        "UpdateDateTime": 1493660853,
        "NextUpdateSeconds": 60,
    }
    assert with_dry_run.params == {**sent.params, "DryRun": False}
    assert sent.params is not sent.params  # a fresh dict each time
    assert (sent.operation, sent.region, sent.account, sent.error_code) == (
        "NotifyMigrationTaskState",
        "us-west-2",
        "123456789012",
        None,
    )


def test_staleness_follows_each_tasks_latest_update(mhub_fake: Any, mgh: Any, freezer: Any) -> None:
    freezer.move_to("2026-03-01 10:00:00")
    mhub_fake.add_task(STREAM, "quick-then-slow")
    mhub_fake.add_task(STREAM, "slow-then-quick")
    # One task promised a quick update, then a slow one; the other the other way round.
    notify(mgh, "IN_PROGRESS", 10, task="quick-then-slow", next_update=60)
    notify(mgh, "IN_PROGRESS", 10, task="slow-then-quick", next_update=3600)
    freezer.tick(30)
    notify(mgh, "IN_PROGRESS", 20, task="quick-then-slow", next_update=3600)
    notify(mgh, "IN_PROGRESS", 20, task="slow-then-quick", next_update=60)
    # 91 seconds in: only the latest promises count, and only the second is broken.
    freezer.tick(61)
    assert mhub_fake.stale_tasks() == [(STREAM, "slow-then-quick")]
    assert mhub_fake.task(STREAM, "slow-then-quick").is_stale
    assert not mhub_fake.task(STREAM, "quick-then-slow").is_stale
