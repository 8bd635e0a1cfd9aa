"""Graph tests: the italy_moi assets and checks through Dagster, on the fixtures, in a temporary data directory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipelines.defs.italy_moi.source import FILES, SOURCE
from pipelines.lib import raw_store
from tests.build_helpers import build, query
from tests.conftest import FIXTURES

SELECTION = "group:italy_moi"


def land(paths, file: Path, accessed: str = "2024-05-16") -> raw_store.Snapshot:  # noqa: ANN001
    return raw_store.land(
        paths.raw_dir, SOURCE, file, arrival="import", accessed=dt.date.fromisoformat(accessed)
    )


def land_fixtures(paths) -> None:  # noqa: ANN001
    for name, _table in FILES.values():
        land(paths, FIXTURES / "italy_moi" / name)


def outcomes(report) -> dict[str, str]:  # noqa: ANN001
    return {c["check"].split(":", 1)[1]: c["outcome"] for c in report.checks}


def test_fixtures_build_with_blocking_checks_passed_and_warnings_listed(paths) -> None:  # noqa: ANN001
    land_fixtures(paths)
    ok, report = build(paths, selection=SELECTION)
    assert ok, report.failures
    assert outcomes(report) == {
        "gx_daily_landings_suite": "passed",
        "gx_arrivals_by_nationality_suite": "passed",
        "gx_reports_suite": "passed",
        "known_nationalities": "FAILED (warn)",
        "year_to_date_non_decreasing": "FAILED (warn)",
        "year_to_date_plausible_against_published": "passed",  # nothing published yet to compare with
    }
    db = paths.working_db
    latest = query(
        db,
        "select landing_date::varchar, arrivals from staging.stg_italy_moi__daily_landings "
        "where is_latest_report and landing_date between '2024-04-13' and '2024-04-16' order by 1",
    )
    assert latest == [("2024-04-13", 205), ("2024-04-14", 0), ("2024-04-15", 77), ("2024-04-16", 164)]
    assert query(db, "select count(*) from staging.stg_italy_moi__arrivals_by_nationality") == [(20,)]
    assert query(db, "select count(*) from staging.stg_italy_moi__reports") == [(4,)]
    used = query(
        db, "select raw_table, layout, rows from meta.snapshots_used where source = 'italy_moi' order by 1"
    )
    assert used == [
        ("raw.italy_moi__anagrafica_report", "reports", 4),
        ("raw.italy_moi__nazionalita", "nationality_ytd", 20),
        ("raw.italy_moi__sbarchi_per_giorno", "daily_landings", 21),
    ]
    warned = query(
        db,
        "select check_name, expectation, unexpected_count from meta.validation_results "
        "where check_name = 'known_nationalities' and not success order by 2",
    )
    assert ("known_nationalities", "ExpectColumnValuesToBeInSet", 1) in warned


def test_other_text_in_a_value_fails_the_build_naming_row_and_column(paths, tmp_path) -> None:  # noqa: ANN001
    land_fixtures(paths)
    text = (FIXTURES / "italy_moi" / "sbarchi-per-giorno.csv").read_text()
    broken = tmp_path / "sbarchi-per-giorno.csv"
    broken.write_text(text.replace("2024-03-30,0,", "2024-03-30,n.d.,"))
    bad = land(paths, broken, accessed="2024-05-17")
    ok, report = build(paths, selection=SELECTION)
    assert not ok
    assert any(bad.name in f and "row 5" in f and "'Valore'" in f and "n.d." in f for f in report.failures), (
        report.failures
    )
    assert raw_store.find_snapshot(paths.raw_dir, "italy_moi", bad.name).provenance["status"] == "rejected"
    ok, report = build(paths, selection=SELECTION)
    assert ok, report.failures


def test_a_file_matching_no_header_fails_the_build_naming_file_and_header(paths, tmp_path) -> None:  # noqa: ANN001
    land_fixtures(paths)
    other = tmp_path / "sbarchi.csv"
    other.write_text("Giorno,Migranti sbarcati\n2024-04-01,12\n")
    bad = land(paths, other)
    assert bad.provenance["entity"] == "unrecognised"
    ok, report = build(paths, selection=SELECTION)
    assert not ok
    assert any(
        bad.name in f and "['Giorno', 'Migranti sbarcati']" in f and "matches none" in f
        for f in report.failures
    ), report.failures
    assert raw_store.find_snapshot(paths.raw_dir, "italy_moi", bad.name).provenance["status"] == "rejected"
    ok, report = build(paths, selection=SELECTION)
    assert ok, report.failures


def test_a_day_listed_twice_by_one_report_fails_the_blocking_suite(paths, tmp_path) -> None:  # noqa: ANN001
    land_fixtures(paths)
    lines = (FIXTURES / "italy_moi" / "sbarchi-per-giorno.csv").read_text().splitlines(keepends=True)
    doubled = tmp_path / "sbarchi-per-giorno.csv"
    doubled.write_text("".join(lines + [lines[-1]]))
    land(paths, doubled, accessed="2024-05-17")
    ok, report = build(paths, selection=SELECTION)
    assert not ok
    assert outcomes(report)["gx_daily_landings_suite"] == "FAILED (error)"
    failed = query(
        paths.working_db,
        "select expectation from meta.validation_results where check_name = 'gx_daily_landings_suite' "
        "and level = 'expectation' and not success order by 1",
    )
    assert failed == [("ExpectColumnValuesToBeUnique",), ("ExpectCompoundColumnsToBeUnique",)]


def test_an_older_copy_imported_later_does_not_replace_the_newer_report(paths, tmp_path) -> None:  # noqa: ANN001
    """Snapshots of one file combine by vintage (the latest ministry report the file converts), not by import
    order: a copy that stops at an earlier report, imported afterwards, is not the one used."""
    land_fixtures(paths)
    newest_report = max(
        line.split(",", 1)[0]
        for line in (FIXTURES / "italy_moi" / "nazionalita.csv").read_text().splitlines()[1:]
    )
    lines = (FIXTURES / "italy_moi" / "nazionalita.csv").read_text().splitlines(keepends=True)
    older = tmp_path / "nazionalita.csv"
    older.write_text(
        "".join([lines[0], *(line for line in lines[1:] if line.split(",", 1)[0] < newest_report)])
    )
    land(paths, older, accessed="2024-06-30")  # imported later, holds less
    ok, report = build(paths, selection=SELECTION)
    assert ok, report.failures
    assert query(
        paths.working_db,
        "select max(report_date)::varchar from staging.stg_italy_moi__arrivals_by_nationality",
    ) == [(newest_report,)]
