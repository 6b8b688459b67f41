"""Fixtures: a server (in-process emulator or live), its client as the default, two products."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from generated import Account, Product
from tests.inprocess import make_client
from tests.live import LIVE, unique
from vtorm.client import Client
from vtorm.client.connection import set_default_client


@dataclass(frozen=True)
class Catalogue:
    """What every inventory test sells: an account and two products."""

    account: Account
    widget: Product
    support: Product


@pytest.fixture
def client(request: pytest.FixtureRequest) -> Iterator[Client]:
    """A client of the server, also the process default (so `objects.create` works)."""
    if LIVE is not None:
        request.getfixturevalue("live_crm")
        connected = LIVE.client()
    else:
        connected = make_client(request.getfixturevalue("emulator"), retries=3)
    previous = set_default_client(connected)
    try:
        yield connected
    finally:
        set_default_client(previous)
        connected.close()


@pytest.fixture
def catalogue(client: Client) -> Catalogue:
    account = Account.objects.create(accountname=unique("Acme"))  # live: Accounts refuse duplicates
    widget = Product.objects.create(productname="Widget Pro 3000", unit_price=Decimal("149.99"))
    support = Product.objects.create(productname="Basic Support Plan", unit_price=Decimal("49.5"))
    return Catalogue(account, widget, support)
