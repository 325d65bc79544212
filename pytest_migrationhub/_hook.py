"""How the fake sits inside botocore (and aiobotocore).

botocore copies a session's event handlers into each client when the client is
created, so a handler registered when a test starts never reaches a client the
code under test built at import time. While a fake is active, the fake therefore
replaces a few attributes of botocore's classes and modules, all declared in
:data:`PATCHES` below with what each is for, and puts every one back when the
fake stops. Applying or undoing the whole table costs a few microseconds.

The first time a client sends a Migration Hub request while a fake is active,
the fake's answering handler is registered on that client's
``before-send.migration-hub`` (and ``before-send.migrationhub-config``) event,
ahead of every other handler. The fake answers there with an HTTP response,
which botocore then parses, checks and retries as it would a real one. A more
specific event name runs before the plain ``before-send`` handlers, so the fake
answers before moto's ``mock_aws`` can (moto registers a ``before-send`` handler
for every service and answers Migration Hub, which it does not implement, with a
404). The handler stays on the client once registered, and does nothing while
no fake is active.

aiobotocore has its own signer, endpoint, sleep and token bucket, patched in the
same way with the same decisions, but only if aiobotocore is installed and only
once its modules are imported by the code that uses them: this module never
imports aiobotocore itself.

Most of what the table names is private to botocore. ``missing_internals()``
lists what the installed botocore lacks of it (the test suite runs it against
every botocore CI installs), and activation refuses with a message naming the
attribute and the botocore version rather than failing obscurely later.
"""

from __future__ import annotations

import contextvars
import importlib
import importlib.util
import os
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

from ._errors import MigrationHubFakeError
from ._wire import SERVICE_IDS, TARGET_PREFIXES

if TYPE_CHECKING:
    from ._fake import MigrationHubFake

_lock = threading.RLock()
_active: Optional["MigrationHubFake"] = None
#: bumped at every activation; retry state last reset in an older epoch is reset again
_epoch = 0
#: the events the fake answers on: ``before-send.<hyphenized service id>``
_BEFORE_SEND = ("before-send.migration-hub", "before-send.migrationhub-config")
#: set on a client's event emitter once the fake's handler is registered there
_MARK = "_mhub_answers"
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
    with _lock:
        if _active is not None:
            if _active is fake:
                raise MigrationHubFakeError("This Migration Hub fake is already started.")
            raise MigrationHubFakeError(
                "Another Migration Hub fake is already active; use that one (the mhub_fake "
                "fixture, or the object mock_migrationhub() returned) instead of starting a second."
            )
        _apply_botocore()
        _epoch += 1
        _active = fake
        try:
            _watch_aiobotocore()
        except BaseException:
            _active = None
            _undo_all()
            raise
        # A client created while the fake is active needs no credentials; without
        # this, botocore would look for some on the EC2 instance metadata service.
        _saved_imds = os.environ.get(_IMDS)
        os.environ[_IMDS] = "true"


def deactivate(fake: "MigrationHubFake") -> None:
    global _active
    with _lock:
        if _active is fake:
            _active = None
            if _saved_imds is None:
                os.environ.pop(_IMDS, None)
            else:
                os.environ[_IMDS] = _saved_imds
            _undo_all()
            if _AioFinder in sys.meta_path:
                sys.meta_path.remove(_AioFinder)


# --- the table ---------------------------------------------------------------


@dataclass(frozen=True)
class Patch:
    """One attribute the fake replaces while it is active."""

    #: the module that holds it
    module: str
    #: the class in ``module`` that holds it, or "" for an attribute of the module
    owner: str
    name: str
    #: the first release known to have it (the package itself needs botocore 1.34.0)
    since: str
    why: str
    #: the replacement, made from the original
    wrap: Callable[[Any], Any]
    #: absent in some releases, and then left alone
    optional: bool = False

    @property
    def path(self) -> str:
        return ".".join(part for part in (self.module, self.owner, self.name) if part)


@dataclass(frozen=True)
class Read:
    """Private attributes of botocore's objects that the fake reads without replacing them."""

    module: str
    owner: str
    names: Tuple[str, ...]
    since: str
    why: str


#: what has been replaced and how to put it back: (owner, name, saved, replacement);
#: ``saved`` is ``_INHERITED`` when the owner did not hold the attribute itself
_applied: List[Tuple[Any, str, Any, Any]] = []
_INHERITED = object()


def _owner(patch: Patch, module: Any) -> Any:
    return getattr(module, patch.owner, None) if patch.owner else module


def _moved(patch_path: str, library: str, version: str, why: str) -> str:
    return (
        f"{library} {version} has no {patch_path}, which pytest-migrationhub relies on ({why}). "
        f"Install the {library} version this pytest-migrationhub release was tested with, "
        f"or a pytest-migrationhub release that supports {library} {version}."
    )


