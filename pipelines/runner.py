"""Runs a build through Dagster, in-process, with progress and a summary.

Which assets a build runs is Dagster's decision: `migration-evidence build` observes the raw store (job
`observe_snapshots`), evaluates the assets' automation condition (`staleness.CONDITION`) with
`dg.evaluate_automation_conditions` against the Dagster instance and the cursor of the last successful build,
and launches the code location's asset job (the one the UI's "Materialize all" and automation sensor launch)
with the requested assets of its selection. The cursor is kept in the instance's home and stored only after a
successful run, so that a killed or failed build is evaluated again from the same point and redone."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from pipelines import build_record, progress
from pipelines.defs.operations import staleness
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


@contextmanager
def working_database_held(paths: Paths) -> Iterator[None]:
    """Keeps the working database open while the run executes. Every asset and check connects to it (about 140
    times a build); with one connection held, each joins the open database (about 1 ms) instead of loading the
    catalogue and checkpointing on close (about 20 ms, more after writes). DuckDB then checkpoints as its WAL
    grows and once at the end; a killed build's WAL is replayed by the next opening."""
    import duckdb

    from pipelines.lib.sql import literal

    paths.work_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(paths.working_db))
    # DuckDB otherwise caches up to 80 % of the machine's memory; 768 MB builds 1.9 million incidents as fast
    # (staging spills to disk below about 600 MB) and keeps the whole build within 2 GB
    limit = os.environ.get("MIGRATION_DUCKDB_MEMORY", "768MB")
    try:
        con.execute(f"set memory_limit = {literal(limit)}")
    except duckdb.Error as exc:
        con.close()
        raise SystemExit(
            f"MIGRATION_DUCKDB_MEMORY={limit!r} is not a memory size such as 768MB or 2GB ({exc})"
        ) from None
    try:
        yield
    finally:
        con.close()


def _has_snapshot(paths: Paths, source: str, entity_prefix: str | None) -> bool:
    from pipelines.lib.raw_store import list_snapshots

    snapshots = list_snapshots(paths.raw_dir, source)
    return any(s.provenance.get("entity", "all").startswith(entity_prefix or "") for s in snapshots)


def available_assets(graph, paths: Paths) -> list[dg.AssetKey] | None:  # noqa: ANN001
    """Every asset, less those that need a source (or one of its files) the raw store has no snapshot of.
    curated/source_snapshots and the publish step always run: they use what was built."""
    from pipelines.defs.operations.selection import raw_source

    missing, reasons = [], {}
    for key in graph.get_all_asset_keys():
        if key.path[0] != "raw":
            continue
        source, prefix = raw_source(key, graph.get(key).metadata)
        if not _has_snapshot(paths, source, prefix):
            missing.append(key)
            reasons[key.to_user_string()] = f"{source}" + (f" ({prefix}…)" if prefix else "")
    if not missing:
        return None
    # An asset is left out when any input is left out; one that uses whatever was built (source_snapshots,
    # validation_results, thb_victims, static images, the brief, publish) only when all its inputs are; inputs
    # named in its `optional_inputs` metadata (read only when present) never leave it out.
    dropped = set(missing)
    changed = True
    while changed:
        changed = False
        for key in graph.get_all_asset_keys() - dropped:
            node = graph.get(key)
            optional = {
                dg.AssetKey.from_user_string(k) for k in (node.metadata or {}).get("optional_inputs", [])
            }
            parents = (set(node.parent_keys) & graph.get_all_asset_keys()) - optional
            if not parents:
                continue
            partial = (node.metadata or {}).get("uses_what_was_built")
            if (parents <= dropped) if partial else (parents & dropped):
                dropped.add(key)
                changed = True
    progress.REPORT.left_out = {name: reason for name, reason in sorted(reasons.items())}
    for name, reason in sorted(reasons.items()):
        print(
            f"  – no snapshot of {reason} in the raw store: {name} and what depends on it are left out",
            file=sys.stderr,
            flush=True,
        )
    return sorted(graph.get_all_asset_keys() - dropped, key=lambda k: k.to_user_string())


def _buildable(graph, paths: Paths) -> set[dg.AssetKey]:  # noqa: ANN001
    """Every asset a build can materialise now: not the raw store's source assets, nor what needs a source (or
    one of its files) the raw store has no snapshot of."""
    keys = set(available_assets(graph, paths) or graph.get_all_asset_keys())
    buildable = {k for k in keys if graph.get(k).is_materializable}
    # with no snapshot at all, everything is attempted, so that the build fails naming what is missing
    return buildable or {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}


