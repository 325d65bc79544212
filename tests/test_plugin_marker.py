"""The ``mhub_fake`` fixture end to end, and its marker: keywords, merging, errors, registration.

Each test writes a small test file, runs it in an inner pytest session with the
``inner`` fixture (see ``support.py``) and pins the outcome and the exact text pytest
reports. The fake is process-global, so no test here uses ``mhub_fake`` itself.
"""

from __future__ import annotations

import pytest
from support import Inner, exact, expect_marker_refused, expect_raised

UNKNOWN_KEYWORD = (
    "pytest_migrationhub.MigrationHubFakeError: @pytest.mark.mhub_fake got an unknown keyword "
    "'homeregion'; valid keywords are: assert_all_faults_fired, assert_all_requests_valid, "
    "discovery_task_seconds, home_region, scenario, stream_deletion_seconds."
)


# --- 1. end to end --------------------------------------------------------


def test_fixture_answers_boto3_end_to_end(inner: Inner) -> None:
    result = inner.run(
        """
MODULE_CLIENT = mgh()  # created at import time, before the fake started


def test_migration(mhub_fake):
    client = mgh()
    client.create_progress_update_stream(ProgressUpdateStreamName="SMS")
    client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
    for percent in (0, 50):
        client.notify_migration_task_state(
            ProgressUpdateStream="SMS",
            MigrationTaskName="sms-1",
            Task={"Status": "IN_PROGRESS", "ProgressPercent": percent},
            UpdateDateTime=1493660853,
            NextUpdateSeconds=60,
        )
    MODULE_CLIENT.notify_migration_task_state(
        ProgressUpdateStream="SMS",
        MigrationTaskName="sms-1",
        Task={"Status": "COMPLETED", "ProgressPercent": 100},
        UpdateDateTime=1493660913,
        NextUpdateSeconds=60,
    )

    assert mhub_fake.progress("SMS", "sms-1") == [0, 50, 100]
    assert mhub_fake.statuses("SMS", "sms-1") == ["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]
    assert mhub_fake.streams == ["SMS"]
    assert mhub_fake.home_region == "us-west-2"
    assert [call.operation for call in mhub_fake.calls] == [
        "CreateProgressUpdateStream",
        "ImportMigrationTask",
        "NotifyMigrationTaskState",
        "NotifyMigrationTaskState",
        "NotifyMigrationTaskState",
    ]
    assert all(call.error_code is None for call in mhub_fake.calls)
    described = client.describe_migration_task(
        ProgressUpdateStream="SMS", MigrationTaskName="sms-1"
    )
    assert described["MigrationTask"]["Task"] == {"Status": "COMPLETED", "ProgressPercent": 100}
""",
    )
    result.assert_outcomes(passed=1)


def test_each_test_gets_a_fresh_fake(inner: Inner) -> None:
    result = inner.run(
        """
def test_first(mhub_fake):
    mgh().create_progress_update_stream(ProgressUpdateStreamName="SMS")
    assert mhub_fake.streams == ["SMS"]


def test_second(mhub_fake):
    assert mhub_fake.streams == []
    assert mhub_fake.calls == []
    assert mgh().list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == []
""",
    )
    result.assert_outcomes(passed=2)


# --- 2. the marker --------------------------------------------------------


def test_marker_home_region_none_leaves_it_unset(inner: Inner) -> None:
    result = inner.run(
        """
@pytest.mark.mhub_fake(home_region=None)
def test_unset(mhub_fake):
    assert mhub_fake.home_region is None
    with pytest.raises(ClientError) as excinfo:
        mgh().create_progress_update_stream(ProgressUpdateStreamName="SMS")
    assert error_code(excinfo) == "HomeRegionNotSetException"
    with pytest.raises(ClientError) as excinfo:
        mgh().list_progress_update_streams()
    assert error_code(excinfo) == "HomeRegionNotSetException"
    assert "HomeRegion" not in config_client().get_home_region()
""",
    )
    result.assert_outcomes(passed=1)


def test_marker_home_region(inner: Inner) -> None:
    result = inner.run(
        """
@pytest.mark.mhub_fake(home_region="eu-central-1")
def test_frankfurt(mhub_fake):
    assert mhub_fake.home_region == "eu-central-1"
    assert config_client("eu-central-1").get_home_region()["HomeRegion"] == "eu-central-1"
    mgh("eu-central-1").create_progress_update_stream(ProgressUpdateStreamName="SMS")
    with pytest.raises(ClientError) as excinfo:
        mgh("us-west-2").create_progress_update_stream(ProgressUpdateStreamName="Other")
    assert error_code(excinfo) == "InvalidInputException"
    assert mhub_fake.streams == ["SMS"]
""",
    )
    result.assert_outcomes(passed=1)


