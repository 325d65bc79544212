"""Reporting one migration task's progress to AWS Migration Hub."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import ClientError

from .discovery import DiscoveredServer, NotDiscoveredError
from .hub import home_region_client
from .streams import StreamBeingDeletedError, stream_exists

if TYPE_CHECKING:
    from types_boto3_mgh import MigrationHubClient
    from types_boto3_mgh.literals import StatusType
    from types_boto3_mgh.type_defs import (
        CreatedArtifactTypeDef,
        DiscoveredResourceTypeDef,
        ResourceAttributeTypeDef,
        TaskTypeDef,
    )
    from types_boto3_migrationhub_config import MigrationHubConfigClient

#: What Migration Hub accepts as a StatusDetail: one line of at most 2500 characters.
MAX_DETAIL = 2500

#: A finished task promises no further update (as AWS Cloud Migration Factory does).
NO_FURTHER_UPDATE = sys.maxsize

#: Stand-ins sent with DryRun=True: the values must be valid, but nothing is written.
_DRY_RUN_TASK: TaskTypeDef = {"Status": "NOT_STARTED", "ProgressPercent": 0}
_DRY_RUN_SERVER: DiscoveredResourceTypeDef = {"ConfigurationId": "d-server-dry-run"}
_DRY_RUN_ATTRIBUTES: list[ResourceAttributeTypeDef] = [{"Type": "FQDN", "Value": "dry-run.invalid"}]
_DRY_RUN_ARTIFACT: CreatedArtifactTypeDef = {"Name": "arn:aws:ec2:::instance/i-dry-run"}


class ProgressReporter:
    """Reports the state of migration task ``task`` in progress update stream ``stream``."""

    def __init__(self, mgh: MigrationHubClient, stream: str, task: str) -> None:
        self.mgh = mgh
        self.stream = stream
        self.task = task

    @classmethod
    def for_home_region(
        cls,
        stream: str,
        task: str,
        *,
        config_client: MigrationHubConfigClient | None = None,
        session: boto3.Session | None = None,
    ) -> ProgressReporter:
        """Build a reporter whose client talks to the account's home region.

        ``session`` holds the credentials of the account to report to; without
        one, boto3's default credentials are used.
        """
        return cls(home_region_client(config_client, session=session), stream, task)

    def check_permissions(self) -> list[str]:
        """Return the write operations IAM would refuse, asking with DryRun (nothing changes)."""
        checks: dict[str, Callable[[], object]] = {
            "CreateProgressUpdateStream": lambda: self.mgh.create_progress_update_stream(
                ProgressUpdateStreamName=self.stream, DryRun=True
            ),
            "ImportMigrationTask": lambda: self.mgh.import_migration_task(
                ProgressUpdateStream=self.stream, MigrationTaskName=self.task, DryRun=True
            ),
            "NotifyMigrationTaskState": lambda: self.mgh.notify_migration_task_state(
                ProgressUpdateStream=self.stream,
                MigrationTaskName=self.task,
                Task=_DRY_RUN_TASK,
                UpdateDateTime=datetime.now(timezone.utc),
                NextUpdateSeconds=NO_FURTHER_UPDATE,
                DryRun=True,
            ),
            "AssociateDiscoveredResource": lambda: self.mgh.associate_discovered_resource(
                ProgressUpdateStream=self.stream,
                MigrationTaskName=self.task,
                DiscoveredResource=_DRY_RUN_SERVER,
                DryRun=True,
            ),
            "PutResourceAttributes": lambda: self.mgh.put_resource_attributes(
                ProgressUpdateStream=self.stream,
                MigrationTaskName=self.task,
                ResourceAttributeList=_DRY_RUN_ATTRIBUTES,
                DryRun=True,
            ),
            "AssociateCreatedArtifact": lambda: self.mgh.associate_created_artifact(
                ProgressUpdateStream=self.stream,
                MigrationTaskName=self.task,
                CreatedArtifact=_DRY_RUN_ARTIFACT,
                DryRun=True,
            ),
        }
        denied: list[str] = []
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
        """Create the progress update stream and import the task; both are idempotent.

        Raises :class:`StreamBeingDeletedError` while a deletion of the stream
        (see ``streams.delete_stream``) is still running.
        """
        try:
            self.mgh.create_progress_update_stream(ProgressUpdateStreamName=self.stream)
        except ClientError as error:
            # Creating a stream that exists succeeds, unless it is being deleted.
            if error.response["Error"]["Code"] == "InvalidInputException" and stream_exists(self.mgh, self.stream):
                raise StreamBeingDeletedError(
                    f"Progress update stream {self.stream!r} is being deleted; "
                    "run again once the deletion has finished."
                ) from error
            raise
        self.mgh.import_migration_task(ProgressUpdateStream=self.stream, MigrationTaskName=self.task)

    def associate_discovered_server(self, server: DiscoveredServer) -> None:
        """Link the task to the server Application Discovery Service inventoried.

        Call :meth:`register` first. Raises :class:`NotDiscoveredError` when
        Application Discovery Service has no such configuration item.
        """
        try:
            self.mgh.associate_discovered_resource(
                ProgressUpdateStream=self.stream,
                MigrationTaskName=self.task,
                DiscoveredResource={
                    "ConfigurationId": server.configuration_id,
                    "Description": server.fqdn or server.name,
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            raise NotDiscoveredError(
                f"Application Discovery Service has no server {server.configuration_id!r} "
                f"({server.name}): check the ConfigurationId in the migration plan, and that "
                "discovery ran in this AWS account."
            ) from error

    def put_resource_attributes(self, attributes: Sequence[ResourceAttributeTypeDef]) -> None:
        """Store the server's identifying details (IP and MAC addresses, FQDN, VM name...).

        Each call replaces what was stored before, so send them all at once.
        """
        self.mgh.put_resource_attributes(
            ProgressUpdateStream=self.stream,
            MigrationTaskName=self.task,
            ResourceAttributeList=list(attributes),
        )

    def associate_created_artifact(self, arn: str, description: str) -> None:
        """Record what the migration created in AWS (an EC2 instance, an AMI...), by its ARN."""
        self.mgh.associate_created_artifact(
            ProgressUpdateStream=self.stream,
            MigrationTaskName=self.task,
            CreatedArtifact={"Name": arn, "Description": description},
        )

    def created_artifacts(self) -> list[str]:
        """The ARNs of what the migration created, as recorded in Migration Hub."""
        pages = self.mgh.get_paginator("list_created_artifacts").paginate(
            ProgressUpdateStream=self.stream, MigrationTaskName=self.task
        )
        return [artifact["Name"] for page in pages for artifact in page["CreatedArtifactList"]]

    def in_progress(self, percent: int, detail: str, *, next_update_seconds: int = 60) -> None:
        """Report progress, promising the next update within ``next_update_seconds``."""
        self._notify("IN_PROGRESS", percent, detail, next_update_seconds)

    def completed(self, detail: str = "Migration completed") -> None:
        """Report the task done at 100 %."""
        self._notify("COMPLETED", 100, detail, NO_FURTHER_UPDATE)

    def failed(self, percent: int, detail: str) -> None:
        """Report the task failed where it stood, saying why."""
        self._notify("FAILED", percent, detail, NO_FURTHER_UPDATE)

    def _notify(self, status: StatusType, percent: int, detail: str, next_update_seconds: int) -> None:
        task: TaskTypeDef = {"Status": status, "ProgressPercent": percent}
        if detail:
            # StatusDetail may not hold line breaks: error messages often do.
            task["StatusDetail"] = " ".join(detail.split())[:MAX_DETAIL]
        self.mgh.notify_migration_task_state(
            ProgressUpdateStream=self.stream,
            MigrationTaskName=self.task,
            Task=task,
            UpdateDateTime=datetime.now(timezone.utc),
            NextUpdateSeconds=next_update_seconds,
        )
