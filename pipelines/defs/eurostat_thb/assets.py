"""Eurostat trafficking in human beings (crim_thb): the configured datasets loaded raw, and staging."""

import dagster as dg

from pipelines.defs.eurostat_thb import stage
from pipelines.lib.steps import asset, one_step
from pipelines.lib.warehouse import Warehouse

GROUP = "eurostat_thb"
RAW_KEY = dg.AssetKey(["raw", "eurostat_thb__crim_thb"])
STAGING_KEY = dg.AssetKey(["staging", "stg_eurostat_thb__observations"])


@asset(key=RAW_KEY, group_name=GROUP, kinds={"duckdb", "csv"})
def raw_eurostat_thb__crim_thb(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The newest snapshot of each crim_thb dataset named in pipelines/defs/eurostat_thb/datasets.toml, loaded as
    published: every cell as text, the SDMX-CSV headers, one table for all datasets (SDMX-CSV is a long format;
    a dimension a dataset does not have is null in its rows).

    Grain: one row per observation line of each file; `_source_row` is the file line, `_source_file` the stored
    snapshot, and meta.snapshots_used records each file with the dimensions its header names. A dataset with
    no snapshot yet is listed in `datasets_missing` (and warned about by the datasets_present check); the
    others still load. A header that is not SDMX-CSV, a truncated file or an HTML page fails the build naming
    the file; the snapshot is marked rejected and kept apart.
    """
    return stage.load_raw(context, warehouse)


@asset(key=STAGING_KEY, deps=[RAW_KEY], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_eurostat_thb__observations(warehouse: Warehouse) -> dg.MaterializeResult:
    """Eurostat crim_thb observations, typed and labelled, from sql/staging/stg_eurostat_thb__observations.sql.

    Grain: one row per observation: dataset, dimension codes (all of them in `dimensions`, as the file names
    them) and year. A dataflow other than the snapshot's dataset, a LAST UPDATE that is not dd/mm/yy hh:mm:ss,
    a TIME_PERIOD that is not a year, an OBS_VALUE that is neither a count nor ':' / empty, a repeated
    observation, or a dimension that splits the figures without a role in datasets.toml fails the build naming
    file, row and column. Judgement calls, counted in this materialisation's metadata and listed per row in
    `cleaning_notes`: a ':' or empty value is null (never 0) with its flag, 'confidential' when flagged so
    (OBS_FLAG 'c', CONF_STATUS C or N), else 'not available'; OBS_FLAG (p provisional, e estimated, b break in
    series, u low reliability, d definition differs...) and CONF_STATUS are kept as published; codes are
    labelled from datasets.toml, an unknown code keeps its code; geo codes map to ISO3, EU aggregates are kept
    with geo_level 'aggregate'.
    """
    return dg.MaterializeResult(metadata=stage.build_observations(warehouse))


ASSETS = [one_step(raw_eurostat_thb__crim_thb, stg_eurostat_thb__observations)]
