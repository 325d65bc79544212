"""Many threads at once: migration tools report from worker pools.

Notify calls from many threads, on distinct tasks and on one shared task, lose
no update, keep each thread's order in the task's history and never corrupt
the fake, while other threads read it through the inspection API.

The thread switch interval is cut to a microsecond so that threads interleave
inside the fake's check-then-act sequences, not only between calls. Against a
copy of the fake whose lock does nothing, two tests here fail on every run
(six runs of six): threads importing the same task lose updates, and the
inspection API raises "dictionary changed size during iteration" while tasks
are added. The others check the same promises where CPython's GIL leaves the
race too narrow to hit (a fault's countdown has no switch point inside it).
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import notify

from pytest_migrationhub import MigrationHubFake

THREADS = 8
HEADERS = {
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=-/19700101/us-west-2/mgh/aws4_request, SignedHeaders=host, Signature=unsigned"
    )
}
NOTIFY = "AWSMigrationHub.NotifyMigrationTaskState"
IMPORT = "AWSMigrationHub.ImportMigrationTask"


@pytest.fixture(autouse=True)
def switch_often() -> Iterator[None]:
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def run_threads(targets: list[Callable[[], None]], *, inspect: Callable[[], None] = lambda: None) -> None:
    """Run ``targets`` at once (``inspect`` in a loop meanwhile); re-raise the first error."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(targets) + 1)  # the workers and the inspector
    done = threading.Event()

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                start.wait()
                target()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        return run

    def inspector() -> None:
        while not done.is_set():
            inspect()

    workers = [threading.Thread(target=guarded(t)) for t in targets]
    reader = threading.Thread(target=guarded(inspector))
    for thread in workers + [reader]:
        thread.start()
    for thread in workers:
        thread.join(30)
    done.set()
    reader.join(30)
    assert not any(t.is_alive() for t in workers + [reader]), "a thread hung"
    if errors:
        raise errors[0]


def notify_body(stream: str, task: str, detail: str, percent: int) -> bytes:
    return json.dumps(
        {
            "ProgressUpdateStream": stream,
            "MigrationTaskName": task,
            "Task": {"Status": "IN_PROGRESS", "StatusDetail": detail, "ProgressPercent": percent},
            "UpdateDateTime": 1493660853 + percent,
            "NextUpdateSeconds": 60,
        }
    ).encode()


def inspect_everything(fake: MigrationHubFake) -> Callable[[], None]:
    def inspect() -> None:
        fake.stale_tasks()
        for task in fake.tasks():
            assert len(task.updates) >= 0 and task.is_stale in (True, False)
        assert len(fake.calls) >= 0 and len(fake.streams) >= 0
        fake.unexplained()

    return inspect


def test_notify_from_many_botocore_clients_loses_nothing_and_keeps_each_threads_order(
    mhub_fake: Any, make_client: Callable[..., Any]
) -> None:
    per_thread = 25
    shared_client = make_client("mgh")
    for n in range(THREADS):
        mhub_fake.add_task("SMS", f"own-{n}")
    mhub_fake.add_task("SMS", "shared")

    def worker(n: int) -> Callable[[], None]:
        own_client = make_client("mgh", retries={"mode": "standard", "total_max_attempts": 1})

        def run() -> None:
            for i in range(per_thread):
                for client, task in ((own_client, f"own-{n}"), (shared_client, "shared")):
                    notify(client, "IN_PROGRESS", i, task=task, detail=f"t{n}-{i}", at=1493660853 + i)

        return run

    run_threads([worker(n) for n in range(THREADS)], inspect=inspect_everything(mhub_fake))

    for n in range(THREADS):
        details = [u.status_detail for u in mhub_fake.task("SMS", f"own-{n}").updates]
        assert details == [f"t{n}-{i}" for i in range(per_thread)]
    shared = [u.status_detail for u in mhub_fake.task("SMS", "shared").updates]
    assert len(shared) == THREADS * per_thread
    for n in range(THREADS):
        assert [d for d in shared if d is not None and d.startswith(f"t{n}-")] == [
            f"t{n}-{i}" for i in range(per_thread)
        ]
    calls = mhub_fake.calls
    assert len(calls) == 2 * THREADS * per_thread
    assert all(call.error_code is None for call in calls)


def test_notify_at_the_wire_from_many_threads_on_one_task() -> None:
    fake = MigrationHubFake()
    fake.add_task("SMS", "shared")
    per_thread = 200

    def worker(n: int) -> Callable[[], None]:
        def run() -> None:
            for i in range(per_thread):
                status, _, body = fake.handle(NOTIFY, notify_body("SMS", "shared", f"t{n}-{i}", i % 101), HEADERS)
                assert status == 200, body

        return run

    run_threads([worker(n) for n in range(THREADS)], inspect=inspect_everything(fake))
    shared = [u.status_detail for u in fake.task("SMS", "shared").updates]
    assert len(shared) == THREADS * per_thread
    for n in range(THREADS):
        assert [d for d in shared if d is not None and d.startswith(f"t{n}-")] == [
            f"t{n}-{i}" for i in range(per_thread)
        ]
    assert len(fake.calls) == THREADS * per_thread


