"""Truthful reporting: every check that ran is recorded with its severity and outcome (a check that raises as
failed), the brief's summary counts and names them, citations carry the publisher's dates and the last date
covered, and freshness is judged on the last date covered against the source's rhythm."""

from __future__ import annotations

import csv
import datetime as dt

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipelines.defs.curated import brief_page
from pipelines.defs.curated.citations import cite, data_covered
from pipelines.defs.operations import config, freshness
from pipelines.lib import meta, raw_store
from pipelines.lib.checks import recorded_check, result_summary
from pipelines.lib.sources import registry
from pipelines.lib.steps import asset, build
from pipelines.lib.warehouse import Warehouse
from tests.conftest import FIXTURES

TABLE = dg.AssetKey(["staging", "stg_tiny__rows"])


@asset(key=TABLE)
def tiny(warehouse: Warehouse) -> None:
    with warehouse.connect() as con:
        con.execute("create schema if not exists staging")
        con.execute("create or replace table staging.stg_tiny__rows as select * from range(3) t(n)")


@recorded_check(asset=TABLE, name="three_rows")
def three_rows(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Passes: the table has 3 rows."""
    with warehouse.connect() as con:
        rows = con.execute("select count(*) from staging.stg_tiny__rows").fetchall()[0][0]
    return dg.AssetCheckResult(passed=rows == 3, metadata={"rows": rows})


@recorded_check(asset=TABLE, name="no_zero")
def no_zero(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Warns: n = 0 is there."""
    return dg.AssetCheckResult(
        passed=False, severity=dg.AssetCheckSeverity.WARN, description="one zero found"
    )


@recorded_check(asset=TABLE, name="broken")
def broken(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Raises before it can say anything."""
    raise RuntimeError("column n vanished")


def _rows(paths) -> dict:  # noqa: ANN001
    con = duckdb.connect(str(paths.working_db), read_only=True)
    try:
        found = con.execute(
            "select check_name, severity, outcome, success, summary, run_id from meta.validation_results "
            "where level = 'check'"
        ).fetchall()
    finally:
        con.close()
    return {name: rest for name, *rest in found}


def test_recorded_check_records_passed_warned_and_raised_checks(paths) -> None:  # noqa: ANN001
    warehouse = Warehouse(data_dir=str(paths.data_dir), reports_dir=str(paths.reports_dir))
    result = dg.materialize(
        build([tiny], [three_rows, no_zero, broken]), resources={"warehouse": warehouse}, raise_on_error=False
    )
    rows = _rows(paths)
    assert set(rows) == {"three_rows", "no_zero", "broken"}
    assert rows["three_rows"][:3] == ["error", "passed", True] and rows["three_rows"][3] == "rows=3"
    assert rows["no_zero"][:4] == ["warn", "failed", False, "one zero found"]
    severity, outcome, success, summary, run_id = rows["broken"]
    assert (severity, outcome, success) == ("error", "failed", False)
    assert "RuntimeError" in summary and "column n vanished" in summary
    assert {r[4] for r in rows.values()} == {result.run_id}
    # what Dagster was told is what was recorded
    told = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert told["three_rows"].passed and not told["no_zero"].passed
    assert told["no_zero"].severity == dg.AssetCheckSeverity.WARN
    assert not told["broken"].passed and "column n vanished" in told["broken"].description
    # the checks ran in the asset's own step, and the one that raised failed that step
    evaluated = {e.step_key for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert evaluated == {"staging__stg_tiny__rows"}
    assert not result.success


def test_a_rerun_replaces_the_earlier_rows_of_a_check(paths) -> None:  # noqa: ANN001
    warehouse = Warehouse(data_dir=str(paths.data_dir), reports_dir=str(paths.reports_dir))
    with warehouse.connect() as con:
        meta.record_validation(con, TABLE.to_user_string(), "three_rows", "old", [
            {"expectation": "stale", "kwargs": {}, "success": False, "unexpected_count": 1, "element_count": 1,
             "severity": "error"}])  # fmt: skip
    dg.materialize(build([tiny], [three_rows]), resources={"warehouse": warehouse})
    con = duckdb.connect(str(paths.working_db), read_only=True)
    left = con.execute(
        "select level, outcome from meta.validation_results where check_name = 'three_rows'"
    ).fetchall()
    con.close()
    assert left == [("check", "passed")]


def test_recorded_check_refuses_a_function_it_cannot_call() -> None:
    with pytest.raises(TypeError):

        @recorded_check(asset=TABLE, name="odd")
        def odd(con: object) -> dg.AssetCheckResult:  # noqa: ARG001
            return dg.AssetCheckResult(passed=True)


def test_result_summary_counts_long_lists() -> None:
    result = dg.AssetCheckResult(
        passed=False, metadata={"n": 2, "listed": dg.MetadataValue.json(list(range(100)))}
    )
    assert result_summary(result) == "n=2; listed=100 items"


RESULTS = pd.DataFrame(
    [
        # level, asset, check, severity, outcome, success, in_last_build
        ("check", "staging/a", "suite", "error", "passed", True, True),
        ("check", "staging/a", "labels", "warn", "failed", False, True),
        ("check", "curated/b", "key", "error", "failed", False, True),
        ("check", "curated/c", "odd", "error", "not recorded", None, True),
        ("check", "staging/d", "suite", "error", "passed", True, False),
        ("expectation", "staging/a", "suite", "error", "passed", True, True),
        ("expectation", "staging/a", "suite", "error", "passed", True, True),
        ("expectation", "staging/a", "labels", "warn", "failed", False, True),
    ],
    columns=["level", "asset", "check_name", "severity", "outcome", "success", "in_last_build"],
).assign(
    expectation=None, kwargs=None, summary="s", unexpected_count=None, element_count=None, checked_at="t"
)


def test_the_brief_summary_counts_checks_and_expectations_and_names_every_failure() -> None:
    text = brief_page.validation_summary(RESULTS)
    assert text.startswith(
        "5 validation checks (3 validation expectations, 1 not met): 1 failed, 1 warnings, 1 not recorded."
    )
    assert (
        "curated/b:key (error)" in text
        and "staging/a:labels (warn)" in text
        and "curated/c:odd (not recorded)" in text
    )
    assert "staging/a:suite" not in text
    assert "1 of the checks are results kept from an earlier build" in text
    page = brief_page.validation_html(RESULTS, sample=False, built_at="now")
    for name in ("labels", "key", "odd"):
        assert f"<td>{name}</td>" in page
    assert "FAILED" in page and "warning" in page


SNAPSHOTS = pd.DataFrame(
    {
        "source": ["unodc_glotip", "unodc_glotip", "iom_mmp"],
        "file": ["new.xlsx", "old.xlsx", "mmp.csv"],
        "citation": [
            "Global Report on Trafficking in Persons",
            "Global Report on Trafficking in Persons",
            "IOM Missing Migrants Project",
        ],
        "producer": ["UNODC", "UNODC", "IOM"],
        "published": [dt.date(2025, 4, 14), dt.date(2023, 5, 30), None],
        "published_basis": ["release date in the workbook", "release date in the workbook", None],
        "data_covers_from": [dt.date(2003, 1, 1), dt.date(2003, 1, 1), dt.date(2014, 1, 1)],
        "data_covers_to": [dt.date(2022, 12, 31), dt.date(2021, 12, 31), dt.date(2025, 4, 29)],
        "accessed": [dt.date(2026, 12, 3), dt.date(2026, 12, 3), dt.date(2025, 5, 5)],
    }
)


def test_citations_give_publisher_publication_date_last_date_covered_and_access_date() -> None:
    assert cite(SNAPSHOTS, ["unodc_glotip"]) == (
        "Global Report on Trafficking in Persons (UNODC), published 2025-04-14 (release date in the workbook), data cover to 2022-12-31, "
        "accessed 2026-12-03"
    )
    assert cite(SNAPSHOTS, ["unodc_glotip"], files=["old.xlsx"]).startswith(
        "Global Report on Trafficking in Persons (UNODC), published 2023-05-30 (release date in the workbook), data cover to 2021-12-31"
    )
    assert cite(SNAPSHOTS, ["iom_mmp"]) == (
        # the publisher is named once: the citation already names it
        "IOM Missing Migrants Project, no publication date stated, data cover to 2025-04-29, accessed 2025-05-05"
    )
    assert cite(SNAPSHOTS, ["eurostat_thb"]) == "source not loaded in this build"
    assert data_covered(SNAPSHOTS, ["iom_mmp"]) == "IOM data cover 2014-01-01 to 2025-04-29"


def test_every_source_states_its_rhythm_and_the_limit_is_rhythm_plus_lag() -> None:
    with open(config.TABLE, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["source"] for r in rows} == set(registry())
    for row in rows:
        assert int(row["max_age_days"]) == int(row["publishes_every_days"]) + int(row["publication_lag_days"])
        assert row["rhythm"] and row["why"]


def _land(paths, accessed: str) -> raw_store.Snapshot:  # noqa: ANN001
    return raw_store.land(paths.raw_dir, registry()["iom_mmp"], FIXTURES / "iom_mmp" / "export_2025.csv",
                          arrival="import", accessed=dt.date.fromisoformat(accessed))  # fmt: skip


def test_freshness_is_the_age_of_the_last_date_covered_not_of_the_import(paths) -> None:  # noqa: ANN001
    today = dt.date(2026, 12, 3)
    snapshot = _land(paths, today.isoformat())  # imported today
    covered = {snapshot.name: dt.date(2025, 4, 29)}
    found = freshness.assess(paths.raw_dir, "iom_mmp", today=today, covered=covered)
    assert found.last_covered == dt.date(2025, 4, 29) and found.basis == freshness.COVERED
    assert found.age_days == (today - dt.date(2025, 4, 29)).days == 583
    assert found.max_age_days == 45 and found.stale and found.state == "STALE"
    assert (
        "data cover to 2025-04-29" in found.describe()
        and "583 days old, limit 45 days: STALE" in found.describe()
    )
    recent = freshness.assess(paths.raw_dir, "iom_mmp", today=dt.date(2025, 6, 13), covered=covered)
    assert (recent.age_days, recent.stale) == (45, False)


def test_before_a_build_the_access_date_stands_in_and_says_so(paths) -> None:  # noqa: ANN001
    _land(paths, "2025-05-05")
    found = freshness.assess(paths.raw_dir, "iom_mmp", today=dt.date(2025, 5, 15))
    assert found.last_covered == dt.date(2025, 5, 5) and found.basis == freshness.ACCESSED
    assert found.age_days == 10 and not found.stale
