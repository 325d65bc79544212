from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
from support import STREAM, TASK, Inner

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake, MigrationTask

# No test here needs AWS credentials or configuration, and none may use real
# ones: drop whatever the environment carries before any client is created.
for _name in list(os.environ):
    if _name.startswith("AWS_") and _name != "AWS_CA_BUNDLE":
        del os.environ[_name]
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

try:
    # pytester's in-process runs forget modules first imported inside them;
    # hypothesis's pytest plugin imports hypothesis at the end of every run,
    # which would cost about a second per inner run without this.
    import hypothesis  # noqa: F401
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass

SAMPLE: dict[str, Any] = {
    "ProgressUpdateStream": "SMS",
    "MigrationTaskName": "sms-12de3cf1a",
    "Task": {
        "Status": "IN_PROGRESS",
        "StatusDetail": "Migration: Copying image data",
        "ProgressPercent": 77,
    },
    "UpdateDateTime": datetime(2017, 5, 1, 17, 47, 33, tzinfo=timezone.utc),  # 1493660853
    "NextUpdateSeconds": 60,
}


@pytest.fixture
def sample() -> dict[str, Any]:
    """The API reference's sample NotifyMigrationTaskState request, as boto3 kwargs."""
    return {**SAMPLE, "Task": dict(SAMPLE["Task"])}


@pytest.fixture
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test as soon as anything sleeps for real, through ``time`` or ``asyncio``.

    The fake records each retry backoff instead of sleeping it: a test of that
    must not pass by luck when the backoff happens to be short.
    """
    original_async_sleep = asyncio.sleep

    def sleep(seconds: float) -> None:
        pytest.fail(f"time.sleep({seconds!r}) was called: the fake must record retry backoff, not sleep it")

    async def async_sleep(seconds: float, result: Any = None) -> Any:
        if seconds > 0:  # asyncio.sleep(0) only yields to the event loop
            pytest.fail(f"asyncio.sleep({seconds!r}) was awaited: the fake must record retry backoff, not sleep it")
        return await original_async_sleep(0, result)

    monkeypatch.setattr(time, "sleep", sleep)
    monkeypatch.setattr(asyncio, "sleep", async_sleep)


@pytest.fixture
def task(mhub_fake: MigrationHubFake) -> MigrationTask:
    """support.TASK, imported into support.STREAM (both created as the seeding methods do)."""
    return mhub_fake.add_task(STREAM, TASK)


@pytest.fixture(scope="session")
def botocore_session() -> Any:
    """One session for the whole run: it caches the service models it loads."""
    import botocore.session

    return botocore.session.get_session()


@pytest.fixture
def make_client(botocore_session: Any) -> Callable[..., Any]:
    """Build a botocore client the way the code under test would."""
    from botocore.config import Config

    session = botocore_session

    def make(service: str = "mgh", region: str = "us-west-2", **config: Any) -> Any:
        return session.create_client(service, region_name=region, config=Config(**config))

    return make


@pytest.fixture
def mgh(make_client: Callable[..., Any]) -> Any:
    return make_client("mgh")


@pytest.fixture
def discovery(make_client: Callable[..., Any]) -> Any:
    return make_client("discovery")


@pytest.fixture
def config_client(make_client: Callable[..., Any]) -> Any:
    return make_client("migrationhub-config")


# --- inner pytest runs ----------------------------------------------------------------

#: what an inner session must not inherit from the outer one: it needs no AWS configuration
_AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)


@pytest.fixture(scope="session")
def warm_imports() -> None:
    """Import botocore, boto3, freezegun and the fake once, outside the inner sessions.

    An in-process pytester run drops every module it imported when it ends; with
    these loaded beforehand, each inner session reuses them instead of
    importing botocore (and rebuilding the fake's catalog) again.
    """
    import boto3  # noqa: F401
    import freezegun  # noqa: F401

    from pytest_migrationhub import _report  # noqa: F401
    from pytest_migrationhub._core import catalog

    catalog()


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, warm_imports: None) -> Iterator[Inner]:
    """Run test files in an inner pytest session, in this process, with no AWS configuration.

    ``inner.run(source)`` writes ``support.HEADER + source`` and runs it; ``inner.pytester``
    is there for ini files and the like. The fake is process-global, so the outer test must
    not use ``mhub_fake`` itself; afterwards no inner session may have left a fake active.
    """
    from pytest_migrationhub import _interception

    for name in _AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert _interception.active() is None, "a Migration Hub fake was active before the inner session"
    yield Inner(pytester)
    assert _interception.active() is None, "an inner session left a Migration Hub fake active"
