"""How the fake sits inside botocore (and aiobotocore).

botocore copies a session's event handlers into each client when the client is
created, so a handler registered when a test starts never reaches a client the
code under test built at import time. The fake therefore wraps a few methods on
botocore's classes instead, once per process, and each wrapper does nothing
unless a fake is active:

* ``RequestSigner.sign``: a Migration Hub request is not signed (no credentials
  are needed, none are used); the region goes into a stand-in credential scope
  so the fake can read it as a server reads SigV4's. The first time a client
  sends a Migration Hub request while a fake is active, the fake's answering
  handler is registered on that client's ``before-send.migration-hub`` (and
  ``before-send.migrationhub-config``) event, ahead of every other handler.
* ``before-send.migration-hub``: the fake answers there with an HTTP response,
  which botocore then parses, checks and retries as it would a real one. A
  more specific event name runs before the plain ``before-send`` handlers, so
  the fake answers before moto's ``mock_aws`` can (moto registers a
  ``before-send`` handler for every service in botocore's ``BUILTIN_HANDLERS``
  and answers Migration Hub, which it does not implement, with a 404).
* ``Endpoint._send``: the transport, the fallback for a request that reached it
  anyway. Other services pay one global read here, nothing more.
* ``Endpoint._needs_retry``: the backoff botocore decides on is recorded on the
  fake instead of slept.
* the standard retry mode's quota and the adaptive mode's token bucket, which
  live inside each client: every fake starts them afresh, and the token bucket
  never blocks on a request the fake answers (under a frozen clock it would
  wait forever).

aiobotocore has its own signer, endpoint, sleep and token bucket. They are
wrapped in the same way, but only if aiobotocore is installed, and only once
its modules are imported by the code that uses them: this module never imports
aiobotocore itself.
"""

from __future__ import annotations

import contextvars
import importlib.util
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Sequence

from ._errors import MigrationHubFakeError

if TYPE_CHECKING:
    from ._fake import MigrationHubFake

_install_lock = threading.Lock()
#: set on each wrapper, so that a class is never wrapped twice
_WRAPPED = "_mhub_wrapper"
_active: Optional["MigrationHubFake"] = None
#: bumped at every activation; retry state last reset in an older epoch is reset again
_epoch = 0
_SERVICE_IDS = frozenset({"Migration Hub", "MigrationHub Config"})
_TARGET_PREFIXES = ("AWSMigrationHub.", "AWSMigrationHubMultiAccountService.")
#: the events the fake answers on: ``before-send.<hyphenized service id>``
_BEFORE_SEND = ("before-send.migration-hub", "before-send.migrationhub-config")
#: set on a client's event emitter once the fake's handler is registered there
_MARK = "_mhub_answers"
_register_lock = threading.Lock()
_local = threading.local()
#: the async counterparts of ``_local.serving`` and ``_local.retrying``: a
#: coroutine's state follows its task, not its thread
_aio_serving: "contextvars.ContextVar[Optional[MigrationHubFake]]" = contextvars.ContextVar(
    "mhub_aio_serving", default=None
)
_aio_retrying: "contextvars.ContextVar[Optional[MigrationHubFake]]" = contextvars.ContextVar(
    "mhub_aio_retrying", default=None
)
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


class _AioRawBody:
    """The ``raw`` of an aiobotocore ``AioAWSResponse``: a body already in memory."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self, *args: Any) -> bytes:
        return self._body

    aread = read


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


def _stand_in_signature(signer: Any, request: Any, region_name: Any) -> None:
    region = (
        region_name
        or (request.context.get("signing") or {}).get("region")
        or signer._region_name
    )
    request.headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={_access_key_id(signer._credentials)}/19700101/"
        f"{region}/mgh/aws4_request, SignedHeaders=host, Signature=unsigned"
    )


def _answer_of(fake: "MigrationHubFake", request: Any) -> Any:
    """``(status, headers, body)`` for a Migration Hub request, else ``None``."""
    target = request.headers.get("X-Amz-Target")
    if target is None:
        return None
    if isinstance(target, bytes):
        target = target.decode("ascii", "replace")
    if not target.startswith(_TARGET_PREFIXES):
        return None
    return fake.handle(target, request.body, request.headers)


def _answerer(response_class: Any, raw_class: Any) -> Callable[..., Any]:
    """A ``before-send`` handler: the fake's HTTP response to a Migration Hub request, else ``None``."""

    def answer(request: Any, **kwargs: Any) -> Any:
        fake = _active
        if fake is not None:
            answered = _answer_of(fake, request)
            if answered is not None:
                status, headers, body = answered
                return response_class(request.url, status, headers, raw_class(body))
        return None

    return answer


