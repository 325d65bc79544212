"""What Migration Hub keeps for an account: progress update streams, migration tasks, their updates.

Each record changes only through its own methods and the functions below; the
handlers and the fake call them and never reach inside. A test holding a
record reads it and cannot change it behind the service's back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from functools import cache
from types import MappingProxyType
from typing import Any, ClassVar

from .._core import Services, Where, catalog, compile_check, epoch, from_epoch, now


class Update:
    """One accepted NotifyMigrationTaskState.

    It keeps UpdateDateTime as the number that arrived and makes the datetime
    when asked: a fake may hold hundreds of thousands of updates.
    """

    __slots__ = ("status", "status_detail", "progress_percent", "_epoch", "next_update_seconds", "_stream", "_task")

    #: the members of a NotifyMigrationTaskState body an update gives back (its call record keeps the update)
    REQUEST_MEMBERS: ClassVar[int] = 5

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


class Streams:
    """An account's progress update streams, by name in creation order: what Migration Hub keeps for it.

    A stream whose asynchronous deletion has finished is gone from every lookup;
    :meth:`purge` drops it for good.
    """

    __slots__ = ("_by_name",)

    #: its key in a scenario's account
    SCENARIO_KEY: ClassVar[str] = "migrationhub"

    def __init__(self) -> None:
        self._by_name: dict[str, Stream] = {}

    def dump(self) -> dict[str, Any]:
        """Its streams as a scenario holds them; ``{}`` without any."""
        streams = [_dump_stream(stream) for stream in self._by_name.values()]
        return {"streams": streams} if streams else {}

    @classmethod
    def load(cls, data: Any, where: Where, services: Services) -> Streams:
        """Streams holding what a scenario's ``migrationhub`` says, every value checked as the service would."""
        loaded = cls()
        where.only(data if isinstance(data, dict) else {}, ("streams",))
        for index, held in enumerate(where.get(data, "streams", list)):
            stream = _load_stream(held, where / "streams" / index)
            if stream.name in loaded._by_name:
                raise (where / "streams" / index / "name").fail(f"the stream {stream.name!r} is listed twice")
            loaded._by_name[stream.name] = stream
        return loaded

    def __iter__(self) -> Iterator[Stream]:
        """Every stream held, those whose deletion has finished but are not purged yet included."""
        return iter(list(self._by_name.values()))

    def __len__(self) -> int:
        return len(self._by_name)

    def get(self, name: str) -> Stream | None:
        """The stream ``name`` (one being deleted included), unless its deletion has finished."""
        stream = self._by_name.get(name)
        if stream is not None and stream.deleted_at is not None and stream.gone_at(now()):
            return None
        return stream

    def live(self) -> list[Stream]:
        """The streams in creation order, without those whose deletion has finished.

        A lookup: finished deletions are left for :meth:`purge` to drop.
        """
        streams = self._by_name.values()
        if not any(s.deleted_at is not None for s in streams):
            return list(streams)
        moment = now()
        return [s for s in streams if not s.gone_at(moment)]

    def purge(self) -> None:
        """Drop the streams whose deletion has finished."""
        moment = now()
        for name in [n for n, s in self._by_name.items() if s.gone_at(moment)]:
            del self._by_name[name]

    def add(self, name: str) -> Stream:
        """The stream ``name``, created if it does not exist (or its deletion has finished)."""
        self.purge()
        stream = self._by_name.get(name)
        if stream is None:
            stream = self._by_name[name] = Stream(name)
        return stream

    def delete(self, stream: Stream, seconds: float) -> None:
        """Start deleting ``stream``: it stays listed, refusing writes, for ``seconds``."""
        stream.delete_after(seconds)
        self.purge()


# --- in a scenario -------------------------------------------------------------------------

#: a task's associations in a scenario: the key, the record's wire name, the operation that checks one
_ASSOCIATED = (
    ("created_artifacts", ARTIFACT, "AssociateCreatedArtifact", "Name"),
    ("discovered_resources", DISCOVERED, "AssociateDiscoveredResource", "ConfigurationId"),
    ("source_resources", SOURCE, "AssociateSourceResource", "Name"),
)


def _dump_stream(stream: Stream) -> dict[str, Any]:
    out: dict[str, Any] = {"name": stream.name}
    if stream.deleted_at is not None:
        out["deleted_at"] = epoch(stream.deleted_at)
    out["tasks"] = [_dump_task(task) for task in stream.tasks.values()]
    return out


