"""Runs the whole asset graph in-process through Dagster, with progress and a summary."""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from pipelines import progress
from pipelines.settings import PROJECT_ROOT, Paths


def prepare_dagster_home(paths: Paths) -> str:
    """DAGSTER_HOME defaults to $MIGRATION_DATA_DIR/dagster, holding a copy of the project's dagster.yaml."""
    home = os.environ.get("DAGSTER_HOME") or str(paths.data_dir / "dagster")
    os.makedirs(home, exist_ok=True)
    target = os.path.join(home, "dagster.yaml")
    source = PROJECT_ROOT / "dagster.yaml"
    if not os.path.exists(target) or open(target).read() != source.read_text():
        shutil.copyfile(source, target)
    os.environ["DAGSTER_HOME"] = home
    return home


@contextmanager
def build_lock(paths: Paths) -> Iterator[None]:
    """DuckDB has one writer: a second build waits for the first instead of corrupting its work."""
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    with open(paths.data_dir / ".build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("another build holds the lock; waiting for it to finish…", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def run_build(
    paths: Paths,
    *,
    pins: str = "",
    static_images: bool = True,
    selection: str | None = None,
    ephemeral: bool = False,
) -> tuple[bool, progress.BuildReport]:
    from pipelines.definitions import defs

    progress.REPORT = progress.BuildReport()
    instance = (
        dg.DagsterInstance.ephemeral()
        if ephemeral
        else dg.DagsterInstance.from_config(prepare_dagster_home(paths))
    )
    job = defs.resolve_implicit_global_asset_job_def()
    run_config = {
        "loggers": {"progress": {}},
        "resources": {
            "warehouse": {
                "config": {
                    "data_dir": str(paths.data_dir),
                    "reports_dir": str(paths.reports_dir),
                    "snapshot_pins": pins,
                    "static_images": static_images,
                }
            }
        },
    }
    selection_keys = None
    if selection:
        selection_keys = list(dg.AssetSelection.from_string(selection).resolve(defs.resolve_asset_graph()))
    with build_lock(paths):
        result = job.execute_in_process(
            run_config=run_config,
            instance=instance,
            raise_on_error=False,
            asset_selection=selection_keys,
        )
    report = progress.REPORT
    ok = (
        result.success and not report.failures and all(s.get("status") == "ok" for s in report.steps.values())
    )
    return ok, report
