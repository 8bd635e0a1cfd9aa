"""Reading Frontex IBC workbooks: both layouts by header meaning, month headers as text or dates, the 'data as
of' date, strict cells, label mapping, and the release addresses."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.defs.frontex_ibc import labels, read
from pipelines.defs.frontex_ibc.source import parse_data_as_of, release_url, releases
from pipelines.lib.raw_store import RawStoreError
from pipelines.lib.tabular import SourceFormatError
from tests.frontex_helpers import fixture_rows, frontex_xlsx, land_frontex


@pytest.mark.parametrize("layout", ["2018", "2025"])
def test_both_layouts_read_one_row_per_cell(paths, tmp_path, layout: str) -> None:  # noqa: ANN001
    snapshot = land_frontex(paths, frontex_xlsx(tmp_path, layout))
    frame, described = read.read_snapshot(snapshot)
    header, *rows = fixture_rows(f"ibc_{layout}.csv")
    months = header[3:]
    assert described.startswith(f"frontex_ibc_{layout}; route: Route")
    assert len(frame) == len(rows) * len(months)
    assert read.validate_cells(frame, snapshot.name)["rows"] == len(rows)
    # the first data row, last month: sheet row 2, the column after the last label column
    last_letter = chr(ord("D") + len(months) - 1)
    cell = frame[(frame["_source_row"] == 2) & (frame["_source_column"] == last_letter)].iloc[0]
    assert (cell["route"], cell["nationality"], cell["detections"]) == (rows[0][0], rows[0][2], rows[0][-1])
    # month headers as published: Excel dates read as ISO dates (2018), text as text (2025)
    assert cell["month_header"] == months[-1]


def test_data_as_of_is_the_publication_date(paths, tmp_path) -> None:  # noqa: ANN001
    assert land_frontex(paths, frontex_xlsx(tmp_path, "2018")).provenance["published"] == "2018-07-06"
    assert land_frontex(paths, frontex_xlsx(tmp_path, "2025")).provenance["published"] == "2025-06-03"
    assert parse_data_as_of("Source: FRAN data as of 03JUN25") == dt.date(2025, 6, 3)
    assert parse_data_as_of("Source: Frontex data as of 06 July 2018.") == dt.date(2018, 7, 6)
    assert parse_data_as_of("Source: FRAN data") is None


def test_header_of_neither_layout_is_refused(paths, tmp_path) -> None:  # noqa: ANN001
    def rename(header: list, _rows: list) -> None:
        header[1] = "Border"

    snapshot = land_frontex(paths, frontex_xlsx(tmp_path, "2025", rename))
    with pytest.raises(SourceFormatError, match="matches no known Frontex IBC layout") as error:
        read.read_snapshot(snapshot)
    assert "row 1" in str(error.value) and snapshot.name in str(error.value)


def test_a_column_that_is_not_a_month_is_refused(paths, tmp_path) -> None:  # noqa: ANN001
    def total(header: list, rows: list) -> None:
        header.append("TOTAL")
        for row in rows:
            row.append(1)

    with pytest.raises(SourceFormatError, match="'TOTAL' is neither a month"):
        read.read_snapshot(land_frontex(paths, frontex_xlsx(tmp_path, "2025", total)))


def test_header_names_are_matched_by_meaning(paths, tmp_path) -> None:  # noqa: ANN001
    def respell(header: list, _rows: list) -> None:
        header[1] = "Border Type or Inland "
        header[2] = "NATIONALITY"

    frame, described = read.read_snapshot(land_frontex(paths, frontex_xlsx(tmp_path, "2025", respell)))
    assert "nationality: NATIONALITY" in described and set(frame["border_type"]) == {"Sea", "Land"}


@pytest.mark.parametrize(
    ("value", "message"),
    [("12.5", "not a whole number"), (-3, "not a whole number"), ("n.a.", "not a whole number")],
)
def test_a_cell_that_is_not_a_count_names_row_and_column(
    paths, tmp_path, value: object, message: str
) -> None:  # noqa: ANN001
    def spoil(_header: list, rows: list) -> None:
        rows[3][5] = value  # sheet row 5, column F

    snapshot = land_frontex(paths, frontex_xlsx(tmp_path, "2025", spoil))
    frame, _ = read.read_snapshot(snapshot)
    with pytest.raises(SourceFormatError, match=message) as error:
        read.validate_cells(frame, snapshot.name)
    assert "row 5" in str(error.value) and "column 'F'" in str(error.value)


def test_a_row_given_twice_is_refused(paths, tmp_path) -> None:  # noqa: ANN001
    def repeat(_header: list, rows: list) -> None:
        rows.append(list(rows[0]))

    snapshot = land_frontex(paths, frontex_xlsx(tmp_path, "2018", repeat))
    frame, _ = read.read_snapshot(snapshot)
    with pytest.raises(SourceFormatError, match="given on an earlier row too"):
        read.validate_cells(frame, snapshot.name)


def test_a_truncated_workbook_is_not_stored(paths, tmp_path) -> None:  # noqa: ANN001
    good = frontex_xlsx(tmp_path, "2025")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:400])
    with pytest.raises(RawStoreError, match="not a valid xlsx"):
        land_frontex(paths, broken)


def test_every_fixture_label_maps_and_the_special_ones_stay_named() -> None:
    seen = {row[2] for name in ("ibc_2018.csv", "ibc_2025.csv") for row in fixture_rows(name)[1:]}
    table = labels.nationality_table(sorted(seen)).set_index("label")
    assert not (table["mapping"] == "unmapped").any()
    assert table.loc["Korea (D.P.R)", "iso3"] == "PRK" and table.loc["North Korea", "iso3"] == "PRK"
    assert table.loc["Congo (D.R.)", "iso3"] == "COD" == table.loc["Congo (Kinshasa)", "iso3"]
    assert table.loc["Türkiye", "iso3"] == "TUR"
    for label in ("Unknown", "Unspecified sub-Saharan nationals", "Stateless", "Kosovo*", "Palestine^"):
        assert table.loc[label, "iso3"] is None or str(table.loc[label, "iso3"]) == "<NA>"
        assert table.loc[label, "kind"] in ("not_a_country", "designation")
        assert table.loc[label, "nationality"] == label
    assert table.loc["Palestine", "nationality"] == "Palestine^"
    assert table.loc["Kosovo", "nationality"] != table.loc["Kosovo*", "nationality"]


def test_every_route_label_maps_and_the_drift_is_explicit() -> None:
    seen = {row[0] for name in ("ibc_2018.csv", "ibc_2025.csv") for row in fixture_rows(name)[1:]}
    assert seen <= set(labels.routes())
    assert labels.routes()["Central Mediterranean Route"] == labels.routes()["Central Mediterranean"]
    assert labels.routes()["Western Balkan Route"] == labels.routes()["Western Balkans"]
    assert labels.routes()["Eastern Borders Route"] == labels.routes()["Eastern Land Borders"]


def test_release_addresses_follow_the_publisher_pattern() -> None:
    assert releases(), "releases.csv lists no release"
    for day, url in releases():
        assert url == release_url(day)
    assert release_url(dt.date(2025, 6, 3)) == (
        "https://www.frontex.europa.eu/assets/Migratory_routes/2025/Monthly_detections_of_IBC_2025_06_03.xlsx"
    )
