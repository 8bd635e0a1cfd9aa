"""Curated arrival tables: UNHCR and the Italian Ministry of the Interior, with a documented precedence."""

import dagster as dg

from pipelines.defs.curated.tables import curated_table
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
            "One row per destination country (ISO3), month and arrival type (sea, land, atlantic). For Italy, "
            "`arrivals` follows a precedence: (1) the ministry's consolidated month (difference of month-end "
            "year-to-date reports), (2) UNHCR's monthly series, (3) the ministry's provisional daily landings "
            "summed; the other values stay in their columns and `source`/`basis` say which was used. "
            "Other countries: UNHCR. " + CAVEAT
        ),
        "columns": {
            "country_iso3": "Destination country, ISO 3166-1 alpha-3",
            "month": "First day of the calendar month",
            "arrival_type": "sea, land or atlantic (UNHCR population group 4797, 4798, 5634)",
            "arrivals": "People arrived in the month, from the source named in `source`",
            "source": "unhcr_odp or italy_moi",
            "basis": "Which figure `arrivals` is: consolidated, UNHCR monthly series, or provisional",
            "unhcr_arrivals": "UNHCR's figure for the month (comparison)",
            "ministry_consolidated_arrivals": "Ministry year-to-date difference ending this month; covers the "
            "months from ministry_consolidated_from (several months at the first report of a year)",
            "ministry_consolidated_from": "First month covered by ministry_consolidated_arrivals",
            "ministry_provisional_arrivals": "Sum of the ministry's daily landings in the month (provisional)",
            "ministry_provisional_days": "Days with a daily figure in that sum",
            "source_file": "Stored raw snapshot the `arrivals` value came from",
        },
    },
    "arrivals_by_nationality": {
        "comment": (
            "One row per source, destination (ISO3), nationality and period. UNHCR: months; ministry: "
            "year-to-date at each year's last report. Nationalities outside a publisher's list are in its "
            "'others' row. Never add the two sources together. " + CAVEAT
        ),
        "columns": {
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
            "through_month": "Last month included on both sides",
            "unhcr_months": "UNHCR months summed",
            "difference_percent": "(UNHCR - ministry) / ministry x 100",
        },
    },
}

_monthly = curated_table(
    "sea_arrivals_monthly", [UNHCR_ARRIVALS, MOI_DAILY, MOI_NATIONALITY], ["country_iso3", "month", "arrival_type"],
    DOCS["sea_arrivals_monthly"],
)  # fmt: skip
_nationality = curated_table(
    "arrivals_by_nationality", [UNHCR_NATIONALITY, MOI_NATIONALITY],
    ["source", "destination_iso3", "nationality_key", "period_start", "period_end"], DOCS["arrivals_by_nationality"],
)  # fmt: skip
_reconciliation = curated_table(
    "arrivals_reconciliation", [UNHCR_ARRIVALS, MOI_NATIONALITY], ["year"], DOCS["arrivals_reconciliation"],
    allow_empty=True,
)  # fmt: skip


@dg.asset_check(asset=RECONCILIATION, blocking=True, name="unhcr_and_ministry_agree")
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


ASSETS = [_monthly[0], _nationality[0], _reconciliation[0]]
CHECKS = [_monthly[1], _nationality[1], _reconciliation[1], unhcr_and_ministry_agree]
