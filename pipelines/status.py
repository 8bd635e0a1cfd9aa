"""`migration-evidence status`: per source, the snapshots the last build used, every check of the last build
with its severity and outcome, and how current the data are (the last date they cover against the source's
publication rhythm). Reads only: the working warehouse read-only while no build holds the build
lock, else the published database (replaced atomically, so it is never half-written)."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.defs.operations.freshness import assess, covered_in
from pipelines.lib.sources import registry
from pipelines.settings import Paths

SNAPSHOT_COLUMNS = ("source", "raw_table", "entity", "file", "accessed", "published", "rows", "sample")
# one row per check: its own row (level 'check'), with how many of its expectations failed
CHECK_QUERY = """
select c.asset, c.check_name, c.severity, c.outcome, c.summary, c.checked_at, c.run_id,
       (select count(*) from {table} e where e.level = 'expectation' and e.asset = c.asset
        and e.check_name = c.check_name and not e.success) as failed_expectations
from {table} c where c.level = 'check' order by c.asset, c.check_name
"""
# a table written before check rows existed: each check summarised from its expectations
OLD_CHECK_QUERY = """
select asset, check_name, any_value(severity) as severity,
       case when bool_and(success) then 'passed' else 'failed' end as outcome, null as summary,
       max(checked_at) as checked_at, null as run_id, count(*) filter (where not success) as failed_expectations
