"""Golden tests for the naming rules: every awkward label of the reference custom fields."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen import naming
from codegen.describe import DescribedSchema, parse_describe
from tests.codegen.conftest import CUSTOM, custom, standard
from tests.properties import examples

#: (module, wire name) -> python name, for every custom field of the reference server.
GOLDEN_CUSTOM = {
    ("Accounts", "cf_877"): "region_code",  # Region Code
    ("Accounts", "cf_879"): "customer_tier",  # Customer Tier
    ("Accounts", "cf_881"): "renewal_date",  # Renewal Date
    ("Accounts", "cf_883"): "discount_percent",  # Discount %
    ("Accounts", "cf_885"): "primary_contact",  # Primary Contact
    ("Accounts", "cf_887"): "best_time_to_call",  # Best Time To Call
    ("Contacts", "cf_853"): "customer_tier",  # Customer Tier
    ("Contacts", "cf_855"): "loyalty_points",  # Loyalty Points
    ("Contacts", "cf_857"): "partner_since",  # Partner Since
    ("Contacts", "cf_859"): "primary_email",  # Primary Email (same label as `email`)
    ("Contacts", "cf_861"): "second_phone",  # 2nd Phone
    ("Contacts", "cf_863"): "groesse_cm",  # Größe (cm)
    ("Contacts", "cf_865"): "class_",  # Class
    ("Contacts", "cf_867"): "vip",  # VIP?
    ("Contacts", "cf_869"): "preferred_channels",  # Preferred Channels
    ("Contacts", "cf_871"): "annual_spend",  # Annual Spend
    ("Contacts", "cf_873"): "website",  # Website
    ("Contacts", "cf_875"): "notes_for_sales",  # Notes For Sales
    ("Leads", "cf_889"): "lead_score",  # Lead Score
    ("Leads", "cf_891"): "referral_partner",  # Referral Partner
}


def _names(module_name: str, schema: DescribedSchema) -> dict[str, str]:
    module = schema[module_name]
    return naming.field_names((f.name, f.label) for f in module.fields if f.name != "id")


@pytest.mark.skipif(not CUSTOM.is_dir(), reason="needs ../shared/vtiger-reference")
def test_every_reference_custom_field_gets_its_golden_name() -> None:
    schema = custom()
    found = {
        (module, wire): name
        for module in ("Accounts", "Contacts", "Leads")
        for wire, name in _names(module, schema).items()
        if wire.startswith("cf_")
    }
    assert found == GOLDEN_CUSTOM


@pytest.mark.skipif(not CUSTOM.is_dir(), reason="needs ../shared/vtiger-reference")
def test_the_primary_email_custom_field_does_not_take_the_standard_email() -> None:
    labels = {
        f["name"]: f["label"]
        for f in json.loads((CUSTOM / "Contacts.json").read_text("utf-8"))["result"]["fields"]
    }
    assert labels["email"] == labels["cf_859"] == "Primary Email"
    names = _names("Contacts", custom())
    assert (names["email"], names["cf_859"]) == ("email", "primary_email")


def test_standard_wire_names_that_are_not_usable_are_named_from_their_labels() -> None:
    names = _names("SalesOrder", standard())
    assert names["shipping_&_handling"] == "shipping_and_handling"
    assert names["shipping_&_handling_shtax1"] == "shipping_and_handling_vat"
    assert names["vtiger_purchaseorder"] == "purchase_order"  # `vtiger_` is the ORM's
    assert names["hdnGrandTotal"] == "hdnGrandTotal"  # valid identifiers are kept as is
    assert _names("Tax", standard())["type"] == "type_"  # a builtin


@pytest.mark.parametrize(
    ("label", "slug"),
    [
        ("Customer Tier", "customer_tier"),
        ("2nd Phone", "second_phone"),
        ("3 Day Rule", "three_day_rule"),
        ("2024 Budget", "n2024_budget"),
        ("11th Hour", "n11th_hour"),
        ("Größe (cm)", "groesse_cm"),
        ("Café Crème", "cafe_creme"),
        ("Ärger über Öl", "aerger_ueber_oel"),
        ("VIP?", "vip"),
        ("Discount %", "discount_percent"),
        ("R&amp;D Budget", "r_and_d_budget"),
        ("Ticket #", "ticket_number"),
        ("  --Weird___Spacing--  ", "weird_spacing"),
        ("日本語", ""),
        ("???", ""),
    ],
)
def test_slugify(label: str, slug: str) -> None:
    assert naming.slugify(label) == slug


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("Class", "class_"),  # keyword
        ("Match", "match_"),  # soft keyword
        ("Type", "type_"),  # builtin
        ("List", "list_"),  # builtin (would shadow `list[...]` annotations in the class)
        ("Datetime", "datetime_"),  # a name the generated module uses
        ("Save", "save_"),  # Model method
        ("Objects", "objects_"),  # the manager
        ("Id", "id_"),  # Model.id
        ("Copy", "copy_"),  # pydantic's deprecated API is still there
        ("Model Number", "field_model_number"),  # pydantic's namespace
        ("Vtiger Code", "field_vtiger_code"),  # the ORM's namespace
        ("日本語", "cf_900"),  # nothing usable: the wire name
    ],
)
def test_custom_labels_that_clash_are_renamed(label: str, name: str) -> None:
    assert naming.field_names([("cf_900", label)]) == {"cf_900": name}


def test_two_custom_fields_with_one_label_are_told_apart_by_wire_name() -> None:
    names = naming.field_names(
        [("email", "Primary Email"), ("cf_1", "Region"), ("cf_2", "Region"), ("cf_3", "Email")]
    )
    assert names == {
        "email": "email",
        "cf_1": "region",
        "cf_2": "region_cf_2",
        "cf_3": "email_cf_3",
    }


def test_wire_named_fields_win_over_label_named_ones_wherever_they_are() -> None:
    names = naming.field_names([("cf_1", "Email"), ("email", "Email")])
    assert names == {"cf_1": "email_cf_1", "email": "email"}


def test_locked_names_survive_a_label_rename() -> None:
    first = naming.field_names([("cf_1", "Customer Tier"), ("cf_2", "Tier")])
    renamed = naming.field_names([("cf_1", "Tier"), ("cf_2", "Customer Tier")], locked=first)
    assert renamed == first == {"cf_1": "customer_tier", "cf_2": "tier"}


def test_a_locked_name_that_became_unusable_is_recomputed() -> None:
    names = naming.field_names([("cf_1", "Class")], locked={"cf_1": "class"})
    assert names == {"cf_1": "class_"}


def test_reserved_attributes_cover_every_public_attribute_of_model() -> None:
    from vtorm import Model

    public = {n for n in dir(Model) if not n.startswith("_")}
    uncovered = {n for n in public if naming.is_usable(n)}
    assert uncovered == set()


#: Every standard module -> its class name.
GOLDEN_CLASSES = {
    "Accounts": "Account",
    "Assets": "Asset",
    "Calendar": "Calendar",
    "Campaigns": "Campaign",
    "CompanyDetails": "CompanyDetail",
    "Contacts": "Contact",
    "Currency": "Currency",
    "DocumentFolders": "DocumentFolder",
    "Documents": "Document",
    "Emails": "Email",
    "Events": "Event",
    "Faq": "Faq",
    "Groups": "Group",
    "HelpDesk": "HelpDesk",
    "Invoice": "Invoice",
    "Leads": "Lead",
    "LineItem": "LineItem",
    "ModComments": "ModComment",
    "PBXManager": "PBXManager",
    "Potentials": "Potential",
    "PriceBooks": "PriceBook",
    "ProductTaxes": "ProductTax",
    "Products": "Product",
    "Project": "Project",
    "ProjectMilestone": "ProjectMilestone",
    "ProjectTask": "ProjectTask",
    "PurchaseOrder": "PurchaseOrder",
    "Quotes": "Quote",
    "SMSNotifier": "SMSNotifier",
    "SalesOrder": "SalesOrder",
    "ServiceContracts": "ServiceContract",
    "Services": "Service",
    "Tax": "Tax",
    "Users": "User",
    "Vendors": "Vendor",
}


def test_class_names_of_the_standard_modules() -> None:
    assert {m: naming.class_name(m) for m in standard().modules} == GOLDEN_CLASSES


@pytest.mark.parametrize(
    ("module", "taken", "name"),
    [
        ("Contacts", ["Contact"], "Contact2"),
        ("Model", [], "ModelRecord"),
        ("Q", [], "QRecord"),
        ("Ärzte_Liste", [], "AerzteListe"),
        ("2Factor", [], "M2Factor"),
    ],
)
def test_class_name_edge_cases(module: str, taken: list[str], name: str) -> None:
    assert naming.class_name(module, taken) == name


@pytest.mark.parametrize(
    ("class_name", "stem"),
    [("SalesOrder", "sales_order"), ("PBXManager", "pbx_manager"), ("Contact", "contact")],
)
def test_file_stems(class_name: str, stem: str) -> None:
    assert naming.file_stem(class_name) == stem


@pytest.mark.parametrize(
    ("field", "taken", "accessor"),
    [
        ("account_id", [], "account"),
        ("productid", [], "product"),
        ("assigned_user_id", [], "assigned_user"),
        ("modifiedby", [], "modifiedby_record"),
        ("product", [], "product_record"),  # Assets.product: the field keeps its name
        ("account_id", ["account"], "account_record"),  # a field is already called that
        ("type_id", [], "type_"),  # a builtin
        ("id_", [], "id__record"),
    ],
)
def test_relation_accessor_names(field: str, taken: list[str], accessor: str) -> None:
    from codegen.relations import accessor_name

    assert accessor_name(field, taken) == accessor


_labels = st.text(min_size=0, max_size=30)
_fields = st.lists(
    st.tuples(st.sampled_from(["cf_1", "cf_2", "cf_3", "email", "class", "type", "a&b"]), _labels),
    max_size=7,
    unique_by=lambda pair: pair[0],
)


@settings(max_examples=examples(150), deadline=None)
@given(_fields, st.dictionaries(st.sampled_from(["cf_1", "cf_2"]), _labels, max_size=2))
def test_field_names_are_unique_usable_and_stable(
    fields: list[tuple[str, str]], locked: dict[str, str]
) -> None:
    names = naming.field_names(fields, locked)
    assert list(names) == [wire for wire, _ in fields]
    assert len(set(names.values())) == len(names)
    assert all(naming.is_usable(name) for name in names.values())
    assert naming.field_names(fields, names) == names  # regenerating with the lock: no change


def test_non_ascii_and_odd_standard_wire_names_are_made_usable() -> None:
    names = naming.field_names([("größe", "Size"), ("2col", "Two"), ("a b", "Spaced")])
    assert names == {"größe": "size", "2col": "two", "a b": "spaced"}
    assert naming.safe_name("größe") == "groesse"
    assert naming.safe_name("") == "field"


def test_classes_sharing_a_file_stem_get_distinct_files() -> None:
    from codegen.plan import plan_package

    known = standard()
    twin = parse_describe({**known.describes["Faq"], "name": "FAQ", "idPrefix": "90"})
    plan = plan_package([known["Faq"], twin])
    assert sorted((m.class_name, m.stem) for m in plan.models) == [("FAQ", "faq"), ("Faq", "faq_2")]
