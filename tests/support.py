"""What the tests share: the names they use, one way to notify, one way to run an inner pytest.

Import it from any test module (``from support import STREAM, TASK, notify``): pytest puts
this directory on ``sys.path`` for the test modules in it. Fixtures live in ``conftest.py``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

# --- names ------------------------------------------------------------------------

#: the progress update stream and migration task of the API reference's samples
STREAM, TASK = "SMS", "sms-12de3cf1a"
#: the fake's default home region, where every write goes unless a test moves it
HOME = "us-west-2"
#: the account of a request whose credentials name no other
DEFAULT_ACCOUNT = "123456789012"
#: the API reference's sample UpdateDateTime (2017-05-01 17:47:33 UTC)
UPDATED = 1493660853
#: a created artifact (an EC2 instance) and an Application Discovery Service server
ARN = "arn:aws:ec2:us-west-2:123456789012:instance/i-0abc1234def567890"
SERVER = "d-server-01a2b3c4d5e6f7"


def ids(**members: Any) -> dict[str, Any]:
    """The members that name STREAM's TASK, plus ``members``, as boto3 kwargs."""
    return {"ProgressUpdateStream": STREAM, "MigrationTaskName": TASK, **members}


def requires(operation: str) -> pytest.MarkDecorator:
    """Skip where the installed botocore is too old to model ``operation``."""
    return pytest.mark.skipif(operation not in _modelled(), reason=f"this botocore has no {operation}")


def _modelled() -> set[str]:
    import botocore.session

    session = botocore.session.get_session()
    return {
        name
        for service in ("mgh", "migrationhub-config")
        for name in session.get_service_model(service).operation_names
    }


# --- one way to notify ------------------------------------------------------------


def notification(
    status: str = "IN_PROGRESS",
    percent: int | None = None,
    *,
    stream: str = STREAM,
    task: str = TASK,
    detail: str | None = None,
    at: Any = None,
    next_update: int = 60,
) -> dict[str, Any]:
    """The keyword arguments of a NotifyMigrationTaskState call; ``at`` defaults to now."""
    state: dict[str, Any] = {"Status": status}
    if percent is not None:
        state["ProgressPercent"] = percent
    if detail is not None:
        state["StatusDetail"] = detail
    return {
        "ProgressUpdateStream": stream,
        "MigrationTaskName": task,
        "Task": state,
        "UpdateDateTime": datetime.now(timezone.utc) if at is None else at,
        "NextUpdateSeconds": next_update,
    }


def notify(client: Any, status: str = "IN_PROGRESS", percent: int | None = None, **options: Any) -> Any:
    """Send one NotifyMigrationTaskState with a (synchronous) client; see :func:`notification`."""
    return client.notify_migration_task_state(**notification(status, percent, **options))


def error_code(raised: pytest.ExceptionInfo[Any]) -> str:
    """The AWS error code of a ``pytest.raises(ClientError)``."""
    return str(raised.value.response["Error"]["Code"])


def error_message(raised: pytest.ExceptionInfo[Any]) -> str:
    """The AWS error message of a ``pytest.raises(ClientError)``."""
    return str(raised.value.response["Error"]["Message"])


def error_of(raised: pytest.ExceptionInfo[Any]) -> tuple[str, int, str]:
    """``(code, HTTP status, message)`` of a ``pytest.raises(ClientError)``."""
    response = raised.value.response
    return (
        str(response["Error"]["Code"]),
        int(response["ResponseMetadata"]["HTTPStatusCode"]),
        str(response["Error"]["Message"]),
    )


# --- inner pytest runs --------------------------------------------------------------

#: What every inner test file starts with. Clients may be created at import time, before
#: any fake is active, so the instance metadata service is switched off here as well (the
#: fake only does it while it is active).
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

#: how pytest starts the line of a MigrationHubAssertionError raised at teardown
ASSERTION = "E   pytest_migrationhub.MigrationHubAssertionError: "
#: the last line of the teardown check on faults, as pytest shows it
FAULTS_HINT = (
    "    Let the code under test reach them, remove them, or opt out with "
    "@pytest.mark.mhub_fake(assert_all_faults_fired=False)."
)


def never_fired(count: str = "1 of 1 not fired") -> list[str]:
    """The teardown check's lines on one unfired NotifyMigrationTaskState throttle, as pytest shows them."""
    return [
        ASSERTION + "mhub_fake: 1 queued fault never fired:",
        f"      - NotifyMigrationTaskState -> ThrottlingException ({count})",
        FAULTS_HINT,
    ]


#: the last line of the teardown check on malformed requests, as pytest shows it
REQUESTS_HINT = (
    "    Fix the request, or, if the test sends it on purpose (even under pytest.raises), opt out with "
    "@pytest.mark.mhub_fake(assert_all_requests_valid=False)."
)


class Inner:
    """The ``inner`` fixture: one way to run a test file in an inner pytest session."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester

    def ini(self, *lines: str) -> None:
        """Write the inner session's pytest.ini, its ``[pytest]`` section holding ``lines``."""
        self.pytester.makeini("\n".join(["[pytest]", *lines, ""]))

    def run(self, source: str, *args: str, header: str = HEADER) -> pytest.RunResult:
        """Write ``header + source`` as a test file and run pytest on it in this process."""
        self.pytester.makepyfile(header + source)
        return self.pytester.runpytest(*args)


def literal(line: str) -> str:
    """An fnmatch pattern that matches exactly ``line`` (``[``, ``*``, ``?`` escaped)."""
    return "".join(f"[{c}]" if c in "[*?" else c for c in line)


def exact(lines: list[str]) -> list[str]:
    return [literal(line) for line in lines]


def raised(message: str) -> list[str]:
    """The ``E`` line of an exception raised in a frame pytest shows (indented with it)."""
    return ["E *" + literal(message)]


def expect_raised(result: pytest.RunResult, message: str) -> None:
    """Assert pytest showed ``message`` as the ``E`` line of an exception, exactly."""
    result.stdout.fnmatch_lines(raised(message), consecutive=True)


def expect_lines(result: pytest.RunResult, lines: list[str], *, patterns: list[str] | None = None) -> None:
    """Assert the output holds ``patterns`` (fnmatch) then ``lines`` (exact), consecutively."""
    result.stdout.fnmatch_lines((patterns or []) + exact(lines), consecutive=True)


def expect_marker_refused(inner: Inner, arguments: str, message: str) -> None:
    """A test marked ``@pytest.mark.mhub_fake(arguments)`` errors at setup with ``message``,
    shown exactly and with every plugin frame hidden."""
    result = inner.run(
        f"""
@pytest.mark.mhub_fake({arguments})
def test_marked(mhub_fake):
    pass
""",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR at setup of test_marked*"])
    expect_raised(result, message)
    result.stdout.no_fnmatch_line("*pytest_migrationhub/*.py:*")
    result.stdout.no_fnmatch_line("*raise MigrationHubFakeError(*")
