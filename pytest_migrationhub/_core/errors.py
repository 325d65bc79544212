"""The three kinds of failure the fake can report, and the words they use.

* An emulated AWS error is a :class:`ServiceError` inside the pipeline; it
  travels over the wire as an HTTP error response and botocore raises its own
  ``ClientError`` for it.
* :class:`MigrationHubFakeError`: the fake was used in a way it cannot honour;
  the message says what to do instead.
* :class:`MigrationHubAssertionError`: what a test left unexplained (faults that
  never fired, malformed requests whose error did not end the test).

Nothing here knows about pytest: the plugin supplies the words that name its
marker (see :data:`OPT_OUT`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class ServiceError(Exception):
    """An AWS error the fake answers with (becomes a ``ClientError`` in botocore)."""

    def __init__(self, code: str, message: str, *, injected: bool = False, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        #: a fault queued with fail(), not the service's verdict on the request
        self.injected = injected
        self.extra = extra


class MigrationHubFakeError(Exception):
    """Misuse of the Migration Hub fake."""

    __module__ = "pytest_migrationhub"


class MigrationHubAssertionError(AssertionError):
    """A check on what the code under test did with the fake failed.

    Besides the message, it says what was left unexplained:
    ``unfired_faults`` (each as ``"Operation -> ErrorCode (1 of 2 not fired)"``)
    and ``malformed_requests`` (the message each malformed request was answered with).
    """

    __module__ = "pytest_migrationhub"

    def __init__(
        self, message: str, *, unfired_faults: Sequence[str] = (), malformed_requests: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.unfired_faults: list[str] = list(unfired_faults)
        self.malformed_requests: list[str] = list(malformed_requests)


#: how to opt out of each teardown check, as said outside pytest; the plugin says it with its marker
OPT_OUT = {
    "assert_all_faults_fired": "opt out with assert_all_faults_fired=False",
    "assert_all_requests_valid": "if it is sent on purpose, opt out with assert_all_requests_valid=False",
}


def unfired_message(faults: Sequence[str], opt_out: Mapping[str, str] | None = None) -> str:
    lines = [f"mhub_fake: {count(len(faults), 'queued fault')} never fired:"]
    lines += [f"  - {fault}" for fault in faults]
    advice = (opt_out or OPT_OUT)["assert_all_faults_fired"]
    lines.append(f"Let the code under test reach them, remove them, or {advice}.")
    return "\n".join(lines)


def malformed_message(
    messages: Sequence[str], opt_out: Mapping[str, str] | None = None, codes: Sequence[str] = ()
) -> str:
    """``codes``: the error each message went out with (default InvalidInputException, Migration Hub's)."""
    answered = " or ".join(sorted({code for code in codes if code})) or "InvalidInputException"
    lines = [
        f"mhub_fake: the fake answered {count(len(messages), 'malformed request')} with "
        f"{answered}, and {'its error' if len(messages) == 1 else 'their errors'} "
        "did not end the test:"
    ]
    lines += [f"  - {message}" for message in messages]
    advice = (opt_out or OPT_OUT)["assert_all_requests_valid"]
    lines.append(f"Fix the request, or, {advice}.")
    return "\n".join(lines)


def count(n: int, noun: str) -> str:
    """``1 task``, ``2 tasks``: a number and its noun, for messages."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
