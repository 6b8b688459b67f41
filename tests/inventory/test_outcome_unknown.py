"""The client's OutcomeUnknown path for the create that real 8.0 stores and then fails (500)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.inventory.conftest import Catalogue
from vtorm import OutcomeUnknown, ServerError
from vtorm.client import Client
from vtorm.emulator import Emulator


def _element(shop: Catalogue, subject: str, tax_type: str) -> dict[str, Any]:
    return {
        "productid": shop.widget.id,
        "subject": subject,
        "account_id": shop.account.id,
        "bill_street": "1 Main St",
        "ship_street": "1 Main St",
        "assigned_user_id": "19x1",
        "quotestage": "Created",
        "hdnTaxType": tax_type,
        "LineItems": [{"productid": shop.widget.id, "quantity": "2", "listprice": "149.99"}],
    }


@pytest.mark.embedded_only(
    reason="the captured 500 on an individual-tax create (this real 8.0 answers 200), "
    "counted in the emulator's request log"
)
def test_the_individual_tax_500_is_outcome_unknown_and_sent_once(
    emulator: Emulator, client: Client, catalogue: Catalogue
) -> None:
    emulator.clear_request_log()
    with pytest.raises(OutcomeUnknown) as caught:
        client.create("Quotes", _element(catalogue, "Individual", "individual"))
    error = caught.value
    assert (error.operation, error.http_status) == ("create", 500)
    assert "HTTP 500 with an empty body" in str(error) and not isinstance(error, ServerError)
    creates = [r for r in emulator.request_log if r.operation == "create"]
    assert [r.status for r in creates] == [500]  # never repeated: it may have been stored

    (row,) = client.query("SELECT subject, hdnGrandTotal FROM Quotes WHERE subject = 'Individual';")
    assert row["hdnGrandTotal"] == "0.00000000"  # stored, with the totals never computed


def test_group_tax_creates_normally(client: Client, catalogue: Catalogue) -> None:
    result = client.create("Quotes", _element(catalogue, "Group", "group"))
    assert result["hdnGrandTotal"] == pytest.approx(299.98)
    assert result["LineItems"][0]["parent_id"] == "4xArray"  # the wire quirk InventoryModel hides
