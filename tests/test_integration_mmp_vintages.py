"""Integration: every real Missing Migrants snapshot in ../shared/data/mmp imported together combine by what each
covers, whatever the order they were imported in and whichever of them are present. Expected figures are read
from the files here, independently of the pipeline."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.lib import sql
from tests.build_helpers import build, land_mmp, query
from tests.conftest import require_shared
from tests.published_figures import MMP_CENTRAL_MED_2014_2024
from tests.test_integration_mmp_real import FILES, xlsx_central_med_by_year
from tests.test_mmp_pipeline import central_med_by_year

pytestmark = [pytest.mark.integration, pytest.mark.slow]

XLSX = "Missing_Migrants_Global_Figures_allData_2025-05-05.xlsx"
CSV_2025 = "Missing_Migrants_Global_Figures_allData_2025-05-05.csv"
PORTAL_2021 = "MissingMigrants-Global-2021-09-05T18-37-06.csv"
PORTAL_2020 = "MissingMigrants-Global-2020-01-08T14-05-32.csv"
EXTRACT_2026 = "MissingMigrants-Global-2026-05-06--19_42_11.csv"
# Full exports from 2014, fullest first (each covers up to the date in its name); the 2026 file is a portal
# extract of 2026 only.
FULL_EXPORTS = [XLSX, CSV_2025, PORTAL_2021, PORTAL_2020]
ALL = [PORTAL_2020, PORTAL_2021, CSV_2025, XLSX, EXTRACT_2026]


def figures_of(name: str) -> dict[int, int]:
    """Central Mediterranean dead and missing by year, read from the file itself."""
    path = require_shared("mmp") / name
    if name.endswith(".xlsx"):
        return xlsx_central_med_by_year(path)[0]
    year_col, total_col = FILES[name]
    return central_med_by_year(path, year_col, total_col)


def expected_for(names: set[str]) -> dict[int, int]:
    """The fullest full export's figures for every year it covers, and the 2026 extract's for 2026."""
    expected: dict[int, int] = {}
    fullest = next((n for n in FULL_EXPORTS if n in names), None)
    if fullest:
        expected.update(figures_of(fullest))
    if EXTRACT_2026 in names:
        expected.update(figures_of(EXTRACT_2026))
    return expected


def by_year(database: Path | duckdb.DuckDBPyConnection) -> dict[int, int]:
    statement = (
        "select year(month), sum(dead_and_missing)::int from curated.deaths_by_route_month "
        "where route = 'Central Mediterranean' group by 1"
    )
    if isinstance(database, duckdb.DuckDBPyConnection):
        return dict(database.execute(statement).fetchall())
    return dict(query(database, statement))


def _build_in_order(paths, order: list[str]):  # noqa: ANN001, ANN202
    for name in order:
        land_mmp(paths, require_shared("mmp") / name)
    ok, report = build(paths)
    assert ok, report.failures
    return paths


@pytest.fixture(scope="module")
def built_forward(tmp_path_factory):  # noqa: ANN001, ANN201
    from pipelines.settings import resolve_paths

    root = tmp_path_factory.mktemp("mmp_forward")
    return _build_in_order(resolve_paths(root / "data", root / "reports"), ALL)


def test_all_five_files_give_the_fullest_files_figures_and_the_2026_extracts(built_forward) -> None:  # noqa: ANN001
    figures = by_year(built_forward.published_db)
    assert figures == expected_for(set(ALL))
    assert {y: figures[y] for y in MMP_CENTRAL_MED_2014_2024} == MMP_CENTRAL_MED_2014_2024
    assert figures[2016] == 4574
    # May to December 2025: no snapshot covers them, so no figure at all (not a 0)
    uncovered = query(
        built_forward.published_db,
        "select month from curated.mmp_coverage_monthly where source_file is null order by month",
    )
    assert [m.isoformat() for (m,) in uncovered] == [f"2025-{m:02d}-01" for m in range(5, 13)]
    assert query(
        built_forward.published_db,
        "select count(*) from curated.deaths_by_route_month d join curated.mmp_coverage_monthly c "
        "using (month) where c.source_file is null",
    ) == [(0,)]
    # the two partial months: the 2025 export ends on 29 April, the 2026 extract in May
    partial = query(
        built_forward.published_db,
        "select month, original_name, days_covered, days_in_month from curated.mmp_coverage_monthly "
        "where source_file is not null and not is_complete order by month",
    )
    assert [(m.isoformat(), n) for m, n, _, _ in partial] == [
        ("2025-04-01", partial[0][1]),
        ("2026-05-01", EXTRACT_2026),
    ]
    assert partial[0][1] in (CSV_2025, XLSX) and partial[0][2:] == (29, 30)


def test_import_order_does_not_change_what_is_published(built_forward, tmp_path) -> None:  # noqa: ANN001
    from pipelines.settings import resolve_paths

    backward = _build_in_order(resolve_paths(tmp_path / "data", tmp_path / "reports"), list(reversed(ALL)))
    assert by_year(backward.published_db) == by_year(built_forward.published_db)
    statement = "select month, original_name, days_covered from curated.mmp_coverage_monthly order by month"
    assert query(backward.published_db, statement) == query(built_forward.published_db, statement)
    statement = "select route, month, incidents, dead, missing, dead_and_missing from curated.deaths_by_route_month order by all"
    assert query(backward.published_db, statement) == query(built_forward.published_db, statement)


def test_every_subset_of_the_files_combines_by_coverage(built_forward, tmp_path) -> None:  # noqa: ANN001
    """The combination rules (sql/curated/mmp_*.sql) on every non-empty subset of the five staged files."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(built_forward.published_db, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("create table staging.every_snapshot as select * from staging.stg_iom_mmp__snapshots")
        for size in range(1, len(ALL) + 1):
            for subset in itertools.combinations(ALL, size):
                con.execute(
                    "create or replace table staging.stg_iom_mmp__snapshots as "
                    "select * from staging.every_snapshot where list_contains(?, original_name)",
                    [list(subset)],
                )
                for table in (
                    "mmp_coverage_monthly",
                    "mmp_vintages",
                    "mmp_incidents",
                    "deaths_by_route_month",
                ):
                    sql.build_table(con, "curated", table)
                assert by_year(con) == expected_for(set(subset)), subset
                zero_where_uncovered = con.execute(
                    "select count(*) from curated.deaths_by_route_month d "
                    "join curated.mmp_coverage_monthly c using (month) where c.source_file is null"
                ).fetchall()[0][0]
                assert zero_where_uncovered == 0, subset
    finally:
        con.close()


