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
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._wire import TIMESTAMP_MAX

__all__ = ["as_boto3_kwargs", "invalid_requests", "method_name", "operations", "valid_requests"]

#: the epoch seconds a datetime can hold (0001-01-01 .. 9999-12-31), the range
#: any SDK can send; generated timestamps stay from 1970 on
_MIN_TIMESTAMP = 0
_MAX_TIMESTAMP = int(TIMESTAMP_MAX)
#: generated lists stop at this many items above their minimum, to stay fast
_MAX_EXTRA_ITEMS = 5
#: characters that break many patterns, tried in turn when breaking one
_BREAKERS = (":", "|", "/", "\n", "\x00", "\x1f", " ", "A", "z", "0", "-", "~", "\u00e9", "\u0663")

Path = Tuple[Any, ...]
Json = Any


def operations() -> List[str]:
    """The API names of every Migration Hub and home-region operation, sorted."""
    from ._model import catalog

    return sorted(catalog().by_name)


# --- what the model says, per operation -----------------------------------


class _Spec:
    """An operation's schema, with the botocore shape beside each node."""

    def __init__(self, operation: str) -> None:
        from . import schema
        from ._model import catalog

        op = catalog().lookup(operation)
        if op is None:
            schema(operation)  # raises MigrationHubFakeError naming the operations
            raise AssertionError(operation)  # pragma: no cover
        self.name = op.name
        self.python_name = op.python_name
        self.schema = schema(op.name)
        self.shape = _botocore_model(op.service).operation_model(op.name).input_shape
        from ._schema import compile_check

        self.check = compile_check(self.schema)


@lru_cache(maxsize=None)
def _botocore_model(service: str) -> Any:
    from botocore.session import Session

    return Session().get_service_model(service)


@lru_cache(maxsize=None)
def _spec(operation: str) -> _Spec:
    return _Spec(operation)


def _members(shape: Any) -> Dict[str, Any]:
    return dict(shape.members) if shape is not None and shape.type_name == "structure" else {}


def _is_timestamp(shape: Any) -> bool:
    return shape is not None and shape.type_name == "timestamp"


def _pattern(schema: Dict[str, Any]) -> Optional["re.Pattern[str]"]:
    from ._schema import compile_pattern

    return compile_pattern(schema["pattern"]) if "pattern" in schema else None


# --- valid values ------------------------------------------------------------