def _apply(patches: Sequence[Patch], module: Any, library: str) -> None:
    """Replace every attribute ``patches`` names in ``module``, or none of them."""
    found = []
    for patch in patches:
        owner = _owner(patch, module)
        if owner is None or not hasattr(owner, patch.name):
            if patch.optional:
                continue
            version = getattr(sys.modules.get(library), "__version__", "?")
            raise MigrationHubFakeError(_moved(patch.path, library, version, patch.why))
        found.append((patch, owner))
    for patch, owner in found:
        replacement = patch.wrap(getattr(owner, patch.name))
        _applied.append((owner, patch.name, vars(owner).get(patch.name, _INHERITED), replacement))
        setattr(owner, patch.name, replacement)


def _undo_all() -> None:
    while _applied:
        owner, name, saved, replacement = _applied.pop()
        # Something patched the same attribute on top of ours: leave both in place
        # (ours does nothing while no fake is active).
        if vars(owner).get(name) is not replacement:
            continue
        if saved is _INHERITED:
            delattr(owner, name)
        else:
            setattr(owner, name, saved)


def _apply_botocore() -> None:
    # Looked up at each activation, not once: a test runner that drops and
    # re-imports botocore (pytester does) gets its new classes patched.
    for module_name in dict.fromkeys(patch.module for patch in PATCHES):
        module = importlib.import_module(module_name)
        try:
            _apply([patch for patch in PATCHES if patch.module == module_name], module, "botocore")
        except BaseException:
            _undo_all()
            raise


def missing_internals() -> List[str]:
    """What the installed botocore lacks of the private attributes the fake relies on, one message each."""
    import botocore
    from botocore.retries import quota, standard
    from botocore.session import Session

    problems = []
    for patch in PATCHES:
        owner = _owner(patch, importlib.import_module(patch.module))
        if owner is None or not hasattr(owner, patch.name):
            problems.append(_moved(patch.path, "botocore", botocore.__version__, patch.why))
    client = Session().create_client(
        "mgh", region_name="us-west-2", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    instances = {
        "RequestSigner": client._request_signer,  # type: ignore[attr-defined]
        "RetryQuotaChecker": standard.RetryQuotaChecker(quota.RetryQuota()),
        "RetryQuota": quota.RetryQuota(),
    }
    for read in READS:
        for name in read.names:
            if not hasattr(instances[read.owner], name):
                path = f"{read.module}.{read.owner}().{name}"
                problems.append(_moved(path, "botocore", botocore.__version__, read.why))
    return problems


# --- the decisions, shared by the sync and async replacements ------------------


def _take_over_signing(signer: Any, request: Any, region_name: Any, answer: Callable[..., Any]) -> Any:
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
        f"{region}/mgh/aws4_request, SignedHeaders=host, Signature=unsigned"
    )
    emitter = signer._event_emitter
    if not getattr(emitter, _MARK, False):
        with _lock:
            if not getattr(emitter, _MARK, False):
                for event in _BEFORE_SEND:
                    emitter.register_first(event, answer, unique_id=f"pytest-migrationhub:{event}")
                setattr(emitter, _MARK, True)
    return fake


def _retrying_fake(operation_model: Any) -> Any:
    """The active fake if botocore is deciding on a retry of one of its operations, else None."""
    fake = _active
    if fake is not None and operation_model.service_model.service_id in SERVICE_IDS:
        return fake
    return None


def _wait_is_virtual(serving: Any) -> bool:
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


def _answerer(response_class: Any, raw_class: Any) -> Callable[..., Any]:
    """A ``before-send`` handler: the fake's HTTP response to a Migration Hub request, else ``None``."""

    def answer(request: Any, **kwargs: Any) -> Any:
        fake = _active
        if fake is None:
            return None
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


def _record_sleep(fake: Any, seconds: float) -> None:
    fake._record_delay(seconds)


# --- botocore's replacements ---------------------------------------------------


def _sync_answer() -> Callable[..., Any]:
    from botocore.awsrequest import AWSResponse

    return _answerer(AWSResponse, _RawBody)


def _wrap_sign(original: Any) -> Any:
    answer = _sync_answer()

    def sign(self: Any, operation_name: str, request: Any, region_name: Any = None, *args: Any, **kwargs: Any) -> Any:
        fake = _take_over_signing(self, request, region_name, answer)
        _local.serving = fake
        if fake is not None:
            return None
        return original(self, operation_name, request, region_name, *args, **kwargs)

    return sign


