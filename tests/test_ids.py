from __future__ import annotations

import pytest

from vtorm import InvalidRecordId, RecordId


def test_record_id_parts() -> None:
    rid = RecordId("12x5")
    assert rid == "12x5"
    assert (rid.prefix, rid.crmid) == ("12", 5)
    assert RecordId.of(11, 42) == "11x42"


@pytest.mark.parametrize("bad", ["", "5", "12x", "x5", "12x5 ", "12X5", "ax5", "12x5x6"])
def test_malformed_ids_are_refused(bad: str) -> None:
    with pytest.raises(InvalidRecordId, match="not a record id"):
        RecordId(bad)
    assert not RecordId.is_valid(bad)
