"""Schema snapshots: the embedded server serves exactly the schema it is given."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import tests.sample_project.crm as sample_package
from tests.emulator.conftest import refused
from tests.inprocess import make_client
from vtorm.emulator import Emulator, Schema, load_schema
from vtorm.emulator.snapshot import SnapshotError, find_snapshot
from vtorm.errors import AccessDenied

SAMPLE = Path(sample_package.__file__).parent / "vtorm.schema"


def _copy_as_file(tmp_path: Path) -> Path:
    """The sample snapshot folder written as one schema.json."""
    describe = {p.stem: json.loads(p.read_text("utf-8")) for p in (SAMPLE / "describe").iterdir()}
    data = {
        "listtypes": json.loads((SAMPLE / "listtypes.json").read_text("utf-8")),
        "describe": describe,
        "relatedtypes": {
            p.stem: json.loads(p.read_text("utf-8")) for p in (SAMPLE / "relatedtypes").iterdir()
        },
        "columns": {"modules": {"Vehicles": {"plate": {"column_type": "varchar(20)"}}}},
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_schema_is_importable_from_the_package() -> None:
    assert Schema.standard().modules["Contacts"].id_prefix == "12"


@pytest.mark.parametrize(
    "source",
    [str(SAMPLE), SAMPLE, "tests.sample_project.crm", sample_package, SAMPLE.parent],
    ids=["path-text", "path", "import-name", "module", "package-folder"],
)
def test_every_way_of_naming_a_snapshot_reads_the_same_schema(source: object) -> None:
    schema = load_schema(source)  # type: ignore[arg-type]
    assert list(schema.modules) == [
        "Accounts", "Contacts", "Leads", "Vehicles", "Users", "Groups", "Currency"
    ]  # fmt: skip
    assert schema["Vehicles"].id_prefix == "41"
    assert schema["Accounts"].field("cf_877") is not None


def test_one_file_snapshot_with_column_types(tmp_path: Path) -> None:
    schema = load_schema(_copy_as_file(tmp_path))
    assert schema["Contacts"].field("cf_855") is not None
    assert schema.column_type("Vehicles", "plate") == "varchar(20)"
    assert schema.column_type("Vehicles", "cf_901") is None
    assert schema.related["Accounts"] is not None


def test_the_server_answers_with_the_snapshot() -> None:
    emulator = Emulator(schema="tests.sample_project.crm")
    with make_client(emulator) as client:
        assert client.list_types()["types"][:4] == ["Accounts", "Contacts", "Leads", "Vehicles"]
        assert client.describe("Vehicles")["fields"][0]["name"] == "vehiclename"
        van = client.create("Vehicles", {"vehiclename": "Van", "cf_901": "12",
                                         "assigned_user_id": "19x1"})  # fmt: skip
        assert van["id"].startswith("41x") and van["cf_901"] == "12"
        rows = client.query("SELECT vehiclename FROM Vehicles WHERE cf_901 = '12';")
        assert [row["vehiclename"] for row in rows] == ["Van"]
        with pytest.raises(AccessDenied, match="Potentials"):  # not a type of this CRM
            client.describe("Potentials")
    emulator.close()


def test_a_snapshot_without_any_describe_is_refused(tmp_path: Path) -> None:
    (tmp_path / "describe").mkdir()
    (tmp_path / "listtypes.json").write_text(json.dumps({"types": ["Widgets"]}))
    with pytest.raises(SnapshotError, match="none of the types"):
        load_schema(tmp_path)


def test_types_generated_without_a_describe_are_served_as_stock(tmp_path: Path) -> None:
    """`vtorm generate --modules Contacts` keeps the full listtypes but one describe."""
    stock = Schema.standard()
    (tmp_path / "describe").mkdir()
    custom = json.loads((SAMPLE / "describe" / "Contacts.json").read_text("utf-8"))
    (tmp_path / "describe" / "Contacts.json").write_text(json.dumps(custom))
    listtypes = {"types": [*stock.modules, "Widgets"], "information": {}}
    (tmp_path / "listtypes.json").write_text(json.dumps({"success": True, "result": listtypes}))
    schema = load_schema(tmp_path)
    assert list(schema.modules) == list(stock.modules)  # Widgets: no describe anywhere
    assert schema["Contacts"].field("cf_855") is not None
    assert schema["Accounts"].describe == stock["Accounts"].describe
    assert schema.related["Accounts"] == stock.related["Accounts"]


@pytest.mark.parametrize("source", ["no/such/folder", "no_such_package_xyz"])
def test_unknown_sources_are_refused(source: str) -> None:
    with pytest.raises(SnapshotError, match=source.split("/")[0]):
        find_snapshot(source)


def test_a_package_without_a_snapshot_says_what_is_expected() -> None:
    with pytest.raises(SnapshotError, match=r"listtypes\.json"):
        find_snapshot("vtorm.query")


def test_vtorm_serve_serves_a_snapshot_and_users() -> None:
    command = [sys.executable, "-m", "vtorm", "serve", "--port", "0", "--access-key", "K",
               "--schema", str(SAMPLE), "--user", "alice", "--private", "Contacts"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().split(": ", 1)[1]
        process.stdout.readline(), process.stdout.readline()
        alice_line = process.stdout.readline().strip()
        assert alice_line.startswith("user alice (Sales Person): ")
        from vtorm.client import Client

        with Client(url, "admin", "K") as client:
            assert "Vehicles" in client.list_types()["types"]
            client.create("Contacts", {"lastname": "Admin's", "assigned_user_id": "19x1"})
        with Client(url, "alice", alice_line.rsplit(" ", 1)[1]) as alice:
            assert alice.query("SELECT count(*) FROM Contacts;") == [{"count": "0"}]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["--schema", "/no/such/nope"], "nope"), (["--user", "x:Janitor"], "unknown role 'Janitor'"),
     (["--private", "Widgets"], "unknown module 'Widgets'")],
)  # fmt: skip
def test_vtorm_serve_refuses_bad_settings(arguments: list[str], message: str) -> None:
    code, stderr = refused(["serve", "--port", "0", *arguments])
    assert code == 2 and message in stderr
