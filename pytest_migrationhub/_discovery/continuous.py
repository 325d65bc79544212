"""Continuous export of agent data to Athena: StartContinuousExport, StopContinuousExport,
DescribeContinuousExports.

One continuous export is active at a time. Starting reads START_IN_PROGRESS for
``discovery_task_seconds``, then ACTIVE; stopping reads STOP_IN_PROGRESS as long,
then INACTIVE.
"""

from __future__ import annotations

from datetime import timedelta

from .._core import Answer, Context, ServiceError, Services, now
from .common import TASK_SECONDS, handles, inventory, page
from .inventory import RESUME, Inventory
from .jobs import BECOMES, RUNNING, ContinuousExport, continuous_bucket, continuous_export_id


@handles("StartContinuousExport")
def start_continuous_export(ctx: Context) -> Answer:
    found = inventory(ctx)
    running = next((e for e in found.continuous_exports.values() if e.status in RUNNING), None)
    if running is not None:
        raise ServiceError(
            "ResourceInUseException",
            f"StartContinuousExport: continuous export {running.export_id} is {running.status}; "
            "stop it with StopContinuousExport (and let it become INACTIVE) before starting another",
        )
    moment = now()
    export = ContinuousExport(continuous_export_id(), continuous_bucket(), moment)
    export.due = moment + timedelta(seconds=ctx.services.seconds[TASK_SECONDS])
    found.continuous_exports[export.export_id] = export
    _schedule(export, found, ctx.services)
    return export.start_json()


def _schedule(export: ContinuousExport, inventory: Inventory, services: Services) -> None:
    """Finish its start or stop in progress when it is due (one held in a scenario is resumed so too)."""
    current = export.status
    if current in BECOMES and export.due is not None:
        inventory.schedule(export.due, lambda inventory, when: _become(export, current, BECOMES[current]))


RESUME["continuous"] = _schedule


def _become(export: ContinuousExport, current: str, status: str) -> None:
    if export.status == current:
        export.status = status


@handles("StopContinuousExport")
def stop_continuous_export(ctx: Context) -> Answer:
    found = inventory(ctx)
    export = _known(ctx, found, ctx.body["exportId"])
    if export.status not in ("START_IN_PROGRESS", "ACTIVE"):
        raise ServiceError(
            "OperationNotPermittedException",
            f"StopContinuousExport: continuous export {export.export_id} is {export.status}; "
            "only a starting or ACTIVE one can be stopped",
        )
    moment = now()
    export.status, export.stopped = "STOP_IN_PROGRESS", moment
    export.due = moment + timedelta(seconds=ctx.services.seconds[TASK_SECONDS])
    _schedule(export, found, ctx.services)
    return {"startTime": export.start_json()["startTime"], "stopTime": export.description_json()["stopTime"]}


def _known(ctx: Context, found: Inventory, export_id: str) -> ContinuousExport:
    export = found.continuous_exports.get(export_id)
    if export is None:
        raise ServiceError(
            "ResourceNotFoundException", f"{ctx.operation}: no continuous export has the ID {export_id!r}"
        )
    return export


@handles("DescribeContinuousExports")
def describe_continuous_exports(ctx: Context) -> Answer:
    found = inventory(ctx)
    wanted = ctx.body.get("exportIds")
    for export_id in wanted or ():
        _known(ctx, found, export_id)
    # Oldest first, each once, as DescribeExportTasks lists exports.
    exports = [e for e in found.continuous_exports.values() if not wanted or e.export_id in wanted]
    return page(ctx, "descriptions", repr(wanted), [e.description_json() for e in exports])
