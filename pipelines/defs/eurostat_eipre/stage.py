"""The work behind the eurostat_eipre assets: every accepted response loaded raw (one row per published cell,
with the labels each response gives), and staging, which prefers for each observation the newest vintage."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd

from pipelines.defs.eurostat_eipre import read
from pipelines.defs.eurostat_thb import config as eurostat_codes
from pipelines.lib import meta, raw_store, staging
from pipelines.lib.asset_meta import table_metadata
from pipelines.lib.tabular import rejecting
from pipelines.lib.warehouse import Warehouse

SOURCE = read.SOURCE
RAW_TABLE = "raw.eurostat_eipre__observations"
LABELS_TABLE = "raw.eurostat_eipre__labels"
STAGING = "stg_eurostat_eipre__observations"
STAGING_TABLE = f"staging.{STAGING}"


def _write(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, *, temp: bool = False) -> None:
    con.register("incoming", frame)
    con.execute(f"create or replace {'temp ' if temp else ''}table {table} as select * from incoming")
    con.unregister("incoming")


def load_raw(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Loads every accepted response (or the pinned one): cells into the raw table, labels beside it."""
    snapshots = sorted(warehouse.snapshots(SOURCE), key=raw_store.vintage)
    frames, label_frames, loaded = [], [], []
    for snapshot in snapshots:
        context.log.info(f"eurostat_eipre: reading {snapshot.name}")
        with rejecting(snapshot):
            frame, info = read.read_snapshot(snapshot)
        frame["_source_file"] = snapshot.name
        labels = pd.concat([info.labels_frame(), pd.DataFrame(
            [("status", flag, label) for flag, label in info.status_labels.items()],
            columns=["dimension", "code", "label"], dtype="string",
        )], ignore_index=True)  # fmt: skip
        labels["source_file"] = snapshot.name
        frames.append(frame)
        label_frames.append(labels)
        loaded.append((snapshot, read.describe(info), len(frame)))
    combined = pd.concat(frames, ignore_index=True).astype("string")
    with warehouse.connect() as con:
        _write(con, RAW_TABLE, combined)
        _write(con, LABELS_TABLE, pd.concat(label_frames, ignore_index=True).astype("string"))
        meta.record_snapshots(con, loaded, RAW_TABLE)
        metadata = table_metadata(con, RAW_TABLE, preview_rows=3)
    files = {s.name: {"updated": layout.split("updated: ")[1].split(";")[0], "cells": n, "sample": s.sample}
             for s, layout, n in loaded}  # fmt: skip
    return dg.MaterializeResult(
        metadata={**metadata, "responses": dg.MetadataValue.json(files)},
        data_version=dg.DataVersion(",".join(s.provenance["sha256"][:16] for s in snapshots)),
    )


def _prepare(con: duckdb.DuckDBPyConnection, warehouse: Warehouse) -> dict[str, dict[str, int]]:
    """Refuses unparseable cells file by file; ranks the responses by vintage (Eurostat's `updated`, then the
    access date and landing time; never the order of import), 1 the newest; registers the geo and flag tables."""
    raw_dir = warehouse.paths().raw_dir
    used = con.execute(
        "select file, layout from meta.snapshots_used where raw_table = ?", [RAW_TABLE]
    ).fetchall()
    snapshots = sorted(
        ((raw_store.find_snapshot(raw_dir, SOURCE, f), layout) for f, layout in used),
        key=lambda pair: raw_store.vintage(pair[0]), reverse=True,
    )  # fmt: skip
    checked = {}
    for snapshot, _layout in snapshots:
        frame = con.execute(f"select * from {RAW_TABLE} where _source_file = ?", [snapshot.name]).df()
        with rejecting(snapshot):
            checked[snapshot.name] = read.validate_cells(frame, snapshot.name)
    rows = []
    for rank, (snapshot, layout) in enumerate(snapshots, start=1):
        parts = dict(p.split(": ", 1) for p in layout.split("; ")[1:])
        rows.append((snapshot.name, parts.get("updated"), parts.get("structure version"), rank))
    files = pd.DataFrame(rows, columns=["source_file", "updated", "structure_version", "vintage_rank"])
    _write(con, "eurostat_eipre__files", files.astype({"source_file": "string", "updated": "string",
                                                      "structure_version": "string"}), temp=True)  # fmt: skip
    geos = [g for (g,) in con.execute(f"select distinct geo from {RAW_TABLE}").fetchall() if g]
    _write(con, "eurostat_eipre__geo", eurostat_codes.geo_table(geos), temp=True)
    flags = pd.DataFrame({"flag": read.settings()["flags"]}, dtype="string")
    _write(con, "eurostat_eipre__flags", flags, temp=True)
    return checked


def _report(con: duckdb.DuckDBPyConnection) -> dict:
    flags = dict(con.execute(
        f"select flag, count(*) from {STAGING_TABLE} where flag is not null and is_preferred group by 1 order by 1"
    ).fetchall())  # fmt: skip
    preferred = dict(con.execute(
        f"select source_file, count(*) from {STAGING_TABLE} where is_preferred group by 1 order by 1"
    ).fetchall())  # fmt: skip
    return {"flags_of_preferred_values": flags, "preferred_values_by_response": preferred}


def build_observations(warehouse: Warehouse) -> dict:
    return staging.stage(
        warehouse,
        STAGING,
        prepare=lambda con: {"cells_parsed": _prepare(con, warehouse)},
        report=_report,
    )
