"""Scenarios: everything a fake holds as plain JSON-ready data, and back.

A scenario is ``{"format": "pytest-migrationhub scenario", "version": 1,
"accounts": {...}, "access_keys": {...}}``. Each account holds its home
region control and, under its wing's key, what each service family keeps for
it: the core asks each part to :meth:`Part.dump` itself and each wing's part
classes (found through the service table) to load theirs. What is not state is
not in it: call records, queued faults, denials, retry delays, pagination
tokens, the fake's options.

A load checks everything before it changes anything: a bad value stops it with
one :class:`ScenarioError` naming where the data came from and the field.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from .clock import from_epoch
from .errors import MigrationHubFakeError
from .handlers import Services
from .records import Account
from .services import parts
from .store import ACCOUNT_RE, Store

if TYPE_CHECKING:
    from .pipeline import Pipeline

FORMAT = "pytest-migrationhub scenario"
VERSION = 1


class ScenarioError(MigrationHubFakeError):
    """A scenario that cannot be loaded; the message names its source and the field.

    ``source`` is where it came from (a file, a route, ``restore()``), ``path``
    the field (``$.accounts["123456789012"]...``, ``None`` for the whole file),
    ``problem`` what is wrong with it.
    """

    __module__ = "pytest_migrationhub"

    def __init__(self, source: str, path: str | None, problem: str) -> None:
        where = f"{source}: {path}" if path else source
        super().__init__(f"{where}: {problem}; nothing was loaded.")
        self.source, self.path, self.problem = source, path, problem

    def coming_from(self, source: str) -> ScenarioError:
        """The same error, naming another source."""
        return ScenarioError(source, self.path, self.problem)


class Where:
    """Where in a scenario a value stands (``$.accounts["123456789012"].migrationhub.streams[0]``), and
    where the scenario came from, for the one error a bad value gets."""

    __slots__ = ("source", "path")

    def __init__(self, source: str, path: str = "$") -> None:
        self.source = source
        self.path = path

    def __truediv__(self, key: str | int) -> Where:
        step = f"[{key}]" if isinstance(key, int) else f".{key}" if key.isidentifier() else f"[{json.dumps(key)}]"
        return Where(self.source, self.path + step)

    def fail(self, problem: str) -> ScenarioError:
        """The error to raise: ``source: path: problem``."""
        return ScenarioError(self.source, self.path, problem)

    def get(self, data: Any, key: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
        """``data[key]``, checked to be of ``kind`` (``None`` when optional and absent)."""
        if not isinstance(data, dict):
            raise self.fail(f"must be an object; got {_name(data)}")
        if key not in data or (optional and data[key] is None):
            if optional:
                return None
            raise (self / key).fail("is missing")
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            wanted = " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)
            raise (self / key).fail(f"must be {wanted}; got {_name(value)}")
        return value

    def only(self, data: dict[str, Any], keys: Iterable[str]) -> None:
        """Refuse a member the format does not have (a typo would otherwise be lost silently)."""
        unknown = sorted(set(data) - set(keys))
        if unknown:
            raise (self / unknown[0]).fail(f"is not part of the format (it takes {', '.join(keys)})")


_KIND_NAMES = {dict: "an object", list: "a list", str: "a string", int: "a whole number", float: "a number"}


def _name(value: Any) -> str:
    """A value as a message shows it: JSON, cut short; a list or an object by its kind."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return json.dumps(value)[:60]


class Part(Protocol):
    """What a wing keeps for an account, as a scenario holds it."""

    #: its key in a scenario's account
    SCENARIO_KEY: ClassVar[str]

    def dump(self) -> dict[str, Any]:
        """Its records as JSON-ready data; ``{}`` when it holds nothing."""
        ...

    @classmethod
    def load(cls, data: Any, where: Where, services: Services) -> Part:
        """A part holding ``data``, or the :class:`ScenarioError` of its first bad value."""
        ...


def snapshot(store: Store, account: str | None = None) -> dict[str, Any]:
    """Everything ``store`` holds, or one account of it, as a scenario."""
    chosen = [store.account(account)] if account is not None else list(store.accounts.values())
    keys = {k: a for k, a in store.key_accounts.items() if account is None or a == account}
    return {
        "format": FORMAT,
        "version": VERSION,
        "accounts": {a.account_id: _dump_account(a) for a in chosen},
        "access_keys": keys,
    }


def _dump_account(account: Account) -> dict[str, Any]:
    out: dict[str, Any] = {"home_control": _control_json(account.home_control)}
    for part in account.parts():
        dumped = part.dump()
        if dumped:
            out[part.SCENARIO_KEY] = dumped
    return out


def _control_json(control: dict[str, Any] | None) -> dict[str, Any] | None:
    if control is None:
        return None
    return {**control, "RequestedTime": control["RequestedTime"].timestamp()}


