"""Moving a server: running its migration steps while Migration Hub follows along."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, List, Sequence

from .reporter import ProgressReporter


@dataclass(frozen=True)
class Step:
    """One stage of a migration: what Migration Hub shows, and the work itself."""

    detail: str
    action: Callable[[], None]


class MigrationFailed(RuntimeError):
    """A step failed; the task was reported FAILED with the same detail."""


def replication_steps(
    disks: int, replicate: Callable[[int], None], cut_over: Callable[[], None]
) -> List[Step]:
    """The steps that move one server: replicate each disk (numbered from 1), then cut over."""
    steps = [
        Step(f"Replicating disk {n} of {disks}", functools.partial(replicate, n))
        for n in range(1, disks + 1)
    ]
    steps.append(Step("Cutting over", cut_over))
    return steps


def migrate_server(
    reporter: ProgressReporter, steps: Sequence[Step], *, next_update_seconds: int = 60
) -> None:
    """Run ``steps`` in order, reporting progress before each one and the outcome after.

    Raises :class:`MigrationFailed` once a failing step has been reported as
    FAILED. A Migration Hub error (``botocore.exceptions.ClientError``)
    propagates as is: botocore has already retried it as far as it should.
    """
    reporter.register()
    for index, step in enumerate(steps):
        percent = index * 100 // len(steps)
        reporter.in_progress(percent, step.detail, next_update_seconds=next_update_seconds)
        try:
            step.action()
        except Exception as error:
            detail = f"{step.detail} failed: {error}"
            reporter.failed(percent, detail)
            raise MigrationFailed(detail) from error
    reporter.completed()
