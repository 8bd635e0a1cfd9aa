"""Bookkeeping tables in the working warehouse: which snapshot each raw table came from, and check results."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from pipelines.lib.raw_store import Snapshot
from pipelines.lib.sql import CREATING

SNAPSHOTS_DDL = """
create table if not exists meta.snapshots_used (
    source varchar, raw_table varchar, file varchar, original_name varchar, sha256 varchar, bytes bigint,
    accessed date, published date, published_basis varchar, licence varchar, citation varchar,
    producer varchar, title varchar, download_url varchar, landing_page_url varchar, arrival varchar,
    sample boolean, layout varchar, rows bigint, loaded_at timestamp, entity varchar, stands_for varchar
)
"""

VALIDATION_DDL = """
create table if not exists meta.validation_results (
    asset varchar, check_name varchar, suite varchar, expectation varchar, kwargs varchar,
    success boolean, unexpected_count bigint, element_count bigint, severity varchar, checked_at timestamp,
    level varchar, outcome varchar, summary varchar, run_id varchar
)
"""
# level: 'check' (one row per asset check that ran: what Dagster was told, written by
# pipelines.lib.checks.recorded_check) or 'expectation' (one row per expectation of a suite the check ran).
# outcome: 'passed', 'failed' or, for a check row, 'not recorded' (ran, but recorded no result of its own).
CHECK_LEVEL, EXPECTATION_LEVEL = "check", "expectation"


def outcome_of(success: bool | None) -> str:
    return "not recorded" if success is None else ("passed" if success else "failed")


def _ensure(con: duckdb.DuckDBPyConnection, table: str, ddl: str) -> None:
    """Creates a bookkeeping table; one left by an older version with other columns is replaced."""
    expected = ddl.count(",") + 1
    with CREATING:
        have = con.execute(
            "select count(*) from duckdb_columns() where schema_name = 'meta' and table_name = ? "
            "and database_name = current_database()",
            [table],
        ).fetchall()[0][0]
        if have and have != expected:
            con.execute(f"drop table meta.{table}")
        con.execute(ddl)


def record_snapshot(
    con: duckdb.DuckDBPyConnection, snapshot: Snapshot, raw_table: str, layout: str, rows: int
) -> None:
    record_snapshots(con, [(snapshot, layout, rows)], raw_table)


SNAPSHOT_FIELDS = (
    "source", "file", "original_name", "sha256", "bytes", "accessed", "published", "published_basis", "licence",
    "citation", "producer", "title", "download_url", "landing_page_url", "arrival", "sample",
)  # fmt: skip


def record_snapshots(
    con: duckdb.DuckDBPyConnection, loaded: list[tuple[Snapshot, str, int]], raw_table: str
) -> None:
    """Replaces the record of which files `raw_table` was loaded from: (snapshot, layout, rows) each."""
    _ensure(con, "snapshots_used", SNAPSHOTS_DDL)
    con.execute("delete from meta.snapshots_used where raw_table = ?", [raw_table])
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    columns = ["raw_table", *SNAPSHOT_FIELDS, "layout", "rows", "loaded_at", "entity", "stands_for"]
    for snapshot, layout, rows in loaded:
        p = snapshot.provenance
        values = [raw_table, *(p.get(f) for f in SNAPSHOT_FIELDS), layout, rows, now, p.get("entity", "all"),
                  p.get("stands_for")]  # fmt: skip
        con.execute(
            f"insert into meta.snapshots_used ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
            values,
        )


def record_validation(
    con: duckdb.DuckDBPyConnection, asset: str, check_name: str, suite: str, rows: list[dict]
) -> None:
    """Replaces the expectation rows of one check (`rows` as gx_runner reports them: expectation, kwargs,
    success, unexpected_count, element_count, severity)."""
    _ensure(con, "validation_results", VALIDATION_DDL)
    con.execute(
        "delete from meta.validation_results where asset = ? and check_name = ? and level = ?",
        [asset, check_name, EXPECTATION_LEVEL],
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    values = [
        [
            asset,
            check_name,
            suite,
            row["expectation"],
            json.dumps(row["kwargs"], default=str, sort_keys=True),
            row["success"],
            row["unexpected_count"],
            row["element_count"],
            row["severity"],
            now,
            EXPECTATION_LEVEL,
            outcome_of(row["success"]),
            None,
            None,
        ]
        for row in rows
    ]
    if values:  # one statement (one commit) for the whole suite
        placeholders = ", ".join(["(" + ", ".join("?" * len(values[0])) + ")"] * len(values))
        con.execute(
            f"insert into meta.validation_results values {placeholders}", [v for row in values for v in row]
        )


def ensure_validation_results(con: duckdb.DuckDBPyConnection) -> None:
    _ensure(con, "validation_results", VALIDATION_DDL)


def forget_check(con: duckdb.DuckDBPyConnection, asset: str, check_name: str) -> None:
    """Before a check runs: its earlier rows (check and expectations) no longer stand for it."""
    _ensure(con, "validation_results", VALIDATION_DDL)
    con.execute("delete from meta.validation_results where asset = ? and check_name = ?", [asset, check_name])


def record_check(
    con: duckdb.DuckDBPyConnection,
    asset: str,
    check_name: str,
    *,
    severity: str,
    success: bool | None,
    summary: str,
    run_id: str | None,
) -> None:
    """Replaces the check-level row of one check: its severity ('error' or 'warn'), whether it passed (None:
    it recorded no result) and a one-line summary; its expectation rows get the run's id."""
    _ensure(con, "validation_results", VALIDATION_DDL)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(
        "delete from meta.validation_results where asset = ? and check_name = ? and level = ?",
        [asset, check_name, CHECK_LEVEL],
    )
    con.execute(
        "insert into meta.validation_results values (?, ?, null, null, null, ?, null, null, ?, ?, ?, ?, ?, ?)",
        [asset, check_name, success, severity, now, CHECK_LEVEL, outcome_of(success), summary, run_id],
    )
    if run_id is not None:
        con.execute(
            "update meta.validation_results set run_id = ? where asset = ? and check_name = ? and level = ?",
            [run_id, asset, check_name, EXPECTATION_LEVEL],
        )


