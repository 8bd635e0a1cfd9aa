"""Views for the questions researchers ask most, each documented (COMMENT ON VIEW) and published with the
tables. A view is created only when the tables it reads were built."""

import dagster as dg

from pipelines.lib.sql import _quote
from pipelines.lib.warehouse import Warehouse

VIEWS = {
    "central_med_yearly": (
        ["central_med_monthly"],
        "One row per year: Central Mediterranean arrivals (Italy and Malta), dead and missing, and mortality per "
        "1,000 attempted crossings from the year's sums; months_with_arrivals says whether the year is complete.",
        """
        select year(month) as year, sum(arrivals_italy) as arrivals_italy, sum(arrivals_malta) as arrivals_malta,
            sum(dead_and_missing) as dead_and_missing, count(arrivals_italy) as months_with_arrivals,
            round(1000.0 * sum(dead_and_missing) / nullif(sum(arrivals_total) + sum(dead_and_missing), 0), 2)
                as mortality_per_1000
        from curated.central_med_monthly group by 1 order by 1
        """,
    ),
    "route_comparison_latest": (
        ["route_mortality_yearly"],
        "The latest year with complete arrivals for each route: arrivals, dead and missing, mortality per 1,000.",
        """
        select * from curated.route_mortality_yearly
        where mortality_per_1000 is not null
        qualify year = max(year) over (partition by route)
        order by route
        """,
    ),
    "italy_top_nationalities_yearly": (
        ["arrivals_by_nationality"],
        "Arrivals to Italy by nationality and year, ranked within the year; the ministry's year-to-date where it "
        "exists, else UNHCR's months summed; 'others' rows left out.",
        """
        with yearly as (
            select source, year(period_start) as year, nationality_key, any_value(nationality) as nationality,
                sum(arrivals) as arrivals
            from curated.arrivals_by_nationality
            where destination_iso3 = 'ITA' and not coalesce(is_other, false)
            group by all
        ),
        chosen as (
            select * from yearly
            qualify source = (case when bool_or(source = 'italy_moi') over (partition by year)
                              then 'italy_moi' else 'unhcr_odp' end)
        )
        select year, rank() over (partition by year order by arrivals desc) as rank, nationality_key, nationality,
            arrivals, source
        from chosen order by year, rank
        """,
    ),
    "trafficking_italy_detected_victims": (
        ["thb_victims"],
        "Victims of trafficking detected in Italy (UNODC GLOTIP definition) by year and breakdown; suppressed "
        "values ('<5') have a null value and is_suppressed true.",
        """
        select year, indicator, dimension, category, sex, age, value, is_suppressed, flag, source_file, source_row
        from curated.thb_victims
        where source = 'unodc_glotip' and geo_level = 'country' and country_iso3 = 'ITA'
        order by year, dimension, category
        """,
    ),
}


@dg.asset(
    key=["curated", "research_views"],
    deps=[
        dg.AssetKey(["curated", t]) for t in sorted({t for tables, _c, _s in VIEWS.values() for t in tables})
    ],
    group_name="curated",
    kinds={"duckdb"},
    metadata={"uses_what_was_built": True},
)
def research_views(warehouse: Warehouse) -> dg.MaterializeResult:
    """curated.central_med_yearly, curated.route_comparison_latest, curated.italy_top_nationalities_yearly and
    curated.trafficking_italy_detected_victims: views answering common questions, documented with COMMENT ON."""
    created, skipped = [], []
    with warehouse.connect() as con:
        built = {row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'curated' "
            "and database_name = current_database()").fetchall()}  # fmt: skip
        for name, (tables, comment, sql) in VIEWS.items():
            if not set(tables) <= built:
                con.execute(f"drop view if exists curated.{name}")
                skipped.append(name)
                continue
            con.execute(f"create or replace view curated.{name} as {sql}")
            con.execute(f"comment on view curated.{name} is {_quote(comment)}")
            con.execute(f"select * from curated.{name} limit 1").fetchall()
            created.append(name)
    return dg.MaterializeResult(
        metadata={"views": dg.MetadataValue.json(created), "skipped": dg.MetadataValue.json(skipped)}
    )


ASSETS = [research_views]
CHECKS: list = []
