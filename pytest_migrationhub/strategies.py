"""Hypothesis strategies of valid and invalid Migration Hub requests.

Generated from the same JSON Schemas the fake validates with
(:func:`pytest_migrationhub.schema`), so a test can throw requests at its own
code, or at the fake, that the real service would accept or refuse::

    from hypothesis import given
    from pytest_migrationhub import strategies

    @given(strategies.valid_requests("NotifyMigrationTaskState"))
    def test_my_reporter_relays_any_valid_update(request):
        ...

Requests are dicts in the wire (JSON) form: timestamps are epoch seconds.
:func:`as_boto3_kwargs` turns one into keyword arguments for a boto3 client
method (timestamps become aware datetimes).

hypothesis is an optional dependency: ``pip install hypothesis``.
"""

from __future__ import annotations

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - exercised in a subprocess
    raise ImportError(
        "pytest_migrationhub.strategies needs hypothesis, which is not installed; "
        "install it with `pip install hypothesis`."
    ) from error

import copy
import math
import re
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache, partial
from typing import Any

from ._core import TIMESTAMP_MAX

__all__ = ["as_boto3_kwargs", "invalid_requests", "method_name", "operations", "valid_requests"]

#: the epoch seconds a datetime can hold (0001-01-01 .. 9999-12-31), the range
#: any SDK can send; generated timestamps stay from 1970 on
_MIN_TIMESTAMP = 0
_MAX_TIMESTAMP = int(TIMESTAMP_MAX)
#: generated lists stop at this many items above their minimum, to stay fast
_MAX_EXTRA_ITEMS = 5
#: characters that break many patterns, tried in turn when breaking one
_BREAKERS = (":", "|", "/", "\n", "\x00", "\x1f", " ", "A", "z", "0", "-", "~", "\u00e9", "\u0663")

Path = tuple[Any, ...]
Json = Any


def operations() -> list[str]:
    """The API names of every operation the fake serves (Migration Hub, home region, discovery), sorted."""
    from ._core import catalog, served

    handlers = served()
    return sorted(name for name in catalog().by_name if name in handlers)


# --- what the model says, per operation -----------------------------------


class _Spec:
    """An operation's schema, with the botocore shape beside each node."""

    def __init__(self, operation: str) -> None:
        from . import schema
        from ._core import catalog

        op = catalog().lookup(operation)
        if op is None:
            schema(operation)  # raises MigrationHubFakeError naming the operations
            raise AssertionError(operation)  # pragma: no cover
        self.name = op.name
        self.python_name = op.python_name
        self.schema = schema(op.name)
        self.shape = _botocore_model(op.service).operation_model(op.name).input_shape
        from ._core import compile_check

        self.check = compile_check(self.schema)


@cache
def _botocore_model(service: str) -> Any:
    from botocore.session import Session

    return Session().get_service_model(service)


@cache
def _spec(operation: str) -> _Spec:
    return _Spec(operation)


def _members(shape: Any) -> dict[str, Any]:
    return dict(shape.members) if shape is not None and shape.type_name == "structure" else {}


def _is_timestamp(shape: Any) -> bool:
    return shape is not None and shape.type_name == "timestamp"


def _pattern(schema: dict[str, Any]) -> re.Pattern[str] | None:
    from ._core import compile_pattern

    return compile_pattern(schema["pattern"]) if "pattern" in schema else None


# --- valid values ------------------------------------------------------------


