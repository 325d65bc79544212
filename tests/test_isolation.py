"""No state, fault or patch leaks from one test to the next, in any order.

A generated suite mixes tests that leave everything behind them (streams,
tasks, faults, denials, a moved home region, a spent retry quota, a failing
test, a failing teardown) with tests that must see none of it, and tests that
do not use the fixture at all, whose Migration Hub calls must go out unanswered.
It runs in fresh processes: shuffled by pytest-randomly under several seeds,
and split over two pytest-xdist workers.

What tests/test_plugin.py already pins in order (a fresh fake per test, the
hook gone after the fixture, the environment restored) is not repeated here.
"""

from __future__ import annotations

import re

import pytest

SUITE = """
import os
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

# Nothing listens on the discard port of the loopback interface: a request no
# fake answers fails to connect, at once and without leaving the host.
LOOPBACK = "http://127.0.0.1:9"


def loopback_client(attempts=1):
    return boto3.client(
        "mgh", region_name="us-west-2", endpoint_url=LOOPBACK,
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(
            retries={"mode": "standard", "total_max_attempts": attempts}, connect_timeout=2
        ),
    )


# Created at import time, before any fake: used with and without one.
MODULE_CLIENT = loopback_client()
RETRYING_CLIENT = loopback_client(attempts=6)


def notify(client, percent):
    client.notify_migration_task_state(
        ProgressUpdateStream="SMS", MigrationTaskName="sms-1",
        Task={"Status": "IN_PROGRESS", "ProgressPercent": percent},
        UpdateDateTime=1493660853, NextUpdateSeconds=60,
    )


def assert_pristine(fake):
    assert fake.streams == [] and fake.tasks() == [] and fake.calls == []
    assert fake.home_region == "us-west-2"
    assert fake.retry_delays == [] and fake.unexplained() == []
    MODULE_CLIENT.create_progress_update_stream(ProgressUpdateStreamName="SMS")
    MODULE_CLIENT.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
    notify(RETRYING_CLIENT, 10)  # no fault, no denial, no quota spent, no other home region
    assert fake.progress("SMS", "sms-1") == [10]
    assert [c.error_code for c in fake.calls] == [None, None, None]


@pytest.mark.mhub_fake(assert_all_faults_fired=False)
def test_leaves_faults_denials_and_state(mhub_fake):
    mhub_fake.add_task("SMS", "sms-1")
    notify(MODULE_CLIENT, 50)
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=None)
    mhub_fake.fail("CreateProgressUpdateStream", "InternalServerError", times=3)
    mhub_fake.deny("ImportMigrationTask")


def test_moves_the_home_region(mhub_fake):
    mhub_fake.home_region = "eu-central-1"
    boto3.client("mgh", region_name="eu-central-1").create_progress_update_stream(
        ProgressUpdateStreamName="Other")


def test_spends_the_retry_quota(mhub_fake):
    mhub_fake.add_task("SMS", "sms-1")
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=None)
    for _ in range(40):
        with pytest.raises(ClientError):
            notify(RETRYING_CLIENT, 1)
    mhub_fake.clear_faults()


def test_fails_with_the_fake_active(mhub_fake):
    mhub_fake.add_task("SMS", "sms-1")
    mhub_fake.fail("NotifyMigrationTaskState", "ServiceUnavailableException", times=None)
    notify(RETRYING_CLIENT, 1)  # raises: the test fails while the fake is active


def test_fails_at_teardown(mhub_fake):
    mhub_fake.fail("ImportMigrationTask", "ThrottlingException", times=2)  # never fires


@pytest.mark.parametrize("n", range(3))
def test_sees_a_pristine_fake(mhub_fake, n):
    assert_pristine(mhub_fake)


@pytest.mark.parametrize("n", range(3))
def test_without_the_fixture_nothing_is_intercepted(n):
    with pytest.raises(EndpointConnectionError):
        MODULE_CLIENT.list_progress_update_streams()
    with pytest.raises(EndpointConnectionError):
        loopback_client().create_progress_update_stream(ProgressUpdateStreamName="SMS")


def test_without_the_fixture_a_failure_says_to_use_it():
    # No credentials anywhere: botocore refuses to send, as without the plugin.
    boto3.client("mgh", region_name="us-west-2").list_progress_update_streams()
"""

NOTE = (
    "mhub_fake: no Migration Hub fake was active to answer this request. "
    "Add the mhub_fake fixture to the test to have Migration Hub answered in-process."
)
#: passed, failed, errors: 3 leaving + 3 pristine + 3 not intercepted + the
#: teardown one's call; failing in call, the unanswered one; failing at teardown
OUTCOME = {"passed": 10, "failed": 2, "errors": 1}


def order(lines: list[str]) -> list[str]:
    """The tests of a ``-v`` run, in the order they ran."""
    names = [m.group(1) for line in lines for m in [re.match(r"test_suite\.py::(\S+) ", line)] if m]
    return list(dict.fromkeys(names))


def check(result: pytest.RunResult) -> None:
    result.assert_outcomes(**OUTCOME)
    result.stdout.fnmatch_lines(["FAILED *test_fails_with_the_fake_active*"])
    result.stdout.fnmatch_lines(["FAILED *test_without_the_fixture_a_failure_says_to_use_it*"])
    result.stdout.fnmatch_lines(["ERROR *test_fails_at_teardown*"])
    # The failure of the test without the fixture is botocore's own, followed by the
    # note: on the exception or in a report section, as the Python version allows
    # (tests/test_report.py pins where).
    result.stdout.fnmatch_lines(["E *botocore.exceptions.NoCredentialsError: Unable to locate credentials", f"*{NOTE}"])
    # Once, where the failure is shown; the short summary may repeat the exception's
    # text, notes included (pytest prints it whole when it runs under CI).
    lines = result.stdout.lines
    summary = next((i for i, line in enumerate(lines) if "short test summary info" in line), len(lines))
    assert sum(NOTE in line for line in lines[:summary]) == 1


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytest.importorskip("xdist")
    pytest.importorskip("pytest_randomly")
    pytester.makepyfile(test_suite=SUITE)
    return pytester


def test_in_any_order_under_pytest_randomly(suite: pytest.Pytester) -> None:
    orders = []
    for seed in (1, 2):
        result = suite.runpytest_subprocess("-p", "randomly", "-p", "no:cacheprovider", f"--randomly-seed={seed}", "-v")
        check(result)
        orders.append(order(result.stdout.lines))
    assert len(orders[0]) == len(orders[1]) == sum(OUTCOME.values()) - 1
    assert orders[0] != orders[1]  # the seeds did shuffle the suite


def test_under_pytest_xdist(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess(
        "-n", "2", "-p", "randomly", "-p", "no:cacheprovider", "--randomly-seed=3", "-v"
    )
    check(result)
    result.stdout.fnmatch_lines(["*gw0*", "*gw1*"])
