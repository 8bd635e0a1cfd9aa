"""The kill campaign of test_kills.py: builds (`migration-evidence build --offline --no-images` in a subprocess)
killed with SIGKILL at seeded random moments, each followed by what a reader and the next build find.

It runs in a background thread from the start of the session (conftest.py starts it when test_kills.py is
selected): the builds it kills use one core while the rest of the suite uses the other.

The data directory holds two Missing Migrants snapshots that consecutive builds pin alternately, so every build
changes what is published. One complete build is measured first; then each kill moment is drawn in one of
KILLS equal parts of that duration (in random order), so the moments cover the whole build, its publish
included; a build that finishes before its moment is not counted, and the moments shrink to its duration.
A last kill is aimed at the publish itself: the moment a temporary database appears beside evidence.duckdb."""

from __future__ import annotations

import ast
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

from pipelines.defs.iom_mmp.source import SOURCE as IOM_MMP
from pipelines.lib import raw_store
from pipelines.sample.iom_mmp import sample_csv
from pipelines.settings import Paths, resolve_paths
from tests.conftest import ROOT
from tests.reliability import support

KILLS = 20
MAX_ATTEMPTS = 30  # a build that finishes before its kill moment is not counted as a kill
BUILD_TIMEOUT = 240  # seconds: a complete build that takes longer has hung
DEADLINE = 600  # seconds for the whole campaign
SEED = "kills-2026"


