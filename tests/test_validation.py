"""Requests are validated on the wire against schemas derived from botocore's models."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import botocore.model
import pytest

import pytest_migrationhub
from pytest_migrationhub import MigrationHubFakeError, mock_migrationhub, strategies
from pytest_migrationhub._core import catalog, compile_check, compile_pattern, explainer, shape_schema

pytestmark = pytest.mark.mhub_fake(assert_all_requests_valid=False)

NOTIFY = "AWSMigrationHub.NotifyMigrationTaskState"
WIRE_SAMPLE = {
    "ProgressUpdateStream": "SMS",
    "MigrationTaskName": "sms-12de3cf1a",
    "Task": {"Status": "IN_PROGRESS", "StatusDetail": "Migration: Copying image data", "ProgressPercent": 77},
    "UpdateDateTime": 1493660853,
    "NextUpdateSeconds": 60,
}


def wire(fake: Any, body: Any, target: str = NOTIFY) -> dict[str, Any]:
    """Send a raw JSON body to the fake, as a client that skips botocore's checks would."""
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    status, headers, payload = fake.handle(target, raw, {})
    return {"status": status, **json.loads(payload)}


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ({"ProgressPercent": 150}, "$.Task.ProgressPercent: 150 is greater than the maximum of 100"),
        (
            {"Status": "BOGUS"},
            "$.Task.Status: 'BOGUS' is not one of ['NOT_STARTED', 'IN_PROGRESS', 'FAILED', 'COMPLETED']",
        ),
        ({"StatusDetail": "x" * 2501}, "$.Task.StatusDetail: 'xxxx"),
    ],
)
def test_rules_botocore_does_not_check_reach_the_fake_and_are_refused(
    mhub_fake: Any, mgh: Any, sample: dict[str, Any], task: dict[str, Any], message: str
) -> None:
    mhub_fake.add_task("SMS", "sms-12de3cf1a")
    sample["Task"].update(task)
    with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
        mgh.notify_migration_task_state(**sample)
    error = raised.value.response["Error"]
    assert error["Message"].startswith(f"NotifyMigrationTaskState: {message}")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert mhub_fake.progress("SMS", "sms-12de3cf1a") == []


@pytest.mark.parametrize("name", ["a:b", "a|b", ":", "sms|12", "x" * 257])
def test_task_names_follow_the_whole_string_pattern_and_length(
    mhub_fake: Any, mgh: Any, sample: dict[str, Any], name: str
) -> None:
    mhub_fake.add_stream("SMS")
    with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
        mgh.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName=name)
    assert "$.MigrationTaskName: " in raised.value.response["Error"]["Message"]
    assert mhub_fake.tasks() == []


def test_the_exact_message_names_operation_path_and_rule(mhub_fake: Any, mgh: Any, sample: dict[str, Any]) -> None:
    sample["MigrationTaskName"] = "a:b"
    with pytest.raises(mgh.exceptions.InvalidInputException) as raised:
        mgh.notify_migration_task_state(**sample)
    assert raised.value.response["Error"]["Message"] == (
        "NotifyMigrationTaskState: $.MigrationTaskName: 'a:b' does not match '^(?:[^:|]+)$'"
    )


def test_every_broken_rule_is_named_once_in_path_order(mhub_fake: Any) -> None:
    body = {**WIRE_SAMPLE, "MigrationTaskName": "a|b", "Task": {"Status": "BOGUS", "ProgressPercent": 150}}
    answer = wire(mhub_fake, body)
    assert answer == {
        "status": 400,
        "__type": "InvalidInputException",
        "Message": "NotifyMigrationTaskState: $.MigrationTaskName: 'a|b' does not match '^(?:[^:|]+)$'; "
        "$.Task.ProgressPercent: 150 is greater than the maximum of 100; "
        "$.Task.Status: 'BOGUS' is not one of ['NOT_STARTED', 'IN_PROGRESS', 'FAILED', 'COMPLETED']",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Bogus": 1}, "$: Additional properties are not allowed ('Bogus' was unexpected)"),
        ({"NextUpdateSeconds": -1}, "$.NextUpdateSeconds: -1 is less than the minimum of 0"),
        ({"NextUpdateSeconds": "60"}, "$.NextUpdateSeconds: '60' is not of type 'integer'"),
        ({"NextUpdateSeconds": True}, "$.NextUpdateSeconds: True is not of type 'integer'"),
        ({"NextUpdateSeconds": 1.5}, "$.NextUpdateSeconds: 1.5 is not of type 'integer'"),
        ({"UpdateDateTime": "yesterday"}, "$.UpdateDateTime: 'yesterday' is not of type 'number'"),
        ({"DryRun": "yes"}, "$.DryRun: 'yes' is not of type 'boolean'"),
        ({"Task": {"ProgressPercent": 5}}, "$.Task: 'Status' is a required property"),
        (
            {"Task": {"Status": "COMPLETED", "Extra": 1}},
            "$.Task: Additional properties are not allowed ('Extra' was unexpected)",
        ),
        (
            {"ProgressUpdateStream": "a/b"},
            "$.ProgressUpdateStream: 'a/b' does not match '^(?:[^/:|\\\\000-\\\\037]+)$'",
        ),
    ],
)
def test_wire_level_violations(mhub_fake: Any, change: dict[str, Any], message: str) -> None:
    mhub_fake.add_task("SMS", "sms-12de3cf1a")
    answer = wire(mhub_fake, {**WIRE_SAMPLE, **change})
    assert (answer["status"], answer["__type"]) == (400, "InvalidInputException")
    assert answer["Message"] == f"NotifyMigrationTaskState: {message}"
    assert mhub_fake.progress("SMS", "sms-12de3cf1a") == []


