"""What each operation does once a request has passed validation and the checks
every operation shares (faults, home region, authorisation, DryRun).

A handler takes the fake's state and the request body and returns the response
body, or raises :class:`ServiceError` with a modelled error code.
"""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from ._state import MigrationTask, Stream, Update, from_epoch, now

if TYPE_CHECKING:
    from ._fake import MigrationHubFake


class ServiceError(Exception):
    """An AWS error the fake answers with (becomes a ``ClientError`` in botocore)."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra


Handler = Callable[["MigrationHubFake", Dict[str, Any]], Dict[str, Any]]
HANDLERS: Dict[str, Handler] = {}


def handles(operation: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[operation] = fn
        return fn

    return register


def _stream(fake: "MigrationHubFake", operation: str, name: str) -> Stream:
    stream = fake._streams.get(name)
    if stream is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"{operation}: progress update stream {name!r} does not exist; "
            "create it with CreateProgressUpdateStream first",
        )
    return stream


def _task(fake: "MigrationHubFake", operation: str, body: Dict[str, Any]) -> MigrationTask:
    stream = _stream(fake, operation, body["ProgressUpdateStream"])
    task = stream.tasks.get(body["MigrationTaskName"])
    if task is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"{operation}: migration task {body['MigrationTaskName']!r} does not exist in "
            f"progress update stream {stream.name!r}; import it with ImportMigrationTask first",
        )
    return task


def paginate(
    fake: "MigrationHubFake",
    operation: str,
    scope: str,
    items: List[Any],
    body: Dict[str, Any],
    default_page_size: int = 100,
) -> Tuple[List[Any], Optional[str]]:
    """Cut ``items`` into pages with tokens only this fake can have issued."""
    page_size = body.get("MaxResults") or default_page_size
    start = 0
    token = body.get("NextToken")
    if token:
        start = fake._tokens.decode(operation, scope, token, len(items))
    end = start + page_size
    next_token = fake._tokens.encode(operation, scope, end) if end < len(items) else None
    return items[start:end], next_token


# --- mgh ------------------------------------------------------------------


@handles("CreateProgressUpdateStream")
def create_progress_update_stream(fake: "MigrationHubFake", body: Dict[str, Any]) -> Dict[str, Any]:
    name = body["ProgressUpdateStreamName"]
    # Idempotent: tools create their stream on every run.
    fake._streams.setdefault(name, Stream(name))
    return {}


@handles("ImportMigrationTask")
def import_migration_task(fake: "MigrationHubFake", body: Dict[str, Any]) -> Dict[str, Any]:
    stream = _stream(fake, "ImportMigrationTask", body["ProgressUpdateStream"])
    name = body["MigrationTaskName"]
    if name not in stream.tasks:
        stream.tasks[name] = MigrationTask(stream.name, name)
    return {}


@handles("NotifyMigrationTaskState")
def notify_migration_task_state(fake: "MigrationHubFake", body: Dict[str, Any]) -> Dict[str, Any]:
    task = _task(fake, "NotifyMigrationTaskState", body)
    state = body["Task"]
    task._updates.append(
        Update(
            status=state["Status"],
            status_detail=state.get("StatusDetail"),
            progress_percent=state.get("ProgressPercent"),
            update_date_time=from_epoch(body["UpdateDateTime"]),
            next_update_seconds=body["NextUpdateSeconds"],
        )
    )
    return {}


@handles("DescribeMigrationTask")
def describe_migration_task(fake: "MigrationHubFake", body: Dict[str, Any]) -> Dict[str, Any]:
    task = _task(fake, "DescribeMigrationTask", body)
    described: Dict[str, Any] = {
        "ProgressUpdateStream": task.stream,
        "MigrationTaskName": task.name,
        "ResourceAttributeList": [],
    }
    latest = task.latest
    if latest is not None:
        described["Task"] = latest.task_json()
        described["UpdateDateTime"] = latest.update_date_time.timestamp()
    return {"MigrationTask": described}


@handles("ListMigrationTaskUpdates")
def list_migration_task_updates(fake: "MigrationHubFake", body: Dict[str, Any]) -> Dict[str, Any]:
    task = _task(fake, "ListMigrationTaskUpdates", body)
    page, token = paginate(
        fake, "ListMigrationTaskUpdates", f"{task.stream}/{task.name}", task._updates, body
    )
    out: Dict[str, Any] = {
        "MigrationTaskUpdateList": [
            {
                "UpdateDateTime": update.update_date_time.timestamp(),
                "UpdateType": "MIGRATION_TASK_STATE_UPDATED",
                "MigrationTaskState": update.task_json(),
            }
            for update in page
        ]
    }
    if token:
        out["NextToken"] = token
    return out


@handles("ListProgressUpdateStreams")
def list_progress_update_streams(fake: "MigrationHubFake", body: Dict[str, Any]) -> Dict[str, Any]:
    page, token = paginate(fake, "ListProgressUpdateStreams", "", list(fake._streams), body)
    out: Dict[str, Any] = {
        "ProgressUpdateStreamSummaryList": [{"ProgressUpdateStreamName": name} for name in page]
    }
    if token:
        out["NextToken"] = token
    return out


# --- migrationhub-config --------------------------------------------------

_CONTROL_ID_CHARS = string.ascii_lowercase + string.digits


def new_control_id() -> str:
    return "hrc-" + "".join(secrets.choice(_CONTROL_ID_CHARS) for _ in range(12))


def control_json(control: Dict[str, Any]) -> Dict[str, Any]:
    out = dict(control)
    out["RequestedTime"] = control["RequestedTime"].timestamp()
    return out


@handles("GetHomeRegion")
def get_home_region(fake: "MigrationHubFake", body: Dict[str, Any]) -> Dict[str, Any]:
    # With no home region set the real service answers with an empty body.
    control = fake._home_control
    return {"HomeRegion": control["HomeRegion"]} if control else {}


@handles("CreateHomeRegionControl")
def create_home_region_control(fake: "MigrationHubFake", body: Dict[str, Any]) -> Dict[str, Any]:
    control = fake._home_control
    if control is not None:
        if control["HomeRegion"] != body["HomeRegion"]:
            raise ServiceError(
                "InvalidInputException",
                f"CreateHomeRegionControl: the home region is already {control['HomeRegion']}; "
                f"delete its control {control['ControlId']} with DeleteHomeRegionControl "
                f"before choosing {body['HomeRegion']}",
            )
        return {"HomeRegionControl": control_json(control)}
    control = fake._set_home_region(body["HomeRegion"], body["Target"])
    return {"HomeRegionControl": control_json(control)}


@handles("DescribeHomeRegionControls")
def describe_home_region_controls(
    fake: "MigrationHubFake", body: Dict[str, Any]
) -> Dict[str, Any]:
    controls = [fake._home_control] if fake._home_control else []
    matching = [
        c
        for c in controls
        if body.get("ControlId", c["ControlId"]) == c["ControlId"]
        and body.get("HomeRegion", c["HomeRegion"]) == c["HomeRegion"]
        and _target_matches(body.get("Target"), c["Target"])
    ]
    page, token = paginate(fake, "DescribeHomeRegionControls", "", matching, body)
    out: Dict[str, Any] = {"HomeRegionControls": [control_json(c) for c in page]}
    if token:
        out["NextToken"] = token
    return out


def _target_matches(wanted: Optional[Dict[str, Any]], target: Dict[str, Any]) -> bool:
    if wanted is None:
        return True
    return all(target.get(key) == value for key, value in wanted.items())


@handles("DeleteHomeRegionControl")
def delete_home_region_control(fake: "MigrationHubFake", body: Dict[str, Any]) -> Dict[str, Any]:
    control = fake._home_control
    if control is None or control["ControlId"] != body["ControlId"]:
        raise ServiceError(
            "InvalidInputException",
            f"DeleteHomeRegionControl: no home region control has the ID {body['ControlId']!r}",
        )
    # Tracking data stays; only the home region is unset.
    fake._home_control = None
    return {}


def timestamp_now() -> float:
    return now().timestamp()
