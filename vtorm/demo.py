"""`vtorm demo`: five minutes with vtorm, on the embedded Vtiger server and its demo CRM.

It starts the embedded server with the demo data over real HTTP, generates typed models from
the server's schema into a temporary package (exactly as `vtorm generate` would from your
CRM), imports them and takes a short tour of the ORM, printing the VTQL each step sends and
the requests the server saw. Imports stay inside `run` so `vtorm --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vtorm.client import Client
    from vtorm.emulator import Emulator

__all__ = ["PACKAGE", "add_arguments", "run"]

#: The name of the package the demo generates and imports.
PACKAGE = "vtorm_demo_models"

_REAL_SERVER_COMMANDS = (
    "export VTIGER_URL=https://crm.example.com VTIGER_USERNAME=admin VTIGER_ACCESS_KEY=<key>",
    "vtorm generate --output crm_models",
    'python -c "import vtorm, crm_models; vtorm.connect(); '
    'print(crm_models.Contact.objects.count())"',
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `vtorm demo`."""
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to write the generated package (default: a new temporary directory)",
    )


def run(args: argparse.Namespace) -> int:
    """Run the tour; 0 when every step worked."""
    import vtorm
    from vtorm.emulator import Emulator, demo_data

    output = args.output if args.output is not None else Path(tempfile.mkdtemp(prefix="vtorm-"))
    emulator = Emulator()
    _heading("1. The embedded Vtiger server, seeded with a demo CRM")
    demo_data.seed_demo(emulator.backend)
    try:
        with (
            emulator.serve() as server,
            vtorm.connect(server.url, server.username, server.access_key) as client,
        ):
            _show_server(server.url, demo_data)
            package_dir = _generate(client, output / PACKAGE)
            with _imported(output) as models:
                Tour(models, emulator).run()
                _show_generated(package_dir, models)
    finally:
        emulator.close()
    _show_next_steps()
    return 0


# -- printing ------------------------------------------------------------------------------


def _heading(title: str) -> None:
    print(f"\n{title}\n{'-' * len(title)}")


def _say(text: str = "") -> None:
    print(f"  {text}" if text else "")


def _code(text: str) -> None:
    for line in text.splitlines():
        print(f"  >>> {line}")


# -- setting up ----------------------------------------------------------------------------


def _show_server(url: str, demo_data: ModuleType) -> None:
    counts = demo_data.module_counts(demo_data.demo_records())
    listing = ", ".join(f"{count} {module}" for module, count in counts.items())
    _say(f"serving {url}")
    _say(f"with {sum(counts.values())} records: {listing}")


def _generate(client: Client, package_dir: Path) -> Path:
    """Generate the models package from the server's schema with codegen's own steps."""
    import time

    from codegen.lock import LockFile
    from codegen.plan import plan_package
    from codegen.render import render_package, write_package
    from codegen.source import Summary, fetch_schema, select_modules

    _heading("2. Generating typed models from the server's schema")
    _say("listtypes, then one describe per type (what `vtorm generate` does with your CRM):")
    started = time.monotonic()
    sys.stdout.flush()
    schema = fetch_schema(client, stream=sys.stdout)
    modules = select_modules(schema, None)
    files = render_package(plan_package(modules, LockFile.read(package_dir)))
    write_package(files, package_dir)
    _say(Summary.of(modules, started).line("generated", package_dir))
    return package_dir


@contextmanager
def _imported(root: Path) -> Iterator[ModuleType]:
    """The generated package, importable from `root` only while the block runs."""
    _forget_package()
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        _forget_package()


def _forget_package() -> None:
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]


# -- the tour ------------------------------------------------------------------------------


