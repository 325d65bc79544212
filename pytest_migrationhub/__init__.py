"""pytest-migrationhub: an in-memory AWS Migration Hub for botocore and boto3 tests.

Importing this package is cheap: botocore and jsonschema are loaded the first
time a fake is created, so a pytest run that never uses the fixture does not
pay for them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ._core import (
    DEFAULT_DISCOVERY_TASK_SECONDS,
    DEFAULT_HOME_REGION,
    DEFAULT_STREAM_DELETION_SECONDS,
    MigrationHubAssertionError,
    MigrationHubFakeError,
)
from ._version import __version__ as __version__

if TYPE_CHECKING:
    from ._core import Call, ScenarioError
    from ._discovery import Agent, Application, Connection, ContinuousExport, DiscoveredServer, ExportTask, ImportTask
    from ._fake import AccountView, MigrationHubFake
    from ._migrationhub import MigrationTask, Stream, Update
    from ._server import MigrationHubServer


__all__ = [
    "AccountView",
    "Agent",
    "Application",
    "Call",
    "Connection",
    "ContinuousExport",
    "DiscoveredServer",
    "ExportTask",
    "ImportTask",
    "MigrationHubAssertionError",
    "MigrationHubFake",
    "MigrationHubFakeError",
    "MigrationHubServer",
    "MigrationTask",
    "ScenarioError",
    "Stream",
    "Update",
    "mock_migrationhub",
    "schema",
]


def mock_migrationhub(
    *,
    home_region: str | None = DEFAULT_HOME_REGION,
    assert_all_requests_valid: bool = True,
    assert_all_faults_fired: bool = True,
    stream_deletion_seconds: float = DEFAULT_STREAM_DELETION_SECONDS,
    discovery_task_seconds: float = DEFAULT_DISCOVERY_TASK_SECONDS,
    scenario: str | os.PathLike[str] | None = None,
) -> MigrationHubFake:
    """Return a Migration Hub fake to use as a context manager (or with start()/stop()).

    Takes the same options as the ``mhub_fake`` marker::

        with mock_migrationhub(home_region="eu-central-1") as fake:
            run_my_migration_tool()
            assert fake.progress("SMS", "sms-1") == [0, 100]
    """
    from ._fake import MigrationHubFake

    return MigrationHubFake(
        home_region=home_region,
        assert_all_requests_valid=assert_all_requests_valid,
        assert_all_faults_fired=assert_all_faults_fired,
        stream_deletion_seconds=stream_deletion_seconds,
        discovery_task_seconds=discovery_task_seconds,
        scenario=scenario,
    )


def schema(operation: str) -> dict[str, Any]:
    """Return the JSON Schema the fake validates ``operation``'s request body with.

    ``operation`` is an API name (``"NotifyMigrationTaskState"``) or a boto3
    method name (``"notify_migration_task_state"``) of Migration Hub, its
    home-region service or Application Discovery Service.
    """
    from ._core import request_schema

    return request_schema(operation)


_LAZY = {
    "AccountView": "._fake",
    "MigrationHubFake": "._fake",
    "MigrationHubServer": "._server",
    "ScenarioError": "._core",
    "Agent": "._discovery",
    "Application": "._discovery",
    "Connection": "._discovery",
    "ContinuousExport": "._discovery",
    "DiscoveredServer": "._discovery",
    "ExportTask": "._discovery",
    "ImportTask": "._discovery",
    "Call": "._core",
    "MigrationTask": "._migrationhub",
    "Stream": "._migrationhub",
    "Update": "._migrationhub",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_migrationhub' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module, __name__), name)
