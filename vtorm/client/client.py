"""`Client`: the one place in vtorm that speaks HTTP to a Vtiger webservice.

It owns the session (lazy, thread-safe login; one renewal when the server says the session
died), the retry policy (only what is safe to repeat, see `vtorm.client.retry`), the mapping of
answers to the `vtorm.errors` tree, and the secrecy of the access key and session name.

    client = Client("https://crm.example.com", "admin", "KEY")
    rows = client.query("SELECT lastname FROM Contacts LIMIT 5;")
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, tzinfo
from typing import Any, cast

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from typing_extensions import Self

from vtorm.client.auth import (
    InsecureTransportWarning,
    Secret,
    challenge_response,
    install_log_redaction,
    needs_transport_warning,
    normalize_url,
    redact,
    reveal_params,
)
from vtorm.client.envelope import (
    as_dict,
    as_rows,
    element_id,
    encode_element,
    epoch_seconds,
    parse_envelope,
    require_module,
    require_setting,
    require_text,
)
from vtorm.client.login import LOGIN_ATTEMPTS, gate_for, login_delay, may_retry_login
from vtorm.client.results import (
    ConvertLeadResult,
    DescribeResult,
    ListTypesResult,
    LoginInfo,
    RelatedTypesResult,
    SessionInfo,
    SyncResult,
)
from vtorm.client.retry import Failure, RetryPolicy, is_repeatable
from vtorm.client.zones import server_zone
from vtorm.errors import (
    DATA_LOSS_POLICIES,
    AuthenticationFailed,
    ConfigurationError,
    DataLossPolicy,
    InvalidArgument,
    InvalidSession,
    OutcomeUnknown,
    ServerError,
    TransportError,
    VtigerError,
    error_from_envelope,
)
from vtorm.ids import RecordId
from vtorm.wire import POST_OPERATIONS

__all__ = ["Client"]

_log = logging.getLogger("vtorm")

_QUERY_MODULE = re.compile(r"(?i)\bfrom\s+([A-Za-z0-9_]+)")
#: Connections `requests` keeps per host by default (`HTTPAdapter(pool_maxsize=10)`).
_POOL_CONNECTIONS = 10
#: Sends of one operation when its sessions keep dying (see `Client._call`).
_SESSION_ATTEMPTS = 4
_CHARSETS = ("utf8mb3", "utf8mb4")
_ENV_VARIABLES = ("VTIGER_URL", "VTIGER_USERNAME", "VTIGER_ACCESS_KEY")
# Errors a connection can fail with before any byte of the request was sent.
_NOT_SENT_ERRORS = (
    urllib3.exceptions.NewConnectionError,
    urllib3.exceptions.ConnectTimeoutError,
    requests.ConnectTimeout,
)


install_log_redaction()


class _AttemptFailed(Exception):
    """One attempt got no usable answer; the retry loop decides what happens next."""

    def __init__(self, failure: Failure, error: VtigerError) -> None:
        super().__init__(error.message)
        self.failure = failure
        self.error = error


class Client:
    """A typed, resilient client for one Vtiger webservice user.

    `url` is the CRM's base URL or its full `.../webservice.php`. `retries` repeats failed
    requests where that cannot write twice; `backoff` is the first wait in seconds.
    `session` lets you pass a configured `requests.Session` (proxies, adapters, ...).
    `concurrency` is how many requests bulk writes (`bulk_create`, `QuerySet.update()`,
    `QuerySet.delete()`) keep in flight at once; one client may be used from many threads.
    `data_loss` is what model saves do when the server would change a value ("raise",
    "warn" or "allow", see docs/data-loss.md); `charset="utf8mb4"` declares a server
    whose tables keep characters outside the BMP (stock installs are utf8mb3).
    `timezone` is the server's `$default_timezone` (a zone name or tzinfo; default the
    VTIGER_TIMEZONE variable, else UTC): records' datetimes are read and written in it.
    """

    def __init__(
        self,
        url: str,
        username: str,
        access_key: str,
        *,
        timeout: float = 30.0,
        verify: bool | str = True,
        retries: int = 3,
        session: requests.Session | None = None,
        backoff: float = 0.5,
        concurrency: int = 8,
        data_loss: DataLossPolicy = "raise",
        charset: str = "utf8mb3",
        timezone: str | tzinfo | None = None,
    ) -> None:
        self.url = normalize_url(url)
        #: The server's time zone, in which datetimes travel (see `vtorm.client.zones`).
        self.timezone = server_zone(timezone)
        self.username = require_setting(username, "username")
        self._access_key = Secret(require_setting(access_key, "access_key"))
        if needs_transport_warning(self.url):
            warnings.warn(
                f"{self.url} is plain http:// to another machine: the session travels "
                "unencrypted. Use https://.",
                InsecureTransportWarning,
                stacklevel=2,
            )
        if retries < 0 or backoff < 0:
            raise InvalidArgument(f"retries and backoff must be >= 0, not {retries}, {backoff}")
        if data_loss not in DATA_LOSS_POLICIES:
            raise InvalidArgument(
                f"data_loss must be one of {DATA_LOSS_POLICIES}, not {data_loss!r}"
            )
        if charset not in _CHARSETS:
            raise InvalidArgument(f"charset must be one of {_CHARSETS}, not {charset!r}")
        self.data_loss: DataLossPolicy = data_loss
        self.charset = charset
        self.timeout = timeout
        self.verify = verify
        self._policy = RetryPolicy(retries=retries, base=backoff)
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise InvalidArgument(f"concurrency must be an integer >= 1, not {concurrency!r}")
        self.concurrency = concurrency
        self._http = session if session is not None else _pooled_session(concurrency)
        self._owns_http = session is None
        self._auth: tuple[Secret, int] | None = None  # (session name, login generation)
        self._generation = 0
        self._login_lock = threading.RLock()
        self._gate = gate_for(self.url, self.username)
        self._state_lock = threading.Lock()
        self._describe_cache: dict[str, DescribeResult] = {}
        self._request_count = 0
        self._on_close: list[Callable[[], None]] = []
        self.user_id: str | None = None
        self.vtiger_version: str | None = None

    @classmethod
    def from_env(cls, **options: Any) -> Self:
        """A client configured by VTIGER_URL, VTIGER_USERNAME and VTIGER_ACCESS_KEY."""
        values = {name: os.environ.get(name, "").strip() for name in _ENV_VARIABLES}
        missing = [name for name, value in values.items() if not value]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            raise ConfigurationError(
                f"{' and '.join(missing)} {verb} not set: vtorm needs VTIGER_URL, "
                "VTIGER_USERNAME and VTIGER_ACCESS_KEY to connect"
            )
        return cls(*values.values(), **options)

    def __repr__(self) -> str:
        state = "logged in" if self._auth is not None else "not logged in"
        return f"<Client {self.url} user={self.username!r} {state}>"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def request_count(self) -> int:
        """HTTP requests this client has sent (every attempt counts): for tests and benchmarks."""
        return self._request_count

    @property
    def is_logged_in(self) -> bool:
        """Whether the client holds a session (which the server may still have dropped)."""
        return self._auth is not None

    def close(self) -> None:
        """Log out (ignoring failures: the session dies on its own) and release connections."""
        try:
            self.logout()
        except VtigerError as error:
            _log.debug("logout on close failed: %s", error)
        if self._owns_http:
            self._http.close()
        callbacks, self._on_close = self._on_close, []
        for callback in callbacks:
            callback()

    # Sessions -------------------------------------------------------------------------

    def login(self) -> LoginInfo:
        """Log in now (other methods do it lazily) and return who the server says we are."""
        with self._login_lock:
            return self._login_locked()

    def logout(self) -> None:
        """End the session on the server; a session the server already forgot is fine."""
        with self._login_lock:
            auth, self._auth = self._auth, None
        if auth is None:
            return
        params: dict[str, str | Secret] = {"operation": "logout", "sessionName": auth[0]}
        try:
            self._exchange("logout", params, None)
        except InvalidSession:
            _log.debug("logout: the session had already ended")

    def extend_session(self) -> SessionInfo:
        """Keep the session alive (`extendsession`); the session name stays private."""
        result = self._call("extendsession", {})
        info = as_dict(result, "extendsession")
        session = _take_session(info)
        if session is not None:
            with self._login_lock:
                self._auth = (session, self._generation)
        return cast(SessionInfo, info)

    def _login_locked(self) -> LoginInfo:
        """Challenge and login inside this user's gate, repeating only a likely lost race."""
        key = self._access_key
        with self._gate.held() as host_locked:
            for attempt in range(1, LOGIN_ATTEMPTS + 1):
                try:
                    info = self._adopt_login(self._exchange("login", self._login_params(), None))
                except AuthenticationFailed as error:
                    proven = self._gate.proven(key)
                    if not may_retry_login(
                        error.code, proven=proven, host_locked=host_locked, attempt=attempt
                    ):
                        raise
                    delay = login_delay(attempt, self._policy.rng, self._policy.base / 10)
                    _log.debug("login: %s, likely a lost race; again in %.3fs", error.code, delay)
                    time.sleep(delay)
                else:
                    self._gate.prove(key)
                    return info
        raise AssertionError("unreachable")

    def _login_params(self) -> dict[str, str | Secret]:
        """A fresh challenge, answered: the login form (its `accessKey` is a one-off hash)."""
        challenge = self._exchange(
            "getchallenge", {"operation": "getchallenge", "username": self.username}, None
        )
        token = as_dict(challenge, "getchallenge").get("token")
        if not isinstance(token, str) or not token:
            raise ServerError("getchallenge answered without a token", operation="getchallenge")
        return {
            "operation": "login",
            "username": self.username,
            "accessKey": Secret(challenge_response(token, self._access_key.reveal())),
        }

    def _adopt_login(self, result: object) -> LoginInfo:
        info = as_dict(result, "login")
        session = _take_session(info)
        if session is None:
            raise ServerError("login answered without a session name", operation="login")
        self._generation += 1
        self._auth = (session, self._generation)
        self.user_id = info.get("userId")
        self.vtiger_version = info.get("vtigerVersion")
        _log.debug("logged in as %s (user %s)", self.username, self.user_id)
        return cast(LoginInfo, info)

    def _session(self) -> tuple[Secret, int]:
        auth = self._auth
        if auth is None:
            with self._login_lock:
                if self._auth is None:
                    self._login_locked()
                auth = self._auth
        assert auth is not None
        return auth

    def _renew(self, generation: int) -> int | None:
        """Log in again unless another thread already replaced session `generation`;
        the new generation when this call logged in, else None."""
        with self._login_lock:
            if self._generation != generation:  # renewed meanwhile
                return None
            self._login_locked()
            return self._generation

    # Metadata -------------------------------------------------------------------------

    def list_types(self, field_types: Iterable[str] | None = None) -> ListTypesResult:
        """The modules and entity types this user may use, optionally only those with a
        field of one of `field_types` (e.g. `["email"]`)."""
        params: dict[str, str] = {}
        if field_types is not None:
            names = [field_types] if isinstance(field_types, str) else list(field_types)
            if not all(isinstance(name, str) and name for name in names):
                raise InvalidArgument(f"field_types must be type names, not {names!r}")
            params["fieldTypeList"] = json.dumps(names)
        return cast(ListTypesResult, as_dict(self._call("listtypes", params), "listtypes"))

    def describe(self, module: str) -> DescribeResult:
        """The module's schema, fetched once per client (shared: do not modify it)."""
        require_module(module)
        cached = self._describe_cache.get(module)
        if cached is not None:
            return cached
        result = as_dict(self._call("describe", {"elementType": module}, module), "describe")
        with self._state_lock:
            return self._describe_cache.setdefault(module, cast(DescribeResult, result))

    def invalidate_cache(self) -> None:
        """Forget cached schemas, e.g. after adding custom fields."""
        with self._state_lock:
            self._describe_cache.clear()

    def related_types(self, module: str) -> RelatedTypesResult:
        """The modules related to `module`, and the relations keyed by label."""
        require_module(module)
        result = self._call("relatedtypes", {"elementType": module}, module)
        return cast(RelatedTypesResult, as_dict(result, "relatedtypes"))

    # Records --------------------------------------------------------------------------

    def create(self, module: str, element: Mapping[str, Any]) -> dict[str, Any]:
        """Create a record and return it as the server stored it.

        Never repeated after the request may have reached the server: if the answer is
        lost, `OutcomeUnknown` says so, and the record may exist.
        """
        require_module(module)
        params = {"elementType": module, "element": encode_element(element)}
        return as_dict(self._call("create", params, module), "create")

    def retrieve(self, id: str) -> dict[str, Any]:
        """One record by id."""
        record_id = RecordId(id)
        return as_dict(self._call("retrieve", {"id": record_id}, record_id), "retrieve")

    def update(self, element: Mapping[str, Any]) -> dict[str, Any]:
        """Replace a record: `element` needs its `id` and every mandatory field."""
        record_id = element_id(element)
        params = {"element": encode_element(element)}
        return as_dict(self._call("update", params, record_id), "update")

    def revise(self, element: Mapping[str, Any]) -> dict[str, Any]:
        """Change only the fields in `element` (plus its `id`)."""
        record_id = element_id(element)
        params = {"element": encode_element(element)}
        return as_dict(self._call("revise", params, record_id), "revise")

    def delete(self, id: str) -> None:
        """Delete a record (soft delete: sync reports it)."""
        record_id = RecordId(id)
        self._call("delete", {"id": record_id}, record_id)

    def query(self, vtql: str) -> list[dict[str, Any]]:
        """Run one VTQL statement (one request, at most 100 rows) and return the raw rows."""
        require_text(vtql, "vtql")
        match = _QUERY_MODULE.search(vtql)
        module = match.group(1) if match else None
        return as_rows(self._call("query", {"query": vtql}, module), "query")

    def sync(self, modified_time: int | float | datetime, module: str | None = None) -> SyncResult:
        """Records changed and ids deleted after `modified_time` (epoch seconds or a
        datetime; a naive one is server time, in `timezone`)."""
        params = {"modifiedTime": str(epoch_seconds(modified_time, self.timezone))}
        if module is not None:
            require_module(module)
            params["elementType"] = module
        return cast(SyncResult, as_dict(self._call("sync", params, module), "sync"))

    def retrieve_related(
        self, id: str, related_type: str, related_label: str
    ) -> list[dict[str, Any]]:
        """Records of `related_type` related to `id` through the relation `related_label`."""
        record_id = RecordId(id)
        require_module(related_type)
        require_text(related_label, "related_label")
        params = {"id": record_id, "relatedType": related_type, "relatedLabel": related_label}
        return as_rows(self._call("retrieve_related", params, related_type), "retrieve_related")

    def query_related(self, query: str, id: str, related_label: str) -> list[dict[str, Any]]:
        """A VTQL query restricted to records related to `id`.

        The server breaks on a trailing `;` here (unlike `query`), so it is removed.
        """
        require_text(query, "query")
        record_id = RecordId(id)
        require_text(related_label, "related_label")
        statement = query.rstrip().rstrip(";").rstrip()
        params = {"query": statement, "id": record_id, "relatedLabel": related_label}
        match = _QUERY_MODULE.search(statement)
        module = match.group(1) if match else None
        return as_rows(self._call("query_related", params, module), "query_related")

    def add_related(
        self, source_id: str, related_id: str, relation_label: str | None = None
    ) -> None:
        """Relate two records (the server reports success even when no relation matches)."""
        params: dict[str, str] = {
            "sourceRecordId": RecordId(source_id),
            "relatedRecordId": RecordId(related_id),
        }
        if relation_label is not None:
            require_text(relation_label, "relation_label")
            params["relationIdLabel"] = relation_label
        self._call("add_related", params, source_id)

    def convert_lead(self, element: Mapping[str, Any]) -> ConvertLeadResult | None:
        """Convert a lead (`element["leadId"]`); the ids created per module, or None when
        the server created nothing."""
        if not isinstance(element, Mapping) or "leadId" not in element:
            raise InvalidArgument("convert_lead needs an element with a 'leadId'")
        lead_id = RecordId(element["leadId"])
        result = self._call("convertlead", {"element": encode_element(element)}, lead_id)
        return None if result is None else cast(ConvertLeadResult, as_dict(result, "convertlead"))

    # Transport ------------------------------------------------------------------------

    def _call(self, operation: str, params: Mapping[str, str], module: str | None = None) -> Any:
        """Send an operation that needs a session, renewing a dead session once.

        Once means: a session this call logged in for itself is not renewed again. A session
        another thread renewed meanwhile may die too (the server forgets them all at once)
        and is renewed as any other, up to `_SESSION_ATTEMPTS` sends in all.
        """
        mine: int | None = None  # the generation this call logged in, if it did
        for attempt in range(1, _SESSION_ATTEMPTS + 1):
            session, generation = self._session()
            full: dict[str, str | Secret] = {"operation": operation, **params}
            full["sessionName"] = session  # a Secret until the request is being built
            try:
                return self._exchange(operation, full, module)
            except InvalidSession as error:
                if generation == mine or attempt == _SESSION_ATTEMPTS:
                    raise
                _log.debug("%s: session ended (%s); logging in again", operation, error.code)
                mine = self._renew(generation) or mine
        raise AssertionError("unreachable")

    def _exchange(
        self, operation: str, params: Mapping[str, str | Secret], module: str | None
    ) -> Any:
        """Send one operation with retries where repeating it is safe."""
        for attempt in range(1, self._policy.attempts + 1):
            try:
                return self._attempt(operation, params, module, attempt)
            except _AttemptFailed as failed:
                if not self._policy.may_retry(operation, failed.failure, attempt):
                    final = self._final_error(operation, failed)
                    raise final from (None if final is failed.error else failed.error)
                delay = self._policy.delay(attempt)
                _log.debug("%s: %s; retrying in %.2fs", operation, failed.error.message, delay)
                time.sleep(delay)
        raise AssertionError("unreachable")

    def _final_error(self, operation: str, failed: _AttemptFailed) -> VtigerError:
        if is_repeatable(operation, failed.failure):
            return failed.error  # repeatable, but out of attempts
        return OutcomeUnknown(
            f"{operation} may or may not have been carried out ({failed.error.message}); "
            "look the record up before sending it again",
            operation=operation,
            http_status=failed.error.http_status,
        )

    def _attempt(
        self, operation: str, params: Mapping[str, str | Secret], module: str | None, attempt: int
    ) -> Any:
        post = operation in POST_OPERATIONS
        started = time.perf_counter()
        status: int | None = None
        outcome = "ok"
        try:
            response = self._http.request(
                "POST" if post else "GET",
                self.url,
                params=None if post else reveal_params(params),
                data=reveal_params(params) if post else None,
                timeout=self.timeout,
                verify=self.verify,
            )
            status = response.status_code
            return self._read(operation, response)
        except requests.RequestException as exc:
            failed = self._transport_failure(operation, exc)
            outcome = failed.failure.value if isinstance(failed, _AttemptFailed) else "tls"
            raise failed from None  # the original names the URL, session included
        except _AttemptFailed as failed:
            outcome = failed.failure.value
            raise
        except VtigerError as error:
            outcome = str(error.code)
            raise
        finally:
            with self._state_lock:
                self._request_count += 1
            _log.debug(
                "%s module=%s status=%s duration=%.1fms attempt=%d outcome=%s",
                operation,
                module or "-",
                status,
                (time.perf_counter() - started) * 1000,
                attempt,
                outcome,
            )

    def _read(self, operation: str, response: requests.Response) -> Any:
        """The result of an answer, or the mapped error."""
        status = response.status_code
        text = response.content.decode("utf-8", errors="replace")
        envelope = parse_envelope(text)
        if status >= 500 or status == 429 or (envelope is None and status < 400):
            what = "an empty body" if not text.strip() else "a body that is not a JSON envelope"
            error = ServerError(
                f"The server answered HTTP {status} with {what}",
                operation=operation,
                http_status=status,
            )
            raise _AttemptFailed(Failure.BAD_ANSWER, error)
        if envelope is None:
            raise ServerError(
                f"HTTP {status} from {self.url}: is this the Vtiger webservice URL?",
                operation=operation,
                http_status=status,
            )
        if envelope.get("success") is True:
            return envelope.get("result")
        raise error_from_envelope(envelope.get("error"), operation=operation, http_status=status)

    def _transport_failure(
        self, operation: str, exc: requests.RequestException
    ) -> _AttemptFailed | TransportError:
        """What a failed send means: a retry candidate, or (TLS) a final error.

        It returns rather than raises, so no traceback holds a frame whose `exc` names the
        URL with the session in it.
        """
        detail = redact(f"{type(exc).__name__}: {exc}", self._secrets())
        if isinstance(exc, requests.exceptions.SSLError):
            return TransportError(f"TLS failed: {detail}", operation=operation)
        not_sent = any(isinstance(cause, _NOT_SENT_ERRORS) for cause in _causes(exc))
        failure = Failure.NOT_SENT if not_sent else Failure.IN_FLIGHT
        what = "could not connect" if not_sent else "the connection failed"
        return _AttemptFailed(failure, TransportError(f"{what}: {detail}", operation=operation))

    def _secrets(self) -> list[str]:
        auth = self._auth
        secrets = [self._access_key.reveal()]
        return secrets if auth is None else [*secrets, auth[0].reveal()]


def _pooled_session(concurrency: int) -> requests.Session:
    """A session keeping a connection per worker: urllib3's pool holds 10 by default, and
    the connections of more threads than that would be opened and thrown away each time."""
    session = requests.Session()
    if concurrency > _POOL_CONNECTIONS:
        for prefix in ("http://", "https://"):
            session.mount(prefix, HTTPAdapter(pool_maxsize=concurrency))
    return session


def _take_session(info: dict[str, Any]) -> Secret | None:
    """Move the answer's `sessionName` into a tracked `Secret` (None when there is none)."""
    value = info.pop("sessionName", None)
    return Secret(value, track=True) if isinstance(value, str) and value else None


def _causes(exc: BaseException) -> Iterator[object]:
    """`exc` and everything it wraps (requests and urllib3 nest errors in args and .reason)."""
    pending: list[object] = [exc]
    seen: set[int] = set()
    while pending:
        item = pending.pop()
        if id(item) in seen or len(seen) > 20:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, BaseException):
            pending.extend([*item.args, item.__cause__, item.__context__])
            pending.append(getattr(item, "reason", None))
