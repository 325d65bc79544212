"""Server mode: the fake behind a real HTTP endpoint, for clients in any language.

* :mod:`.lifecycle`: :class:`MigrationHubServer` (bind, accept, a thread per
  connection, stop) and the environment of its clients;
* :mod:`.routing`: which room answers a request: the AWS API, the console, the
  control API, or a clear refusal;
* :mod:`.hosts`: the ``Host`` and ``Origin`` checks that keep web pages out;
* :mod:`.control`: the control API under ``/mhub-api/``, its routes declared
  once on their handlers (:data:`ROUTES`);
* :mod:`.console`: the read-only page at ``GET /`` (``console.html``);
* :mod:`.http11`: HTTP/1.1 itself: keep-alive, framing, limits, 408s.
"""

from __future__ import annotations

from .control import CONTROL_PREFIX, ROUTES, ControlAPI
from .hosts import is_loopback, loopback_warning
from .lifecycle import DEFAULT_TIMEOUT, HOME_REGION_HINT, MAX_BODY, MigrationHubServer

__all__ = [
    "CONTROL_PREFIX",
    "DEFAULT_TIMEOUT",
    "HOME_REGION_HINT",
    "MAX_BODY",
    "ROUTES",
    "ControlAPI",
    "MigrationHubServer",
    "is_loopback",
    "loopback_warning",
]
