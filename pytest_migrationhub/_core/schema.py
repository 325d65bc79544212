"""JSON Schemas derived from botocore's service models, and the checks built on them.

The schema of an operation's input is the single source of its rules. Two
things are built from it:

* a compiled check (plain Python closures) that answers "valid or not" fast
  enough to run on every intercepted call, and
* a jsonschema validator, used only once the compiled check said "invalid",
  to explain what is wrong.

A differential test keeps the two in agreement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

import botocore
from botocore.model import OperationModel, Shape

from .errors import MigrationHubFakeError
from .wire import TIMESTAMP_MAX, TIMESTAMP_MIN

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Schema = dict[str, Any]
Check = Callable[[Any], bool]


def pattern_for(model_pattern: str) -> str:
    """Return the pattern the fake enforces for a model's ``pattern`` trait.

    Model patterns written without anchors (``[^:|]+``) are meant as
    whole-string rules: a task name with ``:`` anywhere is invalid. They are
    anchored here; patterns that already carry ``^...$`` apply as written.
    """
    if model_pattern.startswith("^") and model_pattern.endswith("$"):
        return model_pattern
    return f"^(?:{model_pattern})$"


@cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a JSON Schema (ECMA-262) pattern into a Python regex.

    Two differences matter for request validation: ECMA's ``$`` matches only at
    the very end of the input (Python's also before a final newline), and
    ECMA's ``\\d``/``\\w`` are ASCII-only.
    """
    python_pattern = pattern
    if python_pattern.endswith("$") and not python_pattern.endswith("\\$"):
        python_pattern = python_pattern[:-1] + r"\Z"
    return re.compile(python_pattern, re.ASCII)


def shape_schema(shape: Shape) -> Schema:
    """Return the JSON Schema of one botocore shape, as it travels in JSON 1.1.

    Only the shape types the served services' models use are derived; any other
    (a float, a blob, a document, ...) stops the derivation with an error naming it,
    rather than a schema the compiled check and the strategies would get wrong.
    """
    derive = _DERIVATIONS.get(shape.type_name)
    if derive is None:
        raise MigrationHubFakeError(
            f"botocore {botocore.__version__}'s model gives the shape {shape.name!r} the type "
            f"{shape.type_name!r}, which pytest-migrationhub cannot validate yet (it knows "
            f"{', '.join(_DERIVATIONS)}). Upgrade pytest-migrationhub, or pin the botocore "
            "release it was tested with."
        )
    schema = derive(shape)
    schema["title"] = shape.name
    return schema


def _with_bounds(schema: Schema, meta: dict[str, Any], low: str, high: str) -> Schema:
    """``schema`` with the model's ``min``/``max`` traits as the keywords ``low``/``high``."""
    if "min" in meta:
        schema[low] = meta["min"]
    if "max" in meta:
        schema[high] = meta["max"]
    return schema


def _structure_schema(shape: Any) -> Schema:
    members = shape.members.items()
    schema: Schema = {
        "type": "object",
        "properties": {name: shape_schema(member) for name, member in members},
        "additionalProperties": False,
    }
    if shape.required_members:
        schema["required"] = list(shape.required_members)
    if shape.metadata.get("union"):
        # A tagged union (StartExportTask's preferences): exactly one member is set.
        schema["minProperties"] = schema["maxProperties"] = 1
    return schema


def _map_schema(shape: Any) -> Schema:
    # A JSON object whose names are keys of the key shape and whose values
    # are of the value shape (ADS answers carry String -> String maps).
    schema: Schema = {
        "type": "object",
        "propertyNames": shape_schema(shape.key),
        "additionalProperties": shape_schema(shape.value),
    }
    return _with_bounds(schema, shape.metadata, "minProperties", "maxProperties")


def _list_schema(shape: Any) -> Schema:
    schema = {"type": "array", "items": shape_schema(shape.member)}
    return _with_bounds(schema, shape.metadata, "minItems", "maxItems")


