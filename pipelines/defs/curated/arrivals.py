"""Curated arrival tables: UNHCR and the Italian Ministry of the Interior, with a documented precedence."""

import dagster as dg

from pipelines.defs.curated.tables import curated_table
from pipelines.lib.checks import recorded_check
from pipelines.lib.warehouse import Warehouse

UNHCR_ARRIVALS = dg.AssetKey(["staging", "stg_unhcr_odp__arrivals"])
UNHCR_NATIONALITY = dg.AssetKey(["staging", "stg_unhcr_odp__arrivals_by_nationality"])
MOI_DAILY = dg.AssetKey(["staging", "stg_italy_moi__daily_landings"])
MOI_NATIONALITY = dg.AssetKey(["staging", "stg_italy_moi__arrivals_by_nationality"])
RECONCILIATION = dg.AssetKey(["curated", "arrivals_reconciliation"])
# Published year-end figures of the two sources agree within about 1%; more is worth a look.
RECONCILIATION_TOLERANCE_PERCENT = 1.5

CAVEAT = (
    "Arrivals count people registered on arrival, not distinct persons or crossings attempted. UNHCR's Italy "
    "figures come from the Ministry of the Interior. Ministry figures are provisional until consolidated."
)

DOCS = {
    "sea_arrivals_monthly": {
        "comment": (
            "One row per destination country (ISO3), arrival type (sea, land, atlantic) and calendar month, every "
            "month from the first to the last month any arrival series reports: a month a series does not report "
            "has null arrivals and coverage 'not reported' (never 0). For Italy, `arrivals` follows a precedence: "
            "(1) the ministry's consolidated month (difference of month-end year-to-date reports), (2) UNHCR's "
            "monthly series, (3) the ministry's provisional daily landings summed; the other values stay in their "
            "columns and `source`/`basis` say which was used. Other countries: UNHCR. Months of one year can come "
            "from two publishers (Italy 2019): their sum is no publisher's annual figure; use "
            "curated.sea_arrivals_yearly for annual totals. " + CAVEAT
        ),
        "columns": {
            "country_iso3": "Destination country, ISO 3166-1 alpha-3",
            "month": "First day of the calendar month",
            "arrival_type": "sea, land or atlantic (UNHCR population group 4797, 4798, 5634)",
            "arrivals": "People arrived in the month, from the source named in `source`; null when no source reports "
            "the month (coverage 'not reported'); for a partial month, the days covered only (days_covered)",
            "source": "unhcr_odp or italy_moi; null when not reported",
            "basis": "Which figure `arrivals` is: consolidated, UNHCR monthly series, or provisional; null when not "
            "reported",
            "is_reported": "True when a source gives a figure for the month (arrivals not null)",
            "days_covered": "Days of the month the chosen figure covers: all of them for a UNHCR month (unless the "
            "snapshot was taken before the month ended) or a consolidated ministry month; for the ministry's daily "
            "landings the days with a figure up to the latest report (later days listed as 0 ahead of time are not "
            "counted); 0 when not reported",
            "days_in_month": "Days in the calendar month",
            "is_complete": "True when days_covered = days_in_month (the whole month is reported); false for a "
            "partial or not-reported month",
            "coverage": "'complete', 'partial' (days_covered < days_in_month) or 'not reported'",
            "covered_to": "Last date the chosen figure covers (the month's last day when complete; the last daily "
            "landing reported for a partial month); null when not reported",
            "unhcr_arrivals": "UNHCR's figure for the month (comparison); null when UNHCR does not report it",
            "ministry_consolidated_arrivals": "Ministry year-to-date difference ending this month; covers the "
            "months from ministry_consolidated_from (several months at the first report of a year); null without a "
            "month-end report",
            "ministry_consolidated_from": "First month covered by ministry_consolidated_arrivals; null without a "
            "month-end report",
            "ministry_provisional_arrivals": "Sum of the ministry's daily landings in the month (provisional); "
            "null when the daily landings do not cover the month",
            "ministry_provisional_days": "Days with a daily figure in that sum (up to the latest report); null when "
            "the daily landings do not cover the month",
            "ministry_provisional_last_report": "Date of the latest ministry report listing a day of this month; "
            "null when none does",
            "source_file": "Stored raw snapshot the `arrivals` value came from; null when not reported",
        },
    },
    "sea_arrivals_yearly": {
        "comment": (
            "One row per destination country (ISO3), arrival type and calendar year of curated.sea_arrivals_monthly. "
            "`arrivals` is a publisher's own annual total where one exists: for Italy the Ministry of the Interior's "
            "year-to-date at 31 December, else, for a year UNHCR reports completely, UNHCR's twelve months summed "
            "(UNHCR's annual figure). Otherwise the year is partial (is_complete false): the ministry's year-to-date "
            "at its last report of the year or UNHCR's reported months summed, whichever covers later, with "
            "covered_from and covered_to. A year whose months come from two publishers is flagged is_spliced; its "
            "month sum (monthly_sum) is never used as the annual total. " + CAVEAT
        ),
        "columns": {
            "country_iso3": "Destination country, ISO 3166-1 alpha-3",
            "arrival_type": "sea, land or atlantic",
            "year": "Calendar year",
            "arrivals": "The year's arrivals as `basis` describes (a publisher's annual total when "
            "is_publisher_annual_total, else a partial-year figure for covered_from to covered_to); null when no "
            "source reports any month of the year",
            "source": "Publisher of `arrivals`: italy_moi or unhcr_odp; null when not reported",
            "basis": "What `arrivals` is: the ministry's year-to-date at 31 December, UNHCR's 12 months summed, or a "
            "partial year (the ministry's year-to-date at a stated date, or N of 12 UNHCR months); null when not "
            "reported",
            "is_publisher_annual_total": "True when `arrivals` is a publisher's own figure for the whole year",
            "is_complete": "True when `arrivals` covers 1 January to 31 December",
            "covered_from": "First date `arrivals` covers; null when not reported",
            "covered_to": "Last date `arrivals` covers; null when not reported",
            "months_reported": "Months of the year with a figure in curated.sea_arrivals_monthly",
            "months_complete": "Months of the year completely reported in curated.sea_arrivals_monthly",
            "monthly_sources": "Sources of the months in curated.sea_arrivals_monthly (two: spliced); null when no "
            "month is reported",
            "is_spliced": "True when the year's months in curated.sea_arrivals_monthly come from two publishers; "
            "their sum is then no publisher's figure",
            "monthly_sum": "Sum of the year's months in curated.sea_arrivals_monthly (comparison; partial or "
            "spliced where the flags say so); null when no month is reported",
            "unhcr_arrivals": "UNHCR's months of the year summed (comparison); null when UNHCR reports none",
            "unhcr_months": "Months UNHCR reports in the year",
            "ministry_arrivals_ytd": "The ministry's year-to-date at its last report of the year (Italy); null "
            "without a report",
            "ministry_report_date": "Date of that last ministry report of the year; null without a report",
            "source_file": "Stored raw snapshot(s) `arrivals` comes from; null when not reported",
        },
    },
    "arrivals_by_nationality": {
        "comment": (
            "One row per source, destination (ISO3), nationality and period. UNHCR: months; ministry: "
            "year-to-date at each year's last report. Nationalities outside a publisher's list are in its "
            "'others' row. Never add the two sources together. " + CAVEAT
        ),
        "columns": {
            "source": "Publisher: unhcr_odp (UNHCR portal) or italy_moi (Ministry of the Interior)",
            "destination_iso3": "Destination country of the arrivals, ISO 3166-1 alpha-3",
            "is_other": "True for the publisher's row of nationalities it does not list (UNHCR OTH/STA, the ministry's "
            "'altre')",
            "source_file": "Stored raw snapshot the row came from (data/raw/<source>/)",
            "nationality_key": "ISO3, or the publisher's code for a non-country row (OTH, STA, OTHERS)",
            "nationality_iso3": "Nationality, ISO 3166-1 alpha-3 (null for others and stateless)",
            "nationality": "Nationality as the publisher names it",
            "period_start": "First day covered",
            "period_end": "Last day covered",
            "arrivals": "People of this nationality arrived in the period",
            "basis": "UNHCR monthly, or the ministry report date the year-to-date is taken from",
        },
    },
    "arrivals_reconciliation": {
        "comment": (
            "One row per year both UNHCR and the Ministry of the Interior report for Italy: UNHCR's months summed "
            "from January to the last month both cover, against the ministry's year-to-date at that month's end. "
            f"Differences over {RECONCILIATION_TOLERANCE_PERCENT}% are reported by a warning check."
        ),
        "columns": {
            "year": "Calendar year both sources report for Italy (years only one reports have no row)",
            "through_month": "Last month included on both sides (UNHCR's last month with a ministry month-end report)",
            "unhcr_months": "UNHCR months summed",
            "unhcr_arrivals": "UNHCR's monthly sea arrivals to Italy summed from January to through_month",
            "ministry_arrivals_ytd": "The ministry's year-to-date at the end of through_month (its report of that day)",
            "difference": "unhcr_arrivals - ministry_arrivals_ytd (people)",
            "difference_percent": "(UNHCR - ministry) / ministry x 100; null when the ministry's figure is 0",
        },
    },
}

