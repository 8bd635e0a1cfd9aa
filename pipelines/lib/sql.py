"""Loads the SQL files under sql/ and builds the table each one is named after."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent.parent.parent / "sql"

# Steps on parallel threads share one database: two creating the same schema or table at once would have the
# second refused by DuckDB as a write-write conflict, so `create ... if not exists` of what several steps share
# runs one thread at a time (each statement commits before the lock is released).
CREATING = threading.Lock()


def sql_text(schema: str, table: str) -> str:
    path = SQL_DIR / schema / f"{table}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL model for {schema}.{table} at {path}")
    return path.read_text()


def load_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((SQL_DIR / "macros.sql").read_text())


def build_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> int:
    """`create or replace table <schema>.<table> as <sql/<schema>/<table>.sql>`; returns the row count."""
    load_macros(con)
    with CREATING:
        con.execute(f"create schema if not exists {schema}")
    text = sql_text(schema, table)
    con.execute(f"create or replace table {schema}.{table} as\n{text}")
    header = header_comment(text)
    if header:  # the file's own description; curated tables get a fuller one from their docs afterwards
        con.execute(f"comment on table {schema}.{table} is {literal(header)}")
    return con.execute(f"select count(*) from {schema}.{table}").fetchall()[0][0]


def header_comment(text: str) -> str:
    """The leading `--` comment block of a SQL model, without its first line (the table name)."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return " ".join(lines[1:]).strip()


def comment_table(con: duckdb.DuckDBPyConnection, qualified: str, text: str, columns: dict[str, str]) -> None:
    con.execute(f"comment on table {qualified} is {literal(text)}")
    for column, description in columns.items():
        con.execute(f"comment on column {qualified}.{column} is {literal(description)}")


def identifier(name: str) -> str:
    """A column, table or catalogue name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, database: str | None = None) -> bool:
    """True when `schema`.`table` exists in the connection's own database (an optional input of an asset), or in
    the attached `database`."""
    return bool(con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ? "
        "and database_name = coalesce(?, current_database())", [schema, table, database]).fetchall()[0][0])  # fmt: skip


@contextmanager
def attached(con: duckdb.DuckDBPyConnection, path: Path, alias: str) -> Iterator[bool]:
    """The database file `path` attached read-only as `alias` for the block (detached after it); yields False,
    attaching nothing, when the file does not exist (e.g. the published database before a first publish)."""
    if not path.exists():
        yield False
        return
    con.execute(f"attach if not exists {literal(str(path))} as {identifier(alias)} (read_only)")
    try:
        yield True
    finally:
        con.execute(f"detach {identifier(alias)}")


def literal(text: str) -> str:
    """Text as a quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
