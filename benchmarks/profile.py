"""Where a build's time goes: one build from the real snapshots under cProfile (or pyinstrument).

    python -m benchmarks.profile [--scenario full|nochange|source] [--pyinstrument] [--top 40]

Prints the import time of the code location, the time of every step (from the build's progress report,
longest first) and the functions with the most cumulative time; the full profile is saved beside the
benchmark results (reports/benchmarks/profile-<scenario>.prof, readable with `python -m pstats` or snakeviz).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

from benchmarks import data
from benchmarks.run import RESULTS_DIR, STEP, WORK_DIR, child_env


class _Tee(io.StringIO):
    """Keeps a copy of stderr (the build's progress lines) while still printing it."""

    def __init__(self, stream: io.TextIOBase) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(text)
        return super().write(text)


def _build(target: Path, extra: list[str]) -> int:
    from pipelines.cli import main

    return main(
        [
            "--data-dir",
            str(target / "data"),
            "--reports-dir",
            str(target / "reports"),
            "build",
            "--offline",
            *extra,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=("full", "nochange", "source"), default="full")
    parser.add_argument("--source", default="iom_mmp")
    parser.add_argument("--pyinstrument", action="store_true", help="sampling profile (needs pyinstrument)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--work-dir", type=Path, default=WORK_DIR)
    parser.add_argument("--bytecode", choices=("cache", "as-is"), default="cache")
    args = parser.parse_args(argv)
    if args.bytecode == "cache" and os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # as the benchmark's build processes run: with a bytecode cache (see benchmarks.run.child_env)
        env = child_env(args.work_dir)
        os.execve(sys.executable, [sys.executable, "-m", "benchmarks.profile", *sys.argv[1:]], env)
    data.require_shared()
    template = args.work_dir / "template" / "raw"
    if not template.is_dir():
        data.land_all(template)
    target = data.fresh_data_dir(template, args.work_dir / "profile")
    os.environ["DAGSTER_HOME"] = str(args.work_dir / "profile_dagster_home")
    os.environ["MIGRATION_DATA_DIR"] = str(target / "data")
    os.environ["MIGRATION_REPORTS_DIR"] = str(target / "reports")
    if args.scenario != "full":
        assert _build(target, []) == 0, "the preparatory build failed"
    extra = ["--source", args.source, "--force"] if args.scenario == "source" else []

    tee = _Tee(sys.stderr)
    sys.stderr = tee
    started = time.perf_counter()
    import pipelines.definitions  # noqa: F401

    import_seconds = time.perf_counter() - started
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
        profiler.start()
        code = _build(target, extra)
        profiler.stop()
        out = RESULTS_DIR / f"profile-{args.scenario}.html"
        out.write_text(profiler.output_html(), encoding="utf-8")
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    else:
        profiler = cProfile.Profile()
        code = profiler.runcall(_build, target, extra)
        out = RESULTS_DIR / f"profile-{args.scenario}.prof"
        profiler.dump_stats(out)
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(args.top)
        print(buffer.getvalue())
    sys.stderr = tee.stream
    steps = {name: float(seconds) for name, seconds in STEP.findall(tee.getvalue())}
    print(f"\nimport of pipelines.definitions: {import_seconds:.2f}s; build exit code {code}")
    print(f"{len(steps)} steps, {sum(steps.values()):.1f}s in all; longest first (with profiler overhead):")
    for name, seconds in sorted(steps.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {seconds:6.2f}  {name}")
    print(f"profile saved to {out}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
