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
from pipelines.lib.checks import judged, recorded_check, validate, vintage_result
from pipelines.lib.gx_runner import Expectation, run_suite
from pipelines.lib.sql import attached, has_table
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


# A new nazionalita.csv is compared with the one the published database was built from. Beyond any of these limits
# it is not published: the check blocks, the file is marked rejected with the comparison, and
# `migration-evidence accept italy_moi FILE` is the override once someone has looked at it.
YTD_LIMITS = {
    "report_total_change_max": 0.05,  # a report both files give: its total of all nationalities moves at most 5 %
    "ytd_fall_max": 0.05,  # a year's year-to-date total at the latest report falls at most 5 % below the published
    "reports_vanished_max": 0.10,  # at most 10 % of the published reports (of the years both cover) missing now
}

YTD_COMPARISON = """
with now as (
    select report_date, sum(arrivals_ytd) as total, any_value(source_file) as file
    from staging.stg_italy_moi__arrivals_by_nationality group by 1
),
before as (
    select report_date, sum(arrivals_ytd) as total, any_value(source_file) as file
    from published.staging.stg_italy_moi__arrivals_by_nationality group by 1
),
years as (select distinct year(report_date) as year from now intersect select distinct year(report_date) from before),
same_report as (
    select b.report_date, b.total as before, n.total as now
    from before as b inner join now as n using (report_date)
),
-- each year's last published report, and the current file's latest report of that year from that day on
last_before as (
    select year(report_date) as year, arg_max(report_date, report_date) as report_date, arg_max(total, report_date) as total
    from before group by 1
),
at_or_after as (
    select l.year, l.report_date as published_date, l.total as published_total,
        max(n.report_date) as now_date, arg_max(n.total, n.report_date) as now_total
    from last_before as l
    inner join now as n on year(n.report_date) = l.year and n.report_date >= l.report_date
    group by 1, 2, 3
)
select
    (select any_value(file) from before) as previous_file,
    (select any_value(file) from now) as current_file,
    (select count(*) from same_report) as same_reports,
    (select list(strftime(report_date, '%Y-%m-%d') || ': ' || before || ' → ' || now order by report_date)
        filter (where abs(now / before - 1) > ?) from same_report where before > 0) as moved,
    (select list(year || ': ' || published_total || ' at ' || strftime(published_date, '%Y-%m-%d') || ' → '
        || now_total || ' at ' || strftime(now_date, '%Y-%m-%d') order by year)
        filter (where now_total < published_total * (1 - ?)) from at_or_after) as fell,
    (select count(*) from before where year(report_date) in (select year from years)) as reports_before,
    (select count(*) from before where year(report_date) in (select year from years)
        and report_date not in (select report_date from now)) as reports_vanished
"""


def compare_with_published(con, published) -> tuple[bool, list[str], dict]:  # noqa: ANN001
    """(plausible, the comparison in lines, the figures) of the year-to-date figures in use against the published
    database's; plausible when nothing is published or the published database was built from the same file."""
    # the same words whether nothing is published yet or the published database was built from this very file, so
    # that two builds from the same snapshots record the same result
    nothing = (
        True,
        ["no other published file to compare with"],
        {"previous_file": None, "current_file": None},
    )
    with attached(con, published, "published") as present:
        if not present or not has_table(
            con, "staging", "stg_italy_moi__arrivals_by_nationality", "published"
        ):
            return nothing
        cursor = con.execute(
            YTD_COMPARISON, [YTD_LIMITS["report_total_change_max"], YTD_LIMITS["ytd_fall_max"]]
        )
        row = dict(zip([d[0] for d in cursor.description], cursor.fetchall()[0], strict=True))
    if row["previous_file"] == row["current_file"]:
        return nothing
    moved, fell = row["moved"] or [], row["fell"] or []
    vanished = row["reports_vanished"] / row["reports_before"] if row["reports_before"] else 0.0
    limits = YTD_LIMITS
    tests = [
        (not fell, f"year-to-date totals at the latest published report of each year: {len(fell)} fall by more than "
                   f"{limits['ytd_fall_max']:.0%}" + (f" ({'; '.join(fell[:5])})" if fell else "")),
        (not moved, f"reports both files give ({row['same_reports']:,}): {len(moved)} whose total moves by more than "
                    f"{limits['report_total_change_max']:.0%}" + (f" ({'; '.join(moved[:5])})" if moved else "")),
        (vanished <= limits["reports_vanished_max"],
         f"published reports of the years both cover missing now: {row['reports_vanished']:,} of "
         f"{row['reports_before']:,} ({vanished:.0%}; at most {limits['reports_vanished_max']:.0%})"),
    ]  # fmt: skip
    return (*judged(tests), row)


@recorded_check(asset=NATIONALITY_KEY, name="year_to_date_plausible_against_published")
def year_to_date_plausible_against_published(warehouse: Warehouse) -> dg.AssetCheckResult:
    """The ministry's year-to-date figures in use against those of the published database (the file they
    replace): a year's cumulative total that falls, a report whose total moves, published reports that vanish,
    each against a stated limit (YTD_LIMITS). Beyond any, the check blocks and the new file is marked rejected
    with the comparison; `migration-evidence accept` puts it back once someone has looked, and the check then
    warns, saying so."""
    with warehouse.connect() as con:
        plausible, lines, row = compare_with_published(con, warehouse.paths().published_db)
    return vintage_result(warehouse, "italy_moi", plausible, lines, row, YTD_LIMITS)


def _series(name: str) -> str:
    return name if name in ("total", "altre") else "nationality"


CHECKS = [
    gx_daily_landings_suite,
    gx_arrivals_by_nationality_suite,
    gx_reports_suite,
    known_nationalities,
    year_to_date_non_decreasing,
    year_to_date_plausible_against_published,
]
