"""Curated trafficking tables: UNODC GLOTIP and Eurostat crim_thb in one long table, and the GLOTIP revisions."""

import dagster as dg

from pipelines.defs.curated.tables import curated_table
from pipelines.lib.checks import recorded_check
from pipelines.lib.warehouse import Warehouse

GLOTIP_COUNTRIES = dg.AssetKey(["staging", "stg_unodc_glotip__country_values"])
GLOTIP_SUBREGIONS = dg.AssetKey(["staging", "stg_unodc_glotip__subregion_values"])
GLOTIP_RECORDS = dg.AssetKey(["staging", "stg_unodc_glotip__records"])
EUROSTAT = dg.AssetKey(["staging", "stg_eurostat_thb__observations"])
THB_VICTIMS = dg.AssetKey(["curated", "thb_victims"])
GLOTIP_REVISIONS = dg.AssetKey(["curated", "glotip_revisions"])

DEFINITIONS_CAVEAT = (
    "UNODC counts victims detected by national authorities as reported to UNODC (GLOTIP); Eurostat counts victims "
    "registered (identified and presumed) under Directive 2011/36/EU. They are different definitions: never add "
    "rows of different sources, and never add aggregates (geo_level 'region' or 'aggregate') to countries. "
    "Suppressed or confidential values are null, never 0."
)

DOCS = {
    "thb_victims": {
        "comment": (
            "One row per source, dataset, area, year, indicator, breakdown (dimension and category), sex and age: "
            "UNODC GLOTIP country data (release in use; detected victims, persons prosecuted, convicted, brought into "
            "formal contact, offences) and Eurostat crim_thb (registered victims; persons suspected, prosecuted, "
            "convicted). "
            + DEFINITIONS_CAVEAT
            + " GLOTIP '<5' is kept as suppressed (is_suppressed, suppressed_below "
            "5); a GLOTIP key published with several different values has value null and value_status "
            "'conflicting'. Licences: UNODC (attribution to UNODC), Eurostat CC BY 4.0."
        ),
        "columns": {
            "source": "unodc_glotip or eurostat_thb; never add rows of different sources",
            "dataset": "data_glotip, or the Eurostat dataset code (crim_thb_vctz, crim_thb_vexp, crim_thb_sex)",
            "definition": "What the indicator counts in this source (the two sources' definitions differ)",
            "geo_level": "country; region (UNODC sub-regional aggregate); aggregate (EU); unknown (unmapped code)",
            "geo_code": "ISO3 for GLOTIP countries (the name where UNODC gives no code), the UNODC area code, or "
            "Eurostat's geo code (EL, EU27_2020…)",
            "country_iso3": "Country, ISO 3166-1 alpha-3 (null for aggregates; XKX for Kosovo)",
            "country_name": "Country or aggregate name as the publisher gives it",
            "year": "Reference year",
            "indicator": "detected victims (UNODC), registered victims (Eurostat), persons suspected, prosecuted, "
            "convicted, brought into formal contact, offences",
            "dimension": "Breakdown: total, form of exploitation, citizenship, country of repatriation",
            "category": "Breakdown category as published (GLOTIP free text, Eurostat code); null for a total without a "
            "breakdown",
            "category_label": "Category label (GLOTIP as published, Eurostat code label from datasets.toml); null when "
            "category is null",
            "category_iso3": "Citizenship or country of repatriation as ISO3 (GLOTIP; 'Nationals' resolved to the "
            "reporting country); null when not a country or unmapped",
            "sex": "Total, Female, Male, Other, Unknown",
            "age": "Total, 0 to 17 years, 18 years or over, Unknown",
            "value": "Number of persons (or offences); null when suppressed, confidential, not available, "
            "conflicting or not a count",
            "value_status": "published, suppressed (GLOTIP '<5'), confidential (Eurostat), not available, "
            "conflicting (GLOTIP key with several values), not a count (GLOTIP questionnaire code)",
            "is_suppressed": "True when the publisher withheld the value (GLOTIP '<5', Eurostat confidential)",
            "suppressed_below": "The bound of a suppressed GLOTIP value: the true value is below it (5); null when the "
            "value is not suppressed",
            "flag": "Publisher flag as published: GLOTIP '<5', Eurostat OBS_FLAG (p, e, b, c, u, d…); null when the "
            "publisher flags nothing",
            "conf_status": "Eurostat CONF_STATUS as published (C confidential, N not for publication…); null for GLOTIP "
            "rows and unflagged Eurostat values",
            "value_published": "The value text as published",
            "release_date": "GLOTIP release date (row 2 of the workbook) or Eurostat LAST UPDATE",
            "source_file": "Stored raw snapshot the row came from (data/raw/<source>/)",
            "source_row": "Sheet row (GLOTIP, first row of the key) or file line (Eurostat) of that file",
        },
    },
    "glotip_revisions": {
        "comment": (
            "One row per GLOTIP key (area, indicator, dimension, category, sex, age, year, unit) whose value "
            "differs between the release before the one in use and the release in use (change 'changed'), or that "
            "only one of them has ('added', 'removed'; is_new_year marks years the earlier release did not cover). "
            "Values compared as published, thousands separators ignored; '<5' compared as the marker. Empty when "
            "the raw store holds a single GLOTIP release."
        ),
        "columns": {
            "area_code": "ISO3 of the country (its name where UNODC gives no code) or UNODC area code",
            "change": "changed, added or removed",
            "is_new_year": "The year is later than the last year of the earlier release",
            "country": "Country or area name as UNODC publishes it; null for the sub-regional aggregate rows of the 2023 "
            "release, which name no country",
            "is_aggregate": "True for a UNODC regional or sub-regional aggregate row (never add it to countries)",
            "indicator": "GLOTIP indicator (detected victims, persons prosecuted, convicted …)",
            "dimension": "Breakdown: total, by form of exploitation, by citizenship …",
            "category": "Category within the breakdown as published; null where UNODC leaves it blank",
            "sex": "Sex as published (Total, Female, Male)",
            "age": "Age group as published (Total, Adult, Minor …)",
            "year": "Reference year of the value",
            "unit": "Unit of measurement as published (Counts, Rate per 100,000 population)",
            "previous_value_published": "Value in the earlier release as published (several values: 'a | b'); null "
            "when the key is new in the release in use (change 'added')",
            "current_value_published": "Value in the release in use as published; null when the key was dropped (change "
            "'removed')",
            "previous_value": "Earlier value as a number (null when suppressed, conflicting or absent)",
            "current_value": "Current value as a number (null when suppressed, conflicting or absent)",
            "difference": "current_value - previous_value, when both are numbers; null otherwise (added, removed, suppressed "
            "or conflicting)",
            "previous_release": "Release date of the earlier release",
            "current_release": "Release date of the release in use",
            "previous_file": "Stored file of the earlier release; null for an added key",
            "previous_source_row": "Sheet row in the earlier release's file; null for an added key",
            "current_file": "Stored file of the release in use; null for a removed key",
            "current_source_row": "Sheet row in the release in use; null for a removed key",
        },
    },
}