from {table} group by asset, check_name order by asset, check_name
"""


@contextmanager
def _no_build_running(paths: Paths) -> Iterator[bool]:
    """True while no build holds the build lock (and none can start until we let go)."""
    lock = paths.data_dir / ".build.lock"
    if not lock.exists():
        yield True
        return
    with open(lock) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select schema_name || '.' || table_name from duckdb_tables()").fetchall()
    return {row[0] for row in rows}


def _has_column(con: duckdb.DuckDBPyConnection, qualified: str, column: str) -> bool:
    schema, table = qualified.split(".")
    return bool(
        con.execute(
            "select count(*) from duckdb_columns() where schema_name = ? and table_name = ? and column_name = ?",
            [schema, table, column],
        ).fetchall()[0][0]
    )


def _covered(con: duckdb.DuckDBPyConnection, tables: set[str], snapshots: str) -> dict:
    if "meta.snapshot_coverage" in tables:
        return covered_in(con)
    if snapshots in tables and _has_column(con, snapshots, "data_covers_to"):
        rows = con.execute(f"select file, max(data_covers_to) from {snapshots} group by file").fetchall()
        return {file: last for file, last in rows if last is not None}
    return {}


def _read(path: Path, snapshots: str, checks: str, built_at: tuple[str, str] | None) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = _tables(con)
        found: dict = {
            "snapshots": [],
            "checks": [],
            "last_build": None,
            "covered": _covered(con, tables, snapshots),
        }
        if snapshots in tables:
            cursor = con.execute(
                f"select {', '.join(SNAPSHOT_COLUMNS)} from {snapshots} order by source, raw_table, file"
            )
            found["snapshots"] = [dict(zip(SNAPSHOT_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
        if checks in tables:
            query = CHECK_QUERY if _has_column(con, checks, "level") else OLD_CHECK_QUERY
            cursor = con.execute(query.format(table=checks))
            names = [d[0] for d in cursor.description]
            found["checks"] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        if built_at and built_at[0] in tables:  # (table, column): when the last build ran anything
            table, column = built_at
            found["last_build"] = con.execute(f"select max({column}) from {table}").fetchall()[0][0]
        return found
    finally:
        con.close()


def read_build(paths: Paths) -> tuple[str | None, dict, str]:
    """(where it was read from, what the last build recorded, a note)."""
    note = ""
    if paths.working_db.exists():
        with _no_build_running(paths) as free:
            if free:
                try:
                    found = _read(
                        paths.working_db,
                        "meta.snapshots_used",
                        "meta.validation_results",
                        ("meta.validation_results", "checked_at"),
                    )
                    return "working warehouse (read-only)", found, note
                except duckdb.Error as exc:
                    note = f"the working warehouse is in use ({str(exc).splitlines()[0]}); "
            else:
                note = "a build is running; "
    if paths.published_db.exists():
        found = _read(paths.published_db, "curated.source_snapshots", "curated.validation_results", None)
        return "published database", found, note + "showing what was last published"
    return None, {"snapshots": [], "checks": [], "last_build": None, "covered": {}}, note.removesuffix("; ")


def _source_of(asset: str) -> str:
    layer, _, name = asset.partition("/")
    return name.removeprefix("stg_").split("__")[0] if layer in ("raw", "staging") else layer


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def _check_item(c: dict, last_run: str | None) -> dict:
    return {
        "check": f"{c['asset']}:{c['check_name']}",
        "severity": c["severity"],
        "outcome": c["outcome"],
        "failed": c["failed_expectations"],
        "summary": c["summary"],
        "checked_at": _plain(c["checked_at"]),
        "in_last_build": last_run is None or c["run_id"] in (None, last_run),
    }


def collect(paths: Paths, today: dt.date | None = None) -> dict:
    origin, found, note = read_build(paths)
    # the last build's run: the one that recorded the newest check row
    newest = max(found["checks"], key=lambda c: c["checked_at"], default=None)
    last_run = newest["run_id"] if newest else None
    sources = []
    for name in registry():
        fresh = assess(paths.raw_dir, name, today=today, covered=found["covered"])
        checks = [_check_item(c, last_run) for c in found["checks"] if _source_of(c["asset"]) == name]
        sources.append(
            {
                "source": name,
                "in_use": [
                    {k: _plain(v) for k, v in s.items()} for s in found["snapshots"] if s["source"] == name
                ],
                "newest": [
                    {
                        "entity": e,
                        "file": f,
                        "accessed": a.isoformat(),
                        "covers_to": c.isoformat(),
                        "basis": b,
                    }
                    for e, f, a, c, b in fresh.newest
                ],
                "last_covered": _plain(fresh.last_covered),
                "last_covered_basis": fresh.basis,
                "age_days": fresh.age_days,
                "max_age_days": fresh.max_age_days,
                "rhythm": fresh.rhythm,
                "stale": fresh.stale,
                "state": fresh.state,
                "freshness": fresh.describe(),
                "checks": checks,
                "checks_run": len(checks),
                "checks_passed": sum(1 for c in checks if c["outcome"] == "passed"),
                "checks_failed": [c for c in checks if c["outcome"] != "passed"],
            }
        )
    other = [_check_item(c, last_run) for c in found["checks"] if _source_of(c["asset"]) not in registry()]
    return {
        "data_dir": str(paths.data_dir),
        "today": (today or dt.date.today()).isoformat(),
        "built": origin is not None,
        "read_from": origin,
        "note": note,
        "last_build": _plain(found["last_build"]),
        "sources": sources,
        "other_checks": {
            "checks": other,
            "run": len(other),
            "failed": [c["check"] for c in other if c["outcome"] != "passed"],
        },
    }


HEADER = ("source", "snapshot", "accessed", "published", "rows", "checks", "data cover to", "age / limit", "")


def _rows(item: dict, built: bool) -> list[tuple]:
    files = item["in_use"] or [{**n, "published": None, "rows": None} for n in item["newest"]]
    checks = f"{item['checks_passed']}/{item['checks_run']} passed" if item["checks_run"] else "none recorded"
    age = f"{item['age_days']} / {item['max_age_days']} d" if item["age_days"] is not None else "no snapshot"
    covered = item["last_covered"] or ""
    if covered and item["last_covered_basis"] != "last date covered":
        covered += " (" + item["last_covered_basis"].split(" (")[0] + ")"
    sample = (
        " (sample data)"
        if item["state"] != "sample data" and any(f.get("sample") for f in item["in_use"])
        else ""
    )
    first = (item["source"], checks if built else "not built", covered, age, item["state"] + sample)
    if not files:
        return [(first[0], "(none)", "", "", "", *first[1:])]
    rows = []
    for index, f in enumerate(files):
        cells = (
            f["file"],
            f["accessed"] or "",
            f["published"] or "–",
            "" if f["rows"] is None else str(f["rows"]),
        )
        head = first if index == 0 else ("", "", "", "", "")
        rows.append((head[0], *cells, *head[1:]))
    return rows


def _table(rows: list[tuple]) -> list[str]:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    right = {4}  # rows
    return [
        "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]


def render(report: dict, *, as_json: bool = False) -> str:
    """A plain table (one line per snapshot in use), then the checks not passed and the stale sources."""
    if as_json:
        return json.dumps(report, indent=2, ensure_ascii=False)
    lines = [f"Data directory {report['data_dir']}, {report['today']}"]
    if report["built"]:
        when = f", last build {report['last_build'][:16].replace('T', ' ')}" if report["last_build"] else ""
        lines.append(
            f"Read from the {report['read_from']}{when}" + (f" ({report['note']})" if report["note"] else "")
        )
    else:
        lines.append(
            "No build yet: the newest snapshots in the raw store are listed; run `migration-evidence build`."
        )
    rows = [HEADER] + [r for item in report["sources"] for r in _rows(item, report["built"])]
    lines += ["", *_table(rows)]
    every = [(i["source"], c) for i in report["sources"] for c in i["checks"]]
    every += [("other", c) for c in report["other_checks"]["checks"]]
    if every:
        lines += ["", "Checks of the last build (severity, outcome):"]
        for src, c in every:
            outcome = c["outcome"].upper() if c["outcome"] != "passed" else "passed"
            earlier = (
                "" if c["in_last_build"] else f" (kept from an earlier build, {str(c['checked_at'])[:16]})"
            )
            lines.append(f"  {src}: {c['check']}  {c['severity']}  {outcome}{earlier}")
    failed = [(src, c) for src, c in every if c["outcome"] != "passed"]
    if failed:
        lines += ["", "Checks not passed in the last build:"]
        for src, c in failed:
            what = f"{c['failed']} expectation(s) failed" if c["failed"] else (c["summary"] or "")[:200]
            lines.append(f"  {src}: {c['check']} ({c['severity']}, {c['outcome']}: {what})")
    stale = [i for i in report["sources"] if i["stale"]]
    if stale:
        lines += ["", "Needing a refresh (`migration-evidence refresh`):"]
        lines += [f"  {i['freshness']}" for i in stale]
    return "\n".join(lines)
