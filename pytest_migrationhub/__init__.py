"""pytest-migrationhub: an in-memory AWS Migration Hub for botocore and boto3 tests.

Importing this package is cheap: botocore and jsonschema are loaded the first
time a fake is created, so a pytest run that never uses the fixture does not
pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import MigrationHubAssertionError, MigrationHubFakeError
from ._version import __version__ as __version__

if TYPE_CHECKING:
    from ._fake import MigrationHubFake
    from ._server import MigrationHubServer
    from ._state import Application, Call, MigrationTask, Update


__all__ = [
    "Application",
    "Call",
    "MigrationHubAssertionError",
    "MigrationHubFake",
    "MigrationHubFakeError",
    "MigrationHubServer",
    "MigrationTask",
    "Update",
    "mock_migrationhub",
    "schema",
]


def mock_migrationhub(**options: Any) -> "MigrationHubFake":
    """Return a Migration Hub fake to use as a context manager (or with start()/stop()).

    Takes the same options as the ``mhub_fake`` marker::

        with mock_migrationhub(home_region="eu-central-1") as fake:
            run_my_migration_tool()
            assert fake.progress("SMS", "sms-1") == [0, 100]
    """
    from ._fake import MigrationHubFake

    return MigrationHubFake(**options)


def schema(operation: str) -> "dict[str, Any]":
    """Return the JSON Schema the fake validates ``operation``'s request body with.

    ``operation`` is an API name (``"NotifyMigrationTaskState"``) or a boto3
    method name (``"notify_migration_task_state"``).
    """
    from ._model import schema as _schema

    return _schema(operation)


_LAZY = {
    "MigrationHubFake": "._fake",
    "MigrationHubServer": "._server",
    "Application": "._state",
    "Call": "._state",
    "MigrationTask": "._state",
    "Update": "._state",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_migrationhub' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module, __name__), name)
