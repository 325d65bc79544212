"""The pytest plugin: the ``mhub_fake`` fixture, its marker and ini options.

Loaded by pytest at start-up for every run, so it imports nothing heavy: the
fake, and with it botocore, is imported when a test first asks for the fixture
(jsonschema later still, when a malformed request needs explaining).
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ._core import (
    DEFAULT_DISCOVERY_TASK_SECONDS,
    DEFAULT_HOME_REGION,
    DEFAULT_STREAM_DELETION_SECONDS,
    MigrationHubFakeError,
    home_region_option,
    is_home_region,
    is_seconds,
)

if TYPE_CHECKING:
    from ._fake import MigrationHubFake
    from ._server import MigrationHubServer

#: every option, once: marker keyword -> (ini option, ini default, ini type, what it does); the ini
#: options, the marker's checks and the documentation's table of options are made from it
OPTIONS: dict[str, tuple[str, Any, str, str]] = {
    "home_region": (
        "mhub_fake_home_region",
        DEFAULT_HOME_REGION,
        "string",
        "The account's home region (every account's, to start with); 'none' (None) leaves it unset.",
    ),
    "assert_all_requests_valid": (
        "mhub_fake_assert_all_requests_valid",
        True,
        "bool",
        "Fail a test at teardown when the code under test sent a malformed request.",
    ),
    "assert_all_faults_fired": (
        "mhub_fake_assert_all_faults_fired",
        True,
        "bool",
        "Fail a test at teardown when a fault queued with mhub_fake.fail() never fired.",
    ),
    "stream_deletion_seconds": (
        "mhub_fake_stream_deletion_seconds",
        f"{DEFAULT_STREAM_DELETION_SECONDS:g}",
        "string",
        "Seconds, on the fake's clock, that DeleteProgressUpdateStream takes to finish.",
    ),
    "discovery_task_seconds": (
        "mhub_fake_discovery_task_seconds",
        f"{DEFAULT_DISCOVERY_TASK_SECONDS:g}",
        "string",
        "Seconds, on the fake's clock, that an Application Discovery Service import, export or deletion task "
        "(and a continuous export's start or stop) stays in progress.",
    ),
    "scenario": (
        "mhub_fake_scenario",
        "",
        "string",
        "A scenario file (mhub_fake.save()) loaded before the test, relative to the file that sets it.",
    ),
}
#: marker keyword -> (ini option, default)
_OPTIONS = {key: (ini, default) for key, (ini, default, _, _) in OPTIONS.items()}
#: the options that are a number of seconds
_SECONDS = ("stream_deletion_seconds", "discovery_task_seconds")
#: how the teardown messages say to turn each check off, with the marker
_OPT_OUT = {
    "assert_all_faults_fired": "opt out with @pytest.mark.mhub_fake(assert_all_faults_fired=False)",
    "assert_all_requests_valid": (
        "if the test sends it on purpose (even under pytest.raises), "
        "opt out with @pytest.mark.mhub_fake(assert_all_requests_valid=False)"
    ),
}
_MARKER_DOC = (
    f"mhub_fake(*, home_region={DEFAULT_HOME_REGION!r}, assert_all_requests_valid=True, "
    f"assert_all_faults_fired=True, stream_deletion_seconds={DEFAULT_STREAM_DELETION_SECONDS:g}, "
    f"discovery_task_seconds={DEFAULT_DISCOVERY_TASK_SECONDS:g}, scenario=None): configure the Migration Hub fake "
    "of the mhub_fake fixture; home_region=None leaves the home region unset."
)


def pytest_addoption(parser: pytest.Parser) -> None:
    for ini, default, kind, help_text in OPTIONS.values():
        if kind == "bool":
            parser.addini(ini, help_text, type="bool", default=default)
        else:
            parser.addini(ini, help_text, default=default)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER_DOC)
    config.stash[_INI] = _read_ini(config)


#: the ini options, as the fake takes them: checked once, when pytest starts
_INI = pytest.StashKey[dict[str, Any]]()


def _read_ini(config: pytest.Config) -> dict[str, Any]:
    """Check and convert the ini options. A bad value stops the run before any
    test, with one line naming the option, the value and what it accepts."""
    options: dict[str, Any] = {}
    home_region = config.getini("mhub_fake_home_region")
    if home_region_option(home_region) is None:
        options["home_region"] = None
    elif is_home_region(home_region):
        options["home_region"] = home_region
    else:
        raise pytest.UsageError(
            "mhub_fake_home_region must be a region name such as 'us-west-2', or none to leave "
            f"it unset; got {home_region!r}."
        )
    for key in ("assert_all_requests_valid", "assert_all_faults_fired"):
        ini = _OPTIONS[key][0]
        try:
            options[key] = config.getini(ini)
        except (ValueError, TypeError, pytest.UsageError) as error:
            # pytest's own message (a usage error since pytest 9) ends with the value it
            # refused, quoted, but does not name the option.
            refused = re.search(r"(?:invalid truth value|got \w+:) (.+)\Z", str(error))
            got = refused.group(1) if refused else str(error)
            raise pytest.UsageError(f"{ini} must be true or false (or yes/no, on/off, 1/0); got {got}.") from None
    for key in _SECONDS:
        ini = _OPTIONS[key][0]
        seconds = config.getini(ini)
        try:
            options[key] = float(seconds)
        except (ValueError, TypeError):
            options[key] = None
        if not is_seconds(options[key]):
            raise pytest.UsageError(f"{ini} must be a number of seconds, 0 or more; got {seconds!r}.")
    scenario = str(config.getini("mhub_fake_scenario")).strip()
    if scenario:
        # Relative to the file that sets it: the ini file (or the root, for options given on the command line).
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        options["scenario"] = str(base / scenario)
    return options


#: the exception that ended a test's call phase, for the teardown checks
_RAISED = pytest.StashKey[BaseException | None]()


#: the fake a test used, for the report of a failed test
_FAKE = pytest.StashKey["MigrationHubFake"]()
#: set once a report of the test carries the Migration Hub section
_REPORTED = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    if call.when == "call" and call.excinfo is not None:
        item.stash[_RAISED] = call.excinfo.value
        fallback = _note_unanswered(item, call.excinfo.value)
    else:
        fallback = None
    outcome = yield
    if call.excinfo is not None:
        _report_section(item, outcome.get_result(), fallback)


def _note_unanswered(item: pytest.Item, raised: BaseException) -> str | None:
    """Say to use mhub_fake when a Migration Hub request of a test without it
    went out for real. A note on the exception (Python 3.11+), else the text
    for a report section."""
    if _FAKE in item.stash:
        return None
    from . import _report

    try:
        if _report.unanswered(raised) is None:
            return None
        return None if _report.add_note(raised) else _report.NOTE
    except Exception:  # noqa: BLE001 - a hint is never worth breaking the report
        return None


def _report_section(item: pytest.Item, report: pytest.TestReport, fallback: str | None) -> None:
    """Add the Migration Hub section to the first failed report of a test that used the fake."""
    if not report.failed:
        return
    fake = item.stash.get(_FAKE, None)
    if fake is not None and not item.stash.get(_REPORTED, False):
        from . import _report

        item.stash[_REPORTED] = True
        try:
            text = _report.section(fake)
        except Exception as error:  # noqa: BLE001 - never break the report of a failed test
            text = f"(no summary: {type(error).__name__}: {error})"
        report.sections.append((_report.TITLE, text))
    elif fallback is not None:
        from . import _report

        report.sections.append((_report.TITLE, fallback))


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Merge the mhub_fake markers, closest first, over the ini defaults."""
    __tracebackhide__ = True
    options: dict[str, Any] = {}
    for node, marker in request.node.iter_markers_with_node("mhub_fake"):
        if marker.args:
            raise MigrationHubFakeError(
                "@pytest.mark.mhub_fake takes keyword arguments only, e.g. "
                "@pytest.mark.mhub_fake(home_region='eu-central-1')."
            )
        for key, value in marker.kwargs.items():
            if key not in _OPTIONS:
                raise MigrationHubFakeError(
                    f"@pytest.mark.mhub_fake got an unknown keyword {key!r}; "
                    f"valid keywords are: {', '.join(sorted(_OPTIONS))}."
                )
            if key == "scenario" and isinstance(value, (str, os.PathLike)):
                # Relative to the file that sets it: the test module's.
                value = str(Path(node.path).parent / value)
            options.setdefault(key, value)
    for key, value in request.config.stash[_INI].items():
        options.setdefault(key, value)
    return options


