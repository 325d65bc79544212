"""What the tests of Migration Hub import (StartImportTask and its kin) share."""

from __future__ import annotations

import csv
import io
import re
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from datetime import datetime, timezone
from typing import Any

import pytest

from pytest_migrationhub import MigrationHubFake

URL = "s3://plans/servers.csv"
#: where the tests freeze the clock: a whole second, so epoch times compare exactly
START = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
#: an errors zip's URL: the fake's loopback endpoint, a path no one can guess, the task's id
ERRORS_URL = re.compile(r"http://127\.0\.0\.1:\d+/mhub-api/downloads/[\w-]+/import-task-[0-9a-f]{32}\.zip")
CONFIGURATION_ID = re.compile(r"d-(server|application)-0[0-9a-f]{16}")
#: the error of a row that names no identifying field
UNIDENTIFIED = (
    "The record has none of the identifying fields: "
    "ExternalId, IPAddress, MACAddress, HostName, VMware.MoRefId, VMware.VCenterId"
)
ERRORS_HEADER = ["LineNumber", "ColumnName", "ExternalId", "ErrorMessage"]


def modelled_status(discovery: Any, status: str) -> bool:
    # botocore 1.34.0 has no IMPORT_FAILED_UNSUPPORTED_FILE_TYPE (nor fileClassification).
    return status in discovery.meta.service_model.shape_for("ImportStatus").enum


def needs_unsupported_file_type(discovery: Any) -> None:
    if not modelled_status(discovery, "IMPORT_FAILED_UNSUPPORTED_FILE_TYPE"):
        pytest.skip("this botocore models no IMPORT_FAILED_UNSUPPORTED_FILE_TYPE")


def started(fake: MigrationHubFake, discovery: Any, content: bytes | str, *, url: str = URL, **start: Any) -> Any:
    """Register ``content`` at ``url`` and start its import; the task StartImportTask answers."""
    fake.add_import_file(url, content)
    return discovery.start_import_task(importUrl=url, **{"name": "servers", **start})["task"]


def described(discovery: Any, task_id: str) -> Any:
    """The import task, as DescribeImportTasks gives it now."""
    [task] = discovery.describe_import_tasks(filters=[{"name": "IMPORT_TASK_ID", "values": [task_id]}])["tasks"]
    return task


def imported(fake: MigrationHubFake, discovery: Any, content: bytes | str, *, url: str = URL, **start: Any) -> Any:
    """Import ``content`` and let the task finish (no time on the clock); the task, done."""
    fake.discovery_task_seconds = 0
    return described(discovery, started(fake, discovery, content, url=url, **start)["importTaskId"])


def download(url: str) -> dict[str, str]:
    """The files of the zip at ``url``, fetched over HTTP as a tool would, by name."""
    assert ERRORS_URL.fullmatch(url), url
    with urllib.request.urlopen(url, timeout=10) as response:
        assert (response.status, response.headers["Content-Type"]) == (200, "application/zip")
        content = response.read()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def errors_of(task: Any) -> list[list[str]]:
    """The rows of the task's errors-file.csv, after its header."""
    files = download(task["errorsAndFailedEntriesZip"])
    header, *rows = csv.reader(io.StringIO(files["errors-file.csv"]))
    assert header == ERRORS_HEADER
    return rows


def counts(task: Any) -> tuple[str, int, int, int, int]:
    return (
        task["status"],
        task["serverImportSuccess"],
        task["serverImportFailure"],
        task["applicationImportSuccess"],
        task["applicationImportFailure"],
    )


def servers(discovery: Any) -> list[str]:
    listed = discovery.list_configurations(configurationType="SERVER")["configurations"]
    return [s["server.configurationId"] for s in listed]


def describe(discovery: Any, configuration_id: str) -> Any:
    [item] = discovery.describe_configurations(configurationIds=[configuration_id])["configurations"]
    return item
