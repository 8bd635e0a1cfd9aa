"""UNHCR Operational Data Portal: raw loads of the saved responses and the staging tables."""

import dagster as dg
import pandas as pd

from pipelines.defs.unhcr_odp import config, read
from pipelines.lib import meta, raw_store, staging
from pipelines.lib.asset_meta import table_metadata
from pipelines.lib.steps import asset, one_step
from pipelines.lib.tabular import SourceFormatError, rejecting
from pipelines.lib.warehouse import Warehouse

GROUP = "unhcr_odp"
RAW_TIMESERIES = dg.AssetKey(["raw", "unhcr_odp__timeseries"])
RAW_ORIGIN = dg.AssetKey(["raw", "unhcr_odp__origin"])
STG_ARRIVALS = dg.AssetKey(["staging", "stg_unhcr_odp__arrivals"])
STG_NATIONALITY = dg.AssetKey(["staging", "stg_unhcr_odp__arrivals_by_nationality"])
POINT_COLUMNS = ["year", "month", "data_date", "unix_timestamp", "individuals"]


def _snapshots(warehouse: Warehouse, endpoint: str) -> list[raw_store.Snapshot]:
    """Every accepted snapshot of every series of `endpoint`: saved responses of one series that cover different
    periods (a full history, a newer extract of a few months) are all read, and staging prefers, period by
    period, the newest snapshot that has the point (is_preferred), so a short newer extract never blanks out the
    periods only an older one covers. A pin (`--snapshot unhcr_odp=FILE`) keeps its series to that one file."""
    raw_dir = warehouse.paths().raw_dir
    every = [
        s
        for s in raw_store.list_snapshots(raw_dir, read.SOURCE)
        if s.provenance["entity"].startswith(endpoint + "_")
    ]
    pin = warehouse.pin_for(read.SOURCE)
    if pin:
        pinned = raw_store.select_snapshot(raw_dir, read.SOURCE, pin)
        entity = pinned.provenance["entity"]
        every = [s for s in every if s.provenance["entity"] != entity] + (
            [pinned] if entity.startswith(endpoint + "_") else []
        )
    return sorted(every, key=lambda s: (s.provenance["entity"], s.name))


def _load(warehouse: Warehouse, endpoint: str, table: str) -> dg.MaterializeResult:
    chosen = _snapshots(warehouse, endpoint)
    if not chosen:
        raise raw_store.RawStoreError(
            f"{read.SOURCE}: no {endpoint} snapshot in the raw store; run `migration-evidence refresh` or "
            f"`migration-evidence import {read.SOURCE} FILE --url API_ADDRESS`"
        )
    frames, loaded = [], []
    for snapshot in chosen:
        with rejecting(snapshot):
            frame, shape = read.read_response(snapshot.path, snapshot.name, snapshot.provenance["stands_for"])
        frame["_source_file"] = snapshot.name
        frames.append(frame)
        loaded.append((snapshot, shape, len(frame)))
    combined = pd.concat(frames, ignore_index=True)
    for column in POINT_COLUMNS:
        if column not in combined:
            combined[column] = pd.Series(pd.NA, index=combined.index, dtype="string")
    with warehouse.connect() as con:
        con.register("incoming", combined)
        con.execute(f"create or replace table raw.{table} as select * from incoming")
        con.unregister("incoming")
        meta.record_snapshots(con, loaded, f"raw.{table}")
        metadata = table_metadata(con, f"raw.{table}", preview_rows=3)
    files = {s.name: {"entity": s.provenance["entity"], "accessed": s.provenance["accessed"], "points": n}
             for s, _shape, n in loaded}  # fmt: skip
    return dg.MaterializeResult(metadata={**metadata, "snapshots": dg.MetadataValue.json(files)})


@asset(
    key=RAW_TIMESERIES,
    group_name=GROUP,
    kinds={"duckdb", "json"},
    metadata={"source": read.SOURCE, "entity_prefix": "timeseries_"},
)
def raw_unhcr_odp__timeseries(warehouse: Warehouse) -> dg.MaterializeResult:
    """Every point of every saved response of each UNHCR time series (series: endpoint, country, population group,
    frequency, situation view; several snapshots of one series are all read, staging prefers the newest per
    period), values as text, with the series address.

    Grain: one row per point; `_source_path` is its JSON path in the file (`data.timeseries[12]`, or
    `1.data.timeseries[12]` in the wrapped form, where the series named by `currentSeries` is read)."""
    return _load(warehouse, "timeseries", "unhcr_odp__timeseries")


