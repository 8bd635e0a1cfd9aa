"""Published figures: the project's figures.csv loaded raw from the raw store, and staging."""

import dagster as dg

from pipelines.defs.published_figures import read
from pipelines.lib import meta, staging
from pipelines.lib.asset_meta import snapshot_metadata, table_metadata
from pipelines.lib.steps import asset, one_step
from pipelines.lib.tabular import rejecting
from pipelines.lib.warehouse import Warehouse

GROUP = "published_figures"
RAW_KEY = dg.AssetKey(["raw", "published_figures__figures"])
STAGING_KEY = dg.AssetKey(["staging", "stg_published_figures__figures"])
RAW_TABLE = "raw.published_figures__figures"


@asset(key=RAW_KEY, group_name=GROUP, kinds={"duckdb", "csv"}, metadata={"source": "published_figures"})
def raw_published_figures__figures(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The newest snapshot of figures.csv (or the one pinned with `--snapshot published_figures=FILE`), every cell
    as text. The file is one list kept by hand, so a newer snapshot replaces the older whole (newest access date,
    then landing time). A figure without an address, a publication or read date, with a value that is not a
    number, dates out of order, or two preferred rows for one figure fails the build naming file, row and column;
    the snapshot is marked rejected and the previous good one is used by the next build.

    Grain: one row per figure (file line in `_source_row`)."""
    snapshot = warehouse.snapshot(read.SOURCE)
    context.log.info(f"published_figures: reading {snapshot.name}")
    with rejecting(snapshot):
        frame = read.read_snapshot(snapshot)
        checked = read.validate(frame, snapshot.name)
    frame["_source_file"] = snapshot.name
    with warehouse.connect() as con:
        con.register("incoming", frame)
        con.execute(f"create or replace table {RAW_TABLE} as select * from incoming")
        con.unregister("incoming")
        meta.record_snapshot(con, snapshot, RAW_TABLE, "published figures, one row per figure", len(frame))
        metadata = table_metadata(con, RAW_TABLE, preview_rows=3)
    return dg.MaterializeResult(
        metadata={**metadata, **snapshot_metadata(snapshot), "checked": dg.MetadataValue.json(checked)},
        data_version=dg.DataVersion(snapshot.provenance["sha256"]),
    )


@asset(key=STAGING_KEY, deps=[RAW_KEY], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_published_figures__figures(warehouse: Warehouse) -> dg.MaterializeResult:
    """The figures typed, each with its citation, from sql/staging/stg_published_figures__figures.sql.

    Grain: one row per figure. Judgement calls, listed per row in `cleaning_notes`: a publication date known to
    the month only is taken as the month's first day with `published_precision` 'month'; rows of one figure that
    documents give differently are all kept, `preferred` marks the one used and `choice_note` says why."""

    def report(con) -> dict:  # noqa: ANN001
        return {"figures_by_series": dict(con.execute(
            "select series, count(*) from staging.stg_published_figures__figures group by 1 order by 1"
        ).fetchall())}  # fmt: skip

    return dg.MaterializeResult(
        metadata=staging.stage(warehouse, "stg_published_figures__figures", report=report)
    )


ASSETS = [one_step(raw_published_figures__figures, stg_published_figures__figures)]
