"""The benchmark: `python -m benchmarks.run` (`make bench`).

Builds from the real snapshots in ../shared/data into a temporary data directory, each build a
`migration-evidence build --offline` in its own process (interpreter start and imports included, as a user
sees it), and prints medians of several runs with min and max:

- full rebuild from raw: all sources, checks, curated tables, every chart in every format, the brief, publish;
- no-change rebuild: the same command again with nothing changed;
- single-source rebuild: `build --source SOURCE --force` (the source's group and everything downstream);
- the peer script (benchmarks/peer.py), run alternately with the pipeline, and the ratio pipeline/peer;
- peak memory of each build (process tree, Chromium included);
- typical curated queries on the published evidence.duckdb (milliseconds, median of many runs);
- scale: the full rebuild with the MMP incidents ×1, ×10, ×100 (benchmarks/scale.py);
- the UI: seconds until `dagster-webserver` answers the asset graph (benchmarks/ui.py).

Results are also written to reports/benchmarks/<timestamp>.json and reports/benchmarks/latest.json.
The machine is shared: every measurement records the load average before it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks import data, machine
from benchmarks import measure as m
from pipelines.settings import PROJECT_ROOT

RESULTS_DIR = PROJECT_ROOT / "reports" / "benchmarks"
WORK_DIR = Path(tempfile.gettempdir()) / "migration-evidence-bench"
GOALS = {  # issue 17's goals (the full rebuild's and the queries' from earlier ones)
    "full_rebuild_seconds": 15.0,
    "ratio_to_peer": 0.6,
    "nochange_seconds": 3.0,
    "x100_seconds": 45.0,
    "x100_peak_mb": 1536.0,
    "query_ms": 50.0,
    "ui_seconds": 10.0,
}
STEP = re.compile(r"✔ (\S+) \(([\d.]+)s")
SUMMARY = re.compile(r"Summary: (\d+)/(\d+) steps succeeded.*?([\d.]+)s$", re.M)


def default_work_dir() -> Path:
    return WORK_DIR


def child_env(work_dir: Path, bytecode: str = "cache") -> dict[str, str]:
    """The build processes' environment. With bytecode="cache", Python keeps compiled modules in a private
    cache (PYTHONPYCACHEPREFIX), as any install does after its first run; "as-is" keeps this shell's setting
    (PYTHONDONTWRITEBYTECODE=1 with no .pyc installed means every process compiles every module again)."""
    env = dict(os.environ)
    for name in ("MIGRATION_DATA_DIR", "MIGRATION_REPORTS_DIR", "DAGSTER_HOME"):
        env.pop(name, None)
    if bytecode == "cache":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work_dir / "pycache")
    return env


def build_command(target: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "pipelines.cli", "--data-dir", str(target / "data"),
        "--reports-dir", str(target / "reports"), "build", "--offline", *extra,
    ]  # fmt: skip


def _with_home(env: dict[str, str], work_dir: Path, name: str) -> dict[str, str]:
    """One persistent Dagster instance per target directory, outside it (as an analyst's instance persists)."""
    return {**env, "DAGSTER_HOME": str(work_dir / "dagster_home" / name)}


def cli_supports(*flags: str) -> bool:
    from pipelines.cli import parser

    try:
        with contextlib.redirect_stderr(io.StringIO()):
            parser().parse_args(["build", *flags])
    except SystemExit:
        return False
    return True


def single_source_command(target: Path, source: str) -> tuple[list[str], str]:
    if cli_supports("--source", source):
        extra = ["--source", source] + (["--force"] if cli_supports("--force") else [])
        return build_command(target, *extra), "migration-evidence build --offline " + " ".join(extra)
    code = (
        "import sys, dagster as dg; from pipelines.definitions import defs; from pipelines.runner import run_build; "
        "from pipelines.settings import resolve_paths; g = defs.resolve_asset_graph(); "
        f"keys = dg.AssetSelection.groups({source!r}).downstream().resolve(g); "
        "sel = ' or '.join(f'key:\"{k.to_user_string()}\"' for k in sorted(keys, key=str)); "
        "p = resolve_paths(sys.argv[1] + '/data', sys.argv[1] + '/reports'); "
        "sys.exit(0 if run_build(p, selection=sel)[0] else 1)"
    )
    return [sys.executable, "-c", code, str(target)], f"run_build(selection=group {source} and downstream)"


def parse_log(path: Path) -> dict:
    text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    steps = {name: float(seconds) for name, seconds in STEP.findall(text)}
    found = SUMMARY.findall(text)
    info = {
        "steps_run": len(steps),
        "slowest_steps": dict(sorted(steps.items(), key=lambda kv: -kv[1])[:12]),
        "nothing_changed": "Nothing changed since the last build" in text,
    }
    unchanged = re.search(r"= (\d+) of (\d+) assets unchanged", text)
    if unchanged:
        info["assets_unchanged"] = f"{unchanged.group(1)} of {unchanged.group(2)}"
    if found:
        info["in_run_build_seconds"] = float(found[-1][2])
    return info


def outputs(target: Path) -> dict:
    charts = target / "reports" / "charts"
    return {
        "charts": len([p for p in charts.iterdir() if p.is_dir()]) if charts.is_dir() else 0,
        "png": len(list(charts.glob("*/*.png"))),
        "svg": len(list(charts.glob("*/*.svg"))),
        "brief": (target / "reports" / "index.html").is_file(),
        "published_db": (target / "data" / "curated" / "evidence.duckdb").is_file(),
    }


class Bench:
    def __init__(self, work_dir: Path, env: dict[str, str], source: str) -> None:
        self.work_dir, self.env, self.source = work_dir, env, source
        self.template = work_dir / "template" / "raw"
        self.target = work_dir / "main"
        self.logs = work_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.single_cmd, self.single_label = single_source_command(self.target, source)

    def _run(self, label: str, command: list[str], index: int) -> m.Measurement:
        log = self.logs / f"{label}_{index}.log"
        result = m.run_measured(command, env=_with_home(self.env, self.work_dir, "main"), log=log)
        result.extra = parse_log(log)
        state = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode}, see {log})"
        print(
            f"  {label:<14} {result.seconds:6.1f}s  peak {result.peak_pss_mb:5.0f} MB (rss sum {result.peak_rss_mb:.0f})  "
            f"load {result.load_before[0]:.2f}  {state}",
            flush=True,
        )
        return result

    def pipeline(self, index: int) -> dict[str, m.Measurement]:
        if not self.target.exists():
            data.fresh_data_dir(self.template, self.target)
        data.clear_outputs(self.target)
        full = self._run("full", build_command(self.target), index)
        full.extra["outputs"] = outputs(self.target)
        nochange = self._run("no-change", build_command(self.target), index)
        single = self._run(f"source {self.source}", self.single_cmd, index)
        return {"full": full, "nochange": nochange, "single_source": single}

    def peer(self, index: int) -> m.Measurement:
        out = self.work_dir / "peer_out"
        shutil.rmtree(out, ignore_errors=True)
        log = self.logs / f"peer_{index}.log"
        result = m.run_measured([sys.executable, "-m", "benchmarks.peer", str(out)], env=self.env, log=log)
        phases = re.findall(r'^\{"peer_phases".*$', log.read_text(encoding="utf-8"), re.M)
        result.extra = json.loads(phases[-1]) if phases else {}
        state = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode}, see {log})"
        print(
            f"  {'peer':<14} {result.seconds:6.1f}s  peak {result.peak_pss_mb:5.0f} MB (rss sum {result.peak_rss_mb:.0f})  "
            f"load {result.load_before[0]:.2f}  {state}",
            flush=True,
        )
        return result


