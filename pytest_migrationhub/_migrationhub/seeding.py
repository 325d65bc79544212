"""The fake's Migration Hub side: the streams and tasks a test seeds and reads.

:class:`MigrationHubFake` inherits these methods; they read and change the
same records the handlers do, under the fake's lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core import MigrationHubFakeError, check_seed, now
from .records import MigrationTask, Stream, Streams, stale_tasks

if TYPE_CHECKING:
    from .._core import Store


def check_name(method: str, member: str, value: Any) -> None:
    """Refuse a stream or task name NotifyMigrationTaskState would refuse."""
    __tracebackhide__ = True
    check_seed(method, "NotifyMigrationTaskState", (member,), value)


class MigrationHubMethods:
    """Seeding and inspection of Migration Hub's streams and tasks, per account."""

    #: the fake's state, set by the fake that inherits these methods
    _store: Store

    def _streams(self, account: str | None) -> Streams:
        return self._store.account(account).part(Streams)

    def add_stream(self, name: str, *, account: str | None = None) -> Stream:
        """Create a progress update stream, as CreateProgressUpdateStream would; returns the stream."""
        check_name("add_stream", "ProgressUpdateStream", name)
        with self._store.lock:
            return self._streams(account).add(name)

    def add_task(self, stream: str, task: str, *, account: str | None = None) -> MigrationTask:
        """Import a migration task, creating its stream if needed; returns the task."""
        check_name("add_task", "ProgressUpdateStream", stream)
        check_name("add_task", "MigrationTaskName", task)
        with self._store.lock:
            return self._streams(account).add(stream).add_task(task)

    def tasks(self, stream: str | None = None, *, account: str | None = None) -> list[MigrationTask]:
        """Every migration task of an account, or those of one stream, in import order."""
        with self._store.lock:
            streams = self._streams(account)
            found = streams.live() if stream is None else [_stream_or_fail(streams, stream)]
            return [task for s in found for task in s.tasks.values()]

    def task(self, stream: str, task: str, *, account: str | None = None) -> MigrationTask:
        """The migration task ``task`` of progress update stream ``stream``."""
        with self._store.lock:
            return _task_or_fail(self._streams(account), stream, task)

    def progress(self, stream: str, task: str, *, account: str | None = None) -> list[int | None]:
        """The ProgressPercent of each accepted update (``None`` where it was left out)."""
        return [u.progress_percent for u in self.task(stream, task, account=account).updates]

    def statuses(self, stream: str, task: str, *, account: str | None = None) -> list[str]:
        """The Status of each accepted update."""
        return [u.status for u in self.task(stream, task, account=account).updates]

    def stale_tasks(self, *, account: str | None = None) -> list[tuple[str, str]]:
        """``(stream, task)`` of every task whose promised next update is overdue now."""
        moment = now()
        with self._store.lock:
            return stale_tasks(self._streams(account).live(), moment)


def _stream_or_fail(streams: Streams, stream: str) -> Stream:
    record = streams.get(stream)
    if record is None:
        known = ", ".join(repr(s.name) for s in streams.live()) or "none"
        raise MigrationHubFakeError(
            f"No progress update stream {stream!r}. Known streams: {known}. "
            f"Create it with CreateProgressUpdateStream or mhub_fake.add_stream({stream!r}) first."
        )
    return record


def _task_or_fail(streams: Streams, stream: str, task: str) -> MigrationTask:
    found_stream = streams.get(stream)
    found = found_stream.tasks.get(task) if found_stream else None
    if found is None:
        known = [(t.stream, t.name) for s in streams.live() for t in s.tasks.values()]
        listing = ", ".join(repr(pair) for pair in known) or "none"
        raise MigrationHubFakeError(
            f"No migration task {task!r} in stream {stream!r}. Known tasks: {listing}. "
            f"Import it with ImportMigrationTask or mhub_fake.add_task({stream!r}, {task!r}) first."
        )
    return found
