"""The model registry: how a reference's module name finds its class, and forgetting one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.orm.fakes import FakeBackend
from tests.orm.models import Account, Contact
from vtorm import InvalidArgument, Model
from vtorm.model import registry


def model_in(module: str, vtiger_module: str, name: str = "Thing") -> type[Model]:
    """A model class that says it was defined in the python module `module`."""
    return type(name, (Model,), {"__module__": module, "vtiger_module": vtiger_module})


@pytest.fixture
def places() -> Iterator[None]:
    yield
    for package in ("pkg_a", "pkg_b", "pkg_c"):
        registry.forget(package)


@pytest.mark.usefixtures("places")
def test_a_class_from_the_asking_module_then_package_wins_else_the_latest() -> None:
    near = model_in("pkg_a.one", "Widgets", "Near")
    beside = model_in("pkg_a.two", "Widgets", "Beside")
    far = model_in("pkg_b.one", "Widgets", "Far")
    asker = model_in("pkg_a.one", "Askers", "Asker")
    assert registry.model_for("Widgets", near=asker) is near
    other = model_in("pkg_a.three", "Askers", "Other")
    assert registry.model_for("Widgets", near=other) is beside  # latest of its package
    stranger = model_in("pkg_c.x", "Askers", "Stranger")
    assert registry.model_for("Widgets", near=stranger) is far  # latest anywhere
    assert registry.model_for("Widgets") is far
    assert registry.model_for("Nothing") is None


@pytest.mark.usefixtures("places")
def test_a_class_defined_again_replaces_its_earlier_definition() -> None:
    model_in("pkg_a.one", "Widgets", "Same")
    again = model_in("pkg_a.one", "Widgets", "Same")
    registry.forget("pkg_a.one")
    assert registry.model_for("Widgets") is None
    assert again.vtiger_module == "Widgets"


def test_forget_drops_a_package_and_leaves_the_others() -> None:
    mine = model_in("pkg_a.models", "Contacts", "Contact")
    assert registry.model_for("Contacts") is mine
    registry.forget("pkg_a")
    assert registry.model_for("Contacts") is not mine
    assert registry.model_for("Contacts", near=Account) is Contact


def test_prefetched_targets_are_handed_to_each_record() -> None:
    backend = FakeBackend(rows=[{"lastname": "Smith", "account_id": "11x7"}])
    contact = Contact.objects.using(backend).get(id="12x1")
    acme = Account.vtiger_from_wire({"id": "11x7", "accountname": "Acme"})
    contact.vtiger_set_related("account_id", acme)
    assert contact.account is acme
    assert backend.queries == ["SELECT * FROM Contacts WHERE id = '12x1' ORDER BY id LIMIT 2;"]
    other = Account.vtiger_from_wire({"id": "11x8", "accountname": "Other"})
    with pytest.raises(InvalidArgument, match=r"'11x7': it does not point at '11x8'"):
        contact.vtiger_set_related("account_id", other)
    contact.account_id = None
    with pytest.raises(InvalidArgument, match="account_id is empty"):
        contact.vtiger_set_related("account_id", acme)
