"""The service pipeline: how one AWS JSON 1.1 request is answered.

Decode the body, find the account and region it is for, then the checks every
operation shares, in the order the service makes them: an injected fault (the
service failing at its front door), validation against the model, the home
region, IAM (``deny()``), DryRun. Then the operation's handler, then the
answer: a body, or an AWS error response. Every request is recorded as a
:class:`Call` whose labels are shared between calls alike, and a request whose
answer holds all it said (an accepted NotifyMigrationTaskState's update) keeps
only that answer: a test may send hundreds of thousands of them.

The handlers are the wings', found through the service table (``served()``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from typing import Any

from .downloads import Downloads
from .errors import MigrationHubFakeError, ServiceError
from .handlers import Context, Services
from .model import Operation, catalog
from .records import Account, Call
from .services import served
from .store import Store
from .wire import Response, error_response, json_headers

#: the region assumed for a request whose credential scope names none
DEFAULT_REGION = "us-east-1"
#: the message of a permitted dry run's DryRunOperation, as the API reference shows it
DRY_RUN_SUCCESS = "Dry Run was a success!"
#: how HomeRegionNotSetException says to set a home region, for a client in the test's process
IN_PROCESS_HOME_REGION_HINT = "in a test: mhub_fake.home_region = 'us-west-2'"
_EMPTY = b"{}"
_SCOPE_RE = re.compile(r"Credential=([^/,]*)/[^/,]*/([^/,]+)/")


class Pipeline:
    """Answers requests with the state in a :class:`Store`."""

    def __init__(self, store: Store, seconds: dict[str, float], downloads: Downloads) -> None:
        self.store = store
        self.services = Services(seconds, downloads)
        self._catalog = catalog()
        self._handlers = served()
        self.clear()

    def clear(self) -> None:
        """Forget the tokens issued and the labels and texts shared between records."""
        self.services.clear()
        #: (operation, region, service, account) tuples, one per combination seen
        self._abouts: dict[tuple[str, str, str, str], tuple[str, str, str, str]] = {}

    def handle(
        self,
        target: str,
        body: bytes | str | None,
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
            return error_response(400, "UnknownOperationException", f"{target} is not a Migration Hub operation")
        handler = self._handlers.get(op.name)
        if handler is None:
            raise MigrationHubFakeError(unserved(op))
        access_key_id, region = scope_of(headers)
        raw = body.encode() if isinstance(body, str) else (body or b"")
        try:
            params = json.loads(raw or b"{}", parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            return error_response(400, "SerializationException", f"{op.name}: the body is not JSON")
        store = self.store
        with store.lock:
            account = store.account_of_key(access_key_id)
            key = (op.name, region, op.service, account.account_id)
            about = self._abouts.setdefault(key, key)
            try:
                self._admit(op, params, account, region, home_region_hint)
                answer = handler(Context(account, op.name, params, op.page_size, self.services))
            except ServiceError as error:
                store.calls.append(Call(about, raw, error.code, error.message, error.injected))
                status = self._catalog.service_errors[op.service].get(error.code, 400)
                return error_response(status, error.code, error.message, **error.extra)
            if not isinstance(answer, dict):
                # It holds all its request said, unless the body had more (DryRun=false).
                store.calls.append(Call(about, answer if len(params) == answer.REQUEST_MEMBERS else raw))
                return 200, json_headers(), _EMPTY
            store.calls.append(Call(about, raw))
        return 200, json_headers(), json.dumps(answer).encode()

    def _admit(self, op: Operation, params: dict[str, Any], account: Account, region: str, hint: str) -> None:
        """Raise the error the service answers before the operation itself runs, if any."""
        # Injected faults stand for the service failing at its front door,
        # before it looks at the request.
        fault = self.store.fire_fault(op.name)
        if fault is not None:
            extra = {}
            if fault.retry_after_seconds is not None:
                extra["RetryAfterSeconds"] = fault.retry_after_seconds
            message = fault.message or f"{op.name}: {fault.error_code} injected by mhub_fake.fail()"
            raise ServiceError(fault.error_code, message, injected=True, **extra)
        rules = op.rules
        if not op.check(params):
            message = op.explain(params)
            self.store.malformed.append(message)
            self.store.malformed_codes[message] = rules.invalid_input
            raise ServiceError(rules.invalid_input, message)
        if rules.home_bound:
            _check_home_region(op.name, rules.reads, account.home_region, region, hint)
        dry_run = params.get("DryRun") is True
        if op.name in self.store.denied:
            if dry_run and "UnauthorizedOperation" in op.errors:
                raise ServiceError(
                    "UnauthorizedOperation",
                    f"{op.name}: DryRun: the request would have been denied (mhub_fake.deny)",
                )
            raise ServiceError(
                rules.access_denied,
                f"{op.name}: not authorized to perform {rules.iam_prefix}:{op.name} (mhub_fake.deny)",
            )
        if dry_run:
            raise ServiceError("DryRunOperation", DRY_RUN_SUCCESS)


def _check_home_region(operation: str, reads: tuple[str, ...], home: str | None, region: str, hint: str) -> None:
    if home is None:
        raise ServiceError(
            "HomeRegionNotSetException",
            f"{operation}: no home region is set; set one with migrationhub-config CreateHomeRegionControl ({hint})",
        )
    if region != home and not operation.startswith(reads):
        raise ServiceError(
            "InvalidInputException",
            f"{operation}: writes must be sent to the home region {home}; this request was sent to {region}",
        )


def unserved(op: Operation) -> str:
    """What to say of an operation botocore models but the fake does not serve."""
    handlers = served()
    names = sorted(o.name for o in catalog().by_name.values() if o.service == op.service and o.name in handlers)
    return (
        f"mhub_fake does not implement {op.service} {op.name} yet; of {op.service} it serves "
        f"{', '.join(names) or 'nothing'}. See the operations page of pytest-migrationhub's documentation (docs/reference/operations.md)."
    )


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity; JSON has no such numbers.
    raise ValueError(f"{name} is not JSON")


def scope_of(headers: Mapping[str, str]) -> tuple[str | None, str]:
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


__all__ = ["DEFAULT_REGION", "DRY_RUN_SUCCESS", "Pipeline", "scope_of", "unserved"]
