"""What ``verify()`` (the fixture's teardown check) reports, checked directly and fast.

The inner-pytest tests in test_plugin_teardown.py pin the text pytest shows; these pin the
bookkeeping behind it: which faults count as fired, which requests count as malformed.
Each test ends by clearing what it left, so the fixture's own teardown passes.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import STREAM, TASK, error_message

from pytest_migrationhub import MigrationHubAssertionError, MigrationHubFake


def reported(fake: MigrationHubFake, raised: BaseException | None = None) -> list[str]:
    """The items ``verify()`` lists, or [] when it passes."""
    try:
        fake.verify(raised)
    except MigrationHubAssertionError as error:
        return [line[4:] for line in str(error).splitlines() if line.startswith("  - ")]
    return []


def no_retries(make_client: Any) -> Any:
    return make_client("mgh", retries={"mode": "standard", "total_max_attempts": 1})


# --- faults ------------------------------------------------------------------------------


def test_a_fault_counts_each_call_it_answered(mhub_fake: MigrationHubFake, make_client: Any) -> None:
    mgh = no_retries(make_client)
    mhub_fake.fail("CreateProgressUpdateStream", "ThrottlingException", times=3)
    assert reported(mhub_fake) == ["CreateProgressUpdateStream -> ThrottlingException (3 of 3 not fired)"]
    for left in (2, 1):
        with pytest.raises(mgh.exceptions.ThrottlingException):
            mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
        assert reported(mhub_fake) == [f"CreateProgressUpdateStream -> ThrottlingException ({left} of 3 not fired)"]
    with pytest.raises(mgh.exceptions.ThrottlingException):
        mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    # Spent: nothing to report, and the next call goes through.
    assert reported(mhub_fake) == []
    mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    assert mhub_fake.streams == [STREAM]


def test_a_fault_until_cleared_is_reported_only_while_it_never_fired(
    mhub_fake: MigrationHubFake, make_client: Any
) -> None:
    mgh = no_retries(make_client)
    mhub_fake.fail("ListProgressUpdateStreams", "InternalServerError", times=None)
    mhub_fake.fail("CreateProgressUpdateStream", "InternalServerError", times=None)
    assert reported(mhub_fake) == [
        "ListProgressUpdateStreams -> InternalServerError (until cleared, never fired)",
        "CreateProgressUpdateStream -> InternalServerError (until cleared, never fired)",
    ]
    with pytest.raises(ClientError):
        mgh.list_progress_update_streams()
    assert reported(mhub_fake) == ["CreateProgressUpdateStream -> InternalServerError (until cleared, never fired)"]
    mhub_fake.clear_faults()
    assert reported(mhub_fake) == []


def test_a_fault_fires_only_for_its_operation(mhub_fake: MigrationHubFake, make_client: Any) -> None:
    mgh = no_retries(make_client)
    mhub_fake.fail("ImportMigrationTask", "ThrottlingException", times=1)
    mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    assert reported(mhub_fake) == ["ImportMigrationTask -> ThrottlingException (1 of 1 not fired)"]
    mhub_fake.clear_faults()


@pytest.mark.mhub_fake(assert_all_faults_fired=False)
def test_opting_out_of_the_fault_check_silences_it(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.fail("ImportMigrationTask", "ThrottlingException")
    assert reported(mhub_fake) == []


# --- malformed requests ---------------------------------------------------------------------


def test_malformed_requests_are_kept_in_order_and_nothing_else_is(
    mhub_fake: MigrationHubFake, make_client: Any
) -> None:
    mgh = no_retries(make_client)
    mhub_fake.add_stream(STREAM)
    with pytest.raises(mgh.exceptions.InvalidInputException):
        mgh.import_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName="a|b")
    # Refused by a business rule, by a fault (even one named InvalidInputException), or
    # accepted: none of these is a malformed request.
    with pytest.raises(mgh.exceptions.ResourceNotFoundException):
        mgh.describe_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)
    mhub_fake.fail("ImportMigrationTask", "InvalidInputException")
    with pytest.raises(mgh.exceptions.InvalidInputException):
        mgh.import_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)
    mgh.import_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)
    with pytest.raises(mgh.exceptions.InvalidInputException):
        mgh.create_progress_update_stream(ProgressUpdateStreamName="x" * 51)

    assert reported(mhub_fake) == [
        "ImportMigrationTask: $.MigrationTaskName: 'a|b' does not match '^(?:[^:|]+)$'",
        "CreateProgressUpdateStream: $.ProgressUpdateStreamName: " + repr("x" * 51) + " is too long",
    ]
    mhub_fake.assert_all_requests_valid = False
    assert reported(mhub_fake) == []


def test_the_malformed_request_whose_error_ended_the_test_is_not_reported_again(
    mhub_fake: MigrationHubFake, make_client: Any
) -> None:
    mgh = no_retries(make_client)
    errors = []
    for name in ("a|b", "c:d"):
        with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
            mgh.create_progress_update_stream(ProgressUpdateStreamName=name)
        errors.append(raised.value)
    messages = [error_message(raised) for raised in map(pytest.ExceptionInfo.from_exception, errors)]
    # Only the last one's error can have ended the test.
    assert reported(mhub_fake, errors[1]) == messages[:1]
    assert reported(mhub_fake, errors[0]) == messages
    assert reported(mhub_fake, RuntimeError("unrelated")) == messages
    mhub_fake.assert_all_requests_valid = False


def test_a_call_says_whether_its_error_was_an_injected_fault(mhub_fake: Any, mgh: Any) -> None:
    mhub_fake.fail("ListProgressUpdateStreams", "InternalServerError", times=None)
    with pytest.raises(ClientError):
        mgh.list_progress_update_streams()
    mhub_fake.clear_faults()
    with pytest.raises(ClientError):
        mgh.describe_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="absent")
    calls = mhub_fake.calls
    assert {(c.error_code, c.injected) for c in calls[:-1]} == {("InternalServerError", True)}
    assert (calls[-1].error_code, calls[-1].injected) == ("ResourceNotFoundException", False)
    assert all(not c.injected for c in calls if c.error_code is None)
