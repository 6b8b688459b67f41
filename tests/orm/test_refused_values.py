"""Values the compiler must refuse: a typed error naming the value, before any request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.orm.fakes import FakeBackend
from tests.orm.models import Contact
from vtorm import InvalidArgument
from vtorm.client import Client
from vtorm.emulator import Emulator


@pytest.mark.parametrize(
    ("key", "named"),
    [
        (slice(float("inf"), None), "start must be an integer, not inf"),
        (slice("a", None), "start must be an integer, not 'a'"),
        (slice(None, 2.5), "stop must be an integer, not 2.5"),
        (slice(True, None), "start must be an integer, not True"),
        ("a", "indices must be integers or slices, not 'a'"),
        (1.0, "indices must be integers or slices, not 1.0"),
        (False, "indices must be integers or slices, not False"),
    ],
)
def test_slice_bounds_that_are_not_non_negative_integers_are_refused(key: Any, named: str) -> None:
    backend = FakeBackend(rows=[{"lastname": "Smith"}])
    query = Contact.objects.using(backend).all()
    with pytest.raises(InvalidArgument, match=named.replace(".", r"\.")):
        query[key]
    assert backend.calls == []


@pytest.mark.parametrize(
    "value",
    [["Smith", "Jones"], b"Smith", {"name": "Smith"}, object(), ("Smith",), True, {"Smith"}],
)
@pytest.mark.parametrize("lookup", ["lastname", "lastname__gt", "lastname__contains"])
def test_a_string_field_refuses_values_that_are_not_text(lookup: str, value: object) -> None:
    backend = FakeBackend()
    with pytest.raises(InvalidArgument, match=rf"{lookup}: .* is a \w+, not text \(lastname"):
        Contact.objects.using(backend).filter(**{lookup: value})
    with pytest.raises(InvalidArgument, match="not text"):
        Contact.objects.using(backend).filter(lastname__in=["Smith", value])
    assert backend.calls == []


@pytest.mark.parametrize("value", ["Smith", 42, 4.5, Decimal("7.25")])
def test_text_and_numbers_still_compare_with_a_string_field(value: object) -> None:
    text = Contact.objects.filter(lastname=value).explain()
    assert f"WHERE lastname = '{value}' " in text


def test_other_types_keep_their_own_checks() -> None:
    with pytest.raises(InvalidArgument, match="birthday"):
        Contact.objects.filter(birthday=["2020-01-01"])
    when = dt.date(2020, 1, 2)
    assert "birthday = '2020-01-02'" in Contact.objects.filter(birthday=when).explain()


def test_on_the_embedded_server_nothing_is_sent(client: Client, emulator: Emulator) -> None:
    Contact(lastname="Smith").save(using=client)
    before = len(emulator.request_log)
    query = Contact.objects.using(client).all()
    with pytest.raises(InvalidArgument):
        list(query[float("inf") :])  # type: ignore[misc]
    with pytest.raises(InvalidArgument):
        list(query.filter(lastname=["Smith"]))
    assert len(emulator.request_log) == before
    assert [c.lastname for c in query.filter(lastname="Smith")] == ["Smith"]
