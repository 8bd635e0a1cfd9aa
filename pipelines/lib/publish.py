"""Publishing: the researchers' database is written aside and moved into place in one atomic step.

A reader that opened the previous `evidence.duckdb` keeps reading it; a reader that opens the path after
the move sees the new, complete, validated database. A failed or killed build leaves the previous file as
it was (temporary files from a killed build are removed by the next publish).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import duckdb

from pipelines.lib.sql import identifier, literal

PUBLISHED_SCHEMAS = ("curated", "staging")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temporaries(curated_dir: Path) -> list[str]:
    removed = []
    for stale in curated_dir.glob(".evidence-*.duckdb*"):
        stale.unlink(missing_ok=True)
        removed.append(stale.name)
    for stale in curated_dir.glob("parquet/.*.parquet"):
        stale.unlink(missing_ok=True)
        removed.append(stale.name)
    return removed


def publish(working_db: Path, target: Path) -> dict:
    """Copies the published schemas of the working database into `target` atomically; returns table row counts.

    The new file is attached to a connection of the working database (so a build that holds that database open
    for its run keeps doing so: DuckDB refuses a second, read-only opening of a file in the same process)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target.parent)
    temporary = target.parent / f".evidence-{uuid.uuid4().hex}.duckdb"
    counts: dict[str, int] = {}
    alias = f"published_{uuid.uuid4().hex[:12]}"
    con = duckdb.connect(str(working_db))
    try:
        work = identifier(con.execute("select current_database()").fetchall()[0][0])
        con.execute(f"attach {literal(str(temporary))} as {alias}")
        try:
            con.execute("begin")  # one commit (and one sync of the new file), not one per table and comment
            counts = _copy_published(con, work, alias)
            con.execute("commit")
            con.execute(f"checkpoint {alias}")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("rollback")
            raise
        finally:
            con.execute(f"use {work}")
            con.execute(f"detach {alias}")  # the working database may stay open: leave nothing attached to it
    except BaseException:
        con.close()
        temporary.unlink(missing_ok=True)
        Path(f"{temporary}.wal").unlink(missing_ok=True)
        raise
    con.close()
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    _fsync_dir(target.parent)
    return counts


def _copy_published(con: duckdb.DuckDBPyConnection, work: str, alias: str) -> dict[str, int]:
    """Tables (with their comments) and views of PUBLISHED_SCHEMAS from catalogue `work` into `alias`."""
    counts: dict[str, int] = {}
    tables = con.execute(
        "select schema_name, table_name, comment from duckdb_tables() "
        "where database_name = current_database() and schema_name in ? order by 1, 2",
        [list(PUBLISHED_SCHEMAS)],
    ).fetchall()
    columns = con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        "where database_name = current_database() and schema_name in ? and comment is not null",
        [list(PUBLISHED_SCHEMAS)],
    ).fetchall()
    views = con.execute(
        "select schema_name, view_name, sql, comment from duckdb_views() "
        "where database_name = current_database() and schema_name in ? and not internal",
        [list(PUBLISHED_SCHEMAS)],
    ).fetchall()
    con.execute(f"use {alias}")  # the views' SQL names its tables without a catalogue
    for schema, table, comment in tables:
        qualified = f"{schema}.{table}"
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create table {qualified} as select * from {work}.{qualified}")
        if comment:
            con.execute(f"comment on table {qualified} is {literal(comment)}")
        for column_schema, column_table, column, column_comment in columns:
            if (column_schema, column_table) == (schema, table):
                con.execute(f"comment on column {qualified}.{column} is {literal(column_comment)}")
        counts[qualified] = con.execute(f"select count(*) from {qualified}").fetchall()[0][0]
    for schema, view, view_sql, comment in views:
        con.execute(view_sql)
        if comment:
            con.execute(f"comment on view {schema}.{view} is {literal(comment)}")
        for (
            column_schema,
            column_view,
            column,
            column_comment,
        ) in columns:  # a view's columns are documented too
            if (column_schema, column_view) == (schema, view):
                con.execute(
                    f"comment on column {schema}.{view}.{identifier(column)} is {literal(column_comment)}"
                )
    return counts


def export_parquet(database: Path, parquet_dir: Path, schema: str = "curated") -> list[str]:
    """Writes every table of `schema` as Parquet: all files are written aside first, then each is moved into
    place atomically, so a killed export leaves every file complete and mixes two builds only within the
    moment the moves take (never while a file is being written)."""
    parquet_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where schema_name = ? order by 1", [schema]
            ).fetchall()
        ]
        for table in tables:
            temporary = parquet_dir / f".{table}.{uuid.uuid4().hex}.parquet"
            staged.append((temporary, parquet_dir / f"{table}.parquet"))
            con.execute(
                f"copy {schema}.{table} to {literal(str(temporary))} (format parquet, compression zstd)"
            )
    except BaseException:
        for temporary, _final in staged:
            temporary.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    for temporary, final in staged:
        os.replace(temporary, final)
    return [str(final) for _temporary, final in staged]
