"""The builds shared read-only by many tests (tests/conftest.py: real_everything, sample_everything), each run as
a user would run it (`python -m pipelines.cli` commands in a fresh data directory) in a background process,
started once per test run as soon as the tests are collected, so that no pytest-xdist worker waits idle while
one is built. `python -m tests.shared_builds NAME ROOT` runs one; `start` launches it, `wait` waits for it.

In ROOT: `started` (it was launched), then `build.log` (what the build printed) and `done`, or `failed` with the
end of the output of the command that failed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
WAIT = 1200  # seconds: a shared build takes under a minute on two idle cores


def _real_everything() -> list[list[str]]:
    """Every real snapshot in ../shared/data and the project's published figures, then `build --offline
    --no-images`."""
    shared = SHARED_DATA
    imports = [
        ["iom_mmp", *(str(p) for p in sorted((shared / "mmp").glob("*.csv")))],
        ["unhcr_odp", "--manifest", str(shared / "unhcr" / "manifest.json")],
        ["italy_moi", *(str(shared / "italy_moi" / f)
                        for f in ("sbarchi-per-giorno.csv", "nazionalita.csv", "anagrafica-report.csv"))],
        ["unodc_glotip", *(str(p) for p in sorted((shared / "glotip").glob("*.xlsx")))],
        ["frontex_ibc", *(str(p) for p in sorted((shared / "frontex").glob("*.xlsx")))],
        # fetched on different days: the totals response again on 2026-08-18 (../shared/data/README.md)
        ["eurostat_eipre", str(shared / "eurostat" / "migr_eipre_by_reason_apprehension.json"), "--accessed",
         "2026-05-20"],
        ["eurostat_eipre", str(shared / "eurostat" / "migr_eipre_totals.json"), "--accessed", "2026-08-18"],
        ["published_figures", str(ROOT / "pipelines" / "defs" / "published_figures" / "figures.csv")],
    ]  # fmt: skip
    return [*(["import", *i] for i in imports), ["build", "--offline", "--no-images"]]


def _sample_everything() -> list[list[str]]:
    """`migration-evidence sample` then `build --offline` (static images included), as `make demo` does."""
    return [["sample"], ["build", "--offline"]]


BUILDS = {"real_everything": _real_everything, "sample_everything": _sample_everything}


def run(name: str, root: Path) -> int:
    """Runs the commands of build `name` in ROOT/data (reports in ROOT/reports, Dagster's home in ROOT/dh)."""
    env = dict(os.environ, MIGRATION_DATA_DIR=str(root / "data"), MIGRATION_REPORTS_DIR=str(root / "reports"),
               DAGSTER_HOME=str(root / "dh"))  # fmt: skip
    env.pop("PYTEST_XDIST_WORKER", None)
    for command in BUILDS[name]():
        done = subprocess.run([sys.executable, "-m", "pipelines.cli", *command], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=900)  # fmt: skip
        if done.returncode != 0:
            (root / "failed").write_text(
                f"`{' '.join(command)}` exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}",
                encoding="utf-8",
            )
            return 1
    (root / "build.log").write_text(done.stderr, encoding="utf-8")
    (root / "done").touch()
    return 0


def start(name: str, root: Path) -> None:
    """Launches build `name` into `root` in the background unless this test run already did."""
    from filelock import FileLock

    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root) + ".lock"):
        if (root / "started").exists():
            return
        (root / "started").touch()
        with (root / "builder.out").open("wb") as out:
            builder = subprocess.Popen([sys.executable, "-m", "tests.shared_builds", name, str(root)], cwd=ROOT,
                                       stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        (root / "pid").write_text(str(builder.pid))


def _running(root: Path) -> bool:
    """Whether the builder process of `root` is still alive (not gone, not a zombie)."""
    try:
        stat = Path(f"/proc/{int((root / 'pid').read_text())}/stat").read_text()
    except (OSError, ValueError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait(root: Path) -> str:
    """What the build in `root` printed, once it is done; an AssertionError with its output if it failed."""
    deadline = time.monotonic() + WAIT
    while not (root / "done").exists():
        if (root / "failed").exists():
            raise AssertionError(
                f"shared build in {root} failed: {(root / 'failed').read_text(encoding='utf-8')}"
            )
        if not _running(root) and not (root / "done").exists() and not (root / "failed").exists():
            out = root / "builder.out"
            raise AssertionError(f"shared build in {root} stopped without finishing: "
                                 f"{out.read_text(errors='replace')[-2000:] if out.exists() else ''}")  # fmt: skip
        if time.monotonic() > deadline:
            out = root / "builder.out"
            raise AssertionError(f"shared build in {root} not done after {WAIT} s: "
                                 f"{out.read_text(errors='replace')[-2000:] if out.exists() else ''}")  # fmt: skip
        time.sleep(0.5)
    return (root / "build.log").read_text(encoding="utf-8")


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], Path(sys.argv[2])))
