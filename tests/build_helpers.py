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
    kwargs.setdefault("static_images", False)
    return run_build(paths, ephemeral=True, **kwargs)


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
