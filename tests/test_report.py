"""What pytest reports about Migration Hub when a test fails.

A failed test that used ``mhub_fake`` gets a "Migration Hub" section (each
task's timeline, the rejected or faulted calls, the home region), short for a
small test and bounded for a big one. A failed test that did not use the
fixture, and failed because a Migration Hub request went out unanswered, says
to use ``mhub_fake``. Each test runs an inner pytest session and pins the text.
"""

from __future__ import annotations

import sys

import pytest
from support import HEADER, Inner, expect_lines

# The inner files' own helper: the shared HEADER's clients, and a notify() shaped for
# the timelines these tests print (task first, then what the tool reports).
REPORTING = (
    HEADER
    + """
def notify(client, task, status, percent=None, detail=None, at=1714564800, next_update=600):
    state = {"Status": status}
    if percent is not None:
        state["ProgressPercent"] = percent
    if detail is not None:
        state["StatusDetail"] = detail
    client.notify_migration_task_state(
        ProgressUpdateStream="SMS", MigrationTaskName=task, Task=state,
        UpdateDateTime=at, NextUpdateSeconds=next_update,
    )

"""
)
SEPARATOR = "-------------------------------- Migration Hub ---------------------------------"
NOTE = (
    "mhub_fake: no Migration Hub fake was active to answer this request. "
    "Add the mhub_fake fixture to the test to have Migration Hub answered in-process."
)


def report(inner: Inner, source: str) -> pytest.RunResult:
    """Run ``source`` in an inner session, with REPORTING's helpers, in file order."""
    return inner.run(source, "-p", "no:randomly", header=REPORTING)


def expect_section(result: pytest.RunResult, lines: list[str]) -> None:
    """The one test failed, and its Migration Hub section reads ``lines``."""
    result.assert_outcomes(failed=1)
    expect_lines(result, [SEPARATOR, *lines])


def test_a_failed_test_shows_the_timeline_the_rejections_and_the_home_region(
    inner: Inner,
) -> None:
    result = report(
        inner,
        """
@pytest.mark.mhub_fake(assert_all_requests_valid=False)
def test_migration(mhub_fake, freezer):
    freezer.move_to("2024-05-01 12:25:00")
    client = mgh(retries={"mode": "standard", "total_max_attempts": 3})
    mhub_fake.add_task("SMS", "web-01")
    mhub_fake.add_task("SMS", "db-01")
    mhub_fake.add_task("SMS", "never-notified")
    notify(client, "web-01", "NOT_STARTED", 0, at=1714564800)
    notify(client, "web-01", "IN_PROGRESS", 50, "Replicating disk 1 of 2", at=1714565400)
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=2)
    notify(client, "db-01", "COMPLETED", 100, at=1714565700, next_update=2**62)
    with pytest.raises(ClientError):
        client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="a|b")
    assert mhub_fake.task("SMS", "web-01").status == "COMPLETED"
""",
    )
    expect_section(
        result,
        [
            "home region: us-west-2",
            "3 tasks as of 2024-05-01T12:25:00Z:",
            "  SMS/web-01: stale, an update was due by 2024-05-01T12:20:00Z",
            "    2024-05-01T12:00:00Z  NOT_STARTED    0%",
            "    2024-05-01T12:10:00Z  IN_PROGRESS   50%  Replicating disk 1 of 2",
            "  SMS/db-01: not stale, no further update due",
            "    2024-05-01T12:15:00Z  COMPLETED    100%",
            "  SMS/never-notified: no update yet",
            "6 calls, 3 rejected or faulted:",
            "  NotifyMigrationTaskState: ThrottlingException: ThrottlingException injected by mhub_fake.fail() (x2)",
            "  ImportMigrationTask: InvalidInputException: $.MigrationTaskName: 'a|b' does not match '^(?:[^:|]+)$'",
        ],
    )


def test_a_small_test_gets_a_short_section(inner: Inner) -> None:
    result = report(
        inner,
        """
def test_small(mhub_fake, freezer):
    freezer.move_to("2024-05-01 12:05:00")
    mhub_fake.add_task("SMS", "sms-1")
    notify(mgh(), "sms-1", "IN_PROGRESS", 10)
    assert mhub_fake.progress("SMS", "sms-1") == [100]
""",
    )
    expect_section(
        result,
        [
            "home region: us-west-2",
            "1 task as of 2024-05-01T12:05:00Z:",
            "  SMS/sms-1: not stale, next update due by 2024-05-01T12:10:00Z",
            "    2024-05-01T12:00:00Z  IN_PROGRESS   10%",
            "1 call, none rejected or faulted",
            "=========================== short test summary info ============================",
        ],
    )


