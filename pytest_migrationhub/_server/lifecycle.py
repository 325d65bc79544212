"""Server mode: the fake behind a real HTTP endpoint that speaks AWS JSON 1.1.

A thin HTTP layer over :meth:`MigrationHubFake.handle`, so that the AWS CLI, a
Java service or a Node.js program can talk to the fake with
``--endpoint-url``, plus a JSON control API under ``/mhub-api/`` that lets a
suite in another language inspect and steer the fake as ``mhub_fake`` does in
Python. Standard library only. The server is four rooms:

* this module: :class:`MigrationHubServer`, its lifecycle (bind, accept, one
  daemon thread per connection, stop) and the environment of its clients;
* :mod:`.routing`: which room answers a request. ``POST /`` with
  ``X-Amz-Target: AWSMigrationHub.<Operation>`` (or
  ``AWSMigrationHubMultiAccountService.<Operation>``) and ``Content-Type:
  application/x-amz-json-1.1`` is answered by the fake, headers unchanged: the
  fake reads region and account from the SigV4 ``Authorization`` header's
  credential scope (signatures are not checked). Anything else gets an
  AWS-shaped JSON error (``{"__type", "Message"}``) and never takes the
  server down;
* :mod:`.control`: the control API under ``/mhub-api/``, whose writes take
  ``Content-Type: application/json`` only;
* :mod:`.hosts`: what only a web page sends is refused: a ``Host`` other
  than a loopback name, the bound address or an allowed host (DNS rebinding),
  and a write with a foreign ``Origin``;
* :mod:`.http11`: HTTP/1.1 itself: keep-alive, framing, limits, 408s.

Every connection is served by its own daemon thread, kept alive between
requests (HTTP/1.1), and closed after ``timeout`` seconds without a byte from
the client. Stopping the server closes every connection at once.
"""

from __future__ import annotations

import errno
import functools
import os
import selectors
import socket
import sys
import sysconfig
import threading
import time
import traceback
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._core import DEFAULT_HOME_REGION, ENDPOINT_VARIABLES, MigrationHubFakeError
from .control import ControlAPI
from .hosts import WILDCARD_LOOPBACK, HostCheck, allowed_host_names
from .routing import Answer, RequestHandler, RoutingListener

if TYPE_CHECKING:
    from .._fake import MigrationHubFake

#: the largest request body the server reads, in bytes (1 MiB); larger ones get 413
MAX_BODY = 1 << 20
#: seconds a connection may stay silent (before or between requests) before it is closed
DEFAULT_TIMEOUT = 60.0
#: what the subprocess environment of ``client_env()`` signs with
DUMMY_ACCESS_KEY_ID = "testing"
DUMMY_SECRET_ACCESS_KEY = "testing"
#: how HomeRegionNotSetException tells a client of the server to set a home region
HOME_REGION_HINT = 'on this server: PUT /mhub-api/home-region with {"home_region": "us-west-2"}'


