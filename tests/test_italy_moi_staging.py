"""The staging models on the fixtures, run through the assets' own functions on a temporary DuckDB file."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.defs.italy_moi import stage
from pipelines.defs.italy_moi.source import FILES, SOURCE
from pipelines.lib import raw_store
from pipelines.lib.warehouse import Warehouse
from pipelines.settings import resolve_paths
from tests.build_helpers import query
from tests.conftest import FIXTURES

TABLES = {
    "daily_landings": "stg_italy_moi__daily_landings",
    "nationality_ytd": "stg_italy_moi__arrivals_by_nationality",
    "reports": "stg_italy_moi__reports",
}


@pytest.fixture(scope="module")
def staged(tmp_path_factory):  # noqa: ANN001, ANN201
    root = tmp_path_factory.mktemp("italy_moi_staging")
    paths = resolve_paths(root / "data", root / "reports")
    for name, _table in FILES.values():
        raw_store.land(
            paths.raw_dir,
            SOURCE,
            FIXTURES / "italy_moi" / name,
            arrival="import",
            accessed=dt.date(2024, 5, 16),
        )
    warehouse = Warehouse(data_dir=str(paths.data_dir), reports_dir=str(paths.reports_dir))
    metadata = {}
    for entity, table in TABLES.items():
        stage.load_raw(warehouse, entity)
        metadata[entity] = stage.build_staging(warehouse, entity, table)
    return paths.working_db, metadata


def daily(db, where: str = "true") -> dict:  # noqa: ANN001
    rows = query(
        db,
        "select landing_date_published, report_date::varchar, landing_date, arrivals, is_latest_report, "
        f"after_report_date, cleaning_notes from staging.stg_italy_moi__daily_landings where {where}",
    )
    return {(r[0], r[1]): r[2:] for r in rows}


def test_one_row_per_record_with_its_file_line(staged) -> None:  # noqa: ANN001
    db, _ = staged
    rows = query(db, "select source_row from staging.stg_italy_moi__daily_landings")
    assert [r[0] for r in rows] == list(range(2, 23))


def test_the_latest_report_wins_and_earlier_rows_are_kept(staged) -> None:  # noqa: ANN001
    db, _ = staged
    rows = daily(db, "landing_date = '2024-04-15'")
    assert rows[("2024-04-15", "2024-04-15")][1:3] == (31, False)
    assert rows[("2024-04-15", "2024-04-30")][1:3] == (77, True)
    assert rows[("2024-04-15", "2024-04-15")][4] == ["repeated day superseded: later report 2024-04-30"]
    latest = query(
        db,
        "select count(*), count(distinct landing_date) from staging.stg_italy_moi__daily_landings "
        "where is_latest_report",
    )
    assert latest == [(14, 14)]


def test_future_days_listed_as_zero_get_null_arrivals(staged) -> None:  # noqa: ANN001
    db, _ = staged
    future = daily(db, "after_report_date")
    assert set(future) == {
        ("2024-04-16", "2024-04-15"),
        ("2024-04-29", "2024-04-15"),
        ("2024-04-30", "2024-04-15"),
        ("2024-04-31", "2024-04-15"),
        ("2024-05-16", "2024-05-15"),
    }
    assert all(row[1] is None for row in future.values())
    assert "future day set null: 0" in future[("2024-05-16", "2024-05-15")][4]
    # the last report's future day is its landing date's latest row, with null arrivals
    assert future[("2024-05-16", "2024-05-15")][2] is True
    # the report day itself is not a future day
    assert daily(db)[("2024-05-15", "2024-05-15")][1:4] == (0, True, False)


def test_impossible_date_is_null_and_counted(staged) -> None:  # noqa: ANN001
    db, metadata = staged
    ((date, arrivals, latest, _after, notes),) = daily(db, "landing_date_published = '2024-04-31'").values()
    assert date is None and arrivals is None and latest is False
    assert "impossible date set null: 2024-04-31" in notes
    assert metadata["daily_landings"]["cleaning_decisions"].data["impossible date set null"] == 1


def test_empty_values_and_artefacts_are_null_and_counted(staged) -> None:  # noqa: ANN001
    db, metadata = staged
    rows = daily(db)
    assert rows[("2024-05-14", "2024-05-15")][1] is None
    assert rows[("2024-05-14", "2024-05-15")][4] == ["empty value set null"]
    assert "extraction artefact set null: 0[VALORE]0" in rows[("2024-04-30", "2024-04-15")][4]
    decisions = metadata["daily_landings"]["cleaning_decisions"].data
    assert decisions == {
        "empty value set null": 2,
        "extraction artefact set null": 1,
        "future day set null": 5,
        "impossible date set null": 1,
        "repeated day superseded": 6,
    }


def test_note_keeps_the_cut_off(staged) -> None:  # noqa: ANN001
    db, _ = staged
    notes = dict(
        query(
            db,
            "select report_date::varchar, any_value(note) from staging.stg_italy_moi__daily_landings group by 1",
        )
    )
    assert "24:00" in notes["2022-12-31"] and "8:00" in notes["2024-04-30"]


def test_nationalities_map_to_iso3_and_others_stay_apart(staged) -> None:  # noqa: ANN001
    db, metadata = staged
    rows = {
        (r[0], r[1]): r[2:]
        for r in query(
            db,
            "select report_date::varchar, nationality_published, iso2, nationality_iso3, is_other, arrivals_ytd, "
            "cleaning_notes from staging.stg_italy_moi__arrivals_by_nationality",
        )
    }
    assert rows[("2024-04-30", "Costa d'Avorio")][:4] == ("CI", "CIV", False, 1000)
    assert rows[("2024-04-30", "altre")][:4] == (None, None, True, 8200)
    assert rows[("2024-05-15", "Kosovo")][1] is None
    assert rows[("2024-05-15", "Kosovo")][4] == ["unknown country code: XK"]
    totals = dict(
        query(
            db,
            "select report_date::varchar, sum(arrivals_ytd)::int from staging.stg_italy_moi__arrivals_by_nationality "
            "group by 1",
        )
    )
    assert totals["2022-12-31"] == 105129
    assert metadata["nationality_ytd"]["cleaning_decisions"].data == {
        "others row": 5,
        "unknown country code": 1,
    }


def test_reports_are_typed(staged) -> None:  # noqa: ANN001
    db, _ = staged
    rows = query(db, "select report_date, url, source_row from staging.stg_italy_moi__reports order by 1")
    assert rows[0][0] == dt.date(2022, 12, 31) and rows[0][1].endswith("_31-12-2022.pdf") and rows[0][2] == 2
    assert len(rows) == 4


def test_tables_and_columns_are_documented(staged) -> None:  # noqa: ANN001
    db, _ = staged
    missing = query(
        db,
        "select table_name, column_name from duckdb_columns() where schema_name = 'staging' "
        "and table_name like 'stg_italy_moi__%' and comment is null",
    )
    assert missing == []


def test_year_to_date_decreases_are_listed_with_their_numbers(staged) -> None:  # noqa: ANN001
    from pipelines.defs.italy_moi.expectations import YTD_DECREASES

    db, _ = staged
    assert query(db, YTD_DECREASES) == [("CI", "2024-04-15", 1100, "2024-04-30", 1000)]
