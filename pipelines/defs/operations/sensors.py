"""One sensor per source: a cheap HEAD request per file notices a new vintage on the publisher's server and
requests a refresh_and_build run for that source only. After a refresh run, `build_after_refresh` requests an
observation of the raw store, and the automation sensor requests what changed (the build)."""

import hashlib
import json
import os
import warnings

import dagster as dg

from pipelines.defs.operations.config import cadence
from pipelines.defs.operations.jobs import PARENT_TAG, refresh_and_build
from pipelines.defs.operations.selection import SOURCES_TAG, refresh_run_config
from pipelines.defs.operations.vintage import look
from pipelines.lib.warehouse import Warehouse


def sensor_name(source: str) -> str:
    return f"{source}_new_vintage"


def new_vintage_sensor(source: str) -> dg.SensorDefinition:
    every = cadence(source).check_every_hours

    @dg.sensor(
        name=sensor_name(source),
        job=refresh_and_build,
        minimum_interval_seconds=every * 3600,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description=(
            f"Every {every} h, asks the {source} server (HEAD: ETag, Last-Modified or Content-Length) whether "
            f"a file changed since its newest snapshot; if so, requests refresh_and_build for {source} only."
        ),
    )
    def _sensor(context: dg.SensorEvaluationContext, warehouse: Warehouse) -> dg.SensorResult | dg.SkipReason:
        from pipelines.lib.sources import registry

        if os.environ.get("MIGRATION_OFFLINE") == "1":
            return dg.SkipReason("offline mode (MIGRATION_OFFLINE=1): the server was not asked")
        info = registry().get(source)
        if info is None or not info.download_list():
            return dg.SkipReason(f"{source}: no download address configured")
        cursor = json.loads(context.cursor) if context.cursor else {}
        found = look(warehouse.paths(), info, cursor)
        for problem in found.errors:
            context.log.warning(problem)
        if not found.changed:
            undecidable = [
                f"{source}: {e}: the server gives no ETag, Last-Modified or length" for e in found.undecidable
            ]
            reasons = found.errors + undecidable
            unchanged = f"{source}: no new vintage ({len(found.unchanged)} file(s) unchanged)"
            return dg.SkipReason("; ".join(reasons) or unchanged)
        version = hashlib.sha256(json.dumps(found.seen, sort_keys=True).encode()).hexdigest()[:16]
        request = dg.RunRequest(
            run_key=f"{source}:{version}",
            run_config=refresh_run_config([source]),
            tags={SOURCES_TAG: source, "migration-evidence/changed": ",".join(found.changed)},
        )
        return dg.SensorResult(
            run_requests=[request], cursor=json.dumps({**cursor, **found.seen}, sort_keys=True)
        )

    return _sensor


def build_after_refresh_sensor(observe_job: object) -> dg.RunStatusSensorDefinition:
    """When a refresh run succeeds: an observation of the raw store, so that the automation sensor sees the new
    snapshots' data versions and requests what depends on them."""

    @dg.run_status_sensor(
        name="build_after_refresh",
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[refresh_and_build],
        request_job=observe_job,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description=(
            "After a successful refresh_and_build run: observes the raw store (observe_snapshots), after which "
            "the automation sensor builds what the new snapshots change."
        ),
    )
    def _sensor(context: dg.RunStatusSensorContext) -> dg.RunRequest:
        run = context.dagster_run
        return dg.RunRequest(
            run_key=f"observe-after:{run.run_id}",
            tags={PARENT_TAG: run.run_id, SOURCES_TAG: run.tags.get(SOURCES_TAG, "all")},
        )

    return _sensor


@dg.run_failure_sensor(
    name="quarantine_failed_inputs",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "When a build fails a blocking check, however it was launched (the UI's Materialize all, the automation "
        "sensor, a schedule): marks rejected the new snapshots behind the failed checks, so that the next build "
        "goes back to the previous good snapshot (`migration-evidence build` does the same at the end of its run)."
    ),
)
def quarantine_sensor(context: dg.RunFailureSensorContext, warehouse: Warehouse) -> None:
    from pipelines.defs.operations.quarantine import quarantine_run

    run = context.dagster_run
    # the run's own data directory when its run config names one, else the code location's
    configured = ((run.run_config or {}).get("resources", {}).get("warehouse", {}) or {}).get("config", {})
    place = (
        Warehouse(**{k: v for k, v in configured.items() if k in ("data_dir", "reports_dir")})
        if configured
        else warehouse
    )
    graph = context.repository_def.asset_graph if context.repository_def else None
    if graph is None:
        context.log.warning(f"run {run.run_id}: no asset graph to trace its inputs; nothing marked rejected")
        return
    for rejection in quarantine_run(place.paths(), context.instance, run.run_id, graph):
        context.log.info(f"marked rejected: {rejection.reason}")


# Declared so that it is stopped until switched on in the UI, as every other sensor and schedule: with the
# daemon running it evaluates `staleness.CONDITION` and launches the code location's asset job with what it
# requests, as `migration-evidence build` does.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)  # raised by Dagster's own constructor (its `owners`)
    automation_sensor = dg.AutomationConditionSensorDefinition(
        "default_automation_condition_sensor",
        target=dg.AssetSelection.all(),
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Requests the assets whose snapshots, code or inputs changed, in the code location's asset job.",
    )
