"""The emulated server's state and everything operations do with it, without any HTTP.

`Backend` owns the schema, the SQLite `Store`, the `Records` (create/retrieve/update/
revise/delete), the `Sessions` (challenges and logins) and the directory of users, groups and
currencies. Handlers in `ops_*.py` call it and return what it returns; other code (demo data,
tests) can drive it directly::

    backend = Backend(Schema.standard(), access_key="secret")
    with backend.store.transaction():
        account = backend.records.create("Accounts", {"accountname": "Acme",
                                                     "assigned_user_id": "19x1"}, backend.admin_id)
"""

from __future__ import annotations

import hashlib
import secrets
import string
import time
from collections.abc import Callable
from datetime import timezone, tzinfo
from typing import TYPE_CHECKING, Any

from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.inventory_details import TAXES
from vtorm.emulator.jsontext import EncodedRows
from vtorm.emulator.permissions import Access
from vtorm.emulator.records import Records, denied
from vtorm.emulator.schema import Schema
from vtorm.emulator.sessions import Sessions
from vtorm.emulator.storage import Store
from vtorm.emulator.vtql.executor import RowKeeper
from vtorm.wire import ErrorCode

if TYPE_CHECKING:
    from vtorm.emulator.users import User

__all__ = ["API_VERSION", "VTIGER_VERSION", "Backend", "new_access_key"]

API_VERSION = "0.22"
VTIGER_VERSION = "8.0.0"
ADMIN_ID = 1

#: The admin user of a fresh install, as retrieve shows it (access key and password set later).
_ADMIN_DEFAULTS: dict[str, str] = {
    "is_admin": "on", "first_name": "Site", "last_name": "Administrator", "roleid": "H2",
    "email1": "admin@example.com", "status": "Active", "activity_view": "This Week",
    "lead_view": "Today", "hour_format": "12", "end_hour": "23:00", "start_hour": "00:00",
    "is_owner": "1", "date_format": "yyyy-mm-dd", "time_zone": "UTC", "currency_id": "1",
    "currency_grouping_pattern": "123,456,789", "currency_decimal_separator": ".",
    "currency_grouping_separator": ",", "currency_symbol_placement": "$1.0",
    "internal_mailer": "1", "theme": "alphagrey", "language": "en_us",
    "reminder_interval": "1 Minute", "no_of_currency_decimals": "2",
    "truncate_trailing_zeros": "1", "dayoftheweek": "Sunday", "callduration": "5",
    "othereventduration": "5", "calendarsharedtype": "public",
    "default_record_view": "Summary", "leftpanelhide": "0", "defaulteventstatus": "Planned",
    "defaultactivitytype": "Call", "defaultcalendarview": "MyCalendar",
    "defaultlandingpage": "Home", "userlabel": "Site Administrator",
}  # fmt: skip
_GROUPS = (
    (2, "Team Selling", "Group Related to Sales"),
    (3, "Marketing Group", "Group Related to Marketing Activities"),
    (4, "Support Group", "Group Related to providing Support to Customers"),
)
_CURRENCY: dict[str, str] = {
    "currency_name": "USA, Dollars", "currency_code": "USD", "currency_symbol": "$",
    "conversion_rate": "1.00000", "currency_status": "Active", "defaultid": "-11", "deleted": "0",
}  # fmt: skip

#: A stock install's item taxes (vtiger_inventorytaxinfo) besides name, label and rate.
_TAX: dict[str, str] = {
    "deleted": "0", "method": "Simple", "type": "Fixed", "compoundon": "[]", "regions": "[]",
}  # fmt: skip


