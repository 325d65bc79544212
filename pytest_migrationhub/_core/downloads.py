"""The files a fake hands out by URL (export zips, import error reports), and where they are served.

A URL names its file by a path no one can guess, as a presigned S3 URL does:
``/mhub-api/downloads/<token>/<name>``. A server that wraps the fake serves them
itself (:meth:`Downloads.serve_at`); otherwise the first file published starts
a loopback endpoint of the fake's own, which stops with the fake. Either way a
tool downloads them with any HTTP client, and nothing leaves the machine.
"""

from __future__ import annotations

import http.server
import secrets
import threading
from typing import Any

#: the path every download URL starts with
DOWNLOADS_PREFIX = "/mhub-api/downloads/"
#: how often, in seconds, the fake's own endpoint looks whether it was told to stop: ``close()``
#: (the fixture's teardown) waits up to this long, and socketserver's default is half a second
POLL_SECONDS = 0.02


class Downloads:
    """The files one fake hands out, by the path of their URL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[str, bytes] = {}
        #: where a server that wraps the fake serves them; None: the fake's own endpoint
        self._base: str | None = None
        self._endpoint: http.server.ThreadingHTTPServer | None = None

    def publish(self, name: str, content: bytes) -> str:
        """Hand out ``content`` as the file ``name``; the URL to download it from."""
        path = f"{DOWNLOADS_PREFIX}{secrets.token_urlsafe(16)}/{name}"
        with self._lock:
            self._files[path] = content
            base = self._base or self._own_endpoint()
        return base + path

    def get(self, path: str) -> bytes | None:
        """The content of the file at ``path`` (a URL's path), or ``None``."""
        with self._lock:
            return self._files.get(path)

    def serve_at(self, base_url: str | None) -> None:
        """Name files published from now on under ``base_url`` (a server's endpoint); ``None``: the fake's own."""
        with self._lock:
            self._base = base_url.rstrip("/") if base_url else None

    def clear(self) -> None:
        """Forget every file (their URLs answer 404 from now on)."""
        with self._lock:
            self._files.clear()

    def close(self) -> None:
        """Stop the fake's own endpoint, if it started one."""
        with self._lock:
            endpoint, self._endpoint = self._endpoint, None
        if endpoint is not None:
            endpoint.shutdown()
            endpoint.server_close()

    def _own_endpoint(self) -> str:
        if self._endpoint is None:
            endpoint = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
            endpoint.daemon_threads = True
            threading.Thread(
                target=endpoint.serve_forever, args=(POLL_SECONDS,), name="mhub-downloads", daemon=True
            ).start()
            self._endpoint = endpoint
        host, port = self._endpoint.server_address[:2]
        return f"http://{host!s}:{port}"


def _handler(downloads: Downloads) -> Any:
    class DownloadHandler(http.server.BaseHTTPRequestHandler):
        """Answers ``GET`` of a published file, 404 otherwise; says nothing on stderr."""

        def do_GET(self) -> None:
            content = downloads.get(self.path.split("?", 1)[0])
            if content is None:
                self.send_error(404, "No such file: it was never published, or the fake was reset")
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type(self.path))
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        do_HEAD = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return DownloadHandler


def content_type(path: str) -> str:
    """What a file is, by its name: a zip, or bytes."""
    return "application/zip" if path.split("?", 1)[0].endswith(".zip") else "application/octet-stream"