def test_a_big_test_gets_a_bounded_section(inner: Inner) -> None:
    result = report(
        inner,
        """
@pytest.mark.mhub_fake(assert_all_requests_valid=False)
def test_big(mhub_fake, freezer):
    freezer.move_to("2024-05-01 12:00:00")
    client = mgh()
    for t in range(25):
        mhub_fake.add_task("SMS", f"task-{t:02}")
    for i in range(12):
        notify(client, "task-00", "IN_PROGRESS", i, "x" * 300, at=1714564800 + i)
    for _ in range(14):
        with pytest.raises(ClientError):
            notify(client, "task-01", "IN_PROGRESS", 150)
    assert False
""",
    )
    detail = "x" * 117 + "..."
    expect_section(
        result,
        [
            "home region: us-west-2",
            "25 tasks as of 2024-05-01T12:00:00Z:",
            "  SMS/task-00: not stale, next update due by 2024-05-01T12:10:11Z",
            "    ... 7 earlier updates",
        ]
        + [f"    2024-05-01T12:00:{i:02}Z  IN_PROGRESS  {i:>3}%  {detail}" for i in range(7, 12)]
        + [f"  SMS/task-{t:02}: no update yet" for t in range(1, 10)]
        + [
            "  ... and 15 more tasks",
            "26 calls, 14 rejected or faulted:",
            "  ... 4 earlier ones",
            "  NotifyMigrationTaskState: InvalidInputException: $.Task.ProgressPercent: 150 "
            "is greater than the maximum of 100 (x10)",
            "=========================== short test summary info ============================",
        ],
    )


def test_each_account_is_shown_when_there_are_several(inner: Inner) -> None:
    result = report(
        inner,
        """
def test_accounts(mhub_fake, freezer):
    freezer.move_to("2024-05-01 12:00:00")
    mhub_fake.add_account("111122223333")
    mhub_fake.account("111122223333").home_region = "eu-west-1"
    mhub_fake.add_task("SMS", "sms-1")
    mhub_fake.add_task("SMS", "sms-2", account="111122223333")
    assert False
""",
    )
    expect_section(
        result,
        [
            "123456789012 home region: us-west-2",
            "111122223333 home region: eu-west-1",
            "2 tasks as of 2024-05-01T12:00:00Z:",
            "  123456789012 SMS/sms-1: no update yet",
            "  111122223333 SMS/sms-2: no update yet",
            "0 calls, none rejected or faulted",
        ],
    )


def test_a_teardown_failure_alone_gets_the_section_once(inner: Inner) -> None:
    result = report(
        inner,
        """
def test_fault_never_fires(mhub_fake):
    mhub_fake.fail("ImportMigrationTask", "ThrottlingException")
    mgh().create_progress_update_stream(ProgressUpdateStreamName="SMS")


def test_fails_twice(mhub_fake):
    mhub_fake.fail("ImportMigrationTask", "ThrottlingException")
    assert False
""",
    )
    result.assert_outcomes(passed=1, failed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_fault_never_fires _*",
            "*MigrationHubAssertionError: mhub_fake: 1 queued fault never fired:*",
            SEPARATOR,
            "home region: us-west-2",
            "no tasks",
            "1 call, none rejected or faulted",
        ]
    )
    # Shown with the first failure of a test only: 2 tests, 2 sections.
    assert result.stdout.lines.count(SEPARATOR) == 2


def test_passing_tests_and_tests_without_the_fixture_get_no_section(
    inner: Inner,
) -> None:
    result = report(
        inner,
        """
def test_passes(mhub_fake):
    mgh().create_progress_update_stream(ProgressUpdateStreamName="SMS")


def test_fails_without_the_fixture():
    assert False


@pytest.mark.xfail(strict=True)
def test_expected_to_fail(mhub_fake):
    assert False
""",
    )
    result.assert_outcomes(passed=1, failed=1, xfailed=1)
    result.stdout.no_fnmatch_line("*Migration Hub*")
    result.stdout.no_fnmatch_line("*mhub_fake:*")


UNANSWERED = """
def test_no_credentials():
    mgh().list_progress_update_streams()


def test_unreachable():
    client = boto3.client(
        "migrationhub-config", region_name="us-west-2", endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=2),
    )
    try:
        client.get_home_region()
    except Exception as error:
        raise RuntimeError("the tool could not reach Migration Hub") from error
"""


def test_a_request_no_fake_answered_says_to_use_the_fixture(inner: Inner) -> None:
    result = report(inner, UNANSWERED)
    result.assert_outcomes(failed=2)
    if sys.version_info >= (3, 11):
        # A note on the exception, right under its message.
        result.stdout.fnmatch_lines(
            ["E *botocore.exceptions.NoCredentialsError: Unable to locate credentials", f"E *{NOTE}"],
            consecutive=True,
        )
        result.stdout.fnmatch_lines(
            ["E *RuntimeError: the tool could not reach Migration Hub", f"E *{NOTE}"],
            consecutive=True,
        )
    else:
        result.stdout.fnmatch_lines([SEPARATOR, NOTE])
        assert result.stdout.lines.count(NOTE) == 2


def test_other_failures_get_no_note(inner: Inner) -> None:
    result = report(
        inner,
        """
from botocore.exceptions import ParamValidationError


def test_other_service():
    boto3.client("s3", region_name="us-west-2").list_buckets()


def test_refused_before_sending():
    mgh().create_progress_update_stream()


def test_with_the_fixture(mhub_fake):
    mgh().create_progress_update_stream()
""",
    )
    result.assert_outcomes(failed=3)
    result.stdout.no_fnmatch_line(f"*{NOTE}*")
