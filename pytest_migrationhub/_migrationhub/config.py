"""The home-region service's operations (migrationhub-config): the home region control of an account.

The home region itself is the core's (every home-bound service checks it); these
operations read, set and unset it.
"""

from __future__ import annotations

from typing import Any

from .._core import Answer, Context, Handler, ServiceError, epoch, registrar

#: operation name -> handler, for migrationhub-config's operations
HANDLERS: dict[str, Handler] = {}
handles = registrar(HANDLERS)


def control_json(control: dict[str, Any]) -> dict[str, Any]:
    out = dict(control)
    out["RequestedTime"] = epoch(control["RequestedTime"])
    return out


@handles("GetHomeRegion")
def get_home_region(ctx: Context) -> Answer:
    # With no home region set the real service answers with an empty body.
    home = ctx.account.home_region
    return {"HomeRegion": home} if home else {}


@handles("CreateHomeRegionControl")
def create_home_region_control(ctx: Context) -> Answer:
    body = ctx.body
    control = ctx.account.home_control
    if control is not None:
        if control["HomeRegion"] != body["HomeRegion"]:
            raise ServiceError(
                "InvalidInputException",
                f"CreateHomeRegionControl: the home region is already {control['HomeRegion']}; "
                f"delete its control {control['ControlId']} with DeleteHomeRegionControl "
                f"before choosing {body['HomeRegion']}",
            )
    else:
        control = ctx.account.set_home_region(body["HomeRegion"], body["Target"])
    return {"HomeRegionControl": control_json(control)}


@handles("DescribeHomeRegionControls")
def describe_home_region_controls(ctx: Context) -> Answer:
    body = ctx.body
    controls = [ctx.account.home_control] if ctx.account.home_control else []
    matching = [
        control_json(c)
        for c in controls
        if body.get("ControlId", c["ControlId"]) == c["ControlId"]
        and body.get("HomeRegion", c["HomeRegion"]) == c["HomeRegion"]
        and _target_matches(body.get("Target"), c["Target"])
    ]
    return ctx.page("HomeRegionControls", "", matching)


def _target_matches(wanted: dict[str, Any] | None, target: dict[str, Any]) -> bool:
    if wanted is None:
        return True
    return all(target.get(key) == value for key, value in wanted.items())


@handles("DeleteHomeRegionControl")
def delete_home_region_control(ctx: Context) -> Answer:
    control = ctx.account.home_control
    if control is None or control["ControlId"] != ctx.body["ControlId"]:
        raise ServiceError(
            "InvalidInputException",
            f"DeleteHomeRegionControl: no home region control has the ID {ctx.body['ControlId']!r}",
        )
    # Tracking data stays; only the home region is unset.
    ctx.account.unset_home_region()
    return {}