_monthly = curated_table(
    "sea_arrivals_monthly", [UNHCR_ARRIVALS, MOI_DAILY, MOI_NATIONALITY], ["country_iso3", "month", "arrival_type"],
    DOCS["sea_arrivals_monthly"],
)  # fmt: skip
SEA_ARRIVALS_MONTHLY = dg.AssetKey(["curated", "sea_arrivals_monthly"])
_yearly = curated_table(
    "sea_arrivals_yearly", [SEA_ARRIVALS_MONTHLY, MOI_NATIONALITY], ["country_iso3", "arrival_type", "year"],
    DOCS["sea_arrivals_yearly"],
)  # fmt: skip
_nationality = curated_table(
    "arrivals_by_nationality", [UNHCR_NATIONALITY, MOI_NATIONALITY],
    ["source", "destination_iso3", "nationality_key", "period_start", "period_end"], DOCS["arrivals_by_nationality"],
)  # fmt: skip
_reconciliation = curated_table(
    "arrivals_reconciliation", [UNHCR_ARRIVALS, MOI_NATIONALITY], ["year"], DOCS["arrivals_reconciliation"],
    allow_empty=True,
)  # fmt: skip


@recorded_check(asset=RECONCILIATION, name="unhcr_and_ministry_agree", blocking=False)
def unhcr_and_ministry_agree(warehouse: Warehouse) -> dg.AssetCheckResult:
    """UNHCR and ministry totals for Italy agree within the tolerance; larger gaps warn, with the numbers."""
    with warehouse.connect() as con:
        rows = con.execute("select * from curated.arrivals_reconciliation order by year").df()
    gaps = rows[rows["difference_percent"].abs() > RECONCILIATION_TOLERANCE_PERCENT]
    return dg.AssetCheckResult(
        passed=gaps.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "tolerance_percent": RECONCILIATION_TOLERANCE_PERCENT,
            "years_compared": len(rows),
            "gaps": dg.MetadataValue.json(gaps.astype(str).to_dict("records")),
        },
    )


ASSETS = [_monthly[0], _yearly[0], _nationality[0], _reconciliation[0]]
CHECKS = [_monthly[1], _yearly[1], _nationality[1], _reconciliation[1], unhcr_and_ministry_agree]
