"""Pagination: opaque NextTokens that only the fake that issued them accepts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from .errors import ServiceError


class Tokens:
    """Opaque pagination tokens that this fake alone can have issued."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(16)

    def _mac(self, payload: bytes) -> str:
        return hmac.new(self._key, payload, hashlib.sha256).hexdigest()[:16]

    def encode(self, operation: str, scope: str, offset: int, last: str) -> str:
        payload = json.dumps([operation, scope, offset, last]).encode()
        return base64.b64encode(payload + b"|" + self._mac(payload).encode()).decode()

    def decode(
        self, operation: str, scope: str, token: str, *, member: str = "NextToken", error: str = "InvalidInputException"
    ) -> tuple[int, str]:
        """The offset and last item key a token carries, if this fake issued it for this request."""
        try:
            raw = base64.b64decode(token, validate=True)
            payload, mac = raw.rsplit(b"|", 1)
            op, sc, offset, last = json.loads(payload)
            valid = hmac.compare_digest(mac.decode(), self._mac(payload))
        except Exception:  # any malformed token is simply not one of ours
            valid = False
        if not valid or op != operation or sc != scope:
            raise ServiceError(
                error,
                f"{operation}: {member} {token!r} was not issued for this request; "
                f"pass the {member} of the previous page unchanged",
            )
        return int(offset), str(last)

    def paginate(
        self,
        operation: str,
        scope: str,
        body: dict[str, Any],
        page_size: int,
        items: list[Any],
        *,
        members: tuple[str, str] = ("MaxResults", "NextToken"),
        error: str = "InvalidInputException",
    ) -> tuple[list[Any], str | None]:
        """Cut ``items`` into the page ``body`` asks for, and the token of the next page.

        A token remembers the last item it followed, so a page after items were
        added or removed still starts where the previous one ended. ``scope``
        names what is listed, the account included: a token is refused anywhere else.
        ``members`` names the request's page size and token (ADS spells them
        ``maxResults`` and ``nextToken``); ``error`` is what a foreign token gets.
        """
        size_member, token_member = members
        size = body.get(size_member) or page_size
        start = 0
        token = body.get(token_member)
        if token:
            offset, last = self.decode(operation, scope, token, member=token_member, error=error)
            start = _resume(items, offset, last)
        page = items[start : start + size]
        end = start + len(page)
        next_token = None
        if end < len(items):
            next_token = self.encode(operation, scope, end, _key(page[-1]))
        return page, next_token


def _key(item: Any) -> str:
    return json.dumps(item, sort_keys=True)


def _resume(items: list[Any], offset: int, last: str) -> int:
    if 0 < offset <= len(items) and _key(items[offset - 1]) == last:
        return offset
    for position, item in enumerate(items):
        if _key(item) == last:
            return position + 1
    # The item the token followed is gone: carry on from the same position.
    return min(offset, len(items))
