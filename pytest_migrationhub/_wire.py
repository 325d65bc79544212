"""Facts of the AWS JSON 1.1 protocol as the fake's services speak it, and the answers built from them.

Shared by the in-process pipeline, the botocore hook and the server. Imports
nothing heavy.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any


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


MGH = Service("mgh", "AWSMigrationHub", "Migration Hub")
CONFIG = Service("migrationhub-config", "AWSMigrationHubMultiAccountService", "MigrationHub Config", home_bound=False)
#: Application Discovery Service: its model has no InvalidInputException and no
#: AccessDeniedException, and its docs list Get and Delete among the reads a
#: request outside the home region may make
DISCOVERY = Service(
    "discovery",
    "AWSPoseidonService_V2015_11_01",
    "Application Discovery Service",
    iam_prefix="discovery",
    invalid_input="InvalidParameterValueException",
    access_denied="AuthorizationErrorException",
    reads=("Describe", "List", "Get", "Delete"),
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
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
#: 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in epoch seconds: what a timestamp can name
TIMESTAMP_MIN = -62135596800
TIMESTAMP_MAX = 253402300799.999

#: ``(status, headers, body)``, as the fake answers a request
Response = tuple[int, dict[str, str], bytes]


def request_id() -> str:
    return str(uuid.uuid4())


def json_headers() -> dict[str, str]:
    return {"x-amzn-RequestId": request_id(), "Content-Type": JSON_CONTENT_TYPE}


def error_body(code: str, message: str, **extra: Any) -> bytes:
    """An AWS JSON error body: ``{"__type": code, "Message": message, ...}``."""
    body: dict[str, Any] = {"__type": code, "Message": message}
    body.update(extra)
    return json.dumps(body).encode()


def error_response(status: int, code: str, message: str, **extra: Any) -> Response:
    return status, json_headers(), error_body(code, message, **extra)
