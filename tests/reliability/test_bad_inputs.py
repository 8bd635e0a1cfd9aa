"""Bad inputs for every source (tests/reliability/corpus.py; the policy of each case is tabled in
docs/reliability.md): each is refused at import, fails the build, stops at a blocking check, or is accepted or
cleaned as documented. Whatever happens, the published evidence.duckdb stays byte-identical unless the input
was accepted, and a file that fails to parse is kept in the raw store, marked rejected, never the newest.

Every case starts from a copy of one good build of the sample; the build after landing the bad file is a full
build, in which Dagster requests only the changed source's assets and what depends on them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.lib import raw_store
from pipelines.lib.sources import get_source
from pipelines.settings import Paths
from tests.build_helpers import query
from tests.conftest import ROOT, require_shared
from tests.reliability import corpus, support
from tests.reliability.conftest import GoodBuild, Recorder
from tests.reliability.support import build

pytestmark = pytest.mark.reliability

CASES = corpus.cases()


def _names_a_file(column: str) -> bool:
    """Columns that name the stored file (which differs for an accepted variant) rather than hold data."""
    return column == "file" or column.endswith(("_file", "_files")) or column in support.BUILD_TIME_COLUMNS


# Which files the build read (an accepted variant is read beside the good file, and the two combine by coverage):
# the figures must match, these lists of files need not.
BOOKKEEPING = (
    "curated.source_snapshots",
    "curated.validation_results",
    "curated.mmp_vintages",
    "curated.mmp_coverage_monthly",
)


def _land(case: corpus.Case, paths: Paths, scratch: Path) -> raw_store.Snapshot:
    name, content = case.make()
    if case.sparse_size is None:
        return support.land_bytes(paths, case.source, name, content, scratch, stands_for=case.stands_for)
    scratch.mkdir(parents=True, exist_ok=True)
    file = scratch / name
    file.write_bytes(content)
    os.truncate(file, case.sparse_size)  # sparse: no disk space, no time
    return raw_store.land(
        paths.raw_dir, get_source(case.source), file, arrival="import", accessed=support.NEWEST
    )


def _stored(paths: Paths, source: str) -> set[str]:
    folder = paths.raw_dir / source
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def _where_pattern(case: corpus.Case) -> str:
    return r"row \d+|\[\d+\]" if case.row else ""


PARAMS = [
    pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.gap)] if c.gap else [])
    for c in CASES
]


@pytest.mark.parametrize("case", PARAMS)
def test_bad_input(
    case: corpus.Case,
    good_build: GoodBuild,
    copy_of_good_build: Paths,
    tmp_path: Path,
    recorder: Recorder,
) -> None:
    if case.real:
        require_shared(case.real)
    paths = copy_of_good_build
    with recorder.case("bad_inputs_gaps" if case.gap else "bad_inputs", case.id):
        if case.policy == "import":
            _refused_at_import(case, paths, tmp_path / "incoming")
        elif case.policy == "rejected-at-import":
            _rejected_at_import(case, paths, tmp_path / "incoming", good_build)
        else:
            snapshot = _land(case, paths, tmp_path / "incoming")
            assert snapshot.path.parent == paths.raw_dir / case.source
            # on the copy's own Dagster instance: the build redoes what the new snapshot reaches, as a user's would
            ok, report = build(paths)
            if case.policy == "build":
                _failed_reading(case, paths, snapshot, ok, report, good_build)
            elif case.policy == "check":
                _stopped_by_check(case, paths, snapshot, ok, report, good_build)
            elif case.policy == "vintage":
                _stopped_by_vintage(case, paths, snapshot, ok, report, good_build)
            else:
                _accepted(case, paths, snapshot, ok, report, good_build)
        by_policy = recorder.figures.setdefault("bad_inputs_by_policy", {})
        by_policy[case.policy] = by_policy.get(case.policy, 0) + 1


def _refused_at_import(case: corpus.Case, paths: Paths, scratch: Path) -> None:
    before = _stored(paths, case.source)
    with pytest.raises(raw_store.RawStoreError) as refused:
        _land(case, paths, scratch)
    message = str(refused.value)
    name, _content = case.make()
    assert message.startswith(f"{case.source}: "), message
    assert name in message, message
    assert re.search(case.expect, message), message
    assert _stored(paths, case.source) == before, "a refused file must leave nothing in the raw store"


def _rejected_at_import(case: corpus.Case, paths: Paths, scratch: Path, good_build: GoodBuild) -> None:
    """Stored, marked rejected at import with the reason (naming source and stored file), never the newest;
    the next build publishes exactly the good build's figures, and status names the file as rejected."""
    snapshot = _land(case, paths, scratch)
    p = snapshot.provenance
    assert p["status"] == "rejected" and p["rejected_at"], p
    assert p["rejection_reason"].startswith(f"{case.source}: {snapshot.name}: "), p["rejection_reason"]
    assert re.search(case.expect, p["rejection_reason"]), p["rejection_reason"]
    assert snapshot.name not in {s.name for s in raw_store.list_snapshots(paths.raw_dir, case.source)}
    ok, report = build(paths)
    assert ok, report.failures
    assert support.table_digests(paths.published_db) == good_build.digests
    _status_names_the_rejected(paths, case.source, snapshot, failed=False)


