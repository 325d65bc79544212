"""How the fake sits inside botocore.

botocore copies a session's event handlers into each client when the client is
created, so a handler registered when a test starts never reaches a client the
code under test built at import time. The fake therefore wraps a few methods on
botocore's classes instead, once per process, and each wrapper does nothing
unless a fake is active:

* ``RequestSigner.sign``: a Migration Hub request is not signed (no credentials
  are needed, none are used); the region goes into a stand-in credential scope
  so the fake can read it as a server reads SigV4's.
* ``Endpoint._send``: the transport. A Migration Hub request is answered by the
  fake with an HTTP response, which botocore then parses, checks and retries as
  it would a real one.
* ``Endpoint._needs_retry``: the backoff botocore decides on is recorded on the
  fake instead of slept.
* the standard retry mode's quota and the adaptive mode's token bucket, which
  live inside each client: every fake starts them afresh, and the token bucket
  never blocks on a request the fake answers (under a frozen clock it would
  wait forever).
"""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING, Any, Optional

from ._errors import MigrationHubFakeError

if TYPE_CHECKING:
    from ._fake import MigrationHubFake

_install_lock = threading.Lock()
_installed = False
_active: Optional["MigrationHubFake"] = None
#: bumped at every activation; retry state last reset in an older epoch is reset again
_epoch = 0
_SERVICE_IDS = frozenset({"Migration Hub", "MigrationHub Config"})
_TARGET_PREFIXES = ("AWSMigrationHub.", "AWSMigrationHubMultiAccountService.")
_local = threading.local()
#: the value AWS_EC2_METADATA_DISABLED had before activation (None: unset)
_saved_imds: Optional[str] = None
_IMDS = "AWS_EC2_METADATA_DISABLED"


def active() -> Optional["MigrationHubFake"]:
    return _active


def activate(fake: "MigrationHubFake") -> None:
    global _active, _epoch, _saved_imds
    _install()
    with _install_lock:
        if _active is not None:
            if _active is fake:
                raise MigrationHubFakeError("This Migration Hub fake is already started.")
            raise MigrationHubFakeError(
                "Another Migration Hub fake is already active; use that one (the mhub_fake "
                "fixture, or the object mock_migrationhub() returned) instead of starting a second."
            )
        _epoch += 1
        _active = fake
        # A client created while the fake is active needs no credentials; without
        # this, botocore would look for some on the EC2 instance metadata service.
        _saved_imds = os.environ.get(_IMDS)
        os.environ[_IMDS] = "true"


def deactivate(fake: "MigrationHubFake") -> None:
    global _active
    with _install_lock:
        if _active is fake:
            _active = None
            if _saved_imds is None:
                os.environ.pop(_IMDS, None)
            else:
                os.environ[_IMDS] = _saved_imds


class _EndpointTime:
    """Stands in for the ``time`` module inside ``botocore.endpoint``.

    botocore sleeps there, and only there, between two attempts of a call.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    def sleep(self, seconds: float) -> None:
        fake = getattr(_local, "retrying", None)
        if fake is not None:
            fake._record_delay(seconds)
            return
        time.sleep(seconds)


class _RawBody:
    """The ``raw`` of a botocore ``AWSResponse``: a body already in memory."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Any:
        yield self._body


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


def _install() -> None:
    global _installed
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        _patch()
        _installed = True


def _patch() -> None:
    import botocore.endpoint
    from botocore.awsrequest import AWSResponse
    from botocore.endpoint import Endpoint
    from botocore.retries import bucket, standard
    from botocore.signers import RequestSigner

    original_sign = RequestSigner.sign
    original_send = Endpoint._send
    original_needs_retry = Endpoint._needs_retry
    original_acquire_quota = standard.RetryQuotaChecker.acquire_retry_quota
    original_bucket_acquire = bucket.TokenBucket.acquire

    def sign(self: Any, operation_name: str, request: Any, region_name: Any = None, *args: Any, **kwargs: Any) -> Any:
        fake = _active
        if fake is not None and self._service_id in _SERVICE_IDS:
            _local.serving = fake
            region = (
                region_name
                or (request.context.get("signing") or {}).get("region")
                or self._region_name
            )
            request.headers["Authorization"] = (
                f"AWS4-HMAC-SHA256 Credential={_access_key_id(self._credentials)}/19700101/"
                f"{region}/mgh/aws4_request, SignedHeaders=host, Signature=unsigned"
            )
            return None
        _local.serving = None
        return original_sign(self, operation_name, request, region_name, *args, **kwargs)

    def send(self: Any, request: Any) -> Any:
        fake = _active
        if fake is not None:
            target = request.headers.get("X-Amz-Target")
            if target is not None:
                if isinstance(target, bytes):
                    target = target.decode("ascii", "replace")
                if target.startswith(_TARGET_PREFIXES):
                    status, headers, body = fake.handle(target, request.body, request.headers)
                    return AWSResponse(request.url, status, headers, _RawBody(body))
        return original_send(self, request)

    def needs_retry(self: Any, attempts: int, operation_model: Any, *args: Any, **kwargs: Any) -> Any:
        fake = _active
        if fake is not None and operation_model.service_model.service_id in _SERVICE_IDS:
            _local.retrying = fake
            try:
                return original_needs_retry(self, attempts, operation_model, *args, **kwargs)
            finally:
                _local.retrying = None
        return original_needs_retry(self, attempts, operation_model, *args, **kwargs)

    def acquire_retry_quota(self: Any, context: Any) -> Any:
        if _active is not None and self.__dict__.get("_mhub_epoch") != _epoch:
            if context.operation_model.service_model.service_id in _SERVICE_IDS:
                # As a freshly created client would have it.
                quota = self._quota
                quota._available_capacity = quota._max_capacity
                self._mhub_epoch = _epoch
        return original_acquire_quota(self, context)

    def bucket_acquire(self: Any, amount: int = 1, block: bool = True) -> Any:
        if _active is not None and getattr(_local, "serving", None) is _active:
            try:
                return original_bucket_acquire(self, amount, block=False)
            except bucket.CapacityNotAvailableError:
                # The wait is virtual, as the retry backoff is.
                return True
        return original_bucket_acquire(self, amount, block)

    RequestSigner.sign = sign  # type: ignore[method-assign]
    Endpoint._send = send  # type: ignore[method-assign]
    Endpoint._needs_retry = needs_retry  # type: ignore[method-assign]
    standard.RetryQuotaChecker.acquire_retry_quota = acquire_retry_quota  # type: ignore[method-assign]
    bucket.TokenBucket.acquire = bucket_acquire  # type: ignore[method-assign]
    botocore.endpoint.time = _EndpointTime()  # type: ignore[assignment]
