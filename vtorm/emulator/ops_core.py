"""The core operations: authentication, metadata and record CRUD, plus query.

Each handler only reads its parameters and calls the backend; the router (`app.py`) has
already authenticated the session and runs the handler inside one store transaction.
"""

from __future__ import annotations

from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.operations import Call, operation
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
    return call.backend.describe(call.str("elementType"))


@operation("create", "POST", ("elementType", "element"), encoded=("element",))
def create(call: Call) -> object:
    backend = call.backend
    return backend.records.create(call.str("elementType"), call.params.get("element"), call.user())


@operation("retrieve", "GET", ("id",))
def retrieve(call: Call) -> object:
    return call.backend.records.retrieve(call.str("id"), call.user())


@operation("update", "POST", ("element",), encoded=("element",))
def update(call: Call) -> object:
    return call.backend.records.update(call.params.get("element"), call.user())


@operation("revise", "POST", ("element",), encoded=("element",))
def revise(call: Call) -> object:
    return call.backend.records.revise(call.params.get("element"), call.user())


@operation("delete", "POST", ("id",))
def delete(call: Call) -> object:
    return call.backend.records.delete(call.str("id"), call.user())


@operation("query", "GET", ("query",))
def query(call: Call) -> object:
    return call.backend.query(call.str("query"))
