"""The pytest side of the plugin: the ``mhub_fake`` fixture, its marker, its ini
options and the checks it runs at teardown.

Each test writes a small test file, runs it in an inner pytest session and pins
the outcome and the exact text pytest reports. None of this needs AWS
credentials or a network: the fake answers every Migration Hub request, and the
one request that must *not* be answered by the fake goes to a closed loopback
port.

The fake is process-global, so no test here uses ``mhub_fake`` itself: the inner
sessions run in this process and start their own fakes.
"""

from __future__ import annotations

import os
from typing import List

import pytest

# What every generated test file starts with. Clients may be created at import
# time, before any fake is active, so the instance metadata service is switched
# off here as well (the fake only does it while it is active).
HEADER = """
import os
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


def mgh(region="us-west-2", **config):
    return boto3.client("mgh", region_name=region, config=Config(**config))


def config_client(region="us-west-2"):
    return boto3.client("migrationhub-config", region_name=region)


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]

"""

UNKNOWN_KEYWORD = (
    "pytest_migrationhub.MigrationHubFakeError: @pytest.mark.mhub_fake got an unknown keyword "
    "'homeregion'; valid keywords are: assert_all_faults_fired, assert_all_requests_valid, "
    "home_region, stream_deletion_seconds."
)
FAULTS_HINT = (
    "    Let the code under test reach them, remove them, or opt out with "
    "@pytest.mark.mhub_fake(assert_all_faults_fired=False)."
)
REQUESTS_HINT = (
    "    Fix the request, or, if the test sends it on purpose (even under pytest.raises), opt out with "
    "@pytest.mark.mhub_fake(assert_all_requests_valid=False)."
)
ASSERTION = "E   pytest_migrationhub.MigrationHubAssertionError: "


def literal(line: str) -> str:
    """An fnmatch pattern that matches exactly ``line`` (``[``, ``*``, ``?`` escaped)."""
    return "".join(f"[{c}]" if c in "[*?" else c for c in line)


def exact(lines: List[str]) -> List[str]:
    return [literal(line) for line in lines]


def raised(message: str) -> List[str]:
    """The ``E`` line of an exception raised in a frame pytest shows (indented with it)."""
    return ["E *" + literal(message)]