@pytest.fixture
def mhub_fake(request: pytest.FixtureRequest) -> Iterator[MigrationHubFake]:
    """An in-memory AWS Migration Hub answering every boto3/botocore client.

    Configure it with ``@pytest.mark.mhub_fake(...)`` (test, class or module)
    or the ``mhub_fake_*`` ini options. At teardown the test fails if a fault
    queued with ``fail()`` never fired or the code under test sent a malformed
    request.
    """
    __tracebackhide__ = True
    from ._fake import MigrationHubFake

    fake = MigrationHubFake(**_options(request))
    request.node.stash[_FAKE] = fake
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
    fake.verify(request.node.stash.get(_RAISED, None), opt_out=_OPT_OUT)


@pytest.fixture
def mhub_server(mhub_fake: MigrationHubFake) -> Iterator[MigrationHubServer]:
    """A real HTTP endpoint on 127.0.0.1 (an ephemeral port) answered by ``mhub_fake``.

    For clients in other processes: the AWS CLI, another SDK, a program under
    test. ``.endpoint_url`` is its address; ``.client_env()`` an environment
    for a subprocess, with ``AWS_ENDPOINT_URL_MIGRATION_HUB``,
    ``AWS_ENDPOINT_URL_MIGRATIONHUB_CONFIG``,
    ``AWS_ENDPOINT_URL_APPLICATION_DISCOVERY_SERVICE`` and dummy credentials. Assert
    on ``mhub_fake`` as for in-process calls. In this process, botocore clients
    are answered by ``mhub_fake`` directly, whatever their endpoint.
    """
    from ._server import MigrationHubServer

    server = MigrationHubServer(mhub_fake).start()
    try:
        yield server
    finally:
        server.stop()
