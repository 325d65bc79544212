"""What pytest shows about Migration Hub when a test fails.

* A failed test that used ``mhub_fake`` gets a "Migration Hub" section: each
  task's timeline, the calls that were rejected or faulted, the home region.
  Short for a small test, bounded for a big one.
* A failed test that did not use it, and failed because a Migration Hub request
  went out for real (no credentials, no network), gets a note saying to use
  ``mhub_fake``.

Imported only when a test has failed, so it costs nothing otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING

from ._core import SERVICES, count, now

if TYPE_CHECKING:
    from ._core import Call
    from ._fake import MigrationHubFake
    from ._migrationhub import MigrationTask, Update

#: at most this many tasks, updates per task (the latest) and rejected calls (the latest)
MAX_TASKS = 10
MAX_UPDATES = 5
MAX_REJECTED = 10
#: longer status details and error messages are cut to this many characters
MAX_TEXT = 120

TITLE = "Migration Hub"
NOTE = (
    "mhub_fake: no Migration Hub fake was active to answer this request. "
    "Add the mhub_fake fixture to the test to have Migration Hub answered in-process."
)

#: botocore errors that mean "this request left the process": credentials,
#: connections, and what AWS itself answers to an unsigned or unknown caller
_SENT_FOR_REAL = frozenset(
    {
        "NoCredentialsError",
        "PartialCredentialsError",
        "CredentialRetrievalError",
        "NoAuthTokenError",
        "TokenRetrievalError",
        "UnauthorizedSSOTokenError",
        "SSOTokenLoadError",
        "ConnectionError",  # EndpointConnectionError, ConnectTimeoutError, SSLError, ...
        "HTTPClientError",  # ReadTimeoutError, ConnectionClosedError, ...
    }
)
_SENT_FOR_REAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "IncompleteSignatureException",
        "MissingAuthenticationTokenException",
        "InvalidClientTokenId",
        "ExpiredTokenException",
        "ExpiredToken",
        "SignatureDoesNotMatch",
    }
)
_SERVICES = frozenset(SERVICES)


# --- the section of a failed test that used the fake -----------------------


def _cut(text: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _due(update: Update) -> datetime | None:
    try:
        due: datetime = update.update_date_time + timedelta(seconds=update.next_update_seconds)
    except OverflowError:
        return None
    return due


def _task_lines(task: MigrationTask, prefix: str, moment: datetime) -> Iterator[str]:
    updates = task.updates
    name = f"  {prefix}{task.stream}/{task.name}"
    if not updates:
        yield f"{name}: no update yet"
        return
    due = _due(updates[-1])
    if updates[-1].overdue_at(moment):
        state = "stale, an update was due by " + (_when(due) if due else "?")
    elif due is None:
        state = "not stale, no further update due"
    else:
        state = "not stale, next update due by " + _when(due)
    yield f"{name}: {state}"
    if len(updates) > MAX_UPDATES:
        yield f"    ... {count(len(updates) - MAX_UPDATES, 'earlier update')}"
    for update in updates[-MAX_UPDATES:]:
        percent = "   -" if update.progress_percent is None else f"{update.progress_percent:>3}%"
        line = f"    {_when(update.update_date_time)}  {update.status:<11}  {percent}"
        if update.status_detail:
            line += "  " + _cut(update.status_detail)
        yield line.rstrip()


def _accounts(fake: MigrationHubFake) -> list[str | None]:
    """Each account by its id, or the one account as ``None`` (then no line names it)."""
    accounts = fake.accounts
    return [None] if len(accounts) <= 1 else list(accounts)


def _call_lines(rejected: list[Call]) -> Iterator[str]:
    if len(rejected) > MAX_REJECTED:
        yield f"  ... {count(len(rejected) - MAX_REJECTED, 'earlier one')}"
    shown: list[str] = []
    repeats: list[int] = []
    for call in rejected[-MAX_REJECTED:]:
        message = call.error_message or ""
        if message.startswith(call.operation + ": "):
            message = message[len(call.operation) + 2 :]
        line = f"  {call.operation}: {call.error_code}: {_cut(message)}".rstrip()
        if shown and shown[-1] == line:
            repeats[-1] += 1
        else:
            shown.append(line)
            repeats.append(1)
    for line, n in zip(shown, repeats, strict=True):
        yield line if n == 1 else f"{line} (x{n})"


def section(fake: MigrationHubFake) -> str:
    """The text of the "Migration Hub" section of a failed test's report.

    Staleness is as of now: under a clock frozen by a fixture (pytest-freezer's
    ``freezer``, time-machine's ``time_machine``) that is the frozen time; a
    ``freeze_time`` decorator or block has already let go of the clock.
    """
    moment = now()
    calls = fake.calls
    rejected = [call for call in calls if call.error_code is not None]
    lines: list[str] = []
    tasks = []
    for account in _accounts(fake):
        prefix = "" if account is None else f"{account} "
        lines.append(f"{prefix}home region: {fake.account(account).home_region or 'not set'}")
        tasks += [(prefix, task) for task in fake.tasks(account=account)]
    if tasks:
        lines.append(f"{count(len(tasks), 'task')} as of {_when(moment)}:")
        for prefix, task in tasks[:MAX_TASKS]:
            lines.extend(_task_lines(task, prefix, moment))
        if len(tasks) > MAX_TASKS:
            lines.append(f"  ... and {count(len(tasks) - MAX_TASKS, 'more task')}")
    else:
        lines.append("no tasks")
    if rejected:
        lines.append(f"{count(len(calls), 'call')}, {len(rejected)} rejected or faulted:")
        lines.extend(_call_lines(rejected))
    else:
        lines.append(f"{count(len(calls), 'call')}, none rejected or faulted")
    return "\n".join(lines)


# --- the note on a failed test that did not use the fake --------------------


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(seen) < 10:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _sent_for_real(error: BaseException) -> bool:
    for cls in type(error).__mro__:
        if cls.__module__.split(".")[0] not in ("botocore", "aiobotocore"):
            continue
        if cls.__name__ in _SENT_FOR_REAL:
            return True
        if cls.__name__ == "ClientError":
            code = getattr(error, "response", {}).get("Error", {}).get("Code")
            return code in _SENT_FOR_REAL_CODES
    return False


def _migration_hub_call(tb: TracebackType | None) -> bool:
    """Whether the traceback passes through a Migration Hub client's API call."""
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "_make_api_call":
            client = frame.f_locals.get("self")
            model = getattr(getattr(client, "meta", None), "service_model", None)
            if getattr(model, "service_name", None) in _SERVICES:
                return True
        tb = tb.tb_next
    return False


def unanswered(error: BaseException) -> BaseException | None:
    """The exception in ``error``'s chain that a Migration Hub request raised
    because it went out for real, if any."""
    for link in _chain(error):
        if _sent_for_real(link) and _migration_hub_call(link.__traceback__):
            return link
    return None


def add_note(error: BaseException) -> bool:
    """Add :data:`NOTE` to ``error`` where Python shows notes (3.11+); say whether it did."""
    if sys.version_info < (3, 11):
        return False
    if NOTE not in getattr(error, "__notes__", ()):
        error.add_note(NOTE)
    return True