def _register_answer(emitter: Any, handler: Callable[..., Any]) -> None:
    """Put ``handler`` first on a client's Migration Hub ``before-send`` events."""
    with _register_lock:
        if getattr(emitter, _MARK, False):
            return
        for event in _BEFORE_SEND:
            emitter.register_first(event, handler, unique_id=f"pytest-migrationhub:{event}")
        setattr(emitter, _MARK, True)


def _install() -> None:
    # Checked on the class, not with a flag: a test runner that drops and
    # re-imports botocore (pytester does) gets its new classes wrapped too.
    from botocore.signers import RequestSigner

    if not getattr(RequestSigner.sign, _WRAPPED, False):
        with _install_lock:
            if not getattr(RequestSigner.sign, _WRAPPED, False):
                _patch()
    _watch_aiobotocore()


def _patch() -> None:
    import botocore.endpoint
    from botocore.awsrequest import AWSResponse
    from botocore.endpoint import Endpoint
    from botocore.retries import bucket, standard
    from botocore.signers import RequestSigner

    # The wrapped methods are private: botocore's stubs do not list them.
    endpoint_class: Any = Endpoint
    endpoint_module: Any = botocore.endpoint
    original_sign = RequestSigner.sign
    original_send = endpoint_class._send
    original_needs_retry = endpoint_class._needs_retry
    original_acquire_quota = standard.RetryQuotaChecker.acquire_retry_quota
    original_bucket_acquire = bucket.TokenBucket.acquire

    answer = _answerer(AWSResponse, _RawBody)

    def sign(self: Any, operation_name: str, request: Any, region_name: Any = None, *args: Any, **kwargs: Any) -> Any:
        fake = _active
        if fake is not None and self._service_id in _SERVICE_IDS:
            _local.serving = fake
            _stand_in_signature(self, request, region_name)
            emitter = self._event_emitter
            if not getattr(emitter, _MARK, False):
                _register_answer(emitter, answer)
            return None
        _local.serving = None
        return original_sign(self, operation_name, request, region_name, *args, **kwargs)

    def send(self: Any, request: Any) -> Any:
        response = answer(request)
        return response if response is not None else original_send(self, request)

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

    setattr(sign, _WRAPPED, True)
    RequestSigner.sign = sign  # type: ignore[method-assign]
    endpoint_class._send = send
    endpoint_class._needs_retry = needs_retry
    standard.RetryQuotaChecker.acquire_retry_quota = acquire_retry_quota  # type: ignore[method-assign]
    bucket.TokenBucket.acquire = bucket_acquire  # type: ignore[method-assign]
    endpoint_module.time = _EndpointTime()


# --- aiobotocore ------------------------------------------------------------


class _AioEndpointAsyncio:
    """Stands in for the ``asyncio`` module inside ``aiobotocore.endpoint``.

    aiobotocore sleeps there (``asyncio.sleep``) between two attempts of a call.
    """

    def __getattr__(self, name: str) -> Any:
        import asyncio

        return getattr(asyncio, name)

    async def sleep(self, seconds: float, result: Any = None) -> Any:
        fake = _aio_retrying.get()
        if fake is not None:
            fake._record_delay(seconds)
            return result
        import asyncio

        return await asyncio.sleep(seconds, result)


def _patch_aio_signers(module: Any) -> None:
    from aiobotocore.awsrequest import AioAWSResponse

    signer_class = module.AioRequestSigner
    original_sign = signer_class.sign

    answer = _answerer(AioAWSResponse, _AioRawBody)

    async def sign(self: Any, operation_name: str, request: Any, region_name: Any = None, *args: Any, **kwargs: Any) -> Any:
        fake = _active
        if fake is not None and self._service_id in _SERVICE_IDS:
            _aio_serving.set(fake)
            _stand_in_signature(self, request, region_name)
            emitter = self._event_emitter
            if not getattr(emitter, _MARK, False):
                _register_answer(emitter, answer)
            return None
        if _aio_serving.get() is not None:
            _aio_serving.set(None)
        return await original_sign(self, operation_name, request, region_name, *args, **kwargs)

    signer_class.sign = sign


