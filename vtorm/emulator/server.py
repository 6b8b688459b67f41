"""A real threaded HTTP server for the emulator, on loopback by default.

Built on `wsgiref`, with two changes: one thread per request (so concurrent clients are
served concurrently and meet at the store's lock), and a `DropConnection` from the app
closes the socket without writing a byte, which is what a client sees when a server dies.
"""

from __future__ import annotations

import socketserver
import sys
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from vtorm.emulator.faults import DropConnection
from vtorm.emulator.limits import MAX_REQUEST_HEAD
from vtorm.wire import WEBSERVICE_PATH

__all__ = ["RunningServer", "ThreadedWSGIServer", "make_server"]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Handler(ServerHandler):
    """Turns DropConnection into silence instead of wsgiref's 500 page."""

    dropped = False

    def handle_error(self) -> None:
        if isinstance(sys.exc_info()[1], DropConnection):
            self.dropped = True
            return
        super().handle_error()


class _RequestHandler(WSGIRequestHandler):
    """wsgiref's request handler with quiet logging and real connection drops."""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def handle(self) -> None:
        # the real server reads request lines up to its head limit, then drops the connection
        self.raw_requestline = self.rfile.readline(MAX_REQUEST_HEAD + 1)
        if len(self.raw_requestline) > MAX_REQUEST_HEAD or not self.parse_request():
            return
        handler = _Handler(
            self.rfile, self.wfile, self.get_stderr(), self.get_environ(),  # type: ignore[arg-type]
            multithread=True, multiprocess=False,
        )  # fmt: skip
        handler.request_handler = self  # type: ignore[attr-defined]
        handler.run(self.server.get_app())  # type: ignore[attr-defined]
        if handler.dropped:
            self.close_connection = True


class ThreadedWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """A WSGI server answering each request in its own daemon thread."""

    daemon_threads = True
    allow_reuse_address = True


def make_server(app: WSGIApp, host: str = "127.0.0.1", port: int = 0) -> ThreadedWSGIServer:
    """A bound (not yet serving) server; port 0 picks a free one."""
    server = ThreadedWSGIServer((host, port), _RequestHandler)
    server.set_app(app)
    return server


class RunningServer:
    """A server running in a background thread; a context manager that stops it on exit."""

    def __init__(
        self,
        app: WSGIApp,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "admin",
        access_key: str = "",
        emulator: Any = None,
    ) -> None:
        self.httpd = make_server(app, host, port)
        self.username = username
        self.access_key = access_key
        #: The emulator being served, when started by `Emulator.serve()` (typed Any: naming
        #: the Emulator class here would make the package and this module import each other).
        self.emulator = emulator
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def host(self) -> str:
        return str(self.httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        """The full webservice URL, `http://127.0.0.1:PORT/webservice.php`."""
        return f"http://{self.host}:{self.port}{WEBSERVICE_PATH}"

    def start(self) -> RunningServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningServer:
        return self.start() if not self._thread.is_alive() else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
