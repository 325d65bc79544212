"""The records the fake keeps: streams, migration tasks, their updates, calls."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple


def now() -> datetime:
    """The fake's clock: read when asked, so freezegun and time-machine move it."""
    return datetime.now(timezone.utc)


def from_epoch(value: float) -> datetime:
    return datetime.fromtimestamp(value, timezone.utc)


@dataclass(frozen=True)
class Update:
    """One accepted NotifyMigrationTaskState."""

    # Slots: a fake may hold hundreds of thousands of these.
    __slots__ = ("status", "status_detail", "progress_percent", "update_date_time", "next_update_seconds")

    status: str
    status_detail: Optional[str]
    progress_percent: Optional[int]
    #: when the tool gathered the state (the request's UpdateDateTime), aware UTC
    update_date_time: datetime
    next_update_seconds: int

    def overdue_at(self, moment: datetime) -> bool:
        """Whether ``moment`` is past UpdateDateTime + NextUpdateSeconds.

        Computed in whole microseconds: ``NextUpdateSeconds`` may be
        ``sys.maxsize``, far beyond what ``timedelta`` can hold.
        """
        delta = moment - self.update_date_time
        elapsed_us = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return elapsed_us > self.next_update_seconds * 1_000_000

    def task_json(self) -> Dict[str, Any]:
        """The ``Task`` structure as it travels on the wire."""
        out: Dict[str, Any] = {"Status": self.status}
        if self.status_detail is not None:
            out["StatusDetail"] = self.status_detail
        if self.progress_percent is not None:
            out["ProgressPercent"] = self.progress_percent
        return out


class MigrationTask:
    """A migration task, the history of its reported state and what is associated with it.

    The five state attributes describe the latest accepted update; they are
    ``None`` for a task that was imported but never notified.
    """

    __slots__ = (
        "stream",
        "name",
        "_updates",
        "_artifacts",
        "_discovered",
        "_sources",
        "_attributes",
    )

    def __init__(self, stream: str, name: str) -> None:
        self.stream = stream
        self.name = name
        self._updates: List[Update] = []
        # Wire-shaped records keyed by their identifying member, in association order.
        self._artifacts: Dict[str, Dict[str, Any]] = {}
        self._discovered: Dict[str, Dict[str, Any]] = {}
        self._sources: Dict[str, Dict[str, Any]] = {}
        self._attributes: List[Dict[str, Any]] = []

    def __repr__(self) -> str:
        return (
            f"<MigrationTask {self.stream}/{self.name} status={self.status!r} "
            f"progress={self.progress_percent!r} updates={len(self._updates)}>"
        )

    @property
    def updates(self) -> Tuple[Update, ...]:
        """Every accepted NotifyMigrationTaskState, oldest first."""
        return tuple(self._updates)

    @property
    def latest(self) -> Optional[Update]:
        return self._updates[-1] if self._updates else None

    @property
    def status(self) -> Optional[str]:
        return self._updates[-1].status if self._updates else None

    @property
    def status_detail(self) -> Optional[str]:
        return self._updates[-1].status_detail if self._updates else None

    @property
    def progress_percent(self) -> Optional[int]:
        return self._updates[-1].progress_percent if self._updates else None

    @property
    def update_date_time(self) -> Optional[datetime]:
        return self._updates[-1].update_date_time if self._updates else None

    @property
    def next_update_seconds(self) -> Optional[int]:
        return self._updates[-1].next_update_seconds if self._updates else None

    @property
    def is_stale(self) -> bool:
        """No update within NextUpdateSeconds of the latest UpdateDateTime, as of now."""
        return bool(self._updates) and self._updates[-1].overdue_at(now())

    @property
    def created_artifacts(self) -> List[Dict[str, Any]]:
        """``[{"Name": arn, "Description": ...}, ...]`` as AssociateCreatedArtifact sent them."""
        return [dict(a) for a in self._artifacts.values()]

    @property
    def discovered_resources(self) -> List[Dict[str, Any]]:
        """``[{"ConfigurationId": ..., "Description": ...}, ...]``."""
        return [dict(d) for d in self._discovered.values()]

    @property
    def source_resources(self) -> List[Dict[str, Any]]:
        """``[{"Name": ..., "Description": ..., "StatusDetail": ...}, ...]``."""
        return [dict(r) for r in self._sources.values()]

    @property
    def resource_attributes(self) -> List[Dict[str, Any]]:
        """``[{"Type": ..., "Value": ...}, ...]`` of the latest PutResourceAttributes."""
        return [dict(a) for a in self._attributes]


@dataclass
class Stream:
    name: str
    tasks: Dict[str, MigrationTask] = field(default_factory=dict)
    #: when an asynchronous DeleteProgressUpdateStream finishes; None: not being deleted
    deleted_at: Optional[datetime] = None


@dataclass
class Application:
    """An application known to Application Discovery Service, and its reported state."""

    application_id: str
    status: Optional[str] = None
    last_updated_time: Optional[datetime] = None


@dataclass
class Account:
    """Everything the fake keeps for one AWS account."""

    account_id: str
    home_control: Optional[Dict[str, Any]] = None
    streams: Dict[str, Stream] = field(default_factory=dict)
    #: ConfigurationIds Application Discovery Service knows (seeded by tests)
    discovered: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    applications: Dict[str, Application] = field(default_factory=dict)


class Call:
    """One request the fake answered.

    The body is kept as it arrived and decoded when ``params`` is read: a test
    that sends a hundred thousand updates should not hold a hundred thousand
    dicts it never looks at.
    """

    __slots__ = ("operation", "_body", "region", "error_code", "error_message", "service", "account")

    def __init__(
        self,
        operation: str,
        body: bytes,
        region: str,
        error_code: Optional[str] = None,
        error_message: Optional[str] = None,
        service: str = "mgh",
        account: str = "123456789012",
    ) -> None:
        #: API operation name, e.g. ``"NotifyMigrationTaskState"``
        self.operation = operation
        self._body = body
        #: the region the client sent it to
        self.region = region
        #: the error code the fake answered with, ``None`` when it succeeded
        self.error_code = error_code
        self.error_message = error_message
        #: ``"mgh"`` or ``"migrationhub-config"``
        self.service = service
        #: the AWS account the request was made as
        self.account = account

    @property
    def params(self) -> Dict[str, Any]:
        """The JSON body as a dict (a new one each time: changing it changes nothing)."""
        decoded = json.loads(self._body or b"{}")
        return decoded if isinstance(decoded, dict) else {}

    def __repr__(self) -> str:
        outcome = self.error_code or "ok"
        return f"<Call {self.operation} {self.region} {outcome}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Call):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Fault:
    operation: str
    error_code: str
    #: calls left to fail; ``None``: until cleared
    times: Optional[int]
    message: Optional[str]
    retry_after_seconds: Optional[int] = None
    fired: int = 0

    def describe(self) -> str:
        if self.times is None:
            left = "until cleared, never fired"
        else:
            total = self.times + self.fired
            left = f"{self.times} of {total} not fired"
        return f"{self.operation} -> {self.error_code} ({left})"
