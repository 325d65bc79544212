"""Import a migration plan into Application Discovery Service, and wait for it.

The plan is a CSV in the Migration Hub import template (ExternalId, HostName,
IPAddress, ..., Applications, Tags) that the team uploaded to S3. The tool
starts the import, polls it until it is done, and refuses a plan that did not
import whole: a server missing from ADS would be migrated without a record.
"""

from __future__ import annotations

import csv
import io
import time
import urllib.request
import zipfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types_boto3_discovery import ApplicationDiscoveryServiceClient
    from types_boto3_discovery.type_defs import ImportTaskFilterTypeDef

#: the import is done in one of these states
DONE = ("IMPORT_COMPLETE", "IMPORT_COMPLETE_WITH_ERRORS")


class PlanImportError(RuntimeError):
    """The plan did not import whole; ``errors`` are the rows that failed, as ADS explains them."""

    def __init__(self, message: str, errors: list[str]) -> None:
        super().__init__(message)
        self.errors = errors


def import_plan(
    discovery: ApplicationDiscoveryServiceClient,
    name: str,
    url: str,
    *,
    poll_seconds: float = 5.0,
    sleep: Callable[[float], Any] = time.sleep,
) -> dict[str, Any]:
    """Import the plan at ``url`` (``s3://bucket/plan.csv``) under ``name``; the finished import task.

    The import is started with ``name`` as its client request token, so running
    the tool again does not import the plan twice. Raises :class:`PlanImportError`
    when a row, or the whole file, failed to import.
    """
    task = discovery.start_import_task(name=name, importUrl=url, clientRequestToken=name)["task"]
    while task["status"] == "IMPORT_IN_PROGRESS":
        sleep(poll_seconds)
        by_id: list[ImportTaskFilterTypeDef] = [{"name": "IMPORT_TASK_ID", "values": [task["importTaskId"]]}]
        task = discovery.describe_import_tasks(filters=by_id)["tasks"][0]
    failures = task.get("serverImportFailure", 0)
    if task["status"] not in DONE or failures:
        errors = _errors(task.get("errorsAndFailedEntriesZip"))
        raise PlanImportError(
            f"the plan {name!r} did not import whole: {task['status']}, {failures} row(s) failed"
            + "".join(f"\n  {error}" for error in errors),
            errors,
        )
    return dict(task)


def _errors(url: str | None) -> list[str]:
    """The errors the import explains in its errors-and-failed-entries zip, one line each."""
    if not url:
        return []
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the URL ADS handed out
        archive = zipfile.ZipFile(io.BytesIO(response.read()))
    rows = csv.DictReader(io.StringIO(archive.read("errors-file.csv").decode()))
    return [
        f"line {row['LineNumber']}: {row['ColumnName'] + ': ' if row['ColumnName'] else ''}{row['ErrorMessage']}"
        for row in rows
    ]