def _fmt(stat: dict, unit: str = "s", digits: int = 1) -> str:
    if stat["median"] is None:
        return "failed"
    return (
        f"{stat['median']:.{digits}f} {unit} (min {stat['min']:.{digits}f}, max {stat['max']:.{digits}f}, "
        f"n={stat['n']})"
    )


def _verdict(value: float | None, goal: float) -> str:
    if value is None:
        return "NOT MEASURED"
    return "met" if value <= goal else "NOT MET"


def print_scale(results: dict, mmp_only: bool = False) -> None:
    what = "MMP alone" if mmp_only else "MMP scaled, other sources unchanged"
    print(f"\nScale (full rebuild from raw, {what}):")
    for name, result in results.items():
        print(
            f"  {name:>5}: {result['incidents']:>9,} incidents ({result['mmp_file_mb']:.0f} MiB CSV): "
            f"{_fmt(result['seconds'])}; peak {_fmt(result['peak_pss_mb'], 'MB', 0)}; "
            f"rss sum {result['peak_rss_mb']['median'] or 0:.0f} MB, largest process "
            f"{result['max_process_rss_mb']['median'] or 0:.0f} MB"
        )


def report(results: dict) -> list[str]:
    """The figures and each goal's verdict, as printed lines."""
    full, nochange, single, peer = (results[k] for k in ("full", "nochange", "single_source", "peer"))
    queries = results.get("queries") or {}
    worst_query = max((q["median_ms"] for q in queries.values()), default=None)
    ratio = results.get("ratio") or {}
    x100 = (results.get("scale") or {}).get("x100")
    lines = [
        f"Machine: {machine.one_line(results['machine'])}",
        f"Bytecode: {results['settings']['bytecode']}; runs: {results['settings']['runs']}",
        "",
        f"full rebuild from raw      {_fmt(full['seconds'])}   goal ≤ {GOALS['full_rebuild_seconds']:.0f} s: "
        f"{_verdict(full['seconds']['median'], GOALS['full_rebuild_seconds'])}",
        f"no-change rebuild          {_fmt(nochange['seconds'])}   goal ≤ {GOALS['nochange_seconds']:.0f} s: "
        f"{_verdict(nochange['seconds']['median'], GOALS['nochange_seconds'])}",
        f"single-source rebuild      {_fmt(single['seconds'])}   ({results['settings']['single_source']})",
        f"peer script                {_fmt(peer['seconds'])}",
        f"ratio pipeline/peer        {ratio.get('of_medians') or float('nan'):.2f} (paired runs: "
        f"{', '.join(f'{r:.2f}' for r in ratio.get('paired', []))})   goal ≤ {GOALS['ratio_to_peer']}: "
        f"{_verdict(ratio.get('of_medians'), GOALS['ratio_to_peer'])}",
        f"peak memory, full rebuild  {_fmt(full['peak_pss_mb'], 'MB', 0)} (process tree incl. Chromium, PSS; "
        f"rss sum {full['peak_rss_mb']['median'] or 0:.0f} MB, "
        f"largest process {full['max_process_rss_mb']['median'] or 0:.0f} MB)",
        f"peak memory, peer          {_fmt(peer['peak_pss_mb'], 'MB', 0)} (rss sum "
        f"{peer['peak_rss_mb']['median'] or 0:.0f} MB)",
        f"load average (1 min) before runs: {_fmt(full['load_1min'], '', 2)}",
        "",
        "curated queries on evidence.duckdb (median of "
        f"{next(iter(queries.values()))['runs'] if queries else 0} runs; cold = open + first run):",
    ]
    for name, q in queries.items():
        lines.append(
            f"  {name:<38} {q['median_ms']:7.2f} ms (min {q['min_ms']:.2f}, max {q['max_ms']:.2f}; "
            f"cold {q['cold_ms']:.1f} ms; {q['rows']} rows)"
        )
    lines.append(
        f"  slowest median {worst_query if worst_query is not None else float('nan'):.2f} ms   "
        f"goal ≤ {GOALS['query_ms']:.0f} ms: {_verdict(worst_query, GOALS['query_ms'])}"
    )
    shown = results.get("ui")
    if shown:
        lines.append(
            f"UI shows the asset graph   {_fmt(shown)}   goal ≤ {GOALS['ui_seconds']:.0f} s: "
            f"{_verdict(shown['median'], GOALS['ui_seconds'])}"
        )
    if x100:
        lines.append(
            f"×100 rebuild               {_fmt(x100['seconds'])}, peak {_fmt(x100['peak_pss_mb'], 'MB', 0)} "
            f"(PSS; rss sum {x100['peak_rss_mb']['median'] or 0:.0f} MB)   "
            f"goal ≤ {GOALS['x100_seconds']:.0f} s: {_verdict(x100['seconds']['median'], GOALS['x100_seconds'])}, "
            f"≤ {GOALS['x100_peak_mb']:.0f} MB: {_verdict(x100['peak_pss_mb']['median'], GOALS['x100_peak_mb'])}"
        )
    return lines


