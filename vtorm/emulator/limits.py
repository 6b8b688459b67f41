"""Sizes past which a real Vtiger 8.0 (on PHP's built-in web server) refuses or fails a request.

Each was measured once on a real server on 127.0.0.1 (see tests/emulator/test_limits.py).
"""

from __future__ import annotations

__all__ = ["MAX_JSON_DEPTH", "MAX_LITERAL", "MAX_POST_BODY", "MAX_REQUEST_HEAD"]

#: Request line plus headers: a GET with 81,776 bytes of path and query was answered, one byte
#: more and the server closed the connection ("Malformed HTTP request").
MAX_REQUEST_HEAD = 81920
#: A form body of 64 MiB - 10 bytes was read, 64 MiB + 10 bytes gave HTTP 500 with an empty
#: body (PHP discarded the form, so no operation was found: "Unknown operation requested").
MAX_POST_BODY = 64 * 1024 * 1024
#: JSON nested 511 deep decodes; 512 deep decodes to null (as if nothing had been sent).
MAX_JSON_DEPTH = 512
#: The longest quoted VTQL literal, quotes included: `'` + 8189 characters + `'` is lexed, one
#: more is a lexer failure (Vtiger's PCRE-based lexer gives up).
MAX_LITERAL = 8191
