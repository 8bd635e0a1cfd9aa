"""Great Expectations suites on the italy_moi staging tables (blocking), and warn-only checks for unknown
nationalities and year-to-date figures that decrease."""

import datetime as dt
from collections.abc import Callable

import dagster as dg
import duckdb

from pipelines.defs.italy_moi import expectations as ex
from pipelines.defs.italy_moi.assets import DAILY_KEY, NATIONALITY_KEY, REPORTS_KEY
from pipelines.defs.italy_moi.source import FILES
from pipelines.lib import meta
from pipelines.lib.checks import recorded_check, validate
from pipelines.lib.gx_runner import Expectation, run_suite
from pipelines.lib.warehouse import Warehouse


def _coverage_end(con: duckdb.DuckDBPyConnection, entity: str) -> str:
    """The access date of the snapshot in use: no figure can describe a later day."""
    found = con.execute(
        "select accessed from meta.snapshots_used where raw_table = ?", [FILES[entity][1]]
    ).fetchall()
    return (found[0][0] if found and found[0][0] else dt.date.today()).isoformat()


def _suite(
    warehouse: Warehouse,
    key: dg.AssetKey,
    check: str,
    entity: str,
    frame_sql: str,
    build: Callable[[str], list[Expectation]],
) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        end = _coverage_end(con, entity)
        return validate(con, key, check, frame_sql, build(end), {"coverage": f"{ex.COVERAGE_START} .. {end}"})


@recorded_check(asset=DAILY_KEY, name="gx_daily_landings_suite")
def gx_daily_landings_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Arrivals non-negative and plausible; one latest-report row per landing date; one row per day and
    report; no arrivals on days after the report date; report dates and landing dates up to the report
    within the coverage (2019-09-01 to the snapshot's access date)."""
    return _suite(
        warehouse,
        DAILY_KEY,
        "gx_daily_landings_suite",
        "daily_landings",
        ex.DAILY_FRAME,
        ex.daily_expectations,
    )


@recorded_check(asset=NATIONALITY_KEY, name="gx_arrivals_by_nationality_suite")
def gx_arrivals_by_nationality_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Year-to-date arrivals present, non-negative and plausible; one value per report date × nationality
    (and × ISO code); codes are two capital letters and absent on the 'altre' row; report dates within the
    coverage (2019-09-01 to the snapshot's access date)."""
    return _suite(
        warehouse,
        NATIONALITY_KEY,
        "gx_arrivals_by_nationality_suite",
        "nationality_ytd",
        ex.NATIONALITY_FRAME,
        ex.nationality_expectations,
    )


@recorded_check(asset=REPORTS_KEY, name="gx_reports_suite")
def gx_reports_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """One row per report date, each with an http(s) address, within the coverage."""
    return _suite(
        warehouse, REPORTS_KEY, "gx_reports_suite", "reports", ex.REPORTS_FRAME, ex.report_expectations
    )


@recorded_check(asset=NATIONALITY_KEY, name="known_nationalities", blocking=False)
def known_nationalities(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every ISO code is one ISO 3166-1 knows, and every published name (with its code) is one
    nationalities.csv lists; unknown ones warn with the list (they stay in the data as published)."""
    with warehouse.connect() as con:
        frame = con.execute(
            "select iso2, nationality_published, nationality_published || '|' || coalesce(iso2, '') "
            "as name_and_code from staging.stg_italy_moi__arrivals_by_nationality"
        ).df()
        result = run_suite("italy_moi_nationalities", frame, ex.label_expectations())
        meta.record_validation(
            con,
            NATIONALITY_KEY.to_user_string(),
            "known_nationalities",
            "italy_moi_nationalities",
            result.rows,
        )
    names, codes = ex.known_nationalities(), set(ex.known_codes())
    unknown_codes = sorted(set(frame["iso2"].dropna()) - codes)
    unknown_names = sorted(set(frame["name_and_code"]) - {f"{n}|{c}" for n, c in names.items()})
    return dg.AssetCheckResult(
        passed=not unknown_codes and not unknown_names,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unknown_codes": dg.MetadataValue.json(unknown_codes),
            "unknown_names_or_pairs": dg.MetadataValue.json(unknown_names),
        },
    )


@recorded_check(asset=NATIONALITY_KEY, name="year_to_date_non_decreasing", blocking=False)
def year_to_date_non_decreasing(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Within a year, the report's total and each listed nationality's year-to-date figure never decrease from
    one report to the next that lists them; a decrease warns with the numbers (a revision; the figures stay as
    published). The "altre" (others) row is listed too but does not warn: it shrinks whenever a nationality
    enters the listed ones."""
    with warehouse.connect() as con:
        rows = con.execute(ex.YTD_DECREASES).fetchall()
    lines = {
        kind: [f"{n}: {p:,} at {pd_} → {v:,} at {d}" for n, pd_, p, d, v in rows if _series(n) == kind]
        for kind in ("total", "nationality", "altre")
    }
    return dg.AssetCheckResult(
        passed=not lines["total"] and not lines["nationality"],
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "total_decreases": dg.MetadataValue.json(lines["total"]),
            "nationality_decreases": dg.MetadataValue.json(lines["nationality"][:100]),
            "nationality_decrease_count": dg.MetadataValue.int(len(lines["nationality"])),
            "altre_decreases": dg.MetadataValue.json(lines["altre"][:100]),
            "altre_decrease_count": dg.MetadataValue.int(len(lines["altre"])),
        },
    )


def _series(name: str) -> str:
    return name if name in ("total", "altre") else "nationality"


CHECKS = [
    gx_daily_landings_suite,
    gx_arrivals_by_nationality_suite,
    gx_reports_suite,
    known_nationalities,
    year_to_date_non_decreasing,
]