def _wrap_send(original: Any) -> Any:
    answer = _sync_answer()

    def send(self: Any, request: Any) -> Any:
        response = answer(request)
        return response if response is not None else original(self, request)

    return send


def _wrap_needs_retry(original: Any) -> Any:
    def needs_retry(self: Any, attempts: int, operation_model: Any, *args: Any, **kwargs: Any) -> Any:
        fake = _retrying_fake(operation_model)
        if fake is None:
            return original(self, attempts, operation_model, *args, **kwargs)
        _local.retrying = fake
        try:
            return original(self, attempts, operation_model, *args, **kwargs)
        finally:
            _local.retrying = None

    return needs_retry


class _EndpointTime:
    """Stands in for the ``time`` module inside ``botocore.endpoint``, where botocore sleeps between attempts."""

    def __init__(self, original: Any) -> None:
        self._original = original

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)

    def sleep(self, seconds: float) -> None:
        fake = getattr(_local, "retrying", None)
        if fake is not None:
            _record_sleep(fake, seconds)
            return
        self._original.sleep(seconds)


def _wrap_acquire_retry_quota(original: Any) -> Any:
    def acquire_retry_quota(self: Any, context: Any) -> Any:
        if _active is not None and self.__dict__.get("_mhub_epoch") != _epoch:
            if context.operation_model.service_model.service_id in SERVICE_IDS:
                # As a freshly created client would have it.
                quota = self._quota
                quota._available_capacity = quota._max_capacity
                self._mhub_epoch = _epoch
        return original(self, context)

    return acquire_retry_quota


def _wrap_bucket_acquire(original: Any) -> Any:
    from botocore.retries.bucket import CapacityNotAvailableError

    def acquire(self: Any, amount: int = 1, block: bool = True) -> Any:
        if _wait_is_virtual(getattr(_local, "serving", None)):
            try:
                return original(self, amount, block=False)
            except CapacityNotAvailableError:
                return True
        return original(self, amount, block)

    return acquire


_BOTOCORE_OLDEST = "1.12.0 or earlier"
_RETRY_MODES = "1.15.0 (the standard and adaptive retry modes)"

#: everything the fake replaces in botocore while it is active
PATCHES: Tuple[Patch, ...] = (
    Patch(
        "botocore.signers", "RequestSigner", "sign", _BOTOCORE_OLDEST,
        "a Migration Hub request is not signed; the fake registers its answer on the client",
        _wrap_sign,
    ),
    Patch(
        "botocore.endpoint", "Endpoint", "_send", _BOTOCORE_OLDEST,
        "the transport: a Migration Hub request that reaches it anyway is answered there",
        _wrap_send,
    ),
    Patch(
        "botocore.endpoint", "Endpoint", "_needs_retry", _BOTOCORE_OLDEST,
        "marks the retry decision, so that the backoff that follows is recorded instead of slept",
        _wrap_needs_retry,
    ),
    Patch(
        "botocore.endpoint", "", "time", _BOTOCORE_OLDEST,
        "botocore sleeps the retry backoff with this module's time.sleep",
        _EndpointTime,
    ),
    Patch(
        "botocore.retries.standard", "RetryQuotaChecker", "acquire_retry_quota", _RETRY_MODES,
        "every fake starts a client's retry quota afresh, so one test's throttling never spends the next's",
        _wrap_acquire_retry_quota,
    ),
    Patch(
        "botocore.retries.bucket", "TokenBucket", "acquire", _RETRY_MODES,
        "the adaptive mode's token bucket never blocks on a request the fake answers",
        _wrap_bucket_acquire,
    ),
)

#: private attributes the replacements read
READS: Tuple[Read, ...] = (
    Read(
        "botocore.signers", "RequestSigner", ("_service_id", "_region_name", "_credentials", "_event_emitter"),
        _BOTOCORE_OLDEST, "which service a request is for, its region, its access key id, its client's events",
    ),
    Read(
        "botocore.retries.standard", "RetryQuotaChecker", ("_quota",), _RETRY_MODES,
        "the retry quota a fake starts afresh",
    ),
    Read(
        "botocore.retries.quota", "RetryQuota", ("_available_capacity", "_max_capacity"), _RETRY_MODES,
        "refilling the retry quota",
    ),
)


# --- aiobotocore's replacements ---------------------------------------------------


def _wrap_aio_sign(original: Any) -> Any:
    from aiobotocore.awsrequest import AioAWSResponse

    answer = _answerer(AioAWSResponse, _AioRawBody)

    async def sign(self: Any, operation_name: str, request: Any, region_name: Any = None, *args: Any, **kwargs: Any) -> Any:
        fake = _take_over_signing(self, request, region_name, answer)
        if fake is not None or _aio_serving.get() is not None:
            _aio_serving.set(fake)
        if fake is not None:
            return None
        return await original(self, operation_name, request, region_name, *args, **kwargs)

    return sign


