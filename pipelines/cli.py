"""`migration-evidence`: import files, build, refresh, show the status, make the sample, serve the UI."""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import os
import sys
import threading
from pathlib import Path

from pipelines.settings import Paths, resolve_paths


def _paths(args: argparse.Namespace) -> Paths:
    return resolve_paths(args.data_dir, args.reports_dir)


def _import_items(args: argparse.Namespace) -> list[tuple[Path, str | None]]:
    """(file, address it stands for) pairs from FILE..., --url and --manifest."""
    import json

    items: list[tuple[Path, str | None]] = []
    if args.url and len(args.files) != 1:
        raise SystemExit("--url describes one file: give exactly one FILE with it (or use --manifest)")
    items += [(Path(f), args.url) for f in args.files]
    if args.manifest:
        manifest = Path(args.manifest)
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))
            items += [(manifest.parent / e["file"], e["stands_for"]) for e in entries]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SystemExit(
                f'{manifest}: not a manifest (a JSON list of {{"file": ..., "stands_for": API_ADDRESS}}): {exc}'
            ) from None
    if not items:
        raise SystemExit("nothing to import: give FILE... or --manifest FILE")
    return items


def cmd_import(args: argparse.Namespace) -> int:
    from pipelines.lib import raw_store
    from pipelines.lib.sources import get_source

    info = get_source(args.source)
    accessed = dt.date.fromisoformat(args.accessed) if args.accessed else None
    paths = _paths(args)
    failed = 0
    for file, stands_for in _import_items(args):
        try:
            snapshot = raw_store.land(
                paths.raw_dir, info, file, arrival="import", accessed=accessed, stands_for=stands_for
            )
        except (raw_store.RawStoreError, OSError) as exc:
            print(f"✘ {file}: {exc}", file=sys.stderr)
            failed += 1
            continue
        p = snapshot.provenance
        if p.get("status") == "rejected":
            print(
                f"✘ {file}: the same bytes are already in the store as {snapshot.name}, marked rejected: "
                f"{p.get('rejection_reason')}\n  If it is right after all: migration-evidence accept "
                f"{info.name} {snapshot.name}",
                file=sys.stderr,
            )
            failed += 1
            continue
        print(
            f"✔ {file} → {snapshot.path} (sha256 {p['sha256'][:12]}, accessed {p['accessed']}, "
            f"published {p['published'] or 'not stated'})"
        )
    return 1 if failed else 0


def cmd_accept(args: argparse.Namespace) -> int:
    from pipelines.lib import raw_store

    paths = _paths(args)
    try:
        snapshot = raw_store.find_snapshot(paths.raw_dir, args.source, args.file)
    except raw_store.RawStoreError as exc:
        print(f"✘ {exc}", file=sys.stderr)
        return 1
    if snapshot.provenance.get("status") != "rejected":
        print(f"{args.source}/{snapshot.name} is not rejected; nothing to do", file=sys.stderr)
        return 0
    raw_store.mark_accepted(snapshot)
    print(
        f"✔ {args.source}/{snapshot.name} accepted again (was rejected: "
        f"{snapshot.provenance.get('rejection_reason')}); the next build reads it"
    )
    return 0


def _print_stale(paths: Paths) -> None:
    from pipelines.defs.operations.freshness import assess
    from pipelines.lib.sources import registry

    found = [assess(paths.raw_dir, name) for name in registry()]
    stale = [f"{f.source} ({f.age_days} days, limit {f.max_age_days})" for f in found if f.stale and f.newest]
    if stale:
        print(f"  stale sources (`migration-evidence status`): {', '.join(stale)}", file=sys.stderr)


