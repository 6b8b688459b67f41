"""Pure helpers for talking to the webservice safely: the login hash, URLs, and secrets.

Nothing here does I/O, so each rule (how the challenge is answered, which URLs are
accepted, what is scrubbed from text) is tested on its own, without a server.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

from vtorm.errors import ConfigurationError
from vtorm.wire import WEBSERVICE_PATH

__all__ = [
    "REDACTED_LOGGERS",
    "InsecureTransportWarning",
    "RedactingFilter",
    "Secret",
    "challenge_response",
    "install_log_redaction",
    "is_local_host",
    "live_secrets",
    "needs_transport_warning",
    "normalize_url",
    "redact",
    "reveal_params",
]

_REDACTED = "<redacted>"
# A sessionName (or PHPSESSID) in a URL or form body, up to the next separator.
_SESSION_PARAM = re.compile(r"(?i)((?:sessionName|PHPSESSID)=)[^&\s\"';,)]+")
# Host names reserved by RFC 2606 / RFC 6761 that never route over the internet.
_LOCAL_SUFFIXES = (".localhost", ".test", ".invalid")


class InsecureTransportWarning(UserWarning):
    """The webservice URL is plain http:// to a host that is not this machine."""


class Secret:
    """A string that never shows itself in `repr()`, `str()` or f-strings.

    >>> key = Secret("abc123")
    >>> str(key), key.reveal()
    ('<redacted>', 'abc123')
    """

    __slots__ = ("__weakref__", "_value")

    def __init__(self, value: str, *, track: bool = False) -> None:
        self._value = value
        if track:  # log records are scrubbed of it for as long as it lives
            with _live_lock:
                _live.add(self)

    def reveal(self) -> str:
        """The secret itself: call this only where it goes on the wire."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({_REDACTED!r})"

    def __str__(self) -> str:
        return _REDACTED

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


_live: weakref.WeakSet[Secret] = weakref.WeakSet()
_live_lock = threading.Lock()

#: Loggers whose records can carry request URLs (urllib3's, requests', vtorm's). A filter
#: on a logger sees only the records created on that very logger, so each is named.
REDACTED_LOGGERS = (
    "vtorm",
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "requests",
)


def live_secrets() -> list[str]:
    """The values of the tracked secrets (session names) still in use."""
    with _live_lock:
        return [secret.reveal() for secret in _live]


def reveal_params(params: Mapping[str, str | Secret]) -> dict[str, str]:
    """The form or query parameters to send, with each `Secret` revealed.

    Called inside the sending expression, so the bare values live only in the HTTP
    library's frames, never in a vtorm local that a traceback with locals would show.
    """
    return {k: v.reveal() if isinstance(v, Secret) else v for k, v in params.items()}


class RedactingFilter(logging.Filter):
    """Scrubs session parameters and every live session name out of a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the handler
            return True
        cleaned = redact(message, live_secrets())
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install_log_redaction() -> None:
    """Put one `RedactingFilter` on each of `REDACTED_LOGGERS` (and urllib3 loggers that exist)."""
    names = {*REDACTED_LOGGERS}
    names.update(
        n for n in logging.root.manager.loggerDict if n.startswith(("urllib3.", "requests."))
    )
    for name in sorted(names):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


def challenge_response(token: str, access_key: str) -> str:
    """What login sends as `accessKey`: lower-case hex `md5(token + access key)`.

    >>> challenge_response("5f2a0c1e3b4d7", "KEY")
    '895fb583743be075a91a882b513eff3b'
    """
    return hashlib.md5((token + access_key).encode("utf-8")).hexdigest()


def normalize_url(url: str) -> str:
    """The webservice endpoint for a CRM base URL or a full `.../webservice.php` URL.

    >>> normalize_url("https://crm.example.com/vtiger/")
    'https://crm.example.com/vtiger/webservice.php'
    >>> normalize_url("https://crm.example.com/webservice.php")
    'https://crm.example.com/webservice.php'
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError("The Vtiger URL is empty: expected e.g. https://crm.example.com")
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"The Vtiger URL {url!r} is not an http:// or https:// URL with a host name"
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            "The Vtiger URL must not contain a user name or password; "
            "pass username and access_key separately"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            f"The Vtiger URL {urlunsplit(parts._replace(query='', fragment=''))!r} "
            "must not carry a query string or fragment"
        )
    path = parts.path.rstrip("/")
    if not path.endswith(WEBSERVICE_PATH):
        path += WEBSERVICE_PATH
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


def is_local_host(host: str) -> bool:
    """Whether traffic to `host` stays on this machine (loopback or a reserved test name)."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(_LOCAL_SUFFIXES):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def needs_transport_warning(url: str) -> bool:
    """Whether `url` sends credentials in clear text over a network."""
    parts = urlsplit(url)
    return parts.scheme == "http" and not is_local_host(parts.hostname or "")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every session parameter value and every given secret replaced.

    >>> redact("GET /webservice.php?operation=query&sessionName=3ca0817", ["KEY"])
    'GET /webservice.php?operation=query&sessionName=<redacted>'
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, _REDACTED)
    return _SESSION_PARAM.sub(lambda match: match.group(1) + _REDACTED, text)
