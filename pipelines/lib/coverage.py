"""What period each snapshot file's staged data cover, per staging table: recorded in meta.snapshot_coverage by
the staging asset right after it builds the table (meta.record_coverage), so curated.source_snapshots,
citations and freshness can state the last date a file's data cover (not when it was published or imported).

Each entry: staging table -> (source, series, first date SQL, last date SQL, which rows report data). A monthly
series covers to the last day of its last month, a yearly one to 31 December of its last year; rows the
publisher left empty (null counts, 'not available') report nothing."""

from __future__ import annotations

import duckdb

from pipelines.lib import meta

SPECS: dict[str, tuple[str, str, str, str, str]] = {
    "stg_unhcr_odp__arrivals": (
        "unhcr_odp", "arrivals", "min(period_start)",
        "max(case when frequency = 'month' then last_day(period_start) else period_start end)",
        "arrivals is not null",
    ),
    "stg_unhcr_odp__arrivals_by_nationality": (
        "unhcr_odp", "arrivals_by_nationality", "min(month)", "max(last_day(month))", "arrivals is not null",
    ),
    "stg_italy_moi__daily_landings": (
        "italy_moi", "daily_landings", "min(landing_date)", "max(landing_date)", "arrivals is not null",
    ),
    # year-to-date figures: each report covers 1 January of its year to the report date
    "stg_italy_moi__arrivals_by_nationality": (
        "italy_moi", "arrivals_by_nationality_ytd", "make_date(year(min(report_date)), 1, 1)", "max(report_date)",
        "report_date is not null",
    ),
    "stg_italy_moi__reports": ("italy_moi", "reports", "min(report_date)", "max(report_date)", "report_date is not null"),
    "stg_unodc_glotip__records": (
        "unodc_glotip", "country_data", "make_date(min(year), 1, 1)", "make_date(max(year), 12, 31)",
        "year is not null",
    ),
    "stg_eurostat_thb__observations": (
        "eurostat_thb", "observations", "make_date(min(year), 1, 1)", "make_date(max(year), 12, 31)",
        "year is not null and value_status <> 'not available'",
    ),
    "stg_frontex_ibc__detections": (
        "frontex_ibc", "detections", "min(month)", "max(last_day(month))", "detections is not null",
    ),
    "stg_eurostat_eipre__observations": (
        "eurostat_eipre", "observations", "make_date(min(year), 1, 1)", "make_date(max(year), 12, 31)",
        "year is not null and value is not null",
    ),
    "stg_published_figures__figures": (
        "published_figures", "figures", "min(period_start)", "max(period_end)", "value is not null",
    ),
}  # fmt: skip


def record(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Records the coverage of every file of staging.`table` (a table SPECS does not list records nothing)."""
    if table not in SPECS:
        return
    source, series, first, last, where = SPECS[table]
    meta.record_coverage_of(con, source, series, f"staging.{table}", first, last, where)
