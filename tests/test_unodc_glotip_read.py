"""Reading GLOTIP workbooks: banner rows, header on row 3, release date, strict cells, corrupt files refused."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from pipelines.defs.unodc_glotip import read
from pipelines.defs.unodc_glotip.source import SOURCE, release_date
from pipelines.lib import raw_store
from pipelines.lib.tabular import SourceFormatError
from pipelines.sample.unodc_glotip import xlsx_bytes
from tests.conftest import FIXTURES

GLOTIP_FIXTURES = FIXTURES / "unodc_glotip"
YEAR_COLUMN = 9


def sheet_rows(name: str) -> list[list[object]]:
    """The fixture's sheet rows; data rows carry the year as a number, as UNODC's workbook does."""
    with (GLOTIP_FIXTURES / name).open(newline="", encoding="utf-8") as handle:
        rows: list[list[object]] = [list(r) for r in csv.reader(handle)]
    for row in rows[3:]:
        row[YEAR_COLUMN] = int(row[YEAR_COLUMN])
    return rows


def glotip_xlsx(tmp_path: Path, name: str, edit=None, file_name: str = "data_glotip.xlsx") -> Path:  # noqa: ANN001
    """The fixture as a workbook in tmp_path; `edit(rows)` may change the rows first."""
    rows = sheet_rows(name)
    if edit:
        edit(rows)
    out = tmp_path / name.removesuffix(".csv") / file_name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(xlsx_bytes(rows))
    return out


def land_glotip(paths, file: Path, accessed: str | None = None) -> raw_store.Snapshot:  # noqa: ANN001
    day = dt.date.fromisoformat(accessed) if accessed else None
    return raw_store.land(paths.raw_dir, SOURCE, file, arrival="import", accessed=day)


def test_rows_headers_and_sheet_rows(paths, tmp_path) -> None:  # noqa: ANN001
    snapshot = land_glotip(paths, glotip_xlsx(tmp_path, "release_2025.csv"))
    frame = read.read_snapshot(snapshot)
    assert len(frame) == len(sheet_rows("release_2025.csv")) - 3
    assert list(frame.columns)[:13] == list(read.columns())
    assert frame["_source_row"].iloc[0] == 4
    assert frame.loc[frame["Country"] == "Sark", "Iso3_code"].iloc[0] == ""
    assert set(frame["Year"]) == {"2021", "2022"}  # numeric cells read as text without ".0"
    assert read.validate_cells(frame, snapshot.name)["txtVALUE"] == len(frame)


def test_release_date_from_row_2_is_the_publication_date(paths, tmp_path) -> None:  # noqa: ANN001
    snapshot = land_glotip(paths, glotip_xlsx(tmp_path, "release_2023.csv"))
    assert snapshot.provenance["published"] == "2023-05-30"
    assert "row 2" in snapshot.provenance["published_basis"]

    def no_date(rows: list) -> None:
        rows[1][0] = "Global Report"

    assert release_date(glotip_xlsx(tmp_path / "x", "release_2023.csv", no_date)) == (None, None)


def test_renamed_column_is_named(paths, tmp_path) -> None:  # noqa: ANN001
    def rename(rows: list) -> None:
        rows[2][11] = "Value"

    snapshot = land_glotip(paths, glotip_xlsx(tmp_path, "release_2025.csv", rename))
    with pytest.raises(SourceFormatError) as error:
        read.read_snapshot(snapshot)
    message = str(error.value)
    assert "row 3" in message and "missing column(s) ['txtVALUE']" in message and "['Value']" in message


def test_text_in_a_value_names_row_and_column(paths, tmp_path) -> None:  # noqa: ANN001
    def text(rows: list) -> None:
        rows[9][11] = "about 40"

    snapshot = land_glotip(paths, glotip_xlsx(tmp_path, "release_2025.csv", text))
    frame = read.read_snapshot(snapshot)
    with pytest.raises(SourceFormatError) as error:
        read.validate_cells(frame, snapshot.name)
    assert error.value.row == 10 and error.value.column == "txtVALUE"
    assert "'about 40'" in str(error.value) and snapshot.name in str(error.value)


@pytest.mark.parametrize("bad", ["2,14", "", "n/a", "1.5"])
def test_values_that_are_neither_counts_nor_markers_are_refused(paths, tmp_path, bad: str) -> None:  # noqa: ANN001
    def edit(rows: list) -> None:
        rows[5][11] = bad

    frame = read.read_snapshot(land_glotip(paths, glotip_xlsx(tmp_path, "release_2025.csv", edit)))
    with pytest.raises(SourceFormatError, match="row 6, column 'txtVALUE'"):
        read.validate_cells(frame, "f")


def test_row_with_neither_country_nor_area_code_is_refused(paths, tmp_path) -> None:  # noqa: ANN001
    def edit(rows: list) -> None:
        rows[5][0], rows[5][1] = "", ""

    frame = read.read_snapshot(land_glotip(paths, glotip_xlsx(tmp_path, "release_2025.csv", edit)))
    with pytest.raises(SourceFormatError, match="row 6, column 'Iso3_code': row names neither"):
        read.validate_cells(frame, "f")


def test_html_page_saved_as_xlsx_is_refused_at_import(paths, tmp_path) -> None:  # noqa: ANN001
    page = tmp_path / "data_glotip.xlsx"
    page.write_text("<!DOCTYPE html><html><head><title>Access denied</title></head><body></body></html>")
    with pytest.raises(raw_store.RawStoreError, match="HTML page \\('Access denied'\\)"):
        land_glotip(paths, page)
    assert raw_store.list_snapshots(paths.raw_dir, "unodc_glotip", include_rejected=True) == []


def test_truncated_workbook_is_refused_naming_the_file(paths, tmp_path) -> None:  # noqa: ANN001
    whole = glotip_xlsx(tmp_path, "release_2025.csv").read_bytes()
    cut = tmp_path / "cut" / "data_glotip.xlsx"
    cut.parent.mkdir()
    cut.write_bytes(whole[: len(whole) // 2])
    # refused at import: stored, it would state no release date and never be chosen, nor marked rejected
    with pytest.raises(raw_store.RawStoreError, match="data_glotip.xlsx is not a valid xlsx workbook"):
        land_glotip(paths, cut)
    assert raw_store.list_snapshots(paths.raw_dir, "unodc_glotip", include_rejected=True) == []


def test_zip_that_is_not_a_workbook_is_refused(paths, tmp_path) -> None:  # noqa: ANN001
    import zipfile

    fake = tmp_path / "data_glotip.xlsx"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(SourceFormatError, match="cannot be read as xlsx"):
        read.read_snapshot(land_glotip(paths, fake))


def test_missing_sheet_is_named(paths, tmp_path) -> None:  # noqa: ANN001
    other = tmp_path / "data_glotip.xlsx"
    other.write_bytes(xlsx_bytes(sheet_rows("release_2025.csv"), sheet="Sheet1"))
    with pytest.raises(SourceFormatError, match="has no sheet 'data_glotip_1'"):
        read.read_snapshot(land_glotip(paths, other))


def test_release_date_not_import_order_picks_the_current_release(paths, tmp_path) -> None:  # noqa: ANN001
    from pipelines.defs.unodc_glotip.stage import choose_releases
    from pipelines.lib.warehouse import Warehouse

    newer = land_glotip(paths, glotip_xlsx(tmp_path, "release_2025.csv"), accessed="2025-05-01")
    older = land_glotip(paths, glotip_xlsx(tmp_path, "release_2023.csv"), accessed="2025-06-01")
    current, previous = choose_releases(Warehouse(data_dir=str(paths.data_dir)))
    assert (current.name, previous.name) == (newer.name, older.name)
    pinned = Warehouse(data_dir=str(paths.data_dir), snapshot_pins=f"unodc_glotip={older.name}")
    assert choose_releases(pinned) == (older, None)
