"""Bookkeeping tables in the working warehouse: which snapshot each raw table came from, and check results."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from pipelines.lib.raw_store import Snapshot

SNAPSHOTS_DDL = """
create table if not exists meta.snapshots_used (
    source varchar, raw_table varchar, file varchar, original_name varchar, sha256 varchar, bytes bigint,
    accessed date, published date, published_basis varchar, licence varchar, citation varchar,
    producer varchar, title varchar, download_url varchar, landing_page_url varchar, arrival varchar,
    sample boolean, layout varchar, rows bigint, loaded_at timestamp
)
"""

VALIDATION_DDL = """
create table if not exists meta.validation_results (
    asset varchar, check_name varchar, suite varchar, expectation varchar, kwargs varchar,
    success boolean, unexpected_count bigint, element_count bigint, severity varchar, checked_at timestamp
)
"""


def record_snapshot(
    con: duckdb.DuckDBPyConnection, snapshot: Snapshot, raw_table: str, layout: str, rows: int
) -> None:
    con.execute(SNAPSHOTS_DDL)
    p = snapshot.provenance
    con.execute("delete from meta.snapshots_used where raw_table = ?", [raw_table])
    con.execute(
        "insert into meta.snapshots_used values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            p["source"],
            raw_table,
            p["file"],
            p["original_name"],
            p["sha256"],
            p["bytes"],
            p["accessed"],
            p["published"],
            p.get("published_basis"),
            p["licence"],
            p["citation"],
            p["producer"],
            p["title"],
            p["download_url"],
            p["landing_page_url"],
            p["arrival"],
            p["sample"],
            layout,
            rows,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
        ],
    )


def record_validation(
    con: duckdb.DuckDBPyConnection, asset: str, check_name: str, suite: str, rows: list[dict]
) -> None:
    con.execute(VALIDATION_DDL)
    con.execute("delete from meta.validation_results where asset = ? and check_name = ?", [asset, check_name])
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for row in rows:
        con.execute(
            "insert into meta.validation_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ],
        )
