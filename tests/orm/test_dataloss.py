"""No silent data loss: predictions from the column, the guard around save(), the policy."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar

import pytest

from tests.inprocess import make_client
from tests.orm.fakes import FakeBackend
from vtorm import (
    DataLossError,
    DataLossWarning,
    InvalidArgument,
    Manager,
    Model,
    QuerySet,
    RecordId,
    ValueAlteredError,
    VtigerField,
)
from vtorm.client.connection import set_default_client
from vtorm.emulator import Emulator
from vtorm.model.dataloss import altered, data_loss_policy, predict

# Columns as on a stock Vtiger 8.0 (../shared/vtiger-reference/columns.json).
OWNER = VtigerField("assigned_user_id", "owner", mandatory=True, column="int(19)")


class Account(Model):
    vtiger_module: ClassVar[str] = "Accounts"
    vtiger_id_prefix: ClassVar[str] = "11"
    objects: ClassVar[Manager[QuerySet[Account]]] = Manager(QuerySet)

    accountname: Annotated[
        str, VtigerField("accountname", "string", mandatory=True, column="varchar(100)")
    ]
    bill_city: Annotated[str | None, VtigerField("bill_city", "string", column="varchar(30)")] = (
        None
    )
    description: Annotated[str | None, VtigerField("description", "text", column="text")] = None
    annual_revenue: Annotated[
        Decimal | None, VtigerField("annual_revenue", "currency", column="decimal(25,8)")
    ] = None
    employees: Annotated[int | None, VtigerField("employees", "integer", column="int(10)")] = None
    emailoptout: Annotated[
        bool | None, VtigerField("emailoptout", "boolean", column="varchar(3)")
    ] = None
    nickname: Annotated[str | None, VtigerField("cf_901", "string")] = None  # width unknown
    assigned_user_id: Annotated[RecordId | None, OWNER] = None


class Product(Model):
    vtiger_module: ClassVar[str] = "Products"
    vtiger_id_prefix: ClassVar[str] = "14"

    productname: Annotated[
        str, VtigerField("productname", "string", mandatory=True, column="varchar(100)")
    ]
    commissionrate: Annotated[
        Decimal | None, VtigerField("commissionrate", "double", column="decimal(7,3)")
    ] = None
    qtyinstock: Annotated[
        Decimal | None, VtigerField("qtyinstock", "double", column="decimal(25,3)")
    ] = None
    assigned_user_id: Annotated[RecordId | None, OWNER] = None


CITY = Account.vtiger_fields["bill_city"]
NAME = Account.vtiger_fields["accountname"]
REVENUE = Account.vtiger_fields["annual_revenue"]
EMPLOYEES = Account.vtiger_fields["employees"]
RATE = Product.vtiger_fields["commissionrate"]
NICK = Account.vtiger_fields["nickname"]


class CountingBackend(FakeBackend):
    """A fake server that counts creates/revises and can alter what it stores."""

    def __init__(self, alter: Mapping[str, str] | None = None, **attributes: Any) -> None:
        super().__init__(prefix="11")
        self.alter = dict(alter or {})
        self.writes = 0
        for name, value in attributes.items():
            setattr(self, name, value)

    def create(self, module: str, element: Mapping[str, Any], /) -> dict[str, Any]:
        self.writes += 1
        return self.add({**element, **self.alter})

    def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]:
        self.writes += 1
        record = self.records[RecordId(element["id"]).crmid]
        record.update({**element, **self.alter})
        return dict(record)


# -- what the server would store -------------------------------------------------------


def test_text_longer_than_the_column_is_cut() -> None:
    stored, reasons = predict(CITY, "Llanfairpwllgwyngyllgogerychwyrndrobwll")
    assert stored == "Llanfairpwllgwyngyllgogerychwy" and len(stored) == 30
    assert reasons == ("the column is varchar(30): text is cut to 30 characters",)
    assert predict(CITY, "x" * 30) == ("x" * 30, ())


def test_a_field_of_unknown_width_is_not_judged_by_length() -> None:
    assert predict(NICK, "n" * 5000) == ("n" * 5000, ())


def test_characters_outside_the_bmp_become_one_question_mark_per_utf8_byte() -> None:
    stored, reasons = predict(NAME, "Café 😀 Ω")
    assert stored == "Café ???? Ω" and "Basic Multilingual Plane" in reasons[0]
    assert predict(NAME, "Café 😀 Ω", utf8mb4=True) == ("Café 😀 Ω", ())
    assert predict(NAME, "Café Ω 日本") == ("Café Ω 日本", ())


def test_the_question_marks_count_towards_the_width() -> None:
    stored, reasons = predict(CITY, "a" * 27 + "😀")
    assert stored == "a" * 27 + "???" and len(reasons) == 2


def test_script_tags_are_html_encoded_but_not_across_lines() -> None:
    stored, reasons = predict(NAME, 'a <script>x="1"</script>')
    assert stored == "a &lt;script&gt;x=&quot;1&quot;&lt;/script&gt;" and "HTML" in reasons[0]
    assert predict(NAME, "<script>\n</script>") == ("<script>\n</script>", ())
    assert predict(NAME, "Tom &amp; <b>Jerry</b>") == ("Tom &amp; <b>Jerry</b>", ())


def test_currency_keeps_two_places_and_other_decimals_the_column_scale() -> None:
    assert predict(REVENUE, "1.23456") == (
        "1.23",
        ("the value passes through a PHP float: rounded to 2 decimal places",),
    )
    assert predict(REVENUE, "2.675")[0] == "2.68"  # PHP's round() pre-rounds: half up
    assert predict(REVENUE, "-0.005")[0] == "-0.01"
    assert predict(REVENUE, "1.50000000") == ("1.50000000", ())  # padding is not loss
    assert predict(RATE, "1.2345") == (
        "1.235",
        ("the column is decimal(7,3): 3 decimal places are kept",),
    )
    assert predict(RATE, "1.235") == ("1.235", ())


def test_currency_keeps_fourteen_significant_digits_as_a_php_float() -> None:
    # Figures of the real 8.0 server (annual_revenue, decimal(25,8)).
    assert predict(REVENUE, "123456789012345.67")[0] == "123456789012350"
    assert predict(REVENUE, "1234567890123.45")[0] == "1234567890123.4"
    assert predict(REVENUE, "99999999999999.99")[0] == "100000000000000"
    assert predict(REVENUE, "999999999999.99") == ("999999999999.99", ())
    assert "14 significant digits" in predict(REVENUE, "12345678901234.56")[1][0]


def test_doubles_that_vtiger_converts_like_currency_are_rounded_to_two_places() -> None:
    stock = VtigerField("qtyinstock", "double", column="decimal(25,3)")
    assert predict(stock, "1.234")[0] == "1.23" and predict(stock, "1.2") == ("1.2", ())


def test_decimals_beyond_the_precision_are_clamped() -> None:
    stored, reasons = predict(RATE, "12345.6789")
    assert stored == "9999.999"
    assert reasons[-1] == "the column is decimal(7,3): the largest value is 9999.999"
    assert predict(REVENUE, "-123456789012345678.5")[0] == "-99999999999999999.99999999"


def test_integers_outside_the_column_range_are_clamped_and_fractions_rounded() -> None:
    assert predict(EMPLOYEES, "3000000000") == (
        "2147483647",
        ("the column is int(10): values run from -2147483648 to 2147483647",),
    )
    assert predict(EMPLOYEES, "-3000000000")[0] == "-2147483648"
    assert predict(EMPLOYEES, "12.7")[0] == "13"
    assert predict(EMPLOYEES, "2147483647") == ("2147483647", ())


def test_values_that_are_not_numbers_are_left_to_the_server() -> None:
    assert predict(EMPLOYEES, "many") == ("many", ())


# -- before the request ---------------------------------------------------------------


def test_a_value_the_server_would_cut_raises_before_anything_is_sent() -> None:
    backend = CountingBackend()
    account = Account(accountname="Acme", bill_city="Llanfairpwllgwyngyllgogerychwyrndrobwll")
    with pytest.raises(DataLossError) as caught:
        account.save(using=backend)
    assert backend.writes == 0 and backend.calls == [] and account.id is None
    error = caught.value
    assert isinstance(error, ValueError) and error.model == "Account"
    assert error.changes == {
        "bill_city": ("Llanfairpwllgwyngyllgogerychwyrndrobwll", "Llanfairpwllgwyngyllgogerychwy")
    }
    text = str(error)
    assert "Account.bill_city (wire name 'bill_city')" in text
    assert "'Llanfairpwllgwyngyllgogerychwyrndrobwll'" in text and "varchar(30)" in text


def test_the_message_shortens_long_values() -> None:
    backend = CountingBackend()
    with pytest.raises(DataLossError) as caught:
        Account(accountname="A" * 150).save(using=backend)
    assert "… (150 characters)" in str(caught.value) and "A" * 50 not in str(caught.value)


def test_a_custom_field_is_named_by_python_and_wire_name() -> None:
    with pytest.raises(DataLossError) as caught:
        Account(accountname="Acme", nickname="🚀 rocket").save(using=CountingBackend())
    assert "Account.nickname (wire name 'cf_901')" in str(caught.value)


def test_a_revise_is_checked_too() -> None:
    backend = CountingBackend()
    account = Account(accountname="Acme", assigned_user_id=RecordId("19x1"))
    account.save(using=backend)
    account.employees = 3_000_000_000
    with pytest.raises(DataLossError):
        account.save()
    assert backend.writes == 1 and account.vtiger_changed() == ["employees"]


def test_a_utf8mb4_server_keeps_emoji() -> None:
    backend = CountingBackend(charset="utf8mb4")
    Account(accountname="Rocket 🚀 Ltd").save(using=backend)
    assert backend.writes == 1


def test_inventory_lines_are_checked_before_sending() -> None:
    from generated import Invoice, LineItem

    backend = CountingBackend()
    invoice = Invoice(
        subject="Q3 licences",
        account_id=RecordId("11x1"),
        assigned_user_id=RecordId("19x1"),
        bill_street="1 Main St",
        ship_street="1 Main St",
        line_items=[
            LineItem(productid=RecordId("14x1"), quantity=Decimal("1"), listprice=Decimal("9")),
            LineItem(productid=RecordId("14x2"), quantity=Decimal("1"), comment="🎉 launch"),
        ],
    )
    with pytest.raises(DataLossError) as caught:
        invoice.save(using=backend)
    assert backend.writes == 0
    assert caught.value.changes == {"line_items[2].comment": ("🎉 launch", "???? launch")}


# -- the policy -----------------------------------------------------------------------


def test_warn_sends_and_warns() -> None:
    backend = CountingBackend()
    with pytest.warns(DataLossWarning, match="bill_city"):
        Account(accountname="Acme", bill_city="x" * 31).save(using=backend, data_loss="warn")
    assert backend.writes == 1


def test_allow_sends_silently() -> None:
    backend = CountingBackend()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Account(accountname="Acme", bill_city="x" * 31).save(using=backend, data_loss="allow")
    assert backend.writes == 1


def test_the_backend_sets_the_default_and_save_overrides_it() -> None:
    backend = CountingBackend(data_loss="allow")
    Account(accountname="Acme", bill_city="x" * 31).save(using=backend)
    with pytest.raises(DataLossError):
        Account(accountname="Acme", bill_city="x" * 31).save(using=backend, data_loss="raise")
    assert backend.writes == 1


def test_manager_create_takes_the_policy(emulator: Emulator) -> None:
    client = make_client(emulator)
    previous = set_default_client(client)
    try:
        with pytest.raises(DataLossError):
            Account.objects.create(accountname="x" * 101, assigned_user_id="19x1")
        assert client.request_count == 0  # not even a login
        with pytest.warns(DataLossWarning):
            created = Account.objects.create(accountname="y" * 101, data_loss="warn")
    finally:
        set_default_client(previous)
    assert created.id is not None


def test_queryset_create_takes_the_policy(emulator: Emulator) -> None:
    client = make_client(emulator)
    with pytest.raises(DataLossError):
        Account.objects.using(client).create(accountname="x" * 101, assigned_user_id="19x1")
    assert client.request_count == 0
    created = Account.objects.using(client).create(accountname="y" * 101, data_loss="allow")
    assert created.id is not None


def test_an_unknown_policy_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="data_loss must be one of"):
        data_loss_policy("ignore")
    with pytest.raises(InvalidArgument):
        Account(accountname="Acme").save(using=CountingBackend(), data_loss="skip")  # type: ignore[arg-type]


# -- after the request ----------------------------------------------------------------


def test_a_value_cut_by_the_server_raises_value_altered_with_the_saved_record() -> None:
    backend = CountingBackend(alter={"cf_901": "Ms Pepperpot of"})  # an unknown width cut it
    account = Account(accountname="Acme", nickname="Ms Pepperpot of Llandudno")
    with pytest.raises(ValueAlteredError) as caught:
        account.save(using=backend)
    error = caught.value
    assert isinstance(error, DataLossError) and error.record is account
    assert error.record.id == RecordId("11x1") and account.nickname == "Ms Pepperpot of"
    assert error.changes == {"nickname": ("Ms Pepperpot of Llandudno", "Ms Pepperpot of")}
    assert "was saved" in str(error) and error.operation == "create"


def test_value_altered_can_be_a_warning() -> None:
    backend = CountingBackend(alter={"cf_901": "cut"})
    account = Account(accountname="Acme", nickname="cut short")
    with pytest.warns(DataLossWarning):
        account.save(using=backend, data_loss="warn")
    assert account.id is not None


def test_the_servers_normal_formatting_is_not_an_alteration() -> None:
    sent = {
        "annual_revenue": "1.5",
        "employees": "40",
        "emailoptout": "1",
        "accountname": "Acme",
        "assigned_user_id": "19x1",
    }
    answer = {**sent, "annual_revenue": "1.50000000", "emailoptout": "1"}
    assert altered(Account, sent, answer) == []
    answer["annual_revenue"] = "1.49000000"
    assert [d.name for d in altered(Account, sent, answer)] == ["annual_revenue"]


# -- against the embedded server ------------------------------------------------------


@pytest.fixture
def emulator() -> Emulator:
    return Emulator()


def test_the_guard_sends_nothing_to_the_embedded_server(emulator: Emulator) -> None:
    client = make_client(emulator)
    client.login()
    before = client.request_count
    for values in (
        {"bill_city": "x" * 31},
        {"accountname": "Smile 😀"},
        {"description": "<script>alert(1)</script>"},
        {"annual_revenue": Decimal("1.005")},
        {"employees": 2**31},
    ):
        with pytest.raises(DataLossError):
            Account(**{"accountname": "Acme", **values}).save(using=client)
    assert client.request_count == before


def test_a_clean_record_saves_on_the_embedded_server_without_complaint(emulator: Emulator) -> None:
    client = make_client(emulator)
    account = Account(
        accountname="Acme Ltd",
        bill_city="Llandudno",
        annual_revenue=Decimal("1500.5"),
        employees=40,
        emailoptout=True,
    )
    account.save(using=client)
    account.description = 'Café Ω, <b>bold</b>, "quoted", tab\tand\nnewline'
    account.save()
    assert account.id is not None and account.annual_revenue == Decimal("1500.5")
