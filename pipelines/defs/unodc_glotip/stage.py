"""The work behind the unodc_glotip assets: choosing the two releases, loading them raw, building staging."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.defs.unodc_glotip import labels, read
from pipelines.lib import meta, raw_store, staging
from pipelines.lib.asset_meta import snapshot_metadata, table_metadata
from pipelines.lib.raw_store import Snapshot
from pipelines.lib.tabular import ROW_COLUMN, rejecting
from pipelines.lib.warehouse import Warehouse

SOURCE = read.SOURCE
LAYOUT = "glotip_country_data"
RAW_TABLES = {
    "current": "raw.unodc_glotip__data_glotip",
    "previous": "raw.unodc_glotip__data_glotip_previous",
}


def _release_order(snapshot: Snapshot) -> tuple[str, str, dt.datetime, str]:
    p = snapshot.provenance
    return (p.get("published") or "", p["accessed"], raw_store.landed_at(snapshot), snapshot.name)


def choose_releases(warehouse: Warehouse) -> tuple[Snapshot, Snapshot | None]:
    """The release in use (the snapshot pinned with --snapshot, else the one with the latest release date in row 2,
    then the latest accessed) and the release before it (the newest snapshot with an earlier release date), if any.
    A snapshot whose workbook states no release date counts as older than any dated one."""
    raw_dir = warehouse.paths().raw_dir
    snapshots = refuse_unreadable_dates(raw_store.list_snapshots(raw_dir, SOURCE))
    pin = warehouse.pin_for(SOURCE)
    if pin or not snapshots:
        current = raw_store.select_snapshot(raw_dir, SOURCE, pin)
    else:
        current = max(snapshots, key=_release_order)
    released = current.provenance.get("published")
    earlier = [s for s in snapshots if released and "" < (s.provenance.get("published") or "") < released]
    return current, (max(earlier, key=_release_order) if earlier else None)


def refuse_unreadable_dates(snapshots: list[Snapshot]) -> list[Snapshot]:
    """The snapshots less those whose workbook states no release date because it cannot be read (one stored
    before import refused such files): each is marked rejected with the reason, never taken silently for an
    undated, older release. The build's summary and `status` name it."""
    from pipelines.defs.unodc_glotip.source import release_date
    from pipelines.lib.tabular import SourceFormatError

    kept = []
    for snapshot in snapshots:
        if not snapshot.provenance.get("published"):
            try:
                release_date(snapshot.path)
            except SourceFormatError as exc:
                raw_store.mark_rejected(
                    snapshot, f"{SOURCE}: {snapshot.name}: {exc.message} (found by the build; not used)"
                )
                continue
        kept.append(snapshot)
    return kept


def _empty_raw(con: duckdb.DuckDBPyConnection, table: str) -> None:
    columns = ", ".join(f'null::varchar as "{c}"' for c in read.columns())
    con.execute(
        f"create or replace table {table} as select {columns}, null::bigint as {ROW_COLUMN}, "
        "null::varchar as _source_file where false"
    )
    meta.record_snapshots(con, [], table)


def load_release(context: dg.AssetExecutionContext, warehouse: Warehouse, which: str) -> dg.MaterializeResult:
    """Loads the current or the previous release into its raw table, every cell as text."""
    current, previous = choose_releases(warehouse)
    snapshot = current if which == "current" else previous
    table = RAW_TABLES[which]
    if snapshot is None:
        note = (
            "the raw store holds no GLOTIP release older than the one in use "
            f"({current.name}, released {current.provenance.get('published') or 'on an unstated date'}); "
            "the table is empty and curated.glotip_revisions has nothing to compare"
        )
        context.log.info(f"unodc_glotip: {note}")
        with warehouse.connect() as con:
            _empty_raw(con, table)
            metadata = table_metadata(con, table, preview_rows=0)
        return dg.MaterializeResult(metadata={**metadata, "note": note}, data_version=dg.DataVersion("none"))
    context.log.info(f"unodc_glotip: reading {snapshot.name} as the {which} release")
    started = time.perf_counter()
    with rejecting(snapshot):
        frame = read.read_snapshot(snapshot)
    seconds = round(time.perf_counter() - started, 3)
    frame["_source_file"] = snapshot.name
    with warehouse.connect() as con:
        con.register("incoming", frame)
        con.execute(f"create or replace table {table} as select * from incoming")
        con.unregister("incoming")
        meta.record_snapshot(con, snapshot, table, frame.attrs.get("layout", LAYOUT), len(frame))
        metadata = table_metadata(con, table, preview_rows=3)
    return dg.MaterializeResult(
        metadata={
            **metadata,
            **snapshot_metadata(snapshot),
            "release": which,
            "release_date": snapshot.provenance.get("published") or "not stated",
            "read_seconds": seconds,
        },
        data_version=dg.DataVersion(snapshot.provenance["sha256"]),
    )


