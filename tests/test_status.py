"""`migration-evidence status`: snapshots in use, check results and staleness, read without locking anything."""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import json
import os
import subprocess
import sys

import duckdb

from pipelines.lib.sources import registry
from pipelines.status import collect, render
from tests.build_helpers import build as _build
from tests.build_helpers import land_mmp
from tests.conftest import FIXTURES, ROOT
from tests.test_operations_build import _land_italy


def build(paths, **kwargs):  # noqa: ANN001, ANN003, ANN201
    """A build on the test's persistent Dagster instance: what a rebuild skips is what these tests are about."""
    return _build(paths, persistent=True, **kwargs)


ACCESSED = dt.date(2025, 5, 5)


def _source(report: dict, name: str) -> dict:
    return next(item for item in report["sources"] if item["source"] == name)


def test_without_a_build_it_says_so_and_lists_every_source(paths) -> None:  # noqa: ANN001
    report = collect(paths)
    assert not report["built"] and report["read_from"] is None
    assert [item["source"] for item in report["sources"]] == list(registry())
    assert all(item["state"] == "NO SNAPSHOT" for item in report["sources"])
    assert "No build yet" in render(report)
    assert json.loads(render(report, as_json=True)) == report
    assert not paths.data_dir.exists()


def test_after_a_build_it_shows_snapshots_checks_and_staleness_without_locking(paths) -> None:  # noqa: ANN001
    paths.reports_dir.mkdir(parents=True)
    snapshot = land_mmp(paths, FIXTURES / "iom_mmp" / "export_2025.csv", accessed=ACCESSED.isoformat())
    _land_italy(paths)
    assert build(paths)[0]

    report = collect(paths, today=ACCESSED + dt.timedelta(days=10))
    assert report["read_from"] == "working warehouse (read-only)" and report["last_build"]
    mmp = _source(report, "iom_mmp")
    assert [(f["file"], f["accessed"], f["rows"]) for f in mmp["in_use"]] == [
        (snapshot.name, "2025-05-05", 12)
    ]
    # freshness counts from the last incident date of the file (read here from the fixture), not the import
    with open(FIXTURES / "iom_mmp" / "export_2025.csv", encoding="utf-8-sig", newline="") as handle:
        last = max(
            dt.date.fromisoformat(r["Incident Date"]) for r in csv.DictReader(handle) if r["Incident Date"]
        )
    assert mmp["last_covered"] == last.isoformat() == "2024-03-14"
    assert mmp["last_covered_basis"] == "last date covered"
    assert (mmp["age_days"], mmp["max_age_days"], mmp["state"]) == ((ACCESSED - last).days + 10, 45, "STALE")
    # every check of the build, with its severity and outcome
    assert {(c["check"], c["severity"], c["outcome"]) for c in mmp["checks"]} >= {
        ("staging/stg_iom_mmp__incidents:gx_incidents_suite", "error", "passed"),
        ("staging/stg_iom_mmp__incidents:known_routes_and_regions", "warn", "passed"),
    }
    assert mmp["checks_run"] >= 2 and mmp["checks_passed"] == mmp["checks_run"]
    italy = _source(report, "italy_moi")
    assert len(italy["in_use"]) == 3 and italy["state"] == "STALE"
    assert "staging/stg_italy_moi__arrivals_by_nationality:known_nationalities" in {
        c["check"] for c in italy["checks_failed"]
    }
    table = render(report)
    assert snapshot.name in table and "STALE" in table and "known_nationalities (warn, failed" in table
    assert "Checks of the last build (severity, outcome):" in table
    assert "staging/stg_italy_moi__arrivals_by_nationality:known_nationalities  warn  FAILED" in table
    assert "2024-03-14" in table
    duckdb.connect(str(paths.working_db)).close()  # status left no lock behind

    with open(paths.data_dir / ".build.lock", "w") as lock:  # a build is running: the published file is read
        fcntl.flock(lock, fcntl.LOCK_EX)
        during = collect(paths, today=ACCESSED)
    assert during["read_from"] == "published database" and "a build is running" in during["note"]
    assert _source(during, "iom_mmp")["in_use"][0]["file"] == snapshot.name

    writer = duckdb.connect(str(paths.working_db))  # a writer outside the build lock (e.g. a UI run)
    try:
        answer = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "--data-dir", str(paths.data_dir), "status", "--json"],
            cwd=ROOT,
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=60,
        )
        writer.execute("create table meta.still_writable as select 1 as x")
    finally:
        writer.close()
    assert answer.returncode == 0, answer.stderr
    command = json.loads(answer.stdout)
    assert command["read_from"] == "published database" and "in use" in command["note"]
    assert _source(command, "iom_mmp")["in_use"][0]["rows"] == 12


def _edited_fixture(tmp_path, name: str, column: str, value: str, row: int = 3):  # noqa: ANN001, ANN202
    with open(FIXTURES / "iom_mmp" / "export_2025.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row][rows[0].index(column)] = value
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def test_after_a_failed_build_it_names_the_published_snapshots_and_the_rejected_one(paths, tmp_path) -> None:  # noqa: ANN001
    """A build that fails at staging (a count that is not a number), then one that fails at a blocking check
    (an absurd count): each time status lists, as feeding the published database, the good snapshot only;
    names the failed build and its error; and lists the new file as rejected, with the reason."""
    good = land_mmp(paths, FIXTURES / "iom_mmp" / "export_2025.csv", accessed="2025-05-05")
    assert build(paths)[0]
    for kind, column, value, expected in (
        ("staging", "Number of Dead", "1234.7", "is not a count"),
        ("check", "Number of Dead", str(10**9), "stg_iom_mmp__incidents"),
    ):
        bad = land_mmp(paths, _edited_fixture(tmp_path, f"{kind}.csv", column, value), accessed="2025-06-01")
        ok, _report = build(paths)
        assert not ok, kind
        report = collect(paths, today=ACCESSED)
        mmp = _source(report, "iom_mmp")
        assert mmp["in_use_published"] and [f["file"] for f in mmp["in_use"]] == [good.name], kind
        assert bad.name in {r["file"] for r in mmp["rejected"]}, kind
        rejected = next(r for r in mmp["rejected"] if r["file"] == bad.name)
        assert expected in rejected["reason"] and rejected["rejected_at"], rejected
        last = report["last_build_outcome"]
        assert last["outcome"] == "failed" and not last["published"], last
        assert bad.name in {r["file"] for r in last["rejected"]}, last
        if kind == "staging":
            assert any(bad.name in e and "1234.7" in e for e in last["errors"]), last["errors"]
            assert bad.name in {f["file"] for f in mmp["read_not_published"]}
        else:
            assert any(c["outcome"].startswith("FAILED") for c in last["checks_not_passed"]), last
        text = render(report)
        assert "Last build" in text and "FAILED: the published database is unchanged" in text
        assert "Snapshots feeding the published database:" in text
        published_part = text.split("Snapshots feeding the published database:")[1].split("\n\n")[0]
        assert good.name in published_part and bad.name not in published_part
        assert f"iom_mmp: {bad.name} (rejected " in text.split("Rejected snapshots")[1]
