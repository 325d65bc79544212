"""How the fake sits inside botocore.

botocore copies a session's event handlers into each client when the client is
created, so a handler registered when a test starts never reaches a client the
code under test built at import time. While a fake is active, the fake therefore
replaces a few attributes of botocore's classes and modules, all declared in
:data:`PATCHES` below with what each is for, and puts every one back when the
fake stops. Applying or undoing the whole table costs a few microseconds.

The first time a client sends a request for a served service while a fake is
active, the fake's answering handler is registered on that client's
``before-send.migration-hub`` (and ``before-send.migrationhub-config``,
``before-send.application-discovery-service``) event, ahead of every other
handler. The fake answers there with an HTTP response, which botocore then
parses, checks and retries as it would a real one. A more specific event name
runs before the plain ``before-send`` handlers, so the fake answers before
moto's ``mock_aws`` can (moto registers a ``before-send`` handler for every
service and answers Migration Hub, which it does not implement, with a 404).
The handler stays on the client once registered, and does nothing while no
fake is active.

Most of what the table names is private to botocore. :func:`missing_internals`
lists what the installed botocore lacks of it (the test suite runs it against
every botocore CI installs), and activation refuses with a message naming the
attribute and the botocore version rather than failing obscurely later.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any

from .._core import SERVICE_IDS
from . import decisions
from .decisions import answerer, record_sleep, retrying_fake, take_over_signing, wait_is_virtual
from .patching import Patch, Read, apply, moved, owner_of, undo_all

_local = threading.local()


def apply_botocore() -> None:
    """Apply :data:`PATCHES`, all or none."""
    # Looked up at each activation, not once: a test runner that drops and
    # re-imports botocore (pytester does) gets its new classes patched.
    for module_name in dict.fromkeys(patch.module for patch in PATCHES):
        module = importlib.import_module(module_name)
        try:
            apply([patch for patch in PATCHES if patch.module == module_name], module, "botocore")
        except BaseException:
            undo_all()
            raise


def missing_internals() -> list[str]:
    """What the installed botocore lacks of the private attributes the fake relies on, one message each."""
    import botocore
    from botocore.retries import quota, standard
    from botocore.session import Session

    problems = []
    for patch in PATCHES:
        owner = owner_of(patch, importlib.import_module(patch.module))
        if owner is None or not hasattr(owner, patch.name):
            problems.append(moved(patch.path, "botocore", botocore.__version__, patch.why))
    client = Session().create_client(
        "mgh", region_name="us-west-2", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    instances = {
        "RequestSigner": client._request_signer,  # type: ignore[attr-defined]
        "RetryQuotaChecker": standard.RetryQuotaChecker(quota.RetryQuota()),
        "RetryQuota": quota.RetryQuota(),
        "Shape": client.meta.service_model.shape_for("InternalServerError"),
    }
    for read in READS:
        for name in read.names:
            if not hasattr(instances[read.owner], name):
                path = f"{read.module}.{read.owner}().{name}"
                problems.append(moved(path, "botocore", botocore.__version__, read.why))
    return problems


class _RawBody:
    """The ``raw`` of a botocore ``AWSResponse``: a body already in memory."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Any:
        yield self._body


# --- botocore's replacements ---------------------------------------------------


def _sync_answer() -> Callable[..., Any]:
    from botocore.awsrequest import AWSResponse

    return answerer(AWSResponse, _RawBody, lambda: getattr(_local, "serving", None))


def _wrap_sign(original: Any) -> Any:
    answer = _sync_answer()

    def sign(self: Any, operation_name: str, request: Any, region_name: Any = None, *args: Any, **kwargs: Any) -> Any:
        fake = take_over_signing(self, request, region_name, answer)
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
        fake = retrying_fake(operation_model)
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
            record_sleep(seconds)
            return
        self._original.sleep(seconds)


def _wrap_acquire_retry_quota(original: Any) -> Any:
    def acquire_retry_quota(self: Any, context: Any) -> Any:
        epoch = decisions.epoch()
        if decisions.active() is not None and self.__dict__.get("_mhub_epoch") != epoch:
            if context.operation_model.service_model.service_id in SERVICE_IDS:
                # As a freshly created client would have it.
                quota = self._quota
                quota._available_capacity = quota._max_capacity
                self._mhub_epoch = epoch
        return original(self, context)

    return acquire_retry_quota


def _wrap_bucket_acquire(original: Any) -> Any:
    from botocore.retries.bucket import CapacityNotAvailableError

    def acquire(self: Any, amount: int = 1, block: bool = True) -> Any:
        if wait_is_virtual(getattr(_local, "serving", None)):
            try:
                return original(self, amount, block=False)
            except CapacityNotAvailableError:
                return True
        return original(self, amount, block)

    return acquire


_BOTOCORE_OLDEST = "1.12.0 or earlier"
_RETRY_MODES = "1.15.0 (the standard and adaptive retry modes)"

#: everything the fake replaces in botocore while it is active
PATCHES: tuple[Patch, ...] = (
    Patch(
        "botocore.signers",
        "RequestSigner",
        "sign",
        _BOTOCORE_OLDEST,
        "a Migration Hub request is not signed; the fake registers its answer on the client",
        _wrap_sign,
    ),
    Patch(
        "botocore.endpoint",
        "Endpoint",
        "_send",
        _BOTOCORE_OLDEST,
        "the transport: a Migration Hub request that reaches it anyway is answered there",
        _wrap_send,
    ),
    Patch(
        "botocore.endpoint",
        "Endpoint",
        "_needs_retry",
        _BOTOCORE_OLDEST,
        "marks the retry decision, so that the backoff that follows is recorded instead of slept",
        _wrap_needs_retry,
    ),
    Patch(
        "botocore.endpoint",
        "",
        "time",
        _BOTOCORE_OLDEST,
        "botocore sleeps the retry backoff with this module's time.sleep",
        _EndpointTime,
    ),
    Patch(
        "botocore.retries.standard",
        "RetryQuotaChecker",
        "acquire_retry_quota",
        _RETRY_MODES,
        "every fake starts a client's retry quota afresh, so one test's throttling never spends the next's",
        _wrap_acquire_retry_quota,
    ),
    Patch(
        "botocore.retries.bucket",
        "TokenBucket",
        "acquire",
        _RETRY_MODES,
        "the adaptive mode's token bucket never blocks on a request the fake answers",
        _wrap_bucket_acquire,
    ),
)

#: private attributes the replacements read
READS: tuple[Read, ...] = (
    Read(
        "botocore.signers",
        "RequestSigner",
        ("_service_id", "_region_name", "_credentials", "_event_emitter"),
        _BOTOCORE_OLDEST,
        "which service a request is for, its region, its access key id, its client's events",
    ),
    Read(
        "botocore.retries.standard",
        "RetryQuotaChecker",
        ("_quota",),
        _RETRY_MODES,
        "the retry quota a fake starts afresh",
    ),
    Read(
        "botocore.retries.quota",
        "RetryQuota",
        ("_available_capacity", "_max_capacity"),
        _RETRY_MODES,
        "refilling the retry quota",
    ),
    Read(
        "botocore.model",
        "Shape",
        ("_shape_model",),
        _BOTOCORE_OLDEST,
        "an error shape's fault trait, which gives its HTTP status (500) and no public attribute holds",
    ),
)
