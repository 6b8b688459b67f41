"""Seeding many Contacts fast: one record through the emulator's checks, the rest as copies.

100,000 creates over HTTP would take minutes and measure the emulator, not vtorm; instead the
first record goes through `Records.create` (so it is exactly what the server stores), and the
others are that stored row with varied names, inserted through the storage API in one
transaction.
"""

from __future__ import annotations

from vtorm.emulator import Emulator

FIRST = ("Ann", "Bob", "Chloé", "Dmitri", "Eve", "Farid", "Grace", "Hiro")
LAST = ("Smith", "Smythe", "Jones", "Müller", "O'Brien", "Nakamura", "Garcia", "Okafor")
SOURCES = ("Web Site", "Cold Call", "Existing Customer", "Partner", "")  # picklist values


def seed_contacts(emulator: Emulator, count: int) -> None:
    """Add `count` Contacts with varied names, emails, birthdays and lead sources."""
    backend = emulator.backend
    store = backend.store
    first = backend.records.create(
        "Contacts",
        {"lastname": "Seed", "firstname": "Template", "assigned_user_id": "19x1"},
        backend.admin_id,
    )
    template = store.fetch_row("Contacts", int(str(first["id"]).split("x")[1]))
    assert template is not None
    template.pop("crmid")
    now = store.now()
    with store.transaction():
        for number in range(1, count):
            row = dict(template)
            firstname, lastname = FIRST[number % 8], f"{LAST[number % 7]}{number}"
            row.update(
                firstname=firstname,
                lastname=lastname,
                email=f"{firstname.lower()}.{number}@example.com",
                birthday=f"19{50 + number % 50}-{1 + number % 12:02d}-{1 + number % 28:02d}",
                leadsource=SOURCES[number % 5],
                mailingcity=("Lyon", "Osaka", "Lagos", "Lima")[number % 4],
                contact_no=f"CON{number + 1}",
            )
            crmid = store.new_entity("Contacts", f"{firstname} {lastname}", now)
            store.insert_row("Contacts", crmid, row)
