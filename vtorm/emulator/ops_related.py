"""The relation operations: relatedtypes, retrieve_related, query_related, add_related."""

from __future__ import annotations

from vtorm.emulator import relations
from vtorm.emulator.operations import Call, operation


@operation("relatedtypes", "GET", ("elementType",))
def relatedtypes(call: Call) -> object:
    return relations.related_types(call.backend, call.str("elementType"))


@operation("retrieve_related", "GET", ("id", "relatedType", "relatedLabel"))
def retrieve_related(call: Call) -> object:
    return relations.retrieve_related(
        call.backend, call.str("id"), call.str("relatedType"), call.str("relatedLabel"),
        call.user(),
    )  # fmt: skip


@operation("query_related", "GET", ("query", "id", "relatedLabel"))
def query_related(call: Call) -> object:
    return relations.query_related(
        call.backend, call.str("query"), call.str("id"), call.str("relatedLabel"), call.user()
    )


@operation("add_related", "POST", ("sourceRecordId", "relatedRecordId", "relationIdLabel"))
def add_related(call: Call) -> object:
    return relations.add_related(
        call.backend,
        call.str("sourceRecordId"),
        call.str("relatedRecordId"),
        call.str("relationIdLabel"),
    )
