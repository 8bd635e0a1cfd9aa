"""The threaded executor: steps overlap on threads, Dagster's own rules for failures, blocking checks and skips
hold, the thread count is a setting, and Ctrl-C ends a run whose steps are still busy."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.lib.threaded_executor import THREADS_ENV, build_threads, execute_threaded

PROJECT = Path(__file__).resolve().parents[1]


def _run(assets, checks=(), threads: int = 2, monkeypatch: pytest.MonkeyPatch | None = None):  # noqa: ANN001, ANN202
    if monkeypatch is not None:
        monkeypatch.setenv(THREADS_ENV, str(threads))
    defs = dg.Definitions(assets=list(assets), asset_checks=list(checks))
    job = defs.resolve_implicit_global_asset_job_def()
    return execute_threaded(job, run_config={}, instance=dg.DagsterInstance.ephemeral(), tags=None)


def test_independent_steps_run_at_the_same_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two assets that each wait for the other to arrive can only both succeed if they run at once."""
    barrier = threading.Barrier(2, timeout=20)

    @dg.asset
    def left() -> None:
        barrier.wait()

    @dg.asset
    def right() -> None:
        barrier.wait()

    result = _run([left, right], monkeypatch=monkeypatch)
    assert result.success
    assert {e.step_key for e in result.all_events if e.event_type_value == "STEP_SUCCESS"} == {
        "left",
        "right",
    }


def test_one_thread_runs_one_step_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    lock = threading.Lock()
    active, most = [0], [0]

    def work() -> None:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1

    assets = [dg.asset(name=f"a{i}")(lambda: work()) for i in range(4)]
    assert _run(assets, threads=1, monkeypatch=monkeypatch).success
    assert most[0] == 1
    most[0] = 0
    assert _run(assets, threads=3, monkeypatch=monkeypatch).success
    assert most[0] > 1


def test_a_failure_skips_its_downstream_and_nothing_else(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    @dg.asset
    def broken() -> None:
        raise ValueError("bad row 7")

    @dg.asset(deps=[broken])
    def after_broken() -> None:
        ran.append("after_broken")

    @dg.asset
    def fine() -> None:
        time.sleep(0.2)
        ran.append("fine")

    @dg.asset(deps=[fine])
    def after_fine() -> None:
        ran.append("after_fine")

    assets = [broken, after_broken, fine, after_fine]
    result = _run(assets, monkeypatch=monkeypatch)
    assert not result.success
    assert sorted(ran) == ["after_fine", "fine"]
    kinds = {(e.step_key, e.event_type_value) for e in result.all_events if e.step_key}
    ran.clear()
    in_process = (
        dg.Definitions(assets=assets)
        .resolve_implicit_global_asset_job_def()
        .execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    )
    assert kinds == {(e.step_key, e.event_type_value) for e in in_process.all_events if e.step_key}
    assert ("broken", "STEP_FAILURE") in kinds and ("after_broken", "STEP_START") not in kinds
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "bad row 7" in str(failure.step_failure_data.error)


def test_a_failed_blocking_check_stops_what_is_downstream(monkeypatch: pytest.MonkeyPatch) -> None:
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

    result = _run([table, chart], [table_is_valid], monkeypatch=monkeypatch)
    assert not result.success
    assert ran == []


def test_the_thread_count_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert build_threads() == max(1, min(4, len(os.sched_getaffinity(0))))
    monkeypatch.setenv(THREADS_ENV, "3")
    assert build_threads() == 3
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(THREADS_ENV, bad)
        with pytest.raises(SystemExit, match=THREADS_ENV):
            build_threads()


def test_ctrl_c_ends_a_run_whose_step_is_still_busy(tmp_path: Path) -> None:
    started = tmp_path / "started"
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        import dagster as dg
        from pipelines.lib.threaded_executor import execute_threaded

        @dg.asset
        def slow() -> None:
            Path({str(started)!r}).touch()
            time.sleep(120)

        job = dg.Definitions(assets=[slow]).resolve_implicit_global_asset_job_def()
        result = execute_threaded(job, run_config={{}}, instance=dg.DagsterInstance.ephemeral(), tags=None)
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
    assert "success" not in out
    assert "interrupted while 1 step(s) were running: slow" in out + err
