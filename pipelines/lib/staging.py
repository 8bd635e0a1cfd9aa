"""The staging step, written once for every source.

A staging table is its SQL file (`sql/staging/<table>.sql`), what its source's reader prepares for it (the
reference tables the SQL joins, the raw cells checked with the source's count format) and its Great
Expectations suite (declared in the source's checks.py with `recorded_check` on the same key, run in the same
step). `stage` builds one such table the same way for every source:

1. `prepare(con)`: the source's own preparation (reference tables, cell checks that reject a snapshot naming
   file, row and column); returns metadata of its own, e.g. the cells parsed per file;
2. the SQL model builds `staging.<table>` and its coverage (periods and places each snapshot reports) is
   recorded for `curated.source_snapshots`;
3. `report(con)`: figures of the source's own (rows by flag, labels left unmapped...), or comments it sets on
   the table;
4. the table's row count, columns with their comments and a preview, and its cleaning decisions: every judgement
   call of the model is a note "decision: detail" in a row's `cleaning_notes`, counted by decision
   (`asset_meta.cleaning_decisions`, the one query that counts them).

A source's staging asset (declared with `pipelines.lib.steps.asset`: key, upstream raw asset, docstring) is then
one call: `return dg.MaterializeResult(metadata=stage(warehouse, TABLE, prepare=..., report=...))`.
"""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg
import duckdb

from pipelines.lib import coverage, sql
from pipelines.lib.asset_meta import cleaning_decisions, table_metadata
from pipelines.lib.warehouse import Warehouse

Hook = Callable[[duckdb.DuckDBPyConnection], dict]


def _metadata_value(value: object) -> object:
    return dg.MetadataValue.json(value) if isinstance(value, dict | list) else value


def _has_cleaning_notes(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_columns() where schema_name = 'staging' and table_name = ? "
        "and column_name = 'cleaning_notes' and database_name = current_database()", [table]
    ).fetchall()[0][0])  # fmt: skip


def counts(con: duckdb.DuckDBPyConnection, query: str) -> dict[str, dg.MetadataValue]:
    """The one row of `query` as integer metadata, named by its columns (a missing count is 0 here: these are
    counts of rows, never figures of the source)."""
    cursor = con.execute(query)
    names = [d[0] for d in cursor.description]
    return {n: dg.MetadataValue.int(int(v or 0)) for n, v in zip(names, cursor.fetchall()[0], strict=True)}


def stage(
    warehouse: Warehouse,
    table: str,
    *,
    prepare: Hook | None = None,
    report: Hook | None = None,
    decisions_where: str = "true",
    record_coverage: bool = True,
) -> dict:
    """Builds `staging.<table>` (steps 1–4 above) and returns its materialisation metadata. `decisions_where`
    restricts the rows whose cleaning decisions are counted (e.g. the current release only); `record_coverage`
    is off for a table derived from another staging table, whose coverage that table already records."""
    qualified = f"staging.{table}"
    with warehouse.connect() as con:
        prepared = prepare(con) if prepare else {}
        sql.build_table(con, "staging", table)
        if record_coverage:
            coverage.record(con, table)
        reported = report(con) if report else {}  # before the metadata: it may comment the table
        metadata = table_metadata(con, qualified)
        if _has_cleaning_notes(con, table):
            metadata["cleaning_decisions"] = dg.MetadataValue.json(
                cleaning_decisions(con, qualified, decisions_where)
            )
    return {**metadata, **{k: _metadata_value(v) for k, v in {**prepared, **reported}.items()}}