@asset(
    key=RAW_ORIGIN,
    group_name=GROUP,
    kinds={"duckdb", "json"},
    metadata={"source": read.SOURCE, "entity_prefix": "origin_"},
)
def raw_unhcr_odp__origin(warehouse: Warehouse) -> dg.MaterializeResult:
    """Every point of every saved origin (nationality) response of each destination (staging prefers the newest
    snapshot per period), values as text."""
    return _load(warehouse, "origin", "unhcr_odp__origin")


def _config_tables(con) -> None:  # noqa: ANN001
    for name in ("geo_ids", "population_groups", "origin_codes"):
        con.execute(
            f"create or replace temp table unhcr_odp__{name} as "
            f"select * from read_csv('{config.HERE / (name + '.csv')}', header = true, all_varchar = true)"
        )


def _refuse_text(con, table: str, columns: list[str], raw_dir) -> None:  # noqa: ANN001
    """A value the staging model cannot read as a number fails the build naming file and JSON path,
    and the snapshot is marked rejected."""
    for column in columns:
        bad = con.execute(
            f"select _source_file, _source_path, {column} from raw.{table} "
            f"where {column} is not null and try_cast({column} as bigint) is null limit 1"
        ).fetchall()
        if bad:
            file, where, value = bad[0]
            with rejecting(raw_store.find_snapshot(raw_dir, read.SOURCE, file)):
                raise SourceFormatError(
                    read.SOURCE, file, f"{where}.{column} is {value!r}, not a whole number"
                )


def _stage(warehouse: Warehouse, raw_table: str, table: str, numeric: list[str]) -> dg.MaterializeResult:
    def prepare(con) -> dict:  # noqa: ANN001
        _refuse_text(con, raw_table, numeric, warehouse.paths().raw_dir)
        _config_tables(con)
        return {}

    return dg.MaterializeResult(metadata=staging.stage(warehouse, table, prepare=prepare))


@asset(key=STG_ARRIVALS, deps=[RAW_TIMESERIES], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_unhcr_odp__arrivals(warehouse: Warehouse) -> dg.MaterializeResult:
    """UNHCR arrivals by country, arrival type (sea, land, atlantic) and period, typed.

    Grain: one row per series point. Country from the address's geo_id (geo_ids.csv), arrival type from its
    population group (population_groups.csv). Where two snapshots cover the same country, type, frequency and
    period (an old situation-view download and a newer one), the newest snapshot's value is `is_preferred`;
    the other stays, for comparison. Daily points (stock figures in some situations) are kept with
    frequency 'day' and never summed into months."""
    return _stage(
        warehouse, "unhcr_odp__timeseries", "stg_unhcr_odp__arrivals", ["year", "month", "individuals"]
    )


@asset(key=STG_NATIONALITY, deps=[RAW_ORIGIN], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_unhcr_odp__arrivals_by_nationality(warehouse: Warehouse) -> dg.MaterializeResult:
    """UNHCR arrivals by destination, nationality and month, typed.

    Grain: one row per origin point. Nationality codes are UNHCR's own 3-letter codes (NIG = Nigeria,
    ARE = Egypt, ICO = Côte d'Ivoire...), mapped to ISO3 by origin_codes.csv; older responses use ISO codes,
    also listed there. A code the file does not know is kept unmapped (origin_iso3 null) and reported by the
    known-codes check; 'OTH' (others) and 'STA' (stateless) are not countries."""
    return _stage(
        warehouse,
        "unhcr_odp__origin",
        "stg_unhcr_odp__arrivals_by_nationality",
        ["year", "month", "individuals"],
    )


ASSETS = [
    one_step(raw_unhcr_odp__timeseries, stg_unhcr_odp__arrivals),
    one_step(raw_unhcr_odp__origin, stg_unhcr_odp__arrivals_by_nationality),
]
