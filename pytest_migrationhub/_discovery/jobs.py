"""Application Discovery Service's other records: agents and collectors, the connections between
servers, and the tasks that run on the fake's clock (imports, exports, batch deletions,
continuous exports).

Each task keeps when it was asked for and when it is due; until then it reads as
in progress, as the real service's do while it works.
"""

from __future__ import annotations

import io
import re
import secrets
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .._core import epoch, now

if TYPE_CHECKING:
    from .._core import Downloads

#: an agent's health, as DescribeAgents reports it (AgentStatus)
AGENT_HEALTH = ("HEALTHY", "UNHEALTHY", "RUNNING", "UNKNOWN", "BLACKLISTED", "SHUTDOWN")
#: what an agent ID is: 10 to 20 characters, no spaces (AgentId)
AGENT_ID = re.compile(r"\S{10,20}\Z")
#: what an import file's URL is (ImportURL, without its length)
IMPORT_URL = re.compile(r"\S+://\S+/[\s\S]*\S[\s\S]*\Z")
#: what an export exports
EXPORT_KINDS = ("summary", "agent", "ec2-recommendations", "configurations")
#: what a continuous export in progress becomes
BECOMES = {"START_IN_PROGRESS": "ACTIVE", "STOP_IN_PROGRESS": "INACTIVE"}
#: the states in which a continuous export counts as the one there is
RUNNING = ("START_IN_PROGRESS", "ACTIVE", "STOP_IN_PROGRESS")


def zipped(files: dict[str, bytes], moment: datetime) -> bytes:
    """A zip of ``files`` (name -> content), each dated ``moment``: the same files make the same bytes."""
    stamp = max(min(moment.timetuple()[:6], (2107, 12, 31, 23, 59, 58)), (1980, 1, 1, 0, 0, 0))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.external_attr = 0o600 << 16  # what ZipFile.writestr gives a file named by a string
            archive.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


#: the health of an agent BatchDeleteAgents deletes only with ``force``: it is still reporting
IN_USE = ("HEALTHY", "UNHEALTHY", "RUNNING")
#: the health of an agent that cannot be told to collect
CANNOT_COLLECT = ("SHUTDOWN", "BLACKLISTED")