def test_the_choice_is_visible_per_month(built_forward) -> None:  # noqa: ANN001
    """curated.mmp_vintages lists every file read; those a fuller newer export supersedes feed no month."""
    rows = dict(
        query(built_forward.published_db, "select original_name, months_fed from curated.mmp_vintages")
    )
    assert set(rows) == set(ALL)
    assert rows[PORTAL_2020] == 0 and rows[PORTAL_2021] == 0
    assert rows[EXTRACT_2026] == 5  # January to May 2026
    assert {rows[CSV_2025], rows[XLSX]} == {
        0,
        12 * 11 + 4,
    }  # one of the identical 2025 exports: 2014-01..2025-04


def test_a_pin_builds_from_that_file_only(built_forward) -> None:  # noqa: ANN001
    """Last in this module: it rebuilds the shared build from one file."""
    ok, report = build(built_forward, pins=f"iom_mmp={PORTAL_2021}")
    assert ok, report.failures
    assert by_year(built_forward.published_db) == figures_of(PORTAL_2021)
    assert query(built_forward.published_db, "select original_name from curated.mmp_vintages") == [
        (PORTAL_2021,)
    ]
    assert (
        query(
            built_forward.published_db,
            "select max(month) from curated.mmp_coverage_monthly where source_file is not null",
        )[0][0].isoformat()
        == "2021-08-01"
    )