VICTIMS_METADATA = """
select
    count(*) filter (where source = 'unodc_glotip') as unodc_glotip_rows,
    count(*) filter (where source = 'eurostat_thb') as eurostat_thb_rows,
    count(*) filter (where is_suppressed) as suppressed_rows,
    count(*) filter (where value_status = 'conflicting') as conflicting_rows,
    count(*) filter (where geo_level <> 'country') as aggregate_rows
from curated.thb_victims
"""

REVISIONS_METADATA = """
select
    count(*) filter (where change = 'changed') as values_changed,
    count(*) filter (where change = 'added') as values_added,
    count(*) filter (where change = 'added' and not is_new_year) as values_added_in_covered_years,
    count(*) filter (where change = 'removed') as values_removed,
    (select count(*) from staging.stg_unodc_glotip__records where release = 'previous') = 0 as single_release,
    case
        when (select count(*) from staging.stg_unodc_glotip__records where release = 'previous') = 0
            then 'only one GLOTIP release in the raw store: nothing to compare, the table is empty'
        else 'compared the release of ' || coalesce(
            (select max(release_date)::varchar from staging.stg_unodc_glotip__records where release = 'previous'), '?'
        ) || ' with the release of ' || coalesce(
            (select max(release_date)::varchar from staging.stg_unodc_glotip__records where release = 'current'), '?'
        )
    end as note
from curated.glotip_revisions
"""

