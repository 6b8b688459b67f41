"""The core operations: authentication, metadata and record CRUD, plus query.

Each handler only reads its parameters and calls the backend; the router (`app.py`) has
already authenticated the session and runs the handler inside one store transaction.
"""

from __future__ import annotations

from typing import Any

from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.operations import Call, operation
from vtorm.emulator.values import php_string
from vtorm.wire import ErrorCode


@operation("getchallenge", "GET", ("username",), pre_login=True)
def getchallenge(call: Call) -> object:
    return call.backend.challenge(call.str("username"))


@operation("login", "POST", ("username", "accessKey"), pre_login=True)
def login(call: Call) -> object:
    return call.backend.login(call.str("username"), call.str("accessKey"), call.session_id)


@operation("extendsession", "POST", (), pre_login=True)
def extendsession(call: Call) -> object:
    """Adopt a session named by cookie or sessionName; succeeds only if it holds a login."""
    if "operation" not in call.post:
        raise WebserviceError(ErrorCode.AUTHENTICATION_REQUIRED, "Authencation required")
    if call.session_id is None or call.user_id is None:
        raise WebserviceError(ErrorCode.AUTHENTICATION_FAILURE, "Authencation Failed")
    return call.backend.session_info(call.session_id, call.user_id)


@operation("logout", "POST", ("sessionName",))
def logout(call: Call) -> object:
    if call.http_method != "POST":
        raise WebserviceError(
            ErrorCode.OPERATION_NOT_SUPPORTED, "Permission to perform the operation is denied"
        )
    session_name = call.str("sessionName")
    if session_name:
        call.backend.sessions.close(session_name)
    return {"message": "successfull"}


@operation("listtypes", "GET", ("fieldTypeList",), encoded=("fieldTypeList",))
def listtypes(call: Call) -> object:
    return call.backend.list_types(call.params.get("fieldTypeList"))


@operation("describe", "GET", ("elementType",))
def describe(call: Call) -> object:
    return call.backend.describe(call.str("elementType"), call.user())


@operation("create", "POST", ("elementType", "element"), encoded=("element",))
def create(call: Call) -> object:
    # 8.0 stores a hidden field sent on create (captured); only the answer leaves it out
    backend, user, module = call.backend, call.user(), call.str("elementType")
    created = backend.records.create(module, call.params.get("element"), user)
    return backend.access.strip(user, module, created)


@operation("retrieve", "GET", ("id",))
def retrieve(call: Call) -> object:
    backend, user = call.backend, call.user()
    backend.access.guard(backend.records, user, call.str("id"), "read")
    return _visible(call, backend.records.retrieve(call.str("id"), user))


@operation("update", "POST", ("element",), encoded=("element",))
def update(call: Call) -> object:
    element = _editable(call)
    return _visible(call, call.backend.records.update(element, call.user()))


@operation("revise", "POST", ("element",), encoded=("element",))
def revise(call: Call) -> object:
    element = _editable(call)
    return _visible(call, call.backend.records.revise(element, call.user()))


@operation("delete", "POST", ("id",))
def delete(call: Call) -> object:
    backend, user = call.backend, call.user()
    backend.access.guard(backend.records, user, call.str("id"), "delete")
    return backend.records.delete(call.str("id"), user)


@operation("query", "GET", ("query",))
def query(call: Call) -> object:
    return call.backend.query_encoded(call.str("query"), call.user())


def _editable(call: Call) -> Any:
    """The element of update/revise, after the user's edit check, without hidden fields."""
    backend, user, element = call.backend, call.user(), call.params.get("element")
    if not isinstance(element, dict) or backend.access.is_admin(user):
        return element
    id_text = php_string(element.get("id", ""))
    backend.access.guard(backend.records, user, id_text, "edit")
    module, _ = backend.records.locate(id_text)
    return backend.access.input(user, module.name, element)


def _visible(call: Call, record: dict[str, Any]) -> dict[str, Any]:
    """A record as the caller may see it (their profile's hidden fields removed)."""
    backend, user = call.backend, call.user()
    if backend.access.is_admin(user) or "id" not in record:
        return record
    module = backend.records.module_of_prefix(str(record["id"]).partition("x")[0])
    return record if module is None else backend.access.strip(user, module.name, record)
