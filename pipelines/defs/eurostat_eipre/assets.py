"""Eurostat migr_eipre (third-country nationals found illegally present): responses loaded raw, and staging."""

import dagster as dg

from pipelines.defs.eurostat_eipre import stage
from pipelines.lib.steps import asset, one_step
from pipelines.lib.warehouse import Warehouse

GROUP = "eurostat_eipre"
RAW_KEY = dg.AssetKey(["raw", "eurostat_eipre__observations"])
STAGING_KEY = dg.AssetKey(["staging", "stg_eurostat_eipre__observations"])


@asset(key=RAW_KEY, group_name=GROUP, kinds={"duckdb", "json"}, metadata={"source": "eurostat_eipre"})
def raw_eurostat_eipre__observations(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Every accepted migr_eipre JSON-stat response (or the one pinned with `--snapshot eurostat_eipre=FILE`),
    loaded as published: one row per cell that has a value or a flag, one column per dimension (category code),
    `value` and `status` as text, `_source_path` the JSON path (`value["169"]`); the labels each response
    gives (categories and flags) in raw.eurostat_eipre__labels.

    How responses combine: all are loaded; staging prefers, for each observation, the newest vintage that has it
    (Eurostat's `updated`, then the access date and landing time; never the order of import), so a narrow
    newer query never blanks out cells only an older, wider one has; differences are kept in
    curated.eurostat_eipre_revisions. A response that is not JSON-stat 2.0, of another dataset, or with a
    dimension that splits the figures without a role in codes.toml fails the build naming the file; the snapshot
    is marked rejected.
    """
    return stage.load_raw(context, warehouse)


@asset(key=STAGING_KEY, deps=[RAW_KEY], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_eurostat_eipre__observations(warehouse: Warehouse) -> dg.MaterializeResult:
    """migr_eipre observations typed and labelled, from sql/staging/stg_eurostat_eipre__observations.sql.

    Grain: one row per response and published cell. A value that is not a whole non-negative number or a time
    that is not a year fails the build naming the file and JSON path. Judgement calls, counted in this
    materialisation's metadata and listed per row in `cleaning_notes`: a flag without a value is null (never 0),
    'confidential' when flagged c, else 'not available'; flags are kept per value as published (b, d, p, e, c,
    ':') with the response's own label; geo codes map to ISO3 (EL -> GRC), EU aggregates keep geo_level
    'aggregate'; `is_preferred` marks the newest vintage of each observation.
    """
    return dg.MaterializeResult(metadata=stage.build_observations(warehouse))


ASSETS = [one_step(raw_eurostat_eipre__observations, stg_eurostat_eipre__observations)]