def test_missing_required_members_are_refused_when_botocore_does_not_check(mhub_fake: Any, make_client: Any) -> None:
    client = make_client("mgh", parameter_validation=False)
    with pytest.raises(client.exceptions.InvalidInputException) as raised:
        client.notify_migration_task_state(ProgressUpdateStream="SMS", MigrationTaskName="t")
    assert raised.value.response["Error"]["Message"] == (
        "NotifyMigrationTaskState: $: 'NextUpdateSeconds' is a required property; "
        "$: 'Task' is a required property; $: 'UpdateDateTime' is a required property"
    )


def test_a_body_that_is_not_json_gets_a_serialization_error(mhub_fake: Any) -> None:
    answer = wire(mhub_fake, b"{not json")
    assert answer == {
        "status": 400,
        "__type": "SerializationException",
        "Message": "NotifyMigrationTaskState: the body is not JSON",
    }


def test_next_update_seconds_has_no_maximum(mhub_fake: Any, mgh: Any, sample: dict[str, Any]) -> None:
    mhub_fake.add_task("SMS", "sms-12de3cf1a")
    sample.update(NextUpdateSeconds=sys.maxsize, Task={"Status": "COMPLETED", "ProgressPercent": 100})
    mgh.notify_migration_task_state(**sample)
    assert mhub_fake.task("SMS", "sms-12de3cf1a").next_update_seconds == sys.maxsize


def test_anchored_model_patterns_treat_a_final_newline_as_ecma_does() -> None:
    # Python's "$" also matches before a final newline; ECMA's (and the
    # service's) does not, and StatusDetail's "." never matches a newline.
    assert compile_pattern("^.{0,2500}$").search("copying") is not None
    assert compile_pattern("^.{0,2500}$").search("copying\n") is None
    # ECMA's \d is ASCII only.
    assert compile_pattern("^\\d{12}$").search("١٢٣٤٥٦٧٨٩٠١٢") is None


def test_schema_is_public_and_matches_the_model() -> None:
    schema = pytest_migrationhub.schema("notify_migration_task_state")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == [
        "ProgressUpdateStream",
        "MigrationTaskName",
        "Task",
        "UpdateDateTime",
        "NextUpdateSeconds",
    ]
    props = schema["properties"]
    assert props["MigrationTaskName"] == {
        "type": "string",
        "minLength": 1,
        "maxLength": 256,
        "pattern": "^(?:[^:|]+)$",
        "title": "MigrationTaskName",
    }
    assert props["Task"]["properties"]["ProgressPercent"]["maximum"] == 100
    assert props["NextUpdateSeconds"] == {"type": "integer", "minimum": 0, "title": "NextUpdateSeconds"}
    assert schema["additionalProperties"] is False
    # A copy: changing it changes nothing the fake enforces.
    props["Task"]["properties"]["ProgressPercent"]["maximum"] = 1000
    assert (
        pytest_migrationhub.schema("NotifyMigrationTaskState")["properties"]["Task"]["properties"]["ProgressPercent"][
            "maximum"
        ]
        == 100
    )


def test_schema_of_an_unknown_operation_says_which_exist() -> None:
    with pytest.raises(
        MigrationHubFakeError,
        match=r"No Migration Hub operation is called 'Notify'\. Use one of: .*NotifyMigrationTaskState",
    ):
        pytest_migrationhub.schema("Notify")


def test_schema_command_prints_the_schema() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pytest_migrationhub", "schema", "CreateHomeRegionControl"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out)["properties"]["HomeRegion"]["pattern"] == "^([a-z]+)-([a-z]+)-([0-9]+)$"


def test_schema_command_suggests_the_operation_meant() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest_migrationhub", "schema", "NotifyMigrationTaskStat"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "error: No Migration Hub operation is called 'NotifyMigrationTaskStat'. "
        "Did you mean 'NotifyMigrationTaskState'?\n"
    )


