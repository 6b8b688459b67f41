"""Fixtures: an in-process emulator, a client of it as the default, and two products."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
import requests

from generated import Account, Product
from vtorm.client import Client
from vtorm.client.connection import set_default_client
from vtorm.client.wsgi import WSGIAdapter
from vtorm.emulator import Emulator

BASE_URL = "http://vtiger.test"


@dataclass(frozen=True)
class Catalogue:
    """What every inventory test sells: an account and two products."""

    account: Account
    widget: Product
    support: Product


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    """A client of the emulator, also the process default (so `objects.create` works)."""
    session = requests.Session()
    session.mount(f"{BASE_URL}/", WSGIAdapter(emulator.wsgi_app))
    connected = Client(BASE_URL, emulator.username, emulator.access_key, session=session)
    previous = set_default_client(connected)
    try:
        yield connected
    finally:
        set_default_client(previous)
        connected.close()


@pytest.fixture
def catalogue(client: Client) -> Catalogue:
    account = Account.objects.create(accountname="Acme")
    widget = Product.objects.create(productname="Widget Pro 3000", unit_price=Decimal("149.99"))
    support = Product.objects.create(productname="Basic Support Plan", unit_price=Decimal("49.5"))
    return Catalogue(account, widget, support)
