"""Views for the questions researchers ask most (sql/curated/views/<view>.sql), each documented (COMMENT ON
VIEW) and published with the tables. A view is created only when the tables it reads were built."""

import dagster as dg

from pipelines.defs.curated.route import VIEW_COLUMNS
from pipelines.lib.sql import SQL_DIR, literal
from pipelines.lib.warehouse import Warehouse

# Column descriptions of the views documented here; the route views' come from route.py.
OWN_COLUMNS: dict[str, dict[str, str]] = {
    "italy_top_nationalities_yearly": {
        "year": "Calendar year",
        "rank": "Rank of the nationality by arrivals within the year (1 = most), over the chosen source's listed "
        "nationalities",
        "nationality_key": "ISO3 code of the nationality (the publisher's own code where it has no ISO3)",
        "nationality": "Nationality as the publisher labels it (the ministry's labels are Italian)",
        "arrivals": "Arrivals of that nationality in the period covered_from..covered_to (a minimum for the year "
        "when is_complete_year is false)",
        "source": "italy_moi (the year-to-date of the year's last report) or unhcr_odp (months summed)",
        "covered_from": "First day the year's figures of the chosen source cover",
        "covered_to": "Last day they cover: 31 December, or the last report date / last month for a partial year",
        "is_complete_year": "True when the figures cover 1 January to 31 December (UNHCR: all 12 months); false: a "
        "partial year, not comparable with complete years",
    },
    "trafficking_italy_detected_victims": {
        "year": "Reference year of the UNODC figure",
        "indicator": "GLOTIP indicator (detected victims)",
        "dimension": "Breakdown: total, by form of exploitation, by citizenship …",
        "category": "Category within the breakdown as published ('Total' for the national total)",
        "sex": "Sex as published (Total, Female, Male)",
        "age": "Age group as published (Total, Adult, Minor …)",
        "value": "Number of victims; null when suppressed ('<5', is_suppressed) or conflicting, never 0",
        "is_suppressed": "True when UNODC published '<5' instead of a number",
        "flag": "Publisher flag as published ('<5'); null when none",
        "source_file": "Stored GLOTIP release the row came from (data/raw/unodc_glotip/)",
        "source_row": "Sheet row of that release",
    },
}

VIEWS = {
    "central_med_yearly": (
        ["route_mortality_yearly", "sea_arrivals_yearly"],
        "One row per year: the Central Mediterranean rows of curated.route_mortality_yearly (arrivals with what the "
        "denominator includes, dead and missing with the days covered, mortality per 1,000 only for complete years, "
        "else null with mortality_null_reason), with Italy's and Malta's annual figures of curated.sea_arrivals_yearly "
        "(source, basis, completeness) beside them.",
    ),
    "route_comparison_latest": (
        ["route_mortality_yearly"],
        "The latest year with a mortality figure for each route (arrivals and dead and missing both complete): "
        "the curated.route_mortality_yearly row, with what its denominator includes.",
    ),
    "italy_top_nationalities_yearly": (
        ["arrivals_by_nationality"],
        "Arrivals to Italy by nationality and year, ranked within the year; the ministry's year-to-date where it "
        "exists, else UNHCR's months summed; 'others' rows left out. A year the chosen source covers only in part "
        "(covered_from/covered_to) is ranked on that part: is_complete_year false.",
    ),
    "trafficking_italy_detected_victims": (
        ["thb_victims"],
        "Victims of trafficking detected in Italy (UNODC GLOTIP definition) by year and breakdown; suppressed "
        "values ('<5') have a null value and is_suppressed true.",
    ),
}


@dg.asset(
    key=["curated", "research_views"],
    deps=[dg.AssetKey(["curated", t]) for t in sorted({t for tables, _c in VIEWS.values() for t in tables})],
    group_name="curated",
    kinds={"duckdb"},
    metadata={"uses_what_was_built": True, "relations": [f"curated/{name}" for name in VIEWS]},
)
def research_views(warehouse: Warehouse) -> dg.MaterializeResult:
    """curated.central_med_yearly, curated.route_comparison_latest, curated.italy_top_nationalities_yearly and
    curated.trafficking_italy_detected_victims: views answering common questions, documented with COMMENT ON."""
    created, skipped = [], []
    with warehouse.connect() as con:
        built = {row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'curated' "
            "and database_name = current_database()").fetchall()}  # fmt: skip
        for name, (tables, comment) in VIEWS.items():
            sql = (SQL_DIR / "curated" / "views" / f"{name}.sql").read_text()
            if not set(tables) <= built:
                con.execute(f"drop view if exists curated.{name}")
                skipped.append(name)
                continue
            con.execute(f"create or replace view curated.{name} as {sql}")
            con.execute(f"comment on view curated.{name} is {literal(comment)}")
            for column, text in {**VIEW_COLUMNS, **OWN_COLUMNS}.get(name, {}).items():
                con.execute(f"comment on column curated.{name}.{column} is {literal(text)}")
            con.execute(f"select * from curated.{name} limit 1").fetchall()
            created.append(name)
    return dg.MaterializeResult(
        metadata={"views": dg.MetadataValue.json(created), "skipped": dg.MetadataValue.json(skipped)}
    )


ASSETS = [research_views]
CHECKS: list = []
