"""Route-level indicators: Central Mediterranean by month, and the Mediterranean routes compared by year."""

from pathlib import Path

import dagster as dg

from pipelines.defs.curated.tables import curated_table

HERE = Path(__file__).resolve().parent
SEA_ARRIVALS = dg.AssetKey(["curated", "sea_arrivals_monthly"])
DEATHS = dg.AssetKey(["curated", "deaths_by_route_month"])

MORTALITY = (
    "Mortality per 1,000 attempted crossings = dead and missing / (arrivals + dead and missing) x 1000. Both parts "
    "are minimum counts (IOM records, registered arrivals); crossings intercepted and returned are in neither."
)

DOCS = {
    "central_med_monthly": {
        "comment": (
            "One row per month: sea arrivals to Italy and Malta (curated.sea_arrivals_monthly, whose source and basis "
            "columns say which source fed each number), dead and missing on the Central Mediterranean route (IOM "
            "Missing Migrants, curated.deaths_by_route_month) and mortality per 1,000 attempted crossings. "
            + MORTALITY
        ),
        "columns": {
            "arrivals_italy": "Sea arrivals to Italy in the month (source in arrivals_italy_source / _basis)",
            "arrivals_malta": "Sea arrivals to Malta (UNHCR); null where no series covers the month",
            "arrivals_total": "Italy + Malta",
            "dead_and_missing": "Dead and missing recorded by IOM on the Central Mediterranean route",
            "mortality_per_1000": "dead_and_missing / (arrivals_total + dead_and_missing) x 1000; null without Italy arrivals",
        },
    },
    "route_mortality_yearly": {
        "comment": (
            "One row per route (Central, Eastern, Western Mediterranean, Atlantic) and year: arrivals by the series "
            "in curated.route_definitions, IOM dead and missing on the route, and mortality per 1,000 attempted "
            "crossings (null when the year's arrivals cover fewer than 12 months). " + MORTALITY
        ),
        "columns": {
            "arrival_months": "Months with an arrival figure in the year",
            "mortality_per_1000": "dead_and_missing / (arrivals + dead_and_missing) x 1000, complete years only",
            "arrivals_sources": "Sources of the arrival figures",
        },
    },
    "route_definitions": {
        "comment": "One row per route and arrival series: which IOM route label and which destination arrivals "
        "(country, arrival type) make up a route in curated.route_mortality_yearly.",
        "columns": {"mmp_route": "IOM Missing Migrants route label", "arrival_type": "sea, land or atlantic"},
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
    "central_med_monthly", [SEA_ARRIVALS, DEATHS], ["month"], DOCS["central_med_monthly"]
)
_yearly = curated_table(
    "route_mortality_yearly", [SEA_ARRIVALS, DEATHS], ["route", "year"], DOCS["route_mortality_yearly"],
    setup=_document_definitions,
)  # fmt: skip

ASSETS = [_monthly[0], _yearly[0]]
CHECKS = [_monthly[1], _yearly[1]]
