"""What each operation does once a request has passed the checks every
operation shares (faults, validation, home region, authorisation, DryRun).

A handler takes the :class:`Request` and returns the response body, or raises
:class:`ServiceError` with a modelled error code.
"""

from __future__ import annotations

import json
import re
import secrets
import string
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from ._state import Account, Application, MigrationTask, Stream, Update, from_epoch, now

if TYPE_CHECKING:
    from ._fake import MigrationHubFake


class ServiceError(Exception):
    """An AWS error the fake answers with (becomes a ``ClientError`` in botocore)."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra


@dataclass
class Request:
    fake: "MigrationHubFake"
    account: Account
    operation: str
    body: Dict[str, Any]
    #: the largest MaxResults the model allows: the page size when none is asked
    page_size: int = 100
    #: the update an accepted NotifyMigrationTaskState made (its call record keeps it)
    made: Optional[Update] = None


Handler = Callable[[Request], Dict[str, Any]]
HANDLERS: Dict[str, Handler] = {}


def handles(operation: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[operation] = fn
        return fn

    return register


# --- shared lookups ---------------------------------------------------------


def live_streams(account: Account) -> Dict[str, Stream]:
    """The account's streams, once any deletion whose window has passed is done."""
    streams = account.streams
    if any(s.deleted_at is not None for s in streams.values()):
        moment = now()
        for name in [n for n, s in streams.items() if s.deleted_at is not None and s.deleted_at <= moment]:
            del streams[name]
    return streams


def _stream(req: Request, name: str, *, writing: bool = False) -> Stream:
    stream = live_streams(req.account).get(name)
    if stream is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"{req.operation}: progress update stream {name!r} does not exist; "
            "create it with CreateProgressUpdateStream first",
        )
    if writing and stream.deleted_at is not None:
        raise ServiceError(
            "InvalidInputException",
            f"{req.operation}: progress update stream {name!r} is being deleted; "
            "wait until the deletion has finished, then create it again",
        )
    return stream


def _task(req: Request, *, writing: bool = False) -> MigrationTask:
    body = req.body
    stream = _stream(req, body["ProgressUpdateStream"], writing=writing)
    task = stream.tasks.get(body["MigrationTaskName"])
    if task is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"{req.operation}: migration task {body['MigrationTaskName']!r} does not exist in "
            f"progress update stream {stream.name!r}; import it with ImportMigrationTask first",
        )
    return task


def paginate(req: Request, scope: str, items: List[Any]) -> Tuple[List[Any], Optional[str]]:
    """Cut ``items`` into pages with tokens only this fake can have issued.

    A token remembers the last item it followed, so a page after items were
    added or removed still starts where the previous one ended.
    """
    page_size = req.body.get("MaxResults") or req.page_size
    start = 0
    token = req.body.get("NextToken")
    scope = f"{req.account.account_id}:{scope}"
    if token:
        offset, last = req.fake._tokens.decode(req.operation, scope, token)
        start = _resume(items, offset, last)
    page = items[start : start + page_size]
    end = start + len(page)
    next_token = None
    if end < len(items):
        next_token = req.fake._tokens.encode(req.operation, scope, end, _key(page[-1]))
    return page, next_token


def _key(item: Any) -> str:
    return json.dumps(item, sort_keys=True)


def _resume(items: List[Any], offset: int, last: str) -> int:
    if 0 < offset <= len(items) and _key(items[offset - 1]) == last:
        return offset
    for position, item in enumerate(items):
        if _key(item) == last:
            return position + 1
    # The item the token followed is gone: carry on from the same position.
    return min(offset, len(items))


def _page(req: Request, key: str, scope: str, items: List[Any]) -> Dict[str, Any]:
    page, token = paginate(req, scope, items)
    out: Dict[str, Any] = {key: page}
    if token:
        out["NextToken"] = token
    return out


def _epoch(moment: Any) -> float:
    return float(moment.timestamp())


# --- streams and tasks ------------------------------------------------------------


@handles("CreateProgressUpdateStream")
def create_progress_update_stream(req: Request) -> Dict[str, Any]:
    name = req.body["ProgressUpdateStreamName"]
    streams = live_streams(req.account)
    existing = streams.get(name)
    if existing is not None and existing.deleted_at is not None:
        _stream(req, name, writing=True)
    # Idempotent: tools create their stream on every run.
    streams.setdefault(name, Stream(name))
    return {}


