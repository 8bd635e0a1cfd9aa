"""Runs one command in a subprocess and measures its wall time and peak memory, children included.

Peak memory is measured three ways, sampled from /proc every SAMPLE_SECONDS over the whole process tree (the
command, the Chromium processes kaleido starts, …):
- `peak_pss_mb`: the largest sum of proportional set size (Pss in /proc/<pid>/smaps_rollup): each page shared
  by n processes counts 1/n in each, so the sum is the memory the tree occupies. The goals are judged on it.
  Reading it costs the kernel about 2 ms a process, so it is sampled every PSS_EVERY-th sample and whenever the
  resident sum has grown 2 % since the last PSS sample, which keeps the sampler's own load to a few percent.
- `peak_rss_mb`: the largest sum of resident memory. Pages shared between processes (Chromium's renderer,
  GPU and utility processes share most of theirs) count once per process, so this is an upper bound.
- `max_process_rss_mb`: the largest single process, exact (`ru_maxrss` from wait4, i.e. what
  `getrusage(RUSAGE_CHILDREN)` reports for this child and its waited-for descendants).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.05
PSS_EVERY = 10
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measurement:
    seconds: float
    peak_rss_mb: float
    max_process_rss_mb: float
    peak_pss_mb: float
    returncode: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    log: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                found += [int(c) for c in handle.read().split()]
        except OSError:
            continue
    return found


def _pss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def tree_memory_bytes(root: int, proportional: bool = True) -> tuple[int, int]:
    """(resident, proportional) memory of `root` and every descendant, from /proc/<pid>/statm and smaps_rollup
    (the proportional figure is 0 when not asked for: reading it costs about 2 ms a process)."""
    rss, pss, stack, seen = 0, 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/statm") as handle:
                rss += int(handle.read().split()[1]) * PAGE
            if proportional:
                pss += _pss_bytes(pid)
        except (OSError, IndexError, ValueError):
            continue
        stack += _children(pid)
    return rss, pss


def run_measured(
    command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, log: Path | None = None
) -> Measurement:
    """Runs `command` to completion; its stdout and stderr go to `log` (or are discarded)."""
    load_before = os.getloadavg()
    sink = open(log, "w") if log else open(os.devnull, "w")  # noqa: SIM115
    try:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT)
        peak, peak_pss, samples, measured_at = 0, 0, 0, 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            rss, _ = tree_memory_bytes(process.pid, proportional=False)
            samples += 1
            # the resident sum every sample (well under 1 ms); PSS (about 16 ms with Chromium's processes) every
            # PSS_EVERY-th sample, and whenever the resident sum has grown 2 % past the last PSS sample's
            if rss > 1.02 * measured_at or samples % PSS_EVERY == 0:
                peak_pss, measured_at = max(peak_pss, tree_memory_bytes(process.pid)[1]), rss
            peak = max(peak, rss)
            time.sleep(SAMPLE_SECONDS)
        seconds = time.perf_counter() - start
    finally:
        sink.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    max_rss = usage.ru_maxrss * 1024  # kilobytes on Linux
    return Measurement(
        seconds=seconds,
        peak_rss_mb=max(peak, max_rss) / 2**20,
        max_process_rss_mb=max_rss / 2**20,
        peak_pss_mb=peak_pss / 2**20,
        returncode=process.returncode,
        load_before=load_before,
        load_after=os.getloadavg(),
        log=str(log) if log else "",
    )


def summary(values: list[float]) -> dict:
    """Median, min, max and the values themselves."""
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0, "values": []}
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "values": values,
    }


def summarise_runs(runs: list[Measurement]) -> dict:
    ok = [r for r in runs if r.returncode == 0]
    return {
        "seconds": summary([r.seconds for r in ok]),
        "peak_rss_mb": summary([r.peak_rss_mb for r in ok]),
        "max_process_rss_mb": summary([r.max_process_rss_mb for r in ok]),
        "peak_pss_mb": summary([r.peak_pss_mb for r in ok]),
        "load_1min": summary([r.load_before[0] for r in runs]),
        "failed_runs": [r.log for r in runs if r.returncode != 0],
        "runs": [r.as_dict() for r in runs],
    }