def _wrap_aio_needs_retry(original: Any) -> Any:
    async def needs_retry(self: Any, attempts: int, operation_model: Any, *args: Any, **kwargs: Any) -> Any:
        fake = _retrying_fake(operation_model)
        if fake is None:
            return await original(self, attempts, operation_model, *args, **kwargs)
        token = _aio_retrying.set(fake)
        try:
            return await original(self, attempts, operation_model, *args, **kwargs)
        finally:
            _aio_retrying.reset(token)

    return needs_retry


class _AioEndpointAsyncio:
    """Stands in for the ``asyncio`` module inside ``aiobotocore.endpoint``, where aiobotocore sleeps."""

    def __init__(self, original: Any) -> None:
        self._original = original

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)

    async def sleep(self, seconds: float, result: Any = None) -> Any:
        fake = _aio_retrying.get()
        if fake is not None:
            _record_sleep(fake, seconds)
            return result
        return await self._original.sleep(seconds, result)


def _wrap_anyio_sleep(original: Any) -> Any:
    async def anyio_sleep(self: Any, seconds: float) -> Any:
        fake = _aio_retrying.get()
        if fake is not None:
            _record_sleep(fake, seconds)
            return None
        return await original(self, seconds)

    return anyio_sleep


def _wrap_aio_bucket_acquire(original: Any) -> Any:
    from botocore.exceptions import CapacityNotAvailableError

    async def acquire(self: Any, amount: int = 1, block: bool = True) -> Any:
        if _wait_is_virtual(_aio_serving.get()):
            try:
                return await original(self, amount, block=False)
            except CapacityNotAvailableError:
                return True
        return await original(self, amount, block)

    return acquire


_AIO_OLDEST = "aiobotocore 2.5"

#: everything the fake replaces in aiobotocore while it is active (once aiobotocore is imported)
AIO_PATCHES: Tuple[Patch, ...] = (
    Patch("aiobotocore.signers", "AioRequestSigner", "sign", _AIO_OLDEST, "as botocore's", _wrap_aio_sign),
    Patch(
        "aiobotocore.endpoint", "AioEndpoint", "_needs_retry", _AIO_OLDEST, "as botocore's", _wrap_aio_needs_retry
    ),
    Patch(
        "aiobotocore.endpoint", "", "asyncio", _AIO_OLDEST,
        "aiobotocore sleeps the retry backoff with this module's asyncio.sleep", _AioEndpointAsyncio,
    ),
    Patch(
        "aiobotocore.endpoint", "AnyioEndpoint", "_sleep", "aiobotocore's httpx backend",
        "that backend sleeps the retry backoff with anyio", _wrap_anyio_sleep, optional=True,
    ),
    Patch(
        "aiobotocore.retries.bucket", "AsyncTokenBucket", "acquire", _AIO_OLDEST, "as botocore's",
        _wrap_aio_bucket_acquire,
    ),
)
_AIO_MODULES: Dict[str, Tuple[Patch, ...]] = {
    name: tuple(patch for patch in AIO_PATCHES if patch.module == name)
    for name in dict.fromkeys(patch.module for patch in AIO_PATCHES)
}
#: None: not looked for yet
_aio_installed: Optional[bool] = None


def _apply_aio(name: str, module: Any) -> None:
    with _lock:
        if _active is not None:
            _apply(_AIO_MODULES[name], module, "aiobotocore")


class _PatchingLoader:
    """Runs a module's own loader, then patches what the module defined."""

    def __init__(self, loader: Any, name: str) -> None:
        self._loader = loader
        self._name = name

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        _apply_aio(self._name, module)


class _AioFinder:
    """Patches aiobotocore's modules as they are imported while a fake is active, and finds nothing itself."""

    @classmethod
    def find_spec(cls, fullname: str, path: Optional[Sequence[str]] = None, target: Any = None) -> Any:
        if fullname not in _AIO_MODULES or _active is None:
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
    """Patch aiobotocore's classes now if it is imported, or as soon as it is while the fake is active.

    Costs one look-up per process for a user without aiobotocore, and never imports it.
    """
    global _aio_installed
    if _aio_installed is None:
        _aio_installed = "aiobotocore" in sys.modules or importlib.util.find_spec("aiobotocore") is not None
    if not _aio_installed:
        return
    if _AioFinder not in sys.meta_path:  # pytester, for one, restores sys.meta_path
        sys.meta_path.insert(0, _AioFinder)
    for name in _AIO_MODULES:
        module = sys.modules.get(name)
        if module is not None:
            _apply_aio(name, module)