@handles("DeleteProgressUpdateStream")
def delete_progress_update_stream(req: Request) -> Dict[str, Any]:
    stream = _stream(req, req.body["ProgressUpdateStreamName"], writing=True)
    # Deletion runs in the background: the stream stays listed, refusing
    # writes, until the window has passed on the fake's clock.
    stream.deleted_at = now() + req.fake.stream_deletion_window
    live_streams(req.account)
    return {}


@handles("ListProgressUpdateStreams")
def list_progress_update_streams(req: Request) -> Dict[str, Any]:
    names = [{"ProgressUpdateStreamName": name} for name in live_streams(req.account)]
    return _page(req, "ProgressUpdateStreamSummaryList", "", names)


@handles("ImportMigrationTask")
def import_migration_task(req: Request) -> Dict[str, Any]:
    stream = _stream(req, req.body["ProgressUpdateStream"], writing=True)
    name = req.body["MigrationTaskName"]
    if name not in stream.tasks:
        stream.tasks[name] = MigrationTask(stream.name, name)
    return {}


@handles("NotifyMigrationTaskState")
def notify_migration_task_state(req: Request) -> Dict[str, Any]:
    task = _task(req, writing=True)
    body = req.body
    state = body["Task"]
    detail = state.get("StatusDetail")
    if detail is not None:
        detail = req.fake._texts.setdefault(detail, detail)
    update = Update(
        status=sys.intern(state["Status"]),
        status_detail=detail,
        progress_percent=state.get("ProgressPercent"),
        update_date_time=body["UpdateDateTime"],
        next_update_seconds=body["NextUpdateSeconds"],
        stream=task.stream,
        task=task.name,
    )
    task._updates.append(update)
    req.made = update
    return {}


def _described(task: MigrationTask) -> Dict[str, Any]:
    described: Dict[str, Any] = {"ProgressUpdateStream": task.stream, "MigrationTaskName": task.name}
    # Optional members the task does not have are left out, as AWS does: a
    # task without resource attributes has no ResourceAttributeList, not [].
    if task._attributes:
        described["ResourceAttributeList"] = task.resource_attributes
    latest = task.latest
    if latest is not None:
        described["Task"] = latest.task_json()
        described["UpdateDateTime"] = _epoch(latest.update_date_time)
    return described


@handles("DescribeMigrationTask")
def describe_migration_task(req: Request) -> Dict[str, Any]:
    return {"MigrationTask": _described(_task(req))}


@handles("ListMigrationTaskUpdates")
def list_migration_task_updates(req: Request) -> Dict[str, Any]:
    task = _task(req)
    updates = [
        {
            "UpdateDateTime": _epoch(update.update_date_time),
            "UpdateType": "MIGRATION_TASK_STATE_UPDATED",
            "MigrationTaskState": update.task_json(),
        }
        for update in task._updates
    ]
    return _page(req, "MigrationTaskUpdateList", f"{task.stream}/{task.name}", updates)


@handles("ListMigrationTasks")
def list_migration_tasks(req: Request) -> Dict[str, Any]:
    resource = req.body.get("ResourceName")
    summaries = []
    for stream in live_streams(req.account).values():
        for task in stream.tasks.values():
            if resource is not None and resource not in task._discovered:
                continue
            summary: Dict[str, Any] = {"ProgressUpdateStream": task.stream, "MigrationTaskName": task.name}
            latest = task.latest
            if latest is not None:
                summary.update(latest.task_json())
                summary["UpdateDateTime"] = _epoch(latest.update_date_time)
            summaries.append(summary)
    return _page(req, "MigrationTaskSummaryList", f"resource={resource}", summaries)


def _is_ipv4(value: str) -> bool:
    parts = value.split(".")
    return len(parts) == 4 and all(p.isdigit() and p.isascii() and int(p) <= 255 for p in parts)


#: the value format the model documents for each attribute type that has one
_ATTRIBUTE_FORMATS: Dict[str, Tuple[str, Callable[[str], bool]]] = {
    "IPV4_ADDRESS": ("x.x.x.x where x is an integer in the range [0,255]", _is_ipv4),
    "IPV6_ADDRESS": (
        "y:y:y:y:y:y:y:y where y is a hexadecimal number between 0 and FFFF",
        lambda v: re.fullmatch(r"[0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{1,4}){7}", v) is not None,
    ),
    "MAC_ADDRESS": (
        "^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$",
        lambda v: re.fullmatch(r"([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}", v) is not None,
    ),
    "FQDN": (
        "1 to 256 characters, none of them <>{}\\/?,= or a control character",
        lambda v: re.fullmatch(r"[^<>{}\\/?,=\x00-\x1f\x7f]{1,256}", v) is not None,
    ),
}
_VM_TYPES = ("VM_MANAGED_OBJECT_REFERENCE", "VM_NAME", "VM_PATH")


