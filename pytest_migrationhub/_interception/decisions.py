"""The decisions every replacement makes, sync or async: is a fake active, does it take this
request over, is botocore retrying one of its operations, and the answering ``before-send``
handler registered on a client.

The active fake is held here. :mod:`.activation` sets it; the replacements in
:mod:`.sync` (botocore) and :mod:`.aio` (aiobotocore) read it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from .._core import BEFORE_SEND_EVENTS, SERVICE_IDS, SIGNING_NAME, TARGET_PREFIXES, Response, error_response


class Answering(Protocol):
    """What the interception asks of a fake: an answer to one request of a served service."""

    def handle(self, target: str, body: bytes | str | None, headers: Mapping[str, str]) -> Response: ...


#: guards activation and the registration of the answer on a client
lock = threading.RLock()
_active: Answering | None = None
#: where the active fake keeps the retry backoff it saves the caller from sleeping
_record_delay: Callable[[float], None] | None = None
#: bumped at every activation; retry state last reset in an older epoch is reset again
_epoch = 0
#: set on a client's event emitter once the fake's handler is registered there
_MARK = "_mhub_answers"
#: what the stand-in signature of a request the fake took over ends with; no real one does
_UNSIGNED = "Signature=unsigned"


def active() -> Answering | None:
    """The fake that answers now, if any."""
    return _active


def epoch() -> int:
    """How many times a fake has been made active in this process."""
    return _epoch


def make_active(fake: Answering, record_delay: Callable[[float], None]) -> None:
    """Answer with ``fake`` from now on; ``record_delay`` keeps each retry backoff not slept."""
    global _active, _record_delay, _epoch
    _epoch += 1
    _active, _record_delay = fake, record_delay


def make_inactive() -> None:
    """Answer nothing from now on."""
    global _active, _record_delay
    _active, _record_delay = None, None


def take_over_signing(signer: Any, request: Any, region_name: Any, answer: Callable[..., Any]) -> Any:
    """The active fake if ``signer`` is about to sign a Migration Hub request, else None.

    Such a request is not signed (no credentials are needed, none are used): the
    region and the caller's access key id go into a stand-in credential scope, which
    the fake reads as a server reads SigV4's. The client's emitter gets the fake's
    ``before-send`` handler.
    """
    fake = _active
    if fake is None or signer._service_id not in SERVICE_IDS:
        return None
    region = region_name or (request.context.get("signing") or {}).get("region") or signer._region_name
    request.headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={_access_key_id(signer._credentials)}/19700101/"
        f"{region}/{SIGNING_NAME}/aws4_request, SignedHeaders=host, {_UNSIGNED}"
    )
    emitter = signer._event_emitter
    if not getattr(emitter, _MARK, False):
        with lock:
            if not getattr(emitter, _MARK, False):
                for event in BEFORE_SEND_EVENTS:
                    emitter.register_first(event, answer, unique_id=f"pytest-migrationhub:{event}")
                setattr(emitter, _MARK, True)
    return fake


def retrying_fake(operation_model: Any) -> Any:
    """The active fake if botocore is deciding on a retry of one of its operations, else None."""
    fake = _active
    if fake is not None and operation_model.service_model.service_id in SERVICE_IDS:
        return fake
    return None


def wait_is_virtual(serving: Any) -> bool:
    """A token bucket never blocks on a request the fake answers: the wait is virtual, as the backoff is.

    Under a frozen clock it would otherwise wait forever.
    """
    return serving is not None and serving is _active


def _access_key_id(credentials: Any) -> str:
    """The access key id of a client's credentials, without refreshing them.

    It names the account the request is for; refreshing (STS, SSO, a
    credential process) could reach for the network, and the key is all the
    fake needs. No secret is read.
    """
    if credentials is None:
        return "-"
    fields = vars(credentials)
    return fields.get("access_key") or fields.get("_access_key") or "-"


def _taken_over(request: Any) -> bool:
    auth = request.headers.get("Authorization")
    if isinstance(auth, bytes):
        auth = auth.decode("latin-1")
    return isinstance(auth, str) and auth.endswith(_UNSIGNED)


def answerer(response_class: Any, raw_class: Any, taken_by: Callable[[], Any]) -> Callable[..., Any]:
    """A ``before-send`` handler: the fake's HTTP response to a Migration Hub request, else ``None``.

    ``taken_by`` gives the fake that signed the request being sent, if one did.
    """

    def answer(request: Any, **kwargs: Any) -> Any:
        fake = _active
        if fake is None:
            # A request the fake took over is never sent as it is (unsigned, with a
            # stand-in scope), even if the fake stopped since it was signed.
            if not _taken_over(request):
                return None
            fake = taken_by()
            if fake is None:
                status, headers, body = error_response(
                    500, "InternalFailure", "the Migration Hub fake stopped while this request was on its way"
                )
                return response_class(request.url, status, headers, raw_class(body))
        target = request.headers.get("X-Amz-Target")
        if target is None:
            return None
        if isinstance(target, bytes):
            target = target.decode("ascii", "replace")
        if not target.startswith(TARGET_PREFIXES):
            return None
        status, headers, body = fake.handle(target, request.body, request.headers)
        return response_class(request.url, status, headers, raw_class(body))

    return answer


def record_sleep(seconds: float) -> None:
    """Keep a retry backoff on the active fake instead of sleeping it."""
    record = _record_delay
    if record is not None:
        record(seconds)