class MigrationHubServer:
    """A real HTTP endpoint answering AWS JSON 1.1 requests with a Migration Hub fake.

    ``fake`` is the :class:`MigrationHubFake` that answers; it need not be
    started (starting it only matters to clients in this process). Binds
    ``host`` (loopback by default) and ``port`` (0: an ephemeral port).
    Requests are answered when their ``Host`` names a loopback address,
    ``localhost``, the bound address or one of ``allowed_hosts`` (``"*"``:
    any), whatever the port: a web page reaching it by DNS rebinding is not.

    Use it as a context manager, or with :meth:`start` and :meth:`stop`::

        with MigrationHubServer(fake) as server:
            subprocess.run(["aws", "mgh", "list-progress-update-streams"],
                           env=server.client_env(), check=True)
    """

    def __init__(
        self,
        fake: MigrationHubFake,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_body: int = MAX_BODY,
        verbose: bool = False,
        answer: Answer | None = None,
        allowed_hosts: Iterable[str] = (),
    ) -> None:
        #: Host names answered besides the loopback ones (and the bound address)
        self.allowed_hosts = allowed_host_names(allowed_hosts)
        #: the Host names answered, settled when the server binds
        self.hosts = HostCheck(self.allowed_hosts, "localhost")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise MigrationHubFakeError(f"port must be 0 (any free port) to 65535; got {port!r}.")
        if not timeout > 0:
            raise MigrationHubFakeError(f"timeout must be a number of seconds above 0; got {timeout!r}.")
        self.fake = fake
        self.timeout = float(timeout)
        self.max_body = int(max_body)
        self.verbose = verbose
        #: answers one API request: (target, body, headers) -> (status, headers, body)
        self.answer: Answer = (
            answer if answer is not None else functools.partial(fake.handle, home_region_hint=HOME_REGION_HINT)
        )
        self.control = ControlAPI(fake)
        #: the files the fake hands out by URL (export zips, import error reports), served here
        self.downloads = fake.downloads
        self._requested = (host, port)
        self._lock = threading.Lock()
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._httpd: RoutingListener | None = None
        self._thread: threading.Thread | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None
        self._closing = False

    # --- where it listens -------------------------------------------------------------

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return self._bound()[0]

    @property
    def port(self) -> int:
        return self._bound()[1]

    @property
    def endpoint_url(self) -> str:
        """``http://HOST:PORT``, to pass as ``--endpoint-url`` or ``endpoint_url=``.

        A server listening on every address (``0.0.0.0``, ``::``) gives out the
        loopback one: a wildcard is no address to connect to, nor a Host it answers.
        """
        host, port = self._bound()
        host = WILDCARD_LOOPBACK.get(host, host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def _bound(self) -> tuple[str, int]:
        if self._httpd is None:
            raise MigrationHubFakeError("The Migration Hub server is not started; call start() first.")
        return self._httpd.server_name, self._httpd.server_port

    def client_env(
        self,
        *,
        region: str | None = None,
        access_key_id: str = DUMMY_ACCESS_KEY_ID,
        base: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """An environment for a subprocess client (AWS CLI, SDKs) of this server.

        A copy of ``base`` (default ``os.environ``) without any ``AWS_*``
        variable, plus: ``AWS_ENDPOINT_URL_MIGRATION_HUB``,
        ``AWS_ENDPOINT_URL_MIGRATIONHUB_CONFIG`` and
        ``AWS_ENDPOINT_URL_APPLICATION_DISCOVERY_SERVICE`` (this server; every other
        service keeps its usual endpoint), dummy credentials
        (``testing``/``testing``; a 12-digit ``access_key_id`` is the account
        the requests are made as), ``AWS_DEFAULT_REGION`` (``region``, default
        the fake's home region, else ``us-west-2``), no configuration files, no
        instance metadata look-ups, no pager. This interpreter's scripts
        directory goes first on ``PATH``, so the ``aws`` installed beside
        pytest-migrationhub is the one found.
        """
        env = {k: v for k, v in (os.environ if base is None else base).items() if not k.startswith("AWS_")}
        if region is None:
            region = self.fake.home_region or DEFAULT_HOME_REGION
        scripts = sysconfig.get_path("scripts")
        path = env.get("PATH", os.defpath)
        if scripts and scripts not in path.split(os.pathsep):
            path = scripts + os.pathsep + path
        env.update(
            {
                "PATH": path,
                **dict.fromkeys(ENDPOINT_VARIABLES.values(), self.endpoint_url),
                "AWS_ACCESS_KEY_ID": access_key_id,
                "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
                "AWS_DEFAULT_REGION": region,
                "AWS_REGION": region,
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_PAGER": "",
            }
        )
        return env

    def accepts_host(self, value: str) -> bool:
        """Whether a request with ``Host: value`` is answered (any port)."""
        return self.hosts.accepts(value)

    def __repr__(self) -> str:
        where = self.endpoint_url if self._httpd is not None else "not started"
        return f"<MigrationHubServer {where} {self.fake!r}>"

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> MigrationHubServer:
        """Bind and start serving in background threads; returns the server."""
        if self._httpd is not None:
            raise MigrationHubFakeError("This Migration Hub server is already started.")
        host, port = self._requested
        host = host.strip("[]")  # "[::1]" as in a URL
        try:
            family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        except socket.gaierror as error:
            raise MigrationHubFakeError(f"Cannot listen on {host!r}: {error}.") from None
        self._closing = False
        self._httpd = RoutingListener((host, port), family, self)
        self.hosts = HostCheck(self.allowed_hosts, self._httpd.server_name)
        self._httpd.socket.setblocking(False)
        self._wake = socket.socketpair()
        self._thread = threading.Thread(
            target=self._accept_loop,
            name=f"mhub-server-{self._httpd.server_port}",
            daemon=True,
        )
        self._thread.start()
        self.downloads.serve_at(self.endpoint_url)
        return self

    def stop(self) -> None:
        """Stop listening and close every connection; waits (briefly) for their threads."""
        httpd, thread, wake = self._httpd, self._thread, self._wake
        if httpd is None or thread is None or wake is None:
            return
        self.downloads.serve_at(None)
        with self._lock:
            self._closing = True
            connections = list(self._connections.items())
        try:
            wake[1].send(b"x")
        except OSError:  # pragma: no cover - the pair is ours and open
            pass
        thread.join(timeout=5)
        httpd.server_close()
        for sock, _ in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + 2.0
        for _, handler in connections:
            handler.join(timeout=max(0.0, deadline - time.monotonic()))
        for end in wake:
            end.close()
        self._httpd = self._thread = self._wake = None

    def __enter__(self) -> MigrationHubServer:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        assert self._httpd is not None and self._wake is not None
        listener, wake = self._httpd.socket, self._wake[0]
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ, "accept")
            selector.register(wake, selectors.EVENT_READ, "wake")
            while True:
                for key, _ in selector.select():
                    if key.data == "wake":
                        return
                    try:
                        sock, address = listener.accept()
                    except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                        continue
                    except OSError as error:
                        if error.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                            continue  # out of descriptors for now: the client will wait
                        raise
                    self._spawn(sock, address)

    def _spawn(self, sock: socket.socket, address: Any) -> None:
        handler = threading.Thread(
            target=self._serve_connection,
            args=(self._httpd, sock, address),
            name=f"mhub-server-conn-{address[1] if isinstance(address, tuple) else address}",
            daemon=True,
        )
        with self._lock:
            if self._closing:
                sock.close()
                return
            self._connections[sock] = handler
        handler.start()

    def _serve_connection(self, httpd: RoutingListener, sock: socket.socket, address: Any) -> None:
        try:
            sock.setblocking(True)
            RequestHandler(sock, address, httpd)
        except (TimeoutError, ConnectionError):
            pass  # the client went away, or the server is closing the connection
        except OSError as error:
            if not self._closing:
                print(f"mhub server: connection from {address}: {error}", file=sys.stderr)
        except Exception:  # a bug: report it, keep serving the others
            traceback.print_exc(file=sys.stderr)
        finally:
            with self._lock:
                self._connections.pop(sock, None)
            httpd.shutdown_request(sock)