@pytest.fixture(autouse=True)
def no_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials, no profile, no config file, no instance metadata: the fake needs none."""
    for name in (
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
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(autouse=True, scope="module")
def warm_imports() -> None:
    """Import botocore, boto3 and the fake once, outside the inner sessions.

    An in-process pytester run drops every module it imported when it ends; with
    these loaded beforehand, each inner session reuses them instead of
    importing botocore (and rebuilding the fake's catalog) again.
    """
    import boto3  # noqa: F401

    from pytest_migrationhub import _hook
    from pytest_migrationhub._model import catalog

    catalog()
    assert _hook.active() is None


@pytest.fixture(autouse=True)
def no_fake_left_active():
    from pytest_migrationhub import _hook

    yield
    assert _hook.active() is None, "an inner session left a Migration Hub fake active"


# --- 1. end to end --------------------------------------------------------


def test_fixture_answers_boto3_end_to_end(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
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
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_each_test_gets_a_fresh_fake(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_first(mhub_fake):
    mgh().create_progress_update_stream(ProgressUpdateStreamName="SMS")
    assert mhub_fake.streams == ["SMS"]


def test_second(mhub_fake):
    assert mhub_fake.streams == []
    assert mhub_fake.calls == []
    assert mgh().list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == []
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)


# --- 2. the marker --------------------------------------------------------


def test_marker_home_region_none_leaves_it_unset(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
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
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_marker_home_region(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
@pytest.mark.mhub_fake(home_region="eu-central-1")
def test_frankfurt(mhub_fake):
    assert mhub_fake.home_region == "eu-central-1"
    assert config_client("eu-central-1").get_home_region()["HomeRegion"] == "eu-central-1"
    mgh("eu-central-1").create_progress_update_stream(ProgressUpdateStreamName="SMS")
    with pytest.raises(ClientError) as excinfo:
        mgh("us-west-2").create_progress_update_stream(ProgressUpdateStreamName="Other")
    assert error_code(excinfo) == "InvalidInputException"
    assert mhub_fake.streams == ["SMS"]
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_markers_merge_closest_first_per_keyword(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
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
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=5)


def test_marker_unknown_keyword_errors_at_setup(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
@pytest.mark.mhub_fake(homeregion="x")
def test_typo(mhub_fake):
    pass
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR at setup of test_typo*"])
    result.stdout.fnmatch_lines(raised(UNKNOWN_KEYWORD), consecutive=True)


@pytest.mark.parametrize("marker", ['homeregion="x"', 'home_region="Mars"', '"eu-west-1"'])
def test_marker_errors_do_not_show_plugin_internals(
    pytester: pytest.Pytester, marker: str
) -> None:
    pytester.makepyfile(
        HEADER
        + f"""
@pytest.mark.mhub_fake({marker})
def test_bad_marker(mhub_fake):
    pass
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    # Like the teardown checks: the message, with every plugin frame hidden.
    result.stdout.fnmatch_lines(["E   pytest_migrationhub.MigrationHubFakeError: *"])
    result.stdout.no_fnmatch_line("*pytest_migrationhub/*.py:*")
    result.stdout.no_fnmatch_line("*raise MigrationHubFakeError(*")


def test_marker_unknown_keyword_on_the_module_errors_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
pytestmark = pytest.mark.mhub_fake(homeregion="x")


@pytest.mark.mhub_fake(home_region="eu-west-1")
def test_typo_further_out(mhub_fake):
    pass
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(raised(UNKNOWN_KEYWORD), consecutive=True)


def test_marker_positional_arguments_error_at_setup(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
@pytest.mark.mhub_fake("eu-central-1")
def test_positional(mhub_fake):
    pass
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR at setup of test_positional*"])
    result.stdout.fnmatch_lines(
        raised(
            "pytest_migrationhub.MigrationHubFakeError: @pytest.mark.mhub_fake takes keyword "
            "arguments only, e.g. @pytest.mark.mhub_fake(home_region='eu-central-1')."
        ),
        consecutive=True,
    )


@pytest.mark.parametrize("value", ["Mars", "us-west-2 ", 42])
def test_marker_invalid_home_region_errors_at_setup(
    pytester: pytest.Pytester, value: object
) -> None:
    pytester.makepyfile(
        HEADER
        + f"""
@pytest.mark.mhub_fake(home_region={value!r})
def test_elsewhere(mhub_fake):
    pass
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR at setup of test_elsewhere*"])
    result.stdout.fnmatch_lines(
        raised(
            "pytest_migrationhub.MigrationHubFakeError: home_region must be a region name "
            f"such as 'us-west-2', or None to leave it unset; got {value!r}."
        ),
        consecutive=True,
    )


def test_marker_without_the_fixture_is_harmless(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
@pytest.mark.mhub_fake(homeregion="only checked by the fixture")
def test_no_fixture():
    pass
"""
    )
    result = pytester.runpytest("--strict-markers")
    result.assert_outcomes(passed=1)


# --- 3. ini options -------------------------------------------------------


def test_ini_home_region(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
[pytest]
mhub_fake_home_region = eu-west-1
"""
    )
    pytester.makepyfile(
        HEADER
        + """
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
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3)


@pytest.mark.parametrize("value", ["none", "None", ""])
def test_ini_home_region_none_leaves_it_unset(pytester: pytest.Pytester, value: str) -> None:
    pytester.makeini(
        f"""
[pytest]
mhub_fake_home_region = {value}
"""
    )
    pytester.makepyfile(
        HEADER
        + """
def test_unset(mhub_fake):
    assert mhub_fake.home_region is None
    with pytest.raises(ClientError) as excinfo:
        mgh().import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
    assert error_code(excinfo) == "HomeRegionNotSetException"


@pytest.mark.mhub_fake(home_region="us-west-2")
def test_marker_over_ini(mhub_fake):
    assert mhub_fake.home_region == "us-west-2"
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    "option, value, message",
    [
        (
            "mhub_fake_home_region",
            "Mars",
            "mhub_fake_home_region must be a region name such as 'us-west-2', "
            "or none to leave it unset; got 'Mars'.",
        ),
        (
            "mhub_fake_assert_all_faults_fired",
            "maybe",
            "mhub_fake_assert_all_faults_fired must be true or false "
            "(or yes/no, on/off, 1/0); got 'maybe'.",
        ),
        (
            "mhub_fake_assert_all_requests_valid",
            "2",
            "mhub_fake_assert_all_requests_valid must be true or false "
            "(or yes/no, on/off, 1/0); got '2'.",
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
def test_an_invalid_ini_value_stops_the_run_with_one_line(
    pytester: pytest.Pytester, option: str, value: str, message: str
) -> None:
    pytester.makeini(
        f"""
[pytest]
{option} = {value}
"""
    )
    pytester.makepyfile(
        HEADER
        + """
def test_with_the_fake(mhub_fake):
    pass


@pytest.mark.mhub_fake(home_region="eu-west-1", assert_all_faults_fired=True,
                       assert_all_requests_valid=True, stream_deletion_seconds=0)
def test_marker_over_ini(mhub_fake):
    pass


def test_without_the_fake():
    pass
"""
    )
    result = pytester.runpytest()
    # A usage error, as for pytest's own options: no test runs, however it is configured.
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line] == [f"ERROR: {message}"]
    result.stdout.no_fnmatch_line("*passed*")


def test_an_invalid_pyproject_toml_value_stops_the_run_too(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        """
[tool.pytest.ini_options]
mhub_fake_assert_all_faults_fired = "Maybe"
"""
    )
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: mhub_fake_assert_all_faults_fired must be true or false "
            "(or yes/no, on/off, 1/0); got 'maybe'."
        ]
    )


@pytest.mark.parametrize("value", ["0", "2.5", "0.0"])
def test_ini_stream_deletion_seconds(pytester: pytest.Pytester, value: str) -> None:
    pytester.makeini(
        f"""
[pytest]
mhub_fake_stream_deletion_seconds = {value}
"""
    )
    pytester.makepyfile(
        HEADER
        + f"""
def test_window(mhub_fake):
    assert mhub_fake.stream_deletion_seconds == {float(value)}
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_ini_assert_all_faults_fired_false(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
[pytest]
mhub_fake_assert_all_faults_fired = false
"""
    )
    pytester.makepyfile(
        HEADER
        + """
def test_opted_out_by_ini(mhub_fake):
    assert mhub_fake.assert_all_faults_fired is False
    assert mhub_fake.assert_all_requests_valid is True
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")


@pytest.mark.mhub_fake(assert_all_faults_fired=True)
def test_marker_over_ini(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_marker_over_ini*"])
    result.stdout.fnmatch_lines(
        exact(
            [
                ASSERTION + "mhub_fake: 1 queued fault never fired:",
                "      - NotifyMigrationTaskState -> ThrottlingException (1 of 1 not fired)",
                FAULTS_HINT,
            ]
        ),
        consecutive=True,
    )


def test_ini_assert_all_requests_valid_false(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
[pytest]
mhub_fake_assert_all_requests_valid = false
"""
    )
    pytester.makepyfile(
        HEADER
        + """
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
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_marker_over_ini*"])
    result.stdout.fnmatch_lines(
        exact(
            [
                ASSERTION
                + "mhub_fake: the fake answered 1 malformed request with InvalidInputException, and its error did not end the test:",
            ]
        ),
        consecutive=True,
    )


def test_pyproject_toml_options(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        """
[tool.pytest.ini_options]
mhub_fake_home_region = "ap-northeast-1"
mhub_fake_assert_all_faults_fired = false
mhub_fake_assert_all_requests_valid = false
"""
    )
    pytester.makepyfile(
        HEADER
        + """
def test_toml(mhub_fake):
    assert mhub_fake.home_region == "ap-northeast-1"
    assert mhub_fake.assert_all_faults_fired is False
    assert mhub_fake.assert_all_requests_valid is False
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    with pytest.raises(ClientError):
        mgh("ap-northeast-1").create_progress_update_stream(ProgressUpdateStreamName="a|b")
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_ini_options_are_documented(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "*mhub_fake_home_region*",
            "*mhub_fake_assert_all_requests_valid*",
            "*mhub_fake_assert_all_faults_fired*",
        ]
    )


# --- 4. strict teardown ---------------------------------------------------


def test_unfired_fault_errors_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_never_notifies(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=2)
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["_* ERROR at teardown of test_never_notifies _*", ""]
        + exact(
            [
                ASSERTION + "mhub_fake: 1 queued fault never fired:",
                "      - NotifyMigrationTaskState -> ThrottlingException (2 of 2 not fired)",
                FAULTS_HINT,
            ]
        ),
        consecutive=True,
    )


def test_faults_until_cleared_count_only_when_they_never_fired(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_forever(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=None)
    mhub_fake.fail("ImportMigrationTask", "InvalidInputException", times=None)
    client = mgh()
    client.create_progress_update_stream(ProgressUpdateStreamName="SMS")
    for _ in range(3):
        with pytest.raises(ClientError) as excinfo:
            client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
        assert error_code(excinfo) == "InvalidInputException"
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        exact(
            [
                ASSERTION + "mhub_fake: 1 queued fault never fired:",
                "      - NotifyMigrationTaskState -> ThrottlingException "
                "(until cleared, never fired)",
                FAULTS_HINT,
            ]
        ),
        consecutive=True,
    )
    result.stdout.no_fnmatch_line("*ImportMigrationTask -> *")


def test_fired_fault_until_cleared_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_forever(mhub_fake):
    mhub_fake.fail("ImportMigrationTask", "InvalidInputException", times=None)
    client = mgh()
    client.create_progress_update_stream(ProgressUpdateStreamName="SMS")
    with pytest.raises(ClientError):
        client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_partly_fired_fault_reports_what_is_left(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_half(mhub_fake):
    # InvalidInputException is not retried: one call, one fault fired.
    mhub_fake.fail("CreateProgressUpdateStream", "InvalidInputException", times=2)
    mhub_fake.fail("ImportMigrationTask", "ThrottlingException", times=3)
    with pytest.raises(ClientError):
        mgh().create_progress_update_stream(ProgressUpdateStreamName="SMS")
    assert len(mhub_fake.calls) == 1
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        exact(
            [
                ASSERTION + "mhub_fake: 2 queued faults never fired:",
                "      - CreateProgressUpdateStream -> InvalidInputException (1 of 2 not fired)",
                "      - ImportMigrationTask -> ThrottlingException (3 of 3 not fired)",
                FAULTS_HINT,
            ]
        ),
        consecutive=True,
    )


def test_fully_fired_faults_pass(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
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
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_malformed_requests_error_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
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
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        exact(
            [
                ASSERTION
                + "mhub_fake: the fake answered 2 malformed requests with InvalidInputException, and their errors did not end the test:",
                "      - NotifyMigrationTaskState: $.Task.ProgressPercent: 150 is greater than "
                "the maximum of 100",
                "      - NotifyMigrationTaskState: $.MigrationTaskName: 'a|b' does not match "
                "'^(?:[^:|]+)$'",
                REQUESTS_HINT,
            ]
        ),
        consecutive=True,
    )


def test_a_malformed_request_whose_error_ends_the_test_is_not_reported_again(
    pytester: pytest.Pytester,
) -> None:
    # The request's error ended the test: that failure alone is what the
    # user needs to read.
    pytester.makepyfile(
        HEADER
        + """
def test_raises(mhub_fake):
    mhub_fake.add_stream("SMS")
    mgh().import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="a:b")
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.no_fnmatch_line("*did not end the test*")


def test_an_earlier_malformed_request_is_still_reported_when_a_later_one_ends_the_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_raises(mhub_fake):
    mhub_fake.add_stream("SMS")
    client = mgh()
    try:
        client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="a|b")
    except ClientError:
        pass
    client.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="a:b")
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(
        exact(
            [
                ASSERTION + "mhub_fake: the fake answered 1 malformed request with InvalidInputException, and its error did not end the test:",
                "      - ImportMigrationTask: $.MigrationTaskName: 'a|b' does not match '^(?:[^:|]+)$'",
            ]
        ),
        consecutive=True,
    )


def test_marker_flags_must_be_booleans(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
@pytest.mark.mhub_fake(assert_all_faults_fired="false")
def test_string_flag(mhub_fake):
    pass
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        raised(
            "pytest_migrationhub.MigrationHubFakeError: assert_all_faults_fired must be True or "
            "False; got 'false'."
        )
    )


def test_both_kinds_of_problem_are_reported_together(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_both(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    with pytest.raises(ClientError):
        mgh().import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="a:b")
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        exact(
            [
                ASSERTION + "mhub_fake: 1 queued fault never fired:",
                "      - NotifyMigrationTaskState -> ThrottlingException (1 of 1 not fired)",
                FAULTS_HINT,
                "    ",
                "    mhub_fake: the fake answered 1 malformed request with InvalidInputException, and its error did not end the test:",
                "      - ImportMigrationTask: $.MigrationTaskName: 'a:b' does not match "
                "'^(?:[^:|]+)$'",
                REQUESTS_HINT,
            ]
        ),
        consecutive=True,
    )


def test_business_rule_refusals_are_not_malformed_requests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
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
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("where", ["test", "class", "module"])
def test_both_opt_outs_by_marker(pytester: pytest.Pytester, where: str) -> None:
    marker = (
        "@pytest.mark.mhub_fake(assert_all_faults_fired=False, assert_all_requests_valid=False)"
    )
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
        source = marker + "\nclass TestOptedOut:\n" + body.replace("\n", "\n    ").replace(
            "(mhub_fake)", "(self, mhub_fake)"
        )
    else:
        source = "pytestmark = " + marker[1:] + "\n\n" + body
    pytester.makepyfile(HEADER + source)
    result = pytester.runpytest()
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
def test_each_opt_out_silences_only_its_check(
    pytester: pytest.Pytester, option: str, survives: str, silenced: str
) -> None:
    pytester.makepyfile(
        HEADER
        + f"""
@pytest.mark.mhub_fake({option}=False)
def test_one_opt_out(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    with pytest.raises(ClientError):
        mgh().create_progress_update_stream(ProgressUpdateStreamName="a|b")
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(exact([ASSERTION + "mhub_fake: " + survives]), consecutive=True)
    result.stdout.no_fnmatch_line(f"*{silenced}*")


def test_checks_run_even_when_the_test_failed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_fails(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    assert mhub_fake.streams == ["SMS"]
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_fails*"])
    result.stdout.fnmatch_lines(
        exact(
            [
                ASSERTION + "mhub_fake: 1 queued fault never fired:",
                "      - NotifyMigrationTaskState -> ThrottlingException (1 of 1 not fired)",
                FAULTS_HINT,
            ]
        ),
        consecutive=True,
    )
    result.stdout.fnmatch_lines(["FAILED *::test_fails - *", "ERROR *::test_fails - *"])


def test_clear_faults_removes_unfired_faults_from_the_check(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_cleared(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=2)
    mhub_fake.fail("ImportMigrationTask", "ThrottlingException", times=None)
    mhub_fake.clear_faults()
    assert mhub_fake.unexplained() == []
    mgh().create_progress_update_stream(ProgressUpdateStreamName="SMS")
    mgh().import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


# --- 5. the registered marker ---------------------------------------------


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        exact(
            [
                "@pytest.mark.mhub_fake(*, home_region='us-west-2', "
                "assert_all_requests_valid=True, assert_all_faults_fired=True, "
                "stream_deletion_seconds=5): configure the Migration Hub fake of the mhub_fake "
                "fixture; home_region=None leaves the home region unset."
            ]
        )
    )


def test_marker_passes_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
pytestmark = pytest.mark.mhub_fake(home_region="eu-west-1")


@pytest.mark.mhub_fake(assert_all_faults_fired=False)
def test_strict(mhub_fake):
    assert mhub_fake.home_region == "eu-west-1"
"""
    )
    result = pytester.runpytest("--strict-markers", "-W", "error::pytest.PytestUnknownMarkWarning")
    result.assert_outcomes(passed=1)


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


def test_hook_is_gone_after_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        UNANSWERED
        + """

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
"""
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=4)


def test_hook_is_gone_after_a_failing_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        UNANSWERED
        + """

def test_with_fake(mhub_fake):
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    MODULE_CLIENT.create_progress_update_stream(ProgressUpdateStreamName="SMS")


def test_without_fake():
    with pytest.raises(EndpointConnectionError):
        MODULE_CLIENT.create_progress_update_stream(ProgressUpdateStreamName="SMS")
"""
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)


def test_instance_metadata_setting_is_restored(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    pytester.makepyfile(
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
"""
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


# --- 7. a second fake while the fixture is active -------------------------


def test_mock_migrationhub_inside_the_fixture_raises(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
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
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        raised(
            "pytest_migrationhub.MigrationHubFakeError: Another Migration Hub fake is "
            "already active; use that one (the mhub_fake fixture, or the object "
            "mock_migrationhub() returned) instead of starting a second."
        ),
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        raised(
            "pytest_migrationhub.MigrationHubFakeError: This Migration Hub fake is already "
            "started."
        ),
        consecutive=True,
    )
