"""Hostile and unreadable workbooks on every path into the build: import (in the corpus), a file already in the
raw store (a store copied from elsewhere, or written by an older version), and a live refresh. Each is refused
with one line naming the file; the published database keeps its figures; `status` names the rejected file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.lib import raw_store
from pipelines.settings import Paths
from pipelines.status import collect
from tests.reliability import corpus, support
from tests.reliability.conftest import GoodBuild, Recorder
from tests.reliability.test_bad_inputs import _comparable
from tests.reliability.test_network_faults import _environment
from tests.support.http_server import ok, serve
from tests.support.workbooks import far_cell, with_sheet_xml

pytestmark = pytest.mark.reliability

GLOTIP_PATH = "/sites/dataunodc.un.org/files/data_glotip.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _place(paths: Paths, content: bytes, name: str, **changes: object) -> raw_store.Snapshot:
    """Puts `content` into the GLOTIP raw store beside the sample's release, with a sidecar like that one's
    (accepted), as a store copied from another machine or written by an older version holds it."""
    (model,) = raw_store.list_snapshots(paths.raw_dir, "unodc_glotip")[-1:]
    digest = hashlib.sha256(content).hexdigest()
    stored = f"2026-02-01_{digest[:12]}_{name}"
    target = paths.raw_dir / "unodc_glotip" / stored
    target.write_bytes(content)
    record = dict(model.provenance, file=stored, original_name=name, sha256=digest, bytes=len(content),
                  accessed="2026-02-01", landed_at=dt.datetime.now(dt.UTC).isoformat(), **changes)  # fmt: skip
    raw_store.validate_provenance(record)
    Path(f"{target}{raw_store.SIDECAR_SUFFIX}").write_text(json.dumps(record, indent=2))
    return raw_store.Snapshot(target, record)


def _build(paths: Paths, capsys: pytest.CaptureFixture) -> tuple[int, str]:
    code = cli.main(
        ["--data-dir", str(paths.data_dir), "--reports-dir", str(paths.reports_dir), "build", "--no-images"]
    )
    return code, capsys.readouterr().err


def _rejected_in_status(paths: Paths, name: str) -> str:
    item = next(i for i in collect(paths)["sources"] if i["source"] == "unodc_glotip")
    assert name not in {f["file"] for f in item["in_use"]}
    (reason,) = [r["reason"] for r in item["rejected"] if r["file"] == name]
    return reason


def test_the_build_refuses_a_hostile_workbook_already_in_the_store(
    good_build: GoodBuild, copy_of_good_build: Paths, recorder: Recorder, capsys: pytest.CaptureFixture
) -> None:
    paths = copy_of_good_build
    with recorder.case("hostile", "build: a cell at XFD1048576 in a stored workbook"):
        hostile = far_cell(corpus.glotip_xlsx(corpus.glotip_rows()))
        snapshot = _place(paths, hostile, "data_glotip.xlsx", published="2030-01-01")
        code, err = _build(paths, capsys)
        assert code == cli.FAILED and "Traceback" not in err, err
        named = [
            line for line in err.splitlines() if snapshot.name in line and "refused before reading it" in line
        ]
        assert named and all("\n" not in line for line in named), err
        assert support.file_sha256(paths.published_db) == good_build.published_sha256
        assert "column 16,384" in _rejected_in_status(paths, snapshot.name)


def test_the_build_rejects_an_undated_unreadable_release_an_older_version_accepted(
    good_build: GoodBuild, copy_of_good_build: Paths, recorder: Recorder, capsys: pytest.CaptureFixture
) -> None:
    """An older version swallowed the error reading the release date and stored the file as an undated
    release; the build now marks it rejected, says so in its summary, and publishes the same figures."""
    paths = copy_of_good_build
    with recorder.case("hostile", "build: a corrupt newer workbook stored as undated"):
        corrupt = with_sheet_xml(corpus.glotip_xlsx(corpus.glotip_rows()), lambda xml: xml[: len(xml) // 2])
        snapshot = _place(paths, corrupt, "data_glotip.xlsx", published=None, published_basis=None)
        code, err = _build(paths, capsys)
        assert code == cli.OK, err
        assert re.search(
            rf"marked rejected while reading it: unodc_glotip/{snapshot.name}: .*cannot be read", err
        )
        assert _comparable(paths.published_db) == _comparable(good_build.paths.published_db)
        assert "found by the build" in _rejected_in_status(paths, snapshot.name)


def test_a_refresh_refuses_a_hostile_download_and_builds_from_the_last_good_release(
    good_build: GoodBuild,
    copy_of_good_build: Paths,
    recorder: Recorder,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    paths = copy_of_good_build
    with recorder.case("hostile", "refresh: a cell at XFD1048576 downloaded"):
        before = sorted(p.name for p in (paths.raw_dir / "unodc_glotip").iterdir())
        hostile = far_cell(corpus.glotip_xlsx(corpus.glotip_rows()))
        _environment(monkeypatch, paths, tmp_path)
        with serve({GLOTIP_PATH: ok(hostile, content_type=XLSX)}) as base:
            monkeypatch.setenv("MIGRATION_URL_UNODC_GLOTIP", base)
            code = cli.main(["--data-dir", str(paths.data_dir), "--reports-dir", str(paths.reports_dir),
                             "refresh", "--source", "unodc_glotip", "--no-images"])  # fmt: skip
        err = capsys.readouterr().err
        assert code == cli.OK and "Traceback" not in err, err
        (refused,) = [line for line in err.splitlines() if line.startswith("✘")]
        assert "unodc_glotip" in refused and "refused before reading it" in refused, err
        assert "building from the last good snapshot" in err
        assert sorted(p.name for p in (paths.raw_dir / "unodc_glotip").iterdir()) == before
        assert support.table_digests(paths.published_db) == good_build.digests
    shutil.rmtree(tmp_path / "dagster_home", ignore_errors=True)
