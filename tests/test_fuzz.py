"""Property-based fuzzing of every operation, from the schemas the fake validates with.

* Every valid request is accepted: whatever the fake answers, it is not a
  refusal of the request's form (business rules, such as an unknown stream,
  may still refuse it).
* Every invalid one (each rule broken in turn, wrong types, unknown and missing
  members; at the wire also bodies that are not objects, or not JSON) is
  refused with ``InvalidInputException``, or by botocore itself before it is
  sent, and changes nothing.

Both at the wire (``fake.handle``) and through botocore clients. The
strategies are the ones ``pytest_migrationhub.strategies`` offers users.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from datetime import datetime, timezone
from typing import Any

import pytest
from support import HOME

hypothesis = pytest.importorskip("hypothesis")

from botocore.exceptions import ClientError  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pytest_migrationhub import MigrationHubFake, mock_migrationhub, strategies  # noqa: E402
from pytest_migrationhub._core import catalog  # noqa: E402

OPERATIONS = strategies.operations()
#: a request as the hook hands it over: signed for the home region, no account
HEADERS = {
    "Authorization": (
        f"AWS4-HMAC-SHA256 Credential=-/19700101/{HOME}/mgh/aws4_request, SignedHeaders=host, Signature=unsigned"
    )
}
WIRE = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
CLIENT = settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
#: how the fake refuses a body it cannot read as the operation's input: one that
#: is not JSON (NaN, Infinity and runaway nesting included) gets
#: SerializationException, as AWS JSON services answer; an empty body, a body that
#: is not an object, or a timestamp outside years 1-9999 InvalidInputException.
#: Both are 400s botocore raises as ClientError.
NOT_JSON_CODES = {"InvalidInputException", "SerializationException"}


def target(operation: str) -> str:
    return catalog().by_name[operation].target


def seeded(body: Any) -> MigrationHubFake:
    """A fresh fake holding what the request names, so that valid requests can succeed."""
    fake = MigrationHubFake(home_region=HOME, assert_all_requests_valid=False)
    fake.add_task("SMS", "sms-1")
    if isinstance(body, dict):
        stream = body.get("ProgressUpdateStream") or body.get("ProgressUpdateStreamName")
        task = body.get("MigrationTaskName")
        try:
            if isinstance(stream, str) and isinstance(task, str):
                fake.add_task(stream, task)
            elif isinstance(stream, str):
                fake.add_stream(stream)
        except Exception:  # a name the schema refuses: the request is refused anyway
            pass
    return fake


def fingerprint(value: Any, depth: int = 0) -> Any:
    """Everything a fake holds, as plain comparable data."""
    if depth > 20:
        return "..."
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple(fingerprint(getattr(value, f.name), depth + 1) for f in fields(value))
    slots = getattr(type(value), "__slots__", None)
    if slots and not isinstance(value, (str, bytes)):
        return (type(value).__name__,) + tuple(fingerprint(getattr(value, name, None), depth + 1) for name in slots)
    if isinstance(value, dict):
        return tuple((repr(k), fingerprint(v, depth + 1)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(fingerprint(v, depth + 1) for v in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(v) for v in value))
    return repr(value)


#: bookkeeping, not state: what was asked, and the fake's own machinery
# What the fake keeps about requests, not state a request can change: the call log,
# caches of texts and request labels shared between records, and the plumbing.
BOOKKEEPING = {"calls", "malformed", "malformed_codes", "lock"}


def state(fake: MigrationHubFake) -> Any:
    return {name: fingerprint(value) for name, value in sorted(vars(fake._store).items()) if name not in BOOKKEEPING}


def answer(fake: MigrationHubFake, operation: str, body: bytes) -> dict[str, Any]:
    status, _headers, raw = fake.handle(target(operation), body, HEADERS)
    out: dict[str, Any] = json.loads(raw)
    out["status"] = status
    return out


def refused_at_the_wire(operation: str, raw: bytes, seed: Any = None) -> tuple[dict[str, Any], MigrationHubFake]:
    """Send ``raw`` to a fake seeded for ``seed``: refused with a 400, its state as it was."""
    fake = seeded(seed)
    before = state(fake)
    out = answer(fake, operation, raw)
    assert out["status"] == 400, out
    assert state(fake) == before
    return out, fake


def malformed(fake: MigrationHubFake) -> list[str]:
    return [p for p in fake.unexplained() if "malformed" in p]


# --- at the wire --------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_valid_request_is_accepted_at_the_wire(operation: str) -> None:
    @WIRE
    @given(strategies.valid_requests(operation))
    def check(body: dict[str, Any]) -> None:
        fake = seeded(body)
        out = answer(fake, operation, json.dumps(body).encode())
        assert malformed(fake) == [], out
        assert out.get("__type") not in ("SerializationException", "UnknownOperationException"), out

    check()


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_invalid_request_is_refused_at_the_wire_and_changes_nothing(operation: str) -> None:
    @WIRE
    @given(strategies.invalid_requests(operation))
    def check(body: dict[str, Any]) -> None:
        assert isinstance(body, dict)
        out, fake = refused_at_the_wire(operation, json.dumps(body).encode(), seed=body)
        code = catalog().by_name[operation].rules.invalid_input
        assert out.get("__type") == code, out
        assert out["Message"].startswith(f"{operation}: "), out
        [call] = fake.calls
        assert call.error_code == code

    check()


def not_parsing(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False


def not_json() -> Any:
    truncated = st.builds(
        lambda body, cut: json.dumps(body).encode()[: max(1, cut)],
        strategies.valid_requests("NotifyMigrationTaskState"),
        st.integers(1, 40),
    )
    return (st.binary(min_size=1, max_size=40) | truncated).filter(not_parsing)


@pytest.mark.parametrize("operation", ["NotifyMigrationTaskState", "CreateHomeRegionControl"])
def test_a_body_that_is_not_json_is_refused_and_changes_nothing(operation: str) -> None:
    @WIRE
    @given(not_json())
    def check(raw: bytes) -> None:
        out, _ = refused_at_the_wire(operation, raw)
        assert out.get("__type") in NOT_JSON_CODES, out

    check()


NOT_OBJECTS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5)
    | st.lists(st.integers(), max_size=3)
)


@WIRE
@given(st.sampled_from(OPERATIONS), NOT_OBJECTS)
def test_a_json_body_that_is_not_an_object_is_refused_and_changes_nothing(operation: str, body: Any) -> None:
    out, _ = refused_at_the_wire(operation, json.dumps(body).encode())
    assert out.get("__type") == catalog().by_name[operation].rules.invalid_input, out
    assert out["Message"].startswith(f"{operation}: $: "), out


@pytest.mark.parametrize("raw", [b"", b"{}", b"null", b"[]", b'"NotifyMigrationTaskState"', b"12", b"\xff\xfe"])
def test_degenerate_bodies_are_refused(raw: bytes) -> None:
    out, _ = refused_at_the_wire("NotifyMigrationTaskState", raw)
    assert out["__type"] in NOT_JSON_CODES, out


@pytest.mark.parametrize(
    "raw",
    [
        b'{"ProgressUpdateStream": "SMS", "MigrationTaskName": "sms-1", "Task": {"Status": "IN_PROGRESS"}, '
        + b'"UpdateDateTime": '
        + value
        + b', "NextUpdateSeconds": 60}'
        for value in (b"1e300", b"-1e20", b"253402300800", b"NaN", b"Infinity")
    ]
    + [b"[" * 100_000],
    ids=["1e300", "-1e20", "year-10000", "NaN", "Infinity", "deep"],
)
def test_bodies_beyond_what_the_schema_says_are_refused(raw: bytes) -> None:
    out, _ = refused_at_the_wire("NotifyMigrationTaskState", raw)
    assert out["__type"] in NOT_JSON_CODES, out


# --- through botocore -----------------------------------------------------------


@pytest.fixture(scope="module")
def clients() -> Iterator[dict[str, Any]]:
    import botocore.session
    from botocore.config import Config

    session = botocore.session.get_session()
    config = Config(retries={"mode": "standard", "total_max_attempts": 1})
    yield {
        service: session.create_client(service, region_name=HOME, config=config)
        for service in ("mgh", "migrationhub-config", "discovery")
    }


def send(clients: dict[str, Any], operation: str, body: Any) -> Any:
    """Send ``body`` with a botocore client: the response, or the exception raised."""
    client = clients[catalog().by_name[operation].service]
    method = getattr(client, strategies.method_name(operation))
    try:
        return method(**strategies.as_boto3_kwargs(operation, body))
    except Exception as error:  # noqa: BLE001 - the test looks at which
        return error


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_valid_request_is_accepted_through_botocore(clients: dict[str, Any], operation: str) -> None:
    @CLIENT
    @given(strategies.valid_requests(operation))
    def check(body: dict[str, Any]) -> None:
        with mock_migrationhub(home_region=HOME, assert_all_requests_valid=False) as fake:
            fake.add_task("SMS", "sms-1")
            result = send(clients, operation, body)
            # botocore sent it (no client-side refusal) and the fake took its form.
            assert len(fake.calls) == 1, result
            assert malformed(fake) == [], (result, fake.calls[-1])
            assert not isinstance(result, Exception) or isinstance(result, ClientError), result

    check()


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_invalid_request_is_refused_through_botocore(clients: dict[str, Any], operation: str) -> None:
    op = catalog().by_name[operation]

    @CLIENT
    @given(strategies.invalid_requests(operation))
    def check(body: dict[str, Any]) -> None:
        with mock_migrationhub(home_region=HOME, assert_all_requests_valid=False) as fake:
            fake.add_task("SMS", "sms-1")
            before = state(fake)
            result = send(clients, operation, body)
            if not fake.calls:
                # botocore refused it itself, before sending anything.
                assert isinstance(result, Exception), result
                # Raised by botocore's own code (its validation, or its
                # serialiser on a timestamp no calendar holds), not the fake's.
                frames = traceback.extract_tb(result.__traceback__)
                assert "/botocore/" in frames[-1].filename or type(result).__module__.startswith("botocore"), result
                return
            [call] = fake.calls
            if op.check(call.params):
                # botocore turned it into a valid request (a timestamp given
                # as a string it could parse, say): not refused, and rightly.
                return
            assert isinstance(result, ClientError), result
            assert result.response["Error"]["Code"] == op.rules.invalid_input, result
            assert state(fake) == before

    check()


# --- what the strategies promise ------------------------------------------------


def test_boto3_method_names_are_accepted() -> None:
    @settings(max_examples=5, database=None)
    @given(strategies.valid_requests("notify_migration_task_state"))
    def check(body: dict[str, Any]) -> None:
        assert set(body) >= {"ProgressUpdateStream", "MigrationTaskName", "Task", "UpdateDateTime"}

    check()


def test_as_boto3_kwargs_turns_timestamps_into_datetimes() -> None:
    wire = {
        "ProgressUpdateStream": "SMS",
        "MigrationTaskName": "sms-1",
        "Task": {"Status": "IN_PROGRESS", "ProgressPercent": 10},
        "UpdateDateTime": 1493660853,
        "NextUpdateSeconds": 60,
    }
    original = copy.deepcopy(wire)
    kwargs = strategies.as_boto3_kwargs("NotifyMigrationTaskState", wire)
    assert kwargs == {
        **original,
        "UpdateDateTime": datetime(2017, 5, 1, 17, 47, 33, tzinfo=timezone.utc),
    }
    assert wire == original  # a copy
    assert strategies.method_name("NotifyMigrationTaskState") == "notify_migration_task_state"


def test_an_unknown_operation_is_named() -> None:
    from pytest_migrationhub import MigrationHubFakeError

    with pytest.raises(MigrationHubFakeError, match="No Migration Hub operation is called 'Notify'"):
        strategies.valid_requests("Notify")


def test_importing_the_strategies_without_hypothesis_says_what_to_install() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['hypothesis'] = None\nimport pytest_migrationhub.strategies",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines()[-1] == (
        "ImportError: pytest_migrationhub.strategies needs hypothesis, which is not installed; "
        "install it with `pip install hypothesis`."
    )
