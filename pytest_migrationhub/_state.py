"""The records the fake keeps: accounts, streams, migration tasks, their updates, calls, faults.

Each record changes only through its own methods; the pipeline's handlers and
the fake call them and never reach inside.
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._discovery import Application, DiscoveredServer


def now() -> datetime:
    """The fake's clock: read when asked, so freezegun and time-machine move it."""
    return datetime.now(timezone.utc)


def from_epoch(value: float) -> datetime:
    return datetime.fromtimestamp(value, timezone.utc)


def epoch(moment: datetime) -> float:
    return float(moment.timestamp())


class Update:
    """One accepted NotifyMigrationTaskState.

    It keeps UpdateDateTime as the number that arrived and makes the datetime
    when asked: a fake may hold hundreds of thousands of updates.
    """

    __slots__ = ("status", "status_detail", "progress_percent", "_epoch", "next_update_seconds", "_stream", "_task")

    def __init__(
        self,
        status: str,
        status_detail: str | None,
        progress_percent: int | None,
        update_date_time: datetime | float,
        next_update_seconds: int,
        stream: str = "",
        task: str = "",
    ) -> None:
        self.status = status
        self.status_detail = status_detail
        self.progress_percent = progress_percent
        # The number UpdateDateTime arrived as (a datetime is taken too, for comparisons).
        self._epoch = update_date_time.timestamp() if isinstance(update_date_time, datetime) else update_date_time
        self.next_update_seconds = next_update_seconds
        # Which task it belongs to: the record of the call that sent it is rebuilt from it.
        self._stream = stream
        self._task = task

    @property
    def update_date_time(self) -> datetime:
        """When the tool gathered the state (the request's UpdateDateTime), aware UTC."""
        return from_epoch(self._epoch)

    def __repr__(self) -> str:
        return (
            f"Update(status={self.status!r}, status_detail={self.status_detail!r}, "
            f"progress_percent={self.progress_percent!r}, update_date_time={self.update_date_time!r}, "
            f"next_update_seconds={self.next_update_seconds!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Update):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def _values(self) -> tuple[Any, ...]:
        return (self.status, self.status_detail, self.progress_percent, self._epoch, self.next_update_seconds)

    def overdue_at(self, moment: datetime) -> bool:
        """Whether ``moment`` is past UpdateDateTime + NextUpdateSeconds."""
        return self._overdue(moment.timestamp())

    def _overdue(self, seconds: float) -> bool:
        # Plain numbers: NextUpdateSeconds may be sys.maxsize, far beyond what
        # a timedelta or a datetime can hold.
        return seconds - self._epoch > self.next_update_seconds

    def task_json(self) -> dict[str, Any]:
        """The ``Task`` structure as it travels on the wire."""
        out: dict[str, Any] = {"Status": self.status}
        if self.status_detail is not None:
            out["StatusDetail"] = self.status_detail
        if self.progress_percent is not None:
            out["ProgressPercent"] = self.progress_percent
        return out

    def request_json(self) -> dict[str, Any]:
        """The body of the NotifyMigrationTaskState that sent it."""
        return {
            "ProgressUpdateStream": self._stream,
            "MigrationTaskName": self._task,
            "Task": self.task_json(),
            "UpdateDateTime": self._epoch,
            "NextUpdateSeconds": self.next_update_seconds,
        }


#: what can be associated with a task, by the wire name of its record
ARTIFACT = "CreatedArtifact"
DISCOVERED = "DiscoveredResource"
SOURCE = "SourceResource"


class MigrationTask:
    """A migration task, the history of its reported state and what is associated with it.

    The five state attributes describe the latest accepted update; they are
    ``None`` for a task that was imported but never notified.
    """

    __slots__ = ("stream", "name", "_updates", "_artifacts", "_discovered", "_sources", "_attributes")

    def __init__(self, stream: str, name: str) -> None:
        self.stream = stream
        self.name = name
        self._updates: list[Update] = []
        # Wire-shaped records keyed by their identifying member, in association order.
        self._artifacts: dict[str, dict[str, Any]] = {}
        self._discovered: dict[str, dict[str, Any]] = {}
        self._sources: dict[str, dict[str, Any]] = {}
        self._attributes: list[dict[str, Any]] = []

    def __repr__(self) -> str:
        return (
            f"<MigrationTask {self.stream}/{self.name} status={self.status!r} "
            f"progress={self.progress_percent!r} updates={len(self._updates)}>"
        )

    # --- what a test reads ------------------------------------------------------

    @property
    def updates(self) -> list[Update]:
        """Every accepted NotifyMigrationTaskState, oldest first (a new list each time)."""
        return list(self._updates)

    @property
    def status(self) -> str | None:
        return self._updates[-1].status if self._updates else None

    @property
    def status_detail(self) -> str | None:
        return self._updates[-1].status_detail if self._updates else None

    @property
    def progress_percent(self) -> int | None:
        return self._updates[-1].progress_percent if self._updates else None

    @property
    def update_date_time(self) -> datetime | None:
        return self._updates[-1].update_date_time if self._updates else None

    @property
    def next_update_seconds(self) -> int | None:
        return self._updates[-1].next_update_seconds if self._updates else None

    @property
    def is_stale(self) -> bool:
        """No update within NextUpdateSeconds of the latest UpdateDateTime, as of now."""
        return bool(self._updates) and self._updates[-1]._overdue(now().timestamp())

    @property
    def created_artifacts(self) -> list[dict[str, Any]]:
        """``[{"Name": arn, "Description": ...}, ...]`` as AssociateCreatedArtifact sent them."""
        return self.associated(ARTIFACT)

    @property
    def discovered_resources(self) -> list[dict[str, Any]]:
        """``[{"ConfigurationId": ..., "Description": ...}, ...]``."""
        return self.associated(DISCOVERED)

    @property
    def source_resources(self) -> list[dict[str, Any]]:
        """``[{"Name": ..., "Description": ..., "StatusDetail": ...}, ...]``."""
        return self.associated(SOURCE)

    @property
    def resource_attributes(self) -> list[dict[str, Any]]:
        """``[{"Type": ..., "Value": ...}, ...]`` of the latest PutResourceAttributes."""
        return [dict(a) for a in self._attributes]

    # --- what the service does to it ----------------------------------------------

    def _records(self, kind: str) -> dict[str, dict[str, Any]]:
        if kind == ARTIFACT:
            return self._artifacts
        if kind == DISCOVERED:
            return self._discovered
        if kind == SOURCE:
            return self._sources
        raise ValueError(f"nothing of kind {kind!r} is associated with a task")

    def associated(self, kind: str) -> list[dict[str, Any]]:
        """Copies of the records of one kind, in association order."""
        return [dict(r) for r in self._records(kind).values()]

    def is_associated_with(self, configuration_id: str) -> bool:
        """Whether a discovered resource with this ConfigurationId is associated."""
        return configuration_id in self._discovered

    # --- on the wire -------------------------------------------------------------

    def summary_json(self) -> dict[str, Any]:
        """A ``MigrationTaskSummary``: the names, and the latest state flattened in."""
        summary: dict[str, Any] = {"ProgressUpdateStream": self.stream, "MigrationTaskName": self.name}
        if self._updates:
            latest = self._updates[-1]
            summary.update(latest.task_json())
            summary["UpdateDateTime"] = epoch(latest.update_date_time)
        return summary

    def description_json(self) -> dict[str, Any]:
        """A ``MigrationTask`` as DescribeMigrationTask answers it."""
        described: dict[str, Any] = {"ProgressUpdateStream": self.stream, "MigrationTaskName": self.name}
        # Optional members the task does not have are left out, as AWS does: a
        # task without resource attributes has no ResourceAttributeList, not [].
        if self._attributes:
            described["ResourceAttributeList"] = self.resource_attributes
        if self._updates:
            latest = self._updates[-1]
            described["Task"] = latest.task_json()
            described["UpdateDateTime"] = epoch(latest.update_date_time)
        return described


# What the service does to a task: functions, not methods, so that a test holding
# a task (mhub_fake.task()) reads it and cannot change it behind the service's back.


def record_update(task: MigrationTask, update: Update) -> None:
    task._updates.append(update)


def replace_resource_attributes(task: MigrationTask, attributes: list[dict[str, Any]]) -> None:
    """Replace the task's stored attributes (each PutResourceAttributes does)."""
    task._attributes = [dict(a) for a in attributes]


def add_association(task: MigrationTask, kind: str, key: str, record: dict[str, Any]) -> None:
    task._records(kind)[key] = dict(record)


def drop_association(task: MigrationTask, kind: str, key: str) -> bool:
    """Drop an associated record; ``False`` if none had that key."""
    return task._records(kind).pop(key, None) is not None


class Stream:
    """A progress update stream and its migration tasks, in import order; read-only to its readers."""

    __slots__ = ("name", "_tasks", "_deleted_at")

    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: dict[str, MigrationTask] = {}
        self._deleted_at: datetime | None = None

    @property
    def tasks(self) -> Mapping[str, MigrationTask]:
        """Its tasks by name, in import order (a read-only view)."""
        return MappingProxyType(self._tasks)

    @property
    def deleted_at(self) -> datetime | None:
        """When an asynchronous DeleteProgressUpdateStream finishes; None: not being deleted."""
        return self._deleted_at

    def add_task(self, name: str) -> MigrationTask:
        """The task ``name``, imported first if it is new."""
        task = self._tasks.get(name)
        if task is None:
            task = self._tasks[name] = MigrationTask(self.name, name)
        return task

    def delete_after(self, seconds: float) -> None:
        """Start its asynchronous deletion, which finishes ``seconds`` from now on the fake's clock."""
        self._deleted_at = now() + timedelta(seconds=seconds)

    def gone_at(self, moment: datetime) -> bool:
        """Whether its deletion has finished by ``moment``."""
        return self._deleted_at is not None and self._deleted_at <= moment


def stale_tasks(streams: Iterable[Stream], moment: datetime) -> list[tuple[str, str]]:
    """``(stream, task)`` of every task of ``streams`` whose promised next update is overdue at ``moment``."""
    seconds = moment.timestamp()
    return [
        (task.stream, task.name)
        for stream in streams
        for task in stream.tasks.values()
        if task._updates and task._updates[-1]._overdue(seconds)
    ]


_CONTROL_ID_CHARS = string.ascii_lowercase + string.digits


def new_control_id() -> str:
    return "hrc-" + "".join(secrets.choice(_CONTROL_ID_CHARS) for _ in range(12))


@dataclass
class Account:
    """Everything the fake keeps for one AWS account."""

    account_id: str
    home_control: dict[str, Any] | None = None
    streams: dict[str, Stream] = field(default_factory=dict)
    #: the servers Application Discovery Service knows, by ConfigurationId, in discovery order
    discovered: dict[str, DiscoveredServer] = field(default_factory=dict)
    #: the applications Application Discovery Service knows, by ConfigurationId, in creation order
    applications: dict[str, Application] = field(default_factory=dict)

    @property
    def home_region(self) -> str | None:
        return self.home_control["HomeRegion"] if self.home_control else None

    def set_home_region(self, region: str, target: dict[str, Any] | None = None) -> dict[str, Any]:
        """Set or move the home region, keeping the account's data; the new control."""
        control = {
            "ControlId": new_control_id(),
            "HomeRegion": region,
            "Target": dict(target or {"Type": "ACCOUNT", "Id": self.account_id}),
            "RequestedTime": now(),
        }
        self.home_control = control
        return control

    def unset_home_region(self) -> None:
        """Leave the account without a home region; its data stays."""
        self.home_control = None

    def stream(self, name: str) -> Stream | None:
        """The stream ``name`` (one being deleted included), unless its deletion has finished."""
        stream = self.streams.get(name)
        if stream is not None and stream.deleted_at is not None and stream.gone_at(now()):
            return None
        return stream

    def live_streams(self) -> list[Stream]:
        """The streams in creation order, without those whose deletion has finished.

        A lookup: finished deletions are left for :meth:`purge` to drop.
        """
        streams = self.streams.values()
        if not any(s.deleted_at is not None for s in streams):
            return list(streams)
        moment = now()
        return [s for s in streams if not s.gone_at(moment)]

    def purge(self) -> None:
        """Drop the streams whose deletion has finished."""
        moment = now()
        for name in [n for n, s in self.streams.items() if s.gone_at(moment)]:
            del self.streams[name]

    def add_stream(self, name: str) -> Stream:
        """The stream ``name``, created if it does not exist (or its deletion has finished)."""
        self.purge()
        stream = self.streams.get(name)
        if stream is None:
            stream = self.streams[name] = Stream(name)
        return stream

    def delete_stream(self, stream: Stream, seconds: float) -> None:
        """Start deleting ``stream``: it stays listed, refusing writes, for ``seconds``."""
        stream.delete_after(seconds)
        self.purge()


class Call:
    """One request the fake answered.

    The body is kept as it arrived and decoded when ``params`` is read; an
    accepted NotifyMigrationTaskState keeps only the update it made, which
    holds everything its body said. A test that sends a hundred thousand
    updates should not hold a hundred thousand dicts it never looks at.
    """

    __slots__ = ("_about", "_body", "error_code", "error_message", "injected")

    def __init__(
        self,
        about: tuple[str, str, str, str],
        body: bytes | Update,
        error_code: str | None = None,
        error_message: str | None = None,
        injected: bool = False,
    ) -> None:
        #: (operation, region, service, account), shared between calls alike
        self._about = about
        self._body = body
        #: the error code the fake answered with, ``None`` when it succeeded
        self.error_code = error_code
        self.error_message = error_message
        #: whether that error was a fault queued with ``fail()``, not a verdict on the request
        self.injected = injected

    @property
    def operation(self) -> str:
        """The API operation name, e.g. ``"NotifyMigrationTaskState"``."""
        return self._about[0]

    @property
    def region(self) -> str:
        """The region the client sent it to."""
        return self._about[1]

    @property
    def service(self) -> str:
        """``"mgh"`` or ``"migrationhub-config"``."""
        return self._about[2]

    @property
    def account(self) -> str:
        """The AWS account the request was made as."""
        return self._about[3]

    @property
    def params(self) -> dict[str, Any]:
        """The JSON body as a dict (a new one each time: changing it changes nothing)."""
        if isinstance(self._body, Update):
            return self._body.request_json()
        decoded = json.loads(self._body or b"{}")
        return decoded if isinstance(decoded, dict) else {}

    def __repr__(self) -> str:
        outcome = self.error_code or "ok"
        return f"<Call {self.operation} {self.region} {outcome}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Call):
            return NotImplemented
        return (self._about, self.params, self.error_code, self.error_message) == (
            other._about,
            other.params,
            other.error_code,
            other.error_message,
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Fault:
    """An error queued with ``fail()``, and how often it fired."""

    operation: str
    error_code: str
    #: calls left to fail; ``None``: until cleared
    times: int | None
    message: str | None
    retry_after_seconds: int | None = None
    fired: int = 0

    def fire(self) -> bool:
        """Count one firing; ``True`` once it is spent (nothing left to fire or report)."""
        self.fired += 1
        if self.times is None:
            return False
        self.times -= 1
        return self.times == 0

    @property
    def unfired(self) -> bool:
        """Whether teardown reports it: calls left to fail, or a standing fault that never fired."""
        return bool(self.times) or not self.fired

    def describe(self) -> str:
        if self.times is None:
            left = "until cleared, never fired"
        else:
            total = self.times + self.fired
            left = f"{self.times} of {total} not fired"
        return f"{self.operation} -> {self.error_code} ({left})"