@handles("PutResourceAttributes")
def put_resource_attributes(req: Request) -> Dict[str, Any]:
    task = _task(req, writing=True)
    attributes = [dict(a) for a in req.body["ResourceAttributeList"]]
    for index, attribute in enumerate(attributes):
        rule = _ATTRIBUTE_FORMATS.get(attribute["Type"])
        if rule is not None and not rule[1](attribute["Value"]):
            raise ServiceError(
                "InvalidInputException",
                f"PutResourceAttributes: $.ResourceAttributeList[{index}].Value: "
                f"{attribute['Value']!r} is not a valid {attribute['Type']} ({rule[0]})",
            )
    # Without VM_MANAGER_ID the service discards every other "VM" attribute.
    if not any(a["Type"] == "VM_MANAGER_ID" for a in attributes):
        attributes = [a for a in attributes if a["Type"] not in _VM_TYPES]
    # Each call replaces the attributes stored before.
    task._attributes = attributes
    return {}


# --- what is associated with a task -------------------------------------------


def _associate(req: Request, collection: str, member: str, key: str) -> Dict[str, Any]:
    task = _task(req, writing=True)
    record = dict(req.body[member])
    getattr(task, collection)[record[key]] = record
    return {}


def _disassociate(req: Request, collection: str, member: str, what: str) -> Dict[str, Any]:
    task = _task(req, writing=True)
    name = req.body[member]
    records = getattr(task, collection)
    if name not in records:
        raise ServiceError(
            "ResourceNotFoundException",
            f"{req.operation}: {what} {name!r} is not associated with migration task {task.name!r}",
        )
    del records[name]
    return {}


def _listing(req: Request, collection: str, key: str) -> Dict[str, Any]:
    task = _task(req)
    records = [dict(r) for r in getattr(task, collection).values()]
    return _page(req, key, f"{task.stream}/{task.name}", records)


@handles("AssociateCreatedArtifact")
def associate_created_artifact(req: Request) -> Dict[str, Any]:
    return _associate(req, "_artifacts", "CreatedArtifact", "Name")


@handles("DisassociateCreatedArtifact")
def disassociate_created_artifact(req: Request) -> Dict[str, Any]:
    return _disassociate(req, "_artifacts", "CreatedArtifactName", "created artifact")


@handles("ListCreatedArtifacts")
def list_created_artifacts(req: Request) -> Dict[str, Any]:
    return _listing(req, "_artifacts", "CreatedArtifactList")


@handles("AssociateDiscoveredResource")
def associate_discovered_resource(req: Request) -> Dict[str, Any]:
    configuration_id = req.body["DiscoveredResource"]["ConfigurationId"]
    if configuration_id not in req.account.discovered:
        raise ServiceError(
            "ResourceNotFoundException",
            f"{req.operation}: Application Discovery Service has no configuration item "
            f"{configuration_id!r}; in a test, add it first with "
            f"mhub_fake.add_discovered_resource({configuration_id!r})",
        )
    return _associate(req, "_discovered", "DiscoveredResource", "ConfigurationId")


@handles("DisassociateDiscoveredResource")
def disassociate_discovered_resource(req: Request) -> Dict[str, Any]:
    return _disassociate(req, "_discovered", "ConfigurationId", "discovered resource")


@handles("ListDiscoveredResources")
def list_discovered_resources(req: Request) -> Dict[str, Any]:
    return _listing(req, "_discovered", "DiscoveredResourceList")


@handles("AssociateSourceResource")
def associate_source_resource(req: Request) -> Dict[str, Any]:
    return _associate(req, "_sources", "SourceResource", "Name")


@handles("DisassociateSourceResource")
def disassociate_source_resource(req: Request) -> Dict[str, Any]:
    return _disassociate(req, "_sources", "SourceResourceName", "source resource")


@handles("ListSourceResources")
def list_source_resources(req: Request) -> Dict[str, Any]:
    return _listing(req, "_sources", "SourceResourceList")


# --- applications -----------------------------------------------------------------


