"""aiobotocore: async clients are served by the same fake, with the same behaviour.

Requests, modelled errors, validation, retries with virtual backoff in the
three retry modes, and the adaptive mode under a frozen clock. aiobotocore pins
botocore to a narrow range, so it is not in the ``test`` extra: these tests run
in the ``aio`` tox environment (``pip install -e '.[test-aio]'``) and are
skipped where aiobotocore is not installed.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest

pytest.importorskip("aiobotocore")

from aiobotocore.session import get_session  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from support import STREAM, TASK, UPDATED, notification  # noqa: E402

from pytest_migrationhub import mock_migrationhub  # noqa: E402

T = TypeVar("T")
REGION = "us-west-2"
# Created at import time, before any fake.
SESSION = get_session()


def run(main: Callable[[], Coroutine[Any, Any, T]], timeout: float = 30) -> T:
    """Run a coroutine in its own thread, failing instead of hanging past ``timeout``."""
    result: list[Any] = []

    def target() -> None:
        try:
            result.append(("ok", asyncio.run(main())))
        except BaseException as error:  # noqa: BLE001 - re-raised below
            result.append(("error", error))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    assert result, f"the coroutine did not finish within {timeout} s"
    kind, value = result[0]
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]


def client(service: str = "mgh", **config: Any) -> Any:
    return SESSION.create_client(service, region_name=REGION, config=Config(**config))


async def notify_async(mgh: Any, percent: int) -> Any:
    """support.notify() for an aiobotocore client."""
    return await mgh.notify_migration_task_state(**notification("IN_PROGRESS", percent, at=UPDATED))


def test_an_async_client_is_served_end_to_end(mhub_fake: Any) -> None:
    async def main() -> Any:
        async with client() as mgh, client("migrationhub-config") as config:
            assert (await config.get_home_region())["HomeRegion"] == REGION
            await mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
            await mgh.import_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)
            for percent in (10, 60):
                await notify_async(mgh, percent)
            return await mgh.describe_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)

    described = run(main)
    assert described["MigrationTask"]["Task"] == {"Status": "IN_PROGRESS", "ProgressPercent": 60}
    assert mhub_fake.progress(STREAM, TASK) == [10, 60]
    assert [c.operation for c in mhub_fake.calls] == [
        "GetHomeRegion",
        "CreateProgressUpdateStream",
        "ImportMigrationTask",
        "NotifyMigrationTaskState",
        "NotifyMigrationTaskState",
        "DescribeMigrationTask",
    ]


def test_modelled_errors_and_validation(mhub_fake: Any) -> None:
    async def main() -> list[str]:
        codes = []
        async with client() as mgh:
            try:
                await mgh.import_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)
            except mgh.exceptions.ResourceNotFoundException as error:
                codes.append(error.response["Error"]["Code"])
            try:
                await mgh.create_progress_update_stream(ProgressUpdateStreamName="a|b")
            except ClientError as error:
                codes.append(error.response["Error"]["Message"])
        return codes

    mhub_fake.assert_all_requests_valid = False
    assert run(main) == [
        "ResourceNotFoundException",
        "CreateProgressUpdateStream: $.ProgressUpdateStreamName: 'a|b' does not match '^(?:[^/:|\\\\000-\\\\037]+)$'",
    ]


@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
@pytest.mark.usefixtures("no_real_sleep")
def test_throttling_is_retried_with_virtual_backoff(mhub_fake: Any, mode: str) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=4)

    async def main() -> Any:
        async with client(retries={"mode": mode, "max_attempts": 5}) as mgh:
            return await notify_async(mgh, 77)

    response = run(main)
    assert response["ResponseMetadata"]["RetryAttempts"] == 4
    assert mhub_fake.progress(STREAM, TASK) == [77]
    delays = mhub_fake.retry_delays
    # Recorded, not slept: no_real_sleep fails the test if one is.
    assert len(delays) == 4 and all(d >= 0 for d in delays)


def test_retries_give_up_as_aiobotocore_decides(mhub_fake: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    mhub_fake.fail("NotifyMigrationTaskState", "ServiceUnavailableException", times=None)

    async def main() -> Any:
        async with client(retries={"mode": "standard", "total_max_attempts": 3}) as mgh:
            try:
                await notify_async(mgh, 1)
            except mgh.exceptions.ServiceUnavailableException as error:
                return error.response["ResponseMetadata"]["RetryAttempts"]

    assert run(main) == 2
    assert len(mhub_fake.retry_delays) == 2
    mhub_fake.clear_faults()


def test_the_adaptive_mode_does_not_hang_under_a_frozen_clock(mhub_fake: Any) -> None:
    from freezegun import freeze_time

    mhub_fake.add_task(STREAM, TASK)

    async def main() -> None:
        async with client(retries={"mode": "adaptive", "max_attempts": 5}) as mgh:
            for n in range(5):
                mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=3)
                await notify_async(mgh, n)

    with freeze_time("2026-01-01 12:00:00"):
        run(main)
    assert mhub_fake.progress(STREAM, TASK) == [0, 1, 2, 3, 4]
    assert len(mhub_fake.retry_delays) == 15


def test_an_async_client_without_a_fake_is_not_intercepted() -> None:
    from botocore.exceptions import EndpointConnectionError

    async def main() -> None:
        async with SESSION.create_client(
            "mgh",
            region_name=REGION,
            endpoint_url="http://127.0.0.1:9",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=2),
        ) as mgh:
            await mgh.list_progress_update_streams()

    with mock_migrationhub():
        pass
    with pytest.raises(EndpointConnectionError):
        run(main)


def fresh_python(source: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(source)], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def test_aiobotocore_imported_after_the_fake_started_is_served() -> None:
    out = fresh_python(
        """
        import asyncio, os, sys
        os.environ.update(AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull,
                          AWS_SHARED_CREDENTIALS_FILE=os.devnull)
        from pytest_migrationhub import mock_migrationhub

        with mock_migrationhub() as fake:
            assert "aiobotocore" not in sys.modules  # the fake does not import it
            from aiobotocore.session import get_session

            async def main():
                async with get_session().create_client("mgh", region_name="us-west-2") as mgh:
                    await mgh.create_progress_update_stream(ProgressUpdateStreamName="SMS")

            asyncio.run(main())
        print(fake.streams)
        """
    )
    assert out == "['SMS']"


def test_stopping_puts_back_every_aiobotocore_original() -> None:
    import importlib

    from pytest_migrationhub._interception import AIO_PATCHES

    def everything() -> dict[str, Any]:
        found = {}
        for patch in AIO_PATCHES:
            module = importlib.import_module(patch.module)
            owner = getattr(module, patch.owner, None) if patch.owner else module
            if owner is not None and hasattr(owner, patch.name):
                found[patch.path] = getattr(owner, patch.name)
        return found

    before = everything()
    assert len(before) >= 4
    with mock_migrationhub():
        during = everything()
        assert all(during[path] is not before[path] for path in before), "a patch was not applied"
    assert everything() == before


def test_an_async_discovery_client_is_served_from_the_same_state(mhub_fake: Any) -> None:
    mhub_fake.add_discovered_resource("d-server-1", host_name="web01.corp.example.com")

    async def main() -> Any:
        async with client("discovery") as discovery:
            paginator = discovery.get_paginator("list_configurations")
            filters = [{"name": "server.hostName", "condition": "EQUALS", "values": ["web01.corp.example.com"]}]
            return [
                item["server.configurationId"]
                async for page in paginator.paginate(configurationType="SERVER", filters=filters)
                for item in page["configurations"]
            ]

    assert run(main) == ["d-server-1"]
    assert [c.operation for c in mhub_fake.calls] == ["ListConfigurations"]


def test_the_fake_watches_for_aiobotocore_s_modules_only_while_it_is_active() -> None:
    before = list(sys.meta_path)
    with mock_migrationhub():
        assert len(sys.meta_path) == len(before) + 1  # the watch that patches them as they are imported
    assert sys.meta_path == before