COVERAGE_DDL = """
create table if not exists meta.snapshot_coverage (
    source varchar, file varchar, series varchar, data_from date, data_to date, recorded_at timestamp
)
"""


def ensure_snapshot_coverage(con: duckdb.DuckDBPyConnection) -> None:
    _ensure(con, "snapshot_coverage", COVERAGE_DDL)


def record_coverage(
    con: duckdb.DuckDBPyConnection,
    source: str,
    file: str,
    series: str,
    data_from: dt.date | None,
    data_to: dt.date | None,
) -> None:
    """Records the period a snapshot's series actually reports: the first and the last date its data cover (not
    when it was published or imported). One row per (source, file, series); a staging asset calls this for every
    snapshot it read, so curated.source_snapshots, citations and freshness can state the last date covered."""
    _ensure(con, "snapshot_coverage", COVERAGE_DDL)
    con.execute(
        "delete from meta.snapshot_coverage where source = ? and file = ? and series = ?",
        [source, file, series],
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(
        "insert into meta.snapshot_coverage values (?, ?, ?, ?, ?, ?)",
        [source, file, series, data_from, data_to, now],
    )


def record_coverage_of(
    con: duckdb.DuckDBPyConnection,
    source: str,
    series: str,
    table: str,
    data_from: str,
    data_to: str,
    where: str = "true",
) -> None:
    """record_coverage for every snapshot file of a staging `table` (its `source_file` column): `data_from` and
    `data_to` are SQL expressions over the table's rows (e.g. "min(report_date)"), `where` which rows report
    data (e.g. "arrivals is not null": a row the publisher left empty reports nothing)."""
    rows = con.execute(
        f"select source_file, cast({data_from} as date), cast({data_to} as date) from {table} "
        f"where {where} group by source_file order by source_file"
    ).fetchall()
    for file, first, last in rows:
        record_coverage(con, source, file, series, first, last)
