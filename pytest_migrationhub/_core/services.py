"""The services the fake serves, one row each: every name the SDKs and the wire give a service,
the choices it makes where the services differ, and the wing (subpackage) that serves it.

The core finds the services through this table alone: it imports a wing by the
name its row gives, never by an import statement, so no part of the core
depends on a service. Adding a service family is a new wing plus a row here.
Imports nothing heavy.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .handlers import Handler

#: the package the wings are subpackages of
_PACKAGE = __name__.split(".", 1)[0]


@dataclass(frozen=True)
class Service:
    """One of the services the fake serves, by each name the SDKs and the wire give it,
    and the choices it makes where the services differ."""

    #: botocore's name: ``boto3.client(name)``
    name: str
    #: what its operations' ``X-Amz-Target`` starts with, before the dot
    target_prefix: str
    #: its model's ``serviceId``
    service_id: str
    #: the subpackage of pytest_migrationhub that serves it: its ``HANDLERS`` answer the operations
    wing: str
    #: the prefix of its IAM actions (``mgh:NotifyMigrationTaskState``)
    iam_prefix: str = "mgh"
    #: the error a request the model refuses gets
    invalid_input: str = "InvalidInputException"
    #: the error an operation IAM denies gets
    access_denied: str = "AccessDeniedException"
    #: whether it answers only once a home region is set, and writes only there
    home_bound: bool = True
    #: what the names of the operations allowed outside the home region start with
    reads: tuple[str, ...] = ("Describe", "List")

    @property
    def event_name(self) -> str:
        """The service id as botocore's event names spell it: ``before-send.<event_name>``."""
        return self.service_id.replace(" ", "-").lower()

    @property
    def endpoint_variable(self) -> str:
        """The variable botocore, the AWS CLI and the SDKs read this service's endpoint from."""
        return "AWS_ENDPOINT_URL_" + self.service_id.replace(" ", "_").replace("-", "_").upper()


MGH = Service("mgh", "AWSMigrationHub", "Migration Hub", "_migrationhub")
CONFIG = Service(
    "migrationhub-config",
    "AWSMigrationHubMultiAccountService",
    "MigrationHub Config",
    "_migrationhub",
    home_bound=False,
)
#: Application Discovery Service: its model has no InvalidInputException and no
#: AccessDeniedException, and its docs count list, describe, get, stop and delete
#: (BatchDeleteAgents, BatchDeleteImportData) among the reads a request outside
#: the home region may make
DISCOVERY = Service(
    "discovery",
    "AWSPoseidonService_V2015_11_01",
    "Application Discovery Service",
    "_discovery",
    iam_prefix="discovery",
    invalid_input="InvalidParameterValueException",
    access_denied="AuthorizationErrorException",
    reads=("Describe", "List", "Get", "Delete", "BatchDelete", "Stop"),
)
#: every service the fake serves
ALL_SERVICES: tuple[Service, ...] = (MGH, CONFIG, DISCOVERY)
#: botocore service name -> its row
BY_NAME: dict[str, Service] = {service.name: service for service in ALL_SERVICES}
#: mgh and migrationhub-config sign their requests as this one (discovery as "discovery")
SIGNING_NAME = "mgh"
#: botocore service name -> the ``X-Amz-Target`` prefix of its operations
SERVICES: dict[str, str] = {service.name: service.target_prefix for service in ALL_SERVICES}
#: what an ``X-Amz-Target`` of a served service starts with
TARGET_PREFIXES: tuple[str, ...] = tuple(f"{service.target_prefix}." for service in ALL_SERVICES)
#: the service ids botocore's models give the served services
SERVICE_IDS = frozenset(service.service_id for service in ALL_SERVICES)
#: the events the fake answers on, one per service
BEFORE_SEND_EVENTS: tuple[str, ...] = tuple(f"before-send.{service.event_name}" for service in ALL_SERVICES)
#: service -> the variable its endpoint is read from
ENDPOINT_VARIABLES: dict[str, str] = {service.name: service.endpoint_variable for service in ALL_SERVICES}

_lock = threading.Lock()
#: the handlers of the wings, and the wing modules they came from
_served: tuple[dict[str, Handler], tuple[Any, ...]] | None = None
_WING_NAMES = tuple(f"{_PACKAGE}.{wing}" for wing in dict.fromkeys(s.wing for s in ALL_SERVICES))


def _wings() -> list[Any]:
    """The wing modules the rows name, each once, imported on first use."""
    return [importlib.import_module(name) for name in _WING_NAMES]


def served() -> Mapping[str, Handler]:
    """Operation name -> the handler that answers it, for every operation a wing serves.

    Each wing named by a row is imported once per process, on first use, and
    gives its handlers as ``HANDLERS``; an operation no wing answers is unserved.
    A wing imported again (a test runner that drops the modules a session
    imported does so) is taken anew: its handlers and its records' classes go together.
    """
    global _served
    found = _served
    if found is None or any(
        sys.modules.get(name) is not module for name, module in zip(_WING_NAMES, found[1], strict=True)
    ):
        with _lock:
            wings = tuple(_wings())
            table: dict[str, Handler] = {}
            for wing in wings:
                table.update(wing.HANDLERS)
            _served = found = (table, wings)
    return found[0]


def parts() -> list[type[Any]]:
    """The classes of what each wing keeps for an account, as its ``PARTS`` gives them: each has its
    key in a scenario, ``dump()`` and ``load()``."""
    return [kind for wing in _wings() for kind in wing.PARTS]
