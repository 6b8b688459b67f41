"""QuerySet behaviour against a fake backend: paging, slicing, shortcuts, laziness."""

from __future__ import annotations

import pytest

from tests.orm.fakes import FakeBackend, as_default
from tests.orm.models import Contact
from vtorm import ConfigurationError, InvalidArgument, Q, UsageError


def people(count: int) -> FakeBackend:
    return FakeBackend(rows=[{"lastname": f"P{n:04}", "firstname": "x"} for n in range(count)])


def test_querysets_are_lazy_and_immutable() -> None:
    backend = people(3)
    base = Contact.objects.using(backend)
    narrowed = base.filter(lastname="a")
    assert base.explain() == "SELECT * FROM Contacts ORDER BY id LIMIT 100;"
    assert narrowed is not base
    assert backend.calls == []


def test_iteration_walks_ids_and_stops_at_the_first_empty_page() -> None:
    backend = people(250)
    names = [c.lastname for c in Contact.objects.using(backend).all()]
    assert names == [f"P{n:04}" for n in range(250)]
    assert backend.queries == [
        "SELECT * FROM Contacts ORDER BY id LIMIT 100;",
        "SELECT * FROM Contacts WHERE id > '12x100' ORDER BY id LIMIT 100;",
        "SELECT * FROM Contacts WHERE id > '12x200' ORDER BY id LIMIT 100;",
        "SELECT * FROM Contacts WHERE id > '12x250' ORDER BY id LIMIT 100;",
    ]


def test_results_are_cached_per_queryset() -> None:
    backend = people(3)
    query = Contact.objects.using(backend).all()
    assert len(query) == 3
    assert [c.id for c in query] == ["12x1", "12x2", "12x3"]
    assert len(backend.queries) == 2


def test_slices_fetch_exactly_the_rows_asked_for() -> None:
    backend = people(500)
    rows = list(Contact.objects.using(backend).order_by("-id")[250:400])
    assert [r.id for r in rows] == [f"12x{n}" for n in range(250, 100, -1)]
    assert backend.queries == [
        "SELECT * FROM Contacts ORDER BY id DESC LIMIT 250, 100;",
        "SELECT * FROM Contacts ORDER BY id DESC LIMIT 350, 50;",
    ]


def test_unordered_slice_starts_by_offset_then_walks_ids() -> None:
    backend = people(500)
    rows = list(Contact.objects.using(backend).all()[250:400])
    assert [r.id for r in rows] == [f"12x{n}" for n in range(251, 401)]
    assert backend.queries == [
        "SELECT * FROM Contacts ORDER BY id LIMIT 250, 100;",
        "SELECT * FROM Contacts WHERE id > '12x350' ORDER BY id LIMIT 50;",
    ]


def test_index_fetches_one_row() -> None:
    backend = people(20)
    assert Contact.objects.using(backend).all()[7].id == "12x8"
    assert backend.queries == ["SELECT * FROM Contacts ORDER BY id LIMIT 7, 1;"]
    with pytest.raises(IndexError):
        Contact.objects.using(backend).all()[99]


@pytest.mark.parametrize("key", [slice(0, 10, 2)])
def test_unsupported_slices(key: slice | int) -> None:
    with pytest.raises(InvalidArgument):
        Contact.objects.all()[key]


def test_filtering_a_slice_is_refused() -> None:
    with pytest.raises(UsageError, match="sliced"):
        Contact.objects.all()[:5].filter(lastname="x")


def test_iterator_streams_with_its_page_size() -> None:
    backend = people(25)
    ids = [c.id for c in Contact.objects.using(backend).all().iterator(page_size=10)]
    assert len(ids) == len(set(ids)) == 25
    assert len(backend.queries) == 4
    with pytest.raises(InvalidArgument):
        Contact.objects.all().iterator(page_size=101)


def test_count_is_one_request() -> None:
    backend = people(250)
    assert Contact.objects.using(backend).all().count() == 250
    assert backend.queries == ["SELECT count(*) FROM Contacts;"]
    assert Contact.objects.using(backend).all()[10:20].count() == 10
    assert Contact.objects.using(backend).all()[245:].count() == 5


def test_count_falls_back_to_counting_ids_when_the_server_answers_empty() -> None:
    backend = people(150)
    backend.count_rows = []  # Vtiger 8.4
    assert Contact.objects.using(backend).all().count() == 150
    assert backend.queries[1] == "SELECT id FROM Contacts ORDER BY id LIMIT 100;"


