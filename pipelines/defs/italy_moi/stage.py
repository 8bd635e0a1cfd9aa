"""The work shared by the italy_moi assets: loading a file into its raw table, building a staging table."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd

from pipelines.defs.italy_moi import read
from pipelines.defs.italy_moi.docs import TABLES
from pipelines.defs.italy_moi.source import FILES
from pipelines.lib import meta, raw_store, sql, staging
from pipelines.lib.asset_meta import snapshot_metadata, table_metadata
from pipelines.lib.tabular import rejecting
from pipelines.lib.warehouse import Warehouse

SOURCE = read.SOURCE


def load_raw(warehouse: Warehouse, entity: str) -> dg.MaterializeResult:
    """Loads the newest snapshot of `entity` as text into its raw table and records which file it was. Newest by
    vintage: the latest ministry report the file converts (its publication date), else its access date, so an
    older copy imported later never replaces a newer conversion (onData's files are cumulative: the newest holds
    every earlier report)."""
    raw_dir = warehouse.paths().raw_dir
    read.refuse_unrecognised(raw_dir)
    snapshot = warehouse.snapshot(SOURCE, entity=entity, by_vintage=True)
    table = FILES[entity][1]
    # Files of this entity stored after the one used but of an older vintage are read too: one that cannot be
    # read fails the build and is marked rejected (never silently passed over); one that can is named below.
    passed_over = []
    for later in raw_store.list_snapshots(raw_dir, SOURCE):
        if later.provenance.get("entity") == entity and raw_store.landed_at(later) > raw_store.landed_at(
            snapshot
        ):
            with rejecting(later):
                read.read_snapshot(later, entity)
            passed_over.append(later.name)
    with rejecting(snapshot):
        frame = read.read_snapshot(snapshot, entity)
    frame["_source_file"] = snapshot.name
    with warehouse.connect() as con:
        con.register("incoming", frame)
        con.execute(f"create or replace table {table} as select * from incoming")
        con.unregister("incoming")
        meta.record_snapshot(con, snapshot, table, frame.attrs.get("layout", entity), len(frame))
        metadata = table_metadata(con, table, preview_rows=3)
    return dg.MaterializeResult(
        metadata={
            **metadata,
            **snapshot_metadata(snapshot),
            "entity": entity,
            "older_vintages_stored_later": dg.MetadataValue.json(passed_over),
        },
        data_version=dg.DataVersion(snapshot.provenance["sha256"]),
    )


def iso_codes() -> pd.DataFrame:
    """ISO 3166-1 alpha-2 → alpha-3 and English name, from pycountry."""
    import pycountry

    return pd.DataFrame(
        [(c.alpha_2, c.alpha_3, c.name) for c in pycountry.countries], columns=["iso2", "iso3", "name"]
    )


def _prepare(con: duckdb.DuckDBPyConnection, entity: str) -> None:
    if entity == "nationality_ytd":
        con.register("codes", iso_codes())
        con.execute("create or replace temp table italy_moi__iso_codes as select * from codes")
        con.unregister("codes")


def build_staging(warehouse: Warehouse, entity: str, table: str, counts_sql: str | None = None) -> dict:
    """Checks the raw cells, builds staging.<table> from its SQL file, and returns its metadata: the cleaning
    decisions counted from `cleaning_notes`, plus the figures `counts_sql` (one row) reports."""
    raw_table = FILES[entity][1]

    def prepare(con: duckdb.DuckDBPyConnection) -> dict:
        file = con.execute(
            "select file from meta.snapshots_used where raw_table = ?", [raw_table]
        ).fetchall()[0][0]
        frame = con.execute(f"select * from {raw_table}").df()
        with rejecting(raw_store.find_snapshot(warehouse.paths().raw_dir, SOURCE, file)):
            checked = read.validate_cells(frame, entity, file)
        _prepare(con, entity)
        return {"cells_parsed": checked}

    def report(con: duckdb.DuckDBPyConnection) -> dict:
        text, columns = TABLES[table]
        sql.comment_table(con, f"staging.{table}", text, columns)
        return staging.counts(con, counts_sql) if counts_sql else {}

    return staging.stage(warehouse, table, prepare=prepare, report=report)