def _valid(schema: dict[str, Any], shape: Any) -> Any:
    """A strategy of values the schema (and botocore's own client-side checks) accept."""
    kind = schema["type"]
    if kind == "object":
        members = _members(shape)
        required = set(schema.get("required", ()))
        fields = {name: _valid(sub, members.get(name)) for name, sub in schema["properties"].items()}
        if schema.get("maxProperties") == 1:
            # A tagged union: exactly one of its members.
            return st.one_of(*[st.fixed_dictionaries({name: value}) for name, value in fields.items()])
        return st.fixed_dictionaries(
            {k: v for k, v in fields.items() if k in required},
            optional={k: v for k, v in fields.items() if k not in required},
        )
    if kind == "array":
        return st.lists(
            _valid(schema["items"], getattr(shape, "member", None)),
            min_size=schema.get("minItems", 0),
            max_size=_max_size(schema.get("minItems", 0), schema.get("maxItems")),
        )
    if kind == "string":
        return _valid_string(schema)
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        bounds: tuple[int | None, int | None] = (schema.get("minimum"), schema.get("maximum"))
        if _is_timestamp(shape):
            bounds = (_MIN_TIMESTAMP, _MAX_TIMESTAMP)
        return st.integers(*bounds) | st.floats(*bounds, allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    raise NotImplementedError(kind)  # pragma: no cover - no such schema in the models


def _max_size(low: int, high: int | None) -> int:
    cap = low + _MAX_EXTRA_ITEMS
    return cap if high is None else min(high, cap)


def _valid_string(schema: dict[str, Any]) -> Any:
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    low = schema.get("minLength", 0)
    high = schema.get("maxLength")
    pattern = _pattern(schema)
    if pattern is None:
        return st.text(min_size=low, max_size=high)
    # The fake's own (anchored, ASCII) pattern, without its anchors: hypothesis
    # then generates whole matches, with no trailing newline.
    inner = pattern.pattern
    if inner.startswith("^") and inner.endswith(r"\Z"):
        inner = inner[1:-2]
    search = pattern.search
    return st.from_regex(re.compile(inner, re.ASCII), fullmatch=True).filter(
        lambda value: low <= len(value) <= (high if high is not None else len(value)) and search(value) is not None
    )


def valid_requests(operation: str) -> Any:
    """A hypothesis strategy of request bodies of ``operation`` that the fake accepts.

    ``operation`` is an API name (``"NotifyMigrationTaskState"``) or a boto3
    method name. Each body is a dict in the wire (JSON) form that passes every
    rule of :func:`pytest_migrationhub.schema` and botocore's own client-side
    checks; the service may still refuse it by its business rules (an unknown
    stream, no home region). Timestamps are epoch seconds from 1970 to 9999;
    lists carry at most a few items more than their minimum.
    """
    return _valid_requests(_spec(operation).name)


@cache
def _valid_requests(operation: str) -> Any:
    spec = _spec(operation)
    return _valid(spec.schema, spec.shape).filter(spec.check)


# --- invalid values -------------------------------------------------------------

#: a value of each JSON type, to put where another type is expected
_JSON_TYPES: dict[str, Any] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "integer": st.integers(),
    "fraction": st.floats(allow_nan=False, allow_infinity=False).filter(lambda value: not value.is_integer()),
    "string": st.text(max_size=5),
    "array": st.lists(st.integers(), max_size=2),
    "object": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
}
#: the JSON types each schema type refuses
_WRONG_TYPES = {
    "object": ("null", "boolean", "integer", "string", "array"),
    "array": ("null", "boolean", "integer", "string", "object"),
    "string": ("null", "boolean", "integer", "fraction", "array", "object"),
    "integer": ("null", "boolean", "fraction", "string", "array", "object"),
    "number": ("null", "boolean", "string", "array", "object"),
    "boolean": ("null", "integer", "string", "array", "object"),
}

#: (what is broken, where, how to draw the new value from the old one):
#: ``breaks(draw, old)`` returns the value to put at the path (``_DELETE``: remove it)
Breaker = Callable[[Any, Json], Json]
Mutation = tuple[str, Path, Breaker]
_DELETE = object()


def _mutations(schema: dict[str, Any], shape: Any, value: Json, path: Path) -> list[Mutation]:
    """Every way to break one rule of ``schema`` at ``path`` (``value`` is what is there)."""
    kind = schema["type"]
    out: list[Mutation] = [
        (f"type: {wrong} for {kind}", path, partial(_draw_json_type, wrong)) for wrong in _WRONG_TYPES[kind]
    ]
    return out + _RULE_BREAKERS[kind](schema, shape, value, path)