def _selected(
    graph,  # noqa: ANN001
    buildable: set[dg.AssetKey],
    selection: str | None,
    sources: list[str] | None,
) -> set[dg.AssetKey]:
    """`selection` (a Dagster selection string) as given; else every buildable asset, narrowed to the groups of
    `sources` and everything downstream of them."""
    if selection:
        keys = set(dg.AssetSelection.from_string(selection).resolve(graph))
        return {k for k in keys if graph.get(k).is_materializable}
    if sources:
        from pipelines.defs.operations.selection import keys_for_sources

        return buildable & keys_for_sources(graph, sources)
    return set(buildable)


def _quiet(run_config: dict) -> dict:
    return {
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
        "resources": run_config["resources"],
    }


def _evaluate_freshness(instance: dg.DagsterInstance, run_config: dict, tags: dict[str, str] | None) -> None:
    """The freshness checks, in a run of their own after each build: they judge the raw store against today,
    not what the build made, so builds (and their reports) leave them out and they run even when nothing did."""
    from pipelines.definitions import defs
    from pipelines.defs.operations.definitions import FRESHNESS_JOB

    defs.resolve_job_def(FRESHNESS_JOB).execute_in_process(
        run_config=_quiet(run_config), instance=instance, raise_on_error=False, tags=tags
    )


def _observe(instance: dg.DagsterInstance, run_config: dict, tags: dict[str, str] | None) -> bool:
    """Records the raw store's state (each raw asset's snapshots and pin) as data versions of its source assets,
    through the observation job, when it differs from what the instance last observed; returns whether it did.
    (An observation that repeats the last one would change nothing Dagster decides.)"""
    from pipelines.definitions import RAW_INPUTS, defs
    from pipelines.defs.operations.definitions import OBSERVE_JOB
    from pipelines.lib.warehouse import Warehouse

    current = {
        o.asset_key: o.data_version.value
        for o in staleness.observations(
            RAW_INPUTS, Warehouse(**run_config["resources"]["warehouse"]["config"])
        )
    }
    last = {}
    for key in current:
        records = instance.fetch_observations(key, limit=1).records
        last[key] = records[0].asset_observation.data_version if records else None
    if last == current:
        return False
    result = defs.resolve_job_def(OBSERVE_JOB).execute_in_process(
        run_config=_quiet(run_config), instance=instance, raise_on_error=False, tags=tags
    )
    if not result.success:
        raise SystemExit("could not observe the raw store; see the run's events in the Dagster instance")
    return True


def _stale(
    instance: dg.DagsterInstance,
    selected: set[dg.AssetKey],
    paths: Paths,
    settings: dict,
    force: bool,
    buildable: set[dg.AssetKey] | None = None,
) -> tuple[set[dg.AssetKey], staleness.Evaluated]:
    """The selected assets this build runs, and Dagster's evaluation (stored when nothing runs; after a run, the
    evaluation that follows it is stored). Dagster evaluates every buildable asset (default: the selected
    ones), so that one requested but left out of a partial build stays requested; an asset that cannot be built
    (no snapshot of its source) is not evaluated, else it would be requested as missing on every evaluation,
    and everything downstream of it with it."""
    from pipelines.definitions import defs

    evaluated = staleness.evaluate(defs, instance, settings, buildable or selected)
    if force or evaluated.first:
        return set(selected), evaluated
    run = evaluated.requested & selected
    # The images a build exports are a setting, not code or data: when it changed, the charts are redone.
    if evaluated.settings_changed:
        run |= {k for k in selected if k.path[0] == "reports"}
    # Dagster's instance cannot see that a table was dropped from the working database (or the database
    # deleted) after it recorded the table materialised: what is gone is rebuilt here.
    run |= staleness.gone(selected - run, defs.resolve_asset_graph(), paths)
    # A build killed during its run left it "started" forever; one killed after its run and before its cursor
    # was stored left it ended but unseen by the cursor. What either built, from the inputs it had then, looks to
    # an evaluation from the cursor before it like any other materialisation: their whole selection is redone.
    run |= _unseen_builds(instance, evaluated.last_run) & selected
    return run, evaluated


KIND_TAG, BUILD_KIND = "migration-evidence/kind", "build"


def _unseen_builds(instance: dg.DagsterInstance, last_run: str | None) -> set[dg.AssetKey]:
    """The assets of the command line's build runs launched after `last_run` (the last one the stored cursor took
    in; every unfinished one when the cursor names none), each unfinished one marked failed. Called under the
    build lock: no other command-line build is running."""
    keys: set[dg.AssetKey] = set()
    unfinished = {dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.NOT_STARTED}
    runs = instance.get_runs(  # newest first
        filters=dg.RunsFilter(tags={KIND_TAG: BUILD_KIND}, statuses=None if last_run else list(unfinished))
    )
    for run in runs:
        if run.run_id == last_run:
            break
        keys |= set(run.asset_selection or ())
        if run.status in unfinished:
            instance.report_run_failed(run, message="the build was killed before its end")
    return keys


