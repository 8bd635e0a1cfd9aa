"""The work behind the frontex_ibc assets: every accepted workbook loaded raw (one row per published cell), and
the staging table that types the cells, maps routes and nationalities, and marks per month which workbook is
preferred (the newest vintage that covers the month)."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd

from pipelines.defs.frontex_ibc import labels, read
from pipelines.lib import meta, raw_store, staging
from pipelines.lib.asset_meta import table_metadata
from pipelines.lib.raw_store import Snapshot
from pipelines.lib.tabular import rejecting
from pipelines.lib.warehouse import Warehouse

SOURCE = read.SOURCE
RAW_TABLE = "raw.frontex_ibc__detections"
STAGING = "stg_frontex_ibc__detections"
STAGING_TABLE = f"staging.{STAGING}"


def load_raw(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Loads every accepted workbook (or the pinned one) into the raw table, every cell as text."""
    snapshots = sorted(warehouse.snapshots(SOURCE), key=raw_store.vintage)
    frames, loaded = [], []
    for snapshot in snapshots:
        context.log.info(f"frontex_ibc: reading {snapshot.name}")
        with rejecting(snapshot):
            frame, layout = read.read_snapshot(snapshot)
        frame["_source_file"] = snapshot.name
        frames.append(frame)
        loaded.append((snapshot, layout, len(frame)))
    combined = pd.concat(frames, ignore_index=True).astype({"_source_file": "string"})
    with warehouse.connect() as con:
        con.register("incoming", combined)
        con.execute(f"create or replace table {RAW_TABLE} as select * from incoming")
        con.unregister("incoming")
        meta.record_snapshots(con, loaded, RAW_TABLE)
        metadata = table_metadata(con, RAW_TABLE, preview_rows=3)
    files = {s.name: {"data_as_of": s.provenance.get("published") or "not stated", "layout": layout.split(";")[0],
                      "cells": n, "sample": s.sample} for s, layout, n in loaded}  # fmt: skip
    return dg.MaterializeResult(
        metadata={**metadata, "workbooks": dg.MetadataValue.json(files)},
        data_version=dg.DataVersion(",".join(s.provenance["sha256"][:16] for s in snapshots)),
    )


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register("frame", frame)
    con.execute(f"create or replace temp table {name} as select * from frame")
    con.unregister("frame")


def _files(con: duckdb.DuckDBPyConnection, warehouse: Warehouse) -> list[Snapshot]:
    files = [f for (f,) in con.execute(
        "select file from meta.snapshots_used where raw_table = ?", [RAW_TABLE]
    ).fetchall()]  # fmt: skip
    raw_dir = warehouse.paths().raw_dir
    return [raw_store.find_snapshot(raw_dir, SOURCE, f) for f in files]


def _prepare(con: duckdb.DuckDBPyConnection, warehouse: Warehouse) -> dict[str, dict[str, int]]:
    """Refuses unparseable cells file by file; creates the workbook, route and nationality tables the SQL reads.
    The workbooks are ranked by vintage (the 'data as of' date, then access date and landing time: never the
    order of import), 1 the newest."""
    snapshots = sorted(_files(con, warehouse), key=raw_store.vintage, reverse=True)
    checked = {}
    for snapshot in snapshots:
        frame = con.execute(f"select * from {RAW_TABLE} where _source_file = ?", [snapshot.name]).df()
        with rejecting(snapshot):
            checked[snapshot.name] = read.validate_cells(frame, snapshot.name)
    workbooks = pd.DataFrame(
        [(s.name, s.provenance.get("published"), s.provenance["accessed"], rank)
         for rank, s in enumerate(snapshots, start=1)],
        columns=["source_file", "release_date", "accessed", "vintage_rank"],
    )  # fmt: skip
    workbooks["release_date"] = pd.to_datetime(workbooks["release_date"]).dt.date
    workbooks["accessed"] = pd.to_datetime(workbooks["accessed"]).dt.date
    _register(con, "frontex_ibc__workbooks", workbooks)
    _register(con, "frontex_ibc__routes", labels.route_table())
    nationalities = [
        n for (n,) in con.execute(f"select distinct trim(nationality) from {RAW_TABLE}").fetchall()
    ]
    _register(con, "frontex_ibc__nationalities", labels.nationality_table(nationalities))
    return checked


COUNTS = f"""
select
    count(*) as cells,
    count(*) filter (where detections is null) as empty_cells_kept_null,
    count(*) filter (where is_preferred) as preferred_cells,
    count(distinct source_file) as workbooks,
    count(*) filter (where route_mapping = 'unmapped') as cells_with_unmapped_route,
    count(*) filter (where nationality_mapping = 'unmapped') as cells_with_unmapped_nationality
from {STAGING_TABLE}
"""


def _report(con: duckdb.DuckDBPyConnection) -> dict:
    routes = [list(r) for r in con.execute(
        f"select distinct source_file, route_published, route, route_mapping from {STAGING_TABLE} order by 1, 2"
    ).fetchall()]  # fmt: skip
    unmapped = [n for (n,) in con.execute(
        f"select distinct nationality_published from {STAGING_TABLE} where nationality_mapping = 'unmapped' "
        "order by 1"
    ).fetchall()]  # fmt: skip
    preferred = {f: [str(a), str(b), int(n)] for f, a, b, n in con.execute(
        f"select source_file, min(month), max(month), count(distinct month) from {STAGING_TABLE} "
        "where is_preferred group by 1 order by 1"
    ).fetchall()}  # fmt: skip
    return {
        **staging.counts(con, COUNTS),
        "route_labels": routes,
        "unmapped_nationality_labels": unmapped,
        "preferred_months_by_workbook": preferred,
    }


def build_detections(warehouse: Warehouse) -> dict:
    return staging.stage(
        warehouse, STAGING, prepare=lambda con: {"cells_parsed": _prepare(con, warehouse)}, report=_report
    )
