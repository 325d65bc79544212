"""The core: what every service shares and none owns.

The wire protocol's facts and the service table (:mod:`.services`), the
services' models and the schemas derived from them (:mod:`.model`,
:mod:`.schema`), the request pipeline (:mod:`.pipeline`) and what its handlers
are given (:mod:`.handlers`), the store of accounts, calls and faults
(:mod:`.store`, :mod:`.records`), paging, errors, options and the clock. It
knows no service: it finds the wings through the service table.

Used through the names below. The errors and options load with the package
(the plugin checks its ini options at start-up); everything else loads on
first use, so that a pytest run that never makes a fake pays for no more.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    OPT_OUT,
    MigrationHubAssertionError,
    MigrationHubFakeError,
    ServiceError,
    count,
    malformed_message,
    unfired_message,
)
from .options import (
    DEFAULT_DISCOVERY_TASK_SECONDS,
    DEFAULT_HOME_REGION,
    DEFAULT_STREAM_DELETION_SECONDS,
    check_home_region,
    check_seconds,
    home_region_option,
    is_home_region,
    is_seconds,
)

if TYPE_CHECKING:
    from .checks import check_seed
    from .clock import epoch, from_epoch, now
    from .downloads import DOWNLOADS_PREFIX, Downloads, content_type
    from .handlers import Answer, Context, Handler, Services, registrar
    from .model import Catalog, Operation, catalog, request_schema
    from .paging import Tokens
    from .pipeline import DEFAULT_REGION, DRY_RUN_SUCCESS, Pipeline, scope_of, unserved
    from .records import Account, Call, Fault, Kept
    from .scenario import (
        FORMAT,
        VERSION,
        Part,
        ScenarioError,
        ScenarioMethods,
        Where,
        read,
        restore,
        snapshot,
        write,
    )
    from .schema import compile_check, compile_pattern, explainer, shape_schema
    from .services import (
        ALL_SERVICES,
        BEFORE_SEND_EVENTS,
        BY_NAME,
        CONFIG,
        DISCOVERY,
        ENDPOINT_VARIABLES,
        MGH,
        SERVICE_IDS,
        SERVICES,
        SIGNING_NAME,
        TARGET_PREFIXES,
        Service,
        parts,
        served,
    )
    from .store import DEFAULT_ACCOUNT, Store
    from .wire import (
        JSON_CONTENT_TYPE,
        TIMESTAMP_MAX,
        TIMESTAMP_MIN,
        Response,
        error_body,
        error_response,
        json_headers,
        request_id,
    )

#: the names loaded on first use, by the module that holds them
_LAZY: dict[str, tuple[str, ...]] = {
    ".checks": ("check_seed",),
    ".clock": ("epoch", "from_epoch", "now"),
    ".downloads": ("DOWNLOADS_PREFIX", "Downloads", "content_type"),
    ".handlers": ("Answer", "Context", "Handler", "Services", "registrar"),
    ".model": ("Catalog", "Operation", "catalog", "request_schema"),
    ".paging": ("Tokens",),
    ".pipeline": ("DEFAULT_REGION", "DRY_RUN_SUCCESS", "Pipeline", "scope_of", "unserved"),
    ".records": ("Account", "Call", "Fault", "Kept"),
    ".scenario": (
        "FORMAT",
        "VERSION",
        "Part",
        "ScenarioError",
        "ScenarioMethods",
        "Where",
        "snapshot",
        "restore",
        "write",
        "read",
    ),
    ".schema": ("compile_check", "compile_pattern", "explainer", "shape_schema"),
    ".services": (
        "ALL_SERVICES",
        "BEFORE_SEND_EVENTS",
        "BY_NAME",
        "CONFIG",
        "DISCOVERY",
        "ENDPOINT_VARIABLES",
        "MGH",
        "SERVICE_IDS",
        "SERVICES",
        "SIGNING_NAME",
        "TARGET_PREFIXES",
        "Service",
        "parts",
        "served",
    ),
    ".store": ("DEFAULT_ACCOUNT", "Store"),
    ".wire": (
        "JSON_CONTENT_TYPE",
        "TIMESTAMP_MAX",
        "TIMESTAMP_MIN",
        "Response",
        "error_body",
        "error_response",
        "json_headers",
        "request_id",
    ),
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}

__all__ = [
    "FORMAT",
    "VERSION",
    "Part",
    "ScenarioError",
    "ScenarioMethods",
    "Where",
    "parts",
    "read",
    "restore",
    "snapshot",
    "write",
    "DEFAULT_DISCOVERY_TASK_SECONDS",
    "DOWNLOADS_PREFIX",
    "Downloads",
    "content_type",
    "ALL_SERVICES",
    "Account",
    "Answer",
    "BEFORE_SEND_EVENTS",
    "BY_NAME",
    "CONFIG",
    "Call",
    "Catalog",
    "Context",
    "DEFAULT_ACCOUNT",
    "DEFAULT_HOME_REGION",
    "DEFAULT_REGION",
    "DEFAULT_STREAM_DELETION_SECONDS",
    "DISCOVERY",
    "DRY_RUN_SUCCESS",
    "ENDPOINT_VARIABLES",
    "Fault",
    "Handler",
    "JSON_CONTENT_TYPE",
    "Kept",
    "MGH",
    "MigrationHubAssertionError",
    "MigrationHubFakeError",
    "OPT_OUT",
    "Operation",
    "Pipeline",
    "Response",
    "SERVICES",
    "SERVICE_IDS",
    "SIGNING_NAME",
    "Service",
    "ServiceError",
    "Services",
    "Store",
    "TARGET_PREFIXES",
    "TIMESTAMP_MAX",
    "TIMESTAMP_MIN",
    "Tokens",
    "catalog",
    "check_home_region",
    "check_seed",
    "check_seconds",
    "compile_check",
    "compile_pattern",
    "count",
    "epoch",
    "error_body",
    "error_response",
    "explainer",
    "from_epoch",
    "home_region_option",
    "is_home_region",
    "is_seconds",
    "json_headers",
    "malformed_message",
    "now",
    "registrar",
    "request_id",
    "request_schema",
    "scope_of",
    "served",
    "shape_schema",
    "unfired_message",
    "unserved",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