def test_markers_merge_closest_first_per_keyword(inner: Inner) -> None:
    result = inner.run(
        """
pytestmark = pytest.mark.mhub_fake(home_region="eu-west-1", assert_all_requests_valid=False)


@pytest.mark.mhub_fake(assert_all_faults_fired=False)
def test_module_and_test(mhub_fake):
    assert mhub_fake.home_region == "eu-west-1"
    assert mhub_fake.assert_all_faults_fired is False
    assert mhub_fake.assert_all_requests_valid is False
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")  # never fires: opted out


def test_module_only(mhub_fake):
    assert mhub_fake.home_region == "eu-west-1"
    assert mhub_fake.assert_all_faults_fired is True
    assert mhub_fake.assert_all_requests_valid is False


@pytest.mark.mhub_fake(home_region="ap-southeast-2", assert_all_requests_valid=True)
class TestClass:
    def test_class_over_module(self, mhub_fake):
        assert mhub_fake.home_region == "ap-southeast-2"
        assert mhub_fake.assert_all_faults_fired is True
        assert mhub_fake.assert_all_requests_valid is True

    @pytest.mark.mhub_fake(home_region=None)
    def test_test_over_class_over_module(self, mhub_fake):
        assert mhub_fake.home_region is None
        assert mhub_fake.assert_all_requests_valid is True

    @pytest.mark.mhub_fake(home_region="us-east-1")
    @pytest.mark.mhub_fake(home_region="eu-central-1")
    def test_innermost_decorator_wins(self, mhub_fake):
        # The decorator closest to the function is applied first and is the
        # first marker pytest yields.
        assert mhub_fake.home_region == "eu-central-1"
""",
    )
    result.assert_outcomes(passed=5)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param('homeregion="x"', UNKNOWN_KEYWORD, id="unknown-keyword"),
        pytest.param(
            '"eu-central-1"',
            "pytest_migrationhub.MigrationHubFakeError: @pytest.mark.mhub_fake takes keyword "
            "arguments only, e.g. @pytest.mark.mhub_fake(home_region='eu-central-1').",
            id="positional",
        ),
    ]
    + [
        pytest.param(
            f"home_region={value!r}",
            "pytest_migrationhub.MigrationHubFakeError: home_region must be a region name "
            f"such as 'us-west-2', or None to leave it unset; got {value!r}.",
            id=f"home_region={value!r}",
        )
        for value in ["Mars", "us-west-2 ", 42]
    ],
)
def test_marker_arguments_it_cannot_take_error_at_setup(inner: Inner, arguments: str, message: str) -> None:
    # Like the teardown checks: the message, with every plugin frame hidden.
    expect_marker_refused(inner, arguments, message)


def test_marker_unknown_keyword_on_the_module_errors_too(inner: Inner) -> None:
    result = inner.run(
        """
pytestmark = pytest.mark.mhub_fake(homeregion="x")


@pytest.mark.mhub_fake(home_region="eu-west-1")
def test_typo_further_out(mhub_fake):
    pass
""",
    )
    result.assert_outcomes(errors=1)
    expect_raised(result, UNKNOWN_KEYWORD)


def test_marker_without_the_fixture_is_harmless(inner: Inner) -> None:
    result = inner.run(
        """
@pytest.mark.mhub_fake(homeregion="only checked by the fixture")
def test_no_fixture():
    pass
""",
        "--strict-markers",
    )
    result.assert_outcomes(passed=1)


# --- 5. the registered marker ---------------------------------------------


def test_marker_is_registered(inner: Inner) -> None:
    result = inner.pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        exact(
            [
                "@pytest.mark.mhub_fake(*, home_region='us-west-2', "
                "assert_all_requests_valid=True, assert_all_faults_fired=True, "
                "stream_deletion_seconds=5, discovery_task_seconds=1, scenario=None): configure the Migration Hub fake "
                "of the mhub_fake "
                "fixture; home_region=None leaves the home region unset."
            ]
        )
    )


def test_marker_passes_strict_markers(inner: Inner) -> None:
    result = inner.run(
        """
pytestmark = pytest.mark.mhub_fake(home_region="eu-west-1")


@pytest.mark.mhub_fake(assert_all_faults_fired=False)
def test_strict(mhub_fake):
    assert mhub_fake.home_region == "eu-west-1"
""",
        "--strict-markers",
        "-W",
        "error::pytest.PytestUnknownMarkWarning",
    )
    result.assert_outcomes(passed=1)
