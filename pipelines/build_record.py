"""The outcome of the last build, kept beside the raw store (`data/last_build.json`) for `status`: whether it
succeeded and published, its errors, the checks that did not pass, and every snapshot marked rejected while it
ran (by a reader, a blocking check, or a release date that could not be read)."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from pipelines.lib import raw_store
from pipelines.lib.sources import registry
from pipelines.settings import Paths

FILE = "last_build.json"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def rejected_since(raw_dir: Path, since: dt.datetime) -> list[dict]:
    """Every snapshot marked rejected at or after `since`: source, file and reason."""
    found = []
    for source in registry():
        for snapshot in raw_store.list_snapshots(raw_dir, source, include_rejected=True):
            p = snapshot.provenance
            when = p.get("rejected_at")
            if p.get("status") == "rejected" and when and dt.datetime.fromisoformat(when) >= since:
                found.append({"source": source, "file": snapshot.name, "reason": p.get("rejection_reason")})
    return found


def unusual_layouts(paths: Paths) -> list[dict]:
    """The snapshots the working warehouse was last loaded from whose layout is new (read by column names) or
    whose text was not UTF-8: source, file, layout as recorded (meta.snapshots_used)."""
    import duckdb

    if not paths.working_db.exists():
        return []
    try:
        con = duckdb.connect(str(paths.working_db), read_only=True)
    except duckdb.Error:
        return []
    try:
        rows = con.execute(
            "select source, file, layout from meta.snapshots_used "
            "where layout like '%new layout %' or layout like '%; encoding: %' order by source, file"
        ).fetchall()
    except duckdb.Error:
        rows = []
    finally:
        con.close()
    return [{"source": s, "file": f, "layout": layout} for s, f, layout in rows]


def write(paths: Paths, ok: bool, report: object) -> dict:
    """Records the build that just ended (`report`: the runner's BuildReport). Never fails the build: a data
    directory that cannot be written is reported by the build itself."""
    finished = _now()
    started = finished - dt.timedelta(seconds=report.elapsed())
    published = report.steps.get("publish__evidence_duckdb", {}).get("status") == "ok"
    outcome = "nothing changed" if report.nothing_changed else ("succeeded" if ok else "failed")
    record = {
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "outcome": outcome,
        "published": published,
        "errors": list(report.failures),
        "checks_not_passed": [
            {"check": c["check"], "outcome": c["outcome"]} for c in report.checks if c["outcome"] != "passed"
        ],
        "rejected": rejected_since(paths.raw_dir, started),
        "unusual_layouts": unusual_layouts(paths),
        "left_out": dict(report.left_out),
    }
    try:
        paths.data_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=paths.data_dir, prefix=".last-build-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=2, ensure_ascii=False)
        os.replace(tmp, paths.data_dir / FILE)
    except OSError:
        pass
    return record


def read(paths: Paths) -> dict | None:
    """The last build's record, or None (no build from the command line yet, or an unreadable record)."""
    try:
        return json.loads((paths.data_dir / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
