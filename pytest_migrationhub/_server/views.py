"""The fake's records as the control API (and the console) give them: JSON, times as ISO 8601 and epoch seconds."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .._core import now

if TYPE_CHECKING:
    from .._core import Call, Fault
    from .._discovery import Agent, Application, Connection, DiscoveredServer, ExportTask, ImportTask
    from .._migrationhub import MigrationTask, Update


_UPDATE_KEYS = (
    "status",
    "status_detail",
    "progress_percent",
    "update_date_time",
    "update_date_time_epoch",
    "next_update_seconds",
)


def moment_json(moment: datetime | None) -> tuple[str | None, float | None]:
    return (None, None) if moment is None else (moment.isoformat(), moment.timestamp())


def update_json(update: Update) -> dict[str, Any]:
    iso, epoch = moment_json(update.update_date_time)
    values = (update.status, update.status_detail, update.progress_percent, iso, epoch, update.next_update_seconds)
    return dict(zip(_UPDATE_KEYS, values, strict=True))


def task_json(task: MigrationTask) -> dict[str, Any]:
    """A task as the control API answers it (the README shows one)."""

    updates = task.updates  # one snapshot: the latest state and the history agree
    latest = update_json(updates[-1]) if updates else dict.fromkeys(_UPDATE_KEYS)
    return {
        "stream": task.stream,
        "name": task.name,
        **latest,
        "is_stale": bool(updates) and updates[-1].overdue_at(now()),
        "updates": [update_json(u) for u in updates],
        "created_artifacts": task.created_artifacts,
        "discovered_resources": task.discovered_resources,
        "source_resources": task.source_resources,
        "resource_attributes": task.resource_attributes,
    }


def call_json(call: Call) -> dict[str, Any]:
    return {
        "operation": call.operation,
        "service": call.service,
        "region": call.region,
        "account": call.account,
        "params": call.params,
        "error_code": call.error_code,
        "error_message": call.error_message,
        "injected": call.injected,
    }


def application_json(application: Application) -> dict[str, Any]:
    iso, epoch = moment_json(application.last_updated_time)
    return {
        "application_id": application.application_id,
        "name": application.name,
        "description": application.description,
        "items": application.items,
        "tags": [{"key": k, "value": v} for k, v in application.tags],
        "status": application.status,
        "last_updated_time": iso,
        "last_updated_time_epoch": epoch,
    }


def server_json(server: DiscoveredServer) -> dict[str, Any]:
    return {
        "configuration_id": server.configuration_id,
        "host_name": server.host_name,
        "os_name": server.os_name,
        "os_version": server.os_version,
        "ip_address": server.ip_address,
        "server_type": server.server_type,
        "tags": [{"key": k, "value": v} for k, v in server.tags],
    }


def fault_json(fault: Fault) -> dict[str, Any]:
    return {
        "operation": fault.operation,
        "error_code": fault.error_code,
        "times": fault.times,
        "message": fault.message,
        "retry_after_seconds": fault.retry_after_seconds,
        "fired": fault.fired,
    }


def agent_json(agent: Agent) -> dict[str, Any]:
    return {
        "agent_id": agent.agent_id,
        "agent_type": agent.agent_type,
        "host_name": agent.host_name,
        "ip_address": agent.ip_address,
        "mac_address": agent.mac_address,
        "health": agent.health,
        "collection_status": agent.collection_status,
        "connector_id": agent.connector_id,
        "version": agent.version,
    }


def connection_json(connection: Connection) -> dict[str, Any]:
    return {
        "source_id": connection.source,
        "destination_id": connection.destination,
        "port": connection.port,
        "transport_protocol": connection.transport_protocol,
        "count": connection.count,
    }


def import_task_json(task: ImportTask) -> dict[str, Any]:
    """An import task, as DescribeImportTasks gives it (its members' names), at this moment."""
    return task.task_json()


def export_task_json(task: ExportTask) -> dict[str, Any]:
    """An export, as DescribeExportTasks gives it, and the names of its zip's files once done."""
    return {**task.info_json(), "files": sorted(task.files)}