def run_build(
    paths: Paths,
    *,
    pins: str = "",
    static_images: bool = True,
    selection: str | None = None,
    ephemeral: bool = False,
    sources: list[str] | None = None,
    force: bool = False,
    instance: dg.DagsterInstance | None = None,
    tags: dict[str, str] | None = None,
) -> tuple[bool, progress.BuildReport]:
    """Builds the selected assets (default: every asset whose source has a snapshot), leaving out those Dagster
    does not request: same code version, same data versions of their inputs (the raw store's snapshots and
    pins, upstream assets) since their last materialisation, and no failed blocking check (unless `force`, or
    on the instance's first build: then everything selected). `report.unchanged` lists what was skipped;
    nothing runs when nothing changed. An ephemeral instance keeps no history: everything selected is built.
    The snapshot freshness checks run after the build, on a persistent instance only (the UI shows them)."""
    from pipelines.definitions import build_job, defs

    progress.REPORT = progress.BuildReport()
    if instance is None:
        instance = (
            dg.DagsterInstance.ephemeral()
            if ephemeral
            else dg.DagsterInstance.from_config(prepare_dagster_home(paths))
        )
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
    report = progress.REPORT
    with build_lock(paths):
        buildable = _buildable(graph, paths)
        selected = _selected(graph, buildable, selection, sources)
        # an ephemeral instance keeps no observation for a later build to compare with, and builds everything
        observed = not instance.is_ephemeral and _observe(instance, run_config, tags)
        run, evaluated = _stale(instance, selected, paths, {"static_images": static_images}, force, buildable)
        unchanged = selected - run
        report.unchanged = sorted(k.to_user_string() for k in unchanged)
        report.nothing_changed = bool(selected) and not run
        if unchanged:
            print(
                f"  = {len(unchanged)} of {len(selected)} assets unchanged since the last build "
                "(same code, snapshots and upstream): skipped",
                file=sys.stderr,
                flush=True,
            )
        if not selected:
            print("nothing to build: the selection names no asset", file=sys.stderr, flush=True)
        if not run:
            # the freshness checks judge the raw store and the working database against the date: with neither
            # changed, a second evaluation on the same day would repeat the first
            today = dt.date.today().isoformat()
            if not instance.is_ephemeral and (observed or evaluated.freshness_checked != today):
                _evaluate_freshness(instance, run_config, tags)
            evaluated.store(freshness_checked=today)
            build_record.write(paths, True, report)
            return True, report
        with working_database_held(paths):
            # Dagster's in-process executor: the steps run one after another in this process, the one that
            # holds the working database open (DuckDB lets one process write to it); each selected asset
            # brings its checks (the freshness checks target the raw store's source assets, never selected)
            result = build_job().execute_in_process(
                asset_selection=sorted(run, key=lambda k: k.to_user_string()),
                run_config=run_config,
                instance=instance,
                raise_on_error=False,
                tags={**(tags or {}), KIND_TAG: BUILD_KIND},
            )
        from pipelines.defs.operations.quarantine import quarantine_run

        report.rejected = [
            f"{r.source}/{r.file}" for r in quarantine_run(paths, instance, result.run_id, graph)
        ]
        ok = (
            result.success
            and not report.failures
            and all(s.get("status") == "ok" for s in report.steps.values())
        )
        # The run ran to its end (succeeded or failed): one more evaluation takes in what it materialised and
        # keeps requested what it left undone (a failed step, what its failure skipped, what the selection left
        # out), and its cursor is stored. Not after a killed build: the next evaluation starts from the
        # previous cursor and sees the killed run's materialisations as changes, so the build is redone.
        # A failed run's cursor is stored too: its quarantine changes the raw store, and Dagster compares a data
        # version with the one of the stored evaluation, not with the one an asset was built from; from an older
        # cursor, a raw table built from a file the run then rejected would look unchanged.
        from pipelines.definitions import defs as location

        after = staleness.evaluate(location, instance, evaluated.settings, buildable, after=evaluated)
        if not instance.is_ephemeral:
            _evaluate_freshness(instance, run_config, tags)
        after.store(freshness_checked=dt.date.today().isoformat(), run_id=result.run_id)
    build_record.write(paths, ok, report)  # for `status`: the outcome, errors and rejections of this build
    return ok, report
