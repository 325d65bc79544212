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

aiobotocore has its own signer, endpoint, sleep and token bucket: ``_hook_aio``
patches them with the same decisions, which this module holds. The machinery
that applies a table and undoes it is ``_patching``'s.

Most of what the table names is private to botocore. ``missing_internals()``
lists what the installed botocore lacks of it (the test suite runs it against
every botocore CI installs), and activation refuses with a message naming the
attribute and the botocore version rather than failing obscurely later.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._errors import MigrationHubFakeError
from ._patching import Patch, Read, apply, moved, owner_of, undo_all
from ._wire import BEFORE_SEND_EVENTS, SERVICE_IDS, SIGNING_NAME, TARGET_PREFIXES, error_response

if TYPE_CHECKING:
    from ._fake import MigrationHubFake

#: guards activation and the registration of the answer on a client
lock = threading.RLock()
_active: MigrationHubFake | None = None
#: where the active fake keeps the retry backoff it saves the caller from sleeping
_record_delay: Callable[[float], None] | None = None
#: bumped at every activation; retry state last reset in an older epoch is reset again
_epoch = 0
#: set on a client's event emitter once the fake's handler is registered there
_MARK = "_mhub_answers"
#: what the stand-in signature of a request the fake took over ends with; no real one does
_UNSIGNED = "Signature=unsigned"
_local = threading.local()
#: the value AWS_EC2_METADATA_DISABLED had before activation (None: unset)
_saved_imds: str | None = None
_IMDS = "AWS_EC2_METADATA_DISABLED"


def active() -> MigrationHubFake | None:
    return _active


def activate(fake: MigrationHubFake, record_delay: Callable[[float], None]) -> None:
    """Answer Migration Hub requests with ``fake``; ``record_delay`` keeps each retry backoff not slept."""
    global _active, _epoch, _saved_imds, _record_delay
    from . import _hook_aio

    with lock:
        if _active is not None:
            if _active is fake:
                raise MigrationHubFakeError("This Migration Hub fake is already started.")
            raise MigrationHubFakeError(
                "Another Migration Hub fake is already active; use that one (the mhub_fake "
                "fixture, or the object mock_migrationhub() returned) instead of starting a second."
            )
        _apply_botocore()
        _epoch += 1
        _active, _record_delay = fake, record_delay
        try:
            _hook_aio.watch()
        except BaseException:
            _active, _record_delay = None, None
            undo_all()
            _hook_aio.unwatch()
            raise
        # A client created while the fake is active needs no credentials; without
        # this, botocore would look for some on the EC2 instance metadata service.
        _saved_imds = os.environ.get(_IMDS)
        os.environ[_IMDS] = "true"


def deactivate(fake: MigrationHubFake) -> None:
    global _active
    from . import _hook_aio

    with lock:
        if _active is fake:
            _active = None
            if _saved_imds is None:
                os.environ.pop(_IMDS, None)
            else:
                os.environ[_IMDS] = _saved_imds
            undo_all()
            _hook_aio.unwatch()


def _apply_botocore() -> None:
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


# --- the decisions, shared by the sync and async replacements ------------------


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


class _RawBody:
    """The ``raw`` of a botocore ``AWSResponse``: a body already in memory."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Any:
        yield self._body


def record_sleep(seconds: float) -> None:
    """Keep a retry backoff on the active fake instead of sleeping it."""
    record = _record_delay
    if record is not None:
        record(seconds)


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
