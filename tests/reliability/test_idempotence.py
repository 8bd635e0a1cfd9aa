"""Two builds from the same snapshots give the same curated and staging tables and byte-identical chart data.

The second build runs on a copy of the good build with every asset rebuilt (`force`), so it recomputes everything
with the first build's history present. The only columns allowed to differ are the times of the build, named
here."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.settings import Paths
from tests.reliability import support
from tests.reliability.conftest import GoodBuild, Recorder
from tests.reliability.support import build

pytestmark = pytest.mark.reliability

# table: the columns that record when the build ran (they differ between two builds by design)
BUILD_TIMES = {
    "curated.source_snapshots": {"loaded_at"},
    "curated.validation_results": {"checked_at"},
}
# table: the columns that name the run that built them (a new id every run, by design)
BUILD_IDS = {"curated.validation_results": {"run_id"}}


def _timestamp_columns(database: Path) -> dict[str, set[str]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute(
            "select schema_name || '.' || table_name, column_name from duckdb_columns() "
            "where schema_name in ('curated', 'staging') and data_type like 'TIMESTAMP%'"
        ).fetchall()
    finally:
        con.close()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def _digests(database: Path) -> dict[str, str]:
    excluded = {
        column for table in (BUILD_TIMES, BUILD_IDS) for columns in table.values() for column in columns
    }
    return support.table_digests(
        database,
        schemas=("curated", "staging"),
        exclude=frozenset(excluded),
    )


def _chart_data(reports: Path) -> dict[str, bytes]:
    return {
        p.relative_to(reports).as_posix(): p.read_bytes()
        for p in sorted((reports / "charts").glob("*/*.csv"))
    }


def test_two_builds_from_the_same_snapshots_are_identical(
    good_build: GoodBuild, copy_of_good_build: Paths, recorder: Recorder
) -> None:
    paths = copy_of_good_build
    with recorder.case("idempotence", "tables and chart data"):
        ok, report = build(paths, force=True)
        assert not report.unchanged, "every asset must be rebuilt"
        assert ok, report.failures
        # the excluded columns are timestamps that say when the build ran; every other column is compared
        # (the other timestamp columns hold the publishers' dates, e.g. Eurostat's LAST UPDATE)
        timestamps = _timestamp_columns(paths.published_db)
        assert all(columns <= timestamps.get(table, set()) for table, columns in BUILD_TIMES.items())
        first, second = _digests(good_build.paths.published_db), _digests(paths.published_db)
        assert sorted(first) == sorted(second)
        differing = sorted(t for t in first if first[t] != second[t])
        assert differing == [], f"tables that differ between two builds: {differing}"
        charts = _chart_data(good_build.paths.reports_dir)
        assert len(charts) >= 8
        again = _chart_data(paths.reports_dir)
        assert sorted(again) == sorted(charts)
        assert [name for name in charts if charts[name] != again[name]] == []
    recorder.figures["idempotence"] = (
        f"{len(first)} tables equal after a forced rebuild (build times "
        f"{sorted(c for cs in BUILD_TIMES.values() for c in cs)} and run ids left out), "
        f"{len(charts)} chart CSV files byte-identical"
    )