@pytest.mark.parametrize("args", [["schema", "NotifyMigrationTaskState"], ["schema"]])
def test_schema_command_stops_quietly_when_the_reader_goes_away(args: list[str]) -> None:
    # As `... | head` does: the reader closes the pipe before the command writes.
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_migrationhub", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 1
    assert stderr == b""


# --- the compiled check agrees with jsonschema --------------------------------

_STRINGS = [
    "",
    "a",
    "sms-12de3cf1a",
    "SMS",
    "a:b",
    "a|b",
    "a/b",
    "tab\there",
    "line\n",
    "\x00",
    "\x1f",
    "é",
    "x" * 50,
    "x" * 51,
    "x" * 256,
    "x" * 257,
    "x" * 500,
    "x" * 501,
    "x" * 1600,
    "x" * 1601,
    "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
    "arn:bad",
    "hrc-abcdefghijkl",
    "hrc-ABC",
    "us-west-2",
    "US-WEST-2",
    "123456789012",
    "12345678901",
    "AbC+/=",
    "not a token!",
    "IN_PROGRESS",
    "COMPLETED",
    "BOGUS",
    "ACCOUNT",
    "IPV4_ADDRESS",
    # Application Discovery Service's patterned strings: an import URL, an import task, a deletion task
    "s3://bucket/import.csv",
    "s3://bucket/",
    "import-task-0123456789abcdef0123456789abcdef",
    "import-task-0123",
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    "0f8fad5b-d9cb",
]
_OTHERS: list[Any] = [None, True, False, 0, 1, -1, 100, 101, 1.0, 1.5, 1e20, sys.maxsize, "1", [], {}]


def _candidates(schema: dict[str, Any], rng: random.Random, depth: int = 0) -> Iterator[Any]:
    kind = schema["type"]
    if kind == "object":
        props = schema.get("properties", {})
        required = schema.get("required", [])
        for _ in range(6):
            obj = {}
            for name, sub in props.items():
                if name in required and rng.random() < 0.95 or rng.random() < 0.4:
                    values = list(_candidates(sub, rng, depth + 1))
                    # Mostly values valid on their own, so that whole bodies
                    # are valid often enough to exercise both verdicts.
                    good = [v for v in values if compile_check(sub)(v)]
                    obj[name] = rng.choice(good if good and rng.random() < 0.85 else values)
            if rng.random() < 0.05:
                obj["Unexpected"] = 1
            yield obj
    elif kind == "array":
        items = list(_candidates(schema["items"], rng, depth + 1))
        # Mostly items valid on their own, as for an object's members.
        good = [v for v in items if compile_check(schema["items"])(v)] or items
        top = schema.get("maxItems", 3) + 1
        for size in {0, 1, min(top, 4), top}:
            yield [rng.choice(good if rng.random() < 0.85 else items) for _ in range(size)]
    elif kind == "string":
        yield from schema.get("enum", [])
        yield from rng.sample(_STRINGS, 8)
        yield "x" * schema.get("maxLength", 10)
    elif kind in ("integer", "number"):
        yield from (schema.get("minimum", 0), schema.get("maximum", 7), 0.0, 3, 3.0)
    elif kind == "boolean":
        yield from (True, False)
    yield rng.choice(_OTHERS)


@pytest.mark.parametrize("operation", strategies.operations())
def test_compiled_check_never_disagrees_with_jsonschema(operation: str) -> None:
    op = catalog().by_name[operation]
    reference = explainer(op.schema)
    rng = random.Random(operation)
    verdicts = {True: 0, False: 0}
    for _ in range(60):
        for body in _candidates(op.schema, rng):
            fast = op.check(body)
            assert fast == reference.is_valid(body), (operation, body)
            verdicts[fast] += 1
    # Both kinds of input were exercised.
    assert verdicts[True] > 20 and verdicts[False] > 20, verdicts


def test_compiled_check_handles_every_keyword_the_derivation_emits() -> None:
    schema = {
        "type": "object",
        "properties": {
            "l": {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": 2, "pattern": "^a+$"},
                "minItems": 1,
                "maxItems": 2,
            },
            "e": {"type": "string", "enum": ["A", "B"]},
            "i": {"type": "integer", "minimum": 0, "maximum": 5},
            "t": {"type": "number", "minimum": 0, "maximum": 5},
            "b": {"type": "boolean"},
        },
        "required": ["e"],
        "additionalProperties": False,
    }
    check, reference = compile_check(schema), explainer(schema)
    values = [
        {},
        {"e": "A"},
        {"e": "C"},
        {"e": "A", "x": 1},
        {"e": "A", "l": []},
        {"e": "A", "l": ["a", "aa"]},
        {"e": "A", "l": ["a"] * 3},
        {"e": "A", "l": [""]},
        {"e": "A", "l": ["aaa"]},
        {"e": "A", "l": ["b"]},
        {"e": "A", "i": 5},
        {"e": "A", "i": 6},
        {"e": "A", "i": 2.0},
        {"e": "A", "i": 2.5},
        {"e": "A", "i": True},
        {"e": "A", "t": 4.5},
        {"e": "A", "t": -0.5},
        {"e": "A", "b": False},
        {"e": "A", "b": 0},
    ]
    for value in values:
        assert check(value) == reference.is_valid(value), value


