"""What Application Discovery Service keeps, as a scenario's ``discovery`` holds it: its tasks.

Import tasks (with what they did, which BatchDeleteImportData takes back),
exports (with the files of their zips), batch deletions, continuous exports and
the import records deleted per day. A download URL is not held: a load hands
each zip out again, under a new URL. A task still in progress is held with
when it is due, and with what it needs to finish; a load schedules it again.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .._core import Downloads, Where, epoch
from .columns import MAX_VALUE
from .jobs import (
    BECOMES,
    EXPORT_KINDS,
    RUNNING,
    ContinuousExport,
    DeletionTask,
    ExportTask,
    ImportTask,
)
from .records import SERVER_ATTRIBUTES, SERVER_TYPES
from .scenario import (
    Held,
    Section,
    content,
    count,
    dump_agent,
    encoded,
    entries,
    field_value,
    load_agent,
    maybe_moment,
    modelled,
    moment,
    one_of,
    shown,
    strings,
    text,
    unique,
    valid,
    whole,
)

# --- import tasks -------------------------------------------------------------------------------------

_COUNTS = (
    "server_import_success",
    "server_import_failure",
    "application_import_success",
    "application_import_failure",
    "records",
)
_IMPORT = (
    "import_task_id",
    "client_request_token",
    "name",
    "import_url",
    "status",
    "requested",
    "due",
    "completed",
    "deleted",
    "file_classification",
    *_COUNTS,
    "errors_zip",
    "created_servers",
    "created_applications",
    "tags",
    "memberships",
    "changes",
    "attributes",
    "hidden",
)
#: an import in progress: it has still to run, or to be taken back
IMPORTING, DELETING = "IMPORT_IN_PROGRESS", "DELETE_IN_PROGRESS"
_OR_NULL = (str, type(None))


def _dump_import(task: ImportTask) -> dict[str, Any]:
    out: dict[str, Any] = {
        "import_task_id": task.import_task_id,
        "client_request_token": task.client_request_token,
        "name": task.name,
        "import_url": task.import_url,
        "status": task.status,
        "requested": epoch(task.requested),
        "due": epoch(task.due),
    }
    times = [("completed", task.completed), ("deleted", task.deleted)]
    if task.status == DELETING:
        times.append(("deletion_due", task.deletion_due))
    out.update((key, epoch(value)) for key, value in times if value is not None)
    if task.file_classification is not None:
        out["file_classification"] = task.file_classification
    out.update((key, getattr(task, key)) for key in _COUNTS)
    if task.errors_zip is not None:
        out["errors_zip"] = encoded(task.errors_zip)
    lists: dict[str, list[Any]] = {
        "created_servers": list(task.created_servers),
        "created_applications": list(task.created_applications),
        "tags": [list(entry) for entry in task.tags],
        "memberships": [list(entry) for entry in task.memberships],
        "changes": [list(entry) for entry in task.changes],
        "attributes": [list(entry) for entry in task.attributes],
    }
    out.update((key, values) for key, values in lists.items() if values)
    if task.hidden:
        out["hidden"] = True
    return out


def _load_import(held: Any, where: Where) -> ImportTask:
    task_id = where.get(held, "import_task_id", str)
    status = modelled(where, held, "status", "ImportStatus")
    where.only(held, (*_IMPORT, "deletion_due") if status == DELETING else _IMPORT)
    valid(where / "import_task_id", task_id, "BatchDeleteImportData", "importTaskIds", "[]")
    token, name, url = (where.get(held, key, str) for key in ("client_request_token", "name", "import_url"))
    whole(where, {"clientRequestToken": token, "name": name, "importUrl": url}, "StartImportTask")
    task = ImportTask(task_id, token, name, url, moment(where, held, "requested"), moment(where, held, "due"))
    task.status, task.completed = status, maybe_moment(where, held, "completed")
    if status == IMPORTING and task.completed is not None:
        raise (where / "completed").fail(f"an import {IMPORTING} has not completed yet")
    task.deleted = maybe_moment(where, held, "deleted")
    task.deletion_due = moment(where, held, "deletion_due") if status == DELETING else None
    if where.get(held, "file_classification", str, optional=True) is not None:
        task.file_classification = modelled(where, held, "file_classification", "FileClassification")
    for key in _COUNTS:
        setattr(task, key, count(where, held, key))
    if held.get("errors_zip") is not None:
        task.errors_zip = content(where / "errors_zip", held["errors_zip"])
    task.created_servers = strings(where, held, "created_servers")
    task.created_applications = strings(where, held, "created_applications")
    _load_undo(task, held, where)
    task.hidden = where.get(held, "hidden", bool, optional=True) is True
    return task


def _load_undo(task: ImportTask, held: Any, where: Where) -> None:
    """What the import did, which BatchDeleteImportData takes back: each value one it could have set."""
    task.tags = [(s, k, v) for s, k, v in entries(where, held, "tags", (str,) * 3, "[server, key, value]")]
    task.memberships = [(a, s) for a, s in entries(where, held, "memberships", (str,) * 2, "[application, server]")]
    kinds = (str, str, _OR_NULL, str)
    changes = entries(where, held, "changes", kinds, "[server, column, value before or null, value after]")
    for index, (_, column, before, after) in enumerate(changes):
        for value in (before, after):
            if value is not None:
                field_value(where / "changes" / index, column, value)
    task.changes = [(s, c, b, a) for s, c, b, a in changes]
    either = (str, str, _OR_NULL, _OR_NULL)
    attributes = entries(where, held, "attributes", either, "[server, attribute, before or null, after or null]")
    for index, (_, attribute, before, after) in enumerate(attributes):
        at = where / "attributes" / index
        if attribute not in SERVER_ATTRIBUTES:
            raise at.fail(
                f"{attribute!r} is not an attribute an import sets; use one of {', '.join(SERVER_ATTRIBUTES)}"
            )
        for value in (before, after):
            if attribute == "server_type" and value not in SERVER_TYPES:
                raise at.fail(f"a server_type is one of {', '.join(SERVER_TYPES)}; got {shown(value)}")
            if value is not None and len(value) > MAX_VALUE:
                raise at.fail(f"a value is at most {MAX_VALUE} characters; got {len(value)}")
    task.attributes = [(s, a, b, f) for s, a, b, f in attributes]


def _load_imports(inventory: Held, listed: list[Any], where: Where) -> None:
    tokens: set[str] = set()
    for index, held in enumerate(listed):
        task = _load_import(held, where / index)
        unique(where / index / "import_task_id", inventory.import_tasks, task.import_task_id, "import task")
        unique(where / index / "client_request_token", tokens, task.client_request_token, "client request token")
        tokens.add(task.client_request_token)
        inventory.import_tasks[task.import_task_id] = task


# --- exports ---------------------------------------------------------------------------------------------

_EXPORT = (
    "export_id",
    "kind",
    "agent_id",
    "status",
    "message",
    "requested",
    "due",
    "requested_start",
    "requested_end",
    "files",
)
#: what an export in progress needs to finish
_TO_FINISH = ("account", "request", "agent")
_ACCOUNT = re.compile(r"\d{12}\Z")


def _dump_export(task: ExportTask, inventory: Held) -> dict[str, Any]:
    out: dict[str, Any] = {"export_id": task.export_id, "kind": task.kind}
    if task.agent_id is not None:
        out["agent_id"] = task.agent_id
    out.update(status=task.status, message=task.message, requested=epoch(task.requested), due=epoch(task.due))
    asked = (("requested_start", task.requested_start), ("requested_end", task.requested_end))
    out.update((key, epoch(value)) for key, value in asked if value is not None)
    if task.files:
        out["files"] = {name: encoded(data) for name, data in task.files.items()}
    if task.status == "IN_PROGRESS":
        out["account"] = task.account
        if task.request:
            out["request"] = dict(task.request)
        # The agent asked for is held while it is not among the agents any more: its data is exported still.
        if task.agent is not None and inventory.agents.get(task.agent.agent_id) is not task.agent:
            out["agent"] = dump_agent(task.agent)
    return out


def _load_export(inventory: Held, held: Any, where: Where) -> ExportTask:
    export_id = where.get(held, "export_id", str)
    status = modelled(where, held, "status", "ExportStatus")
    where.only(held, (*_EXPORT, *_TO_FINISH) if status == "IN_PROGRESS" else _EXPORT)
    valid(where / "export_id", export_id, "DescribeExportTasks", "exportIds", "[]")
    unique(where / "export_id", inventory.export_tasks, export_id, "export")
    kind = one_of(where, held, "kind", EXPORT_KINDS)
    agent_id = where.get(held, "agent_id", str, optional=(kind != "agent"))
    if agent_id is not None:
        if kind != "agent":
            raise (where / "agent_id").fail(f"only an agent's export names an agent; this one is a {kind} export")
        valid(where / "agent_id", agent_id, "StartDataCollectionByAgentIds", "agentIds", "[]")
    task = ExportTask(export_id, moment(where, held, "requested"), moment(where, held, "due"), kind, agent_id)
    task.status, task.message = status, text(where, held, "message")
    task.requested_start = maybe_moment(where, held, "requested_start")
    task.requested_end = maybe_moment(where, held, "requested_end")
    for name, data in (where.get(held, "files", dict, optional=True) or {}).items():
        task.files[name] = content(where / "files" / name, data)
    if status == "IN_PROGRESS":
        _load_to_finish(task, inventory, held, where)
    return task


def _load_to_finish(task: ExportTask, inventory: Held, held: Any, where: Where) -> None:
    task.account = where.get(held, "account", str)
    if not _ACCOUNT.match(task.account):
        raise (where / "account").fail("an AWS account ID is 12 digits")
    task.request = where.get(held, "request", dict, optional=True) or {}
    whole(
        where / "request", task.request, "ExportConfigurations" if task.kind == "configurations" else "StartExportTask"
    )
    preferences = (task.request.get("preferences") or {}).get("ec2RecommendationsPreferences") or {}
    if task.kind in ("summary", "ec2-recommendations") and (preferences.get("enabled") is True) != (
        task.kind == "ec2-recommendations"
    ):
        raise (where / "request").fail(
            "enables EC2 recommendations exactly when the export is of kind ec2-recommendations (an agent's "
            "export, which may enable them too, is of kind agent)"
        )
    if task.agent_id is None:
        if "agent" in held:
            raise (where / "agent").fail("only an agent's export holds an agent")
        return
    task.agent = inventory.agents.get(task.agent_id)
    if "agent" in held:
        task.agent = load_agent(held["agent"], where / "agent")
    if task.agent is None or task.agent.agent_id != task.agent_id:
        raise (where / "agent").fail(f"must hold the agent {task.agent_id!r}: the scenario's agents lack it")


def _load_exports(inventory: Held, listed: list[Any], where: Where) -> None:
    for index, held in enumerate(listed):
        task = _load_export(inventory, held, where / index)
        inventory.export_tasks[task.export_id] = task


# --- batch deletions ---------------------------------------------------------------------------------------

_DELETION = ("task_id", "requested", "started", "due", "finished", "deleted", "failed", "warnings")
#: what a failed deletion and a warning hold: their members, and whether each is a number
_FAILED = {"configurationId": str, "errorStatusCode": int, "errorMessage": str}
_WARNING = {"configurationId": str, "warningCode": int, "warningText": str}


def _dump_deletion(task: DeletionTask) -> dict[str, Any]:
    out: dict[str, Any] = {
        "task_id": task.task_id,
        "requested": list(task.requested),
        "started": epoch(task.started),
        "due": epoch(task.due),
    }
    if task.finished:
        out["finished"] = True
    lists = (("deleted", task.deleted), ("failed", task.failed), ("warnings", task.warnings))
    out.update(
        (key, [entry if isinstance(entry, str) else dict(entry) for entry in values]) for key, values in lists if values
    )
    return out


def _load_deletion(inventory: Held, held: Any, where: Where) -> DeletionTask:
    task_id = where.get(held, "task_id", str)
    where.only(held, _DELETION)
    valid(where / "task_id", task_id, "DescribeBatchDeleteConfigurationTask", "taskId")
    unique(where / "task_id", inventory.deletions, task_id, "deletion task")
    requested = where.get(held, "requested", list)
    valid(where / "requested", requested, "StartBatchDeleteConfigurationTask", "configurationIds")
    task = DeletionTask(task_id, list(requested), moment(where, held, "started"), moment(where, held, "due"))
    task.finished = where.get(held, "finished", bool, optional=True) is True
    task.deleted = strings(where, held, "deleted")
    task.failed = _objects(where, held, "failed", _FAILED)
    task.warnings = _objects(where, held, "warnings", _WARNING)
    return task


def _objects(where: Where, held: Any, key: str, members: dict[str, type]) -> list[dict[str, Any]]:
    out = []
    for index, record in enumerate(where.get(held, key, list, optional=True) or []):
        at = where / key / index
        out.append({member: at.get(record, member, kind) for member, kind in members.items()})
        at.only(record, members)
    return out


def _load_deletions(inventory: Held, listed: list[Any], where: Where) -> None:
    for index, held in enumerate(listed):
        task = _load_deletion(inventory, held, where / index)
        inventory.deletions[task.task_id] = task


# --- continuous exports ------------------------------------------------------------------------------------

_CONTINUOUS = ("export_id", "s3_bucket", "started", "status", "stopped")


def _dump_continuous(export: ContinuousExport) -> dict[str, Any]:
    out: dict[str, Any] = {
        "export_id": export.export_id,
        "s3_bucket": export.s3_bucket,
        "started": epoch(export.started),
        "status": export.status,
    }
    if export.stopped is not None:
        out["stopped"] = epoch(export.stopped)
    if export.status in BECOMES and export.due is not None:
        out["due"] = epoch(export.due)
    return out


def _load_continuous(inventory: Held, held: Any, where: Where) -> ContinuousExport:
    export_id = where.get(held, "export_id", str)
    status = modelled(where, held, "status", "ContinuousExportStatus")
    where.only(held, (*_CONTINUOUS, "due") if status in BECOMES else _CONTINUOUS)
    valid(where / "export_id", export_id, "DescribeContinuousExports", "exportIds", "[]")
    unique(where / "export_id", inventory.continuous_exports, export_id, "continuous export")
    export = ContinuousExport(
        export_id, text(where, held, "s3_bucket", least=3, most=63), moment(where, held, "started")
    )
    export.status, export.stopped = status, maybe_moment(where, held, "stopped")
    export.due = moment(where, held, "due") if status in BECOMES else None
    if status in RUNNING:
        running = next((e for e in inventory.continuous_exports.values() if e.status in RUNNING), None)
        if running is not None:
            raise (where / "status").fail(
                f"one continuous export runs at a time, and {running.export_id} is {running.status}"
            )
    return export


def _load_continuous_exports(inventory: Held, listed: list[Any], where: Where) -> None:
    for index, held in enumerate(listed):
        export = _load_continuous(inventory, held, where / index)
        inventory.continuous_exports[export.export_id] = export


# --- records deleted per day ---------------------------------------------------------------------------------


def _load_deleted(inventory: Held, held: dict[str, Any], where: Where) -> None:
    for day in held:
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            parsed = None
        if parsed is None or parsed.isoformat() != day:
            raise (where / day).fail("a day is written YYYY-MM-DD")
        inventory.deleted_records[parsed] = count(where, held, day)


# --- after a load ----------------------------------------------------------------------------------------------


def republish(inventory: Held, downloads: Downloads) -> None:
    """Hand out again each zip the tasks handed out (under new URLs: a URL is not state)."""
    for task in inventory.import_tasks.values():
        if task.errors_zip is not None:
            task.publish_errors(downloads, task.errors_zip)
    for export in inventory.export_tasks.values():
        if export.status == "SUCCEEDED":
            export.publish(downloads)


def in_progress(inventory: Held) -> list[tuple[str, Any]]:
    """``(kind, task)`` of every task that has still to finish, by kind, each kind in the order held."""
    return [
        *[("import", t) for t in inventory.import_tasks.values() if t.status in (IMPORTING, DELETING)],
        *[("export", t) for t in inventory.export_tasks.values() if t.status == "IN_PROGRESS"],
        *[("deletion", t) for t in inventory.deletions.values() if not t.finished],
        *[("continuous", e) for e in inventory.continuous_exports.values() if e.status in BECOMES],
    ]


#: the tasks' members of a scenario's ``discovery``, in the order they are loaded
TASKS: tuple[Section, ...] = (
    ("import_tasks", list, lambda held: [_dump_import(t) for t in held.import_tasks.values()], _load_imports),
    ("export_tasks", list, lambda held: [_dump_export(t, held) for t in held.export_tasks.values()], _load_exports),
    ("deletions", list, lambda held: [_dump_deletion(t) for t in held.deletions.values()], _load_deletions),
    (
        "continuous_exports",
        list,
        lambda held: [_dump_continuous(e) for e in held.continuous_exports.values()],
        _load_continuous_exports,
    ),
    (
        "deleted_records",
        dict,
        lambda held: {day.isoformat(): records for day, records in held.deleted_records.items()},
        _load_deleted,
    ),
)
