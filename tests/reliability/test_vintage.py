"""Vintage plausibility (reliability suite): a new snapshot compared with the one it replaces. A GLOTIP release with
every value '<5', and a ministry nazionalita.csv whose year-to-date total falls far below the published one (the
probe's 14,448 to 10), are stopped by their blocking checks, marked rejected with the comparison, and the published
figures stay; `migration-evidence accept` is the override: the next build publishes the file and records the
comparison as a warning that starts "accepted by hand"."""

from __future__ import annotations

import csv
import io
import re

import pytest

from pipelines.cli import main
from pipelines.lib.raw_store import find_snapshot
from tests.build_helpers import build, query
from tests.conftest import FIXTURES
from tests.test_italy_moi_pipeline import land, land_fixtures
from tests.test_trafficking_pipeline import land_eurostat_fixtures
from tests.test_unodc_glotip_read import glotip_xlsx, land_glotip, sheet_rows

pytestmark = pytest.mark.reliability

GLOTIP_CHECK = "staging/stg_unodc_glotip__records:release_plausible_against_previous"
ITALY_2021 = (
    "select value from curated.thb_victims where source = 'unodc_glotip' and country_iso3 = 'ITA' and "
    "geo_level = 'country' and indicator = 'detected victims' and dimension = 'total' and sex = 'Total' "
    "and age = 'Total' and year = 2021"
)


def italy_2021_in_file(name: str) -> int:
    """The national total of Italy 2021 as the fixture file gives it."""
    for row in sheet_rows(name)[3:]:
        if (
            row[0] == "ITA"
            and row[5] == "Total"
            and row[7] == "Total"
            and row[8] == "Total"
            and str(row[9]) == "2021"
        ):
            return int(str(row[11]).replace(",", ""))
    raise AssertionError("no Italy 2021 total in the fixture")


def outcome(report, check: str) -> str:  # noqa: ANN001
    return next(c["outcome"] for c in report.checks if c["check"] == check)


def test_an_all_suppressed_release_is_stopped_then_accepted_by_hand(paths, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    land_glotip(paths, glotip_xlsx(tmp_path / "a", "release_2023.csv"))
    land_glotip(paths, glotip_xlsx(tmp_path / "b", "release_2025.csv"))
    land_eurostat_fixtures(paths)
    ok, report = build(paths, persistent=True)
    assert ok, report.failures
    assert outcome(report, GLOTIP_CHECK) == "passed"
    assert query(paths.published_db, ITALY_2021) == [(italy_2021_in_file("release_2025.csv"),)]
    published = paths.published_db.read_bytes()

    def suppress_everything(rows: list) -> None:
        rows[1][0] = "01/03/2026"  # a newer release
        for row in rows[3:]:
            row[11] = "<5"

    hostile = land_glotip(paths, glotip_xlsx(tmp_path / "c", "release_2025.csv", suppress_everything))
    ok, report = build(paths, persistent=True)
    assert not ok
    assert outcome(report, GLOTIP_CHECK) == "FAILED (error)"
    details = next(c["details"] for c in report.checks if c["check"] == GLOTIP_CHECK)
    assert any(line.startswith("IMPLAUSIBLE: values published as '<5': 100.0%") for line in details), details
    assert paths.published_db.read_bytes() == published  # Italy's figures stay published
    reason = find_snapshot(paths.raw_dir, "unodc_glotip", hostile.name).provenance["rejection_reason"]
    assert "release_plausible_against_previous" in reason and "IMPLAUSIBLE" in reason, reason
    assert re.search(
        r"national totals of detected victims with a value before and none now: (\d+) of \1 ", reason
    )

    # the override: put back by hand, published, and the comparison recorded as a warning
    monkeypatch.setenv("MIGRATION_DATA_DIR", str(paths.data_dir))
    assert main(["accept", "unodc_glotip", hostile.name]) == 0
    ok, report = build(paths, persistent=True)
    assert ok, report.failures
    assert outcome(report, GLOTIP_CHECK) == "FAILED (warn)"
    assert query(paths.published_db, ITALY_2021) == [(None,)]  # suppressed, never 0
    recorded = query(paths.published_db, "select outcome, severity, summary from curated.validation_results "
                     "where check_name = 'release_plausible_against_previous' and level = 'check'")  # fmt: skip
    assert recorded[0][:2] == ("failed", "warn") and recorded[0][2].startswith("accepted by hand")


ITALY_CHECK = "staging/stg_italy_moi__arrivals_by_nationality:year_to_date_plausible_against_published"
LATEST = "select sum(arrivals_ytd) from staging.stg_italy_moi__arrivals_by_nationality where report_date = ?"


def fixture_rows() -> list[list[str]]:
    with (FIXTURES / "italy_moi" / "nazionalita.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_a_year_to_date_total_that_falls_is_stopped_then_accepted_by_hand(
    paths, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    land_fixtures(paths)
    ok, report = build(paths, persistent=True)
    assert ok, report.failures
    assert outcome(report, ITALY_CHECK) == "passed"
    header, *rows = fixture_rows()
    last = max(r[0] for r in rows)
    published_total = sum(int(r[3]) for r in rows if r[0] == last)
    assert query(paths.published_db, LATEST, [last]) == [(published_total,)]
    published = paths.published_db.read_bytes()

    # a later report whose year-to-date figures are 10 for every row: the year's cumulative total falls
    later = [["2024-05-31", name, iso2, "10"] for day, name, iso2, _value in rows if day == last]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows, *later])
    hostile_file = tmp_path / "newer" / "nazionalita.csv"
    hostile_file.parent.mkdir(parents=True)
    hostile_file.write_text(buffer.getvalue(), encoding="utf-8")
    hostile = land(paths, hostile_file, accessed="2024-06-01")
    ok, report = build(paths, persistent=True)
    assert not ok
    assert outcome(report, ITALY_CHECK) == "FAILED (error)"
    details = next(c["details"] for c in report.checks if c["check"] == ITALY_CHECK)
    fell = f"2024: {published_total} at {last} → {10 * len(later)} at 2024-05-31"
    assert any(line.startswith("IMPLAUSIBLE: year-to-date totals") and fell in line for line in details), (
        details
    )
    assert paths.published_db.read_bytes() == published
    reason = find_snapshot(paths.raw_dir, "italy_moi", hostile.name).provenance["rejection_reason"]
    assert "year_to_date_plausible_against_published" in reason and fell in reason, reason

    # the override: put back by hand, published, and the comparison recorded as a warning
    monkeypatch.setenv("MIGRATION_DATA_DIR", str(paths.data_dir))
    assert main(["accept", "italy_moi", hostile.name]) == 0
    ok, report = build(paths, persistent=True)
    assert ok, report.failures
    assert outcome(report, ITALY_CHECK) == "FAILED (warn)"
    assert query(paths.published_db, LATEST, ["2024-05-31"]) == [(10 * len(later),)]
    recorded = query(paths.published_db, "select severity, summary from curated.validation_results where "
                     "check_name = 'year_to_date_plausible_against_published' and level = 'check'")  # fmt: skip
    assert recorded[0][0] == "warn" and recorded[0][1].startswith("accepted by hand")