def goals(results: dict) -> dict:
    x100 = (results.get("scale") or {}).get("x100")
    queries = results.get("queries") or {}
    worst = max((q["median_ms"] for q in queries.values()), default=None)
    checks = {
        "full_rebuild_seconds": results["full"]["seconds"]["median"],
        "ratio_to_peer": (results.get("ratio") or {}).get("of_medians"),
        "nochange_seconds": results["nochange"]["seconds"]["median"],
        "x100_seconds": x100["seconds"]["median"] if x100 else None,
        "x100_peak_mb": x100["peak_pss_mb"]["median"] if x100 else None,
        "query_ms": worst,
        "ui_seconds": (results.get("ui") or {}).get("median"),
    }
    return {k: {"value": v, "goal": GOALS[k], "verdict": _verdict(v, GOALS[k])} for k, v in checks.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each scenario (default 3)")
    parser.add_argument("--source", default="iom_mmp", help="source of the single-source rebuild")
    parser.add_argument("--query-runs", type=int, default=200, help="executions of each curated query")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-warmup", action="store_true")
    parser.add_argument(
        "--scale", default="1,10,100", help="MMP factors for the scale benchmark ('' for none)"
    )
    parser.add_argument("--scale-runs", type=int, default=1)
    parser.add_argument(
        "--bytecode",
        choices=("cache", "as-is"),
        default="cache",
        help="cache: a private bytecode cache for the build processes (default); as-is: this shell's setting",
    )
    parser.add_argument("--work-dir", type=Path, default=WORK_DIR, help=f"default {WORK_DIR}")
    parser.add_argument("--keep", action="store_true", help="keep the work directory's builds afterwards")
    args = parser.parse_args(argv)

    data.require_shared()
    work_dir = args.work_dir
    for stale in ("main", "template", "peer_out", "logs"):
        shutil.rmtree(work_dir / stale, ignore_errors=True)
    for stale in (work_dir / "scale").glob("x*/template"):
        shutil.rmtree(stale, ignore_errors=True)
    work_dir.mkdir(parents=True, exist_ok=True)
    data.land_all(work_dir / "template" / "raw")
    env = child_env(work_dir, args.bytecode)
    description = machine.describe()
    print(f"Machine: {machine.one_line(description)}; load {os.getloadavg()}", flush=True)
    print(f"Work directory: {work_dir} (real snapshots from {data.SHARED})", flush=True)

    bench = Bench(work_dir, env, args.source)
    results: dict = {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": description,
        "settings": {
            "runs": args.runs,
            "bytecode": (
                "private bytecode cache (PYTHONPYCACHEPREFIX), as after a normal install's first run"
                if args.bytecode == "cache"
                else f"as this shell has it (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE')})"
            ),
            "single_source": bench.single_label,
            "inputs": {
                "iom_mmp": data.MMP_CSV.name,
                "unhcr_odp": "unhcr/manifest.json (9 files)",
                "italy_moi": "3 ministry CSVs",
                "unodc_glotip": "2 xlsx releases",
                "eurostat_thb": "tests/fixtures/eurostat_thb (synthetic: no real file offline)",
            },
        },
    }
    if not args.no_warmup:
        print("warm-up (not counted: fills the bytecode and disk caches):", flush=True)
        results["warmup"] = {"pipeline": bench.pipeline(0)["full"].as_dict()}
        if not args.no_peer:
            results["warmup"]["peer"] = bench.peer(0).as_dict()

    runs: dict[str, list[m.Measurement]] = {"full": [], "nochange": [], "single_source": [], "peer": []}
    for index in range(1, args.runs + 1):
        print(f"run {index}/{args.runs}:", flush=True)
        order = ("pipeline", "peer") if index % 2 else ("peer", "pipeline")
        for what in order:
            if what == "peer" and not args.no_peer:
                runs["peer"].append(bench.peer(index))
            elif what == "pipeline":
                for key, result in bench.pipeline(index).items():
                    runs[key].append(result)
    for key, measured in runs.items():
        results[key] = m.summarise_runs(measured)
    if runs["peer"]:
        paired = [
            f.seconds / p.seconds
            for f, p in zip(runs["full"], runs["peer"], strict=True)
            if f.returncode == 0 and p.returncode == 0
        ]
        full_median, peer_median = results["full"]["seconds"]["median"], results["peer"]["seconds"]["median"]
        results["ratio"] = {
            "of_medians": full_median / peer_median if full_median and peer_median else None,
            "paired": paired,
            "paired_median": statistics.median(paired) if paired else None,
        }

    published = bench.target / "data" / "curated" / "evidence.duckdb"
    if published.is_file():
        from benchmarks.queries import time_queries

        results["queries"] = time_queries(published, args.query_runs)

    print("UI:", flush=True)
    from benchmarks import ui

    results["ui"] = ui.measure(args.runs, env)

    factors = [int(f) for f in args.scale.split(",") if f.strip()]
    if factors:
        from benchmarks import scale

        print("scale:", flush=True)
        results["scale"] = scale.measure(work_dir, factors, args.scale_runs, env)

    results["goals"] = goals(results)
    lines = report(results)
    print("\n" + "\n".join(lines))
    if results.get("scale"):
        print_scale(results["scale"])
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    text = json.dumps(results, indent=2, default=str)
    (RESULTS_DIR / f"{stamp}.json").write_text(text, encoding="utf-8")
    (RESULTS_DIR / "latest.json").write_text(text, encoding="utf-8")
    print(f"\nresults: {RESULTS_DIR / f'{stamp}.json'} (and latest.json)")
    if not args.keep:
        for name in ("main", "peer_out"):
            shutil.rmtree(work_dir / name, ignore_errors=True)
        for stale in (work_dir / "scale").glob("x*_run"):
            shutil.rmtree(stale, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
