"""`vtorm demo` runs end to end, in process, and its tour shows what it promises."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from vtorm.cli import main
from vtorm.demo import PACKAGE
from vtorm.emulator.demo_data import DEMO_COUNTS

Tour = tuple[str, Path]  # the demo's output, and the directory it generated into


def line_after(text: str, marker: str) -> str:
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if marker in line)
    return lines[index + 1].strip()


@pytest.mark.embedded_only(reason="`vtorm demo` always tours its own embedded server")
def test_demo_tour(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """One in-process run (it takes a few seconds), checked step by step below."""
    assert main(["demo", "--output", str(tmp_path)]) == 0
    tour = (capsys.readouterr().out, tmp_path)
    check_the_query_step_shows_its_vtql(tour)
    check_count_is_one_count_request(tour)
    check_iteration_pages_past_100_with_few_requests(tour)
    check_partial_update_sends_only_the_changed_field(tour)
    check_create_and_delete(tour)
    check_unsupported_query_is_explained(tour)
    check_generated_code_is_kept_and_shown(tour)
    check_ends_with_three_commands_for_a_real_server(tour)


def check_the_query_step_shows_its_vtql(tour: Tour) -> None:
    text, _ = tour
    assert (
        "VTQL: SELECT * FROM Potentials WHERE amount >= '50000' AND sales_stage != 'Closed Won' "
        "AND sales_stage != 'Closed Lost' ORDER BY closingdate, id LIMIT 5;"
    ) in text
    dates = re.findall(r"^\s+(\d{4}-\d\d-\d\d)\s+[\d,.]+\s", text, re.MULTILINE)
    assert 1 <= len(dates) <= 5
    assert dates == sorted(dates)


def check_count_is_one_count_request(tour: Tour) -> None:
    text, _ = tour
    assert "VTQL: SELECT count(*) FROM HelpDesk WHERE ticketstatus = 'Open';" in text
    found = re.search(r"-> (\d+) open tickets, in 1 request", text)
    assert found is not None
    assert 0 < int(found.group(1)) <= DEMO_COUNTS["HelpDesk"]


def check_iteration_pages_past_100_with_few_requests(tour: Tour) -> None:
    text, _ = tour
    found = re.search(r"(\d+) contacts in (\d+) query requests", text)
    assert found is not None
    contacts, requests = int(found.group(1)), int(found.group(2))
    assert contacts == DEMO_COUNTS["Contacts"] > 100
    assert requests <= math.ceil(contacts / 100) + 1
    assert "id > '" in text  # the keyset pages are shown


def check_partial_update_sends_only_the_changed_field(tour: Tour) -> None:
    text, _ = tour
    assert "changed fields: ['mailingcity']; 1 revise request" in text
    element = json.loads(line_after(text, "revise request with element:"))
    assert set(element) == {"id", "mailingcity"}
    assert element["mailingcity"] == "London"


def check_create_and_delete(tour: Tour) -> None:
    text, _ = tour
    created = re.search(r"created (\d+x\d+) at .+: record number (CON\d+)", text)
    assert created is not None
    assert f'Contact.objects.filter(id="{created.group(1)}").exists()' in text
    assert line_after(text, ".exists()") == "-> False"


def check_unsupported_query_is_explained(tour: Tour) -> None:
    text, _ = tour
    assert "UnsupportedQuery: negating lastname__contains needs NOT LIKE" in text


def check_generated_code_is_kept_and_shown(tour: Tour) -> None:
    text, output = tour
    package = output / PACKAGE
    assert (package / "contact.py").is_file()
    assert (package / "vtorm.lock.json").is_file()
    assert str(package / "contact.py") in text


def check_ends_with_three_commands_for_a_real_server(tour: Tour) -> None:
    text, _ = tour
    tail = text[text.index("Use vtorm with your own Vtiger") :]
    assert "export VTIGER_URL=" in tail
    assert "vtorm generate --output crm_models" in tail
    assert "vtorm.connect()" in tail