def _object_mutations(schema: dict[str, Any], shape: Any, value: Json, path: Path) -> list[Mutation]:
    members = _members(shape)
    out: list[Mutation] = [(f"missing member {name}", path + (name,), _delete) for name in schema.get("required", ())]
    # The path ends in None: the name of the unknown member is what is drawn.
    out.append(("unknown member", path + (None,), partial(_draw_unknown_name, frozenset(schema["properties"]))))
    if schema.get("minProperties"):
        out.append(("none of its members", path, _empty_object))
    for name, item in value.items():
        if name in schema["properties"]:
            out += _mutations(schema["properties"][name], members.get(name), item, path + (name,))
    return out


def _array_mutations(schema: dict[str, Any], shape: Any, value: Json, path: Path) -> list[Mutation]:
    low, high = schema.get("minItems"), schema.get("maxItems")
    member = getattr(shape, "member", None)
    out: list[Mutation] = []
    if low:
        out.append(("too few items", path, partial(_keep_first, low - 1)))
    if high is not None:
        out.append(("too many items", path, partial(_fill_to, high + 1, schema["items"], member)))
    for index, item in enumerate(value):
        out += _mutations(schema["items"], member, item, path + (index,))
    return out


def _string_mutations(schema: dict[str, Any], shape: Any, value: Json, path: Path) -> list[Mutation]:
    if "enum" in schema:
        return [("not in the enum", path, partial(_draw_off_enum, frozenset(schema["enum"])))]
    out: list[Mutation] = []
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if low > 0:
        out.append((f"shorter than {low}", path, partial(_cut_below, low)))
    if high is not None:
        out.append((f"longer than {high}", path, partial(_stretch_past, high)))
    pattern = _pattern(schema)
    if pattern is not None:
        broken = _off_pattern(pattern, value)
        if broken:
            out.append((f"does not match {schema['pattern']}", path, partial(_draw_one_of, broken)))
    return out


def _number_mutations(schema: dict[str, Any], shape: Any, value: Json, path: Path) -> list[Mutation]:
    low, high = schema.get("minimum"), schema.get("maximum")
    out: list[Mutation] = []
    if low is not None:
        out.append((f"below the minimum {low}", path, partial(_draw_integer, None, math.ceil(low) - 1)))
    if high is not None:
        out.append((f"above the maximum {high}", path, partial(_draw_integer, math.floor(high) + 1, None)))
    return out


def _no_mutations(schema: dict[str, Any], shape: Any, value: Json, path: Path) -> list[Mutation]:
    return []  # a boolean has no rule beyond its type


#: schema type -> the ways to break its rules other than its type
_RULE_BREAKERS: dict[str, Callable[[dict[str, Any], Any, Json, Path], list[Mutation]]] = {
    "object": _object_mutations,
    "array": _array_mutations,
    "string": _string_mutations,
    "integer": _number_mutations,
    "number": _number_mutations,
    "boolean": _no_mutations,
}


# The breakers: each draws the new value from the old one.


def _draw_json_type(wrong: str, draw: Any, old: Json) -> Json:
    return draw(_JSON_TYPES[wrong])


def _delete(draw: Any, old: Json) -> Json:
    return _DELETE


def _empty_object(draw: Any, old: Json) -> Json:
    return {}


def _draw_unknown_name(known: frozenset[str], draw: Any, old: Json) -> Json:
    return draw(st.text(min_size=1, max_size=10).filter(lambda name: name not in known))


def _keep_first(count: int, draw: Any, old: Json) -> Json:
    return old[:count]


def _fill_to(size: int, items: dict[str, Any], member: Any, draw: Any, old: Json) -> Json:
    more = size - len(old)
    return old + draw(st.lists(_valid(items, member), min_size=more, max_size=more))


def _draw_off_enum(enum: frozenset[str], draw: Any, old: Json) -> Json:
    near_misses = st.sampled_from([old.lower(), old + " ", " " + old, ""])
    return draw((near_misses | st.text(max_size=12)).filter(lambda value: value not in enum))


def _cut_below(low: int, draw: Any, old: Json) -> Json:
    return old[: draw(st.integers(0, low - 1))]