@dataclass
class Campaign:
    root: Path
    paths: Paths = field(init=False)
    pins: tuple[str, str] = ("", "")
    digests: dict[str, str] = field(default_factory=dict)  # pin -> content digest of its build
    duration: float = 0.0
    kills: list[dict] = field(default_factory=list)
    finished_early: int = 0
    final: dict = field(default_factory=dict)
    targeted: dict = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    _thread: threading.Thread | None = None
    _process: subprocess.Popen | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def log(self) -> Path:
        return self.root / "builds.log"

    def start(self) -> Campaign:
        self._thread = threading.Thread(target=self._run, name="kill-campaign", daemon=True)
        self._thread.start()
        return self

    def wait(self) -> None:
        assert self._thread is not None
        self._thread.join(timeout=DEADLINE + 2 * BUILD_TIMEOUT)
        assert not self._thread.is_alive(), "the kill campaign did not finish in time"

    def stop(self) -> None:
        """Ends the campaign early (the session is over): the build under way is killed."""
        self._stop.set()
        process = self._process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        if self._thread is not None:
            self._thread.join(timeout=30)

    # ------------------------------------------------------------------ the campaign

    def _run(self) -> None:
        started = time.monotonic()
        try:
            self._prepare()
            self._campaign(started + DEADLINE)
        except BaseException as exc:  # reported by the test
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.seconds = time.monotonic() - started

    def _prepare(self) -> None:
        """A data directory with two Missing Migrants snapshots: the sample and the sample less 40 rows."""
        self.paths = resolve_paths(self.root / "data", self.root / "reports")
        whole = sample_csv()
        shorter = b"\n".join(whole.rstrip(b"\n").split(b"\n")[:-40]) + b"\n"
        pins = []
        for index, content in enumerate((whole, shorter)):
            file = self.root / "in" / str(index) / "Missing_Migrants_Global_Figures_allData.csv"
            file.parent.mkdir(parents=True)
            file.write_bytes(content)
            landed = raw_store.land(
                self.paths.raw_dir, IOM_MMP, file, arrival="import", accessed=dt.date(2025, 5, 5 + index)
            )
            pins.append(landed.name)
        self.pins = (pins[0], pins[1])

    def _campaign(self, deadline: float) -> None:
        first, second = self.pins
        self.duration = self._complete_build(first)
        self.digests[first] = previous = digest(self.paths)
        published = first
        rng = random.Random(SEED)
        parts = list(range(KILLS))
        rng.shuffle(parts)
        attempt = 0
        while len(self.kills) < KILLS and attempt < MAX_ATTEMPTS and time.monotonic() < deadline:
            if self._stop.is_set():
                return
            # always the snapshot not published: the build has work to do and a new database to publish
            pin = second if published == first else first
            delay = (parts[len(self.kills)] + rng.uniform(0.05, 0.95)) / KILLS * self.duration
            attempt += 1
            started = time.monotonic()
            process = self._start(pin)
            try:
                process.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # its own process group: the build and nothing else
                process.wait()
            else:
                # finished before its moment: builds got quicker than the one measured
                self.finished_early += 1
                self.duration = min(self.duration, time.monotonic() - started)
                assert process.returncode == 0, f"a build failed; see {self.log}"
                self.digests.setdefault(pin, digest(self.paths))
                previous, published = self.digests[pin], pin
                continue
            outcome = self._after_kill(previous, pin, delay)
            self.kills.append(outcome)
            previous = outcome["digest"]
            published = pin if outcome["published"] == "new" else published
        # one more kill, aimed: the moment the publish has started writing the new database beside the old one
        pin = second if published == first else first
        self.targeted = self._kill_during_publish(pin, previous)
        if self.targeted.get("published") == "new":
            published = pin
        # the next build runs to the end without cleanup by hand and publishes exactly its snapshot's content
        final = second if published == first else first
        self._complete_build(final)
        found = digest(self.paths)
        expected = self.digests.setdefault(final, found)
        self.final = {
            "pin": final,
            "same_as_before": found == expected,
            "lock_free": support.lock_is_free(self.paths),
            "temporaries": support.stale_temporaries(self.paths),
        }
        if found != expected:
            self.final["differs"] = differing(expected, found)

    def _kill_during_publish(self, pin: str, previous: str) -> dict:
        """Kills the build as soon as a temporary database appears beside evidence.duckdb (polled every 5 ms)."""
        process = self._start(pin)
        started, seen = time.monotonic(), False
        while process.poll() is None and time.monotonic() - started < BUILD_TIMEOUT:
            if support.stale_temporaries(self.paths):
                os.killpg(process.pid, signal.SIGKILL)
                seen = True
                break
            time.sleep(0.005)
        process.wait()
        if not seen:
            return {"ok": True, "missed": True}  # the publish was quicker than the polling: nothing to check
        outcome = self._after_kill(previous, pin, time.monotonic() - started)
        return outcome | {"missed": False}

    @property
    def final_ok(self) -> bool:
        return (
            bool(self.final)
            and self.final["same_as_before"]
            and self.final["lock_free"]
            and not self.final["temporaries"]
        )

    def _start(self, pin: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "pipelines.cli", "--data-dir", str(self.paths.data_dir), "--reports-dir",
                   str(self.paths.reports_dir), "build", "--offline", "--no-images", "--snapshot", f"iom_mmp={pin}"]  # fmt: skip
        with open(self.log, "ab") as handle:
            self._process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=support.child_env(self.paths),
                stdout=handle,
                stderr=handle,
                start_new_session=True,
            )
        return self._process

    def _complete_build(self, pin: str) -> float:
        started = time.monotonic()
        process = self._start(pin)
        try:
            code = process.wait(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise AssertionError(f"a build did not finish in {BUILD_TIMEOUT}s; see {self.log}") from None
        assert code == 0, f"a build failed ({code}); see {self.log}"
        return time.monotonic() - started

    def _after_kill(self, previous: str, pin: str, delay: float) -> dict:
        """What a reader and the next build find after the kill."""
        outcome: dict = {"delay": round(delay, 2), "pin": pin}
        con = duckdb.connect(str(self.paths.published_db), read_only=True)  # raises if it does not open
        con.close()
        found = digest(self.paths)
        expected_new = self.digests.get(pin)
        if found == previous:
            outcome["published"] = "previous"
        elif expected_new is None or found == expected_new:
            self.digests.setdefault(pin, found)
            outcome["published"] = "new"
        else:
            outcome["published"] = "neither"
            outcome["differs"] = differing(previous, found)
        outcome["digest"] = found
        outcome["lock_free"] = support.lock_is_free(self.paths)
        outcome["temporaries"] = support.stale_temporaries(self.paths)
        outcome["parquet_readable"] = parquet_readable(self.paths)
        outcome["ok"] = (
            outcome["published"] != "neither" and outcome["lock_free"] and outcome["parquet_readable"]
        )
        return outcome


def digest(paths: Paths) -> str:
    """The content of every curated and staging table (build times left out)."""
    digests = support.table_digests(paths.published_db, schemas=("curated", "staging"))
    return repr(sorted(digests.items()))


def differing(expected: str, found: str) -> list[str]:
    before, after = dict(ast.literal_eval(expected)), dict(ast.literal_eval(found))
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


def parquet_readable(paths: Paths) -> bool:
    con = duckdb.connect()
    try:
        # the published files; a killed export's hidden temporaries (".<table>.<id>.parquet") are the next
        # publish's to remove, and no reader is pointed at them
        for file in sorted((paths.curated_dir / "parquet").glob("[!.]*.parquet")):
            con.execute("select count(*) from read_parquet(?)", [str(file)]).fetchall()
        return True
    finally:
        con.close()
