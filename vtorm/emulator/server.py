"""A real threaded HTTP server for the emulator, on loopback by default.

Built on `wsgiref`, with these changes: one thread per connection (so concurrent clients
are served concurrently and meet at the store's lock); HTTP/1.1 keep-alive, as Apache
answers a real Vtiger's clients (a `requests.Session` then reuses one connection instead of
connecting for every request), with Nagle's algorithm off so an answer is never held back
waiting for an ACK; and a `DropConnection` from the app closes the socket without writing a
byte, which is what a client sees when a server dies. Stopping the server closes the
connections still open.
"""

from __future__ import annotations

import contextlib
import io
import socket
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
_POLL = 0.05


class _Body(io.RawIOBase):
    """The request body as the app reads it, counting what it consumed: a connection is
    kept alive only when the body was read to its end (else the rest would be read as
    the next request)."""

    def __init__(self, stream: io.BufferedIOBase, length: int) -> None:
        super().__init__()
        self._stream = stream
        self.left = length

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        return self._take(self._stream.read, size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._take(self._stream.readline, size)

    def _take(self, reader: Callable[[int], bytes], size: int | None) -> bytes:
        """At most `size` bytes (all that is left when None or negative) of the body."""
        if size is None or size < 0 or size > self.left:
            size = self.left
        data = reader(size) if size else b""
        self.left -= len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Handler(ServerHandler):
    """Turns DropConnection into silence instead of wsgiref's 500 page."""

    #: Whether the whole answer was written (else the connection is not reused).
    completed = False

    def finish_response(self) -> None:
        super().finish_response()
        self.completed = True

    def cleanup_headers(self) -> None:
        super().cleanup_headers()
        body = self.get_stdin()
        if isinstance(body, _Body) and body.left:  # unread body: this connection ends here
            self.headers["Connection"] = "close"  # type: ignore[attr-defined]

    def handle_error(self) -> None:
        if isinstance(sys.exc_info()[1], DropConnection):
            return
        super().handle_error()


class _RequestHandler(WSGIRequestHandler):
    """wsgiref's request handler with quiet logging, keep-alive and real connection drops."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = 1 << 18  # one send for the head and a page of rows (unbuffered: one per line)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)  # type: ignore[attr-defined]

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)  # type: ignore[attr-defined]

    def handle(self) -> None:
        self.close_connection = True
        self._handle_request()
        while not self.close_connection:
            self._handle_request()

    def _handle_request(self) -> None:
        self.close_connection = True
        try:
            # the real server reads request lines up to its head limit, then drops the connection
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_HEAD + 1)
        except OSError:
            return  # the client went away, or the server is stopping
        if len(self.raw_requestline) > MAX_REQUEST_HEAD or not self.parse_request():
            self.close_connection = True
            return
        keep_alive = not self.close_connection
        body = self._body()
        handler = _Handler(
            body or self.rfile, self.wfile, self.get_stderr(), self.get_environ(),  # type: ignore[arg-type]
            multithread=True, multiprocess=False,
        )  # fmt: skip
        handler.request_handler = self  # type: ignore[attr-defined]
        if keep_alive:
            handler.http_version = "1.1"
        handler.run(self.server.get_app())  # type: ignore[attr-defined]
        reusable = keep_alive and handler.completed and not (body and body.left)
        self.close_connection = not reusable

    def _body(self) -> _Body | None:
        """The body reader; None (and the connection closes) for bodies it cannot delimit."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            return None
        return _Body(self.rfile, max(length, 0))


class ThreadedWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """A WSGI server answering each request in its own daemon thread."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def track(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(connection)

    def close_connections(self) -> None:
        """End the kept-alive connections (a stopped server answers nothing more)."""
        with self._open_lock:
            open_now = list(self._open)
        for connection in open_now:
            with contextlib.suppress(OSError):  # already closed by its client
                connection.shutdown(socket.SHUT_RDWR)


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
            target=self.httpd.serve_forever, kwargs={"poll_interval": _POLL}, daemon=True
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
        """Stop serving and release the port, at once: the serve loop polls for the stop
        every `_POLL` seconds, so knocks (connections) wake it up before that."""
        if self._thread.is_alive():
            stopping = threading.Thread(target=self.httpd.shutdown, daemon=True)
            stopping.start()
            while stopping.is_alive():
                self._knock()
                stopping.join(0.005)
        self.httpd.close_connections()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def _knock(self) -> None:
        with contextlib.suppress(OSError):  # the loop may have stopped listening already
            socket.create_connection((self.host, self.port), timeout=0.1).close()

    def __enter__(self) -> RunningServer:
        return self.start() if not self._thread.is_alive() else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
