"""The Frontex fixtures as workbooks, and landing them in a raw store."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from pipelines.defs.frontex_ibc.source import SOURCE
from pipelines.lib import raw_store
from pipelines.sample.frontex_ibc import workbook
from tests.conftest import FIXTURES

FRONTEX_FIXTURES = FIXTURES / "frontex_ibc"
DATA_AS_OF = {"2018": "Source: Frontex data as of 06 July 2018.", "2025": "Source: FRAN data as of 03JUN25"}


def fixture_rows(name: str) -> list[list[str]]:
    with (FRONTEX_FIXTURES / name).open(newline="", encoding="utf-8") as handle:
        return [list(row) for row in csv.reader(handle)]


def frontex_xlsx(tmp_path: Path, layout: str, edit=None, data_as_of: str | None = None) -> Path:  # noqa: ANN001
    """The fixture ibc_<layout>.csv as a workbook: counts as numbers, empty cells empty, the 2018 month headers
    as date cells; `edit(header, rows)` may change them first."""
    header, *rows = fixture_rows(f"ibc_{layout}.csv")
    cells: list[object] = [
        dt.date.fromisoformat(h) if layout == "2018" and i > 2 else h for i, h in enumerate(header)
    ]
    body = [[*r[:3], *(int(v) if v.isdigit() else v for v in r[3:])] for r in rows]
    if edit:
        edit(cells, body)
    out = tmp_path / layout / f"Detections_of_IBC_{layout}.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(workbook(layout, cells, body, data_as_of or DATA_AS_OF[layout]))
    return out


def land_frontex(paths, file: Path, accessed: str | None = None) -> raw_store.Snapshot:  # noqa: ANN001
    day = dt.date.fromisoformat(accessed) if accessed else None
    return raw_store.land(paths.raw_dir, SOURCE, file, arrival="import", accessed=day)
