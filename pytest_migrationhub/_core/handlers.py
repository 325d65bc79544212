"""What a handler is: the function that does one operation once a request has passed the checks
every operation shares (faults, validation, home region, authorisation, DryRun).

A handler takes a :class:`Context`, the request and what it may use, and
returns the response body, or a :class:`~.records.Kept` record that holds
everything its request said (its body is ``{}``). A refusal raises
:class:`~.errors.ServiceError` with a modelled error code. Each wing keeps its
handlers in a table of its own, filled by the decorator :func:`registrar` makes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .downloads import Downloads
from .paging import Tokens
from .records import Account, Kept


class Services:
    """What the pipeline lends every handler: pagination, text interning, the durations of jobs,
    the files it hands out by URL."""

    __slots__ = ("tokens", "_texts", "seconds", "downloads")

    def __init__(self, seconds: dict[str, float], downloads: Downloads) -> None:
        #: how long each asynchronous job takes on the fake's clock, by the option that sets it
        #: (``"stream_deletion_seconds"``)
        self.seconds = seconds
        #: the files handlers hand out by URL (export zips, import error reports)
        self.downloads = downloads
        self.clear()

    def clear(self) -> None:
        self.tokens = Tokens()
        #: texts many records repeat (status details), each kept once
        self._texts: dict[str, str] = {}

    def intern(self, text: str) -> str:
        return self._texts.setdefault(text, text)


class Context:
    """One request as a handler sees it: its account, operation and body."""

    __slots__ = ("account", "operation", "body", "page_size", "services")

    def __init__(
        self, account: Account, operation: str, body: dict[str, Any], page_size: int, services: Services
    ) -> None:
        self.account = account
        self.operation = operation
        self.body = body
        #: the largest MaxResults the model allows: the page size when none is asked
        self.page_size = page_size
        self.services = services

    def page(
        self,
        key: str,
        scope: str,
        items: list[Any],
        *,
        page_size: int | None = None,
        members: tuple[str, str] = ("MaxResults", "NextToken"),
        error: str = "InvalidInputException",
    ) -> dict[str, Any]:
        """The answer of a listing: the page of ``items`` the request asks for as ``key``, and the
        token of the next page, if any.

        ``scope`` names what is listed (the account is added): a token is refused
        anywhere else. ``members`` names the request's page size and token, and
        ``error`` is what a foreign token gets (see :meth:`Tokens.paginate`).
        """
        scoped = f"{self.account.account_id}:{scope}"
        size = page_size or self.page_size
        page, token = self.services.tokens.paginate(
            self.operation, scoped, self.body, size, items, members=members, error=error
        )
        out: dict[str, Any] = {key: page}
        if token:
            out[members[1]] = token
        return out


Answer = dict[str, Any] | Kept
Handler = Callable[[Context], Answer]


def registrar(table: dict[str, Handler]) -> Callable[[str], Callable[[Handler], Handler]]:
    """A decorator ``@handles("Operation")`` that puts a handler in ``table``."""

    def handles(operation: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            table[operation] = fn
            return fn

        return register

    return handles