def _dump_task(task: MigrationTask) -> dict[str, Any]:
    out: dict[str, Any] = {"name": task.name}
    if task._updates:
        out["updates"] = [
            {**u.task_json(), "UpdateDateTime": u._epoch, "NextUpdateSeconds": u.next_update_seconds}
            for u in task._updates
        ]
    for key, kind, _, _ in _ASSOCIATED:
        records = task.associated(kind)
        if records:
            out[key] = records
    if task._attributes:
        out["resource_attributes"] = task.resource_attributes
    return out


def _checked(where: Where, operation: str, body: dict[str, Any], member: str) -> None:
    """Refuse what ``operation`` would refuse in ``body``, naming the scenario's field."""
    op = catalog().by_name.get(operation)
    if op is None:
        raise where.fail(f"this botocore models no {operation}, so the fake keeps no {member}")
    if not op.check(body):
        raise where.fail(op.explain(body).split(": ", 1)[1] + f" (as {operation} would refuse it)")


def _load_stream(held: Any, where: Where) -> Stream:
    name = where.get(held, "name", str)
    where.only(held, ("name", "deleted_at", "tasks"))
    _checked(where / "name", "CreateProgressUpdateStream", {"ProgressUpdateStreamName": name}, "stream")
    stream = Stream(name)
    deleted = where.get(held, "deleted_at", (int, float), optional=True)
    stream._deleted_at = None if deleted is None else from_epoch(deleted)
    for index, task_data in enumerate(where.get(held, "tasks", list)):
        at = where / "tasks" / index
        task = _load_task(name, task_data, at)
        if task.name in stream._tasks:
            raise (at / "name").fail(f"the task {task.name!r} is listed twice in the stream")
        stream._tasks[task.name] = task
    return stream


def _load_task(stream: str, held: Any, where: Where) -> MigrationTask:
    name = where.get(held, "name", str)
    where.only(held, ("name", "updates", "resource_attributes", *[key for key, _, _, _ in _ASSOCIATED]))
    ids = {"ProgressUpdateStream": stream, "MigrationTaskName": name}
    _checked(where / "name", "ImportMigrationTask", ids, "task")
    task = MigrationTask(stream, name)
    for index, update in enumerate(where.get(held, "updates", list, optional=True) or []):
        task._updates.append(_load_update(update, ids, where / "updates" / index))
    for key, kind, operation, member in _ASSOCIATED:
        for index, record in enumerate(where.get(held, key, list, optional=True) or []):
            _checked(where / key / index, operation, {**ids, kind: record}, key)
            task._records(kind)[record[member]] = dict(record)
    attributes = where.get(held, "resource_attributes", list, optional=True)
    if attributes:
        _checked(
            where / "resource_attributes",
            "PutResourceAttributes",
            {**ids, "ResourceAttributeList": attributes},
            "resource attributes",
        )
        task._attributes = [dict(a) for a in attributes]
    return task


_TASK_MEMBERS = ("Status", "StatusDetail", "ProgressPercent")
_UPDATE_MEMBERS = frozenset({*_TASK_MEMBERS, "UpdateDateTime", "NextUpdateSeconds"})


@cache
def _update_checks() -> tuple[Callable[[Any], bool], Callable[[Any], bool], Callable[[Any], bool]]:
    """The compiled checks of NotifyMigrationTaskState's Task, UpdateDateTime and NextUpdateSeconds:
    an update of a scenario is checked as its request was, without its names again each time."""
    members = catalog().by_name["NotifyMigrationTaskState"].schema["properties"]
    return (
        compile_check(members["Task"]),
        compile_check(members["UpdateDateTime"]),
        compile_check(members["NextUpdateSeconds"]),
    )


def _load_update(update: Any, ids: dict[str, str], where: Where) -> Update:
    if not isinstance(update, dict) or update.keys() - _UPDATE_MEMBERS:
        raise where.fail(
            "an update is an object of Status, StatusDetail, ProgressPercent, UpdateDateTime and NextUpdateSeconds"
        )
    state = {k: v for k, v in update.items() if k in _TASK_MEMBERS}
    task_ok, time_ok, seconds_ok = _update_checks()
    when, seconds = update.get("UpdateDateTime"), update.get("NextUpdateSeconds")
    if not (task_ok(state) and time_ok(when) and seconds_ok(seconds)):
        body = {**ids, "Task": state, **{k: update[k] for k in ("UpdateDateTime", "NextUpdateSeconds") if k in update}}
        _checked(where, "NotifyMigrationTaskState", body, "update")
    return Update(
        state["Status"],
        state.get("StatusDetail"),
        state.get("ProgressPercent"),
        update["UpdateDateTime"],
        update["NextUpdateSeconds"],
        ids["ProgressUpdateStream"],
        ids["MigrationTaskName"],
    )