def _prepare_records(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> dict[str, dict[str, int]]:
    """Refuses unparseable cells of each loaded release; creates the temp view and mapping tables the SQL reads."""
    checked, selects = {}, []
    for release, table in RAW_TABLES.items():
        loaded = con.execute(
            "select file, published from meta.snapshots_used where raw_table = ?", [table]
        ).fetchall()
        if not loaded:
            continue
        file, published = loaded[0]
        frame = con.execute(f"select * from {table}").df()
        with rejecting(raw_store.find_snapshot(raw_dir, SOURCE, file)):
            checked[release] = read.validate_cells(frame, file)
        date = f"date '{published}'" if published else "null::date"
        selects.append(f"select *, {date} as release_date from ({read.renamed_sql(table, release)})")
    con.execute("create or replace temp view unodc_glotip__renamed as " + " union all ".join(selects))
    categories = con.execute(
        "select distinct coalesce(trim(category), '') from unodc_glotip__renamed where trim(dimension) in ?",
        [list(labels.MAPPED_DIMENSIONS)],
    ).fetchall()
    con.register("category_map", labels.mapping_table([c for (c,) in categories]))
    con.execute("create or replace temp table unodc_glotip__category_map as select * from category_map")
    con.unregister("category_map")
    path = read.HERE / "indicator_labels.csv"
    con.execute(
        "create or replace temp table unodc_glotip__indicators as "
        f"select * from read_csv('{path}', header = true, all_varchar = true)"
    )
    return checked


RECORD_COUNTS = """
select
    count(*) filter (where release = 'current') as rows_current_release,
    count(*) filter (where release = 'previous') as rows_previous_release,
    count(*) filter (where release = 'current' and is_exact_duplicate) as exact_duplicates_removed,
    count(*) filter (where release = 'previous' and is_exact_duplicate) as exact_duplicates_removed_previous,
    count(*) filter (where release = 'current' and is_key_conflict and is_key_first_row) as conflicting_keys,
    count(*) filter (where release = 'current' and is_key_conflict and not is_exact_duplicate)
        as rows_in_conflicting_keys,
    count(*) filter (where release = 'current' and is_suppressed) as suppressed_rows,
    count(*) filter (where release = 'current' and is_code_artefact) as code_artefacts_set_null,
    count(*) filter (where release = 'current' and is_aggregate) as aggregate_rows,
    count(*) filter (where release = 'current' and contains(value_published, ',')) as thousands_separators_read
from staging.stg_unodc_glotip__records
"""


def build_records(warehouse: Warehouse) -> tuple[dict, dict]:
    """Builds staging.stg_unodc_glotip__records; returns (metadata, counts)."""
    found: dict = {}

    def report(con: duckdb.DuckDBPyConnection) -> dict:
        counts = staging.counts(con, RECORD_COUNTS)
        mapping = dict(con.execute(
            "select category_mapping, count(distinct coalesce(category, '')) from staging.stg_unodc_glotip__records "
            "where release = 'current' and category_mapping is not null group by 1 order by 1"
        ).fetchall())  # fmt: skip
        unmapped = [label for (label,) in con.execute(
            "select distinct category from staging.stg_unodc_glotip__records "
            "where category_mapping = 'unmapped' order by 1"
        ).fetchall()]  # fmt: skip
        found.update({name: value.value for name, value in counts.items()}, unmapped_labels=len(unmapped))
        return {**counts, "category_labels_by_mapping": mapping, "unmapped_category_labels": unmapped}

    metadata = staging.stage(
        warehouse,
        "stg_unodc_glotip__records",
        prepare=lambda con: {"cells_parsed": _prepare_records(con, warehouse.paths().raw_dir)},
        report=report,
        decisions_where="release = 'current'",
    )
    return metadata, found


def build_values(warehouse: Warehouse, table: str) -> dict:
    """Builds a *_values staging table and returns its metadata, with rows by value status."""

    def report(con: duckdb.DuckDBPyConnection) -> dict:
        return {"rows_by_value_status": dict(con.execute(
            f"select value_status, count(*) from staging.{table} group by 1 order by 1"
        ).fetchall())}  # fmt: skip

    # derived from the records table, whose coverage is recorded
    return staging.stage(warehouse, table, report=report, record_coverage=False)
