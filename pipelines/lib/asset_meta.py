"""Materialisation metadata shared by all assets: row count, preview, column schema, snapshot used."""

from __future__ import annotations

import dagster as dg
import duckdb

from pipelines.lib.raw_store import Snapshot


def table_metadata(con: duckdb.DuckDBPyConnection, qualified: str, *, preview_rows: int = 5) -> dict:
    schema, table = qualified.split(".")
    count = con.execute(f"select count(*) from {qualified}").fetchall()[0][0]
    cursor = con.execute(f"select * from {qualified} limit {preview_rows}")
    names = [d[0] for d in cursor.description]
    preview = cursor.fetchall()
    columns = con.execute(
        "select column_name, data_type, comment from duckdb_columns() "
        "where schema_name = ? and table_name = ? and database_name = current_database() order by column_index",
        [schema, table],
    ).fetchall()
    return {
        "dagster/row_count": dg.MetadataValue.int(int(count)),
        "dagster/table_name": dg.MetadataValue.text(qualified),
        "dagster/column_schema": dg.TableSchema(
            columns=[
                dg.TableColumn(name, type=dtype, description=comment) for name, dtype, comment in columns
            ]
        ),
        "preview": dg.MetadataValue.md(markdown_table(names, preview) if preview else "(empty)"),
    }


def cleaning_decisions(con: duckdb.DuckDBPyConnection, qualified: str, where: str = "true") -> dict[str, int]:
    """{decision: rows} of a staging table: every judgement call its model made is a note "decision: detail" in the
    row's `cleaning_notes` list; counted here, once for every source, by the part before the colon."""
    return dict(
        con.execute(
            f"select split_part(note, ':', 1), count(*) from "
            f"(select unnest(cleaning_notes) as note from {qualified} where {where}) group by 1 order by 1"
        ).fetchall()
    )


def _cell(value: object) -> str:
    text = "null" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|")


def markdown_table(names: list[str], rows: list[tuple]) -> str:
    """A Markdown (pipe) table of `rows` under `names`; a missing value shows as null."""
    lines = ["| " + " | ".join(_cell(n) for n in names) + " |", "|" + "|".join("---" for _ in names) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def snapshot_metadata(snapshot: Snapshot) -> dict:
    p = snapshot.provenance
    return {
        "snapshot_file": dg.MetadataValue.path(str(snapshot.path)),
        "snapshot_sha256": p["sha256"],
        "snapshot_accessed": p["accessed"],
        "snapshot_published": p["published"] or "not stated",
        "snapshot_sample": bool(p["sample"]),
        "licence": p["licence"],
    }
