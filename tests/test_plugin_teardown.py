"""The checks the fixture runs at teardown: unfired faults and malformed requests, and the opt-outs.

Each test writes a small test file, runs it in an inner pytest session with the
``inner`` fixture (see ``support.py``) and pins the outcome and the exact text pytest
reports. The fake is process-global, so no test here uses ``mhub_fake`` itself.
"""

from __future__ import annotations

import pytest
from support import (
    ASSERTION,
    FAULTS_HINT,
    REQUESTS_HINT,
    Inner,
    expect_lines,
    expect_marker_refused,
    never_fired,
)

# --- 4. strict teardown ---------------------------------------------------


def test_unfired_fault_errors_at_teardown(inner: Inner) -> None:
    result = inner.run(
        """
def test_never_notifies(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=2)
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    expect_lines(
        result,
        never_fired("2 of 2 not fired"),
        patterns=["_* ERROR at teardown of test_never_notifies _*", ""],
    )


def test_faults_until_cleared_count_only_when_they_never_fired(inner: Inner) -> None:
    result = inner.run(
        """
def test_forever(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=None)
    mhub_fake.fail("ImportMigrationTask", "InvalidInputException", times=None)
    client = mgh()
    client.create_progress_update_stream(ProgressUpdateStreamName="SMS")
    for _ in range(3):
        with pytest.raises(ClientError) as excinfo:
            client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
        assert error_code(excinfo) == "InvalidInputException"
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    expect_lines(result, never_fired("until cleared, never fired"))
    result.stdout.no_fnmatch_line("*ImportMigrationTask -> *")


def test_fired_fault_until_cleared_passes(inner: Inner) -> None:
    result = inner.run(
        """
def test_forever(mhub_fake):
    mhub_fake.fail("ImportMigrationTask", "InvalidInputException", times=None)
    client = mgh()
    client.create_progress_update_stream(ProgressUpdateStreamName="SMS")
    with pytest.raises(ClientError):
        client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
""",
    )
    result.assert_outcomes(passed=1)


def test_partly_fired_fault_reports_what_is_left(inner: Inner) -> None:
    result = inner.run(
        """
def test_half(mhub_fake):
    # InvalidInputException is not retried: one call, one fault fired.
    mhub_fake.fail("CreateProgressUpdateStream", "InvalidInputException", times=2)
    mhub_fake.fail("ImportMigrationTask", "ThrottlingException", times=3)
    with pytest.raises(ClientError):
        mgh().create_progress_update_stream(ProgressUpdateStreamName="SMS")
    assert len(mhub_fake.calls) == 1
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    expect_lines(
        result,
        [
            ASSERTION + "mhub_fake: 2 queued faults never fired:",
            "      - CreateProgressUpdateStream -> InvalidInputException (1 of 2 not fired)",
            "      - ImportMigrationTask -> ThrottlingException (3 of 3 not fired)",
            FAULTS_HINT,
        ],
    )


def test_fully_fired_faults_pass(inner: Inner) -> None:
    result = inner.run(
        """
def test_retried(mhub_fake):
    mhub_fake.fail("CreateProgressUpdateStream", "ThrottlingException", times=2)
    mgh(retries={"mode": "standard", "total_max_attempts": 3}).create_progress_update_stream(
        ProgressUpdateStreamName="SMS"
    )
    assert [call.error_code for call in mhub_fake.calls] == [
        "ThrottlingException",
        "ThrottlingException",
        None,
    ]
""",
    )
    result.assert_outcomes(passed=1)


def test_malformed_requests_error_at_teardown(inner: Inner) -> None:
    result = inner.run(
        """
def notify(client, name, percent):
    client.notify_migration_task_state(
        ProgressUpdateStream="SMS",
        MigrationTaskName=name,
        Task={"Status": "IN_PROGRESS", "ProgressPercent": percent},
        UpdateDateTime=1493660853,
        NextUpdateSeconds=60,
    )


def test_carries_on(mhub_fake):
    client = mgh()
    client.create_progress_update_stream(ProgressUpdateStreamName="SMS")
    client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
    for name, percent in [("sms-1", 150), ("a|b", 10)]:
        try:
            notify(client, name, percent)
        except ClientError as error:  # the code under test logs and carries on
            assert error.response["Error"]["Code"] == "InvalidInputException"
    notify(client, "sms-1", 100)
    assert mhub_fake.progress("SMS", "sms-1") == [100]
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    expect_lines(
        result,
        [
            ASSERTION
            + "mhub_fake: the fake answered 2 malformed requests with InvalidInputException, and their errors did not end the test:",
            "      - NotifyMigrationTaskState: $.Task.ProgressPercent: 150 is greater than the maximum of 100",
            "      - NotifyMigrationTaskState: $.MigrationTaskName: 'a|b' does not match '^(?:[^:|]+)$'",
            REQUESTS_HINT,
        ],
    )


def test_a_malformed_request_whose_error_ends_the_test_is_not_reported_again(
    inner: Inner,
) -> None:
    # The request's error ended the test: that failure alone is what the
    # user needs to read.
    result = inner.run(
        """
def test_raises(mhub_fake):
    mhub_fake.add_stream("SMS")
    mgh().import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="a:b")
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.no_fnmatch_line("*did not end the test*")


def test_an_earlier_malformed_request_is_still_reported_when_a_later_one_ends_the_test(
    inner: Inner,
) -> None:
    result = inner.run(
        """
def test_raises(mhub_fake):
    mhub_fake.add_stream("SMS")
    client = mgh()
    try:
        client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="a|b")
    except ClientError:
        pass
    client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="a:b")
""",
    )
    result.assert_outcomes(failed=1, errors=1)
    expect_lines(
        result,
        [
            ASSERTION
            + "mhub_fake: the fake answered 1 malformed request with InvalidInputException, and its error did not end the test:",
            "      - ImportMigrationTask: $.MigrationTaskName: 'a|b' does not match '^(?:[^:|]+)$'",
        ],
    )


def test_marker_flags_must_be_booleans(inner: Inner) -> None:
    expect_marker_refused(
        inner,
        'assert_all_faults_fired="false"',
        "pytest_migrationhub.MigrationHubFakeError: assert_all_faults_fired must be True or False; got 'false'.",
    )


def test_both_kinds_of_problem_are_reported_together(inner: Inner) -> None:
    result = inner.run(
        """
def test_both(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    with pytest.raises(ClientError):
        mgh().import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="a:b")
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    expect_lines(
        result,
        [
            *never_fired(),
            "    ",
            "    mhub_fake: the fake answered 1 malformed request with InvalidInputException, and its error did not end the test:",
            "      - ImportMigrationTask: $.MigrationTaskName: 'a:b' does not match '^(?:[^:|]+)$'",
            REQUESTS_HINT,
        ],
    )


def test_business_rule_refusals_are_not_malformed_requests(inner: Inner) -> None:
    result = inner.run(
        """
def test_refused(mhub_fake):
    client = mgh()
    with pytest.raises(ClientError) as excinfo:  # no such stream
        client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
    assert error_code(excinfo) == "ResourceNotFoundException"
    client.create_progress_update_stream(ProgressUpdateStreamName="SMS")
    with pytest.raises(ClientError) as excinfo:  # no such task
        client.notify_migration_task_state(
            ProgressUpdateStream="SMS",
            MigrationTaskName="unknown",
            Task={"Status": "IN_PROGRESS"},
            UpdateDateTime=1493660853,
            NextUpdateSeconds=60,
        )
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:  # a write outside the home region
        mgh("eu-west-1").create_progress_update_stream(ProgressUpdateStreamName="Other")
    assert error_code(excinfo) == "InvalidInputException"
    mhub_fake.home_region = None
    with pytest.raises(ClientError) as excinfo:
        client.create_progress_update_stream(ProgressUpdateStreamName="Other")
    assert error_code(excinfo) == "HomeRegionNotSetException"
    assert [call.error_code for call in mhub_fake.calls] == [
        "ResourceNotFoundException",
        None,
        "ResourceNotFoundException",
        "InvalidInputException",
        "HomeRegionNotSetException",
    ]
""",
    )
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("where", ["test", "class", "module"])
def test_both_opt_outs_by_marker(inner: Inner, where: str) -> None:
    marker = "@pytest.mark.mhub_fake(assert_all_faults_fired=False, assert_all_requests_valid=False)"
    body = """
def test_opted_out(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=None)
    mhub_fake.fail("ImportMigrationTask", "ThrottlingException", times=5)
    with pytest.raises(ClientError):
        mgh().create_progress_update_stream(ProgressUpdateStreamName="a|b")
    assert mhub_fake.unexplained() == []
"""
    if where == "test":
        source = marker + body
    elif where == "class":
        source = (
            marker
            + "\nclass TestOptedOut:\n"
            + body.replace("\n", "\n    ").replace("(mhub_fake)", "(self, mhub_fake)")
        )
    else:
        source = "pytestmark = " + marker[1:] + "\n\n" + body
    result = inner.run(source)
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    "option, survives, silenced",
    [
        (
            "assert_all_faults_fired",
            "the fake answered 1 malformed request with InvalidInputException, and its error did not end the test:",
            "never fired",
        ),
        ("assert_all_requests_valid", "1 queued fault never fired:", "malformed"),
    ],
)
def test_each_opt_out_silences_only_its_check(inner: Inner, option: str, survives: str, silenced: str) -> None:
    result = inner.run(
        f"""
@pytest.mark.mhub_fake({option}=False)
def test_one_opt_out(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    with pytest.raises(ClientError):
        mgh().create_progress_update_stream(ProgressUpdateStreamName="a|b")
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    expect_lines(result, [ASSERTION + "mhub_fake: " + survives])
    result.stdout.no_fnmatch_line(f"*{silenced}*")


def test_checks_run_even_when_the_test_failed(inner: Inner) -> None:
    result = inner.run(
        """
def test_fails(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    assert mhub_fake.streams == ["SMS"]
""",
    )
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_fails*"])
    expect_lines(result, never_fired())
    result.stdout.fnmatch_lines(["FAILED *::test_fails - *", "ERROR *::test_fails - *"])


def test_clear_faults_removes_unfired_faults_from_the_check(inner: Inner) -> None:
    result = inner.run(
        """
def test_cleared(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=2)
    mhub_fake.fail("ImportMigrationTask", "ThrottlingException", times=None)
    mhub_fake.clear_faults()
    assert mhub_fake.unexplained() == []
    mgh().create_progress_update_stream(ProgressUpdateStreamName="SMS")
    mgh().import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
""",
    )
    result.assert_outcomes(passed=1)
