"""Exports: StartExportTask, the deprecated ExportConfigurations, DescribeExportTasks and
DescribeExportConfigurations.

An export runs on the fake's clock: IN_PROGRESS until ``discovery_task_seconds``
have passed, then SUCCEEDED with a ``configurationsDownloadUrl`` that serves a
zip of CSV files (``.export_files``) made from what ADS knew at that moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .._core import Answer, Context, ServiceError, Services, from_epoch, now
from .common import INVALID, TASK_SECONDS, handles, inventory, page
from .export_files import Files, agent, ec2_recommendations, summary
from .inventory import RESUME, Inventory
from .jobs import ExportTask, export_id

#: detailed agent exports: at most this many running at once, and this many a day
MAX_RUNNING_AGENT_EXPORTS = 5
MAX_AGENT_EXPORTS_PER_DAY = 2
#: ExportConfigurations: at most this many in this many hours
MAX_CONFIGURATION_EXPORTS = 2
CONFIGURATION_EXPORT_HOURS = 6
#: the filter names StartExportTask and DescribeExportTasks take (the API reference spells it both ways)
AGENT_FILTERS = ("agentIds", "AgentId")


def _agent_filter(ctx: Context) -> str | None:
    """The one agent id the request's filters select, if any; the error for a filter it cannot take."""
    agent_id = None
    for index, spec in enumerate(ctx.body.get("filters") or ()):
        if spec["name"] not in AGENT_FILTERS or spec["condition"] != "EQUALS":
            raise ServiceError(
                INVALID,
                f"{ctx.operation}: $.filters[{index}]: {spec['name']!r} {spec['condition']!r} is not a filter "
                "of exports; the one filter is agentIds with the condition EQUALS",
            )
        if len(spec["values"]) != 1:
            raise ServiceError(
                INVALID, f"{ctx.operation}: $.filters[{index}].values: name exactly one agent ID; got {spec['values']}"
            )
        if agent_id is not None and spec["values"][0] != agent_id:
            # A second filter naming another agent: one agent is exported (or listed), never the last named.
            raise ServiceError(
                INVALID,
                f"{ctx.operation}: $.filters[{index}].values: name exactly one agent ID; "
                f"got {agent_id!r} and {spec['values'][0]!r}",
            )
        agent_id = spec["values"][0]
    return agent_id


@handles("StartExportTask")
def start_export_task(ctx: Context) -> Answer:
    found = inventory(ctx)
    agent_id = _agent_filter(ctx)
    preferences = (ctx.body.get("preferences") or {}).get("ec2RecommendationsPreferences") or {}
    moment = now()
    if agent_id is not None:
        if agent_id not in found.agents:
            raise ServiceError(
                INVALID,
                f"StartExportTask: no agent has the ID {agent_id!r}; in a test, add it with "
                f"mhub_fake.add_agent({agent_id!r})",
            )
        _check_agent_limits(found, moment)
        kind = "agent"
    else:
        kind = "ec2-recommendations" if preferences.get("enabled") else "summary"
    task = _export(ctx, found, kind, agent_id)
    if agent_id is not None:
        task.requested_start = _moment(ctx.body.get("startTime"))
        task.requested_end = _moment(ctx.body.get("endTime"))
    return {"exportId": task.export_id}


def _moment(value: Any) -> datetime | None:
    return None if value is None else from_epoch(value)


def _check_agent_limits(found: Inventory, moment: datetime) -> None:
    agent_exports = [t for t in found.export_tasks.values() if t.kind == "agent"]
    if sum(1 for t in agent_exports if t.status == "IN_PROGRESS") >= MAX_RUNNING_AGENT_EXPORTS:
        raise ServiceError(
            "OperationNotPermittedException",
            "You have reached limit of maximum allowed concurrent exports. Please wait for current export tasks "
            "to finish before starting another.",
        )
    if sum(1 for t in agent_exports if t.requested.date() == moment.date()) >= MAX_AGENT_EXPORTS_PER_DAY:
        raise ServiceError(
            "OperationNotPermittedException",
            f"StartExportTask: detailed agent data is exported at most {MAX_AGENT_EXPORTS_PER_DAY} times a day "
            "(UTC); move the fake's clock to the next day to export again",
        )


def _export(ctx: Context, found: Inventory, kind: str, agent_id: str | None) -> ExportTask:
    moment = now()
    task = ExportTask(
        export_id(), moment, moment + timedelta(seconds=ctx.services.seconds[TASK_SECONDS]), kind, agent_id
    )
    task.account, task.request = ctx.account.account_id, dict(ctx.body)
    # An agent deleted while its export runs keeps the data it collected: export it as it was asked for.
    task.agent = found.agents.get(agent_id) if agent_id is not None else None
    found.export_tasks[task.export_id] = task
    _schedule(task, found, ctx.services)
    return task


def _schedule(task: ExportTask, inventory: Inventory, services: Services) -> None:
    """Make the export's zip when it is due (an export held in a scenario is resumed so too)."""
    downloads = services.downloads

    def finish(inventory: Inventory, when: datetime) -> None:
        task.files = _files(inventory, task, when)
        task.status, task.message = "SUCCEEDED", "Data export completed"
        task.publish(downloads)

    inventory.schedule(task.due, finish)


RESUME["export"] = _schedule


def _files(inventory: Inventory, task: ExportTask, when: datetime) -> Files:
    if task.kind == "agent":
        found = inventory.agents.get(task.agent_id or "", task.agent)
        return agent(task.account, found, task.request, when) if found is not None else {}
    if task.kind == "ec2-recommendations":
        preferences = task.request["preferences"]["ec2RecommendationsPreferences"]
        return ec2_recommendations(inventory, preferences)
    return summary(task.account, inventory)


@handles("ExportConfigurations")
def export_configurations(ctx: Context) -> Answer:
    found = inventory(ctx)
    since = now() - timedelta(hours=CONFIGURATION_EXPORT_HOURS)
    recent = [t for t in found.export_tasks.values() if t.kind == "configurations" and t.requested > since]
    if len(recent) >= MAX_CONFIGURATION_EXPORTS:
        raise ServiceError(
            "OperationNotPermittedException",
            f"ExportConfigurations: at most {MAX_CONFIGURATION_EXPORTS} configuration exports in "
            f"{CONFIGURATION_EXPORT_HOURS} hours; use StartExportTask, or move the fake's clock",
        )
    task = _export(ctx, found, "summary", None)
    task.kind = "configurations"
    return {"exportId": task.export_id}


@handles("DescribeExportTasks")
def describe_export_tasks(ctx: Context) -> Answer:
    tasks = list(inventory(ctx).export_tasks.values())
    wanted = ctx.body.get("exportIds")
    if wanted:
        tasks = [t for t in tasks if t.export_id in wanted]
    agent_id = _agent_filter(ctx)
    if agent_id is not None:
        tasks = [t for t in tasks if t.agent_id == agent_id]
    scope = repr(sorted(wanted or [])) + repr(agent_id)
    return page(ctx, "exportsInfo", scope, [t.info_json() for t in tasks])


@handles("DescribeExportConfigurations")
def describe_export_configurations(ctx: Context) -> Answer:
    tasks = inventory(ctx).export_tasks
    wanted = ctx.body.get("exportIds") or []
    for export in wanted:
        if export not in tasks:
            raise ServiceError(
                "ResourceNotFoundException", f"DescribeExportConfigurations: no export has the ID {export!r}"
            )
    listed = [t for t in tasks.values() if not wanted or t.export_id in wanted]
    return page(ctx, "exportsInfo", repr(sorted(wanted)), [t.info_json() for t in listed])
