"""The in-memory Migration Hub: state, the request pipeline, faults and inspection.

Nothing here knows about pytest. :class:`MigrationHubFake` is started and
stopped as a context manager (or with ``start()``/``stop()``); while started,
the botocore hook in ``_hook`` routes every Migration Hub request to
:meth:`MigrationHubFake.handle`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import sys
import threading
from datetime import timedelta
from functools import lru_cache
from types import TracebackType
from typing import Any, Dict, List, Mapping, Optional, Tuple, Type, Union

from . import _hook
from ._errors import MigrationHubAssertionError, MigrationHubFakeError, count
from ._model import Operation, catalog
from ._operations import HANDLERS, Request, ServiceError, live_streams, set_home_region
from ._options import (
    DEFAULT_HOME_REGION,
    DEFAULT_STREAM_DELETION_SECONDS,
    check_home_region,
    check_stream_deletion_seconds,
)
from ._schema import compile_check
from ._state import Account, Application, Call, Fault, MigrationTask, Stream, Update, now
from ._wire import SERVICES, Response, error_response, json_headers

#: the region assumed for a request whose credential scope names none
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
#: the message of a permitted dry run's DryRunOperation, as the API reference shows it
DRY_RUN_SUCCESS = "Dry Run was a success!"
#: the members of a NotifyMigrationTaskState body its update can give back
_NOTIFY_MEMBERS = 5

_SCOPE_RE = re.compile(r"Credential=([^/,]*)/[^/,]*/([^/,]+)/")
_ACCOUNT_RE = re.compile(r"^\d{12}\Z")
#: how HomeRegionNotSetException says to set a home region, for a client in the test's process
IN_PROCESS_HOME_REGION_HINT = "in a test: mhub_fake.home_region = 'us-west-2'"



class _Tokens:
    """Opaque pagination tokens that this fake alone can have issued."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(16)

    def _mac(self, payload: bytes) -> str:
        return hmac.new(self._key, payload, hashlib.sha256).hexdigest()[:16]

    def encode(self, operation: str, scope: str, offset: int, last: str) -> str:
        payload = json.dumps([operation, scope, offset, last]).encode()
        return base64.b64encode(payload + b"|" + self._mac(payload).encode()).decode()

    def decode(self, operation: str, scope: str, token: str) -> Tuple[int, str]:
        """The offset and last item key a token carries, if this fake issued it for this request."""
        try:
            raw = base64.b64decode(token, validate=True)
            payload, mac = raw.rsplit(b"|", 1)
            op, sc, offset, last = json.loads(payload)
            valid = hmac.compare_digest(mac.decode(), self._mac(payload))
        except Exception:  # any malformed token is simply not one of ours
            valid = False
        if not valid or op != operation or sc != scope:
            raise ServiceError(
                "InvalidInputException",
                f"{operation}: NextToken {token!r} was not issued for this request; "
                "pass the NextToken of the previous page unchanged",
            )
        return int(offset), str(last)