def _stretch_past(high: int, draw: Any, old: Json) -> Json:
    return (old + "x" * (high + 1))[: high + 1 + draw(st.integers(0, 3))]


def _off_pattern(pattern: re.Pattern[str], value: str) -> list[str]:
    """``value`` with one of :data:`_BREAKERS` put in at its start, middle or end, where that breaks ``pattern``."""
    tried = {value[:at] + char + value[at:] for char in _BREAKERS for at in {0, len(value) // 2, len(value)}}
    return sorted(text for text in tried if not pattern.search(text))


def _draw_one_of(values: list[str], draw: Any, old: Json) -> Json:
    return draw(st.sampled_from(values))


def _draw_integer(low: int | None, high: int | None, draw: Any, old: Json) -> Json:
    return draw(st.integers(min_value=low, max_value=high))


def _apply(body: Json, path: Path, new: Any) -> Json:
    """``body`` with the value at ``path`` replaced (``_DELETE``: removed)."""
    if not path:
        return new
    body = copy.deepcopy(body)
    parent = body
    for part in path[:-1]:
        parent = parent[part]
    if new is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return body


@st.composite
def _invalid(draw: Any, operation: str) -> Json:
    spec = _spec(operation)
    body = draw(valid_requests(operation))
    # Every rule below the top: a request stays a dict, fit for **kwargs.
    mutations = [m for m in _mutations(spec.schema, spec.shape, body, ()) if m[1]]
    _what, path, breaks = draw(st.sampled_from(mutations))
    if path and path[-1] is None:  # an unknown member: the name is what is drawn
        return _apply(body, path[:-1] + (breaks(draw, None),), draw(_JSON_TYPES["string"] | _JSON_TYPES["integer"]))
    old = _get(body, path)
    return _apply(body, path, breaks(draw, old))


def _get(body: Json, path: Path) -> Json:
    for part in path:
        if isinstance(body, dict) and part not in body:
            return None
        body = body[part]
    return body


def invalid_requests(operation: str) -> Any:
    """A hypothesis strategy of request bodies of ``operation`` that break its schema.

    Each is a valid request (see :func:`valid_requests`) with one rule broken:
    a required member missing, an unknown member added, a value of the wrong
    JSON type, a string too short, too long, off its pattern or outside its
    enum, a number out of range, or a list with too few or too many items.
    Each is still a dict (pass it to boto3 with
    :func:`as_boto3_kwargs`). The service answers every one with
    ``InvalidInputException``; through boto3, botocore refuses some of them
    itself first (``ParamValidationError``).
    """
    return _invalid_requests(_spec(operation).name)


@cache
def _invalid_requests(operation: str) -> Any:
    spec = _spec(operation)
    return _invalid(operation).filter(lambda body: not spec.check(body))


# --- boto3 ---------------------------------------------------------------------


def _to_boto3(schema: dict[str, Any], shape: Any, value: Json) -> Any:
    kind = schema.get("type")
    if _is_timestamp(shape) and type(value) in (int, float):
        try:
            return datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            return value
    if kind == "object" and isinstance(value, dict):
        members = _members(shape)
        return {
            name: _to_boto3(schema["properties"][name], members.get(name), item)
            if name in schema["properties"]
            else item
            for name, item in value.items()
        }
    if kind == "array" and isinstance(value, list):
        member = getattr(shape, "member", None)
        return [_to_boto3(schema["items"], member, item) for item in value]
    return copy.deepcopy(value)


def as_boto3_kwargs(operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of the boto3 client method for a wire-form ``request``.

    A copy, with each timestamp (epoch seconds on the wire) as an aware UTC
    ``datetime``::

        client = boto3.client("mgh", region_name="us-west-2")
        client.notify_migration_task_state(**as_boto3_kwargs("NotifyMigrationTaskState", request))
    """
    spec = _spec(operation)
    return _to_boto3(spec.schema, spec.shape, request)  # type: ignore[no-any-return]


def method_name(operation: str) -> str:
    """The boto3 client method of ``operation`` (``"notify_migration_task_state"``)."""
    return _spec(operation).python_name
