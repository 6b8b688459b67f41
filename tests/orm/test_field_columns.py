"""What a field's storage column keeps, read from the MySQL column type codegen records."""

from __future__ import annotations

import pytest

from vtorm.model.fields import VtigerField


@pytest.mark.parametrize(
    ("column", "max_length", "decimal", "int_range"),
    [
        ("varchar(80)", 80, None, None),
        ("char(2)", 2, None, None),
        ("decimal(25,8)", None, (25, 8), None),
        ("decimal(11,0)", None, (11, 0), None),
        ("int(19)", None, None, (-(2**31), 2**31 - 1)),
        ("bigint(20)", None, None, (-(2**63), 2**63 - 1)),
        ("text", None, None, None),
        ("", None, None, None),
    ],
)
def test_column_limits(
    column: str,
    max_length: int | None,
    decimal: tuple[int, int] | None,
    int_range: tuple[int, int] | None,
) -> None:
    spec = VtigerField("x", "string", column=column)
    assert (spec.max_length, spec.decimal, spec.int_range) == (max_length, decimal, int_range)


def test_max_length_shows_in_the_json_schema() -> None:
    from typing import Annotated

    from pydantic import BaseModel

    class Row(BaseModel):
        name: Annotated[str, VtigerField("name", "string", label="Name", column="varchar(30)")]

    assert Row.model_json_schema()["properties"]["name"]["maxLength"] == 30
