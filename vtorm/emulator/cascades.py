"""What deleting a record does to the records that point at it (Vtiger's unlinkDependencies).

Read from Vtiger 8.0's modules/*/*.php and checked on a real server: deleting an Account
deletes its Potentials (`related_to`) and Quotes (`account_id`); deleting a Vendor deletes its
PurchaseOrders. Other pointers are cleared (set to 0) or left pointing at the deleted record;
either way retrieve shows them empty, since a reference to a deleted record reads as "".
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["DELETES", "UNLINKS"]

#: module -> (dependent module, its reference field) whose live records are deleted too.
DELETES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "Accounts": (("Potentials", "related_to"), ("Quotes", "account_id")),
    "Vendors": (("PurchaseOrder", "vendor_id"),),
}
#: module -> (dependent module, field) Vtiger sets to 0 (so they stay empty after a restore).
UNLINKS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "Accounts": (("Contacts", "account_id"), ("HelpDesk", "parent_id")),
    "Contacts": (
        ("HelpDesk", "contact_id"),
        ("PurchaseOrder", "contact_id"),
        ("SalesOrder", "contact_id"),
        ("Quotes", "contact_id"),
    ),
    "Vendors": (("Products", "vendor_id"),),
    "Products": (("Campaigns", "product_id"),),
}
