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
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional

from botocore.model import OperationModel

from ._wire import TIMESTAMP_MAX, TIMESTAMP_MIN

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Schema = Dict[str, Any]
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


@lru_cache(maxsize=None)
def compile_pattern(pattern: str) -> "re.Pattern[str]":
    """Compile a JSON Schema (ECMA-262) pattern into a Python regex.

    Two differences matter for request validation: ECMA's ``$`` matches only at
    the very end of the input (Python's also before a final newline), and
    ECMA's ``\\d``/``\\w`` are ASCII-only.
    """
    python_pattern = pattern
    if python_pattern.endswith("$") and not python_pattern.endswith("\\$"):
        python_pattern = python_pattern[:-1] + r"\Z"
    return re.compile(python_pattern, re.ASCII)


def shape_schema(shape: Any) -> Schema:
    """Return the JSON Schema of one botocore shape, as it travels in JSON 1.1."""
    meta = shape.metadata
    kind = shape.type_name
    schema: Schema
    if kind == "structure":
        schema = {
            "type": "object",
            "properties": {name: shape_schema(member) for name, member in shape.members.items()},
            "additionalProperties": False,
        }
        required = list(getattr(shape, "required_members", []) or [])
        if required:
            schema["required"] = required
    elif kind == "list":
        schema = {"type": "array", "items": shape_schema(shape.member)}
        if "min" in meta:
            schema["minItems"] = meta["min"]
        if "max" in meta:
            schema["maxItems"] = meta["max"]
    elif kind == "map":
        schema = {
            "type": "object",
            "propertyNames": shape_schema(shape.key),
            "additionalProperties": shape_schema(shape.value),
        }
        if "min" in meta:
            schema["minProperties"] = meta["min"]
        if "max" in meta:
            schema["maxProperties"] = meta["max"]
    elif kind == "string":
        schema = {"type": "string"}
        if shape.enum:
            schema["enum"] = list(shape.enum)
        if "min" in meta:
            schema["minLength"] = meta["min"]
        if "max" in meta:
            schema["maxLength"] = meta["max"]
        if "pattern" in meta:
            schema["pattern"] = pattern_for(meta["pattern"])
    elif kind in ("integer", "long"):
        schema = {"type": "integer"}
        if "min" in meta:
            schema["minimum"] = meta["min"]
        if "max" in meta:
            schema["maximum"] = meta["max"]
    elif kind in ("float", "double"):
        schema = {"type": "number"}
        if "min" in meta:
            schema["minimum"] = meta["min"]
        if "max" in meta:
            schema["maximum"] = meta["max"]
    elif kind == "boolean":
        schema = {"type": "boolean"}
    elif kind == "timestamp":
        # JSON 1.1 sends timestamps as epoch seconds. The range is what a
        # timestamp can name at all: years 1 to 9999.
        schema = {"type": "number", "minimum": TIMESTAMP_MIN, "maximum": TIMESTAMP_MAX}
    elif kind == "blob":
        schema = {"type": "string", "contentEncoding": "base64"}
    else:  # pragma: no cover - no such shape in the Migration Hub models
        raise NotImplementedError(f"shape type {kind!r} of {shape.name}")
    schema["title"] = shape.name
    return schema


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


def _is_integer(value: Any) -> bool:
    # JSON Schema: an integer is any number with a zero fractional part; a
    # boolean is never a number.
    if type(value) is int:
        return True
    return type(value) is float and value.is_integer()


_TYPE_CHECKS: Dict[str, Check] = {
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "string": lambda v: type(v) is str,
    "integer": _is_integer,
    "number": lambda v: type(v) in (int, float),
    "boolean": lambda v: type(v) is bool,
}


def compile_check(schema: Schema) -> Check:
    """Compile the subset of JSON Schema that ``shape_schema`` emits into a predicate."""
    type_check = _TYPE_CHECKS[schema["type"]]
    kind = schema["type"]
    if kind == "object":
        props = {name: compile_check(sub) for name, sub in schema.get("properties", {}).items()}
        required = tuple(schema.get("required", ()))
        extra = schema.get("additionalProperties", True)
        extra_check: Optional[Check] = compile_check(extra) if isinstance(extra, dict) else None
        closed = extra is False
        names_check = compile_check(schema["propertyNames"]) if "propertyNames" in schema else None
        min_props = schema.get("minProperties")
        max_props = schema.get("maxProperties")

        def check_object(value: Any) -> bool:
            if type(value) is not dict:
                return False
            for name in required:
                if name not in value:
                    return False
            if min_props is not None and len(value) < min_props:
                return False
            if max_props is not None and len(value) > max_props:
                return False
            for name, item in value.items():
                if names_check is not None and not names_check(name):
                    return False
                sub = props.get(name)
                if sub is not None:
                    if not sub(item):
                        return False
                elif closed:
                    return False
                elif extra_check is not None and not extra_check(item):
                    return False
            return True

        return check_object
    if kind == "array":
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
    if kind == "string":
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
    if kind in ("integer", "number"):
        minimum = schema.get("minimum")
        maximum = schema.get("maximum")

        def check_number(value: Any) -> bool:
            if not type_check(value):
                return False
            if minimum is not None and value < minimum:
                return False
            return maximum is None or value <= maximum

        return check_number
    return type_check


# --- the explanation ------------------------------------------------------


def _json_path(path: "List[Any]") -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@lru_cache(maxsize=None)
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


def explain(validator: Any, body: Any) -> List[str]:
    """Return ``"<JSON path>: <rule broken>"`` for each rule ``body`` breaks, by path."""
    errors = sorted(
        validator.iter_errors(body), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    return [f"{_json_path(list(e.absolute_path))}: {e.message}" for e in errors]
