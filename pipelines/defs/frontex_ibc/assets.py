"""Frontex monthly detections of illegal border-crossing: every workbook loaded raw, and staging."""

import dagster as dg

from pipelines.defs.frontex_ibc import stage
from pipelines.lib.steps import asset, one_step
from pipelines.lib.warehouse import Warehouse

GROUP = "frontex_ibc"
RAW_KEY = dg.AssetKey(["raw", "frontex_ibc__detections"])
STAGING_KEY = dg.AssetKey(["staging", "stg_frontex_ibc__detections"])


@asset(key=RAW_KEY, group_name=GROUP, kinds={"duckdb", "xlsx"}, metadata={"source": "frontex_ibc"})
def raw_frontex_ibc__detections(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Every accepted Frontex IBC workbook (or the one pinned with `--snapshot frontex_ibc=FILE`), sheet
    Detections_of_IBC, loaded as published: one row per month cell, as text (route, border_type, nationality:
    the row's labels under the header names of either layout; month_header: the column's header as published,
    'JAN2009' or an Excel date '2009-01-01'; detections: the cell).

    How workbooks combine: all are loaded; staging reads each month from the newest vintage that covers it
    (the 'data as of' date in the Notes sheet, recorded as the snapshot's publication date; then access date),
    never from the order files were imported in, so an older workbook fills only months no newer one covers,
    and the differences between workbooks are kept (curated.frontex_ibc_revisions).

    Grain: one row per (workbook, sheet row, month column); `_source_row` is the sheet row, `_source_column` the
    sheet column letter, `_source_file` the stored snapshot. A header of neither layout, a column that is not a
    month, or a workbook that is not a zip fails the build naming the file; the snapshot is marked rejected.
    """
    return stage.load_raw(context, warehouse)


@asset(key=STAGING_KEY, deps=[RAW_KEY], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_frontex_ibc__detections(warehouse: Warehouse) -> dg.MaterializeResult:
    """Frontex detections typed and labelled, from sql/staging/stg_frontex_ibc__detections.sql.

    Grain: one row per workbook, route, border type, nationality and month. An empty route, border type or
    nationality, a count that is not a whole non-negative number, or a route, border type and nationality given
    twice in one workbook fails the build naming file, row and column. Judgement calls, counted in this
    materialisation's metadata and listed per row in `cleaning_notes`:
    - route labels are mapped explicitly (route_labels.csv: 'Central Mediterranean Route' (2025) and 'Central
      Mediterranean' (2018) are one route); an unlisted label keeps its name and the route_labels check warns;
    - nationalities map to ISO3 (nationality_labels.csv first, then the country_converter name patterns);
      Unknown, Not specified, Stateless, Other and stateless, Unspecified sub-Saharan nationals and
      Third-country stay named categories (kind 'not_a_country'), Kosovo* and Palestine^ too (kind
      'designation', as Frontex's footnotes ask); an unmapped label is kept and the nationality_labels check warns;
    - an empty cell is null (not reported), never 0;
    - `is_preferred` marks, for each month, the rows of the newest-vintage workbook covering it.
    Frontex counts detections, not persons: one person can be detected more than once.
    """
    return dg.MaterializeResult(metadata=stage.build_detections(warehouse))


ASSETS = [one_step(raw_frontex_ibc__detections, stg_frontex_ibc__detections)]
