"""`migration-evidence refresh` against a local server that misbehaves (500, 503 with Retry-After, a timeout, a
connection reset, a trickle, 304 Not Modified, a redirect loop): retries are bounded, a failed download leaves the
raw store and the published database as they were, and the build that follows uses the last good snapshot and says
so; with no earlier snapshot the build fails clearly. Only 127.0.0.1 is contacted.

The Missing Migrants address is pointed at the server with MIGRATION_URL_IOM_MMP (scheme and host replaced, the
publisher's path kept) and the client is made quick with MIGRATION_HTTP_RETRIES / _BACKOFF / _TIMEOUT / _DEADLINE.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.lib import raw_store
from pipelines.sample.iom_mmp import sample_csv
from pipelines.settings import Paths, resolve_paths
from tests.reliability import support
from tests.reliability.conftest import Recorder
from tests.support.http_server import Reply, ok, redirect, reset, serve, slow, status, trickle

pytestmark = pytest.mark.reliability

PATH = "/sites/g/files/tmzbdl601/files/report-migrant-incident/Missing_Migrants_Global_Figures_allData.csv"
RETRIES = 2
CLIENT = {
    "MIGRATION_HTTP_RETRIES": str(RETRIES),
    "MIGRATION_HTTP_BACKOFF": "0.01",
    "MIGRATION_HTTP_TIMEOUT": "0.5",
    "MIGRATION_HTTP_DEADLINE": "2",
}
GOOD = sample_csv()
NEWER = b"\n".join(GOOD.rstrip(b"\n").split(b"\n")[:-25]) + b"\n"


@dataclass(frozen=True)
class Refreshed:
    root: Path
    paths: Paths
    good: raw_store.Snapshot
    published_sha256: str


def _environment(patch: pytest.MonkeyPatch, paths: Paths, root: Path) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        patch.delenv(name, raising=False)
    patch.delenv("MIGRATION_OFFLINE", raising=False)
    patch.setenv("NO_PROXY", "127.0.0.1")
    for name, value in CLIENT.items():
        patch.setenv(name, value)
    patch.setenv("MIGRATION_DATA_DIR", str(paths.data_dir))
    patch.setenv("MIGRATION_REPORTS_DIR", str(paths.reports_dir))
    patch.setenv("DAGSTER_HOME", str(root / "dagster_home"))


def _refresh(paths: Paths, *extra: str) -> int:
    return cli.main(
        [
            "--data-dir",
            str(paths.data_dir),
            "--reports-dir",
            str(paths.reports_dir),
            "refresh",
            "--source",
            "iom_mmp",
            "--no-images",
            *extra,
        ]  # fmt: skip
    )


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Refreshed]:
    """A data directory after one good live refresh of Missing Migrants (ETag "v1") and its build."""
    root = tmp_path_factory.mktemp("refreshed")
    paths = resolve_paths(root / "data", root / "reports")
    with pytest.MonkeyPatch.context() as patch, serve({PATH: ok(GOOD, headers={"ETag": '"v1"'})}) as base:
        _environment(patch, paths, root)
        patch.setenv("MIGRATION_URL_IOM_MMP", base)
        assert _refresh(paths) == 0
        (good,) = raw_store.list_snapshots(paths.raw_dir, "iom_mmp")
        yield Refreshed(root, paths, good, support.file_sha256(paths.published_db))


@pytest.fixture
def copy_of_refreshed(refreshed: Refreshed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    paths = support.clone(refreshed.root, tmp_path)
    _environment(monkeypatch, paths, tmp_path)
    return paths


FAULTS = {
    "500 Internal Server Error": (status(500), r"HTTP 500|server kept failing", RETRIES + 1),
    "timeout (no answer within the read timeout)": (slow(5.0), r"read timed out", RETRIES + 1),
    "connection reset": (reset(), r"connection failed|Connection reset|aborted", RETRIES + 1),
    "trickle slower than the read timeout": (
        trickle(GOOD, interval=1.0, chunk_size=64),
        r"truncated: got \d+ of \d+ bytes \(read timed out\)",
        1,
    ),
    "trickle within the timeout, past the deadline": (
        trickle(GOOD, interval=0.05, chunk_size=512),
        r"exceeded the 2s deadline",
        1,
    ),
    "redirect loop": (None, r"redirect loop", 2),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_failed_download_falls_back_to_the_last_good_snapshot_and_says_so(
    fault: str,
    refreshed: Refreshed,
    copy_of_refreshed: Paths,
    capsys: pytest.CaptureFixture,
    recorder: Recorder,
) -> None:
    paths = copy_of_refreshed
    reply, problem, most_attempts = FAULTS[fault]
    routes: dict[str, Reply] = (
        {PATH: reply} if reply else {PATH: redirect("/mirror/b"), "/mirror/b": redirect(PATH)}
    )
    with recorder.case("network", fault):
        capsys.readouterr()
        with serve(routes) as base, pytest.MonkeyPatch.context() as patch:
            patch.setenv("MIGRATION_URL_IOM_MMP", base)
            started = time.monotonic()
            code = _refresh(paths)
            elapsed = time.monotonic() - started
            attempts = base.hits(PATH)
        err = capsys.readouterr().err
        assert code == 0, err  # not --strict: the build ran, from the last good snapshot
        assert "✘ iom_mmp: " in err and _matches(problem, err), err
        assert f"building from the last good snapshot {refreshed.good.name}" in err, err
        assert 1 <= attempts <= most_attempts, f"{attempts} attempts"  # retries are bounded
        assert elapsed < 60, f"the refresh took {elapsed:.0f}s"
        assert [
            s.name for s in raw_store.list_snapshots(paths.raw_dir, "iom_mmp", include_rejected=True)
        ] == [refreshed.good.name]
        assert list((paths.raw_dir / ".incoming").iterdir()) == []  # no partial download left
        assert support.file_sha256(paths.published_db) == refreshed.published_sha256


def _matches(pattern: str, text: str) -> bool:
    import re

    return re.search(pattern, text) is not None


def test_503_with_retry_after_is_waited_out_then_the_new_file_lands(
    copy_of_refreshed: Paths, refreshed: Refreshed, capsys: pytest.CaptureFixture, recorder: Recorder
) -> None:
    paths = copy_of_refreshed
    with recorder.case("network", "503 with Retry-After"):
        replies = [status(503, retry_after="1"), ok(NEWER, headers={"ETag": '"v2"'})]
        with serve({PATH: replies}) as base, pytest.MonkeyPatch.context() as patch:
            patch.setenv("MIGRATION_URL_IOM_MMP", base)
            started = time.monotonic()
            assert _refresh(paths) == 0
            elapsed = time.monotonic() - started
            assert base.hits(PATH) == 2
        assert elapsed >= 1.0, "Retry-After: 1 was not honoured"
        newest = raw_store.select_snapshot(paths.raw_dir, "iom_mmp")
        assert newest.path.read_bytes() == NEWER and newest.provenance["http"]["etag"] == '"v2"'
        assert support.file_sha256(paths.published_db) != refreshed.published_sha256
        assert "Published database" in capsys.readouterr().err


def test_304_not_modified_keeps_the_snapshot_and_the_database(
    copy_of_refreshed: Paths, refreshed: Refreshed, capsys: pytest.CaptureFixture, recorder: Recorder
) -> None:
    paths = copy_of_refreshed
    with recorder.case("network", "304 Not Modified"):
        capsys.readouterr()
        with serve({PATH: ok(GOOD, headers={"ETag": '"v1"'})}) as base, pytest.MonkeyPatch.context() as patch:
            patch.setenv("MIGRATION_URL_IOM_MMP", base)
            assert _refresh(paths) == 0
            request = base.requests_for(PATH)[-1]
        assert request.headers.get("if-none-match") == '"v1"'  # a conditional request...
        err = capsys.readouterr().err
        assert "= iom_mmp: not modified since the last download" in err  # ...answered 304
        assert [s.name for s in raw_store.list_snapshots(paths.raw_dir, "iom_mmp")] == [refreshed.good.name]
        assert support.file_sha256(paths.published_db) == refreshed.published_sha256


def test_strict_refresh_stops_and_status_shows_the_snapshot_in_use(
    copy_of_refreshed: Paths, refreshed: Refreshed, capsys: pytest.CaptureFixture, recorder: Recorder
) -> None:
    paths = copy_of_refreshed
    with recorder.case("network", "500 with --strict, then status"):
        with serve({PATH: status(500)}) as base, pytest.MonkeyPatch.context() as patch:
            patch.setenv("MIGRATION_URL_IOM_MMP", base)
            assert _refresh(paths, "--strict") == 1
        err = capsys.readouterr().err
        assert "✘ iom_mmp: " in err and "Published database" not in err
        assert cli.main(["--data-dir", str(paths.data_dir), "status", "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        (mmp,) = [s for s in report["sources"] if s["source"] == "iom_mmp"]
        assert [f["file"] for f in mmp["in_use"]] == [refreshed.good.name]
        assert mmp["age_days"] is not None and "stale" in mmp


def test_with_no_earlier_snapshot_the_build_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, recorder: Recorder
) -> None:
    paths = resolve_paths(tmp_path / "data", tmp_path / "reports")
    _environment(monkeypatch, paths, tmp_path)
    with recorder.case("network", "500 with no earlier snapshot"):
        with serve({PATH: status(500)}) as base:
            monkeypatch.setenv("MIGRATION_URL_IOM_MMP", base)
            code = _refresh(paths)
        err = capsys.readouterr().err
        assert code == 1, err
        assert "no earlier snapshot of iom_mmp exists" in err
        assert "iom_mmp: no snapshot in" in err and "BUILD FAILED" in err
        assert not paths.published_db.exists()