def _application(req: Request, application_id: str) -> Application:
    application = req.account.applications.get(application_id)
    if application is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"{req.operation}: Application Discovery Service has no application "
            f"{application_id!r}; in a test, add it first with "
            f"mhub_fake.add_application({application_id!r})",
        )
    return application


@handles("NotifyApplicationState")
def notify_application_state(req: Request) -> Dict[str, Any]:
    application = _application(req, req.body["ApplicationId"])
    application.status = req.body["Status"]
    when = req.body.get("UpdateDateTime")
    application.last_updated_time = from_epoch(when) if when is not None else now()
    return {}


def _application_state(application: Application) -> Dict[str, Any]:
    state: Dict[str, Any] = {}
    if application.status is not None:
        state["ApplicationStatus"] = application.status
    if application.last_updated_time is not None:
        state["LastUpdatedTime"] = _epoch(application.last_updated_time)
    return state


@handles("DescribeApplicationState")
def describe_application_state(req: Request) -> Dict[str, Any]:
    return _application_state(_application(req, req.body["ApplicationId"]))


@handles("ListApplicationStates")
def list_application_states(req: Request) -> Dict[str, Any]:
    wanted = req.body.get("ApplicationIds")
    states = [
        {"ApplicationId": app.application_id, **_application_state(app)}
        for app in req.account.applications.values()
        if app.status is not None and (wanted is None or app.application_id in wanted)
    ]
    scope = "ids=" + ",".join(sorted(wanted)) if wanted else "all"
    return _page(req, "ApplicationStateList", scope, states)


# --- migrationhub-config ----------------------------------------------------------

_CONTROL_ID_CHARS = string.ascii_lowercase + string.digits


def new_control_id() -> str:
    return "hrc-" + "".join(secrets.choice(_CONTROL_ID_CHARS) for _ in range(12))


def control_json(control: Dict[str, Any]) -> Dict[str, Any]:
    out = dict(control)
    out["RequestedTime"] = _epoch(control["RequestedTime"])
    return out


@handles("GetHomeRegion")
def get_home_region(req: Request) -> Dict[str, Any]:
    # With no home region set the real service answers with an empty body.
    control = req.account.home_control
    return {"HomeRegion": control["HomeRegion"]} if control else {}


@handles("CreateHomeRegionControl")
def create_home_region_control(req: Request) -> Dict[str, Any]:
    body = req.body
    control = req.account.home_control
    if control is not None:
        if control["HomeRegion"] != body["HomeRegion"]:
            raise ServiceError(
                "InvalidInputException",
                f"CreateHomeRegionControl: the home region is already {control['HomeRegion']}; "
                f"delete its control {control['ControlId']} with DeleteHomeRegionControl "
                f"before choosing {body['HomeRegion']}",
            )
        return {"HomeRegionControl": control_json(control)}
    control = set_home_region(req.account, body["HomeRegion"], body["Target"])
    return {"HomeRegionControl": control_json(control)}


def set_home_region(account: Account, region: str, target: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    account.home_control = {
        "ControlId": new_control_id(),
        "HomeRegion": region,
        "Target": dict(target or {"Type": "ACCOUNT", "Id": account.account_id}),
        "RequestedTime": now(),
    }
    return account.home_control


@handles("DescribeHomeRegionControls")
def describe_home_region_controls(req: Request) -> Dict[str, Any]:
    body = req.body
    controls = [req.account.home_control] if req.account.home_control else []
    matching = [
        control_json(c)
        for c in controls
        if body.get("ControlId", c["ControlId"]) == c["ControlId"]
        and body.get("HomeRegion", c["HomeRegion"]) == c["HomeRegion"]
        and _target_matches(body.get("Target"), c["Target"])
    ]
    return _page(req, "HomeRegionControls", "", matching)


def _target_matches(wanted: Optional[Dict[str, Any]], target: Dict[str, Any]) -> bool:
    if wanted is None:
        return True
    return all(target.get(key) == value for key, value in wanted.items())


@handles("DeleteHomeRegionControl")
def delete_home_region_control(req: Request) -> Dict[str, Any]:
    control = req.account.home_control
    if control is None or control["ControlId"] != req.body["ControlId"]:
        raise ServiceError(
            "InvalidInputException",
            f"DeleteHomeRegionControl: no home region control has the ID {req.body['ControlId']!r}",
        )
    # Tracking data stays; only the home region is unset.
    req.account.home_control = None
    return {}