def _string_schema(shape: Any) -> Schema:
    schema: Schema = {"type": "string"}
    if shape.enum:
        schema["enum"] = list(shape.enum)
    _with_bounds(schema, shape.metadata, "minLength", "maxLength")
    if "pattern" in shape.metadata:
        schema["pattern"] = pattern_for(shape.metadata["pattern"])
    return schema


def _integer_schema(shape: Any) -> Schema:
    return _with_bounds({"type": "integer"}, shape.metadata, "minimum", "maximum")


def _double_schema(shape: Any) -> Schema:
    return _with_bounds({"type": "number"}, shape.metadata, "minimum", "maximum")


def _boolean_schema(shape: Any) -> Schema:
    return {"type": "boolean"}


def _timestamp_schema(shape: Any) -> Schema:
    # JSON 1.1 sends timestamps as epoch seconds. The range is what a
    # timestamp can name at all: years 1 to 9999.
    return {"type": "number", "minimum": TIMESTAMP_MIN, "maximum": TIMESTAMP_MAX}


#: botocore shape type -> its JSON Schema: the types the served models use, no more
_DERIVATIONS: dict[str, Callable[[Any], Schema]] = {
    "structure": _structure_schema,
    "list": _list_schema,
    "map": _map_schema,
    "string": _string_schema,
    "integer": _integer_schema,
    # A long is an integer of 64 bits; JSON numbers carry it as they carry any integer.
    "long": _integer_schema,
    "double": _double_schema,
    "boolean": _boolean_schema,
    "timestamp": _timestamp_schema,
}


def operation_schema(operation: OperationModel) -> Schema:
    """Return the JSON Schema of an operation's request body."""
    if operation.input_shape is None:
        schema: Schema = {"type": "object", "properties": {}, "additionalProperties": False}
    else:
        schema = shape_schema(operation.input_shape)
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["title"] = f"{operation.name}Request"
    return schema


# --- the compiled check ---------------------------------------------------


def compile_check(schema: Schema) -> Check:
    """Compile the subset of JSON Schema that ``shape_schema`` emits into a predicate.

    A keyword outside that subset is an error, not a rule silently skipped.
    """
    kind = schema["type"]
    if kind not in _COMPILERS:
        raise MigrationHubFakeError(f"The compiled check has no rules for the schema type {kind!r}.")
    unknown = sorted(set(schema) - _ANNOTATIONS - _KEYWORDS[kind])
    if unknown:
        raise MigrationHubFakeError(
            f"The compiled check cannot enforce {', '.join(unknown)} on a schema of type {kind!r}."
        )
    return _COMPILERS[kind](schema)


