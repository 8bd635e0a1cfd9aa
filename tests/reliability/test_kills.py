"""Builds killed with SIGKILL at random moments: afterwards the published database opens, holds exactly the previous
or the new build, the build lock is free, and the next build succeeds without any cleanup by hand.

Two workers run side by side (the machine has two cores), each on its own data directory holding two Missing
Migrants snapshots; consecutive builds pin them alternately, so every build changes what is published. Each
worker measures one complete build, then kills ten builds after a delay drawn (seeded) in each tenth of that
duration, then runs one build to the end."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from pipelines.defs.iom_mmp.source import SOURCE as IOM_MMP
from pipelines.lib import raw_store
from pipelines.sample.iom_mmp import sample_csv
from pipelines.settings import Paths, resolve_paths
from tests.conftest import ROOT
from tests.reliability import support
from tests.reliability.conftest import Recorder

pytestmark = pytest.mark.reliability

WORKERS = 2
KILLS_PER_WORKER = 10
MAX_ATTEMPTS = 16  # per worker: a build that finishes before its kill moment is not counted as a kill
BUILD_TIMEOUT = 240  # seconds: a complete build that takes longer has hung
WORKER_DEADLINE = 420  # seconds for one worker's whole sequence


@dataclass
class Worker:
    name: str
    paths: Paths
    pins: tuple[str, str]
    digests: dict[str, str] = field(default_factory=dict)  # pin -> content digest of its build
    duration: float = 0.0
    kills: list[dict] = field(default_factory=list)
    finished_early: int = 0
    final_ok: bool = False
    error: str | None = None


def _prepare(root: Path, name: str) -> Worker:
    """A data directory with two Missing Migrants snapshots: the sample and the sample less its last 40 rows."""
    paths = resolve_paths(root / "data", root / "reports")
    whole = sample_csv()
    shorter = b"\n".join(whole.rstrip(b"\n").split(b"\n")[:-40]) + b"\n"
    pins = []
    for index, content in enumerate((whole, shorter)):
        file = root / "in" / str(index) / "Missing_Migrants_Global_Figures_allData.csv"
        file.parent.mkdir(parents=True)
        file.write_bytes(content)
        landed = raw_store.land(
            paths.raw_dir, IOM_MMP, file, arrival="import", accessed=dt.date(2025, 5, 5 + index)
        )
        pins.append(landed.name)
    return Worker(name, paths, (pins[0], pins[1]))


def _command(worker: Worker, pin: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", "--data-dir", str(worker.paths.data_dir), "--reports-dir",
            str(worker.paths.reports_dir), "build", "--offline", "--no-images", "--snapshot", f"iom_mmp={pin}"]  # fmt: skip


def _start(worker: Worker, pin: str, log: Path) -> subprocess.Popen:
    with open(log, "ab") as handle:
        return subprocess.Popen(
            _command(worker, pin),
            cwd=ROOT,
            env=support.child_env(worker.paths),
            stdout=handle,
            stderr=handle,
            start_new_session=True,  # its own process group: the kill reaches the build and nothing else
        )


def _digest(paths: Paths) -> str:
    digests = support.table_digests(paths.published_db, schemas=("curated", "staging"))
    return repr(sorted(digests.items()))


def _complete_build(worker: Worker, pin: str, log: Path) -> float:
    started = time.monotonic()
    process = _start(worker, pin, log)
    try:
        code = process.wait(timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise AssertionError(f"{worker.name}: a build did not finish in {BUILD_TIMEOUT}s") from None
    assert code == 0, f"{worker.name}: build failed ({code}); see {log}"
    return time.monotonic() - started


def _parquet_readable(paths: Paths) -> bool:
    con = duckdb.connect()
    try:
        for file in sorted((paths.curated_dir / "parquet").glob("*.parquet")):
            con.execute("select count(*) from read_parquet(?)", [str(file)]).fetchall()
        return True
    finally:
        con.close()


def _after_kill(worker: Worker, previous: str, pin: str, delay: float) -> dict:
    """What a reader and the next build find after the kill."""
    outcome = {"delay": round(delay, 2), "pin": pin}
    con = duckdb.connect(str(worker.paths.published_db), read_only=True)  # raises if it does not open
    con.close()
    found = _digest(worker.paths)
    expected_new = worker.digests.get(pin)
    if found == previous:
        outcome["published"] = "previous"
    elif expected_new is None or found == expected_new:
        worker.digests.setdefault(pin, found)
        outcome["published"] = "new"
    else:
        outcome["published"] = "neither"
    outcome["digest"] = found
    outcome["lock_free"] = support.lock_is_free(worker.paths)
    outcome["temporaries"] = support.stale_temporaries(worker.paths)
    outcome["parquet_readable"] = _parquet_readable(worker.paths)
    outcome["ok"] = outcome["published"] != "neither" and outcome["lock_free"] and outcome["parquet_readable"]
    return outcome


def _run(worker: Worker, seed: str, log: Path) -> None:
    try:
        deadline = time.monotonic() + WORKER_DEADLINE
        first, second = worker.pins
        worker.duration = _complete_build(worker, first, log)
        worker.digests[first] = previous = _digest(worker.paths)
        rng = random.Random(seed)
        # one moment in each tenth of the measured duration, in random order: spread over the whole build,
        # its last tenth (the publish and what follows) included
        strata = list(range(KILLS_PER_WORKER))
        rng.shuffle(strata)
        attempt = 0
        while len(worker.kills) < KILLS_PER_WORKER and attempt < MAX_ATTEMPTS and time.monotonic() < deadline:
            pin = (second, first)[attempt % 2]
            stratum = strata[attempt % KILLS_PER_WORKER]
            delay = (stratum + rng.uniform(0.05, 0.95)) / KILLS_PER_WORKER * worker.duration
            attempt += 1
            process = _start(worker, pin, log)
            try:
                process.wait(timeout=delay)
                worker.finished_early += 1  # finished before its kill moment: the new build is published
                assert process.returncode == 0, f"{worker.name}: build failed; see {log}"
                worker.digests.setdefault(pin, _digest(worker.paths))
                previous = worker.digests[pin]
                continue
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            outcome = _after_kill(worker, previous, pin, delay)
            worker.kills.append(outcome)
            previous = outcome["digest"]
        # the next build runs to the end without cleanup by hand, and publishes exactly its snapshot's content
        final = (second, first)[attempt % 2]
        _complete_build(worker, final, log)
        found = _digest(worker.paths)
        expected = worker.digests.setdefault(final, found)
        worker.final_ok = (
            found == expected
            and support.lock_is_free(worker.paths)
            and support.stale_temporaries(worker.paths) == []
        )
    except BaseException as exc:  # reported by the test thread
        worker.error = f"{type(exc).__name__}: {exc}"


def test_builds_killed_at_random_moments_leave_a_usable_database(tmp_path: Path, recorder: Recorder) -> None:
    workers = [_prepare(tmp_path / f"worker{i}", f"worker{i}") for i in range(WORKERS)]
    threads = [
        threading.Thread(target=_run, args=(w, f"kills-{w.name}", tmp_path / f"{w.name}.log"), daemon=True)
        for w in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WORKER_DEADLINE + BUILD_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a worker did not finish in time"
    for worker in workers:
        for index, kill in enumerate(worker.kills):
            with recorder.case("kills", f"{worker.name}-{index}"):
                assert kill["ok"] and worker.final_ok, (worker.name, kill, worker.error)
    kills = [k for w in workers for k in w.kills]
    recorder.figures["kills"] = (
        f"{len(kills)} SIGKILLs over builds of {', '.join(f'{w.duration:.1f}s' for w in workers)}: "
        f"{sum(k['published'] == 'previous' for k in kills)} left the previous database, "
        f"{sum(k['published'] == 'new' for k in kills)} the new one; "
        f"{sum(bool(k['temporaries']) for k in kills)} left temporaries the next publish removed; "
        f"{sum(w.finished_early for w in workers)} builds finished before their kill moment"
    )
    for worker in workers:
        assert worker.error is None, f"{worker.name}: {worker.error}"
        assert worker.final_ok, f"{worker.name}: the build after the kills did not publish cleanly"
        assert len(worker.kills) == KILLS_PER_WORKER, f"{worker.name}: only {len(worker.kills)} kills"
        bad = [k for k in worker.kills if not k["ok"]]
        assert bad == [], bad