@pytest.mark.parametrize(
    "schema, keyword",
    [
        ({"type": "object", "patternProperties": {"^a": {"type": "string"}}}, "patternProperties"),
        ({"type": "object", "dependentRequired": {"a": ["b"]}}, "dependentRequired"),
        ({"type": "string", "contentEncoding": "base64"}, "contentEncoding"),
        ({"type": "null"}, "'null'"),
    ],
)
def test_compiled_check_refuses_a_keyword_it_cannot_enforce(schema: dict[str, Any], keyword: str) -> None:
    with pytest.raises(MigrationHubFakeError, match=keyword):
        compile_check(schema)


@pytest.mark.parametrize("kind", ["float", "blob", "document"])
def test_a_shape_type_the_models_do_not_use_stops_the_derivation_by_name(kind: str) -> None:
    shapes: dict[str, Any] = {
        "Request": {"type": "structure", "members": {"Odd": {"shape": "Odd"}}},
        "Odd": {"type": kind},
    }
    request = botocore.model.ShapeResolver(shapes).get_shape_by_name("Request")
    with pytest.raises(MigrationHubFakeError, match=f"shape 'Odd' the type '{kind}'"):
        shape_schema(request)


def _resolve(shapes: dict[str, Any]) -> Any:
    return botocore.model.ShapeResolver(shapes).get_shape_by_name("Request")


def test_a_map_is_an_object_of_checked_names_and_values() -> None:
    shapes: dict[str, Any] = {
        "Request": {"type": "structure", "members": {"M": {"shape": "M"}}},
        "M": {"type": "map", "key": {"shape": "K"}, "value": {"shape": "V"}, "max": 2},
        "K": {"type": "string", "pattern": "^[a-z.]+$"},
        "V": {"type": "string", "max": 3},
    }
    schema = shape_schema(_resolve(shapes))
    assert schema["properties"]["M"] == {
        "type": "object",
        "propertyNames": {"type": "string", "pattern": "^[a-z.]+$", "title": "K"},
        "additionalProperties": {"type": "string", "maxLength": 3, "title": "V"},
        "maxProperties": 2,
        "title": "M",
    }
    check, reference = compile_check(schema), explainer(schema)
    for value, valid in [
        ({}, True),
        ({"M": {}}, True),
        ({"M": {"server.id": "abc"}}, True),
        ({"M": {"Server": "abc"}}, False),
        ({"M": {"a": "abcd"}}, False),
        ({"M": {"a": 1}}, False),
        ({"M": {"a": "x", "b": "y", "c": "z"}}, False),
        ({"M": []}, False),
    ]:
        assert check(value) is valid, value
        assert reference.is_valid(value) is valid, value


def test_a_long_is_an_integer_and_a_double_a_number() -> None:
    shapes: dict[str, Any] = {
        "Request": {"type": "structure", "members": {"L": {"shape": "L"}, "D": {"shape": "D"}}},
        "L": {"type": "long", "min": 0},
        "D": {"type": "double", "max": 1.5},
    }
    schema = shape_schema(_resolve(shapes))
    assert schema["properties"]["L"] == {"type": "integer", "minimum": 0, "title": "L"}
    assert schema["properties"]["D"] == {"type": "number", "maximum": 1.5, "title": "D"}
    check, reference = compile_check(schema), explainer(schema)
    for value, valid in [
        ({"L": 2**62}, True),
        ({"L": -1}, False),
        ({"L": 1.5}, False),
        ({"D": 1.25}, True),
        ({"D": 2}, False),
        ({"D": "1"}, False),
    ]:
        assert check(value) is valid, value
        assert reference.is_valid(value) is valid, value


def test_validation_runs_with_the_context_manager_too(sample: dict[str, Any], mgh: Any) -> None:
    with mock_migrationhub(assert_all_requests_valid=False) as fake:
        fake.add_task("SMS", "sms-12de3cf1a")
        sample["Task"]["ProgressPercent"] = 101
        with pytest.raises(mgh.exceptions.InvalidInputException):
            mgh.notify_migration_task_state(**sample)
        assert [c.error_code for c in fake.calls] == ["InvalidInputException"]