class MigrationHubFake:
    """An in-memory AWS Migration Hub that answers botocore clients while started.

    Use it through the ``mhub_fake`` pytest fixture, or outside pytest with
    ``pytest_migrationhub.mock_migrationhub()``.

    State is kept per AWS account. Methods that read or seed it take an
    optional ``account``; without one they act on the default account,
    ``123456789012``, which is also the account of any request whose
    credentials name no other (see :meth:`add_account`).
    """

    def __init__(
        self,
        *,
        home_region: Optional[str] = DEFAULT_HOME_REGION,
        assert_all_requests_valid: bool = True,
        assert_all_faults_fired: bool = True,
        stream_deletion_seconds: float = DEFAULT_STREAM_DELETION_SECONDS,
    ) -> None:
        __tracebackhide__ = True
        check_home_region(home_region)
        for name, flag in (
            ("assert_all_requests_valid", assert_all_requests_valid),
            ("assert_all_faults_fired", assert_all_faults_fired),
        ):
            if not isinstance(flag, bool):
                raise MigrationHubFakeError(f"{name} must be True or False; got {flag!r}.")
        check_stream_deletion_seconds(stream_deletion_seconds)
        self.assert_all_requests_valid = assert_all_requests_valid
        self.assert_all_faults_fired = assert_all_faults_fired
        #: how long a deleted stream stays listed, refusing writes
        self.stream_deletion_window = timedelta(seconds=stream_deletion_seconds)
        self._initial_home_region = home_region
        self._lock = threading.RLock()
        self._catalog = catalog()
        self._started = False
        self._clear()

    def _clear(self) -> None:
        self._accounts: Dict[str, Account] = {}
        #: access key id -> account id, from add_account()
        self._key_accounts: Dict[str, str] = {}
        self._calls: List[Call] = []
        self._malformed: List[str] = []
        self._faults: List[Fault] = []
        self._denied: set[str] = set()
        self._retry_delays: List[float] = []
        self._tokens = _Tokens()
        #: (operation, region, service, account) tuples, one per combination seen
        self._abouts: Dict[Tuple[str, str, str, str], Tuple[str, str, str, str]] = {}
        #: status details, each text kept once however many updates repeat it
        self._texts: Dict[str, str] = {}
        self._default = self._account(DEFAULT_ACCOUNT)

    def reset(self) -> None:
        """Forget everything: accounts, streams, tasks, calls, faults, denials, delays.

        The home region goes back to the one the fake was created with.
        """
        with self._lock:
            self._clear()

    def __repr__(self) -> str:
        tasks = sum(len(s.tasks) for s in self._default.streams.values())
        return (
            f"<MigrationHubFake home_region={self.home_region!r} streams={len(self._default.streams)} "
            f"tasks={tasks} calls={len(self._calls)}>"
        )

    # --- accounts -------------------------------------------------------------

    def _account(self, account_id: Optional[str]) -> Account:
        """The account's state, created (with the initial home region) on first use."""
        if account_id is None:
            return self._default
        account = self._accounts.get(account_id)
        if account is None:
            if not isinstance(account_id, str) or not _ACCOUNT_RE.match(account_id):
                raise MigrationHubFakeError(
                    f"An AWS account ID is 12 digits, such as '123456789012'; got {account_id!r}."
                )
            account = self._accounts[account_id] = Account(account_id)
            if self._initial_home_region is not None:
                set_home_region(account, self._initial_home_region)
        return account

    def add_account(self, account_id: str, *, access_key_id: Optional[str] = None) -> None:
        """Make requests signed with ``access_key_id`` act as account ``account_id``.

        Without this, a request is made as the default account, unless its
        access key id is itself 12 digits, which is then taken as the account.
        """
        with self._lock:
            self._account(account_id)
            if access_key_id is not None:
                self._key_accounts[access_key_id] = account_id

    @property
    def accounts(self) -> List[str]:
        """The IDs of the accounts the fake has state for."""
        with self._lock:
            return list(self._accounts)

    def _account_of_key(self, access_key_id: Optional[str]) -> Account:
        if access_key_id:
            mapped = self._key_accounts.get(access_key_id)
            if mapped is not None:
                return self._accounts[mapped]
            if _ACCOUNT_RE.match(access_key_id):
                return self._account(access_key_id)
        return self._default

    # --- lifecycle --------------------------------------------------------

    def start(self) -> "MigrationHubFake":
        """Route Migration Hub requests of every botocore client to this fake."""
        _hook.activate(self, self._record_delay)
        self._started = True
        return self

    def stop(self) -> None:
        """Stop answering; clients behave as without the fake again."""
        _hook.deactivate(self)
        self._started = False

    def __enter__(self) -> "MigrationHubFake":
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()
        if exc_type is None:
            self.verify()

    def verify(self, raised: Optional[BaseException] = None) -> None:
        """Fail if the code under test left something unexplained.

        Raises :class:`MigrationHubAssertionError` listing the faults that
        never fired and the malformed requests that were sent, unless the
        corresponding ``assert_all_*`` option is off. ``raised`` is the
        exception that ended the code under test, if any: a malformed request
        whose error it is did not go unnoticed.
        """
        __tracebackhide__ = True
        problems = self.unexplained(raised)
        if problems:
            raise MigrationHubAssertionError("\n\n".join(problems))

    def unexplained(self, raised: Optional[BaseException] = None) -> List[str]:
        """The teardown messages :meth:`verify` would raise, one per kind of problem."""
        problems = []
        with self._lock:
            unfired = [f for f in self._faults if f.times or not f.fired]
            malformed = list(self._malformed)
        if malformed and _error_message(raised) == malformed[-1]:
            # The last malformed request's error ended the test: that failure says it all.
            malformed.pop()
        if unfired and self.assert_all_faults_fired:
            lines = [f"mhub_fake: {count(len(unfired), 'queued fault')} never fired:"]
            lines += [f"  - {fault.describe()}" for fault in unfired]
            lines.append(
                "Let the code under test reach them, remove them, or opt out with "
                "@pytest.mark.mhub_fake(assert_all_faults_fired=False)."
            )
            problems.append("\n".join(lines))
        if malformed and self.assert_all_requests_valid:
            lines = [
                f"mhub_fake: the fake answered {count(len(malformed), 'malformed request')} with "
                f"InvalidInputException, and {'its error' if len(malformed) == 1 else 'their errors'} "
                "did not end the test:"
            ]
            lines += [f"  - {message}" for message in malformed]
            lines.append(
                "Fix the request, or, if the test sends it on purpose (even under pytest.raises), "
                "opt out with "
                "@pytest.mark.mhub_fake(assert_all_requests_valid=False)."
            )
            problems.append("\n".join(lines))
        return problems

    # --- seeding --------------------------------------------------------------

    def add_stream(self, name: str, *, account: Optional[str] = None) -> None:
        """Create a progress update stream, as CreateProgressUpdateStream would."""
        self._check_name("add_stream", "ProgressUpdateStream", name)
        with self._lock:
            live_streams(self._account(account)).setdefault(name, Stream(name))

    def add_task(self, stream: str, task: str, *, account: Optional[str] = None) -> MigrationTask:
        """Import a migration task, creating its stream if needed; returns the task."""
        self._check_name("add_task", "ProgressUpdateStream", stream)
        self._check_name("add_task", "MigrationTaskName", task)
        with self._lock:
            record = live_streams(self._account(account)).setdefault(stream, Stream(stream))
            return record.tasks.setdefault(task, MigrationTask(stream, task))

    def add_discovered_resource(
        self, configuration_id: str, *, account: Optional[str] = None
    ) -> None:
        """Make a configuration item known to Application Discovery Service.

        AssociateDiscoveredResource refuses a ConfigurationId the account's
        Application Discovery Service does not know.
        """
        self._check_value("add_discovered_resource", "AssociateDiscoveredResource", ("DiscoveredResource", "ConfigurationId"), configuration_id)
        with self._lock:
            self._account(account).discovered[configuration_id] = {"ConfigurationId": configuration_id}

    def add_application(
        self, application_id: str, *, status: Optional[str] = None, account: Optional[str] = None
    ) -> Application:
        """Make an application known to Application Discovery Service, optionally with a state.

        NotifyApplicationState and DescribeApplicationState refuse an
        ApplicationId the account's Application Discovery Service does not know.
        """
        self._check_value("add_application", "NotifyApplicationState", ("ApplicationId",), application_id)
        if status is not None:
            self._check_value("add_application", "NotifyApplicationState", ("Status",), status)
        with self._lock:
            application = self._account(account).applications.setdefault(
                application_id, Application(application_id)
            )
            if status is not None:
                application.status = status
                application.last_updated_time = now()
            return application

    def _check_name(self, method: str, member: str, value: Any) -> None:
        __tracebackhide__ = True
        self._check_value(method, "NotifyMigrationTaskState", (member,), value)

    def _check_value(self, method: str, operation: str, path: Tuple[str, ...], value: Any) -> None:
        """Refuse a seeded value the real service would refuse in ``operation``."""
        __tracebackhide__ = True
        schema, check = _member_check(operation, path)
        if check(value):
            return
        rules = []
        if "enum" in schema:
            rules.append("one of " + ", ".join(schema["enum"]))
        if "minLength" in schema or "maxLength" in schema:
            rules.append(f"length {schema.get('minLength', 0)}-{schema.get('maxLength', 'any')}")
        if "pattern" in schema:
            rules.append(f"pattern {schema['pattern']}")
        raise MigrationHubFakeError(
            f"{method}: {value!r} is not a valid {path[-1]} ({', '.join(rules)}); "
            "pass a value the real service would accept."
        )

    @property
    def home_region(self) -> Optional[str]:
        """The default account's home region; ``None`` when not set. Assign to move or unset it."""
        return self.get_home_region()

    @home_region.setter
    def home_region(self, value: Optional[str]) -> None:
        self.set_home_region(value)

    def get_home_region(self, *, account: Optional[str] = None) -> Optional[str]:
        """An account's home region; ``None`` when not set."""
        with self._lock:
            control = self._account(account).home_control
            return control["HomeRegion"] if control else None

    def set_home_region(self, region: Optional[str], *, account: Optional[str] = None) -> None:
        """Set, move or (with ``None``) unset an account's home region, keeping its data."""
        check_home_region(region)
        with self._lock:
            record = self._account(account)
            if region is None:
                record.home_control = None
            else:
                set_home_region(record, region)

    # --- inspection -----------------------------------------------------------

    @property
    def streams(self) -> List[str]:
        """The default account's progress update streams, in creation order."""
        return self.stream_names()

    def stream_names(self, *, account: Optional[str] = None) -> List[str]:
        """An account's progress update streams, in creation order (those being deleted included)."""
        with self._lock:
            return list(live_streams(self._account(account)))

    def tasks(self, stream: Optional[str] = None, *, account: Optional[str] = None) -> List[MigrationTask]:
        """Every migration task of an account, or those of one stream, in import order."""
        with self._lock:
            record = self._account(account)
            streams = live_streams(record).values() if stream is None else [self._stream_or_fail(record, stream)]
            return [task for s in streams for task in s.tasks.values()]

    def _stream_or_fail(self, account: Account, stream: str) -> Stream:
        record = live_streams(account).get(stream)
        if record is None:
            known = ", ".join(repr(name) for name in account.streams) or "none"
            raise MigrationHubFakeError(
                f"No progress update stream {stream!r}. Known streams: {known}. "
                f"Create it with CreateProgressUpdateStream or mhub_fake.add_stream({stream!r}) first."
            )
        return record

    def task(self, stream: str, task: str, *, account: Optional[str] = None) -> MigrationTask:
        """The migration task ``task`` of progress update stream ``stream``."""
        with self._lock:
            streams = live_streams(self._account(account))
            record = streams.get(stream)
            found = record.tasks.get(task) if record else None
            if found is None:
                known = [(t.stream, t.name) for s in streams.values() for t in s.tasks.values()]
                listing = ", ".join(repr(pair) for pair in known) or "none"
                raise MigrationHubFakeError(
                    f"No migration task {task!r} in stream {stream!r}. Known tasks: {listing}. "
                    f"Import it with ImportMigrationTask or mhub_fake.add_task({stream!r}, {task!r}) "
                    "first."
                )
            return found

    def updates(self, stream: str, task: str, *, account: Optional[str] = None) -> Tuple[Update, ...]:
        """Every accepted update of a task, oldest first."""
        return self.task(stream, task, account=account).updates

    def progress(self, stream: str, task: str, *, account: Optional[str] = None) -> List[Optional[int]]:
        """The ProgressPercent of each accepted update (``None`` where it was left out)."""
        return [u.progress_percent for u in self.task(stream, task, account=account).updates]

    def statuses(self, stream: str, task: str, *, account: Optional[str] = None) -> List[str]:
        """The Status of each accepted update."""
        return [u.status for u in self.task(stream, task, account=account).updates]

    def stale_tasks(self, *, account: Optional[str] = None) -> List[Tuple[str, str]]:
        """``(stream, task)`` of every task whose promised next update is overdue now."""
        moment = now().timestamp()
        with self._lock:
            return [
                (task.stream, task.name)
                for s in live_streams(self._account(account)).values()
                for task in s.tasks.values()
                if task._updates and task._updates[-1].overdue_at_epoch(moment)
            ]

    def application(self, application_id: str, *, account: Optional[str] = None) -> Application:
        """An application known to Application Discovery Service, with its reported state."""
        with self._lock:
            record = self._account(account)
            found = record.applications.get(application_id)
            if found is None:
                known = ", ".join(repr(a) for a in record.applications) or "none"
                raise MigrationHubFakeError(
                    f"No application {application_id!r}. Known applications: {known}. "
                    f"Add it with mhub_fake.add_application({application_id!r}) first."
                )
            return found

    def applications(self, *, account: Optional[str] = None) -> List[Application]:
        """Every application of an account, in the order they were added."""
        with self._lock:
            return list(self._account(account).applications.values())

    @property
    def calls(self) -> List[Call]:
        """Every request the fake answered, in order."""
        with self._lock:
            return list(self._calls)

    @property
    def retry_delays(self) -> List[float]:
        """The backoff botocore chose between attempts, in seconds; none of it was slept."""
        with self._lock:
            return list(self._retry_delays)

    # --- faults -----------------------------------------------------------

    def _operation(self, method: str, operation: str) -> Operation:
        op = self._catalog.lookup(operation)
        if op is None:
            raise MigrationHubFakeError(
                f"{method}: no Migration Hub operation is called {operation!r}. "
                f"{self._catalog.unknown(operation)}"
            )
        return op

    def fail(
        self,
        operation: str,
        error_code: str,
        *,
        times: Optional[int] = 1,
        message: Optional[str] = None,
        retry_after_seconds: Optional[int] = None,
    ) -> None:
        """Answer the next ``times`` calls of ``operation`` with ``error_code``.

        ``times=None`` fails every call until :meth:`clear_faults`. Faults on
        one operation fire in the order they were queued.
        """
        op = self._operation("fail", operation)
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
        if retry_after_seconds is not None and error_code != "ThrottlingException":
            raise MigrationHubFakeError(
                "fail: retry_after_seconds goes with 'ThrottlingException' only."
            )
        with self._lock:
            self._faults.append(Fault(op.name, error_code, times, message, retry_after_seconds))

    def clear_faults(self) -> None:
        """Drop every queued fault, fired or not."""
        with self._lock:
            self._faults.clear()

    def deny(self, operation: str) -> None:
        """Refuse ``operation`` as IAM would: AccessDeniedException, or
        UnauthorizedOperation for a DryRun."""
        op = self._operation("deny", operation)
        with self._lock:
            self._denied.add(op.name)

    def allow(self, operation: str) -> None:
        """Undo :meth:`deny`."""
        op = self._operation("allow", operation)
        with self._lock:
            self._denied.discard(op.name)

    def _record_delay(self, seconds: float) -> None:
        with self._lock:
            self._retry_delays.append(seconds)

    # --- the wire ---------------------------------------------------------

    def handle(
        self,
        target: str,
        body: Union[bytes, str, None],
        headers: Mapping[str, str],
        *,
        home_region_hint: str = IN_PROCESS_HOME_REGION_HINT,
    ) -> Response:
        """Answer one AWS JSON 1.1 request: ``(status, headers, body)``.

        ``home_region_hint`` ends HomeRegionNotSetException's message: how
        whoever sent the request sets a home region (the server names its
        control API route).
        """
        op = self._catalog.by_target.get(target)
        if op is None:
            return error_response(
                400, "UnknownOperationException", f"{target} is not a Migration Hub operation"
            )
        handler = HANDLERS.get(op.name)
        if handler is None:
            raise MigrationHubFakeError(
                f"mhub_fake does not implement {op.service} {op.name} yet; see the table of "
                "supported operations in pytest-migrationhub's README."
            )
        access_key_id, region = _scope_of(headers)
        raw = body.encode() if isinstance(body, str) else (body or b"")
        try:
            params = json.loads(raw or b"{}", parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            return error_response(400, "SerializationException", f"{op.name}: the body is not JSON")
        with self._lock:
            account = self._account_of_key(access_key_id)
            key = (op.name, region, op.service, account.account_id)
            about = self._abouts.setdefault(key, key)
            request = Request(self, account, op.name, params, op.page_size)
            try:
                result = self._dispatch(op, handler, request, region, home_region_hint)
            except ServiceError as error:
                self._calls.append(Call(about, raw, error.code, error.message))
                status = self._catalog.service_errors[op.service].get(error.code, 400)
                return error_response(status, error.code, error.message, **error.extra)
            made = request.made
            # An update holds all its request said, unless the body had more (DryRun=false).
            keep = made if made is not None and len(params) == _NOTIFY_MEMBERS else raw
            self._calls.append(Call(about, keep))
        return 200, json_headers(), json.dumps(result).encode()

    def _dispatch(
        self, op: Operation, handler: Any, request: Request, region: str, home_region_hint: str
    ) -> Dict[str, Any]:
        params, account = request.body, request.account
        # Injected faults stand for the service failing at its front door,
        # before it looks at the request.
        for fault in self._faults:
            if fault.operation == op.name:
                fault.fired += 1
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times == 0:
                        # Spent: nothing left to fire or to report at teardown.
                        self._faults.remove(fault)
                extra = {}
                if fault.retry_after_seconds is not None:
                    extra["RetryAfterSeconds"] = fault.retry_after_seconds
                raise ServiceError(
                    fault.error_code,
                    fault.message or f"{op.name}: {fault.error_code} injected by mhub_fake.fail()",
                    **extra,
                )
        if not op.check(params):
            message = op.explain(params)
            self._malformed.append(message)
            raise ServiceError("InvalidInputException", message)
        if op.service == "mgh":
            control = account.home_control
            home = control["HomeRegion"] if control else None
            if home is None:
                raise ServiceError(
                    "HomeRegionNotSetException",
                    f"{op.name}: no home region is set; set one with migrationhub-config "
                    f"CreateHomeRegionControl ({home_region_hint})",
                )
            if region != home and not op.name.startswith(("Describe", "List")):
                raise ServiceError(
                    "InvalidInputException",
                    f"{op.name}: writes must be sent to the home region {home}; "
                    f"this request was sent to {region}",
                )
        dry_run = params.get("DryRun") is True
        if op.name in self._denied:
            if dry_run and "UnauthorizedOperation" in op.errors:
                raise ServiceError(
                    "UnauthorizedOperation",
                    f"{op.name}: DryRun: the request would have been denied (mhub_fake.deny)",
                )
            raise ServiceError(
                "AccessDeniedException",
                f"{op.name}: not authorized to perform mgh:{op.name} (mhub_fake.deny)",
            )
        if dry_run:
            raise ServiceError("DryRunOperation", DRY_RUN_SUCCESS)
        return handler(request)  # type: ignore[no-any-return]


@lru_cache(maxsize=None)
def _member_check(operation: str, path: Tuple[str, ...]) -> Tuple[Dict[str, Any], Any]:
    """The schema of one request member and its compiled check."""
    schema = catalog().by_name[operation].schema
    for member in path:
        schema = schema["properties"][member]
    return schema, compile_check(schema)


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity; JSON has no such numbers.
    raise ValueError(f"{name} is not JSON")


def _error_message(raised: Optional[BaseException]) -> Optional[str]:
    """The AWS error message of a botocore ``ClientError``, else ``None``."""
    response = getattr(raised, "response", None)
    if isinstance(response, dict):
        message = response.get("Error", {}).get("Message")
        return message if isinstance(message, str) else None
    return None


def _scope_of(headers: Mapping[str, str]) -> Tuple[Optional[str], str]:
    """The access key id and region of a SigV4 ``Authorization`` header's credential scope."""
    auth = headers.get("Authorization")
    if auth:
        if isinstance(auth, bytes):
            auth = auth.decode("latin-1")
        match = _SCOPE_RE.search(auth)
        if match:
            # Interned: every call record keeps its region.
            return match.group(1), sys.intern(match.group(2))
    return None, DEFAULT_REGION


__all__ = ["MigrationHubFake", "SERVICES"]