def _patch_aio_endpoint(module: Any) -> None:
    endpoint_class = module.AioEndpoint
    original_needs_retry = endpoint_class._needs_retry

    async def needs_retry(self: Any, attempts: int, operation_model: Any, *args: Any, **kwargs: Any) -> Any:
        fake = _active
        if fake is not None and operation_model.service_model.service_id in _SERVICE_IDS:
            token = _aio_retrying.set(fake)
            try:
                return await original_needs_retry(self, attempts, operation_model, *args, **kwargs)
            finally:
                _aio_retrying.reset(token)
        return await original_needs_retry(self, attempts, operation_model, *args, **kwargs)

    endpoint_class._needs_retry = needs_retry
    module.asyncio = _AioEndpointAsyncio()
    # The httpx backend's endpoint sleeps with anyio instead.
    anyio_class = getattr(module, "AnyioEndpoint", None)
    if anyio_class is not None and "_sleep" in vars(anyio_class):
        original_sleep = anyio_class._sleep

        async def anyio_sleep(self: Any, seconds: float) -> Any:
            fake = _aio_retrying.get()
            if fake is not None:
                fake._record_delay(seconds)
                return None
            return await original_sleep(self, seconds)

        anyio_class._sleep = anyio_sleep


def _patch_aio_bucket(module: Any) -> None:
    from botocore.exceptions import CapacityNotAvailableError

    bucket_class = module.AsyncTokenBucket
    original_acquire = bucket_class.acquire

    async def acquire(self: Any, amount: int = 1, block: bool = True) -> Any:
        fake = _active
        if fake is not None and _aio_serving.get() is fake:
            try:
                return await original_acquire(self, amount, block=False)
            except CapacityNotAvailableError:
                # The wait is virtual, as the retry backoff is.
                return True
        return await original_acquire(self, amount, block)

    bucket_class.acquire = acquire


#: aiobotocore module -> how to wrap what it defines
_AIO_PATCHES: Dict[str, Callable[[Any], None]] = {
    "aiobotocore.signers": _patch_aio_signers,
    "aiobotocore.endpoint": _patch_aio_endpoint,
    "aiobotocore.retries.bucket": _patch_aio_bucket,
}
_aio_lock = threading.Lock()
#: None: not looked for yet
_aio_installed: Optional[bool] = None


def _patch_aio_module(name: str, module: Any) -> None:
    # Marked on the module: one imported afresh (pytester drops the modules a
    # run imported) is wrapped again.
    with _aio_lock:
        if not module.__dict__.get(_WRAPPED):
            _AIO_PATCHES[name](module)
            module.__dict__[_WRAPPED] = True


class _PatchingLoader:
    """Runs a module's own loader, then wraps what the module defined."""

    def __init__(self, loader: Any, name: str) -> None:
        self._loader = loader
        self._name = name

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        module.__dict__.pop(_WRAPPED, None)  # a reload defines the classes afresh
        self._loader.exec_module(module)
        _patch_aio_module(self._name, module)


class _AioFinder:
    """Wraps aiobotocore's modules as they are imported, and finds nothing itself."""

    @classmethod
    def find_spec(cls, fullname: str, path: Optional[Sequence[str]] = None, target: Any = None) -> Any:
        if fullname not in _AIO_PATCHES:
            return None
        for finder in sys.meta_path:
            if finder is cls:
                continue
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(fullname, path, target) if find_spec is not None else None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader, fullname)
                return spec
        return None


def _watch_aiobotocore() -> None:
    """Wrap aiobotocore's classes now if it is imported, or as soon as it is.

    Costs one look-up per activation for a user without aiobotocore, and never
    imports it.
    """
    global _aio_installed
    if _aio_installed is None:
        _aio_installed = (
            "aiobotocore" in sys.modules or importlib.util.find_spec("aiobotocore") is not None
        )
    if not _aio_installed:
        return
    if _AioFinder not in sys.meta_path:  # pytester, for one, restores sys.meta_path
        sys.meta_path.insert(0, _AioFinder)
    for name in _AIO_PATCHES:
        module = sys.modules.get(name)
        if module is not None and not module.__dict__.get(_WRAPPED):
            _patch_aio_module(name, module)
