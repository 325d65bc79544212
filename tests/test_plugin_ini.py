"""The plugin's ini and pyproject.toml options, and how markers override them.

Each test writes a small test file, runs it in an inner pytest session with the
``inner`` fixture (see ``support.py``) and pins the outcome and the exact text pytest
reports. The fake is process-global, so no test here uses ``mhub_fake`` itself.
"""

from __future__ import annotations

import pytest
from support import ASSERTION, Inner, expect_lines, never_fired

# --- 3. ini options -------------------------------------------------------


def test_ini_home_region(inner: Inner) -> None:
    inner.ini("mhub_fake_home_region = eu-west-1")
    result = inner.run(
        """
def test_ini(mhub_fake):
    assert mhub_fake.home_region == "eu-west-1"
    mgh("eu-west-1").create_progress_update_stream(ProgressUpdateStreamName="SMS")
    with pytest.raises(ClientError) as excinfo:
        mgh("us-west-2").create_progress_update_stream(ProgressUpdateStreamName="Other")
    assert error_code(excinfo) == "InvalidInputException"


@pytest.mark.mhub_fake(home_region="eu-central-1")
def test_marker_over_ini(mhub_fake):
    assert mhub_fake.home_region == "eu-central-1"


@pytest.mark.mhub_fake(home_region=None)
def test_marker_none_over_ini(mhub_fake):
    assert mhub_fake.home_region is None
""",
    )
    result.assert_outcomes(passed=3)


@pytest.mark.parametrize("value", ["none", "None", ""])
def test_ini_home_region_none_leaves_it_unset(inner: Inner, value: str) -> None:
    inner.ini(f"mhub_fake_home_region = {value}")
    result = inner.run(
        """
def test_unset(mhub_fake):
    assert mhub_fake.home_region is None
    with pytest.raises(ClientError) as excinfo:
        mgh().import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
    assert error_code(excinfo) == "HomeRegionNotSetException"


@pytest.mark.mhub_fake(home_region="us-west-2")
def test_marker_over_ini(mhub_fake):
    assert mhub_fake.home_region == "us-west-2"
""",
    )
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    "option, value, message",
    [
        (
            "mhub_fake_home_region",
            "Mars",
            "mhub_fake_home_region must be a region name such as 'us-west-2', or none to leave it unset; got 'Mars'.",
        ),
        (
            "mhub_fake_assert_all_faults_fired",
            "maybe",
            "mhub_fake_assert_all_faults_fired must be true or false (or yes/no, on/off, 1/0); got 'maybe'.",
        ),
        (
            "mhub_fake_assert_all_requests_valid",
            "2",
            "mhub_fake_assert_all_requests_valid must be true or false (or yes/no, on/off, 1/0); got '2'.",
        ),
        (
            "mhub_fake_stream_deletion_seconds",
            "soon",
            "mhub_fake_stream_deletion_seconds must be a number of seconds, 0 or more; got 'soon'.",
        ),
        (
            "mhub_fake_stream_deletion_seconds",
            "-1",
            "mhub_fake_stream_deletion_seconds must be a number of seconds, 0 or more; got '-1'.",
        ),
    ],
)
def test_an_invalid_ini_value_stops_the_run_with_one_line(inner: Inner, option: str, value: str, message: str) -> None:
    inner.ini(f"{option} = {value}")
    result = inner.run(
        """
def test_with_the_fake(mhub_fake):
    pass


@pytest.mark.mhub_fake(home_region="eu-west-1", assert_all_faults_fired=True,
                       assert_all_requests_valid=True, stream_deletion_seconds=0)
def test_marker_over_ini(mhub_fake):
    pass


def test_without_the_fake():
    pass
""",
    )
    # A usage error, as for pytest's own options: no test runs, however it is configured.
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line] == [f"ERROR: {message}"]
    result.stdout.no_fnmatch_line("*passed*")


def test_an_invalid_pyproject_toml_value_stops_the_run_too(inner: Inner) -> None:
    inner.pytester.makepyprojecttoml(
        """
[tool.pytest.ini_options]
mhub_fake_assert_all_faults_fired = "Maybe"
"""
    )
    inner.pytester.makepyfile("def test_nothing(): pass")
    result = inner.pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: mhub_fake_assert_all_faults_fired must be true or false (or yes/no, on/off, 1/0); got 'maybe'."]
    )


@pytest.mark.parametrize("value", ["0", "2.5", "0.0"])
def test_ini_stream_deletion_seconds(inner: Inner, value: str) -> None:
    inner.ini(f"mhub_fake_stream_deletion_seconds = {value}")
    result = inner.run(
        f"""
def test_window(mhub_fake):
    assert mhub_fake.stream_deletion_seconds == {float(value)}
""",
    )
    result.assert_outcomes(passed=1)


def test_ini_assert_all_faults_fired_false(inner: Inner) -> None:
    inner.ini("mhub_fake_assert_all_faults_fired = false")
    result = inner.run(
        """
def test_opted_out_by_ini(mhub_fake):
    assert mhub_fake.assert_all_faults_fired is False
    assert mhub_fake.assert_all_requests_valid is True
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")


@pytest.mark.mhub_fake(assert_all_faults_fired=True)
def test_marker_over_ini(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
""",
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_marker_over_ini*"])
    expect_lines(result, never_fired())


def test_ini_assert_all_requests_valid_false(inner: Inner) -> None:
    inner.ini("mhub_fake_assert_all_requests_valid = false")
    result = inner.run(
        """
def send_malformed():
    with pytest.raises(ClientError) as excinfo:
        mgh().create_progress_update_stream(ProgressUpdateStreamName="a|b")
    assert error_code(excinfo) == "InvalidInputException"


def test_opted_out_by_ini(mhub_fake):
    assert mhub_fake.assert_all_requests_valid is False
    assert mhub_fake.assert_all_faults_fired is True
    send_malformed()


@pytest.mark.mhub_fake(assert_all_requests_valid=True)
def test_marker_over_ini(mhub_fake):
    send_malformed()
""",
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_marker_over_ini*"])
    expect_lines(
        result,
        [
            ASSERTION
            + "mhub_fake: the fake answered 1 malformed request with InvalidInputException, and its error did not end the test:",
        ],
    )


def test_pyproject_toml_options(inner: Inner) -> None:
    inner.pytester.makepyprojecttoml(
        """
[tool.pytest.ini_options]
mhub_fake_home_region = "ap-northeast-1"
mhub_fake_assert_all_faults_fired = false
mhub_fake_assert_all_requests_valid = false
"""
    )
    result = inner.run(
        """
def test_toml(mhub_fake):
    assert mhub_fake.home_region == "ap-northeast-1"
    assert mhub_fake.assert_all_faults_fired is False
    assert mhub_fake.assert_all_requests_valid is False
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    with pytest.raises(ClientError):
        mgh("ap-northeast-1").create_progress_update_stream(ProgressUpdateStreamName="a|b")
""",
    )
    result.assert_outcomes(passed=1)


def test_ini_options_are_documented(inner: Inner) -> None:
    result = inner.pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "*mhub_fake_home_region*",
            "*mhub_fake_assert_all_requests_valid*",
            "*mhub_fake_assert_all_faults_fired*",
        ]
    )