class Tour:
    """The ORM steps, each printing the Python, the VTQL and what the server saw."""

    def __init__(self, models: ModuleType, emulator: Emulator) -> None:
        self.models = models
        self.emulator = emulator

    def run(self) -> None:
        """Every step, in order."""
        self.query()
        self.count()
        self.iterate()
        record = self.create()
        self.partial_update(record)
        self.delete(record)
        self.unsupported()

    def _requests(self, operation: str) -> list[dict[str, str]]:
        return [
            dict(entry.params)
            for entry in self.emulator.request_log
            if entry.operation.lower() == operation
        ]

    def _counting(self, operation: str, action: Callable[[], Any]) -> tuple[Any, int]:
        before = len(self._requests(operation))
        result = action()
        return result, len(self._requests(operation)) - before

    def query(self) -> None:
        potential = self.models.Potential
        _heading("3. A filtered, ordered query")
        _code(
            "deals = (Potential.objects.filter(amount__gte=50000)\n"
            '         .exclude(sales_stage__in=["Closed Won", "Closed Lost"])\n'
            '         .order_by("closingdate")[:5])'
        )
        deals = (
            potential.objects.filter(amount__gte=50000)
            .exclude(sales_stage__in=["Closed Won", "Closed Lost"])
            .order_by("closingdate")[:5]
        )
        _say(f"VTQL: {deals.explain()}")
        for deal in deals:
            stage = f"{deal.sales_stage:<23}"
            _say(f"  {deal.closingdate}  {deal.amount:>10,.2f}  {stage}  {deal.potentialname}")

    def count(self) -> None:
        ticket = self.models.HelpDesk
        _heading("4. Counting on the server")
        _code('HelpDesk.objects.filter(ticketstatus="Open").count()')
        query = ticket.objects.filter(ticketstatus="Open")
        total, requests = self._counting("query", query.count)
        _say(f"VTQL: {self._requests('query')[-1]['query']}")
        _say(f"-> {total} open tickets, in {requests} request (no records transferred)")

    def iterate(self) -> None:
        contact = self.models.Contact
        _heading("5. Iterating past the server's 100-row cap")
        _code("names = [c.lastname for c in Contact.objects.all()]")
        names, requests = self._counting(
            "query", lambda: [c.lastname for c in contact.objects.all()]
        )
        pages = [entry["query"] for entry in self._requests("query")[-requests:]]
        _say(f"{len(names)} contacts in {requests} query requests; the server returns at most")
        _say("100 rows per query, so vtorm walks by id until the first empty page:")
        for statement in pages:
            _say(f"  {statement}")

    def create(self) -> Any:
        account, contact = self.models.Account, self.models.Contact
        _heading("6. Creating a record")
        _code(
            'customer = Account.objects.filter(accounttype="Customer").order_by("accountname")[0]\n'
            'ada = Contact(firstname="Ada", lastname="Lovelace", account_id=customer.id)\n'
            "ada.save()"
        )
        customer = account.objects.filter(accounttype="Customer").order_by("accountname")[0]
        ada = contact(firstname="Ada", lastname="Lovelace", account_id=customer.id)
        ada.save()
        _say(f"created {ada.id} at {customer.accountname}: record number {ada.contact_no},")
        _say(f"created {ada.createdtime}, owner {ada.assigned_user_id} (you: the logged-in user)")
        return ada

    def partial_update(self, ada: Any) -> None:
        _heading("7. A partial update: only the changed field is sent")
        _code('ada.mailingcity = "London"\nada.save()')
        ada.mailingcity = "London"
        changed = ada.vtiger_changed()
        _, requests = self._counting("revise", ada.save)
        element = json.loads(self._requests("revise")[-1]["element"])
        _say(f"changed fields: {changed}; {requests} revise request with element:")
        _say(f"  {json.dumps(element)}")
        _say("(another user's concurrent edits of other fields survive)")

    def delete(self, ada: Any) -> None:
        contact = self.models.Contact
        _heading("8. Deleting it")
        record_id = ada.id
        _code(f'ada.delete()\nContact.objects.filter(id="{record_id}").exists()')
        ada.delete()
        _say(f"-> {contact.objects.filter(id=record_id).exists()}")

    def unsupported(self) -> None:
        from vtorm.errors import UnsupportedQuery

        contact = self.models.Contact
        _heading("9. What VTQL cannot express runs in Python, in plain sight")
        _code('Contact.objects.exclude(lastname__contains="son").explain()')
        for line in contact.objects.exclude(lastname__contains="son").explain().splitlines():
            _say(line)
        _code('Contact.objects.server_only().exclude(lastname__contains="son")')
        try:
            contact.objects.server_only().exclude(lastname__contains="son")
        except UnsupportedQuery as error:
            _say(f"UnsupportedQuery: {error}")
        else:
            raise AssertionError("server_only() accepted exclude(lastname__contains=...)")


# -- closing -------------------------------------------------------------------------------


def _show_generated(package_dir: Path, models: ModuleType) -> None:
    contact = models.Contact
    _heading("10. Your generated code")
    modules = sorted(path.name for path in package_dir.glob("*.py"))
    _say(f"{package_dir}  ({len(modules)} files, e.g. {', '.join(modules[:4])}, ...)")
    _say(f"{package_dir / 'contact.py'}: class Contact, {len(contact.vtiger_fields)} typed fields,")
    _say("typed filter() lookups your editor completes and mypy checks.")


def _show_next_steps() -> None:
    _heading("Use vtorm with your own Vtiger")
    for command in _REAL_SERVER_COMMANDS:
        _say(command)
    _say()
    _say("The access key is under My Preferences in the CRM (not the password).")
    _say("Docs: docs/index.md (mkdocs serve)")