KEY = ["source", "dataset", "geo_code", "year", "indicator", "dimension", "category", "sex", "age"]
REVISION_KEY = ["area_code", "indicator", "dimension", "category", "sex", "age", "year", "unit"]

# The columns thb_victims reads from each staging table: an empty relation stands in for a source the
# build left out, so the table holds whichever sources were loaded.
INPUTS = {
    "unodc_glotip_country_values": ("staging.stg_unodc_glotip__country_values", {
        "definition": "varchar", "country_iso3": "varchar", "country": "varchar", "year": "integer",
        "indicator": "varchar", "dimension": "varchar", "category": "varchar", "category_iso3": "varchar",
        "sex": "varchar", "age": "varchar", "value": "bigint", "value_status": "varchar", "is_suppressed": "boolean",
        "suppressed_below": "integer", "value_published": "varchar", "release_date": "date",
        "source_file": "varchar", "source_row": "bigint"}),
    "unodc_glotip_subregion_values": ("staging.stg_unodc_glotip__subregion_values", {
        "definition": "varchar", "area_code": "varchar", "year": "integer", "indicator": "varchar",
        "dimension": "varchar", "category": "varchar", "category_iso3": "varchar", "sex": "varchar", "age": "varchar",
        "value": "bigint", "value_status": "varchar", "is_suppressed": "boolean", "suppressed_below": "integer",
        "value_published": "varchar", "release_date": "date", "source_file": "varchar", "source_row": "bigint"}),
    "eurostat_thb_observations": ("staging.stg_eurostat_thb__observations", {
        "dataset": "varchar", "definition": "varchar", "geo_level": "varchar", "geo": "varchar",
        "country_iso3": "varchar", "geo_name": "varchar", "year": "integer", "indicator": "varchar",
        "dimension": "varchar", "category_code": "varchar", "category_label": "varchar", "sex": "varchar",
        "age": "varchar", "value": "bigint", "value_status": "varchar", "is_suppressed": "boolean",
        "obs_flag": "varchar", "conf_status": "varchar", "value_published": "varchar", "last_update": "timestamp",
        "source_file": "varchar", "source_row": "bigint"}),
}  # fmt: skip


def _inputs(con) -> None:  # noqa: ANN001
    built = {f"{s}.{t}" for s, t in con.execute("select schema_name, table_name from duckdb_tables() "
                                                  "where database_name = current_database()").fetchall()}  # fmt: skip
    for name, (table, columns) in INPUTS.items():
        if table in built:
            con.execute(f"create or replace temp view thb__{name} as select * from {table}")
        else:
            empty = ", ".join(f"null::{kind} as {column}" for column, kind in columns.items())
            con.execute(f"create or replace temp view thb__{name} as select {empty} where false")


_victims = curated_table(
    "thb_victims",
    [GLOTIP_COUNTRIES, GLOTIP_SUBREGIONS, EUROSTAT],
    KEY,
    DOCS["thb_victims"],
    extra_metadata=VICTIMS_METADATA,
    setup=_inputs,
    uses_what_was_built=True,
)
_revisions = curated_table(
    "glotip_revisions",
    [GLOTIP_RECORDS],
    REVISION_KEY,
    DOCS["glotip_revisions"],
    extra_metadata=REVISIONS_METADATA,
    allow_empty=True,
)


@recorded_check(asset=THB_VICTIMS, name="definitions_never_shared")
def definitions_never_shared(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every row states its definition, and no definition is shared by the two sources, so rows of UNODC and
    Eurostat can always be told apart (and never added together by accident)."""
    with warehouse.connect() as con:
        missing, shared = con.execute(
            "select count(*) filter (where definition is null), "
            "(select count(*) from (select definition from curated.thb_victims group by 1 "
            "having count(distinct source) > 1)) from curated.thb_victims"
        ).fetchall()[0]
    return dg.AssetCheckResult(
        passed=bool(missing == 0 and shared == 0),
        metadata={"rows_without_definition": int(missing), "definitions_shared_by_sources": int(shared)},
    )


ASSETS = [_victims[0], _revisions[0]]
CHECKS = [_victims[1], _revisions[1], definitions_never_shared]
