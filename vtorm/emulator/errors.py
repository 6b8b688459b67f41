"""How emulator code says "answer with this error".

`WebserviceError` becomes the JSON failure envelope (HTTP 200, `message` before `code`);
`FatalError` becomes what PHP's uncaught errors give: HTTP 500 with an empty body.
"""

from __future__ import annotations


class WebserviceError(Exception):
    """An error the server reports in its envelope: `{"success": false, "error": {...}}`."""

    def __init__(self, code: str | int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class FatalError(Exception):
    """A failure the real server answers with HTTP 500 and an empty body."""


class FatalAfterWrite(FatalError):
    """HTTP 500 with an empty body, raised after the writes that must be kept (PHP died late)."""
