"""UNODC GLOTIP country data: the two newest releases loaded raw, and staging."""

import dagster as dg

from pipelines.defs.unodc_glotip import stage
from pipelines.lib.steps import asset, one_step
from pipelines.lib.warehouse import Warehouse

GROUP = "unodc_glotip"
RAW_KEY = dg.AssetKey(["raw", "unodc_glotip__data_glotip"])
RAW_PREVIOUS_KEY = dg.AssetKey(["raw", "unodc_glotip__data_glotip_previous"])
RECORDS_KEY = dg.AssetKey(["staging", "stg_unodc_glotip__records"])
COUNTRY_KEY = dg.AssetKey(["staging", "stg_unodc_glotip__country_values"])
SUBREGION_KEY = dg.AssetKey(["staging", "stg_unodc_glotip__subregion_values"])


@asset(key=RAW_KEY, group_name=GROUP, kinds={"duckdb", "xlsx"})
def raw_unodc_glotip__data_glotip(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The GLOTIP release in use (data_glotip.xlsx), loaded as published: every cell as text, publisher headers.

    Which release: the snapshot named by `--snapshot unodc_glotip=...`, else the one whose workbook states the
    latest release date (row 2 of sheet data_glotip_1, recorded as the snapshot's publication date), not the
    order in which files were imported. Grain: one row per data row of the sheet (header on row 3, below the
    'UNODC' banner and the release date); `_source_row` is the sheet row. A renamed or missing column, a
    workbook that is not a zip (truncated download, HTML page) or a sheet that is not there fails the build
    naming the file; the snapshot is then marked rejected and kept apart.
    """
    return stage.load_release(context, warehouse, "current")


@asset(key=RAW_PREVIOUS_KEY, group_name=GROUP, kinds={"duckdb", "xlsx"})
def raw_unodc_glotip__data_glotip_previous(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The GLOTIP release before the one in use, loaded as published, for curated.glotip_revisions only.

    Which release: among the accepted snapshots, the newest whose release date (row 2) is earlier than that of
    the release in use. When the raw store holds no such release the table is empty, with the same columns,
    and this materialisation says so in its `note`; nothing downstream fails. Same reader and rules as
    raw/unodc_glotip__data_glotip.
    """
    return stage.load_release(context, warehouse, "previous")


@asset(key=RECORDS_KEY, deps=[RAW_KEY, RAW_PREVIOUS_KEY], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_unodc_glotip__records(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Every GLOTIP row of the releases loaded, typed, from sql/staging/stg_unodc_glotip__records.sql.

    Grain: one row per data row of each release (`release` = 'current', or 'previous' for the one before it).
    A year that is not a year, a txtVALUE that is neither a count nor a '<n>' marker, or a row naming neither a
    country nor an area code fails the build naming file, row and column. Judgement calls, counted in this
    materialisation's metadata and listed per row in `cleaning_notes`:
    - txtVALUE is text: '2,146' is read as 2146; '<5' is a suppressed value: `value` null, `is_suppressed` true,
      `suppressed_below` 5, never 0 or 5;
    - exact duplicate rows (every column equal, e.g. 336 in the 2025 release) are flagged
      (`is_exact_duplicate`) and dropped from the *_values tables;
    - rows sharing a key (area, indicator, dimension, category, sex, age, year, unit) with different values
      (mostly 'Other forms of exploitation', whose sub-forms the export no longer names, and a few sex totals)
      are conflicts: the publisher gives more than one number for one cell and the sub-forms do not add up to
      the national totals consistently, so no value is chosen and none is summed; every published value is kept
      in `key_values`, and the *_values tables carry the key once with `value` null, `value_status` 'conflicting';
    - citizenship and country-of-repatriation labels are mapped to ISO3 (`category_iso3`): the reviewed
      override file category_overrides.csv first, then the country_converter name patterns; 'Nationals'
      (and its Spanish form) resolves to the reporting country; regions, 'Unknown', stateless and similar are
      listed there as not a country; labels still unmapped are listed in `unmapped_category_labels`.
    """
    metadata, counts = stage.build_records(warehouse)
    context.log.info(f"unodc_glotip: records {counts}")
    return dg.MaterializeResult(metadata=metadata)


@asset(key=COUNTRY_KEY, deps=[RECORDS_KEY], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_unodc_glotip__country_values(warehouse: Warehouse) -> dg.MaterializeResult:
    """GLOTIP values of the release in use for rows that name a country, from
    sql/staging/stg_unodc_glotip__country_values.sql.

    Grain: one row per country, indicator, dimension, category, sex, age and year. Exact duplicates dropped;
    a conflicting key appears once with `value` null and `value_status` 'conflicting'; suppressed values keep
    `value` null with `is_suppressed` and the bound. Sark has no ISO3 code (`country_iso3` null, `country`
    named).
    """
    return dg.MaterializeResult(metadata=stage.build_values(warehouse, "stg_unodc_glotip__country_values"))


@asset(key=SUBREGION_KEY, deps=[RECORDS_KEY], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_unodc_glotip__subregion_values(warehouse: Warehouse) -> dg.MaterializeResult:
    """GLOTIP values of the release in use for rows that name no country (UNODC's sub-regional aggregates, such
    as the 957 rows of the 2023 release), kept apart from the country rows so that nobody adds them together;
    from sql/staging/stg_unodc_glotip__subregion_values.sql. Empty for a release without such rows.

    Grain: one row per area code, indicator, dimension, category, sex, age and year; same rules as the country
    values.
    """
    return dg.MaterializeResult(metadata=stage.build_values(warehouse, "stg_unodc_glotip__subregion_values"))


ASSETS = [
    one_step(
        raw_unodc_glotip__data_glotip,
        raw_unodc_glotip__data_glotip_previous,
        stg_unodc_glotip__records,
        stg_unodc_glotip__country_values,
        stg_unodc_glotip__subregion_values,
    )
]
