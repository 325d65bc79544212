"""The checks on the fake's options, shared by its constructor and the plugin.

Imports nothing heavy: the plugin checks its ini options with these when pytest
starts, long before a test asks for the fake (and botocore with it).
"""

from __future__ import annotations

import re
from typing import Any

from .errors import MigrationHubFakeError

_HOME_REGION_RE = re.compile(r"^([a-z]+)-([a-z]+)-([0-9]+)\Z")
#: the home region of a fake unless it is told otherwise
DEFAULT_HOME_REGION = "us-west-2"
#: how long an asynchronous DeleteProgressUpdateStream takes, on the fake's clock
DEFAULT_STREAM_DELETION_SECONDS = 5.0
#: how long an Application Discovery Service import, export or deletion task takes, on the fake's clock
DEFAULT_DISCOVERY_TASK_SECONDS = 1.0


def home_region_option(text: str) -> Any:
    """A home region as an ini option or a command line gives it: ``none`` (or nothing) leaves it unset."""
    return None if text.strip().lower() in ("", "none") else text


def is_home_region(value: Any) -> bool:
    """Whether ``value`` is a region name such as ``us-west-2`` (``None``, unset, is not one)."""
    return isinstance(value, str) and _HOME_REGION_RE.match(value) is not None


def is_seconds(value: Any) -> bool:
    """Whether ``value`` is a number of seconds, 0 or more."""
    return not isinstance(value, bool) and isinstance(value, (int, float)) and 0 <= value < 10**9


def check_home_region(value: Any) -> None:
    __tracebackhide__ = True
    if value is not None and not is_home_region(value):
        raise MigrationHubFakeError(
            f"home_region must be a region name such as 'us-west-2', or None to leave it unset; got {value!r}."
        )


def check_seconds(value: Any, name: str) -> None:
    """Refuse a duration option (``name``) that is not a number of seconds, 0 or more."""
    __tracebackhide__ = True
    if not is_seconds(value):
        raise MigrationHubFakeError(f"{name} must be a number of seconds, 0 or more; got {value!r}.")