def _print_summary(ok: bool, report, paths: Paths) -> None:  # noqa: ANN001
    print("", file=sys.stderr)
    steps = report.steps
    done = sum(1 for s in steps.values() if s.get("status") == "ok")
    checks_failed = [c for c in report.checks if c["outcome"] != "passed"]
    print(
        f"Summary: {done}/{len(steps)} steps succeeded, {len(report.checks)} checks run, "
        f"{len(checks_failed)} not passed, {report.elapsed():.1f}s",
        file=sys.stderr,
    )
    for check in checks_failed:
        print(f"  check {check['check']}: {check['outcome']}", file=sys.stderr)
        for detail in check.get("details", []):
            print(f"    {detail}", file=sys.stderr)
    for failure in report.failures:
        print(f"  error in {failure}", file=sys.stderr)
    for rejected in report.rejected:
        print(
            f"  marked rejected after a failed blocking check: {rejected} (the next build uses the previous good "
            "snapshot; `migration-evidence accept` puts it back)",
            file=sys.stderr,
        )
    for asset, reason in report.left_out.items():
        print(f"  left out (no snapshot of {reason}): {asset} and its dependents", file=sys.stderr)
    unchanged = getattr(report, "unchanged", [])
    if unchanged:
        print(f"  unchanged since the last build, skipped: {len(unchanged)} assets", file=sys.stderr)
    _print_stale(paths)
    if getattr(report, "nothing_changed", False):
        print(
            f"Nothing changed since the last build; the published database {paths.published_db} is as it was.",
            file=sys.stderr,
        )
        return
    published = report.steps.get("publish__evidence_duckdb", {}).get("status") == "ok"
    if ok and published:
        print(f"Published database: {paths.published_db}", file=sys.stderr)
        print(f"Parquet files:      {paths.curated_dir / 'parquet'}", file=sys.stderr)
        print(f"Charts:             {paths.charts_dir}", file=sys.stderr)
        print(f"Evidence brief:     {paths.reports_dir / 'index.html'}", file=sys.stderr)
    elif ok:
        print(
            "Built the selected assets; the published database was not part of the selection.",
            file=sys.stderr,
        )
    else:
        state = "unchanged" if paths.published_db.exists() else "not created"
        print(f"BUILD FAILED. The published database {paths.published_db} is {state}.", file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    from pipelines.runner import run_build

    paths = _paths(args)
    if args.offline:
        os.environ["MIGRATION_OFFLINE"] = "1"
    pins = ",".join(args.snapshot or [])
    sources = getattr(args, "source", None)
    if sources and args.select:
        raise SystemExit("--source and --select choose the assets in two ways: give one of them")
    if sources:
        from pipelines.lib.sources import registry

        unknown = sorted(set(sources) - set(registry()))
        if unknown:
            raise SystemExit(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(registry())}")
    print(f"Building from {paths.raw_dir}", file=sys.stderr)
    ok, report = run_build(
        paths,
        pins=pins,
        static_images=not args.no_images,
        selection=args.select,
        sources=sources,
        force=getattr(args, "force", False),
    )
    _print_summary(ok, report, paths)
    return 0 if ok else 1


def cmd_refresh(args: argparse.Namespace) -> int:
    from pipelines.download import refresh_all

    paths = _paths(args)
    failures = refresh_all(paths, only=args.source)
    if failures and args.strict:
        return 1
    args.offline, args.snapshot, args.select, args.force = False, None, None, False
    return cmd_build(args)


def cmd_status(args: argparse.Namespace) -> int:
    from pipelines.status import collect, render

    report = collect(_paths(args))
    print(render(report, as_json=args.json))
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    from pipelines.sample import write_sample

    paths = _paths(args)
    for snapshot in write_sample(paths.raw_dir):
        print(f"✔ sample {snapshot.provenance['source']}: {snapshot.path}")
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    from pipelines.runner import prepare_dagster_home

    paths = _paths(args)
    os.environ["MIGRATION_DATA_DIR"] = str(paths.data_dir)
    os.environ["MIGRATION_REPORTS_DIR"] = str(paths.reports_dir)
    prepare_dagster_home(paths)
    command = [sys.executable, "-m", "dagster", "dev", "-m", "pipelines.definitions", "--host", args.host]
    os.execv(sys.executable, [*command, "--port", str(args.port)])
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="migration-evidence", description=__doc__)
    top.add_argument("--data-dir", help="data directory (default: $MIGRATION_DATA_DIR or data/)")
    top.add_argument("--reports-dir", help="reports directory (default: $MIGRATION_REPORTS_DIR or reports/)")
    sub = top.add_subparsers(dest="command", required=True)

    imp = sub.add_parser("import", help="register files you already have into the raw store, with provenance")
    imp.add_argument("source", help="source name, e.g. iom_mmp")
    imp.add_argument("files", nargs="*", help="files to register")
    imp.add_argument("--url", help="the API address a saved response came from (recorded in its provenance)")
    imp.add_argument(
        "--manifest", help='JSON list of {"file": ..., "stands_for": API_ADDRESS}, paths relative to it'
    )
    imp.add_argument(
        "--accessed",
        help="date the files were downloaded (YYYY-MM-DD); default: from the file name, else today",
    )
    imp.set_defaults(func=cmd_import)

    accept = sub.add_parser(
        "accept", help="put back a snapshot the build marked rejected (after you have checked it)"
    )
    accept.add_argument("source", help="source name, e.g. iom_mmp")
    accept.add_argument("file", help="the stored file name (data/raw/SOURCE/...)")
    accept.set_defaults(func=cmd_accept)

    build = sub.add_parser("build", help="build every asset from the raw store and publish the database")
    build.add_argument("--offline", action="store_true", help="no network access at all")
    build.add_argument(
        "--snapshot",
        action="append",
        metavar="SOURCE=FILE",
        help="build from this snapshot instead of the newest",
    )
    build.add_argument("--select", help="Dagster asset selection, e.g. 'group:iom_mmp'")
    build.add_argument(
        "--source",
        action="append",
        help="only this source's assets and everything downstream of them (repeatable)",
    )
    build.add_argument(
        "--force", action="store_true", help="rebuild even the assets whose code and inputs did not change"
    )
    build.add_argument("--no-images", action="store_true", help="skip PNG/SVG export")
    build.set_defaults(func=cmd_build)

    refresh = sub.add_parser("refresh", help="download every source live, then build")
    refresh.add_argument("--source", action="append", help="only this source (repeatable)")
    refresh.add_argument(
        "--strict",
        action="store_true",
        help="stop when a download fails instead of building from the last good snapshot",
    )
    refresh.add_argument("--no-images", action="store_true", help="skip PNG/SVG export")
    refresh.set_defaults(func=cmd_refresh)

    sample = sub.add_parser(
        "sample", help="write the synthetic sample snapshots (for the demo) into the raw store"
    )
    sample.set_defaults(func=cmd_sample)

    status = sub.add_parser(
        "status", help="per source: snapshots in use, last check results, staleness (reads, never locks)"
    )
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=cmd_status)

    ui = sub.add_parser("ui", help="serve the Dagster UI")
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(func=cmd_ui)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The `migration-evidence` command. After the command has finished and every exit handler has run (the
    browser is closed, logs are flushed, other threads joined), the process ends without tearing down the
    interpreter's modules one by one, which takes more than a second after a build has loaded Dagster, Great
    Expectations, pandas and plotly and changes nothing on disk."""
    code = main()
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code or 0))


if __name__ == "__main__":
    run()
