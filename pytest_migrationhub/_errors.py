"""The three kinds of failure the fake can report.

* An emulated AWS error never appears here: it travels over the wire as an HTTP
  error response and botocore raises its own ``ClientError`` for it.
* :class:`MigrationHubFakeError`: the fake was used in a way it cannot honour;
  the message says what to do instead.
* :class:`MigrationHubAssertionError`: what a test left unexplained (faults that
  never fired, malformed requests whose error did not end the test).
"""

from __future__ import annotations


class MigrationHubFakeError(Exception):
    """Misuse of the Migration Hub fake."""

    __module__ = "pytest_migrationhub"


class MigrationHubAssertionError(AssertionError):
    """A check on what the code under test did with the fake failed."""

    __module__ = "pytest_migrationhub"


def count(n: int, noun: str) -> str:
    """``1 task``, ``2 tasks``: a number and its noun, for messages."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
