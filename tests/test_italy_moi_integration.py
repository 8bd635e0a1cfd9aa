"""Integration: the ministry's real files in ../shared/data/italy_moi, imported through the command line and
built, reproduce the figures computed independently from the files (and the published year-end figures)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests.build_helpers import build, query
from tests.conftest import require_shared

pytestmark = pytest.mark.integration

YEAR_END = {2019: 11471, 2020: 34154, 2021: 67040, 2022: 105129, 2023: 157652, 2024: 66317}
NAMES = ("sbarchi-per-giorno.csv", "nazionalita.csv", "anagrafica-report.csv")


def records(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def year_end_from_file(path: Path) -> dict[int, int]:
    """Sum of Valore (the listed nationalities and "altre") at the last report of each year, 2019-2024."""
    totals: dict[str, int] = defaultdict(int)
    for row in records(path):
        totals[row["Data_Report"]] += int(row["Valore"])
    return {y: totals[max(d for d in totals if d.startswith(str(y)))] for y in YEAR_END}


def calendar_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def daily_figures_from_file(path: Path) -> dict[str, int]:
    rows = records(path)
    days = Counter(r["Data"] for r in rows if calendar_date(r["Data"]))
    return {
        "rows": len(rows),
        "latest_report_rows": len(days),
        "repeated_days": sum(1 for n in days.values() if n > 1),
        "future_days": sum(1 for r in rows if r["Data"] > r["Data_Report"]),
        "impossible_dates": sum(1 for r in rows if not calendar_date(r["Data"])),
        "non_numeric_values": sum(1 for r in rows if not re.fullmatch(r"\d+", r["Valore"])),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):  # noqa: ANN201, ANN001
    from pipelines.cli import main
    from pipelines.settings import resolve_paths

    real = require_shared("italy_moi")
    root = tmp_path_factory.mktemp("italy_moi_real")
    paths = resolve_paths(root / "data", root / "reports")
    files = [str(real / name) for name in NAMES]
    assert (
        main(["--data-dir", str(paths.data_dir), "import", "italy_moi", *files, "--accessed", "2025-09-16"])
        == 0
    )
    ok, report = build(paths, selection="group:italy_moi")
    assert ok, report.failures
    return real, paths, report


def test_year_to_date_at_31_december_matches_the_file_and_the_published_figures(built) -> None:  # noqa: ANN001
    real, paths, _ = built
    got = dict(
        query(
            paths.working_db,
            "select year(report_date), sum(arrivals_ytd)::int from staging.stg_italy_moi__arrivals_by_nationality "
            "where report_date in (select max(report_date) from staging.stg_italy_moi__arrivals_by_nationality "
            "group by year(report_date)) and year(report_date) <= 2024 group by 1",
        )
    )
    assert got == year_end_from_file(real / "nazionalita.csv") == YEAR_END


def test_daily_counts_match_the_file(built) -> None:  # noqa: ANN001
    real, paths, _ = built
    expected = daily_figures_from_file(real / "sbarchi-per-giorno.csv")
    (got,) = query(
        paths.working_db,
        """
        select count(*),
            count(*) filter (where is_latest_report),
            count(distinct landing_date) filter (where not is_latest_report),
            count(*) filter (where after_report_date),
            count(*) filter (where landing_date is null),
            count(*) filter (where list_contains(list_transform(cleaning_notes, lambda n: split_part(n, ':', 1)),
                'empty value set null') or list_contains(list_transform(cleaning_notes,
                lambda n: split_part(n, ':', 1)), 'extraction artefact set null'))
        from staging.stg_italy_moi__daily_landings
        """,
    )
    assert dict(zip(expected, got, strict=True)) == expected
    assert expected["impossible_dates"] == 7 and expected["non_numeric_values"] == 4
    assert query(
        paths.working_db,
        "select count(*) from staging.stg_italy_moi__daily_landings "
        "where after_report_date and arrivals is not null",
    ) == [(0,)]


def test_every_file_row_is_staged_and_every_check_ran(built) -> None:  # noqa: ANN001
    real, paths, report = built
    for table, name in (("arrivals_by_nationality", "nazionalita.csv"), ("reports", "anagrafica-report.csv")):
        assert query(paths.working_db, f"select count(*) from staging.stg_italy_moi__{table}") == [
            (len(records(real / name)),)
        ]
    outcomes = {c["check"].split(":", 1)[1]: c["outcome"] for c in report.checks}
    assert {k: v for k, v in outcomes.items() if k.startswith("gx_")} == {
        "gx_daily_landings_suite": "passed",
        "gx_arrivals_by_nationality_suite": "passed",
        "gx_reports_suite": "passed",
    }
    assert outcomes["known_nationalities"] == "passed"


def test_every_iso_code_in_the_real_file_maps_or_is_the_others_row() -> None:
    import pycountry

    from pipelines.defs.italy_moi.expectations import known_nationalities

    unmapped = set()
    for row in records(require_shared("italy_moi") / "nazionalita.csv"):
        code, name = row["ISO_3166-1"], row["Nazione"]
        if code == "" and name == "altre":
            continue
        if pycountry.countries.get(alpha_2=code) is None or known_nationalities().get(name) != code:
            unmapped.add((name, code))
    assert unmapped == set()