def _valid(schema: Dict[str, Any], shape: Any) -> Any:
    """A strategy of values the schema (and botocore's own client-side checks) accept."""
    kind = schema["type"]
    if kind == "object" and "properties" in schema:
        members = _members(shape)
        required = set(schema.get("required", ()))
        fields = {
            name: _valid(sub, members.get(name)) for name, sub in schema["properties"].items()
        }
        return st.fixed_dictionaries(
            {k: v for k, v in fields.items() if k in required},
            optional={k: v for k, v in fields.items() if k not in required},
        )
    if kind == "object":  # a map
        return st.dictionaries(
            _valid(schema["propertyNames"], getattr(shape, "key", None)),
            _valid(schema["additionalProperties"], getattr(shape, "value", None)),
            min_size=schema.get("minProperties", 0),
            max_size=_max_size(schema.get("minProperties", 0), schema.get("maxProperties")),
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
        bounds: Tuple[Optional[int], Optional[int]] = (schema.get("minimum"), schema.get("maximum"))
        if _is_timestamp(shape):
            bounds = (_MIN_TIMESTAMP, _MAX_TIMESTAMP)
        return st.integers(*bounds) | st.floats(*bounds, allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    raise NotImplementedError(kind)  # pragma: no cover - no such schema in the models


def _max_size(low: int, high: Optional[int]) -> int:
    cap = low + _MAX_EXTRA_ITEMS
    return cap if high is None else min(high, cap)


def _valid_string(schema: Dict[str, Any]) -> Any:
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
        lambda value: low <= len(value) <= (high if high is not None else len(value))
        and search(value) is not None
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


@lru_cache(maxsize=None)
def _valid_requests(operation: str) -> Any:
    spec = _spec(operation)
    return _valid(spec.schema, spec.shape).filter(spec.check)


# --- invalid values -------------------------------------------------------------

#: a value of each JSON type, to put where another type is expected
_JSON_TYPES: Dict[str, Any] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "integer": st.integers(),
    "fraction": st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda value: not value.is_integer()
    ),
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

#: (what is broken, where, how to draw the new value from the old one)
# Called as breaks(draw, old); typed loosely because the lambdas bind loop values as defaults.
Mutation = Tuple[str, Path, Callable[..., Json]]
_DELETE = object()


def _mutations(schema: Dict[str, Any], shape: Any, value: Json, path: Path) -> List[Mutation]:
    """Every way to break one rule of ``schema`` at ``path`` (``value`` is what is there)."""
    kind = schema["type"]
    out: List[Mutation] = []
    for wrong in _WRONG_TYPES[kind]:
        out.append((f"type: {wrong} for {kind}", path, lambda draw, old, w=wrong: draw(_JSON_TYPES[w])))
    if kind == "object" and "properties" in schema:
        members = _members(shape)
        for name in schema.get("required", ()):
            out.append((f"missing member {name}", path + (name,), lambda draw, old: _DELETE))
        known = set(schema["properties"])
        out.append(
            (
                "unknown member",
                path + (None,),  # the name is drawn
                lambda draw, old, known=known: draw(st.text(min_size=1, max_size=10).filter(lambda n: n not in known)),
            )
        )
        for name, item in value.items():
            if name in schema["properties"]:
                out += _mutations(schema["properties"][name], members.get(name), item, path + (name,))
    elif kind == "object":  # a map
        keys, values = schema["propertyNames"], schema["additionalProperties"]
        low, high = schema.get("minProperties"), schema.get("maxProperties")
        if low:
            out.append(("too few entries", path, lambda draw, old, low=low: dict(list(old.items())[: low - 1])))
        if high is not None:
            out.append(
                (
                    "too many entries",
                    path,
                    lambda draw, old, high=high, k=keys, v=values, s=shape: draw(
                        st.dictionaries(
                            _valid(k, getattr(s, "key", None)),
                            _valid(v, getattr(s, "value", None)),
                            min_size=high + 1,
                            max_size=high + 1,
                        )
                    ),
                )
            )
        for key, item in value.items():
            for what, _where, breaks in _string_mutations(keys, key):
                out.append(
                    (
                        f"key {what}",
                        path,
                        lambda draw, old, key=key, breaks=breaks: {
                            **{k: v for k, v in old.items() if k != key},
                            breaks(draw, key): old[key],
                        },
                    )
                )
            out += _mutations(values, getattr(shape, "value", None), item, path + (key,))
    elif kind == "array":
        low, high = schema.get("minItems"), schema.get("maxItems")
        member = getattr(shape, "member", None)
        if low:
            out.append(("too few items", path, lambda draw, old, low=low: old[: low - 1]))
        if high is not None:
            out.append(
                (
                    "too many items",
                    path,
                    lambda draw, old, high=high, s=schema["items"], m=member: old
                    + draw(st.lists(_valid(s, m), min_size=high + 1 - len(old), max_size=high + 1 - len(old))),
                )
            )
        for index, item in enumerate(value):
            out += _mutations(schema["items"], member, item, path + (index,))
    elif kind == "string":
        out += [(what, path, breaks) for what, _where, breaks in _string_mutations(schema, value)]
    elif kind in ("integer", "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None:
            out.append((f"below the minimum {low}", path, lambda draw, old, low=low: draw(st.integers(max_value=math.ceil(low) - 1))))
        if high is not None:
            out.append((f"above the maximum {high}", path, lambda draw, old, high=high: draw(st.integers(min_value=math.floor(high) + 1))))
    return out


def _string_mutations(schema: Dict[str, Any], value: str) -> List[Mutation]:
    out: List[Mutation] = []
    if "enum" in schema:
        enum = set(schema["enum"])
        out.append(
            (
                "not in the enum",
                (),
                lambda draw, old, enum=enum: draw(
                    (st.sampled_from([old.lower(), old + " ", " " + old, ""]) | st.text(max_size=12)).filter(
                        lambda v: v not in enum
                    )
                ),
            )
        )
        return out
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if low > 0:
        out.append((f"shorter than {low}", (), lambda draw, old, low=low: old[: draw(st.integers(0, low - 1))]))
    if high is not None:
        out.append(
            (
                f"longer than {high}",
                (),
                lambda draw, old, high=high: (old + "x" * (high + 1))[: high + 1 + draw(st.integers(0, 3))],
            )
        )
    pattern = _pattern(schema)
    if pattern is not None:
        broken = sorted(
            {
                value[:at] + char + value[at:]
                for char in _BREAKERS
                for at in {0, len(value) // 2, len(value)}
                if not pattern.search(value[:at] + char + value[at:])
            }
        )
        if broken:
            out.append(
                (
                    f"does not match {schema['pattern']}",
                    (),
                    lambda draw, old, broken=broken: draw(st.sampled_from(broken)),
                )
            )
    return out


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
    enum, a number out of range, or a list or map with too few or too many
    entries. Each is still a dict (pass it to boto3 with
    :func:`as_boto3_kwargs`). The service answers every one with
    ``InvalidInputException``; through boto3, botocore refuses some of them
    itself first (``ParamValidationError``).
    """
    return _invalid_requests(_spec(operation).name)


@lru_cache(maxsize=None)
def _invalid_requests(operation: str) -> Any:
    spec = _spec(operation)
    return _invalid(operation).filter(lambda body: not spec.check(body))


# --- boto3 ---------------------------------------------------------------------


def _to_boto3(schema: Dict[str, Any], shape: Any, value: Json) -> Any:
    kind = schema.get("type")
    if _is_timestamp(shape) and type(value) in (int, float):
        try:
            return datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            return value
    if kind == "object" and isinstance(value, dict):
        if "properties" in schema:
            members = _members(shape)
            return {
                name: _to_boto3(schema["properties"][name], members.get(name), item)
                if name in schema["properties"]
                else item
                for name, item in value.items()
            }
        return {
            key: _to_boto3(schema["additionalProperties"], getattr(shape, "value", None), item)
            for key, item in value.items()
        }
    if kind == "array" and isinstance(value, list):
        member = getattr(shape, "member", None)
        return [_to_boto3(schema["items"], member, item) for item in value]
    return copy.deepcopy(value)


def as_boto3_kwargs(operation: str, request: Dict[str, Any]) -> Dict[str, Any]:
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
