"""WSGI routing for `/webservice.php`: what `webservice.php` and `OperationManager` do.

The steps follow the real server (doc §1): read `operation` and `sessionName` from the query
string and body merged (`$_REQUEST`); an unknown operation or a `format` other than json is a
PHP fatal error, so HTTP 500 with an empty body; start the session (a stale `sessionName`
fails even before login); require a session for non-pre-login operations; read the
handler's registered parameters from the query string only (GET operations) or the form body
only (POST operations); run the handler inside one store transaction; wrap the result in the
envelope (`message` before `code`, PHP's `json_encode` escaping).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl

from vtorm.emulator.backend import Backend
from vtorm.emulator.errors import FatalAfterWrite, FatalError, WebserviceError
from vtorm.emulator.faults import DropConnection, Faults, Plan
from vtorm.emulator.jsontext import encode_json, encode_success
from vtorm.emulator.limits import MAX_POST_BODY, MAX_REQUEST_HEAD
from vtorm.emulator.operations import Call, Operation, lookup
from vtorm.wire import WEBSERVICE_PATH, ErrorCode

__all__ = ["RequestRecord", "WebserviceApp"]

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
_STATUS = {200: "200 OK", 404: "404 Not Found", 500: "500 Internal Server Error"}


@dataclass(frozen=True)
class RequestRecord:
    """One request as the emulator saw it (for tests that count requests)."""

    operation: str
    params: Mapping[str, str]
    status: int


@dataclass(frozen=True)
class _Request:
    method: str
    query: dict[str, str]
    body: dict[str, str]
    cookies: dict[str, str]
    arrays: frozenset[str]

    @property
    def merged(self) -> dict[str, str]:
        return {**self.query, **self.body}


class WebserviceApp:
    """The WSGI callable of one emulated server."""

    def __init__(self, backend: Backend, faults: Faults | None = None) -> None:
        self.backend = backend
        self.faults = faults or Faults()
        self.request_log: list[RequestRecord] = []
        self._log_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not str(environ.get("PATH_INFO", "")).endswith(WEBSERVICE_PATH):
            start_response(_STATUS[404], [("Content-Length", "0")])
            return [b""]
        if _head_size(environ) > MAX_REQUEST_HEAD:
            raise DropConnection  # the real server closes the connection without an answer
        if _body_size(environ) > MAX_POST_BODY:
            return self._too_large(environ, start_response)
        request = _read_request(environ)
        plan = self.faults.plan()
        status, body = self._answer(request, plan)
        self._log(request, status)
        if plan.outcome == "drop":
            raise DropConnection
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        start_response(_STATUS[status], headers if body else [("Content-Length", "0")])
        return [body]

    @staticmethod
    def _too_large(environ: Mapping[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """PHP drops an oversized body, finds no operation and dies: HTTP 500, empty body."""
        start_response(_STATUS[500], [("Content-Length", "0")])
        return [b""]

    def _answer(self, request: _Request, plan: Plan) -> tuple[int, bytes]:
        if plan.delay:
            time.sleep(plan.delay)
        if plan.expire_sessions:
            self.backend.sessions.expire_all()
        if plan.outcome in ("http_500", "drop"):
            return 500, b""
        try:
            result = self.dispatch(request)
        except FatalError:
            return 500, b""
        except WebserviceError as error:
            encoded = encode_json(
                {"success": False, "error": {"message": error.message, "code": error.code}}
            )
        else:
            encoded = encode_success(result)
        if plan.outcome == "malformed_json":
            encoded = encoded[: max(1, len(encoded) // 2)]
        return 200, encoded

    def dispatch(self, request: _Request) -> object:
        """Route one request to its handler; raises WebserviceError or FatalError."""
        merged = request.merged
        op = lookup(merged.get("operation", ""))
        if op is None or merged.get("format", "json") not in ("json", ""):
            raise FatalError("unknown operation or format")
        session_id = merged.get("sessionName", "")
        if session_id.lower() == "null":
            session_id = ""
        if op.name == "extendsession":
            return op.handler(self._extend_call(op, request, session_id))
        user_id = self._start_session(request, session_id)
        if user_id is None and not op.pre_login:
            raise WebserviceError(ErrorCode.AUTHENTICATION_REQUIRED, "Authencation required")
        source = request.query if op.method == "GET" else request.body
        if request.arrays & set(op.params):
            raise FatalError("array parameter: TypeError in stripslashes")
        call = Call(
            self.backend, op.read_params(source), user_id, session_id or None,
            request.method, merged, request.body, request.cookies,
        )  # fmt: skip
        crash: FatalAfterWrite | None = None
        with self.backend.store.transaction():
            try:
                return op.handler(call)
            except FatalAfterWrite as late:
                crash = late  # commit what was written before the crash
        raise crash

    def _start_session(self, request: _Request, session_id: str) -> int | None:
        if not session_id:
            return None
        session = self.backend.sessions.get(session_id)
        if session is None or "PHPSESSID" in request.merged:
            raise WebserviceError(
                ErrorCode.INVALID_SESSIONID, "Session Identifier provided is Invalid"
            )
        return session.user_id

    def _extend_call(self, op: Operation, request: _Request, session_id: str) -> Call:
        """extendsession adopts PHPSESSID (param: a fresh empty session), cookie or sessionName."""
        adopted: str | None = None
        if "PHPSESSID" not in request.merged:
            adopted = request.cookies.get("PHPSESSID") or session_id or None
        session = self.backend.sessions.get(adopted) if adopted else None
        user_id = None if session is None else session.user_id
        return Call(
            self.backend, {}, user_id, adopted if session else None,
            request.method, request.merged, request.body, request.cookies,
        )  # fmt: skip

    def _log(self, request: _Request, status: int) -> None:
        record = RequestRecord(request.merged.get("operation", ""), request.merged, status)
        with self._log_lock:
            self.request_log.append(record)

    def clear_request_log(self) -> None:
        """Forget the requests seen so far."""
        with self._log_lock:
            self.request_log.clear()


def _body_size(environ: Mapping[str, Any]) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _head_size(environ: Mapping[str, Any]) -> int:
    """The bytes of the request line and headers, rebuilt from the WSGI environ."""
    query = str(environ.get("QUERY_STRING", ""))
    target = str(environ.get("PATH_INFO", "")) + ("?" + query if query else "")
    line = len(str(environ.get("REQUEST_METHOD", "GET"))) + len(target) + len(" HTTP/1.1\r\n") + 1
    headers = sum(
        len(key) - 5 + len(str(value)) + 4
        for key, value in environ.items()
        if key.startswith("HTTP_")
    )
    return line + headers + 2


def _read_request(environ: Mapping[str, Any]) -> _Request:
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    query_pairs = parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
    body_pairs: list[tuple[str, str]] = []
    if method == "POST":
        body_pairs = _read_body(environ)
    cookie = SimpleCookie()
    cookie.load(str(environ.get("HTTP_COOKIE", "")))
    pairs = query_pairs + body_pairs
    arrays = frozenset(k.split("[", 1)[0] for k, _ in pairs if "[" in k)
    return _Request(
        method,
        {k: v for k, v in query_pairs if "[" not in k},
        {k: v for k, v in body_pairs if "[" not in k},
        {k: m.value for k, m in cookie.items()},
        arrays,
    )


def _read_body(environ: Mapping[str, Any]) -> list[tuple[str, str]]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw: bytes = environ["wsgi.input"].read(length) if length > 0 else b""
    content_type = str(environ.get("CONTENT_TYPE", ""))
    if content_type.startswith("multipart/form-data"):
        return _read_multipart(content_type, raw)
    if content_type and not content_type.startswith("application/x-www-form-urlencoded"):
        return []  # PHP fills $_POST only from form encodings
    return parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)


def _read_multipart(content_type: str, raw: bytes) -> list[tuple[str, str]]:
    import email.parser  # here, not at the top: it costs a cold start about 25 ms
    import email.policy

    header = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + raw)
    pairs: list[tuple[str, str]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            pairs.append((name, payload.decode("utf-8", "replace")))
    return pairs