def _status_names_the_rejected(
    paths: Paths, source: str, snapshot: raw_store.Snapshot, *, failed: bool
) -> None:
    """`status` after the build: the published database's snapshots without the bad file, the bad file among
    the rejected ones (with its reason), and the last build's outcome."""
    from pipelines.status import collect, render

    report = collect(paths)
    item = next(i for i in report["sources"] if i["source"] == source)
    assert item["in_use_published"] and snapshot.name not in {f["file"] for f in item["in_use"]}
    assert snapshot.name in {r["file"] for r in item["rejected"] if r["reason"]}, item["rejected"]
    last = report["last_build_outcome"]
    assert last["outcome"] == (
        "failed" if failed else "succeeded" if last["published"] else "nothing changed"
    )
    text = render(report)
    assert snapshot.name in text.split("Rejected snapshots", 1)[1]
    assert ("FAILED: the published database is unchanged" in text) == failed


def _failure(report, snapshot: raw_store.Snapshot) -> str:  # noqa: ANN001
    found = [f for f in report.failures if snapshot.name in f]
    assert found, f"no failure names {snapshot.name}: {report.failures}"
    return found[0]


def _failed_reading(case, paths, snapshot, ok, report, good_build) -> None:  # noqa: ANN001
    assert not ok
    message = _failure(report, snapshot)
    assert f"{case.source}: {snapshot.name}" in message, message
    assert re.search(case.expect, message), message
    if case.row:
        assert re.search(_where_pattern(case), message), f"no row or JSON path in: {message}"
    if case.column:
        assert f"column {case.column!r}" in message, message
    assert support.file_sha256(paths.published_db) == good_build.published_sha256
    # kept apart: stored, marked rejected with the reason, never selected again
    sidecar = json.loads(Path(f"{snapshot.path}{raw_store.SIDECAR_SUFFIX}").read_text())
    assert snapshot.path.is_file() and sidecar["status"] == "rejected"
    assert snapshot.name in sidecar["rejection_reason"]
    accepted = raw_store.list_snapshots(paths.raw_dir, case.source)
    assert snapshot.name not in {s.name for s in accepted}
    entity = snapshot.provenance.get("entity", "all")
    newest = raw_store.newest_by_entity(paths.raw_dir, case.source).get(entity)
    assert newest is None or newest.name != snapshot.name
    _status_names_the_rejected(paths, case.source, snapshot, failed=True)


def _stopped_by_check(case, paths, snapshot, ok, report, good_build) -> None:  # noqa: ANN001
    assert not ok
    failed = [c["check"] for c in report.checks if c["outcome"] == "FAILED (error)"]
    assert failed and all(f"stg_{case.source}__" in c for c in failed), report.checks
    # what the command line prints under the failed check: the expectation, the column and how many values
    details = [d for c in report.checks if c["outcome"] == "FAILED (error)" for d in c["details"]]
    assert any(re.search(case.expect, d) and case.column in d and "unexpected" in d for d in details), details
    assert support.file_sha256(paths.published_db) == good_build.published_sha256
    con = duckdb.connect(str(paths.working_db), read_only=True)
    try:
        rows = con.execute(
            "select asset, check_name, expectation, kwargs, unexpected_count from meta.validation_results "
            "where not success and severity <> 'warn'"
        ).fetchall()
        files = {
            f
            for (f,) in con.execute(
                "select file from meta.snapshots_used where source = ?", [case.source]
            ).fetchall()
        }
    finally:
        con.close()
    # the check names the table (so the source), the expectation, the column and how many values failed...
    assert any(
        re.search(case.expect, expectation) and case.column in kwargs and (count or 0) >= 1
        for _asset, _check, expectation, kwargs, count in rows
    ), rows
    # ...and the build recorded which stored file the staging table was read from
    assert snapshot.name in files
    published = {f for (f,) in query(paths.published_db, "select file from curated.source_snapshots")}
    assert snapshot.name not in published
    # kept apart: marked rejected, naming the file, the check and the expectation, never selected again
    sidecar = json.loads(Path(f"{snapshot.path}{raw_store.SIDECAR_SUFFIX}").read_text())
    reason = sidecar["rejection_reason"] or ""
    assert sidecar["status"] == "rejected", sidecar
    assert snapshot.name in reason and f"stg_{case.source}__" in reason and re.search(case.expect, reason), (
        reason
    )
    assert f"{case.source}/{snapshot.name}" in report.rejected
    assert snapshot.name not in {s.name for s in raw_store.list_snapshots(paths.raw_dir, case.source)}
    _status_names_the_rejected(paths, case.source, snapshot, failed=True)


