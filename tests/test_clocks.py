"""Clocks: freezegun, pytest-freezer and time-machine each drive staleness, and
the adaptive retry mode works under each of them.

tests/test_inspection.py covers a clock frozen by each library once; here each
library is driven in every way it offers (frozen, ticking, auto-ticking, its
pytest fixture or marker), and botocore's adaptive retry mode, whose token
bucket waits on the clock, is throttled under each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import time_machine
from freezegun import freeze_time
from support import STREAM, TASK, notify

START = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
#: a clock: a context manager yielding "move the clock forward by this many seconds"
Clock = Callable[[], Any]


def ticker(factory: Any) -> Callable[[float], None]:
    """Move a freezegun clock on by some seconds (freezegun < 1.3 cannot move a ticking one)."""
    if not hasattr(factory, "tick"):
        pytest.skip("freezegun < 1.3 cannot move a ticking clock")
    return lambda seconds: factory.tick(timedelta(seconds=seconds))


@contextmanager
def freezegun_frozen() -> Iterator[Callable[[float], None]]:
    with freeze_time(START) as frozen:
        yield ticker(frozen)


@contextmanager
def freezegun_ticking() -> Iterator[Callable[[float], None]]:
    with freeze_time(START, tick=True) as frozen:
        yield ticker(frozen)


@contextmanager
def freezegun_auto_tick() -> Iterator[Callable[[float], None]]:
    # Every reading of the clock moves it on by a second.
    with freeze_time(START, auto_tick_seconds=1) as frozen:
        yield ticker(frozen)


@contextmanager
def time_machine_frozen() -> Iterator[Callable[[float], None]]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller.shift


@contextmanager
def time_machine_ticking() -> Iterator[Callable[[float], None]]:
    with time_machine.travel(START, tick=True) as traveller:
        yield traveller.shift


CLOCKS = {
    "freezegun": freezegun_frozen,
    "freezegun-tick": freezegun_ticking,
    "freezegun-auto-tick": freezegun_auto_tick,
    "time-machine": time_machine_frozen,
    "time-machine-tick": time_machine_ticking,
}


def in_time(action: Callable[[], None], timeout: float = 30) -> None:
    """Run ``action`` in a thread: a hang becomes a failure instead of a stuck suite."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            action()
        except BaseException as error:  # noqa: BLE001 - re-raised below
            errors.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"still running after {timeout} s: it waited on the clock"
    if errors:
        raise errors[0]


def check_staleness(fake: Any, mgh: Any, forward: Callable[[float], None]) -> None:
    fake.add_task(STREAM, TASK)
    notify(mgh, "IN_PROGRESS", 10, next_update=600)
    assert fake.stale_tasks() == []
    assert not fake.task(STREAM, TASK).is_stale
    forward(601)
    assert fake.stale_tasks() == [(STREAM, TASK)]
    assert fake.task(STREAM, TASK).is_stale
    notify(mgh, "IN_PROGRESS", 10, next_update=600)  # a fresh update makes it current again
    assert fake.stale_tasks() == []


def check_adaptive_retries(fake: Any, make_client: Callable[..., Any], task: str = "sms-2") -> None:
    fake.add_task(STREAM, task)
    mgh = make_client("mgh", retries={"mode": "adaptive", "max_attempts": 5})
    delays = len(fake.retry_delays)

    def throttled_calls() -> None:
        for _ in range(4):
            fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=4)
            notify(mgh, "IN_PROGRESS", 10, task=task, next_update=600)

    in_time(throttled_calls)
    assert len(fake.task(STREAM, task).updates) == 4
    assert len(fake.retry_delays) - delays == 16


@pytest.mark.parametrize("clock", CLOCKS.values(), ids=list(CLOCKS))
def test_each_clock_drives_staleness(mhub_fake: Any, mgh: Any, clock: Clock) -> None:
    with clock() as forward:
        check_staleness(mhub_fake, mgh, forward)


@pytest.mark.parametrize("clock", CLOCKS.values(), ids=list(CLOCKS))
def test_the_adaptive_retry_mode_works_under_each_clock(
    mhub_fake: Any, make_client: Callable[..., Any], clock: Clock
) -> None:
    with clock():
        check_adaptive_retries(mhub_fake, make_client)


def test_pytest_freezer_fixture(mhub_fake: Any, mgh: Any, make_client: Callable[..., Any], freezer: Any) -> None:
    freezer.move_to(START)
    check_staleness(mhub_fake, mgh, ticker(freezer))
    check_adaptive_retries(mhub_fake, make_client)


@pytest.mark.freeze_time("2026-03-01 10:00:00", tick=True)
def test_pytest_freezer_marker_with_tick(
    mhub_fake: Any, mgh: Any, make_client: Callable[..., Any], freezer: Any
) -> None:
    assert datetime.now(timezone.utc) >= START
    check_staleness(mhub_fake, mgh, ticker(freezer))
    check_adaptive_retries(mhub_fake, make_client)


def test_time_machine_fixture(mhub_fake: Any, mgh: Any, make_client: Callable[..., Any], time_machine: Any) -> None:
    time_machine.move_to(START, tick=False)
    # time-machine < 2.11: shift() is on the fixture's coordinates only.
    shift = getattr(time_machine, "shift", None) or time_machine.coordinates.shift
    check_staleness(mhub_fake, mgh, shift)
    check_adaptive_retries(mhub_fake, make_client)
