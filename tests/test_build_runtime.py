"""How a build runs: Dagster's in-process executor runs the steps (the CLI's build and the code location's runs),
a failure or a failed blocking check stops what is downstream of it and nothing else, Ctrl-C ends a run whose
step is still busy, and a run's events are stored in Dagster's own SQLite storage and read back from it."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg

from pipelines.definitions import build_job, defs
from pipelines.defs.operations.checks import CHECK_NAME as FRESHNESS_CHECK
from pipelines.runner import prepare_dagster_home
from pipelines.settings import Paths

PROJECT = Path(__file__).resolve().parents[1]


def _execute(assets, checks=(), instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:  # noqa: ANN001
    """As `runner.run_build` runs a build: the selected assets, with their checks, never raising."""
    job = dg.Definitions(
        assets=list(assets), asset_checks=list(checks)
    ).resolve_implicit_global_asset_job_def()
    return job.execute_in_process(
        asset_selection=[key for a in assets for key in a.keys],
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def test_the_build_runs_the_code_locations_asset_job_in_process() -> None:
    location = defs.resolve_implicit_global_asset_job_def()
    assert location.executor_def is dg.in_process_executor
    assert build_job().name == location.name  # the job "Materialize all" and the automation sensor launch
    graph = defs.resolve_asset_graph()
    materialisable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    # what a build can select carries every check but the snapshot freshness checks, which target the raw
    # store's source assets (never selected) and run in a job of their own after the build
    checks_of_selection = {c for k in materialisable for c in graph.get(k).check_keys}
    assert checks_of_selection == {c for c in graph.asset_check_keys if c.name != FRESHNESS_CHECK}
    freshness = {c for c in graph.asset_check_keys if c.name == FRESHNESS_CHECK}
    assert freshness and not {c.asset_key for c in freshness} & materialisable


def test_a_failure_skips_its_downstream_and_nothing_else() -> None:
    ran: list[str] = []

    @dg.asset
    def broken() -> None:
        raise ValueError("bad row 7")

    @dg.asset(deps=[broken])
    def after_broken() -> None:
        ran.append("after_broken")

    @dg.asset
    def fine() -> None:
        ran.append("fine")

    @dg.asset(deps=[fine])
    def after_fine() -> None:
        ran.append("after_fine")

    result = _execute([broken, after_broken, fine, after_fine])
    assert not result.success
    assert sorted(ran) == ["after_fine", "fine"]
    kinds = {(e.step_key, e.event_type_value) for e in result.all_events if e.step_key}
    assert ("broken", "STEP_FAILURE") in kinds and ("after_broken", "STEP_START") not in kinds
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "bad row 7" in str(failure.step_failure_data.error)


def test_a_failed_blocking_check_stops_what_is_downstream() -> None:
    ran: list[str] = []

    @dg.asset
    def table() -> None:
        pass

    @dg.asset_check(asset=table, blocking=True)
    def table_is_valid() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=False)

    @dg.asset(deps=[table])
    def chart() -> None:
        ran.append("chart")

    @dg.asset
    def other() -> None:
        ran.append("other")

    result = _execute([table, chart, other], [table_is_valid])
    assert not result.success
    assert ran == ["other"]
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR


def test_ctrl_c_ends_a_run_whose_step_is_still_busy(tmp_path: Path) -> None:
    started = tmp_path / "started"
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        import dagster as dg

        @dg.asset
        def slow() -> None:
            Path({str(started)!r}).touch()
            time.sleep(120)

        job = dg.Definitions(assets=[slow]).resolve_implicit_global_asset_job_def()
        result = job.execute_in_process(
            asset_selection=[slow.key], instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
        )
        print("success" if result.success else "failed")
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the step never started"
            time.sleep(0.05)
        interrupted = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert time.monotonic() - interrupted < 15
    assert out.strip() == "failed", out + err
    assert "DagsterExecutionInterruptedError" in err


def test_a_runs_events_are_stored_by_dagsters_own_sqlite_storage(paths: Paths) -> None:
    @dg.asset
    def counted() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"rows": 3})

    @dg.asset_check(asset=counted, blocking=True)
    def counted_check() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    home = Path(prepare_dagster_home(paths))  # the project's dagster.yaml, as the command line uses it
    instance = dg.DagsterInstance.from_config(str(home))
    assert type(instance.run_storage).__module__.startswith("dagster.")
    assert type(instance.event_log_storage).__module__.startswith("dagster.")
    first = _execute([counted], [counted_check], instance)
    second = _execute([counted], [counted_check], instance)
    assert first.success and second.success
    assert (home / "history" / "runs.db").exists()
    assert {p.stem for p in (home / "history" / "runs").glob("*.db")} >= {first.run_id, second.run_id}

    reader = dg.DagsterInstance.from_config(str(home))  # another process would open the same files
    kinds = [r.dagster_event.event_type_value for r in reader.all_logs(second.run_id) if r.dagster_event]
    assert "ASSET_MATERIALIZATION" in kinds and "ASSET_CHECK_EVALUATION" in kinds
    assert [r.dagster_event_type for r in reader.all_logs(second.run_id) if r.is_dagster_event] == [
        r.dagster_event_type for r in instance.all_logs(second.run_id) if r.is_dagster_event
    ]
    latest = reader.get_latest_materialization_event(dg.AssetKey("counted"))
    assert latest is not None and latest.run_id == second.run_id
    assert reader.get_run_by_id(first.run_id).is_success
