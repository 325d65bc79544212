"""Who may talk to the server: the ``Host`` and ``Origin`` checks that keep web pages out.

A page in a browser can reach a loopback server by DNS rebinding (its own name
resolving to 127.0.0.1) or post to it across sites; neither can happen without
the browser sending a ``Host`` of the page's name or an ``Origin`` of the page.
Clients (curl, the AWS CLI, the SDKs) send neither.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from .._core import MigrationHubFakeError

#: what a Host refusal lists as always answered
LOOPBACK_NAMES = "localhost, 127.0.0.1 (any 127.x.y.z) and [::1]"
#: the methods that may change the fake; any other is a read
WRITES = frozenset({"POST", "PUT", "DELETE", "PATCH"})
_VERDICT_CACHE_SIZE = 64
#: the wildcard addresses a server binds, and the loopback address a client reaches it at
WILDCARD_LOOPBACK = {"0.0.0.0": "127.0.0.1", "::": "::1"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) names only this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def has_valid_port(value: str) -> bool:
    """Whether a ``Host`` header's port, if it has one, is digits only (``port = *DIGIT``, RFC 7230).

    A bracketed IPv6 address may be followed by ``:port``; a name or an IPv4
    address by one colon and the port. A bare IPv6 address has no port to check.
    """
    value = value.strip()
    if value.startswith("["):
        rest = value.partition("]")[2]
        if not rest:
            return True
        if not rest.startswith(":"):
            return False
        port = rest[1:]
    elif value.count(":") == 1:
        port = value.split(":", 1)[1]
    else:
        return True
    return port == "" or (port.isascii() and port.isdigit())


def host_name(value: str) -> str:
    """The name in a ``Host`` header or an allowed host: no port, no brackets, lower case."""
    name = value.strip()
    if name.startswith("["):
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    name = name.rstrip(".").lower()
    try:
        return ipaddress.ip_address(name).compressed
    except ValueError:
        return name


def loopback_warning(host: str) -> str | None:
    """The warning to print when binding to ``host``, or ``None`` for a loopback address."""
    if is_loopback(host):
        return None
    return (
        f"warning: listening on {host}, which is not a loopback address: anything that can reach "
        "this machine can call the fake and its control API (no authentication)."
    )


def allowed_host_names(allowed_hosts: Iterable[str]) -> tuple[str, ...]:
    """``allowed_hosts`` as host names, or a :class:`MigrationHubFakeError` saying what they should be."""
    hosts = allowed_hosts if isinstance(allowed_hosts, str) else list(allowed_hosts)
    if isinstance(hosts, str) or not all(
        isinstance(h, str) and h.strip() and not any(c in h for c in "/ \t@") for h in hosts
    ):
        raise MigrationHubFakeError(
            "allowed_hosts must be a list of host names such as ['mhub.internal'] (no scheme), "
            f"or ['*'] for any; got {allowed_hosts!r}."
        )
    return tuple(host_name(h) for h in hosts)


class HostCheck:
    """The ``Host`` names one bound server answers: loopback ones, the bound address, the allowed."""

    def __init__(self, allowed: tuple[str, ...], bound: str) -> None:
        bound = host_name(bound)
        wildcard = bound in ("0.0.0.0", "::")
        self.accepted: frozenset[str] = frozenset(allowed) | (
            frozenset() if wildcard or is_loopback(bound) else {bound}
        )
        self._verdicts: dict[str, bool] = {}

    def accepts(self, value: str) -> bool:
        """Whether a request with ``Host: value`` is answered (any port)."""
        verdict = self._verdicts.get(value)
        if verdict is None:
            name = host_name(value)
            verdict = is_loopback(name) or name in self.accepted or "*" in self.accepted
            if len(self._verdicts) < _VERDICT_CACHE_SIZE:
                self._verdicts[value] = verdict
        return verdict

    def answered(self) -> str:
        """The names answered, as a refusal lists them."""
        extra = sorted(self.accepted)
        return f"{LOOPBACK_NAMES}, {', '.join(extra)}" if extra else LOOPBACK_NAMES

    def refusal(self, method: str, path: str, hosts: list[str], origin: str | None) -> tuple[int, str, str] | None:
        """Why a request with these ``Host`` headers and ``Origin`` is refused: ``(status, code, message)``,
        or ``None``."""
        for host in hosts:
            if not has_valid_port(host):
                # HTTP/1.1 answers a malformed Host with 400 (RFC 7230, section 5.4).
                return (
                    400,
                    "BadRequestException",
                    f"Host {host!r} is malformed: a port follows the host name after one colon, digits only "
                    "(localhost:8080, [::1]:8080); send the Host header as HTTP/1.1 defines it",
                )
            if not self.accepts(host):
                name = host_name(host)
                advice = (
                    f"reach it at {WILDCARD_LOOPBACK[name]} instead: {name} is where a server listens, "
                    "not an address a client can name"
                    if name in WILDCARD_LOOPBACK
                    else f"if {name!r} is yours, allow it with serve --allow-host {name} "
                    f"(in Python: MigrationHubServer(..., allowed_hosts=[{name!r}]))"
                )
                return (
                    403,
                    "ForbiddenException",
                    f"Host {host!r} is not a name this server answers to: it answers "
                    f"{self.answered()}, so that a web page cannot reach it under a name of "
                    f"its own; {advice}",
                )
        if origin is not None and method in WRITES:
            own = {f"http://{h.strip().lower()}" for h in hosts}
            if origin.strip().lower() not in own:
                return (
                    403,
                    "ForbiddenException",
                    f"{method} {path} came from the web page at {origin!r}: "
                    "this server takes no cross-site writes; send the request without an Origin "
                    "header, as curl, the AWS CLI and the SDKs do",
                )
        return None
