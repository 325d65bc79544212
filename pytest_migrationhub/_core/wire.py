"""Facts of the AWS JSON 1.1 protocol as the fake's services speak it, and the answers built from them.

Shared by the in-process pipeline, the botocore interception and the server.
Imports nothing heavy.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

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
