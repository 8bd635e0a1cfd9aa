"""Helpers of the reliability suite: a good build to start from, table digests, landing generated files."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb

from pipelines.lib import raw_store
from pipelines.lib.sources import get_source
from pipelines.settings import Paths, resolve_paths

# Columns that hold the time of the build, not data: left out of content digests (idempotence, kills).
BUILD_TIME_COLUMNS = frozenset({"loaded_at", "checked_at", "built_at", "landed_at", "published_at", "run_id"})
# A day after every access date of the sample, so a generated file is always the source's newest snapshot.
NEWEST = dt.date(2026, 1, 15)


def clone(base: Path, dest: Path) -> Paths:
    """A copy of a built data and reports directory (raw store, working warehouse, published database,
    charts) and of its Dagster instance: a build there starts from the same state, so only what changed is
    rebuilt."""
    for part in ("data", "reports", "dagster_home"):
        if (base / part).exists():
            shutil.copytree(base / part, dest / part, symlinks=True)
    return resolve_paths(dest / "data", dest / "reports")


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_digests(
    database: Path,
    schemas: tuple[str, ...] = ("curated",),
    exclude: Callable[[str], bool] | frozenset = BUILD_TIME_COLUMNS,
    where: dict[str, str] | None = None,
) -> dict[str, str]:
    """{schema.table: sha256 of its rows} (rows sorted; columns in `exclude`, by default the build-time columns,
    left out; rows of a table limited by its `where` condition), opened read-only."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return _digests(con, schemas, exclude, where or {})
    finally:
        con.close()


def _digests(
    con: duckdb.DuckDBPyConnection,
    schemas: tuple[str, ...],
    exclude: Callable[[str], bool] | frozenset,
    where: dict[str, str],
) -> dict[str, str]:
    skip = exclude if callable(exclude) else exclude.__contains__
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where schema_name in ? order by 1, 2",
        [list(schemas)],
    ).fetchall()
    found = {}
    for schema, table in tables:
        columns = [
            name
            for (name,) in con.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
                "order by column_index",
                [schema, table],
            ).fetchall()
            if not skip(name)
        ]
        listed = ", ".join(f'"{c}"' for c in columns)
        condition = where.get(f"{schema}.{table}", "true")
        rows = con.execute(f'select {listed} from "{schema}"."{table}" where {condition}').fetchall()
        digest = hashlib.sha256(repr(columns).encode())
        for line in sorted(repr(row) for row in rows):
            digest.update(line.encode() + b"\n")
        found[f"{schema}.{table}"] = digest.hexdigest()
    return found


def land_bytes(
    paths: Paths,
    source: str,
    name: str,
    content: bytes,
    scratch: Path,
    *,
    stands_for: str | None = None,
    accessed: dt.date = NEWEST,
) -> raw_store.Snapshot:
    """Writes `content` as `name` in `scratch` and imports it into the raw store, as `migration-evidence import`
    does (raises RawStoreError when the store refuses it)."""
    scratch.mkdir(parents=True, exist_ok=True)
    file = scratch / name
    file.write_bytes(content)
    return raw_store.land(
        paths.raw_dir, get_source(source), file, arrival="import", accessed=accessed, stands_for=stands_for
    )


def lock_is_free(paths: Paths) -> bool:
    """True when no process holds the build lock (an flock, released by the kernel when its holder dies)."""
    lock = paths.data_dir / ".build.lock"
    if not lock.exists():
        return True
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def stale_temporaries(paths: Paths) -> list[str]:
    """Files a killed build may leave beside the published database."""
    curated = paths.curated_dir
    found = [p.name for p in curated.glob(".evidence-*")] if curated.is_dir() else []
    found += (
        [p.name for p in (curated / "parquet").glob(".*.parquet")] if (curated / "parquet").is_dir() else []
    )
    return sorted(found)


def child_env(paths: Paths, **extra: str) -> dict[str, str]:
    """Environment of a pipeline subprocess: the data and reports directories, its own DAGSTER_HOME, no proxy."""
    env = dict(os.environ)
    env.update(
        MIGRATION_DATA_DIR=str(paths.data_dir),
        MIGRATION_REPORTS_DIR=str(paths.reports_dir),
        DAGSTER_HOME=str(paths.data_dir.parent / "dagster_home"),
        NO_PROXY="127.0.0.1",
        no_proxy="127.0.0.1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def build(paths, **kwargs):  # noqa: ANN001, ANN003, ANN201
    """A build on the Dagster instance of $DAGSTER_HOME, as the command line's: the suite's cases start from a
    settled copy of the good build, and a rebuild there redoes what a case changed."""
    from tests import build_helpers

    return build_helpers.build(paths, persistent=True, **kwargs)
