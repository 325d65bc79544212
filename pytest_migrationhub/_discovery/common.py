"""What the Application Discovery Service handlers share: their table, its errors, paging and filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .._core import Context, Handler, ServiceError, registrar
from .inventory import Inventory, inventory_of

#: operation name -> handler, for Application Discovery Service's operations
HANDLERS: dict[str, Handler] = {}
handles = registrar(HANDLERS)

#: the option that sets how long an import, export or deletion task takes on the fake's clock
TASK_SECONDS = "discovery_task_seconds"
#: ADS's error for a value it refuses
INVALID = "InvalidParameterValueException"
#: the largest maxResults ADS documents, and the page size when a request names none
MAX_RESULTS = 100
#: condition -> the condition it is an alias of
ALIASES = {"EQ": "EQUALS", "NE": "NOT_EQUALS"}
EXACT = ("EQUALS", "NOT_EQUALS")
ALL = ("EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS")

T = TypeVar("T")
#: filter name -> (the conditions it takes, an item's values for it)
Rules = Mapping[str, tuple[tuple[str, ...], Callable[[T, Context], list[str]]]]


def inventory(ctx: Context) -> Inventory:
    """What ADS knows of the request's account, with every task due by now finished."""
    return inventory_of(ctx.account)


def matches(condition: str, have: list[str], wanted: list[str]) -> bool:
    """Whether an item's values meet one filter: OR across the filter's values; NOT_* negates."""
    positive = condition.removeprefix("NOT_")
    if positive == "EQUALS":
        hit = any(value in have for value in wanted)
    else:
        hit = any(value in item for value in wanted for item in have)
    return hit if positive == condition else not hit


def filtered(ctx: Context, rules: Rules[T], items: list[T], what: str, member: str = "filters") -> list[T]:
    """The items that pass every filter of the request (AND across filters), or the error naming a bad one."""
    for index, spec in enumerate(ctx.body.get(member) or ()):
        name, condition = spec["name"], ALIASES.get(spec["condition"], spec["condition"])
        if name not in rules:
            raise ServiceError(
                INVALID,
                f"{ctx.operation}: $.{member}[{index}].name: {name!r} is not a filter of {what}; "
                f"use one of {', '.join(rules)}",
            )
        conditions, values_of = rules[name]
        if condition not in conditions:
            raise ServiceError(
                INVALID,
                f"{ctx.operation}: $.{member}[{index}].condition: {spec['condition']!r} does not apply to "
                f"{name}; use one of {', '.join(conditions)}",
            )
        items = [item for item in items if matches(condition, values_of(item, ctx), spec["values"])]
    return items


def page(ctx: Context, key: str, scope: str, rows: list[Any]) -> dict[str, Any]:
    """One page of ``rows`` as ``key``, ADS's way: ``maxResults`` 1 to 100, ``nextToken``."""
    size = ctx.body.get("maxResults")
    if size is not None and not 1 <= size <= MAX_RESULTS:
        raise ServiceError(INVALID, f"{ctx.operation}: $.maxResults: {size} is not between 1 and {MAX_RESULTS}")
    return ctx.page(key, scope, rows, page_size=MAX_RESULTS, members=("maxResults", "nextToken"), error=INVALID)
