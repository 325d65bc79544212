"""How the fake sits inside aiobotocore, when the code under test uses it.

aiobotocore has its own signer, endpoint, sleep and token bucket. While a fake
is active they are replaced as botocore's are (see :mod:`.sync`), with the same
decisions (:mod:`.decisions`), and put back when it stops: only if aiobotocore is installed, and
only once its modules are imported by the code that uses them. This module never
imports aiobotocore itself.
"""

from __future__ import annotations

import contextvars
import importlib.util
import sys
from collections.abc import Sequence
from typing import Any

from .decisions import (
    Answering,
    active,
    answerer,
    lock,
    record_sleep,
    retrying_fake,
    take_over_signing,
    wait_is_virtual,
)
from .patching import Patch, apply

#: the async counterparts of the sync hook's thread-local ``serving`` and
#: ``retrying``: a coroutine's state follows its task, not its thread
_serving: contextvars.ContextVar[Answering | None] = contextvars.ContextVar("mhub_aio_serving", default=None)
_retrying: contextvars.ContextVar[Answering | None] = contextvars.ContextVar("mhub_aio_retrying", default=None)


class _AioRawBody:
    """The ``raw`` of an aiobotocore ``AioAWSResponse``: a body already in memory."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self, *args: Any) -> bytes:
        return self._body

    aread = read


def _wrap_aio_sign(original: Any) -> Any:
    from aiobotocore.awsrequest import AioAWSResponse

    answer = answerer(AioAWSResponse, _AioRawBody, _serving.get)

    async def sign(
        self: Any, operation_name: str, request: Any, region_name: Any = None, *args: Any, **kwargs: Any
    ) -> Any:
        fake = take_over_signing(self, request, region_name, answer)
        if fake is not None or _serving.get() is not None:
            _serving.set(fake)
        if fake is not None:
            return None
        return await original(self, operation_name, request, region_name, *args, **kwargs)

    return sign


def _wrap_aio_needs_retry(original: Any) -> Any:
    async def needs_retry(self: Any, attempts: int, operation_model: Any, *args: Any, **kwargs: Any) -> Any:
        fake = retrying_fake(operation_model)
        if fake is None:
            return await original(self, attempts, operation_model, *args, **kwargs)
        token = _retrying.set(fake)
        try:
            return await original(self, attempts, operation_model, *args, **kwargs)
        finally:
            _retrying.reset(token)

    return needs_retry


class _AioEndpointAsyncio:
    """Stands in for the ``asyncio`` module inside ``aiobotocore.endpoint``, where aiobotocore sleeps."""

    def __init__(self, original: Any) -> None:
        self._original = original

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)

    async def sleep(self, seconds: float, result: Any = None) -> Any:
        fake = _retrying.get()
        if fake is not None:
            record_sleep(seconds)
            return result
        return await self._original.sleep(seconds, result)


def _wrap_anyio_sleep(original: Any) -> Any:
    async def anyio_sleep(self: Any, seconds: float) -> Any:
        fake = _retrying.get()
        if fake is not None:
            record_sleep(seconds)
            return None
        return await original(self, seconds)

    return anyio_sleep


def _wrap_aio_bucket_acquire(original: Any) -> Any:
    from botocore.exceptions import CapacityNotAvailableError

    async def acquire(self: Any, amount: int = 1, block: bool = True) -> Any:
        if wait_is_virtual(_serving.get()):
            try:
                return await original(self, amount, block=False)
            except CapacityNotAvailableError:
                return True
        return await original(self, amount, block)

    return acquire


_AIO_OLDEST = "aiobotocore 2.5"

#: everything the fake replaces in aiobotocore while it is active (once aiobotocore is imported)
AIO_PATCHES: tuple[Patch, ...] = (
    Patch(
        "aiobotocore.signers",
        "AioRequestSigner",
        "sign",
        _AIO_OLDEST,
        "an async Migration Hub request is not signed; the fake registers its answer on the client",
        _wrap_aio_sign,
    ),
    Patch(
        "aiobotocore.endpoint",
        "AioEndpoint",
        "_needs_retry",
        _AIO_OLDEST,
        "marks the async retry decision, so that the backoff that follows is recorded instead of slept",
        _wrap_aio_needs_retry,
    ),
    Patch(
        "aiobotocore.endpoint",
        "",
        "asyncio",
        _AIO_OLDEST,
        "aiobotocore sleeps the retry backoff with this module's asyncio.sleep",
        _AioEndpointAsyncio,
    ),
    Patch(
        "aiobotocore.endpoint",
        "AnyioEndpoint",
        "_sleep",
        "aiobotocore's httpx backend",
        "that backend sleeps the retry backoff with anyio",
        _wrap_anyio_sleep,
        optional=True,
    ),
    Patch(
        "aiobotocore.retries.bucket",
        "AsyncTokenBucket",
        "acquire",
        _AIO_OLDEST,
        "the adaptive mode's async token bucket never blocks on a request the fake answers",
        _wrap_aio_bucket_acquire,
    ),
)
_AIO_MODULES: dict[str, tuple[Patch, ...]] = {
    name: tuple(patch for patch in AIO_PATCHES if patch.module == name)
    for name in dict.fromkeys(patch.module for patch in AIO_PATCHES)
}
#: None: not looked for yet
_aio_installed: bool | None = None


def _apply_aio(name: str, module: Any) -> None:
    with lock:
        if active() is not None:
            apply(_AIO_MODULES[name], module, "aiobotocore")


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
    def find_spec(cls, fullname: str, path: Sequence[str] | None = None, target: Any = None) -> Any:
        if fullname not in _AIO_MODULES or active() is None:
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


def watch() -> None:
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


def unwatch() -> None:
    """Stop patching aiobotocore's modules as they are imported."""
    if _AioFinder in sys.meta_path:
        sys.meta_path.remove(_AioFinder)
