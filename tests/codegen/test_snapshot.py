"""`--quiet`, the schema snapshot beside the models, and `vtorm schema dump`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen.snapshot import SNAPSHOT_DIR
from vtorm.cli import main


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.json"))}


def test_quiet_writes_no_progress_and_plain_runs_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["generate", "--demo", "--modules", "Contacts,Accounts"]
    assert main([*args, "--output", str(tmp_path / "loud")]) == 0
    loud = capsys.readouterr()
    # Describes run in parallel, so either type may be the first one finished.
    lines = loud.err.splitlines()
    assert [line.rsplit(" ", 1)[1] for line in lines] == ["(1/2)", "(2/2)"]
    assert sorted(line.split()[1] for line in lines) == ["Accounts", "Contacts"]
    assert main([*args, "--output", str(tmp_path / "quiet"), "--quiet"]) == 0
    quiet = capsys.readouterr()
    assert quiet.err == ""
    assert quiet.out.startswith("generated 2 types, ")  # the summary line stays


def test_generate_writes_a_deterministic_snapshot_and_drops_stale_types(tmp_path: Path) -> None:
    package = tmp_path / "models"
    base = ["generate", "--demo", "--quiet", "--output", str(package)]
    assert main([*base, "--modules", "Contacts,Accounts,Currency"]) == 0
    snapshot = _tree(package / SNAPSHOT_DIR)
    assert sorted(snapshot) == [
        "describe/Accounts.json",
        "describe/Contacts.json",
        "describe/Currency.json",
        "listtypes.json",
        "relatedtypes/Accounts.json",  # entity types only: Currency has no relations
        "relatedtypes/Contacts.json",
    ]
    contacts = json.loads(snapshot["describe/Contacts.json"])
    assert contacts["name"] == "Contacts" and contacts["fields"][0]["name"] == "salutationtype"
    assert "Contacts" in json.loads(snapshot["listtypes.json"])["types"]
    assert main([*base, "--modules", "Contacts,Accounts,Currency"]) == 0
    assert _tree(package / SNAPSHOT_DIR) == snapshot  # byte-identical again
    assert main([*base, "--modules", "Contacts"]) == 0
    assert sorted(_tree(package / SNAPSHOT_DIR)) == [
        "describe/Contacts.json",
        "listtypes.json",
        "relatedtypes/Contacts.json",
    ]


def test_check_reports_a_snapshot_edited_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "models"
    assert main(["generate", "--demo", "--quiet", "--output", str(package)]) == 0
    assert main(["generate", "--demo", "--quiet", "--output", str(package), "--check"]) == 0
    (package / SNAPSHOT_DIR / "describe" / "Contacts.json").write_text("{}\n", "utf-8")
    (package / SNAPSHOT_DIR / "describe" / "Gone.json").write_text("{}\n", "utf-8")
    capsys.readouterr()
    assert main(["generate", "--demo", "--quiet", "--output", str(package), "--check"]) == 1
    out = capsys.readouterr().out
    assert "vtorm.schema/describe/Contacts.json" in out
    assert "vtorm.schema/describe/Gone.json" in out


def test_schema_dump_writes_the_generate_snapshot_without_models(tmp_path: Path) -> None:
    modules = ["--modules", "Contacts,Accounts"]
    assert main(["generate", "--demo", "--quiet", *modules, "--output", str(tmp_path / "m")]) == 0
    dump = tmp_path / "dump"
    assert main(["schema", "dump", "--demo", "--quiet", *modules, "--output", str(dump)]) == 0
    assert _tree(dump) == _tree(tmp_path / "m" / SNAPSHOT_DIR)
    assert not list(dump.rglob("*.py"))
    (dump / "notes.json").write_text("{}", "utf-8")  # not the dump's: left alone
    assert (
        main(
            ["schema", "dump", "--demo", "--quiet", "--modules", "Accounts", "--output", str(dump)]
        )
        == 0
    )
    assert sorted(_tree(dump)) == [
        "describe/Accounts.json",
        "listtypes.json",
        "notes.json",
        "relatedtypes/Accounts.json",
    ]


def test_a_snapshot_regenerates_the_same_package_offline(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert (
        main(["generate", "--demo", "--quiet", "--modules", "Contacts", "--output", str(first)])
        == 0
    )
    describe = first / SNAPSHOT_DIR / "describe"
    second = tmp_path / "second"
    args = ["--schema", str(describe), "--modules", "Contacts", "--output", str(second)]
    assert main(["generate", "--demo", "--quiet", *args]) == 0
    assert (first / "contact.py").read_text("utf-8") == (second / "contact.py").read_text("utf-8")


def test_schema_dump_errors_name_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in ("VTIGER_URL", "VTIGER_USERNAME", "VTIGER_ACCESS_KEY"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["schema", "dump", "--output", str(tmp_path)]) == 2
    assert "vtorm schema dump needs --url, --username, --access-key" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["schema", "dump", "--demo"])  # --output is required