def restore(
    store: Store,
    data: Any,
    parts: Iterable[type[Part]],
    services: Services,
    *,
    account: str | None = None,
    source: str = "restore()",
) -> None:
    """Replace what ``store`` holds with ``data``, all or nothing; ``account``: that account only."""
    where = Where(source)
    accounts, keys = _read(data, where, {p.SCENARIO_KEY: p for p in parts}, services)
    with store.lock:
        if account is None:
            store.replace_accounts(accounts, keys)
            return
        chosen = accounts.get(account)
        if chosen is None and len(accounts) == 1:
            # A scenario of one account loads into the account asked for.
            (only,) = accounts.values()
            chosen = Account(account)
            chosen.adopt(only)
        if chosen is None:
            raise (where / "accounts").fail(f"holds no account {account!r} (it holds {', '.join(accounts) or 'none'})")
        store.replace_account(chosen, {k: a for k, a in keys.items() if a == account})


def _read(
    data: Any, where: Where, parts: dict[str, type[Part]], services: Services
) -> tuple[dict[str, Account], dict[str, str]]:
    if not isinstance(data, dict):
        raise where.fail(f"a scenario is an object; got {_name(data)}")
    if data.get("format") != FORMAT:
        raise (where / "format").fail(f"must be {FORMAT!r}; got {_name(data.get('format'))}: is this a scenario?")
    if data.get("version") != VERSION:
        raise (where / "version").fail(
            f"is {_name(data.get('version'))}; this pytest-migrationhub reads version {VERSION}: "
            "load it with the release that saved it, or save it again"
        )
    where.only(data, ("format", "version", "accounts", "access_keys"))
    accounts: dict[str, Account] = {}
    listed = where.get(data, "accounts", dict)
    for account_id, held in listed.items():
        at = where / "accounts" / account_id
        if not ACCOUNT_RE.match(account_id):
            raise at.fail("an AWS account ID is 12 digits")
        accounts[account_id] = _load_account(account_id, held, at, parts, services)
    keys = where.get(data, "access_keys", dict, optional=True) or {}
    for key, account_id in keys.items():
        if account_id not in accounts:
            raise (where / "access_keys" / key).fail(f"names the account {_name(account_id)}, which the scenario lacks")
    return accounts, dict(keys)


def _load_account(
    account_id: str, held: Any, where: Where, parts: dict[str, type[Part]], services: Services
) -> Account:
    if not isinstance(held, dict):
        raise where.fail(f"an account is an object; got {_name(held)}")
    where.only(held, ("home_control", *parts))
    account = Account(account_id)
    control = where.get(held, "home_control", dict, optional=True)
    if control is not None:
        at = where / "home_control"
        at.only(control, ("ControlId", "HomeRegion", "Target", "RequestedTime"))
        account.home_control = {
            "ControlId": at.get(control, "ControlId", str),
            "HomeRegion": at.get(control, "HomeRegion", str),
            "Target": at.get(control, "Target", dict),
            "RequestedTime": from_epoch(at.get(control, "RequestedTime", (int, float))),
        }
    for key, kind in parts.items():
        if key in held:
            account.adopt_part(kind.load(held[key], where / key, services))
    return account


def dumps(data: dict[str, Any]) -> str:
    """A scenario as the text of a file."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def write(path: str | os.PathLike[str], data: dict[str, Any]) -> None:
    """Write a scenario to ``path`` atomically: the file is the old one or the new one, never half."""
    target = Path(path)
    text = dumps(data)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read(path: str | os.PathLike[str]) -> Any:
    """The data of the scenario file at ``path``, or a :class:`ScenarioError` naming the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(str(path), None, f"cannot be read ({error.strerror or error})") from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise ScenarioError(str(path), None, f"is not JSON ({error})") from None


class ScenarioMethods:
    """The fake's methods that save and load scenarios, for any service a wing serves."""

    #: the fake's state and pipeline, set by the fake that inherits these methods
    _store: Store
    _pipeline: Pipeline

    def snapshot(self, *, account: str | None = None) -> dict[str, Any]:
        """Everything the fake holds (or one account of it) as JSON-ready data: a scenario.

        Call records, queued faults, denials, retry delays and options are not
        state and are left out. ``restore()`` puts it back; ``save()`` writes it.
        """
        with self._store.lock:
            return snapshot(self._store, account)

    def restore(self, data: Any, *, account: str | None = None) -> None:
        """Hold what the scenario ``data`` holds instead of what the fake holds, all or nothing.

        With ``account``, only that account is replaced (by the scenario's
        account of that ID, or its only account). A bad value raises
        :class:`ScenarioError` naming the field, and the fake is unchanged.
        """
        __tracebackhide__ = True
        self._restore(data, account, "restore()")

    def save(self, path: str | os.PathLike[str], *, account: str | None = None) -> None:
        """Write :meth:`snapshot` to ``path`` as JSON, atomically (never a half-written file)."""
        write(path, self.snapshot(account=account))

    def load(self, path: str | os.PathLike[str], *, account: str | None = None) -> None:
        """:meth:`restore` the scenario in the file at ``path``; errors name the file."""
        __tracebackhide__ = True
        self._restore(read(path), account, str(path))

    def _restore(self, data: Any, account: str | None, source: str) -> None:
        __tracebackhide__ = True
        restore(self._store, data, parts(), self._pipeline.services, account=account, source=source)