def _stopped_by_vintage(case, paths, snapshot, ok, report, good_build) -> None:  # noqa: ANN001
    """A blocking vintage check failed: the comparison printed under it, nothing published, the new file marked
    rejected with the comparison in its reason, and status naming it."""
    assert not ok
    failed = [c for c in report.checks if c["outcome"] == "FAILED (error)"]
    assert failed and all(f"stg_{case.source}__" in c["check"] for c in failed), report.checks
    assert any(re.search(case.expect, d) for c in failed for d in c["details"]), failed
    assert support.file_sha256(paths.published_db) == good_build.published_sha256
    sidecar = json.loads(Path(f"{snapshot.path}{raw_store.SIDECAR_SUFFIX}").read_text())
    reason = sidecar["rejection_reason"] or ""
    assert sidecar["status"] == "rejected" and snapshot.name in reason and re.search(case.expect, reason), (
        reason
    )
    assert "migration-evidence accept" in reason
    assert f"{case.source}/{snapshot.name}" in report.rejected
    _status_names_the_rejected(paths, case.source, snapshot, failed=True)


def _comparable(database: Path) -> dict[str, str]:
    digests = support.table_digests(database, exclude=_names_a_file)
    return {t: d for t, d in digests.items() if t not in BOOKKEEPING}


def _accepted(case, paths, snapshot, ok, report, good_build) -> None:  # noqa: ANN001
    assert ok, report.failures
    assert snapshot.provenance["status"] == "accepted"
    published = {f for (f,) in query(paths.published_db, "select file from curated.source_snapshots")}
    assert snapshot.name in published
    if case.policy == "accepted":
        # the same figures as the sample it was made from
        assert _comparable(paths.published_db) == _comparable(good_build.paths.published_db)
    else:
        notes = query(
            paths.published_db,
            "select count(*) from staging.stg_iom_mmp__incidents, unnest(cleaning_notes) as n(note) "
            "where note like ?",
            [f"%{case.expect}%"],
        )
        assert notes[0][0] >= 1


def _next_build_is_the_good_one(paths: Paths, good_build: GoodBuild, bad: raw_store.Snapshot) -> None:
    """The build after a rejection succeeds, leaves `bad` out and publishes the good build's figures."""
    ok, report = build(paths)
    assert ok, report.failures
    used = query(paths.published_db, "select file from curated.source_snapshots where source = 'iom_mmp'")
    assert bad.name not in {f for (f,) in used}
    assert support.table_digests(paths.published_db) == good_build.digests | {
        t: d for t, d in support.table_digests(paths.published_db).items() if t in BOOKKEEPING
    }


def test_a_rejected_snapshot_leaves_the_next_build_on_the_previous_good_one(
    good_build: GoodBuild, copy_of_good_build: Paths, tmp_path: Path, recorder: Recorder
) -> None:
    """After a rejection the next build runs from the previous good snapshot and publishes the same figures."""
    paths = copy_of_good_build
    with recorder.case("bad_inputs_followup", "rebuild after rejection"):
        content = corpus.set_cell(corpus.sample_mmp(), 5, "Number of Dead", "twelve")
        bad = support.land_bytes(paths, "iom_mmp", corpus.MMP, content, tmp_path / "in")
        ok, _report = build(paths)
        assert not ok
        _next_build_is_the_good_one(paths, good_build, bad)


def test_a_file_failing_a_blocking_check_is_set_aside_and_can_be_put_back(
    good_build: GoodBuild, copy_of_good_build: Paths, tmp_path: Path, recorder: Recorder
) -> None:
    """A file that fails a blocking check is marked rejected after the build; the next build goes back to the
    previous good snapshot and publishes the same figures; `accept` puts the file back, and the build after that
    reads it (and fails its check) again."""
    paths = copy_of_good_build
    with recorder.case("bad_inputs_followup", "rebuild after a failed check"):
        case = next(c for c in CASES if c.id == "mmp-absurd-count")
        assert case.policy == "check"
        name, content = case.make()
        bad = support.land_bytes(paths, "iom_mmp", name, content, tmp_path / "in")
        ok, report = build(paths)
        assert not ok and report.rejected == [f"iom_mmp/{bad.name}"], report.rejected
        _next_build_is_the_good_one(paths, good_build, bad)
        published = support.file_sha256(paths.published_db)
        result = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "--data-dir", str(paths.data_dir), "--reports-dir",
             str(paths.reports_dir), "accept", "iom_mmp", bad.name],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        sidecar = json.loads(Path(f"{bad.path}{raw_store.SIDECAR_SUFFIX}").read_text())
        assert sidecar["status"] == "accepted" and bad.name in sidecar["previous_rejections"][0]
        ok, report = build(paths)
        assert not ok and report.rejected == [], "a file put back by hand is not rejected twice"
        assert support.file_sha256(paths.published_db) == published


def test_every_case_is_in_the_policy_table() -> None:
    table = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([a-z0-9-]+)` \| [^|]+ \| [^|]+ \| ([\w-]+) \|", table, re.M))
    assert listed == {c.id: c.policy for c in CASES}
    assert len(CASES) >= 40 and {c.source for c in CASES} == {
        "iom_mmp",
        "unhcr_odp",
        "italy_moi",
        "unodc_glotip",
        "eurostat_thb",
    }