def test_threads_importing_the_same_task_then_notifying_lose_no_update() -> None:
    # Import is idempotent: a second import must never replace the task (and
    # its history) that another thread has already notified. Each round, every
    # thread imports the same new task at once, then notifies it.
    fake = MigrationHubFake()
    fake.add_stream("SMS")
    rounds = 200
    in_step = threading.Barrier(THREADS)

    def worker(n: int) -> Callable[[], None]:
        def run() -> None:
            for r in range(rounds):
                task = json.dumps({"ProgressUpdateStream": "SMS", "MigrationTaskName": f"task-{r}"})
                in_step.wait()
                status, _, body = fake.handle(IMPORT, task.encode(), HEADERS)
                assert status == 200, body
                status, _, body = fake.handle(NOTIFY, notify_body("SMS", f"task-{r}", f"t{n}", 0), HEADERS)
                assert status == 200, body

        return run

    run_threads([worker(n) for n in range(THREADS)])
    lost = {
        f"task-{r}": THREADS - len(fake.task("SMS", f"task-{r}").updates)
        for r in range(rounds)
        if len(fake.task("SMS", f"task-{r}").updates) != THREADS
    }
    assert lost == {}
    assert len(fake.tasks()) == rounds


def test_a_fault_fires_exactly_as_often_as_queued_under_concurrency() -> None:
    fake = MigrationHubFake()
    fake.add_task("SMS", "sms-1")
    queued, per_thread = 1500, 400
    fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=queued)
    outcomes: list[int] = []

    def worker(n: int) -> Callable[[], None]:
        def run() -> None:
            for i in range(per_thread):
                status, _, _ = fake.handle(NOTIFY, notify_body("SMS", "sms-1", f"t{n}-{i}", 0), HEADERS)
                outcomes.append(status)

        return run

    run_threads([worker(n) for n in range(THREADS)])
    assert outcomes.count(400) == queued
    assert len(fake.task("SMS", "sms-1").updates) == THREADS * per_thread - queued
    assert [call.error_code for call in fake.calls].count("ThrottlingException") == queued
    assert fake.unexplained() == []  # every queued fault fired, and only once


def test_faults_through_botocore_clients_in_many_threads(mhub_fake: Any, make_client: Callable[..., Any]) -> None:
    mhub_fake.add_task("SMS", "sms-1")
    queued, per_thread = 37, 12
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=queued)
    outcomes: list[str] = []

    def worker(n: int) -> Callable[[], None]:
        client = make_client("mgh", retries={"mode": "standard", "total_max_attempts": 1})

        def run() -> None:
            for i in range(per_thread):
                try:
                    notify(client, task="sms-1", detail=f"t{n}-{i}", at=1493660853)
                    outcomes.append("accepted")
                except ClientError as error:
                    outcomes.append(error.response["Error"]["Code"])

        return run

    run_threads([worker(n) for n in range(THREADS)], inspect=inspect_everything(mhub_fake))
    assert outcomes.count("ThrottlingException") == queued
    assert len(mhub_fake.task("SMS", "sms-1").updates) == THREADS * per_thread - queued


def test_inspection_while_streams_and_tasks_are_added() -> None:
    fake = MigrationHubFake()
    per_thread = 150
    seen: dict[str, int] = {"stale": 0, "tasks": 0, "streams": 0}

    def worker(n: int) -> Callable[[], None]:
        def run() -> None:
            for i in range(per_thread):
                stream = f"S{n}-{i % 5}"
                fake.handle(
                    "AWSMigrationHub.CreateProgressUpdateStream",
                    json.dumps({"ProgressUpdateStreamName": stream}).encode(),
                    HEADERS,
                )
                body = {"ProgressUpdateStream": stream, "MigrationTaskName": f"t{i}"}
                status, _, raw = fake.handle(IMPORT, json.dumps(body).encode(), HEADERS)
                assert status == 200, raw
                fake.handle(NOTIFY, notify_body(stream, f"t{i}", "copying", 1), HEADERS)

        return run

    def inspect() -> None:
        seen["stale"] += len(fake.stale_tasks())
        seen["tasks"] += len(fake.tasks())
        seen["streams"] = len(fake.streams)

    run_threads([worker(n) for n in range(THREADS)], inspect=inspect)
    assert len(fake.tasks()) == THREADS * per_thread
    assert len(fake.streams) == THREADS * 5
    assert all(len(task.updates) == 1 for task in fake.tasks())


def test_clients_share_nothing_but_the_fake(make_client: Callable[..., Any], mhub_fake: Any) -> None:
    # The retry machinery of each client is its own: a throttled thread retries
    # without slowing or failing the others.
    mhub_fake.add_task("SMS", "sms-1")
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=THREADS * 2)

    def worker(n: int) -> Callable[[], None]:
        # More retries than faults: whichever thread the faults fall on gets through.
        client = make_client("mgh", retries={"mode": "adaptive", "max_attempts": THREADS * 2 + 1})

        def run() -> None:
            for i in range(5):
                notify(client, task="sms-1", detail=f"t{n}-{i}", at=1493660853)

        return run

    run_threads([worker(n) for n in range(THREADS)])
    assert len(mhub_fake.task("SMS", "sms-1").updates) == THREADS * 5
    assert len(mhub_fake.retry_delays) == THREADS * 2
