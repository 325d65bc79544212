"""Reporting one migration task's progress to AWS Migration Hub."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from .hub import home_region_client

#: What Migration Hub accepts as a StatusDetail: one line of at most 2500 characters.
MAX_DETAIL = 2500

#: A finished task promises no further update (as AWS Cloud Migration Factory does).
NO_FURTHER_UPDATE = sys.maxsize


class ProgressReporter:
    """Reports the state of migration task ``task`` in progress update stream ``stream``."""

    def __init__(self, mgh: BaseClient, stream: str, task: str) -> None:
        self.mgh = mgh
        self.stream = stream
        self.task = task

    @classmethod
    def for_home_region(
        cls, stream: str, task: str, *, config_client: Optional[BaseClient] = None
    ) -> ProgressReporter:
        """Build a reporter whose client talks to the account's home region."""
        return cls(home_region_client(config_client), stream, task)

    def check_permissions(self) -> List[str]:
        """Return the write operations IAM would refuse, asking with DryRun (nothing changes)."""
        checks: Dict[str, Callable[[], Any]] = {
            "CreateProgressUpdateStream": lambda: self.mgh.create_progress_update_stream(
                ProgressUpdateStreamName=self.stream, DryRun=True
            ),
            "ImportMigrationTask": lambda: self.mgh.import_migration_task(
                ProgressUpdateStream=self.stream, MigrationTaskName=self.task, DryRun=True
            ),
            "NotifyMigrationTaskState": lambda: self._notify(
                "NOT_STARTED", 0, None, NO_FURTHER_UPDATE, DryRun=True
            ),
        }
        denied = []
        for operation, check in checks.items():
            try:
                check()
            except ClientError as error:
                code = error.response["Error"]["Code"]
                if code == "UnauthorizedOperation":
                    denied.append(operation)
                elif code != "DryRunOperation":  # DryRunOperation means "allowed"
                    raise
        return denied

    def register(self) -> None:
        """Create the progress update stream and import the task; both are idempotent."""
        self.mgh.create_progress_update_stream(ProgressUpdateStreamName=self.stream)
        self.mgh.import_migration_task(
            ProgressUpdateStream=self.stream, MigrationTaskName=self.task
        )

    def in_progress(self, percent: int, detail: str, *, next_update_seconds: int = 60) -> None:
        """Report progress, promising the next update within ``next_update_seconds``."""
        self._notify("IN_PROGRESS", percent, detail, next_update_seconds)

    def completed(self, detail: str = "Migration completed") -> None:
        """Report the task done at 100 %."""
        self._notify("COMPLETED", 100, detail, NO_FURTHER_UPDATE)

    def failed(self, percent: int, detail: str) -> None:
        """Report the task failed where it stood, saying why."""
        self._notify("FAILED", percent, detail, NO_FURTHER_UPDATE)

    def _notify(
        self,
        status: str,
        percent: int,
        detail: Optional[str],
        next_update_seconds: int,
        **extra: Any,
    ) -> None:
        task: Dict[str, Any] = {"Status": status, "ProgressPercent": percent}
        if detail:
            # StatusDetail may not hold line breaks: error messages often do.
            task["StatusDetail"] = " ".join(detail.split())[:MAX_DETAIL]
        self.mgh.notify_migration_task_state(
            ProgressUpdateStream=self.stream,
            MigrationTaskName=self.task,
            Task=task,
            UpdateDateTime=datetime.now(timezone.utc),
            NextUpdateSeconds=next_update_seconds,
            **extra,
        )
