"""The records of the core: accounts, the calls the fake answered, the faults a test queued.

An account holds its home region and, for each service family, the part that
family keeps for it (:meth:`Account.part`): the core knows no family's records.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

from .clock import now

T = TypeVar("T")


class Kept(Protocol):
    """A handler's answer that holds everything its request said (its response body is ``{}``).

    The call record keeps it instead of the request's body: a test may send
    hundreds of thousands of such requests and never read one.
    """

    #: how many members a request body has when the answer holds all of it
    REQUEST_MEMBERS: ClassVar[int]

    def request_json(self) -> dict[str, Any]:
        """The request body it was made from."""
        ...


_CONTROL_ID_CHARS = string.ascii_lowercase + string.digits


def new_control_id() -> str:
    return "hrc-" + "".join(secrets.choice(_CONTROL_ID_CHARS) for _ in range(12))


class Account:
    """Everything the fake keeps for one AWS account: its home region and each family's part."""

    __slots__ = ("account_id", "home_control", "_parts")

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id
        self.home_control: dict[str, Any] | None = None
        self._parts: dict[type, Any] = {}

    def part(self, kind: type[T]) -> T:
        """What one service family keeps for this account: a ``kind()``, made on first use."""
        found = self._parts.get(kind)
        if found is None:
            found = self._parts[kind] = kind()
        return found

    def parts(self) -> list[Any]:
        """Every part it holds, in the order they were made."""
        return list(self._parts.values())

    def adopt_part(self, part: Any) -> None:
        """Hold ``part`` as the part of its kind (a scenario's, loaded)."""
        self._parts[type(part)] = part

    def adopt(self, other: Account) -> None:
        """Hold what ``other`` holds: its home region control and its parts (a scenario's, loaded)."""
        self.home_control = other.home_control
        self._parts = dict(other._parts)

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


class Call:
    """One request the fake answered.

    The body is kept as it arrived and decoded when ``params`` is read; a
    request whose answer holds everything its body said (an accepted
    NotifyMigrationTaskState's update, a :class:`Kept`) keeps only that answer.
    A test that sends a hundred thousand updates should not hold a hundred
    thousand dicts it never looks at.
    """

    __slots__ = ("_about", "_body", "error_code", "error_message", "injected")

    def __init__(
        self,
        about: tuple[str, str, str, str],
        body: bytes | Kept,
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
        """botocore's name of the service: ``"mgh"``, ``"migrationhub-config"`` or ``"discovery"``."""
        return self._about[2]

    @property
    def account(self) -> str:
        """The AWS account the request was made as."""
        return self._about[3]

    @property
    def params(self) -> dict[str, Any]:
        """The JSON body as a dict (a new one each time: changing it changes nothing)."""
        if not isinstance(self._body, bytes):
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
