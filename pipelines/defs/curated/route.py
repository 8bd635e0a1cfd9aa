"""Route-level indicators: Central Mediterranean by month, and the Mediterranean routes compared by year."""

from pathlib import Path

import dagster as dg

from pipelines.defs.curated.tables import curated_table

HERE = Path(__file__).resolve().parent
SEA_ARRIVALS = dg.AssetKey(["curated", "sea_arrivals_monthly"])
SEA_ARRIVALS_YEARLY = dg.AssetKey(["curated", "sea_arrivals_yearly"])
DEATHS = dg.AssetKey(["curated", "deaths_by_route_month"])
MMP_COVERAGE = dg.AssetKey(["curated", "mmp_coverage_monthly"])

MORTALITY = (
    "Mortality per 1,000 attempted crossings = dead and missing / (arrivals + dead and missing) x 1000. Both parts "
    "are minimum counts (IOM records, registered arrivals); crossings intercepted and returned are in neither."
)

COVERAGE_NOTE = (
    "Not reported is null, never 0: a month no Missing Migrants snapshot covers (curated.mmp_coverage_monthly) has "
    "null dead and missing; a covered month with no incident on the route is a recorded 0."
)

DOCS = {
    "central_med_monthly": {
        "comment": (
            "One row per calendar month from the first to the last month any input covers: sea arrivals to Italy "
            "and Malta (curated.sea_arrivals_monthly, whose source and basis say which source fed each number), dead "
            "and missing on the Central Mediterranean route (IOM Missing Migrants, curated.deaths_by_route_month) "
            "and mortality per 1,000 attempted crossings, each input with its coverage of the month. Mortality is "
            "published only where Italy's arrivals and the dead and missing both cover the whole month; the "
            "denominator counts Malta only in months Malta reports (denominator_includes). "
            + COVERAGE_NOTE
            + " "
            + MORTALITY
        ),
        "columns": {
            "month": "First day of the calendar month",
            "arrivals_italy": "Sea arrivals to Italy in the month (source in arrivals_italy_source / _basis); null "
            "when no source reports the month; a partial month counts the days covered only",
            "arrivals_malta": "Sea arrivals to Malta (UNHCR); null where no series reports the month (UNHCR's Malta "
            "series ends in September 2019 and has gaps)",
            "arrivals_total": "The arrivals in the mortality denominator: Italy + Malta when Malta reports the month, "
            "else Italy only (denominator_includes); null when Italy is not reported",
            "denominator_includes": "'Italy + Malta' or 'Italy only' (Malta not reported for the month); null when "
            "Italy is not reported",
            "dead_and_missing": "Dead and missing recorded by IOM on the Central Mediterranean route; null when no "
            "Missing Migrants snapshot covers the month, 0 when a covered month recorded none; a partial month "
            "(dead_and_missing_days_covered < days_in_month) is a minimum for the days covered",
            "incidents": "Incidents recorded by IOM on the route; null and 0 as for dead_and_missing",
            "mortality_per_1000": "dead_and_missing / (arrivals_total + dead_and_missing) x 1000, only where "
            "arrivals_italy_is_complete and dead_and_missing_is_complete; else null (mortality_null_reason)",
            "mortality_null_reason": "Why mortality_per_1000 is null (which input is not reported or partial, with "
            "the days covered); null when it is published",
            "is_complete": "True when Italy's arrivals and the dead and missing both cover the whole month (the "
            "inputs of mortality_per_1000); Malta's coverage is in arrivals_malta_reported",
            "arrivals_italy_reported": "True when a source reports Italy's arrivals for the month",
            "arrivals_italy_is_complete": "True when Italy's figure covers every day of the month",
            "arrivals_italy_days_covered": "Days of the month Italy's figure covers (0: not reported)",
            "arrivals_italy_covered_to": "Last date Italy's figure covers; null when not reported",
            "arrivals_malta_reported": "True when UNHCR reports Malta's arrivals for the whole month (a UNHCR month "
            "is a complete month); false: Malta is not in arrivals_total",
            "dead_and_missing_days_covered": "Days of the month the Missing Migrants snapshot feeding it covers "
            "(curated.mmp_coverage_monthly; 0: not reported)",
            "days_in_month": "Days in the calendar month",
            "dead_and_missing_is_complete": "True when dead_and_missing_days_covered = days_in_month",
            "arrivals_italy_source": "Source of arrivals_italy (unhcr_odp or italy_moi); null when not reported",
            "arrivals_italy_basis": "Basis of arrivals_italy (consolidated, UNHCR monthly series, provisional); null when "
            "not reported",
            "arrivals_malta_source": "Source of arrivals_malta (unhcr_odp); null when not reported",
            "dead_and_missing_source": "iom_mmp (IOM Missing Migrants Project)",
            "dead_and_missing_source_file": "Stored Missing Migrants snapshot feeding the month "
            "(curated.mmp_coverage_monthly); null when none covers it",
        },
    },
    "route_mortality_yearly": {
        "comment": (
            "One row per route (Central, Eastern, Western Mediterranean, Atlantic) and calendar year: arrivals "
            "(curated.sea_arrivals_yearly: a publisher's own annual total where one exists) of the series in "
            "curated.route_definitions, IOM dead and missing on the route summed over the months Missing Migrants "
            "snapshots cover, and mortality per 1,000 attempted crossings, published only when the route's required "
            "arrival series and the dead and missing both cover the whole year (else null, with "
            "mortality_null_reason). An optional series (Malta, Cyprus) enters the denominator only for a year it "
            "covers completely; denominator_includes names what is counted ('Italy only' when Malta is left out). "
            "curated.central_med_yearly shows this table's Central Mediterranean rows. "
            + COVERAGE_NOTE
            + " "
            + MORTALITY
        ),
        "columns": {
            "route": "Route name (curated.route_definitions)",
            "year": "Calendar year",
            "arrivals": "Arrivals in the denominator: the required series' annual figures plus the optional series "
            "complete for the year (denominator_includes); partial when arrivals_is_complete is false; null when a "
            "required series reports nothing for the year",
            "denominator_includes": "Countries whose arrivals are counted, e.g. 'Italy + Malta', 'Italy only' (an "
            "optional country left out as incomplete), 'Spain'; null when arrivals is null",
            "denominator_note": "Countries of the route not complete for the year and why (not reported, or months "
            "complete and basis); null when all are complete",
            "arrivals_is_complete": "True when every required arrival series covers the whole year",
            "arrivals_is_publisher_total": "True when every counted figure is a publisher's own annual total",
            "arrival_months_complete": "Fewest complete months in curated.sea_arrivals_monthly among the required "
            "series (informative: the annual figure can be a publisher's total for a year whose months are spliced)",
            "arrivals_covered_from": "First date all counted arrival figures cover; null when arrivals is null",
            "arrivals_covered_to": "Last date all counted arrival figures cover; null when arrivals is null",
            "arrivals_sources": "Publishers of the counted arrival figures; null when no figure is counted",
            "arrivals_basis": "Basis of each counted figure (curated.sea_arrivals_yearly.basis), per country; null "
            "when no figure is counted",
            "dead_and_missing": "IOM dead and missing on the route over the months Missing Migrants snapshots "
            "cover in the year (covered months without an incident count 0); null when no snapshot covers any day "
            "of the year; partial (a minimum) when dead_and_missing_is_complete is false",
            "incidents": "IOM incidents on the route; null and partial as dead_and_missing",
            "dead_and_missing_days_covered": "Days of the year covered by the Missing Migrants snapshots in use "
            "(curated.mmp_coverage_monthly)",
            "days_in_year": "Days in the calendar year",
            "dead_and_missing_months_complete": "Months of the year completely covered by a Missing Migrants snapshot",
            "dead_and_missing_is_complete": "True when dead_and_missing_days_covered = days_in_year",
            "dead_and_missing_covered_from": "First month the dead and missing cover in the year",
            "dead_and_missing_covered_to": "Last date the dead and missing cover in the year",
            "is_complete": "True when the required arrivals and the dead and missing both cover the whole year (the "
            "inputs of mortality_per_1000)",
            "mortality_per_1000": "dead_and_missing / (arrivals + dead_and_missing) x 1000 when is_complete; null "
            "otherwise (mortality_null_reason)",
            "mortality_null_reason": "Why mortality_per_1000 is null, with both inputs' coverage ends; null when it "
            "is published",
            "dead_and_missing_source": "iom_mmp (IOM Missing Migrants Project)",
        },
    },
    "route_definitions": {
        "comment": "One row per route and arrival series: which IOM route label and which destination arrivals "
        "(country, arrival type) make up a route in curated.route_mortality_yearly.",
        "columns": {
            "route": "Route name used in curated.route_mortality_yearly",
            "mmp_route": "IOM Missing Migrants route label",
            "country_iso3": "Destination country of the arrival series, ISO 3166-1 alpha-3",
            "country": "Destination country name, as denominator_includes writes it",
            "arrival_type": "sea, land or atlantic",
            "required": "true: the route's mortality needs this series complete; false: counted only in years it "
            "covers completely (denominator_includes says so)",
            "note": "Why the series is in (or how it is treated); null when there is nothing to add",
        },
    },
}


