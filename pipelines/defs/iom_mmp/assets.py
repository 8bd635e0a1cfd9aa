"""IOM Missing Migrants Project: raw load and staging."""

import dagster as dg

from pipelines.defs.iom_mmp import read
from pipelines.lib import meta, raw_store, sql
from pipelines.lib.asset_meta import snapshot_metadata, table_metadata
from pipelines.lib.tabular import rejecting
from pipelines.lib.warehouse import Warehouse

RAW_KEY = dg.AssetKey(["raw", "iom_mmp__incidents"])
STAGING_KEY = dg.AssetKey(["staging", "stg_iom_mmp__incidents"])
GROUP = "iom_mmp"


@dg.asset(key=RAW_KEY, group_name=GROUP, kinds={"duckdb", "csv", "xlsx"})
def raw_iom_mmp__incidents(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The Missing Migrants snapshot in use, loaded as published: every cell as text, publisher headers.

    Grain: one row per data row of the publisher's file; `_source_row` is the file line (CSV) or sheet row
    (xlsx) it came from, `_source_file` the stored snapshot name. Four layouts are recognised by their
    header (columns.csv); any other header fails the build naming the missing and unexpected columns.
    """
    snapshot = warehouse.snapshot(read.SOURCE)
    context.log.info(f"iom_mmp: reading {snapshot.name}")
    with warehouse.connect() as con:
        with rejecting(snapshot):
            vintage, rows = read.load_snapshot(con, snapshot, "raw.iom_mmp__incidents")
        meta.record_snapshot(con, snapshot, "raw.iom_mmp__incidents", vintage, rows)
        metadata = table_metadata(con, "raw.iom_mmp__incidents", preview_rows=3)
    return dg.MaterializeResult(
        metadata={**metadata, **snapshot_metadata(snapshot), "layout": vintage},
        data_version=dg.DataVersion(snapshot.provenance["sha256"]),
    )


@dg.asset(key=STAGING_KEY, deps=[RAW_KEY], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_iom_mmp__incidents(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Missing Migrants incidents, typed and with snake_case names, from sql/staging/stg_iom_mmp__incidents.sql.

    Grain: one row per incident record of the snapshot (merged records keep their list of incident ids).
    Cells the model cannot parse (text in a count, an unknown date format) fail the build naming file,
    row and column. Judgement calls, each counted in this materialisation's metadata and listed per row
    in `cleaning_notes`: counts written with a thousands separator ("1,022") are read as numbers;
    negative counts are set null; coordinates out of range are set null; a missing total (2026 portal layout) is derived as dead + missing;
    a missing year or month is taken from the date; an impossible date is set null; route and region
    labels renamed between vintages are mapped (route_labels.csv, region_labels.csv), the publisher's
    labels kept in `routes_published`-style lists; multi-valued cells are kept as lists, the first
    value exposed as the primary one (source quality: the highest grade listed).
    """
    with warehouse.connect() as con:
        layout = con.execute(
            "select layout, file from meta.snapshots_used where raw_table = 'raw.iom_mmp__incidents'"
        ).fetchall()[0]
        vintage, file = layout
        with rejecting(raw_store.find_snapshot(warehouse.paths().raw_dir, read.SOURCE, file)):
            checked = read.validate_cells(con, "raw.iom_mmp__incidents", vintage, file)
        con.execute(read.renamed_view_sql(vintage, "raw.iom_mmp__incidents"))
        for table in ("route_labels", "region_labels"):
            path = read.HERE / f"{table}.csv"
            con.execute(
                f"create or replace temp table iom_mmp__{table} as "
                f"select * from read_csv('{path}', header = true, all_varchar = true)"
            )
        rows = sql.build_table(con, "staging", "stg_iom_mmp__incidents")
        decisions = dict(
            con.execute(
                """
                select split_part(note, ':', 1) as decision,
                       count(*)
                from (select unnest(cleaning_notes) as note from staging.stg_iom_mmp__incidents)
                group by 1 order by 1
                """
            ).fetchall()
        )
        metadata = table_metadata(con, "staging.stg_iom_mmp__incidents")
    context.log.info(f"iom_mmp: {rows} incidents staged; cleaning decisions: {decisions}")
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "layout": vintage,
            "cleaning_decisions": dg.MetadataValue.json(decisions),
            "cells_parsed": dg.MetadataValue.json(checked),
        }
    )


ASSETS = [raw_iom_mmp__incidents, stg_iom_mmp__incidents]