def test_exists_first_last() -> None:
    backend = people(5)
    query = Contact.objects.using(backend).all()
    assert query.exists()
    assert backend.queries[-1] == "SELECT id FROM Contacts ORDER BY id LIMIT 1;"
    first, last = query.first(), query.last()
    assert first is not None and first.id == "12x1"
    assert last is not None and last.id == "12x5"
    assert backend.queries[-1] == "SELECT * FROM Contacts ORDER BY id DESC LIMIT 1;"
    empty = FakeBackend()
    assert not Contact.objects.using(empty).exists()
    assert Contact.objects.using(empty).first() is None
    assert Contact.objects.using(empty).last() is None


def test_get_raises_the_models_own_errors() -> None:
    backend = people(3)
    assert Contact.objects.using(backend).get(id="12x2").lastname == "P0001"
    assert backend.queries[-1] == "SELECT * FROM Contacts WHERE id = '12x2' ORDER BY id LIMIT 2;"
    with pytest.raises(Contact.DoesNotExist):
        Contact.objects.using(FakeBackend()).get(lastname="nobody")
    with pytest.raises(Contact.MultipleObjectsReturned):
        Contact.objects.using(backend).get()


def test_in_bulk_maps_ids_to_records() -> None:
    backend = people(5)
    found = Contact.objects.using(backend).in_bulk(["12x2", "12x4", "12x9"])
    assert sorted(found) == ["12x2", "12x4"]
    assert found["12x4"].lastname == "P0003"  # type: ignore[index]


def test_values_and_values_list() -> None:
    backend = people(3)
    query = Contact.objects.using(backend).all()
    assert list(query.values("lastname")[:2]) == [{"lastname": "P0000"}, {"lastname": "P0001"}]
    assert backend.queries[-1] == "SELECT lastname FROM Contacts ORDER BY id LIMIT 2;"
    assert query.values_list("id", "lastname")[0] == ("12x1", "P0000")
    assert list(query.values_list("lastname", flat=True)) == ["P0000", "P0001", "P0002"]
    assert query.values()[0]["firstname"] == "x"
    with pytest.raises(InvalidArgument):
        query.values_list("id", "lastname", flat=True)


def test_split_in_lists_are_merged_by_id_without_duplicates() -> None:
    backend = people(1500)
    wanted = [f"12x{n}" for n in range(1500, 0, -2)]
    rows = list(Contact.objects.using(backend).filter(id__in=wanted))
    assert len(backend.queries) > 2
    assert [r.id for r in rows] == sorted(wanted, key=lambda i: int(i[3:]))


def test_a_false_condition_sends_nothing() -> None:
    backend = people(3)
    assert list(Contact.objects.using(backend).none().filter(lastname="x")) == []
    assert Contact.objects.none().explain() == ""
    assert list(Contact.objects.using(backend).filter(Q(id__in=[]))) == []
    assert Contact.objects.using(backend).filter(id__in=[]).count() == 0
    assert backend.calls == []


def test_the_default_client_is_looked_up_when_the_query_runs() -> None:
    """Building a query needs no connection and sends nothing; running it uses the default."""
    backend = people(2)
    query = Contact.objects.all()  # built before any default exists
    with as_default(backend):
        assert backend.calls == []
        assert len(query) == 2
        assert backend.queries[0] == "SELECT * FROM Contacts ORDER BY id LIMIT 100;"
    with pytest.raises(ConfigurationError, match=r"vtorm\.connect"):
        len(Contact.objects.all())


def test_prefetch_fetches_fixed_offsets_in_parallel_and_yields_in_order() -> None:
    backend = people(250)
    ids = [c.id for c in Contact.objects.using(backend).all().iterator(prefetch=3)]
    assert ids == [f"12x{n}" for n in range(1, 251)]
    assert backend.queries[0] == "SELECT count(*) FROM Contacts;"
    assert sorted(backend.queries[1:4]) == [
        "SELECT * FROM Contacts ORDER BY id LIMIT 100, 100;",
        "SELECT * FROM Contacts ORDER BY id LIMIT 100;",
        "SELECT * FROM Contacts ORDER BY id LIMIT 200, 50;",
    ]
    assert backend.queries[4:] == ["SELECT * FROM Contacts ORDER BY id LIMIT 250, 100;"]


def test_prefetch_respects_slices() -> None:
    backend = people(250)
    query = Contact.objects.using(backend).order_by("-id")[10:130]
    ids = [c.id for c in query.iterator(prefetch=4)]
    assert ids == [f"12x{n}" for n in range(240, 120, -1)]
    assert len(backend.queries) == 3  # count + two pages; the slice end is known
