"""Facts of the AWS JSON 1.1 protocol as the two services speak it, and the answers built from them.

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
    """One of the two services, by each name the SDKs and the wire give it."""

    #: botocore's name: ``boto3.client(name)``
    name: str
    #: what its operations' ``X-Amz-Target`` starts with, before the dot
    target_prefix: str
    #: its model's ``serviceId``
    service_id: str

    @property
    def event_name(self) -> str:
        """The service id as botocore's event names spell it: ``before-send.<event_name>``."""
        return self.service_id.replace(" ", "-").lower()

    @property
    def endpoint_variable(self) -> str:
        """The variable botocore, the AWS CLI and the SDKs read this service's endpoint from."""
        return "AWS_ENDPOINT_URL_" + self.service_id.replace(" ", "_").replace("-", "_").upper()


MGH = Service("mgh", "AWSMigrationHub", "Migration Hub")
CONFIG = Service("migrationhub-config", "AWSMigrationHubMultiAccountService", "MigrationHub Config")
#: both services sign their requests as this one
SIGNING_NAME = "mgh"
#: botocore service name -> the ``X-Amz-Target`` prefix of its operations
SERVICES: dict[str, str] = {service.name: service.target_prefix for service in (MGH, CONFIG)}
#: what an ``X-Amz-Target`` of either service starts with
TARGET_PREFIXES: tuple[str, ...] = tuple(f"{service.target_prefix}." for service in (MGH, CONFIG))
#: the service ids botocore's models give the two services
SERVICE_IDS = frozenset(service.service_id for service in (MGH, CONFIG))
#: the events the fake answers on, one per service
BEFORE_SEND_EVENTS: tuple[str, ...] = tuple(f"before-send.{service.event_name}" for service in (MGH, CONFIG))
#: service -> the variable its endpoint is read from
ENDPOINT_VARIABLES: dict[str, str] = {service.name: service.endpoint_variable for service in (MGH, CONFIG)}
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
