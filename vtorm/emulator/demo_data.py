"""A realistic, deterministic demo CRM: accounts, contacts, deals, tickets, leads and products.

`demo_records()` builds the data set from a seeded RNG (no wall clock: dates count from a fixed
day), as `DemoRecord`s whose references name other records by key. `seed_demo(backend)` creates
them in dependency order through the emulator's record operations, so they pass the same checks
as records a client creates, and links some accounts to the products they bought.

    >>> records = demo_records()
    >>> len(records) > 300, records[0].module
    (True, 'Products')
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import TYPE_CHECKING, Any

from vtorm.emulator.relations import link

if TYPE_CHECKING:
    from vtorm.emulator.backend import Backend

__all__ = ["DEMO_COUNTS", "DemoRecord", "demo_records", "module_counts", "seed_demo"]

#: How many records of each module the demo holds, in creation order.
DEMO_COUNTS: Mapping[str, int] = {
    "Products": 24,
    "Accounts": 60,
    "Contacts": 150,
    "Potentials": 70,
    "HelpDesk": 60,
    "Leads": 90,
}

#: The day the demo's dates count from (closing dates, birthdays): fixed, never "today".
BASE_DAY = date(2026, 1, 1)
DEFAULT_SEED = 8


@dataclass(frozen=True)
class DemoRecord:
    """One record to create: `values` as a client sends them, `refs` naming other records by key."""

    key: str
    module: str
    values: Mapping[str, str]
    refs: Mapping[str, str] = field(default_factory=dict)
    related: tuple[str, ...] = ()  # keys of records to link with add_related (Products)


_WORDS: Mapping[str, Any] = json.loads(
    (resources.files("vtorm.emulator") / "data" / "demo_words.json").read_text("utf-8")
)


def _strings(key: str) -> tuple[str, ...]:
    return tuple(str(word) for word in _WORDS[key])


def _rows(key: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(cell) for cell in row) for row in _WORDS[key])


FIRST_NAMES = _strings("first_names")
LAST_NAMES = _strings("last_names")
COMPANY_WORDS = _strings("company_words")
COMPANY_KINDS = _strings("company_kinds")
COMPANY_SUFFIXES = _strings("company_suffixes")
CITIES = _rows("cities")
INDUSTRIES = _strings("industries")
ACCOUNT_TYPES = _strings("account_types")
RATINGS = _strings("ratings")
LEAD_SOURCES = _strings("lead_sources")
LEAD_STATUSES = _strings("lead_statuses")
TITLES = _strings("titles")
SALES_STAGES = _rows("sales_stages")
PRODUCTS = _rows("products")
MANUFACTURERS = _strings("manufacturers")
TICKET_PROBLEMS = _strings("ticket_problems")
TICKET_STATUSES = _strings("ticket_statuses")
PRIORITIES = _strings("priorities")
SEVERITIES = _strings("severities")
CATEGORIES = _strings("categories")
OWNER = "19x1"


def demo_records(seed: int = DEFAULT_SEED) -> list[DemoRecord]:
    """The whole demo data set, in creation order (referenced records come first)."""
    rng = random.Random(seed)
    products = _products(rng)
    accounts = _accounts(rng)
    contacts = _contacts(rng, accounts)
    potentials = _potentials(rng, accounts, contacts)
    tickets = _tickets(rng, accounts, contacts, products)
    leads = _leads(rng)
    purchases = _purchases(rng, accounts, products)
    accounts = [
        DemoRecord(a.key, a.module, a.values, a.refs, purchases.get(a.key, ())) for a in accounts
    ]
    return [*products, *accounts, *contacts, *potentials, *tickets, *leads]


def seed_demo(backend: Backend, seed: int = DEFAULT_SEED) -> dict[str, str]:
    """Create the demo data set in one transaction; returns each record's id by demo key.

    Records go through the same create operation a client uses (so they are stored exactly as
    the server would store them); customers are linked to the products they bought, as
    `add_related` links them. A database that already holds records is left as it is and
    nothing is returned, so `vtorm serve --db crm.sqlite --demo` can be run again.
    """
    ids: dict[str, str] = {}
    records = demo_records(seed)
    with backend.store.transaction():
        if backend.store.conn.execute("SELECT 1 FROM entity LIMIT 1").fetchone() is not None:
            return ids
        for record in records:
            if record.module not in backend.schema:
                continue  # a snapshot schema without the module: its demo records are left out
            element: dict[str, str] = dict(record.values)
            element.update({name: ids[key] for name, key in record.refs.items() if key in ids})
            ids[record.key] = backend.records.create_id(record.module, element, backend.admin_id)
        for record in records:
            for key in record.related:
                if record.key in ids and key in ids:
                    link(backend.store, _crmid(ids[record.key]), _crmid(ids[key]))
    return ids


def _crmid(record_id: str) -> int:
    return int(record_id.partition("x")[2])


def _products(rng: random.Random) -> list[DemoRecord]:
    records = []
    for index, (name, category, unit, price) in enumerate(PRODUCTS[: DEMO_COUNTS["Products"]]):
        values = {
            "productname": name,
            "productcode": f"{category[:3].upper()}-{1000 + index}",
            "productcategory": category,
            "manufacturer": rng.choice(MANUFACTURERS),
            "unit_price": price,
            "usageunit": unit,
            "qtyinstock": str(rng.randrange(0, 500)),
            "discontinued": "1" if rng.random() < 0.9 else "0",
            "sales_start_date": _day(rng.randrange(-900, -30)),
            "assigned_user_id": OWNER,
        }
        records.append(DemoRecord(f"product:{index}", "Products", _filled(values)))
    return records


def _company_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        words = (rng.choice(COMPANY_WORDS), rng.choice(COMPANY_KINDS), rng.choice(COMPANY_SUFFIXES))
        name = " ".join(words).strip()
        if name.lower() not in seen:  # Accounts forbid duplicate names
            seen.add(name.lower())
            names.append(name)
    return names


def _accounts(rng: random.Random) -> list[DemoRecord]:
    records = []
    for index, name in enumerate(_company_names(rng, DEMO_COUNTS["Accounts"])):
        city, state, country = rng.choice(CITIES)
        domain = _domain(name)
        employees = rng.choice((5, 12, 40, 80, 250, 900, 4000, 25000))
        values = {
            "accountname": name,
            "industry": rng.choice(INDUSTRIES),
            "accounttype": rng.choice(ACCOUNT_TYPES),
            "rating": rng.choice(RATINGS),
            "employees": str(employees),
            "annual_revenue": str(employees * rng.randrange(40_000, 160_000, 500)),
            "phone": _phone(rng),
            "website": f"https://www.{domain}",
            "email1": f"info@{domain}",
            "bill_street": f"{rng.randrange(1, 400)} {rng.choice(LAST_NAMES)} Street",
            "bill_city": city,
            "bill_state": state,
            "bill_code": f"{rng.randrange(10000, 99999)}",
            "bill_country": country,
            "emailoptout": "1" if rng.random() < 0.1 else "0",
            "assigned_user_id": OWNER,
        }
        records.append(DemoRecord(f"account:{index}", "Accounts", _filled(values)))
    return records


def _contacts(rng: random.Random, accounts: Sequence[DemoRecord]) -> list[DemoRecord]:
    records = []
    for index in range(DEMO_COUNTS["Contacts"]):
        account = accounts[index % len(accounts)] if index < len(accounts) else rng.choice(accounts)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        domain = _domain(account.values["accountname"])
        values = {
            "firstname": first,
            "lastname": last,
            "title": rng.choice(TITLES),
            "email": f"{_ascii(first)}.{_ascii(last)}{index}@{domain}".lower(),
            "phone": _phone(rng),
            "mobile": _phone(rng) if rng.random() < 0.6 else "",
            "leadsource": rng.choice(LEAD_SOURCES),
            "birthday": _day(-rng.randrange(22 * 365, 65 * 365)) if rng.random() < 0.7 else "",
            "mailingcity": account.values["bill_city"],
            "mailingcountry": account.values["bill_country"],
            "donotcall": "1" if rng.random() < 0.08 else "0",
            "assigned_user_id": OWNER,
        }
        records.append(
            DemoRecord(f"contact:{index}", "Contacts", _filled(values), {"account_id": account.key})
        )
    return records


def _potentials(
    rng: random.Random, accounts: Sequence[DemoRecord], contacts: Sequence[DemoRecord]
) -> list[DemoRecord]:
    by_account: dict[str, list[DemoRecord]] = {}
    for contact in contacts:
        by_account.setdefault(contact.refs["account_id"], []).append(contact)
    records = []
    for index in range(DEMO_COUNTS["Potentials"]):
        account = rng.choice(accounts)
        stage, probability = rng.choice(SALES_STAGES)
        product = rng.choice(PRODUCTS)[0]
        values = {
            "potentialname": f"{_first_word(account)} {product} deal {index + 1}",
            "amount": str(rng.randrange(10, 2000) * 50),
            "closingdate": _day(rng.randrange(-120, 365)),
            "sales_stage": stage,
            "probability": str(probability),
            "opportunity_type": rng.choice(("New Business", "Existing Business")),
            "leadsource": rng.choice(LEAD_SOURCES),
            "nextstep": rng.choice(("Send quote", "Schedule demo", "Follow-up call", "")),
            "assigned_user_id": OWNER,
        }
        refs = {"related_to": account.key}
        if account.key in by_account:
            refs["contact_id"] = rng.choice(by_account[account.key]).key
        records.append(DemoRecord(f"potential:{index}", "Potentials", _filled(values), refs))
    return records


def _tickets(
    rng: random.Random,
    accounts: Sequence[DemoRecord],
    contacts: Sequence[DemoRecord],
    products: Sequence[DemoRecord],
) -> list[DemoRecord]:
    records = []
    for index in range(DEMO_COUNTS["HelpDesk"]):
        contact = rng.choice(contacts)
        product = rng.choice(products)
        title = rng.choice(TICKET_PROBLEMS).format(
            floor=rng.choice(("1st", "2nd", "3rd", "4th")),
            n=rng.randrange(1000, 9999),
            product=product.values["productname"],
        )
        values = {
            "ticket_title": title,
            "ticketstatus": rng.choice(TICKET_STATUSES),
            "ticketpriorities": rng.choice(PRIORITIES),
            "ticketseverities": rng.choice(SEVERITIES),
            "ticketcategories": rng.choice(CATEGORIES),
            "hours": str(rng.randrange(0, 16) / 2),
            "description": f"Reported by {_full_name(contact)}.",
            "assigned_user_id": OWNER,
        }
        refs = {"parent_id": contact.refs["account_id"], "contact_id": contact.key}
        if "Hardware" in product.values["productcategory"] or rng.random() < 0.5:
            refs["product_id"] = product.key
        records.append(DemoRecord(f"ticket:{index}", "HelpDesk", _filled(values), refs))
    return records


def _leads(rng: random.Random) -> list[DemoRecord]:
    records = []
    companies = _company_names(random.Random(rng.random()), DEMO_COUNTS["Leads"])
    for index, company in enumerate(companies):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city, state, country = rng.choice(CITIES)
        employees = rng.choice((3, 8, 25, 60, 150, 700))
        values = {
            "firstname": first,
            "lastname": last,
            "company": company,
            "designation": rng.choice(TITLES),
            "email": f"{_ascii(first)}.{_ascii(last)}@{_domain(company)}".lower(),
            "phone": _phone(rng),
            "leadsource": rng.choice(LEAD_SOURCES),
            "leadstatus": rng.choice(LEAD_STATUSES),
            "industry": rng.choice(INDUSTRIES),
            "annualrevenue": str(employees * rng.randrange(50_000, 120_000, 1000)),
            "noofemployees": str(employees),
            "city": city,
            "state": state,
            "country": country,
            "assigned_user_id": OWNER,
        }
        records.append(DemoRecord(f"lead:{index}", "Leads", _filled(values)))
    return records


def _purchases(
    rng: random.Random, accounts: Sequence[DemoRecord], products: Sequence[DemoRecord]
) -> dict[str, tuple[str, ...]]:
    """Which products each customer bought (linked with add_related after creation)."""
    bought: dict[str, tuple[str, ...]] = {}
    for account in accounts:
        if account.values["accounttype"] == "Customer":
            chosen = rng.sample(list(products), rng.randrange(1, 4))
            bought[account.key] = tuple(p.key for p in chosen)
    return bought


def _first_word(account: DemoRecord) -> str:
    return account.values["accountname"].split()[0]


def _full_name(contact: DemoRecord) -> str:
    return f"{contact.values['firstname']} {contact.values['lastname']}"


def _filled(values: Mapping[str, str]) -> dict[str, str]:
    """Only the non-empty values (a client leaves empty fields out)."""
    return {k: v for k, v in values.items() if v != ""}


def _day(offset: int) -> str:
    return (BASE_DAY + timedelta(days=offset)).isoformat()


def _phone(rng: random.Random) -> str:
    return f"+1 {rng.randrange(200, 999)} 555 {rng.randrange(0, 10000):04d}"


def _ascii(name: str) -> str:
    table = str.maketrans(
        {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "ë": "e", "ã": "a"}
    )
    return "".join(c for c in name.lower().translate(table) if c.isalnum())


def _domain(company: str) -> str:
    words = [w for w in company.split() if w not in COMPANY_SUFFIXES]
    return "-".join(_ascii(w) for w in words[:2]) + ".example.com"


def module_counts(records: Sequence[DemoRecord]) -> Counter[str]:
    """How many records of each module a data set holds."""
    return Counter(r.module for r in records)
