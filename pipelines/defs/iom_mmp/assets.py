"""IOM Missing Migrants Project: raw load and staging."""

import datetime as dt

import dagster as dg

from pipelines.defs.iom_mmp import read
from pipelines.lib import meta, raw_store, staging
from pipelines.lib.asset_meta import snapshot_metadata, table_metadata
from pipelines.lib.file_dates import date_in_name
from pipelines.lib.steps import asset, one_step
from pipelines.lib.tabular import rejecting
from pipelines.lib.warehouse import Warehouse

RAW_KEY = dg.AssetKey(["raw", "iom_mmp__incidents"])
STAGING_KEY = dg.AssetKey(["staging", "stg_iom_mmp__incidents"])
GROUP = "iom_mmp"


STAGING_TABLE = "staging.stg_iom_mmp__incidents"
SNAPSHOTS_TABLE = "staging.stg_iom_mmp__snapshots"


@asset(key=RAW_KEY, group_name=GROUP, kinds={"duckdb", "csv", "xlsx"})
def raw_iom_mmp__incidents(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Every accepted Missing Migrants snapshot (or the one pinned with `--snapshot iom_mmp=FILE`), loaded as
    published: every cell as text, publisher headers, the snapshots' rows one after another.

    Grain: one row per data row of each publisher's file; `_source_row` is the file line (CSV) or sheet row
    (xlsx) it came from, `_source_file` the stored snapshot name. Snapshots of different layouts sit side by
    side (columns matched by the publisher's header name; a column one layout lacks is null in its rows). Four
    layouts are recognised by their header (columns.csv); any other header fails the build naming the missing
    and unexpected columns, and marks that file rejected. Which snapshot feeds which month is decided
    downstream by what each covers (curated.mmp_coverage_monthly), never by import order.
    """
    snapshots = warehouse.snapshots(read.SOURCE)
    table = "raw.iom_mmp__incidents"
    loaded = []
    with warehouse.connect() as con:
        for index, snapshot in enumerate(snapshots):
            context.log.info(f"iom_mmp: reading {snapshot.name}")
            target = table if index == 0 else "raw.iom_mmp__incidents__incoming"
            with rejecting(snapshot):
                vintage, rows = read.load_snapshot(con, snapshot, target)
            if index:
                con.execute(
                    f"create or replace table {table} as select * from {table} "
                    f"union all by name select * from {target}"
                )
                con.execute(f"drop table {target}")
            loaded.append((snapshot, vintage, rows))
        meta.record_snapshots(con, loaded, table)
        metadata = table_metadata(con, table, preview_rows=3)
    layouts = {s.name: v for s, v, _ in loaded}
    return dg.MaterializeResult(
        metadata={
            **metadata,
            **snapshot_metadata(snapshots[-1]),
            "snapshots": dg.MetadataValue.json(layouts),
            "layout": ", ".join(sorted(set(layouts.values()))),
        },
        data_version=dg.DataVersion(
            "+".join(sorted(s.provenance["sha256"] for s in snapshots))
            if len(snapshots) > 1
            else snapshots[0].provenance["sha256"]
        ),
    )


def vintage_date(snapshot: raw_store.Snapshot, data_to: object) -> tuple[object, str]:
    """When a snapshot's figures were current: the publisher's own date for the file, else the extract date that
    portal downloads stamp in their file name, else the date it was downloaded when that was stated (a live
    download, `--accessed`), else (nothing states one; an import date says nothing about the data) the last date
    its data cover."""
    provenance = snapshot.provenance
    if provenance.get("published"):
        basis = provenance.get("published_basis") or "publication date"
        return dt.date.fromisoformat(str(provenance["published"])[:10]), f"published ({basis})"
    stamped = date_in_name(provenance.get("original_name") or "")
    if stamped is not None:
        return stamped, "extract date in the download's file name"
    if provenance.get("accessed_basis") == "stated" or provenance.get("arrival") == "live":
        return dt.date.fromisoformat(provenance["accessed"]), "download date stated when the file was stored"
    return data_to, "last date the data cover (the publisher states no date)"


def record_vintages(con: object, raw_dir: object, files: list[tuple[str, str]]) -> list[tuple]:
    """staging.stg_iom_mmp__snapshots: per snapshot its layout, rows, the period its incidents cover and its
    vintage date; each snapshot's coverage also goes to meta.snapshot_coverage. Coverage runs from 1 January of
    the earliest incident year (IOM records by calendar year from 2014; portal extracts are cut by year) to the
    latest incident date the file reports."""
    spans = {
        file: (first, last, rows)
        for file, first, last, rows in con.execute(
            f"""
            select source_file,
                   make_date(min(incident_year), 1, 1),
                   coalesce(max(incident_date),
                            max(last_day(make_date(incident_year, incident_month, 1)))),
                   count(*)
            from {STAGING_TABLE}
            where incident_year is not null
            group by source_file
            """
        ).fetchall()
    }
    records = []
    for layout, file in files:
        snapshot = raw_store.find_snapshot(raw_dir, read.SOURCE, file)
        first, last, rows = spans.get(file, (None, None, 0))
        when, basis = vintage_date(snapshot, last)
        records.append((file, snapshot.provenance["original_name"], snapshot.provenance["sha256"], layout,
                        rows, first, last, when, basis))  # fmt: skip
        meta.record_coverage(con, read.SOURCE, file, "incidents", first, last)
    con.execute(
        f"create or replace table {SNAPSHOTS_TABLE} (source_file varchar, original_name varchar, sha256 varchar, "
        "layout varchar, dated_rows bigint, data_from date, data_to date, vintage_date date, vintage_basis varchar)"
    )
    if records:
        con.executemany(f"insert into {SNAPSHOTS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?)", records)
    return records


@asset(key=STAGING_KEY, deps=[RAW_KEY], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_iom_mmp__incidents(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Missing Migrants incidents, typed and with snake_case names, from sql/staging/stg_iom_mmp__incidents.sql;
    and staging.stg_iom_mmp__snapshots, one row per snapshot with the period it covers and its vintage date.

    Grain: one row per incident record of each snapshot in use (merged records keep their list of incident ids);
    an incident present in several snapshots has one row in each (`source_file` tells them apart; which one is
    published for a month is decided in curated.mmp_coverage_monthly). Each snapshot is read by its own layout.
    Cells the model cannot parse (text in a count, an unknown date format) fail the build naming file,
    row and column. Judgement calls, each counted in this materialisation's metadata and listed per row
    in `cleaning_notes`: counts written with a thousands separator ("1,022") are read as numbers;
    negative counts are set null; coordinates out of range are set null; a missing total (2026 portal layout) is derived as dead + missing;
    a missing year or month is taken from the date; an impossible date is set null; route and region
    labels renamed between vintages are mapped (route_labels.csv, region_labels.csv), the publisher's
    labels kept in `routes_published`-style lists; multi-valued cells are kept as lists, the first
    value exposed as the primary one (source quality: the highest grade listed). A snapshot's coverage runs
    from 1 January of its earliest incident year to its latest incident date; its vintage date is the
    publisher's date for the file, else the extract date in the download's name, else the download date when it
    was stated (a live download, `--accessed`), else that last date.
    """
    raw_dir = warehouse.paths().raw_dir
    files: list[tuple[str, str]] = []

    def prepare(con) -> dict:  # noqa: ANN001
        files.extend(con.execute(
            "select layout, file from meta.snapshots_used where raw_table = 'raw.iom_mmp__incidents' order by file"
        ).fetchall())  # fmt: skip
        checked = {}
        for layout, file in files:
            with rejecting(raw_store.find_snapshot(raw_dir, read.SOURCE, file)):
                checked[file] = read.validate_cells(
                    con, read.file_rows("raw.iom_mmp__incidents", file), layout, file
                )
        con.execute(read.renamed_union_sql(files, "raw.iom_mmp__incidents"))
        for table in ("route_labels", "region_labels"):
            path = read.HERE / f"{table}.csv"
            con.execute(
                f"create or replace temp table iom_mmp__{table} as "
                f"select * from read_csv('{path}', header = true, all_varchar = true)"
            )
        return {"layout": ", ".join(sorted({layout for layout, _ in files})), "cells_parsed": checked}

    def report(con) -> dict:  # noqa: ANN001
        vintages = record_vintages(con, raw_dir, files)
        return {"snapshots": [
            {"file": v[0], "layout": v[3], "rows": v[4], "covers": f"{v[5]} .. {v[6]}", "vintage": f"{v[7]} ({v[8]})"}
            for v in vintages
        ]}  # fmt: skip

    # the coverage of each snapshot is its vintage's (record_vintages), recorded by `report`
    metadata = staging.stage(
        warehouse, "stg_iom_mmp__incidents", prepare=prepare, report=report, record_coverage=False
    )
    rows = metadata["dagster/row_count"].value
    decisions = metadata["cleaning_decisions"].value
    context.log.info(f"iom_mmp: {rows} incident records staged from {len(files)} snapshot(s); "
                     f"cleaning decisions: {decisions}")  # fmt: skip
    return dg.MaterializeResult(metadata=metadata)


ASSETS = [one_step(raw_iom_mmp__incidents, stg_iom_mmp__incidents)]
