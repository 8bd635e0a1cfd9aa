"""Integration: every real Missing Migrants vintage in ../shared/data/mmp builds and reproduces the figures
computed independently from the file (and, for the 2025 export, IOM's published totals)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.build_helpers import build, land_mmp, query
from tests.conftest import ROOT, require_shared
from tests.published_figures import MMP_CENTRAL_MED_2014_2024
from tests.test_mmp_pipeline import central_med_by_year

pytestmark = pytest.mark.integration

PUBLISHED_2025 = MMP_CENTRAL_MED_2014_2024

FILES = {
    "Missing_Migrants_Global_Figures_allData_2025-05-05.csv": (
        "Incident Year",
        "Total Number of Dead and Missing",
    ),
    "MissingMigrants-Global-2021-09-05T18-37-06.csv": ("Reported Year", "Total Dead and Missing"),
    "MissingMigrants-Global-2020-01-08T14-05-32.csv": ("Reported Year", "Total Dead and Missing"),
    "MissingMigrants-Global-2026-05-06--19_42_11.csv": ("Year", None),
}


def xlsx_central_med_by_year(path: Path) -> tuple[dict[int, int], int]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Worksheet").to_python()
    header = rows[0]
    year, total, route = (
        header.index(c) for c in ("Incident Year", "Total Number of Dead and Missing", "Migration Route")
    )
    totals: dict[int, int] = defaultdict(int)
    for row in rows[1:]:
        if row[route] == "Central Mediterranean" and row[year] != "":
            totals[int(row[year])] += int(row[total])
    return dict(totals), len(rows) - 1


def csv_records(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def built_figures(paths) -> dict[int, int]:  # noqa: ANN001
    return dict(
        query(
            paths.published_db,
            "select year(month), sum(dead_and_missing)::int from curated.deaths_by_route_month "
            "where route = 'Central Mediterranean' group by 1",
        )
    )


@pytest.mark.parametrize("name", list(FILES))
def test_each_csv_vintage_builds_and_reproduces_its_figures(paths, name: str) -> None:  # noqa: ANN001
    source = require_shared("mmp") / name
    land_mmp(paths, source)
    ok, report = build(paths)
    assert ok, report.failures
    year_col, total_col = FILES[name]
    assert built_figures(paths) == central_med_by_year(source, year_col, total_col)
    (rows,) = query(paths.published_db, "select count(*) from curated.mmp_incidents")[0]
    assert rows == csv_records(source)
    if name.startswith("Missing_Migrants_Global_Figures_allData_2025"):
        figures = built_figures(paths)
        assert {y: figures[y] for y in PUBLISHED_2025} == PUBLISHED_2025


def test_2021_portal_file_counts_the_thousands_separator(paths) -> None:  # noqa: ANN001
    source = require_shared("mmp") / "MissingMigrants-Global-2021-09-05T18-37-06.csv"
    land_mmp(paths, source)
    assert build(paths)[0]
    assert query(
        paths.published_db,
        "select dead_and_missing from staging.stg_iom_mmp__incidents "
        "where incident_date = date '2015-04-18' and route = 'Central Mediterranean' "
        "order by 1 desc limit 1",
    ) == [(1022,)]


def test_xlsx_export_matches_the_csv_export(paths) -> None:  # noqa: ANN001
    source = require_shared("mmp") / "Missing_Migrants_Global_Figures_allData_2025-05-05.xlsx"
    expected, records = xlsx_central_med_by_year(source)
    snapshot = land_mmp(paths, source)
    assert snapshot.provenance["published"] == "2025-05-05"  # the workbook's own creation date
    ok, report = build(paths)
    assert ok, report.failures
    assert built_figures(paths) == expected
    assert {y: expected[y] for y in PUBLISHED_2025} == PUBLISHED_2025
    assert query(paths.published_db, "select count(*) from curated.mmp_incidents") == [(records,)]


def _cli(paths, *args: str) -> subprocess.CompletedProcess:  # noqa: ANN001
    env = dict(
        os.environ, MIGRATION_DATA_DIR=str(paths.data_dir), MIGRATION_REPORTS_DIR=str(paths.reports_dir)
    )
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_cli_import_build_and_corrupted_copies(paths, tmp_path) -> None:  # noqa: ANN001
    source = require_shared("mmp") / "Missing_Migrants_Global_Figures_allData_2025-05-05.csv"
    done = _cli(paths, "import", "iom_mmp", str(source))
    assert done.returncode == 0, done.stderr
    done = _cli(paths, "build", "--offline", "--no-images")
    assert done.returncode == 0, done.stderr
    assert "✔ publish__evidence_duckdb" in done.stderr and "Summary:" in done.stderr
    published = paths.published_db.read_bytes()
    assert {y: built_figures(paths)[y] for y in PUBLISHED_2025} == PUBLISHED_2025

    # A truncated copy fails the build with the file and row; the published database stays byte-identical.
    truncated = tmp_path / "Missing_Migrants_Global_Figures_allData_truncated.csv"
    data = source.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    assert _cli(paths, "import", "iom_mmp", str(truncated), "--accessed", "2025-06-01").returncode == 0
    done = _cli(paths, "build", "--offline", "--no-images")
    assert done.returncode == 1
    assert "truncated" in done.stderr and "row " in done.stderr and "BUILD FAILED" in done.stderr
    assert paths.published_db.read_bytes() == published

    # An HTML error page saved under the data's name is refused at import and never stored.
    page = tmp_path / "Missing_Migrants_Global_Figures_allData.csv"
    page.write_text(
        "<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body>denied</body></html>"
    )
    done = _cli(paths, "import", "iom_mmp", str(page), "--accessed", "2025-06-02")
    assert done.returncode == 1 and "HTML page ('403 Forbidden')" in done.stderr
    assert paths.published_db.read_bytes() == published


def test_every_route_and_region_label_in_the_real_files_maps(paths) -> None:  # noqa: ANN001
    import re

    from pipelines.defs.iom_mmp import read

    def labels(kind: str) -> set[str]:
        with (read.HERE / f"{kind}_labels.csv").open(newline="", encoding="utf-8") as handle:
            return {row["publisher_label"] for row in csv.DictReader(handle)}

    known = {"route": labels("route"), "region": labels("region")}
    unmapped: dict[str, set[str]] = {"route": set(), "region": set()}
    for file in sorted(require_shared("mmp").iterdir()):
        frame, vintage = read.read_snapshot(land_mmp(paths, file))
        for publisher, column in read.vintages()[vintage].items():
            if column in unmapped:
                for cell in frame[publisher].dropna():
                    # several values are separated by a bare comma; ", " belongs to a value
                    for value in re.split(r",(?! )", cell):
                        if value.strip() and value.strip() not in known[column]:
                            unmapped[column].add(value.strip())
    assert unmapped == {"route": set(), "region": set()}
