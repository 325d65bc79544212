"""Moving a server: running its migration steps while Migration Hub follows along."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import ClientError

from .discovery import DiscoveredServer, NotDiscoveredError, find_application_id, find_server, tasks_for_server
from .importer import import_plan
from .reporter import ProgressReporter

if TYPE_CHECKING:
    from types_boto3_discovery import ApplicationDiscoveryServiceClient
    from types_boto3_mgh import MigrationHubClient
    from types_boto3_mgh.literals import ApplicationStatusType

T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    """One stage of a migration: what Migration Hub shows, and the work itself."""

    detail: str
    action: Callable[[], None]


class MigrationFailed(RuntimeError):
    """A step failed; the task was reported FAILED with the same detail."""


def replication_steps(disks: int, replicate: Callable[[int], None], cut_over: Callable[[], None]) -> list[Step]:
    """The steps that move one server: replicate each disk (numbered from 1), then cut over."""
    steps = [Step(f"Replicating disk {n} of {disks}", functools.partial(replicate, n)) for n in range(1, disks + 1)]
    steps.append(Step("Cutting over", cut_over))
    return steps


def migrate_server(reporter: ProgressReporter, steps: Sequence[Step], *, next_update_seconds: int = 60) -> None:
    """Run ``steps`` in order, reporting progress before each one and the outcome after.

    Raises :class:`MigrationFailed` once a failing step has been reported as
    FAILED. A Migration Hub error (``botocore.exceptions.ClientError``)
    propagates as is: botocore has already retried it as far as it should.
    """
    reporter.register()
    _run_steps(reporter, steps, len(steps), next_update_seconds)
    reporter.completed()


#: Launches the target of a migration and returns its ARN (an EC2 instance's, usually).
Launch = Callable[[], str]

LAUNCH_DETAIL = "Launching the target instance"


@dataclass(frozen=True)
class ServerPlan:
    """How to move one discovered server: its steps, then the launch of its target."""

    server: DiscoveredServer
    steps: Sequence[Step]
    launch: Launch


def migrate_discovered_server(
    reporter: ProgressReporter,
    server: DiscoveredServer,
    steps: Sequence[Step],
    launch: Launch,
    *,
    next_update_seconds: int = 60,
) -> str:
    """Move a server Application Discovery Service knows, and return the ARN of its target.

    On top of :func:`migrate_server`'s reporting, the task is linked to the
    discovered server (by its ConfigurationId) and carries its identifying
    attributes, and what ``launch`` created is recorded as the task's created
    artifact before the task is reported COMPLETED.

    Raises :class:`~migration_tool.discovery.NotDiscoveredError` (the task
    reported FAILED) when Application Discovery Service does not know the
    server, and :class:`MigrationFailed` when a step or the launch fails;
    a Migration Hub error propagates as is, as in :func:`migrate_server`.
    """
    reporter.register()
    try:
        reporter.associate_discovered_server(server)
    except NotDiscoveredError as error:
        reporter.failed(0, str(error))
        raise
    reporter.put_resource_attributes(server.resource_attributes())

    total = len(steps) + 1  # the launch is the last step
    _run_steps(reporter, steps, total, next_update_seconds)
    arn = _run_step(reporter, LAUNCH_DETAIL, launch, len(steps) * 100 // total, next_update_seconds)
    reporter.associate_created_artifact(arn, f"Migrated from {server.fqdn or server.name}")
    reporter.completed()
    return arn


def migrate_application(
    mgh: MigrationHubClient,
    stream: str,
    application_id: str,
    plans: Sequence[ServerPlan],
    *,
    next_update_seconds: int = 60,
) -> dict[str, str]:
    """Move every server of an application, keeping the application's state up to date.

    The application is reported IN_PROGRESS, then COMPLETED once all its
    servers are; it stays IN_PROGRESS if one fails. A server a previous run
    already moved (its task in ``stream`` COMPLETED, its target recorded) is
    not moved again. Returns each server's target ARN, by task name.
    """
    _notify_application(mgh, application_id, "IN_PROGRESS")
    targets: dict[str, str] = {}
    for plan in plans:
        reporter = ProgressReporter(mgh, stream, plan.server.name)
        target = _moved_before(reporter, plan.server)
        if target is None:
            target = migrate_discovered_server(
                reporter,
                plan.server,
                plan.steps,
                plan.launch,
                next_update_seconds=next_update_seconds,
            )
        targets[plan.server.name] = target
    _notify_application(mgh, application_id, "COMPLETED")
    return targets


def migrate_planned_application(
    mgh: MigrationHubClient,
    discovery: ApplicationDiscoveryServiceClient,
    stream: str,
    application_name: str,
    servers: Mapping[str, tuple[Sequence[Step], Launch]],
    *,
    next_update_seconds: int = 60,
) -> dict[str, str]:
    """Move an application as a migration plan names it: by its name, and its servers by host name.

    Application Discovery Service gives the application's ID and each server's
    configuration ID before anything is reported; a name it does not know
    raises :class:`NotDiscoveredError` with nothing reported. Then as
    :func:`migrate_application`.
    """
    application_id = find_application_id(discovery, application_name)
    plans = [ServerPlan(find_server(discovery, host), steps, launch) for host, (steps, launch) in servers.items()]
    return migrate_application(mgh, stream, application_id, plans, next_update_seconds=next_update_seconds)


def migrate_imported_plan(
    mgh: MigrationHubClient,
    discovery: ApplicationDiscoveryServiceClient,
    stream: str,
    plan: tuple[str, str],
    application_name: str,
    servers: Mapping[str, tuple[Sequence[Step], Launch]],
    *,
    poll_seconds: float = 5.0,
    sleep: Callable[[float], Any] = time.sleep,
) -> dict[str, str]:
    """Import a migration plan, then move the application it names, as :func:`migrate_planned_application`.

    ``plan`` is ``(name, url)``: the import's name and the S3 URL of the plan's
    CSV. Nothing is reported to Migration Hub unless the whole plan imported
    (:class:`PlanImportError` otherwise).
    """
    import_plan(discovery, plan[0], plan[1], poll_seconds=poll_seconds, sleep=sleep)
    return migrate_planned_application(mgh, discovery, stream, application_name, servers)


def _run_steps(reporter: ProgressReporter, steps: Sequence[Step], total: int, next_update_seconds: int) -> None:
    """Run ``steps``, the first of ``total`` steps, reporting the progress before each."""
    for index, step in enumerate(steps):
        _run_step(reporter, step.detail, step.action, index * 100 // total, next_update_seconds)


def _run_step(
    reporter: ProgressReporter,
    detail: str,
    action: Callable[[], T],
    percent: int,
    next_update_seconds: int,
) -> T:
    """Report ``detail`` at ``percent``, then run ``action``; report FAILED if it raises."""
    reporter.in_progress(percent, detail, next_update_seconds=next_update_seconds)
    try:
        return action()
    except Exception as error:
        failure = f"{detail} failed: {error}"
        reporter.failed(percent, failure)
        raise MigrationFailed(failure) from error


def _moved_before(reporter: ProgressReporter, server: DiscoveredServer) -> str | None:
    """The target ARN recorded by an earlier run that moved ``server``, else ``None``."""
    completed = any(
        task["ProgressUpdateStream"] == reporter.stream
        and task["MigrationTaskName"] == reporter.task
        and task.get("Status") == "COMPLETED"
        for task in tasks_for_server(reporter.mgh, server.configuration_id)
    )
    artifacts = reporter.created_artifacts() if completed else []
    return artifacts[-1] if artifacts else None


def _notify_application(mgh: MigrationHubClient, application_id: str, status: ApplicationStatusType) -> None:
    try:
        mgh.notify_application_state(
            ApplicationId=application_id, Status=status, UpdateDateTime=datetime.now(timezone.utc)
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        raise NotDiscoveredError(
            f"Application Discovery Service has no application {application_id!r}: check the "
            "application ID in the migration plan, and that it was grouped in this AWS account."
        ) from error
