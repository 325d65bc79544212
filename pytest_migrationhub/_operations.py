"""What each operation does once a request has passed the checks every
operation shares (faults, validation, home region, authorisation, DryRun).

A handler takes a :class:`Context`, the request and what it may use, and
returns the response body; NotifyMigrationTaskState returns the
:class:`Update` it made instead (its body is ``{}``). A refusal raises
:class:`ServiceError` with a modelled error code. Records change only through
their own methods (``_state``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._discovery import Application
from ._errors import ServiceError
from ._paging import Tokens
from ._state import (
    ARTIFACT,
    DISCOVERED,
    SOURCE,
    Account,
    MigrationTask,
    Stream,
    Update,
    add_association,
    drop_association,
    epoch,
    from_epoch,
    record_update,
    replace_resource_attributes,
)


class Services:
    """What the pipeline lends every handler: pagination, text interning, the deletion window."""

    __slots__ = ("tokens", "_texts", "stream_deletion_seconds")

    def __init__(self, stream_deletion_seconds: float) -> None:
        self.stream_deletion_seconds = stream_deletion_seconds
        self.clear()

    def clear(self) -> None:
        self.tokens = Tokens()
        #: status details, each text kept once however many updates repeat it
        self._texts: dict[str, str] = {}

    def intern(self, text: str) -> str:
        return self._texts.setdefault(text, text)


class Context:
    """One request as a handler sees it: its account, operation and body."""

    __slots__ = ("account", "operation", "body", "page_size", "services")

    def __init__(
        self, account: Account, operation: str, body: dict[str, Any], page_size: int, services: Services
    ) -> None:
        self.account = account
        self.operation = operation
        self.body = body
        #: the largest MaxResults the model allows: the page size when none is asked
        self.page_size = page_size
        self.services = services


Answer = dict[str, Any] | Update
Handler = Callable[[Context], Answer]
HANDLERS: dict[str, Handler] = {}


def handles(operation: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[operation] = fn
        return fn

    return register


# --- shared lookups ---------------------------------------------------------


def _stream(ctx: Context, name: str, *, writing: bool = False) -> Stream:
    stream = ctx.account.stream(name)
    if stream is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"{ctx.operation}: progress update stream {name!r} does not exist; "
            "create it with CreateProgressUpdateStream first",
        )
    if writing and stream.deleted_at is not None:
        raise ServiceError(
            "InvalidInputException",
            f"{ctx.operation}: progress update stream {name!r} is being deleted; "
            "wait until the deletion has finished, then create it again",
        )
    return stream


def _task(ctx: Context, *, writing: bool = False) -> MigrationTask:
    body = ctx.body
    stream = _stream(ctx, body["ProgressUpdateStream"], writing=writing)
    task = stream.tasks.get(body["MigrationTaskName"])
    if task is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"{ctx.operation}: migration task {body['MigrationTaskName']!r} does not exist in "
            f"progress update stream {stream.name!r}; import it with ImportMigrationTask first",
        )
    return task


def _page(ctx: Context, key: str, scope: str, items: list[Any]) -> dict[str, Any]:
    page, token = ctx.services.tokens.paginate(
        ctx.operation, f"{ctx.account.account_id}:{scope}", ctx.body, ctx.page_size, items
    )
    out: dict[str, Any] = {key: page}
    if token:
        out["NextToken"] = token
    return out


# --- streams and tasks ------------------------------------------------------------


@handles("CreateProgressUpdateStream")
def create_progress_update_stream(ctx: Context) -> Answer:
    name = ctx.body["ProgressUpdateStreamName"]
    existing = ctx.account.stream(name)
    if existing is not None and existing.deleted_at is not None:
        _stream(ctx, name, writing=True)
    # Idempotent: tools create their stream on every run.
    ctx.account.add_stream(name)
    return {}


@handles("DeleteProgressUpdateStream")
def delete_progress_update_stream(ctx: Context) -> Answer:
    stream = _stream(ctx, ctx.body["ProgressUpdateStreamName"], writing=True)
    # Deletion runs in the background: the stream stays listed, refusing
    # writes, until the window has passed on the fake's clock.
    ctx.account.delete_stream(stream, ctx.services.stream_deletion_seconds)
    return {}


@handles("ListProgressUpdateStreams")
def list_progress_update_streams(ctx: Context) -> Answer:
    names = [{"ProgressUpdateStreamName": s.name} for s in ctx.account.live_streams()]
    return _page(ctx, "ProgressUpdateStreamSummaryList", "", names)


@handles("ImportMigrationTask")
def import_migration_task(ctx: Context) -> Answer:
    _stream(ctx, ctx.body["ProgressUpdateStream"], writing=True).add_task(ctx.body["MigrationTaskName"])
    return {}


@handles("NotifyMigrationTaskState")
def notify_migration_task_state(ctx: Context) -> Answer:
    task = _task(ctx, writing=True)
    body = ctx.body
    state = body["Task"]
    detail = state.get("StatusDetail")
    update = Update(
        status=sys.intern(state["Status"]),
        status_detail=None if detail is None else ctx.services.intern(detail),
        progress_percent=state.get("ProgressPercent"),
        update_date_time=body["UpdateDateTime"],
        next_update_seconds=body["NextUpdateSeconds"],
        stream=task.stream,
        task=task.name,
    )
    record_update(task, update)
    return update


@handles("DescribeMigrationTask")
def describe_migration_task(ctx: Context) -> Answer:
    return {"MigrationTask": _task(ctx).description_json()}


@handles("ListMigrationTaskUpdates")
def list_migration_task_updates(ctx: Context) -> Answer:
    task = _task(ctx)
    updates = [
        {
            "UpdateDateTime": epoch(update.update_date_time),
            "UpdateType": "MIGRATION_TASK_STATE_UPDATED",
            "MigrationTaskState": update.task_json(),
        }
        for update in task.updates
    ]
    return _page(ctx, "MigrationTaskUpdateList", f"{task.stream}/{task.name}", updates)


@handles("ListMigrationTasks")
def list_migration_tasks(ctx: Context) -> Answer:
    resource = ctx.body.get("ResourceName")
    summaries = [
        task.summary_json()
        for stream in ctx.account.live_streams()
        for task in stream.tasks.values()
        if resource is None or task.is_associated_with(resource)
    ]
    return _page(ctx, "MigrationTaskSummaryList", f"resource={resource}", summaries)


def _is_ipv4(value: str) -> bool:
    parts = value.split(".")
    return len(parts) == 4 and all(p.isdigit() and p.isascii() and int(p) <= 255 for p in parts)


#: the value format the model documents for each attribute type that has one
_ATTRIBUTE_FORMATS: dict[str, tuple[str, Callable[[str], bool]]] = {
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
def put_resource_attributes(ctx: Context) -> Answer:
    task = _task(ctx, writing=True)
    attributes = ctx.body["ResourceAttributeList"]
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
    replace_resource_attributes(task, attributes)
    return {}


# --- what is associated with a task -------------------------------------------


def _associate(ctx: Context, kind: str, key: str) -> Answer:
    task = _task(ctx, writing=True)
    record = ctx.body[kind]
    add_association(task, kind, record[key], record)
    return {}


def _disassociate(ctx: Context, kind: str, member: str, what: str) -> Answer:
    task = _task(ctx, writing=True)
    name = ctx.body[member]
    if not drop_association(task, kind, name):
        raise ServiceError(
            "ResourceNotFoundException",
            f"{ctx.operation}: {what} {name!r} is not associated with migration task {task.name!r}",
        )
    return {}


def _listing(ctx: Context, kind: str, key: str) -> Answer:
    task = _task(ctx)
    return _page(ctx, key, f"{task.stream}/{task.name}", task.associated(kind))


def _known_discovered_resource(ctx: Context) -> None:
    configuration_id = ctx.body["DiscoveredResource"]["ConfigurationId"]
    if configuration_id not in ctx.account.discovered:
        raise ServiceError(
            "ResourceNotFoundException",
            f"{ctx.operation}: Application Discovery Service has no configuration item "
            f"{configuration_id!r}; in a test, add it first with "
            f"mhub_fake.add_discovered_resource({configuration_id!r})",
        )


def _no_check(ctx: Context) -> None:
    return None


@dataclass(frozen=True)
class Association:
    """One kind of item associated with a task, and the three operations that handle it."""

    #: the operations' noun (``Associate<kind>``, ``Disassociate<kind>``) and the request member
    kind: str
    #: the member of the associated item that names it
    key: str
    #: the Disassociate request's member naming the item
    member: str
    #: what the not-found message calls it
    what: str
    #: the List operation and the key of its page
    listing: tuple[str, str]
    #: a check an association must pass first
    check: Callable[[Context], None] = _no_check

    def associate(self, ctx: Context) -> Answer:
        self.check(ctx)
        return _associate(ctx, self.kind, self.key)

    def disassociate(self, ctx: Context) -> Answer:
        return _disassociate(ctx, self.kind, self.member, self.what)

    def list(self, ctx: Context) -> Answer:
        return _listing(ctx, self.kind, self.listing[1])


ASSOCIATIONS = (
    Association(
        ARTIFACT, "Name", "CreatedArtifactName", "created artifact", ("ListCreatedArtifacts", "CreatedArtifactList")
    ),
    Association(
        DISCOVERED,
        "ConfigurationId",
        "ConfigurationId",
        "discovered resource",
        ("ListDiscoveredResources", "DiscoveredResourceList"),
        _known_discovered_resource,
    ),
    Association(SOURCE, "Name", "SourceResourceName", "source resource", ("ListSourceResources", "SourceResourceList")),
)
for _association in ASSOCIATIONS:
    HANDLERS[f"Associate{_association.kind}"] = _association.associate
    HANDLERS[f"Disassociate{_association.kind}"] = _association.disassociate
    HANDLERS[_association.listing[0]] = _association.list


# --- applications -----------------------------------------------------------------


def _application(ctx: Context, application_id: str) -> Application:
    application = ctx.account.applications.get(application_id)
    if application is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"{ctx.operation}: Application Discovery Service has no application "
            f"{application_id!r}; in a test, add it first with "
            f"mhub_fake.add_application({application_id!r})",
        )
    return application


@handles("NotifyApplicationState")
def notify_application_state(ctx: Context) -> Answer:
    application = _application(ctx, ctx.body["ApplicationId"])
    when = ctx.body.get("UpdateDateTime")
    application.report(ctx.body["Status"], from_epoch(when) if when is not None else None)
    return {}


@handles("DescribeApplicationState")
def describe_application_state(ctx: Context) -> Answer:
    return _application(ctx, ctx.body["ApplicationId"]).state_json()


@handles("ListApplicationStates")
def list_application_states(ctx: Context) -> Answer:
    wanted = ctx.body.get("ApplicationIds")
    states = [
        {"ApplicationId": app.application_id, **app.state_json()}
        for app in ctx.account.applications.values()
        if app.status is not None and (wanted is None or app.application_id in wanted)
    ]
    scope = "ids=" + ",".join(sorted(wanted)) if wanted else "all"
    return _page(ctx, "ApplicationStateList", scope, states)


# --- migrationhub-config ----------------------------------------------------------


def control_json(control: dict[str, Any]) -> dict[str, Any]:
    out = dict(control)
    out["RequestedTime"] = epoch(control["RequestedTime"])
    return out


@handles("GetHomeRegion")
def get_home_region(ctx: Context) -> Answer:
    # With no home region set the real service answers with an empty body.
    home = ctx.account.home_region
    return {"HomeRegion": home} if home else {}


@handles("CreateHomeRegionControl")
def create_home_region_control(ctx: Context) -> Answer:
    body = ctx.body
    control = ctx.account.home_control
    if control is not None:
        if control["HomeRegion"] != body["HomeRegion"]:
            raise ServiceError(
                "InvalidInputException",
                f"CreateHomeRegionControl: the home region is already {control['HomeRegion']}; "
                f"delete its control {control['ControlId']} with DeleteHomeRegionControl "
                f"before choosing {body['HomeRegion']}",
            )
    else:
        control = ctx.account.set_home_region(body["HomeRegion"], body["Target"])
    return {"HomeRegionControl": control_json(control)}


@handles("DescribeHomeRegionControls")
def describe_home_region_controls(ctx: Context) -> Answer:
    body = ctx.body
    controls = [ctx.account.home_control] if ctx.account.home_control else []
    matching = [
        control_json(c)
        for c in controls
        if body.get("ControlId", c["ControlId"]) == c["ControlId"]
        and body.get("HomeRegion", c["HomeRegion"]) == c["HomeRegion"]
        and _target_matches(body.get("Target"), c["Target"])
    ]
    return _page(ctx, "HomeRegionControls", "", matching)


def _target_matches(wanted: dict[str, Any] | None, target: dict[str, Any]) -> bool:
    if wanted is None:
        return True
    return all(target.get(key) == value for key, value in wanted.items())


@handles("DeleteHomeRegionControl")
def delete_home_region_control(ctx: Context) -> Answer:
    control = ctx.account.home_control
    if control is None or control["ControlId"] != ctx.body["ControlId"]:
        raise ServiceError(
            "InvalidInputException",
            f"DeleteHomeRegionControl: no home region control has the ID {ctx.body['ControlId']!r}",
        )
    # Tracking data stays; only the home region is unset.
    ctx.account.unset_home_region()
    return {}


# Application Discovery Service's handlers register themselves in HANDLERS.
from . import _discovery_operations  # noqa: E402, F401
