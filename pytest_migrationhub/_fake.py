"""The fake a test holds: lifecycle, accounts, faults, denials and the teardown checks,
with each wing's seeding and inspection methods.

Nothing here knows about pytest. :class:`MigrationHubFake` is started and
stopped as a context manager (or with ``start()``/``stop()``); while started,
the interception of botocore (``_interception``) routes every request for a
served service to ``handle``, the entry of the core's pipeline. Both sides
share the fake's state, the core's ``Store``; the wings' methods
(``MigrationHubMethods``, ``DiscoveryMethods``) read and seed it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from types import TracebackType

from ._core import (
    DEFAULT_DISCOVERY_TASK_SECONDS,
    DEFAULT_HOME_REGION,
    DEFAULT_STREAM_DELETION_SECONDS,
    Account,
    Call,
    Downloads,
    Fault,
    MigrationHubAssertionError,
    MigrationHubFakeError,
    Operation,
    Pipeline,
    ScenarioMethods,
    Store,
    catalog,
    check_home_region,
    check_seconds,
    malformed_message,
    served,
    unfired_message,
    unserved,
)
from ._discovery import TASK_SECONDS, DiscoveryMethods
from ._interception import activate, deactivate
from ._migrationhub import STREAM_DELETION, MigrationHubMethods, Streams


class AccountView:
    """One account's home region and streams: what the fake's properties say of the default account.

    It names the account, not a snapshot: after ``reset()`` it reads and moves
    the account as it now is.
    """

    __slots__ = ("_store", "account_id")

    def __init__(self, store: Store, account_id: str) -> None:
        self._store = store
        self.account_id = account_id

    @property
    def _account(self) -> Account:
        return self._store.account(self.account_id)

    @property
    def home_region(self) -> str | None:
        """The account's home region; ``None`` when not set. Assign to move or unset it."""
        with self._store.lock:
            return self._account.home_region

    @home_region.setter
    def home_region(self, region: str | None) -> None:
        __tracebackhide__ = True
        check_home_region(region)
        with self._store.lock:
            if region is None:
                self._account.unset_home_region()
            else:
                self._account.set_home_region(region)

    @property
    def streams(self) -> list[str]:
        """The account's progress update streams, in creation order (those being deleted included)."""
        with self._store.lock:
            return [s.name for s in self._account.part(Streams).live()]

    def __repr__(self) -> str:
        return f"<AccountView {self.account_id} home_region={self.home_region!r}>"


