"""The server's time zone as a client setting: `Client(..., timezone="Europe/Berlin")`.

Vtiger writes datetimes as wall-clock text in its `$default_timezone` and says nothing about
it on the wire, so the client must be told. Without the argument, VTIGER_TIMEZONE names it;
without either, UTC (the stock configuration).
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

from vtorm.errors import ConfigurationError

__all__ = ["TIMEZONE_VARIABLE", "server_zone"]

TIMEZONE_VARIABLE = "VTIGER_TIMEZONE"


def server_zone(setting: str | dt.tzinfo | None) -> dt.tzinfo:
    """The zone named by `setting` (an IANA name or a tzinfo), else VTIGER_TIMEZONE, else UTC.

    An unknown name is a `ConfigurationError` naming it, raised before any request.
    """
    if isinstance(setting, dt.tzinfo):
        return setting
    source = "timezone"
    if setting is None:
        setting, source = os.environ.get(TIMEZONE_VARIABLE, "").strip(), TIMEZONE_VARIABLE
        if not setting:
            return dt.timezone.utc
    if not isinstance(setting, str):
        raise ConfigurationError(f"{source} must be a zone name or a tzinfo, not {setting!r}")
    if setting.upper() == "UTC":
        return dt.timezone.utc
    try:
        return zoneinfo.ZoneInfo(setting)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"{source}={setting!r} is not a time zone name like 'Europe/Berlin' "
            "(the $default_timezone of the CRM's config.inc.php)"
        ) from None
