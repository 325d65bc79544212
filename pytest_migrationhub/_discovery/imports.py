"""Migration Hub import: StartImportTask, DescribeImportTasks, BatchDeleteImportData.

An import task reads the file a test registered for its URL
(``mhub_fake.add_import_file``), never the network, and finishes on the fake's
clock: IMPORT_IN_PROGRESS until ``discovery_task_seconds`` have passed, then its
rows are applied as of that moment (see ``.template``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from .._core import Answer, Context, Downloads, ServiceError, Services, catalog, now
from .common import INVALID, TASK_SECONDS, handles, inventory, page
from .inventory import RESUME, Inventory
from .jobs import ImportTask, import_task_id
from .records import new_configuration_id
from .template import Matcher, Row, UnreadableFile, apply, check, errors_zip, read, undo

#: imported server records one account may hold, and imported servers
MAX_RECORDS = 25_000
MAX_SERVERS = 10_000
#: import records that may be deleted in one day (UTC)
MAX_DELETIONS_PER_DAY = 25_000


@handles("StartImportTask")
def start_import_task(ctx: Context) -> Answer:
    body = ctx.body
    found = inventory(ctx)
    token = body.get("clientRequestToken")
    if token is not None:
        for task in found.import_tasks.values():
            if task.client_request_token == token:
                if (task.name, task.import_url) != (body["name"], body["importUrl"]):
                    raise ServiceError(
                        "ResourceInUseException",
                        f"StartImportTask: clientRequestToken {token!r} was used for import task "
                        f"{task.import_task_id} with other parameters; use a new token for a new import",
                    )
                return {"task": task.task_json()}
    moment = now()
    task = ImportTask(
        import_task_id(),
        token or str(uuid.uuid4()),
        body["name"],
        body["importUrl"],
        requested=moment,
        due=moment + timedelta(seconds=ctx.services.seconds[TASK_SECONDS]),
    )
    found.import_tasks[task.import_task_id] = task
    _schedule_import(task, found, ctx.services.downloads)
    return {"task": task.task_json()}


def _schedule_import(task: ImportTask, inventory: Inventory, downloads: Downloads) -> None:
    inventory.schedule(task.due, lambda inventory, when: _run(task, inventory, when, downloads))


def _schedule_deletion(task: ImportTask, inventory: Inventory) -> None:
    if task.deletion_due is not None:
        inventory.schedule(task.deletion_due, partial(_delete, task))


def _resume(task: ImportTask, inventory: Inventory, services: Services) -> None:
    """Schedule again what an import held in a scenario has still to do: to run, to be taken back."""
    if task.completed is None:
        _schedule_import(task, inventory, services.downloads)
    if task.status == "DELETE_IN_PROGRESS":
        _schedule_deletion(task, inventory)


RESUME["import"] = _resume


def _run(task: ImportTask, inventory: Inventory, moment: datetime, downloads: Downloads) -> None:
    """Import the task's file into ``inventory`` as of ``moment``; a task BatchDeleteImportData was
    asked to delete while it ran stays DELETE_IN_PROGRESS, its deletion following."""
    deleting = task.status == "DELETE_IN_PROGRESS"
    _import(task, inventory, moment, downloads)
    if deleting:
        task.status = "DELETE_IN_PROGRESS"


def _import(task: ImportTask, inventory: Inventory, moment: datetime, downloads: Downloads) -> None:
    task.completed = moment
    content = inventory.import_files.get(task.import_url)
    try:
        if content is None:
            raise UnreadableFile(
                "IMPORT_FAILED",
                f"The import file {task.import_url} could not be read; in a test, register its content first "
                f"with mhub_fake.add_import_file({task.import_url!r}, content)",
            )
        header, rows = read(content)
    except UnreadableFile as error:
        # A botocore that models no IMPORT_FAILED_UNSUPPORTED_FILE_TYPE knows the file only as failed.
        task.status = (
            error.status if catalog().models_member("discovery", "ImportStatus", error.status) else "IMPORT_FAILED"
        )
        unread = Row(0, {}, [], [("", str(error))])
        task.publish_errors(downloads, errors_zip([], [unread], moment))
        return
    if catalog().models_member("discovery", "ImportTask", "fileClassification"):
        task.file_classification = "IMPORT_TEMPLATE"
    matcher = Matcher(inventory.discovered)
    for row in rows:
        check(row, inventory)
        if not row.errors:
            row.server = matcher.find(row.values)
            if not row.server:
                row.server, row.creates = new_configuration_id("server"), True
            if "ServerId" not in row.values:  # a ServerId row's other fields are read-only: they identify nothing
                matcher.add(row.server, row.values)
    good = [row for row in rows if not row.errors]
    status = _over_quota(inventory, good)
    if status is not None:
        task.status, task.server_import_failure = status, len(rows)
        return
    for row in good:
        apply(row, inventory, task, moment)
    failed = [row for row in rows if row.errors]
    _count(task, good, failed)
    if failed:
        task.publish_errors(downloads, errors_zip(header, failed, moment))
    task.status = "IMPORT_FAILED" if not good else "IMPORT_COMPLETE_WITH_ERRORS" if failed else "IMPORT_COMPLETE"


def _over_quota(inventory: Inventory, good: list[Row]) -> str | None:
    held = sum(t.records for t in inventory.import_tasks.values() if not t.status.startswith("DELETE"))
    if held + len(good) > MAX_RECORDS:
        return "IMPORT_FAILED_RECORD_LIMIT_EXCEEDED"
    if len(inventory.discovered) + len({row.server for row in good if row.creates}) > MAX_SERVERS:
        return "IMPORT_FAILED_SERVER_LIMIT_EXCEEDED"
    return None


def _count(task: ImportTask, good: list[Row], failed: list[Row]) -> None:
    task.records = len(good)
    task.server_import_success, task.server_import_failure = len(good), len(failed)
    imported = {name for row in good for name in _applications(row)}
    task.application_import_success = len(imported)
    task.application_import_failure = len({name for row in failed for name in _applications(row)} - imported)


def _applications(row: Row) -> list[str]:
    return [name.strip() for name in row.values.get("Applications", "").split(",") if name.strip()]


#: DescribeImportTasks filter name -> the task's value it matches
_TASK_FILTERS: dict[str, Callable[[ImportTask], str | None]] = {
    "IMPORT_TASK_ID": lambda t: t.import_task_id,
    "STATUS": lambda t: t.status,
    "NAME": lambda t: t.name,
    "FILE_CLASSIFICATION": lambda t: t.file_classification,
}


@handles("DescribeImportTasks")
def describe_import_tasks(ctx: Context) -> Answer:
    tasks = [t for t in inventory(ctx).import_tasks.values() if not t.hidden]
    filters = ctx.body.get("filters") or []
    # "When filtering by import status, all other filter values are ignored."
    if any(f.get("name") == "STATUS" for f in filters):
        filters = [f for f in filters if f.get("name") == "STATUS"]
    for index, spec in enumerate(filters):
        if "name" not in spec or not spec.get("values"):
            raise ServiceError(INVALID, f"DescribeImportTasks: $.filters[{index}]: give a name and its values")
        value_of = _TASK_FILTERS[spec["name"]]
        tasks = [t for t in tasks if value_of(t) in spec["values"]]
    return page(ctx, "tasks", repr(filters), [t.task_json() for t in tasks])


@handles("BatchDeleteImportData")
def batch_delete_import_data(ctx: Context) -> Answer:
    found = inventory(ctx)
    errors: list[dict[str, Any]] = []
    moment = now()
    for task_id in ctx.body["importTaskIds"]:
        task = found.import_tasks.get(task_id)
        if task is None or task.hidden:
            errors.append(_error(task_id, "NOT_FOUND", f"No import task has the ID {task_id!r}"))
            continue
        if not task.status.startswith("DELETE"):
            day = found.deleted_records.setdefault(moment.date(), 0)
            if day + task.records > MAX_DELETIONS_PER_DAY:
                message = f"Deleting its {task.records} records would pass today's limit of {MAX_DELETIONS_PER_DAY}"
                errors.append(_error(task_id, "OVER_LIMIT", message))
                continue  # not deleted: its history stays too, so it can be deleted another day
            found.deleted_records[moment.date()] = day + task.records
            task.deletion_due = max(moment, task.due) + timedelta(seconds=ctx.services.seconds[TASK_SECONDS])
            _schedule_deletion(task, found)
            # An import still running finishes first (see _run), then is taken back: deleting it is
            # under way from now on, so asking again does nothing.
            task.status = "DELETE_IN_PROGRESS"
        if ctx.body.get("deleteHistory"):
            task.hidden = True
    return {"errors": errors} if errors else {}


def _delete(task: ImportTask, inventory: Inventory, moment: datetime) -> None:
    undo(task, inventory)
    task.status, task.deleted = "DELETE_COMPLETE", moment


def _error(task_id: str, code: str, description: str) -> dict[str, Any]:
    return {"importTaskId": task_id, "errorCode": code, "errorDescription": description}