_YEARLY = DOCS["route_mortality_yearly"]["columns"]
# Column comments of the views over these tables (written by views.py after each view is created).
VIEW_COLUMNS: dict[str, dict[str, str]] = {
    "route_comparison_latest": dict(_YEARLY),
    "central_med_yearly": {
        **{
            c: _YEARLY[c]
            for c in (
                "year",
                "denominator_includes",
                "denominator_note",
                "dead_and_missing",
                "incidents",
                "dead_and_missing_days_covered",
                "days_in_year",
                "dead_and_missing_months_complete",
                "dead_and_missing_is_complete",
                "dead_and_missing_covered_to",
                "is_complete",
                "mortality_per_1000",
                "mortality_null_reason",
            )
        },
        "arrivals_total": "Arrivals in the mortality denominator (curated.route_mortality_yearly.arrivals): Italy, "
        "plus Malta for a year Malta covers completely (denominator_includes); partial when Italy's figure is; null "
        "when Italy reports nothing for the year",
        "arrivals_italy": "Italy's sea arrivals for the year (curated.sea_arrivals_yearly: a publisher's own annual "
        "total where one exists, else a partial year as arrivals_italy_basis says); null when not reported",
        "arrivals_italy_source": "Publisher of arrivals_italy (italy_moi or unhcr_odp); null when not reported",
        "arrivals_italy_basis": "What arrivals_italy is (the ministry's year-to-date at 31 December, UNHCR's 12 "
        "months, or a partial year with its end date); null when not reported",
        "arrivals_italy_is_complete": "True when arrivals_italy covers 1 January to 31 December",
        "arrivals_italy_months_spliced": "True when the year's months in curated.sea_arrivals_monthly come from two "
        "publishers (their sum is not used; arrivals_italy is a single publisher's figure)",
        "arrivals_italy_months_complete": "Months of the year completely reported for Italy in "
        "curated.sea_arrivals_monthly",
        "arrivals_malta": "Malta's sea arrivals for the year, only when UNHCR reports all twelve months; null "
        "otherwise (then the denominator is Italy only)",
        "arrivals_malta_months_reported": "Months of the year UNHCR reports for Malta (0: none)",
        "arrivals_malta_is_complete": "True when UNHCR reports all twelve months for Malta",
    },
}


def _route_definitions(con) -> None:  # noqa: ANN001
    con.execute("create schema if not exists curated")
    con.execute(
        "create or replace table curated.route_definitions as "
        f"select * from read_csv('{HERE / 'route_definitions.csv'}', header = true, all_varchar = true)"
    )
    con.execute(
        "create or replace temp view curated_route_definitions as select * from curated.route_definitions"
    )


def _document_definitions(con) -> None:  # noqa: ANN001
    from pipelines.lib.sql import comment_table

    _route_definitions(con)
    doc = DOCS["route_definitions"]
    comment_table(con, "curated.route_definitions", doc["comment"], doc["columns"])


_monthly = curated_table(
    "central_med_monthly", [SEA_ARRIVALS, DEATHS, MMP_COVERAGE], ["month"], DOCS["central_med_monthly"]
)
_yearly = curated_table(
    "route_mortality_yearly", [SEA_ARRIVALS_YEARLY, DEATHS, MMP_COVERAGE], ["route", "year"],
    DOCS["route_mortality_yearly"],
    setup=_document_definitions,
)  # fmt: skip

ASSETS = [_monthly[0], _yearly[0]]
CHECKS = [_monthly[1], _yearly[1]]