def agent_time(moment: datetime) -> str:
    """A time as DescribeAgents gives it: ``2016-12-09T19:05:06Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(eq=False)
class Agent:
    """An agent or collector registered with Application Discovery Service."""

    agent_id: str
    agent_type: str = "AGENT"
    host_name: str | None = None
    ip_address: str | None = None
    mac_address: str | None = None
    health: str = "HEALTHY"
    collection_status: str = "STOPPED"
    connector_id: str | None = None
    version: str | None = None
    registered_time: datetime = field(default_factory=now)
    last_health_ping_time: datetime = field(default_factory=now)

    def info_json(self) -> dict[str, Any]:
        """An ``AgentInfo``, as DescribeAgents answers it; members it has no value for are left out."""
        info: dict[str, Any] = {"agentId": self.agent_id}
        if self.host_name is not None:
            info["hostName"] = self.host_name
        network = {"ipAddress": self.ip_address, "macAddress": self.mac_address}
        network = {k: v for k, v in network.items() if v is not None}
        if network:
            info["agentNetworkInfoList"] = [network]
        for member, value in (("connectorId", self.connector_id), ("version", self.version)):
            if value is not None:
                info[member] = value
        info.update(
            health=self.health,
            lastHealthPingTime=agent_time(self.last_health_ping_time),
            collectionStatus=self.collection_status,
            agentType=self.agent_type,
            registeredTime=agent_time(self.registered_time),
        )
        return info


@dataclass(frozen=True)
class Connection:
    """Network connections a server opened to another, on one port and protocol."""

    source: str
    destination: str
    port: int | None = None
    transport_protocol: str | None = None
    count: int = 1


def import_task_id() -> str:
    return f"import-task-{secrets.token_hex(16)}"


def task_uuid() -> str:
    return str(uuid.uuid4())


@dataclass(eq=False)
class ImportTask:
    """A StartImportTask and what it did."""

    import_task_id: str
    client_request_token: str
    name: str
    import_url: str
    requested: datetime
    due: datetime
    status: str = "IMPORT_IN_PROGRESS"
    completed: datetime | None = None
    deleted: datetime | None = None
    file_classification: str | None = None
    server_import_success: int = 0
    server_import_failure: int = 0
    application_import_success: int = 0
    application_import_failure: int = 0
    #: the URL of the zip of errors and failed entries, when a row failed, and the zip
    errors_url: str | None = None
    errors_zip: bytes | None = field(default=None, repr=False)
    #: when BatchDeleteImportData's deletion of it finishes, once asked for
    deletion_due: datetime | None = None
    #: what it did, which BatchDeleteImportData takes back: the servers and applications it created,
    #: the tags (server, key, value) and memberships (application, server) it added, and the fields
    #: it set (server, column, value before, value after), and the servers' own attributes it changed
    #: (server, attribute, value before, value after)
    created_servers: list[str] = field(default_factory=list)
    created_applications: list[str] = field(default_factory=list)
    tags: list[tuple[str, str, str]] = field(default_factory=list)
    memberships: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, str, str | None, str]] = field(default_factory=list)
    attributes: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    #: how many records (rows) it imported
    records: int = 0
    #: removed from DescribeImportTasks (BatchDeleteImportData with deleteHistory)
    hidden: bool = False

    def publish_errors(self, downloads: Downloads, content: bytes) -> None:
        """Hand out ``content`` as its zip of errors and failed entries."""
        self.errors_zip = content
        self.errors_url = downloads.publish(f"{self.import_task_id}.zip", content)

    def task_json(self) -> dict[str, Any]:
        """An ``ImportTask``, as StartImportTask and DescribeImportTasks answer it."""
        out: dict[str, Any] = {
            "importTaskId": self.import_task_id,
            "clientRequestToken": self.client_request_token,
            "name": self.name,
            "importUrl": self.import_url,
            "status": self.status,
            "importRequestTime": epoch(self.requested),
        }
        if self.completed is not None:
            out["importCompletionTime"] = epoch(self.completed)
        if self.deleted is not None:
            out["importDeletedTime"] = epoch(self.deleted)
        if self.file_classification is not None:
            out["fileClassification"] = self.file_classification
        out.update(
            serverImportSuccess=self.server_import_success,
            serverImportFailure=self.server_import_failure,
            applicationImportSuccess=self.application_import_success,
            applicationImportFailure=self.application_import_failure,
        )
        if self.errors_url is not None:
            out["errorsAndFailedEntriesZip"] = self.errors_url
        return out


def export_id() -> str:
    return f"export-{uuid.uuid4()}"


@dataclass(eq=False)
class ExportTask:
    """A StartExportTask (or the deprecated ExportConfigurations) and its zip."""

    export_id: str
    requested: datetime
    due: datetime
    #: what it exports: "summary", "agent" or "ec2-recommendations"
    kind: str
    agent_id: str | None = None
    requested_start: datetime | None = None
    requested_end: datetime | None = None
    status: str = "IN_PROGRESS"
    message: str = "Data export is in progress"
    url: str | None = None
    #: the files of the zip, by name, once it succeeded
    files: dict[str, bytes] = field(default_factory=dict, repr=False)
    #: what it needs to finish: the account whose data it exports (the files are named by it), the
    #: request that asked for it, and the agent asked for (its data is exported if it is deleted meanwhile)
    account: str = ""
    request: dict[str, Any] = field(default_factory=dict, repr=False)
    agent: Agent | None = field(default=None, repr=False)

    def publish(self, downloads: Downloads) -> None:
        """Hand out the zip of its files, dated when it finished."""
        self.url = downloads.publish(f"{self.export_id}.zip", zipped(self.files, self.due))

    def info_json(self) -> dict[str, Any]:
        """An ``ExportInfo``, as DescribeExportTasks answers it."""
        out: dict[str, Any] = {
            "exportId": self.export_id,
            "exportStatus": self.status,
            "statusMessage": self.message,
            "exportRequestTime": epoch(self.requested),
        }
        if self.url is not None:
            out["configurationsDownloadUrl"] = self.url
        if self.status == "SUCCEEDED":
            out["isTruncated"] = False
        if self.requested_start is not None:
            out["requestedStartTime"] = epoch(self.requested_start)
        if self.requested_end is not None:
            out["requestedEndTime"] = epoch(self.requested_end)
        return out


@dataclass(eq=False)
class DeletionTask:
    """A StartBatchDeleteConfigurationTask: INITIALIZING, VALIDATING, DELETING over its time, then COMPLETED."""

    task_id: str
    requested: list[str]
    started: datetime
    due: datetime
    finished: bool = False
    deleted: list[str] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def status_at(self, moment: datetime) -> str:
        if self.finished:
            return "COMPLETED"
        third = (self.due - self.started) / 3
        if moment < self.started + third:
            return "INITIALIZING"
        return "VALIDATING" if moment < self.started + 2 * third else "DELETING"

    def task_json(self) -> dict[str, Any]:
        """A ``BatchDeleteConfigurationTask``, as DescribeBatchDeleteConfigurationTask answers it."""
        out: dict[str, Any] = {
            "taskId": self.task_id,
            "status": self.status_at(now()),
            "startTime": epoch(self.started),
            "configurationType": "SERVER",
        }
        if self.finished:
            out["endTime"] = epoch(self.due)
        # Lists it has nothing in are left out, as every optional member the fake has no value for.
        lists = {
            "requestedConfigurations": list(self.requested),
            "deletedConfigurations": list(self.deleted),
            "failedConfigurations": [dict(f) for f in self.failed],
            "deletionWarnings": [dict(w) for w in self.warnings],
        }
        out.update((name, value) for name, value in lists.items() if value)
        return out


#: the Glue database a continuous export keeps its schema in
CONTINUOUS_DATABASE = "application_discovery_service_database"


def continuous_export_id() -> str:
    return f"continuous-export-{uuid.uuid4()}"


def continuous_bucket() -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "aws-application-discovery-service-" + "".join(secrets.choice(alphabet) for _ in range(26))


@dataclass(eq=False)
class ContinuousExport:
    """A continuous export of agent data to Athena: START_IN_PROGRESS, ACTIVE, STOP_IN_PROGRESS, INACTIVE."""

    export_id: str
    s3_bucket: str
    started: datetime
    status: str = "START_IN_PROGRESS"
    stopped: datetime | None = None
    #: when its start or stop in progress finishes
    due: datetime | None = None

    def start_json(self) -> dict[str, Any]:
        return {
            "exportId": self.export_id,
            "s3Bucket": self.s3_bucket,
            "startTime": epoch(self.started),
            "dataSource": "AGENT",
            "schemaStorageConfig": {"databaseName": CONTINUOUS_DATABASE},
        }

    def description_json(self) -> dict[str, Any]:
        """A ``ContinuousExportDescription``."""
        out = self.start_json()
        out["status"] = self.status
        if self.stopped is not None:
            out["stopTime"] = epoch(self.stopped)
        return out
