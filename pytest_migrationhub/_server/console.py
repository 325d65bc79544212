"""The read-only console at ``GET /``: one self-contained page, shipped as package data.

The page (``console.html``) polls the control API's read routes and inserts
every value as text. It is served with a Content-Security-Policy that lets it
run its own script (by hash) and talk to this server only: nothing else loads.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from importlib import resources

#: the paths the console answers (GET and HEAD)
CONSOLE_PATHS = frozenset({"/", "/console"})
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@functools.lru_cache(maxsize=1)
def console_page() -> tuple[dict[str, str], bytes]:
    """The page's headers and body, read once."""
    body = resources.files(__package__).joinpath("console.html").read_bytes()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _SCRIPT.findall(body.decode())
    )
    policy = (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
    return headers, body