def _compile_object(schema: Schema) -> Check:
    if "propertyNames" in schema or isinstance(schema.get("additionalProperties"), dict):
        return _compile_map(schema)
    props = {name: compile_check(sub) for name, sub in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    closed = not extra
    low, high = schema.get("minProperties", 0), schema.get("maxProperties")

    def check_object(value: Any) -> bool:
        if type(value) is not dict:
            return False
        if len(value) < low or (high is not None and len(value) > high):
            return False
        for name in required:
            if name not in value:
                return False
        for name, item in value.items():
            sub = props.get(name)
            if sub is not None:
                if not sub(item):
                    return False
            elif closed:
                return False
        return True

    return check_object


def _compile_map(schema: Schema) -> Check:
    """A map's check: every name passes ``propertyNames``, every value ``additionalProperties``."""
    if "properties" in schema or "required" in schema:
        raise MigrationHubFakeError("The compiled check cannot enforce properties on a map.")
    extra = schema.get("additionalProperties", True)
    value_check = compile_check(extra) if isinstance(extra, dict) else (lambda value: bool(extra))
    name_check = compile_check(schema["propertyNames"]) if "propertyNames" in schema else (lambda name: True)
    low, high = schema.get("minProperties"), schema.get("maxProperties")

    def check_map(value: Any) -> bool:
        if type(value) is not dict:
            return False
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            return False
        return all(name_check(name) and value_check(item) for name, item in value.items())

    return check_map


def _compile_array(schema: Schema) -> Check:
    item_check = compile_check(schema["items"])
    min_items = schema.get("minItems")
    max_items = schema.get("maxItems")

    def check_array(value: Any) -> bool:
        if type(value) is not list:
            return False
        if min_items is not None and len(value) < min_items:
            return False
        if max_items is not None and len(value) > max_items:
            return False
        return all(item_check(item) for item in value)

    return check_array


def _compile_string(schema: Schema) -> Check:
    enum = frozenset(schema["enum"]) if "enum" in schema else None
    min_len = schema.get("minLength")
    max_len = schema.get("maxLength")
    search = compile_pattern(schema["pattern"]).search if "pattern" in schema else None

    def check_string(value: Any) -> bool:
        if type(value) is not str:
            return False
        if enum is not None and value not in enum:
            return False
        if min_len is not None or max_len is not None:
            # JSON Schema counts code points, as len() does.
            length = len(value)
            if min_len is not None and length < min_len:
                return False
            if max_len is not None and length > max_len:
                return False
        return search is None or search(value) is not None

    return check_string


def _compile_number(schema: Schema) -> Check:
    type_check = _TYPE_CHECKS[schema["type"]]
    minimum = schema.get("minimum")
    maximum = schema.get("maximum")

    def check_number(value: Any) -> bool:
        if not type_check(value):
            return False
        if minimum is not None and value < minimum:
            return False
        return maximum is None or value <= maximum

    return check_number


def _compile_boolean(schema: Schema) -> Check:
    return _TYPE_CHECKS["boolean"]


def _is_integer(value: Any) -> bool:
    # JSON Schema: an integer is any number with a zero fractional part; a
    # boolean is never a number.
    if type(value) is int:
        return True
    return type(value) is float and value.is_integer()


_TYPE_CHECKS: dict[str, Check] = {
    "integer": _is_integer,
    "number": lambda v: type(v) in (int, float),
    "boolean": lambda v: type(v) is bool,
}
#: schema type -> the compiler of its rules
_COMPILERS: dict[str, Callable[[Schema], Check]] = {
    "object": _compile_object,
    "array": _compile_array,
    "string": _compile_string,
    "integer": _compile_number,
    "number": _compile_number,
    "boolean": _compile_boolean,
}
#: keywords that constrain nothing
_ANNOTATIONS = frozenset({"type", "title", "$schema"})
#: schema type -> the keywords its compiler enforces
_KEYWORDS: dict[str, frozenset[str]] = {
    "object": frozenset(
        {"properties", "required", "additionalProperties", "propertyNames", "minProperties", "maxProperties"}
    ),
    "array": frozenset({"items", "minItems", "maxItems"}),
    "string": frozenset({"enum", "minLength", "maxLength", "pattern"}),
    "integer": frozenset({"minimum", "maximum"}),
    "number": frozenset({"minimum", "maximum"}),
    "boolean": frozenset(),
}


# --- the explanation ------------------------------------------------------


def _json_path(path: list[Any]) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@cache
def _explainer_class() -> Any:
    import jsonschema
    from jsonschema import validators
    from jsonschema.exceptions import ValidationError

    def ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Schema) -> Any:
        if validator.is_type(instance, "string") and not compile_pattern(pattern).search(instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    return validators.extend(  # type: ignore[no-untyped-call,unused-ignore]
        jsonschema.Draft202012Validator, {"pattern": ecma_pattern}
    )


def explainer(schema: Schema) -> Any:
    """Return a jsonschema validator for ``schema`` with ECMA pattern semantics."""
    return _explainer_class()(schema)


def explain(validator: Any, body: Any) -> list[str]:
    """Return ``"<JSON path>: <rule broken>"`` for each rule ``body`` breaks, by path."""
    errors = sorted(validator.iter_errors(body), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [f"{_json_path(list(e.absolute_path))}: {e.message}" for e in errors]
