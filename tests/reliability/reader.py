"""A reader of the published database, run as a separate process by test_concurrent_readers.py:
`python -m tests.reliability.reader DATABASE RESULT STOP_FILE SECONDS EXPECTED_TABLES_JSON`.

Opens the database read-only in a loop, each time checking it is complete (every expected table present,
row counts that must agree do agree, source_snapshots non-empty), until STOP_FILE exists or SECONDS pass.
Writes {queries, errors, incomplete, versions} as JSON to RESULT."""

from __future__ import annotations

import json
import os
import sys
import time

import duckdb

CONSISTENCY = """
select
    (select count(*) from curated.mmp_incidents),
    (select count(*) from staging.stg_iom_mmp__incidents),
    (select coalesce(sum(rows), -1) from curated.source_snapshots where raw_table = 'raw.iom_mmp__incidents'),
    (select count(*) from curated.source_snapshots),
    (select count(distinct source) from curated.source_snapshots)
"""
PAUSE = 0.1  # seconds between two opens: the readers must not starve the build of the two cores


def check(database: str, expected: set[str]) -> tuple[str | None, int]:
    """(what is incomplete or inconsistent, or None; the number of incidents seen)."""
    con = duckdb.connect(database, read_only=True)
    try:
        tables = {
            f"{s}.{t}"
            for s, t in con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        }
        if not expected <= tables:
            return f"tables missing: {sorted(expected - tables)}", -1
        curated, staged, recorded, snapshots, sources = con.execute(CONSISTENCY).fetchall()[0]
    finally:
        con.close()
    if not (curated == staged == recorded):
        return (
            f"counts disagree: curated {curated}, staging {staged}, source_snapshots.rows {recorded}",
            curated,
        )
    if snapshots == 0 or sources < 5:
        return f"source_snapshots has {snapshots} rows from {sources} sources", curated
    return None, curated


def main(database: str, result: str, stop: str, seconds: float, expected: set[str]) -> None:
    end = time.monotonic() + seconds
    queries, errors, incomplete, versions = 0, [], [], set()
    while not os.path.exists(stop) and time.monotonic() < end:
        try:
            problem, incidents = check(database, expected)
            versions.add(incidents)
            if problem:
                incomplete.append(problem)
        except Exception as exc:  # every failure to open or query counts as a reader error
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
        queries += 1
        time.sleep(PAUSE)
    with open(result, "w") as handle:
        json.dump(
            {"queries": queries, "errors": errors, "incomplete": incomplete, "versions": sorted(versions)},
            handle,
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), set(json.loads(sys.argv[5])))
