"""The check on values a test seeds: the fake refuses what the real service would refuse in a request."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from .errors import MigrationHubFakeError
from .model import catalog
from .schema import compile_check


def check_seed(method: str, operation: str, path: tuple[str, ...], value: Any) -> None:
    """Refuse a seeded value the real service would refuse as ``path`` of ``operation``."""
    __tracebackhide__ = True
    schema, check = _member_check(operation, path)
    if check(value):
        return
    rules = []
    if "enum" in schema:
        rules.append("one of " + ", ".join(schema["enum"]))
    if "minLength" in schema or "maxLength" in schema:
        rules.append(f"length {schema.get('minLength', 0)}-{schema.get('maxLength', 'any')}")
    if "pattern" in schema:
        rules.append(f"pattern {schema['pattern']}")
    raise MigrationHubFakeError(
        f"{method}: {value!r} is not a valid {path[-1]} ({', '.join(rules)}); "
        "pass a value the real service would accept."
    )


@cache
def _member_check(operation: str, path: tuple[str, ...]) -> tuple[dict[str, Any], Callable[[Any], bool]]:
    """The schema of one request member and its compiled check."""
    schema = catalog().by_name[operation].schema
    for member in path:
        schema = schema["properties"][member]
    return schema, compile_check(schema)
