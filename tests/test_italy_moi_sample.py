"""The bundled ministry sample: deterministic, in the real layout, with the published year-end figures."""

from __future__ import annotations

import calendar
import csv
import io
from collections import defaultdict

from pipelines.defs.italy_moi.source import headers
from pipelines.sample import italy_moi
from tests.build_helpers import build, query

YEAR_END = {2019: 11471, 2020: 34154, 2021: 67040, 2022: 105129, 2023: 157652, 2024: 66317}


def rows(name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(italy_moi.sample_files()[name].decode("utf-8"), newline="")))


def test_sample_is_deterministic_and_keeps_the_real_headers() -> None:
    files = italy_moi.sample_files()
    assert files == italy_moi.sample_files()
    for name, entity in (
        ("sbarchi-per-giorno.csv", "daily_landings"),
        ("nazionalita.csv", "nationality_ytd"),
        ("anagrafica-report.csv", "reports"),
    ):
        assert files[name].decode().splitlines()[0].split(",") == list(headers()[entity])


def test_year_to_date_at_31_december_follows_the_published_figures() -> None:
    totals: dict[str, int] = defaultdict(int)
    for row in rows("nazionalita.csv"):
        totals[row["Data_Report"]] += int(row["Valore"])
    assert {y: totals[f"{y}-12-31"] for y in YEAR_END} == YEAR_END


def test_reports_and_quirks_are_placed_like_the_real_files() -> None:
    daily = rows("sbarchi-per-giorno.csv")
    reports = {row["Data_Report"] for row in daily}
    for year, month in [(y, m) for y in range(2019, 2026) for m in range(1, 13)]:
        if (2019, 9) <= (year, month) <= (2025, 8):
            assert f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}" in reports
            assert (f"{year}-{month:02d}-15" in reports) == ((year, month) != (2019, 9))
    assert "2025-09-15" in reports
    future = [r for r in daily if r["Data"] > r["Data_Report"]]
    assert future and {r["Valore"] for r in future} == {"0", "", "0[VALORE]0"}
    assert [r["Data"] for r in daily if r["Valore"] == ""] == ["2023-07-29"]
    assert [r["Data"] for r in daily if r["Data"] == "2024-04-31"] == ["2024-04-31"]
    cut_offs = {r["Data_Report"] for r in daily if "entro le ore 24:00 del giorno" in r["Note"]}
    assert cut_offs == {"2022-12-31"}


def test_sample_builds_with_every_check_passed_and_is_marked_sample(paths) -> None:  # noqa: ANN001
    snapshots = italy_moi.write(paths.raw_dir)
    assert [s.provenance["entity"] for s in snapshots] == ["daily_landings", "nationality_ytd", "reports"]
    assert all(s.provenance["sample"] and s.provenance["arrival"] == "sample" for s in snapshots)
    ok, report = build(paths, selection="group:italy_moi")
    assert ok, report.failures
    assert {c["outcome"] for c in report.checks} == {"passed"}
    got = dict(
        query(
            paths.working_db,
            "select year(report_date), sum(arrivals_ytd)::int from staging.stg_italy_moi__arrivals_by_nationality "
            "where month(report_date) = 12 and day(report_date) = 31 group by 1",
        )
    )
    assert got == YEAR_END
    daily_sums = dict(
        query(
            paths.working_db,
            "select year(landing_date), sum(arrivals)::int from staging.stg_italy_moi__daily_landings "
            "where is_latest_report and year(landing_date) between 2020 and 2024 group by 1",
        )
    )
    assert daily_sums == {y: v for y, v in YEAR_END.items() if y >= 2020}
