"""Helpers for graph and end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.defs.iom_mmp.source import SOURCE as IOM_MMP
from pipelines.lib import raw_store
from pipelines.runner import run_build
from pipelines.settings import Paths


def land_mmp(paths: Paths, file: Path, accessed: str | None = None) -> raw_store.Snapshot:
    import datetime as dt

    day = dt.date.fromisoformat(accessed) if accessed else None
    return raw_store.land(paths.raw_dir, IOM_MMP, file, arrival="import", accessed=day)


def build(paths: Paths, **kwargs) -> tuple[bool, object]:  # noqa: ANN003
    """As `migration-evidence build --no-images`: on the persistent Dagster instance of $DAGSTER_HOME when set
    (the `paths` fixture sets one per test), else of the data directory's own home, so that a rebuild skips
    what did not change. DAGSTER_HOME is left as it was."""
    import os

    kwargs.setdefault("static_images", False)
    before = os.environ.get("DAGSTER_HOME")
    try:
        return run_build(paths, **kwargs)
    finally:
        if before is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = before


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
