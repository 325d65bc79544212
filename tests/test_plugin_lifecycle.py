"""The fixture's lifecycle: the hook is gone after it, the environment restored, and a
second fake refused while it is active.

Each test writes a small test file, runs it in an inner pytest session with the
``inner`` fixture (see ``support.py``) and pins the outcome and the exact text pytest
reports. The fake is process-global, so no test here uses ``mhub_fake`` itself; the one request that
must *not* be answered by the fake goes to a closed loopback port.
"""

from __future__ import annotations

import pytest
from support import HEADER, Inner, expect_raised

# --- 6. the hook is gone after the fixture --------------------------------

UNANSWERED = (
    HEADER
    + """
from botocore.exceptions import EndpointConnectionError

# Nothing listens on the discard port of the loopback interface: a request the
# fake does not answer fails to connect, at once and without leaving the host.
LOOPBACK = "http://127.0.0.1:9"


def loopback_client():
    return boto3.client(
        "mgh",
        region_name="us-west-2",
        endpoint_url=LOOPBACK,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=2),
    )


MODULE_CLIENT = loopback_client()
"""
)


def test_hook_is_gone_after_the_fixture(inner: Inner) -> None:
    result = inner.run(
        """

def test_with_fake(mhub_fake):
    MODULE_CLIENT.create_progress_update_stream(ProgressUpdateStreamName="SMS")
    loopback_client().create_progress_update_stream(ProgressUpdateStreamName="Other")
    assert mhub_fake.streams == ["SMS", "Other"]


def test_without_fake_module_client():
    with pytest.raises(EndpointConnectionError):
        MODULE_CLIENT.list_progress_update_streams()


def test_without_fake_new_client():
    with pytest.raises(EndpointConnectionError):
        loopback_client().create_progress_update_stream(ProgressUpdateStreamName="SMS")


def test_environment_restored():
    # The fake turned instance metadata off only while active; this file had
    # turned it off itself, so it stays as it was.
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
""",
        "-p",
        "no:randomly",
        header=UNANSWERED,
    )
    result.assert_outcomes(passed=4)


def test_hook_is_gone_after_a_failing_teardown(inner: Inner) -> None:
    result = inner.run(
        """

def test_with_fake(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    MODULE_CLIENT.create_progress_update_stream(ProgressUpdateStreamName="SMS")


def test_without_fake():
    with pytest.raises(EndpointConnectionError):
        MODULE_CLIENT.create_progress_update_stream(ProgressUpdateStreamName="SMS")
""",
        "-p",
        "no:randomly",
        header=UNANSWERED,
    )
    result.assert_outcomes(passed=2, errors=1)


def test_instance_metadata_setting_is_restored(inner: Inner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    result = inner.run(
        """
import os

import boto3


def test_with_fake(mhub_fake):
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    boto3.client("mgh", region_name="us-west-2").create_progress_update_stream(
        ProgressUpdateStreamName="SMS"
    )


def test_after():
    assert "AWS_EC2_METADATA_DISABLED" not in os.environ
""",
        "-p",
        "no:randomly",
        header="",
    )
    result.assert_outcomes(passed=2)


# --- 7. a second fake while the fixture is active -------------------------


def test_mock_migrationhub_inside_the_fixture_raises(inner: Inner) -> None:
    result = inner.run(
        """
from pytest_migrationhub import MigrationHubFakeError, mock_migrationhub


def test_second_fake(mhub_fake):
    with pytest.raises(MigrationHubFakeError) as excinfo:
        with mock_migrationhub():
            pass
    assert str(excinfo.value) == (
        "Another Migration Hub fake is already active; use that one (the mhub_fake "
        "fixture, or the object mock_migrationhub() returned) instead of starting a second."
    )
    # The fixture's fake is still the one answering.
    mgh().create_progress_update_stream(ProgressUpdateStreamName="SMS")
    assert mhub_fake.streams == ["SMS"]


def test_second_fake_uncaught(mhub_fake):
    mock_migrationhub(home_region="eu-west-1").start()


def test_starting_the_fixture_twice(mhub_fake):
    mhub_fake.start()
""",
    )
    result.assert_outcomes(passed=1, failed=2)
    expect_raised(
        result,
        "pytest_migrationhub.MigrationHubFakeError: Another Migration Hub fake is "
        "already active; use that one (the mhub_fake fixture, or the object "
        "mock_migrationhub() returned) instead of starting a second.",
    )
    expect_raised(
        result,
        "pytest_migrationhub.MigrationHubFakeError: This Migration Hub fake is already started.",
    )
