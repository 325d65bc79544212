"""The checks on values a test seeds: the fake refuses what the real service would."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from ._errors import MigrationHubFakeError
from ._model import catalog
from ._schema import compile_check


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


def check_name(method: str, member: str, value: Any) -> None:
    """Refuse a stream or task name NotifyMigrationTaskState would refuse."""
    __tracebackhide__ = True
    check_seed(method, "NotifyMigrationTaskState", (member,), value)


def check_server_attributes(attributes: dict[str, Any], server_type: str) -> None:
    """Refuse server attributes ADS could not answer with: strings of at most 10000 characters, a known type."""
    __tracebackhide__ = True
    from ._discovery import SERVER_TYPES

    for name, value in attributes.items():
        if value is not None and (not isinstance(value, str) or len(value) > _MAX_ATTRIBUTE):
            raise MigrationHubFakeError(
                f"add_discovered_resource: {name} must be a string of at most {_MAX_ATTRIBUTE} characters; got {value!r}."
            )
    if server_type not in SERVER_TYPES:
        raise MigrationHubFakeError(
            f"add_discovered_resource: server_type must be one of {', '.join(SERVER_TYPES)}; got {server_type!r}."
        )


#: the longest value ADS's String shape (the values of its answers' maps) holds
_MAX_ATTRIBUTE = 10000


@cache
def _member_check(operation: str, path: tuple[str, ...]) -> tuple[dict[str, Any], Callable[[Any], bool]]:
    """The schema of one request member and its compiled check."""
    schema = catalog().by_name[operation].schema
    for member in path:
        schema = schema["properties"][member]
    return schema, compile_check(schema)
