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


def _has_snapshot(paths: Paths, source: str, entity_prefix: str | None) -> bool:
    from pipelines.lib.raw_store import list_snapshots

    snapshots = list_snapshots(paths.raw_dir, source)
    return any(s.provenance.get("entity", "all").startswith(entity_prefix or "") for s in snapshots)


def available_assets(graph, paths: Paths) -> list[dg.AssetKey] | None:  # noqa: ANN001
    """Every asset, less those that need a source (or one of its files) the raw store has no snapshot of.
    curated/source_snapshots and the publish step always run: they use what was built."""
    missing, reasons = [], {}
    for key in graph.get_all_asset_keys():
        if key.path[0] != "raw":
            continue
        metadata = graph.get(key).metadata or {}
        source = str(metadata.get("source") or key.path[1].split("__")[0])
        prefix = metadata.get("entity_prefix")
        if not _has_snapshot(paths, source, str(prefix) if prefix else None):
            missing.append(key)
            reasons[key.to_user_string()] = f"{source}" + (f" ({prefix}…)" if prefix else "")
    if not missing:
        return None
    # Steps that use whatever was built (source_snapshots, validation_results, static images, the brief, publish)
    keep = {k for k in graph.get_all_asset_keys() if (graph.get(k).metadata or {}).get("uses_what_was_built")}
    dropped, frontier = set(missing), list(missing)
    while frontier:  # everything downstream, but not through the steps that use whatever was built
        for child in graph.get(frontier.pop()).child_keys:
            if child not in keep and child not in dropped:
                dropped.add(child)
                frontier.append(child)
    progress.REPORT.left_out = {name: reason for name, reason in sorted(reasons.items())}
    for name, reason in sorted(reasons.items()):
        print(
            f"  – no snapshot of {reason} in the raw store: {name} and what depends on it are left out",
            file=sys.stderr,
            flush=True,
        )
    return sorted(graph.get_all_asset_keys() - dropped, key=lambda k: k.to_user_string())


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
    graph = defs.resolve_asset_graph()
    if selection:
        selection_keys = list(dg.AssetSelection.from_string(selection).resolve(graph))
    else:
        selection_keys = available_assets(graph, paths)
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