class MigrationHubFake(MigrationHubMethods, DiscoveryMethods, ScenarioMethods):
    """An in-memory AWS Migration Hub that answers botocore clients while started.

    Use it through the ``mhub_fake`` pytest fixture, or outside pytest with
    ``pytest_migrationhub.mock_migrationhub()``.

    State is kept per AWS account. Methods that read or seed it take an
    optional ``account``; without one they act on the default account,
    ``123456789012``, which is also the account of any request whose
    credentials name no other (see :meth:`add_account`). The properties
    ``home_region`` and ``streams`` are the default account's;
    :meth:`account` gives them for any account.
    """

    def __init__(
        self,
        *,
        home_region: str | None = DEFAULT_HOME_REGION,
        assert_all_requests_valid: bool = True,
        assert_all_faults_fired: bool = True,
        stream_deletion_seconds: float = DEFAULT_STREAM_DELETION_SECONDS,
        discovery_task_seconds: float = DEFAULT_DISCOVERY_TASK_SECONDS,
        scenario: str | os.PathLike[str] | None = None,
    ) -> None:
        __tracebackhide__ = True
        check_home_region(home_region)
        for name, flag in (
            ("assert_all_requests_valid", assert_all_requests_valid),
            ("assert_all_faults_fired", assert_all_faults_fired),
        ):
            if not isinstance(flag, bool):
                raise MigrationHubFakeError(f"{name} must be True or False; got {flag!r}.")
        check_seconds(stream_deletion_seconds, STREAM_DELETION)
        check_seconds(discovery_task_seconds, TASK_SECONDS)
        self.assert_all_requests_valid = assert_all_requests_valid
        self.assert_all_faults_fired = assert_all_faults_fired
        self._store = Store(home_region)
        self._downloads = Downloads()
        seconds = {STREAM_DELETION: stream_deletion_seconds, TASK_SECONDS: discovery_task_seconds}
        self._pipeline = Pipeline(self._store, seconds, self._downloads)
        #: answer one AWS JSON 1.1 request: ``handle(target, body, headers) -> (status, headers, body)``
        self.handle = self._pipeline.handle
        if scenario is not None:
            self.load(scenario)

    @property
    def stream_deletion_seconds(self) -> float:
        """How long, on the fake's clock, a deleted stream stays listed, refusing writes."""
        return self._pipeline.services.seconds[STREAM_DELETION]

    @stream_deletion_seconds.setter
    def stream_deletion_seconds(self, seconds: float) -> None:
        __tracebackhide__ = True
        check_seconds(seconds, STREAM_DELETION)
        self._pipeline.services.seconds[STREAM_DELETION] = seconds

    @property
    def discovery_task_seconds(self) -> float:
        """How long, on the fake's clock, an Application Discovery Service import, export, batch
        deletion or continuous export start or stop stays in progress."""
        return self._pipeline.services.seconds[TASK_SECONDS]

    @discovery_task_seconds.setter
    def discovery_task_seconds(self, seconds: float) -> None:
        __tracebackhide__ = True
        check_seconds(seconds, TASK_SECONDS)
        self._pipeline.services.seconds[TASK_SECONDS] = seconds

    @property
    def downloads(self) -> Downloads:
        """The files the fake hands out by URL: export zips and import error reports.

        ``downloads.get(path)`` gives a file's content by its URL's path. A
        :class:`MigrationHubServer` serves them itself; otherwise the fake starts a
        loopback endpoint of its own for the first one, and stops it with the fake.
        """
        return self._downloads

    def reset(self, *, account: str | None = None) -> None:
        """Forget everything: accounts, streams, tasks, calls, faults, denials, delays.

        The home region goes back to the one the fake was created with. With
        ``account``, forget that account's state only (its streams, tasks, ADS
        records and home region); the rest, calls and faults included, stays.
        """
        with self._store.lock:
            if account is not None:
                self._store.account(account)  # a malformed ID is refused, as everywhere
                self._store.clear_account(account)
                return
            self._store.clear()
            self._pipeline.clear()
            self._downloads.clear()

    def __repr__(self) -> str:
        streams = self._store.default.part(Streams)
        tasks = sum(len(s.tasks) for s in streams)
        return (
            f"<MigrationHubFake home_region={self.home_region!r} streams={len(streams)} "
            f"tasks={tasks} calls={len(self._store.calls)}>"
        )

    # --- lifecycle --------------------------------------------------------

    def start(self) -> MigrationHubFake:
        """Route Migration Hub requests of every botocore client to this fake."""
        activate(self, self._store.record_delay)
        return self

    def stop(self) -> None:
        """Stop answering; clients behave as without the fake again."""
        deactivate(self)
        self._downloads.close()

    def __enter__(self) -> MigrationHubFake:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
        if exc_type is None:
            self.verify()

    # --- the teardown checks ------------------------------------------------

    def verify(self, raised: BaseException | None = None, *, opt_out: Mapping[str, str] | None = None) -> None:
        """Fail if the code under test left something unexplained.

        Raises :class:`MigrationHubAssertionError` listing the faults that
        never fired and the malformed requests that were sent, unless the
        corresponding ``assert_all_*`` option is off. ``raised`` is the
        exception that ended the code under test, if any: a malformed request
        whose error it is did not go unnoticed. ``opt_out`` words, per option,
        how to turn a check off (the plugin names its marker).
        """
        __tracebackhide__ = True
        unfired, malformed = self._unexplained(raised)
        if unfired or malformed:
            raise MigrationHubAssertionError(
                "\n\n".join(_messages(unfired, malformed, opt_out, self._store.malformed_codes)),
                unfired_faults=unfired,
                malformed_requests=malformed,
            )

    def unexplained(
        self, raised: BaseException | None = None, *, opt_out: Mapping[str, str] | None = None
    ) -> list[str]:
        """The teardown messages :meth:`verify` would raise, one per kind of problem."""
        return _messages(*self._unexplained(raised), opt_out, self._store.malformed_codes)

    def _unexplained(self, raised: BaseException | None) -> tuple[list[str], list[str]]:
        """The unfired faults and the malformed requests the enabled checks report."""
        unfired, malformed = _leftovers(self._store, raised)
        return (unfired if self.assert_all_faults_fired else [], malformed if self.assert_all_requests_valid else [])

    # --- accounts and seeding ------------------------------------------------------

    def add_account(self, account_id: str, *, access_key_id: str | None = None) -> None:
        """Make requests signed with ``access_key_id`` act as account ``account_id``.

        Without this, a request is made as the default account, unless its
        access key id is itself 12 digits, which is then taken as the account.
        """
        with self._store.lock:
            self._store.account(account_id)
            if access_key_id is not None:
                self._store.key_accounts[access_key_id] = account_id

    @property
    def accounts(self) -> list[str]:
        """The IDs of the accounts the fake has state for."""
        with self._store.lock:
            return list(self._store.accounts)

    def account(self, account_id: str | None = None) -> AccountView:
        """An account's ``home_region`` (read and assign) and ``streams``; the default account without one."""
        with self._store.lock:
            return AccountView(self._store, self._store.account(account_id).account_id)

    @property
    def home_region(self) -> str | None:
        """The default account's home region; ``None`` when not set. Assign to move or unset it."""
        return self.account().home_region

    @home_region.setter
    def home_region(self, region: str | None) -> None:
        __tracebackhide__ = True
        self.account().home_region = region

    # --- inspection -----------------------------------------------------------

    @property
    def streams(self) -> list[str]:
        """The default account's progress update streams, in creation order (those being deleted included)."""
        return self.account().streams

    @property
    def calls(self) -> list[Call]:
        """Every request the fake answered, in order."""
        with self._store.lock:
            return list(self._store.calls)

    @property
    def retry_delays(self) -> list[float]:
        """The backoff botocore chose between attempts, in seconds; none of it was slept."""
        with self._store.lock:
            return list(self._store.retry_delays)

    # --- faults and denials -----------------------------------------------------------

    def fail(
        self,
        operation: str,
        error_code: str,
        *,
        times: int | None = 1,
        message: str | None = None,
        retry_after_seconds: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``operation`` with ``error_code``.

        ``times=None`` fails every call until :meth:`clear_faults`. Faults on
        one operation fire in the order they were queued.
        """
        fault = _fault(operation, error_code, times, message, retry_after_seconds)
        with self._store.lock:
            self._store.faults.append(fault)

    def clear_faults(self) -> None:
        """Drop every queued fault, fired or not."""
        with self._store.lock:
            self._store.faults.clear()

    @property
    def faults(self) -> list[Fault]:
        """The queued faults not yet spent, in the order they fire (copies)."""
        with self._store.lock:
            return [replace(f) for f in self._store.faults]

    @property
    def denied(self) -> list[str]:
        """The operations :meth:`deny` refuses, sorted."""
        with self._store.lock:
            return sorted(self._store.denied)

    def deny(self, operation: str) -> None:
        """Refuse ``operation`` as IAM would: AccessDeniedException (Application
        Discovery Service: AuthorizationErrorException), or UnauthorizedOperation
        for a DryRun."""
        op = _operation("deny", operation)
        with self._store.lock:
            self._store.denied.add(op.name)

    def allow(self, operation: str) -> None:
        """Undo :meth:`deny`."""
        op = _operation("allow", operation)
        with self._store.lock:
            self._store.denied.discard(op.name)


def _fault(operation: str, error_code: str, times: int | None, message: str | None, retry_after: int | None) -> Fault:
    """The fault ``fail()`` queues, once its arguments are checked."""
    op = _operation("fail", operation)
    if error_code not in op.errors:
        raise MigrationHubFakeError(
            f"fail: {error_code!r} is not an error {op.name} can answer with. "
            f"Use one of: {', '.join(sorted(op.errors))}."
        )
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise MigrationHubFakeError(
            f"fail: times must be a positive number of calls, or None for every call until "
            f"clear_faults(); got {times!r}."
        )
    if retry_after is not None and error_code != "ThrottlingException":
        raise MigrationHubFakeError("fail: retry_after_seconds goes with 'ThrottlingException' only.")
    return Fault(op.name, error_code, times, message, retry_after)


def _operation(method: str, operation: str) -> Operation:
    found = catalog().lookup(operation)
    if found is None:
        raise MigrationHubFakeError(
            f"{method}: no Migration Hub operation is called {operation!r}. {catalog().unknown(operation)}"
        )
    if found.name not in served():
        # A fault or a denial on it could never take effect.
        raise MigrationHubFakeError(f"{method}: {unserved(found)}")
    return found


def _leftovers(store: Store, raised: BaseException | None) -> tuple[list[str], list[str]]:
    """The faults that never fired and the malformed requests whose error did not end the test."""
    with store.lock:
        unfired = [f.describe() for f in store.faults if f.unfired]
        malformed = list(store.malformed)
    if malformed and _error_message(raised) == malformed[-1]:
        # The last malformed request's error ended the test: that failure says it all.
        malformed.pop()
    return unfired, malformed


def _messages(
    unfired: list[str], malformed: list[str], opt_out: Mapping[str, str] | None, codes: Mapping[str, str]
) -> list[str]:
    problems = []
    if unfired:
        problems.append(unfired_message(unfired, opt_out))
    if malformed:
        problems.append(malformed_message(malformed, opt_out, [codes.get(m, "") for m in malformed]))
    return problems


def _error_message(raised: BaseException | None) -> str | None:
    """The AWS error message of a botocore ``ClientError``, else ``None``."""
    response = getattr(raised, "response", None)
    if isinstance(response, dict):
        message = response.get("Error", {}).get("Message")
        return message if isinstance(message, str) else None
    return None


__all__ = ["AccountView", "MigrationHubFake"]
