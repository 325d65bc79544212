"""Migration Hub's operations: progress update streams, migration tasks and their updates,
what is associated with a task, and the state of applications.

Each handler takes a :class:`Context` and returns the response body
(NotifyMigrationTaskState returns the :class:`Update` it made: its call record
keeps it). A refusal raises :class:`ServiceError` with a modelled error code.
Records change only through their own methods (``.records``). Applications
are Application Discovery Service's records: Migration Hub reports their state.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from .._core import Answer, Context, Handler, ServiceError, epoch, from_epoch, registrar
from .._discovery import Application, inventory_of
from .records import (
    ARTIFACT,
    DISCOVERED,
    SOURCE,
    MigrationTask,
    Stream,
    Streams,
    Update,
    add_association,
    drop_association,
    record_update,
    replace_resource_attributes,
)

#: the option that sets how long an asynchronous DeleteProgressUpdateStream takes
STREAM_DELETION = "stream_deletion_seconds"
#: operation name -> handler, for Migration Hub's operations
HANDLERS: dict[str, Handler] = {}
handles = registrar(HANDLERS)


# --- shared lookups ---------------------------------------------------------


def _stream(ctx: Context, name: str, *, writing: bool = False) -> Stream:
    stream = ctx.account.part(Streams).get(name)
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


# --- streams and tasks ------------------------------------------------------------


@handles("CreateProgressUpdateStream")
def create_progress_update_stream(ctx: Context) -> Answer:
    name = ctx.body["ProgressUpdateStreamName"]
    existing = ctx.account.part(Streams).get(name)
    if existing is not None and existing.deleted_at is not None:
        _stream(ctx, name, writing=True)
    # Idempotent: tools create their stream on every run.
    ctx.account.part(Streams).add(name)
    return {}


@handles("DeleteProgressUpdateStream")
def delete_progress_update_stream(ctx: Context) -> Answer:
    stream = _stream(ctx, ctx.body["ProgressUpdateStreamName"], writing=True)
    # Deletion runs in the background: the stream stays listed, refusing
    # writes, until the window has passed on the fake's clock.
    ctx.account.part(Streams).delete(stream, ctx.services.seconds[STREAM_DELETION])
    return {}


@handles("ListProgressUpdateStreams")
def list_progress_update_streams(ctx: Context) -> Answer:
    names = [{"ProgressUpdateStreamName": s.name} for s in ctx.account.part(Streams).live()]
    return ctx.page("ProgressUpdateStreamSummaryList", "", names)


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
    return ctx.page("MigrationTaskUpdateList", f"{task.stream}/{task.name}", updates)


@handles("ListMigrationTasks")
def list_migration_tasks(ctx: Context) -> Answer:
    resource = ctx.body.get("ResourceName")
    summaries = [
        task.summary_json()
        for stream in ctx.account.part(Streams).live()
        for task in stream.tasks.values()
        if resource is None or task.is_associated_with(resource)
    ]
    return ctx.page("MigrationTaskSummaryList", f"resource={resource}", summaries)


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
    return ctx.page(key, f"{task.stream}/{task.name}", task.associated(kind))


def _known_discovered_resource(ctx: Context) -> None:
    configuration_id = ctx.body["DiscoveredResource"]["ConfigurationId"]
    if configuration_id not in inventory_of(ctx.account).discovered:
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
    application = inventory_of(ctx.account).applications.get(application_id)
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
        for app in inventory_of(ctx.account).applications.values()
        if app.status is not None and (wanted is None or app.application_id in wanted)
    ]
    scope = "ids=" + ",".join(sorted(wanted)) if wanted else "all"
    return ctx.page("ApplicationStateList", scope, states)
