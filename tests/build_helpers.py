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


def build(paths: Paths, *, persistent: bool = False, **kwargs) -> tuple[bool, object]:  # noqa: ANN003
    """As `migration-evidence build --no-images`. By default on an ephemeral Dagster instance (no history kept:
    everything the raw store can feed is built, and Dagster's SQLite event log, about a third of a small build's
    time, is not written). `persistent`: on the instance of $DAGSTER_HOME when set (the `paths` fixture sets one
    per test), else of the data directory's own home, so that a rebuild skips what did not change, as the
    command line's does. DAGSTER_HOME is left as it was."""
    import os

    import dagster as dg

    if not persistent:
        kwargs.setdefault("instance", dg.DagsterInstance.ephemeral())
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


def cli_build(root: Path, commands: list[list[str]]) -> Paths:
    """Runs `python -m pipelines.cli` commands (imports, then a build) in a fresh data directory under `root`, as
    a new user would; fails with the end of their output when one fails. Returns the paths."""
    import os
    import subprocess
    import sys

    from pipelines.settings import resolve_paths

    paths = resolve_paths(root / "data", root / "reports")
    env = dict(os.environ, MIGRATION_DATA_DIR=str(paths.data_dir), MIGRATION_REPORTS_DIR=str(paths.reports_dir),
               DAGSTER_HOME=str(root / "dh"))  # fmt: skip
    for command in commands:
        done = subprocess.run([sys.executable, "-m", "pipelines.cli", *command], cwd=Path(__file__).parents[1],
                              env=env, capture_output=True, text=True, timeout=900)  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return paths