def new_access_key() -> str:
    """A random 16-character access key like the ones Vtiger generates."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(16))


class Backend:
    """One emulated Vtiger: schema, store, records, sessions and users."""

    admin_id = ADMIN_ID

    def __init__(
        self,
        schema: Schema,
        db: str = ":memory:",
        *,
        username: str = "admin",
        access_key: str | None = None,
        clock: Callable[[], float] = time.time,
        zone: tzinfo = timezone.utc,
    ) -> None:
        self.schema = schema
        self.store = Store(schema, db, clock, zone)
        with self.store.transaction():
            self.store.keeper = RowKeeper(self.store.conn, schema)
        self.records = Records(self.store, schema)
        self.sessions = Sessions(clock)
        #: Roles, profiles, groups, sharing and the users' permissions (permissions.py).
        self.access = Access(schema)
        self.access.add_member(ADMIN_ID, username, "CEO", is_admin=True)
        with self.store.transaction():
            self._seed_directory(username, access_key)

    # -- users --------------------------------------------------------------------------

    def _seed_directory(self, username: str, access_key: str | None) -> None:
        store = self.store
        if "Users" in self.schema and store.fetch_row("Users", ADMIN_ID) is None:
            key = access_key or new_access_key()
            row = {f.name: "" for f in self.schema["Users"].fields if f.name != "id"}
            row.update(_ADMIN_DEFAULTS, user_name=username, accesskey=key)
            row["user_password"] = row["confirm_password"] = _password_hash(key)
            store.insert_row("Users", ADMIN_ID, row)
        elif "Users" in self.schema:
            changes = {"user_name": username}
            if access_key is not None:
                changes["accesskey"] = access_key
            store.update_row("Users", ADMIN_ID, changes)
        if "Groups" in self.schema and store.fetch_row("Groups", 2) is None:
            for group_id, name, description in _GROUPS:
                store.insert_row(
                    "Groups", group_id, {"groupname": name, "description": description}
                )
        if "Currency" in self.schema and store.fetch_row("Currency", 1) is None:
            store.insert_row("Currency", 1, _CURRENCY)
        if "Tax" in self.schema and store.fetch_row("Tax", 1) is None:
            for tax_id, (name, label, percentage) in enumerate(TAXES, start=1):
                store.insert_row("Tax", tax_id, {**_TAX, "taxname": name, "taxlabel": label,
                                                 "percentage": percentage})  # fmt: skip

    def user_row(self, user: User, access_key: str, role_id: str) -> dict[str, str]:
        """The stored Users row of a user added next to the admin (Users > Add User)."""
        row = {f.name: "" for f in self.schema["Users"].fields if f.name != "id"}
        last_name = user.last_name or user.name.capitalize()
        row.update(_ADMIN_DEFAULTS, user_name=user.name, accesskey=access_key, roleid=role_id)
        row.update(
            is_admin="on" if user.is_admin else "off", first_name=user.first_name,
            last_name=last_name, email1=user.email or f"{user.name}@example.com",
            is_owner="0", time_zone=user.time_zone,
            userlabel=f"{user.first_name} {last_name}".strip(),
        )  # fmt: skip
        row["user_password"] = row["confirm_password"] = _password_hash(access_key)
        return row

    def user_by_name(self, username: str) -> dict[str, str] | None:
        """An active or inactive user by case-insensitive user name."""
        if not username:
            return None
        with self.store.lock:
            ids = self.store.conn.execute(
                'SELECT crmid FROM "rec_Users" WHERE lower(user_name) = lower(?)', (username,)
            ).fetchall()
            if not ids:
                return None
            return self.user(int(ids[0][0]))

    def user(self, user_id: int) -> dict[str, str] | None:
        """A user's stored row (with `crmid`)."""
        with self.store.lock:
            return self.store.fetch_row("Users", user_id)

    @property
    def access_key(self) -> str:
        """The admin user's current access key."""
        admin = self.user(ADMIN_ID)
        return "" if admin is None else admin["accesskey"]

    @property
    def username(self) -> str:
        """The admin user's name."""
        admin = self.user(ADMIN_ID)
        return "" if admin is None else admin["user_name"]

    # -- authentication -----------------------------------------------------------------

    def challenge(self, username: str) -> dict[str, Any]:
        """getchallenge: a fresh token for the user."""
        if not username:
            raise WebserviceError(ErrorCode.ACCESS_DENIED, "No username given")
        user = self.user_by_name(username)
        if user is None:
            raise WebserviceError(ErrorCode.ACCESS_DENIED, "username does not exists")
        challenge = self.sessions.challenge(int(user["crmid"]))
        return {
            "token": challenge.token,
            "serverTime": challenge.server_time,
            "expireTime": challenge.expire_time,
        }

    def login(
        self, username: str, access_key_hash: str, session_id: str | None = None
    ) -> dict[str, str]:
        """login: check `md5(token + accesskey)`; open a session (or reuse the one sent)."""
        user = self.user_by_name(username)
        token = None if user is None else self.sessions.live_token(int(user["crmid"]))
        if user is None or token is None:
            raise WebserviceError(
                ErrorCode.INVALID_AUTH_TOKEN, "Specified token is invalid or expired"
            )
        if not user["accesskey"]:
            raise WebserviceError(
                ErrorCode.ACCESSKEY_UNDEFINED, "Access key for the user is undefined"
            )
        expected = hashlib.md5((token + user["accesskey"]).encode("utf-8")).hexdigest()
        if access_key_hash != expected or user["status"] == "Inactive":
            raise WebserviceError(
                ErrorCode.INVALID_USER_CREDENTIALS, "Invalid username or password"
            )
        if session_id is None:
            session_id = self.sessions.open(int(user["crmid"]))
        else:
            self.sessions.rebind(session_id, int(user["crmid"]))
        return self.login_result(user, session_id)

    def login_result(self, user: dict[str, str], session_id: str) -> dict[str, str]:
        """The 14 keys an 8.x login answers with."""
        return {
            "username": user["user_name"],
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "email": user["email1"],
            "time_zone": user["time_zone"],
            "hour_format": user["hour_format"],
            "date_format": user["date_format"],
            "is_admin": user["is_admin"],
            "call_duration": user["callduration"],
            "other_event_duration": user["othereventduration"],
            **self.session_info(session_id, int(user["crmid"])),
        }

    def session_info(self, session_id: str, user_id: int) -> dict[str, str]:
        """The keys login and extendsession share."""
        return {
            "sessionName": session_id,
            "userId": self.records.format_id("Users", user_id),
            "version": API_VERSION,
            "vtigerVersion": VTIGER_VERSION,
        }

    # -- metadata -----------------------------------------------------------------------

    def list_types(self, field_types: Any) -> dict[str, Any]:
        """listtypes, optionally only the modules with a field of one of `field_types`."""
        modules = list(self.schema.modules.values())
        if isinstance(field_types, list) and field_types:
            if len(field_types) > 1:
                raise WebserviceError(
                    ErrorCode.DATABASE_QUERY_ERROR,
                    "An Database error occured while performing the operation",
                )
            wanted = str(field_types[0])
            modules = [
                m for m in modules if m.is_entity and any(f.type == wanted for f in m.fields)
            ]
        return {
            "types": [m.name for m in modules],
            "information": {
                m.name: {"isEntity": m.is_entity, "label": m.label, "singular": m.singular}
                for m in modules
            },
        }

    def describe(self, type_name: str, user_id: int = ADMIN_ID) -> Any:
        """describe: the module's describe payload, without the fields the user's profile hides."""
        module = self.access.schema_for(user_id).modules.get(type_name)
        if module is None:
            raise denied(f" for name : {type_name}")
        return module.describe

    def query(self, text: str, user_id: int = ADMIN_ID) -> list[dict[str, str | None]]:
        """query: run VTQL through the emulator's own executor, as `user_id` sees the data."""
        from vtorm.emulator.vtql.executor import execute_query

        schema, owners = self._query_view(text, user_id)
        with self.store.lock:
            return execute_query(self.store.conn, schema, text, owners)

    def query_encoded(
        self, text: str, user_id: int = ADMIN_ID
    ) -> list[dict[str, str | None]] | EncodedRows:
        """`query` as the operation answers it: a page of rows as the JSON SQLite wrote."""
        from vtorm.emulator.vtql.executor import execute_query_encoded

        schema, owners = self._query_view(text, user_id)
        with self.store.lock:
            return execute_query_encoded(self.store.conn, schema, text, owners)

    def _query_view(
        self, text: str, user_id: int
    ) -> tuple[Schema, Callable[[str], frozenset[int] | None] | None]:
        """The schema `user_id` sees and the owners it may read (None: all, the admin)."""
        if not text:
            raise denied(" for query")
        schema = self.access.schema_for(user_id)
        owners = None if self.access.is_admin(user_id) else self._read_filter(user_id)
        return schema, owners

    def _read_filter(self, user_id: int) -> Callable[[str], frozenset[int] | None]:
        return lambda module: self.access.read_filter(user_id, module)

    def close(self) -> None:
        """Release the database."""
        self.store.close()


def _password_hash(seed: str) -> str:
    """A stand-in for the stored password hash (no password login exists in the webservice)."""
    return "$2y$10$" + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:53]
