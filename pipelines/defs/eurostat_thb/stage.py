"""The work behind the eurostat_thb assets: choosing each dataset's snapshot, loading them raw, building staging."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd

from pipelines.defs.eurostat_thb import config, read
from pipelines.lib import meta, raw_store, staging
from pipelines.lib.asset_meta import table_metadata
from pipelines.lib.raw_store import Snapshot
from pipelines.lib.tabular import ROW_COLUMN, rejecting
from pipelines.lib.warehouse import Warehouse

SOURCE = read.SOURCE
RAW_TABLE = "raw.eurostat_thb__crim_thb"
STAGING_TABLE = "staging.stg_eurostat_thb__observations"


def chosen_snapshots(warehouse: Warehouse) -> dict[str, Snapshot]:
    """The newest snapshot of each configured dataset; `--snapshot eurostat_thb=FILE` replaces the one of FILE's
    dataset only."""
    raw_dir = warehouse.paths().raw_dir
    newest = raw_store.newest_by_entity(raw_dir, SOURCE)
    chosen = {code: newest[code] for code in config.datasets() if code in newest}
    pin = warehouse.pin_for(SOURCE)
    if pin:
        pinned = raw_store.select_snapshot(raw_dir, SOURCE, pin)
        chosen[pinned.provenance.get("entity", "all")] = pinned
    if not chosen:
        raw_store.select_snapshot(raw_dir, SOURCE)  # raises, naming the folder and how to fill it
    return chosen


def load_raw(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    chosen = chosen_snapshots(warehouse)
    frames, loaded = [], []
    for dataset, snapshot in sorted(chosen.items()):
        context.log.info(f"eurostat_thb: reading {snapshot.name} ({dataset})")
        with rejecting(snapshot):
            frame, layout = read.read_snapshot(snapshot)
        frame["_source_file"] = snapshot.name
        frames.append(frame)
        loaded.append((snapshot, layout.describe(), len(frame)))
    combined = pd.concat(frames, ignore_index=True)
    text = [c for c in combined.columns if c != ROW_COLUMN]
    combined[text] = combined[text].astype("string")
    with warehouse.connect() as con:
        con.register("incoming", combined)
        con.execute(f"create or replace table {RAW_TABLE} as select * from incoming")
        con.unregister("incoming")
        meta.record_snapshots(con, loaded, RAW_TABLE)
        metadata = table_metadata(con, RAW_TABLE, preview_rows=3)
    missing = [code for code in config.datasets() if code not in chosen]
    files = {d: {"file": s.name, "last_update": s.provenance.get("published"), "sample": s.sample}
             for d, s in chosen.items()}  # fmt: skip
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "datasets": dg.MetadataValue.json(files),
            "datasets_missing": dg.MetadataValue.json(missing),
            "rows_by_dataset": dg.MetadataValue.json({s.provenance["entity"]: n for s, _, n in loaded}),
        },
        data_version=dg.DataVersion(",".join(s.provenance["sha256"][:16] for s in chosen.values())),
    )


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register("frame", frame)
    con.execute(f"create or replace temp table {name} as select * from frame")
    con.unregister("frame")


def _prepare(con: duckdb.DuckDBPyConnection, warehouse: Warehouse) -> dict:
    """Refuses unparseable cells file by file, then creates the long view and configuration tables."""
    loaded = con.execute(
        "select file, entity, layout from meta.snapshots_used where raw_table = ?", [RAW_TABLE]
    )
    checked, dimensions, attributes = {}, [], set()
    for file, dataset, layout_text in loaded.fetchall():
        layout = read.Layout.parse(layout_text)
        frame = con.execute(f"select * from {RAW_TABLE} where _source_file = ?", [file]).df()
        with rejecting(raw_store.find_snapshot(warehouse.paths().raw_dir, SOURCE, file)):
            checked[dataset] = read.validate_cells(frame, layout, dataset, file)
        dimensions += [d for d in layout.dimensions if d not in dimensions]
        attributes |= set(layout.attributes)
    entries = ", ".join(f"struct_pack(key := '{d}', value := \"{d}\")" for d in dimensions)
    conf = '"CONF_STATUS"' if "CONF_STATUS" in attributes else "null::varchar"
    con.execute(
        f"""
        create or replace temp view eurostat_thb__long as
        select used.entity as dataset, raw."DATAFLOW" as dataflow, raw."LAST UPDATE" as last_update,
               map_from_entries(list_filter([{entries}], lambda e: e.value is not null)) as dimensions,
               raw."TIME_PERIOD" as time_period, raw."OBS_VALUE" as obs_value, raw."OBS_FLAG" as obs_flag,
               {conf} as conf_status, raw._source_file as source_file, raw.{ROW_COLUMN} as source_row
        from {RAW_TABLE} as raw
        join meta.snapshots_used as used on used.raw_table = '{RAW_TABLE}' and used.file = raw._source_file
        """
    )
    geo_codes = [
        g for (g,) in con.execute("select distinct dimensions['geo'] from eurostat_thb__long").fetchall()
    ]
    _register(con, "eurostat_thb__datasets", config.datasets_table())
    _register(con, "eurostat_thb__codes", config.codes_table())
    _register(con, "eurostat_thb__definitions", config.definitions_table())
    _register(con, "eurostat_thb__geo", config.geo_table([g for g in geo_codes if g]))
    return checked


def _report(con: duckdb.DuckDBPyConnection) -> dict:
    status = dict(con.execute(
        f"select value_status, count(*) from {STAGING_TABLE} group by 1 order by 1"
    ).fetchall())  # fmt: skip
    flags = dict(con.execute(
        f"select obs_flag, count(*) from {STAGING_TABLE} where obs_flag is not null group by 1 order by 1"
    ).fetchall())  # fmt: skip
    return {"rows_by_value_status": status, "obs_flags": flags}


def build_observations(warehouse: Warehouse) -> dict:
    return staging.stage(
        warehouse,
        "stg_eurostat_thb__observations",
        prepare=lambda con: {"cells_parsed": _prepare(con, warehouse)},
        report=_report,
    )
