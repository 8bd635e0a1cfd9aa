"""Scale: the Missing Migrants incidents multiplied ×10 and ×100, and the full rebuild's time and peak memory.

The generator keeps the 2025 "all data" export's layout byte for byte (header, IOM's quoting: a field is quoted
when it holds a space, comma, quote or line break; LF line ends) and its distributions: copy 0 is the real file;
each further copy of a row gets a new unique id (`<id>-<copy>` in both id columns), its date moved by a few days
within the same month (so year and month columns stay true and no date passes the snapshot's), its coordinates
moved by up to ±0.05° (kept in range), and, where dead + missing = total, dead moved by -1..+1 (not below 0) with
the total kept equal to the sum. Labels, routes, regions and every other column are copied unchanged. Seeded.

The measured build: all five sources (the MMP file scaled, the others as in the main benchmark), a full rebuild
from raw with checks, curated tables, every chart in every format, the brief and the publish step.
`--mmp-only` builds with the MMP file alone.

    python -m benchmarks.scale [--factors 1,10,100] [--runs 1] [--mmp-only]
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

from benchmarks import data

SEED = 20250505
ID_COLUMNS = ("Main ID", "Incident ID")
SPECIAL = set(' ,"\n\r')


def _field(value: str) -> str:
    if any(c in SPECIAL for c in value):
        return '"' + value.replace('"', '""') + '"'
    return value


def _line(values: list[str]) -> str:
    return ",".join(_field(v) for v in values) + "\n"


def _jitter_date(value: str, rng: random.Random) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=min(max(1, day.day + rng.randint(-5, 5)), last)).isoformat()


def _jitter_coordinates(value: str, rng: random.Random) -> str:
    try:
        lat_text, lon_text = value.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        return value
    if abs(lat) > 90 or abs(lon) > 180:
        return value  # the publisher's out-of-range values stay as they are
    lat = min(90.0, max(-90.0, lat + rng.uniform(-0.05, 0.05)))
    lon = min(180.0, max(-180.0, lon + rng.uniform(-0.05, 0.05)))
    return f"{lat:.6f}, {lon:.6f}"


def _as_int(value: str) -> int | None:
    return int(value) if value.lstrip("-").isdigit() else None


def generate(source: Path, target: Path, factor: int, seed: int = SEED) -> int:
    """Writes `factor` copies of every row of `source` to `target`; returns the data rows written."""
    with source.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    first_line = source.open(encoding="utf-8-sig").readline()
    column = {name: index for index, name in enumerate(header)}
    ids = [column[c] for c in ID_COLUMNS]
    date, coords = column["Incident Date"], column["Coordinates"]
    dead, missing, total = (
        column[c]
        for c in ("Number of Dead", "Minimum Estimated Number of Missing", "Total Number of Dead and Missing")
    )
    rng = random.Random(seed)
    written = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as out:
        out.write(first_line if first_line.endswith("\n") else first_line + "\n")
        for copy in range(factor):
            lines = []
            for row in rows:
                if copy:
                    row = list(row)
                    for i in ids:
                        row[i] = f"{row[i]}-{copy}"
                    row[date] = _jitter_date(row[date], rng)
                    row[coords] = _jitter_coordinates(row[coords], rng)
                    d, m, t = _as_int(row[dead]), _as_int(row[missing]), _as_int(row[total])
                    if d is not None and m is not None and t is not None and d >= 0 and m >= 0 and d + m == t:
                        d = max(0, d + rng.randint(-1, 1))
                        row[dead], row[total] = str(d), str(d + m)
                lines.append(_line(row))
            out.writelines(lines)
            written += len(rows)
    return written


def scaled_file(work_dir: Path, factor: int) -> Path:
    """The ×factor file in `work_dir/scale/`, generated once (the real file itself for ×1)."""
    if factor == 1:
        return data.MMP_CSV
    target = work_dir / "scale" / f"x{factor}" / data.MMP_CSV.name
    if not target.is_file():
        partial = target.with_suffix(".partial")
        rows = generate(data.MMP_CSV, partial, factor)
        partial.rename(target)
        print(
            f"  generated ×{factor}: {rows:,} incidents, {target.stat().st_size / 2**20:.0f} MiB", flush=True
        )
    return target


def template_for(work_dir: Path, factor: int, mmp_only: bool) -> Path:
    """A raw store with the ×factor MMP file (landed afresh: the landing code may have changed)."""
    raw = work_dir / "scale" / f"x{factor}{'_mmp' if mmp_only else ''}" / "template" / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    data.land_all(raw, scaled_file(work_dir, factor), ("iom_mmp",) if mmp_only else data.SOURCES)
    return raw


def measure(
    work_dir: Path, factors: list[int], runs: int, env: dict[str, str], mmp_only: bool = False
) -> dict[str, dict]:
    """{"x<factor>": summary of `runs` full rebuilds} for each factor."""
    from benchmarks import measure as m
    from benchmarks.run import _with_home, build_command

    results = {}
    for factor in factors:
        template = template_for(work_dir, factor, mmp_only)
        target = work_dir / "scale" / f"x{factor}_run"
        runs_done = []
        for index in range(runs):
            data.fresh_data_dir(template, target)
            log = work_dir / "logs" / f"scale_x{factor}_{index}.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            home = _with_home(env, work_dir, f"scale_x{factor}{'_mmp' if mmp_only else ''}")
            result = m.run_measured(build_command(target), env=home, log=log)
            runs_done.append(result)
            state = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode}, see {log})"
            print(
                f"  scale ×{factor} run {index + 1}/{runs}: {result.seconds:.1f}s, peak {result.peak_pss_mb:.0f} MB "
                f"(rss sum {result.peak_rss_mb:.0f} MB, largest process {result.max_process_rss_mb:.0f} MB), "
                f"load {result.load_before[0]:.2f}: {state}",
                flush=True,
            )
        summary = m.summarise_runs(runs_done)
        summary["incidents"] = 19_255 * factor
        summary["mmp_file_mb"] = scaled_file(work_dir, factor).stat().st_size / 2**20
        results[f"x{factor}"] = summary
    return results


def main(argv: list[str] | None = None) -> int:
    from benchmarks.run import child_env, default_work_dir, print_scale

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--factors", default="1,10,100")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--mmp-only", action="store_true", help="build the MMP source alone")
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument(
        "--generate-only", type=Path, metavar="OUT", help="write the ×N file (first factor) only"
    )
    args = parser.parse_args(argv)
    factors = [int(f) for f in args.factors.split(",")]
    if args.generate_only:
        print(f"{generate(data.MMP_CSV, args.generate_only, factors[0]):,} rows written")
        return 0
    data.require_shared()
    work_dir = args.work_dir or default_work_dir()
    results = measure(work_dir, factors, args.runs, child_env(work_dir), args.mmp_only)
    print_scale(results, mmp_only=args.mmp_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
