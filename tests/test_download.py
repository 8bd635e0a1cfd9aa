"""Live download of Missing Migrants into the raw store, against a local HTTP server (no network)."""

from __future__ import annotations

import pytest

from pipelines import download
from pipelines.defs.iom_mmp.source import SOURCE
from pipelines.lib import raw_store
from pipelines.lib.http_fetch import FetchError
from tests.conftest import require_shared
from tests.support.http_server import ok, serve, truncated

PATH = "/sites/g/files/tmzbdl601/files/report-migrant-incident/Missing_Migrants_Global_Figures_allData.csv"


def test_download_lands_a_live_snapshot_then_asks_conditionally(paths, mmp_fixture, monkeypatch) -> None:  # noqa: ANN001
    body = mmp_fixture("export_2025.csv").read_bytes()
    with serve(
        {PATH: ok(body, headers={"ETag": '"v1"', "Last-Modified": "Mon, 05 May 2025 10:00:00 GMT"})}
    ) as base:
        monkeypatch.setenv("MIGRATION_URL_IOM_MMP", base + PATH)
        (snapshot,) = download.refresh_source(paths, SOURCE)
        assert snapshot is not None and snapshot.path.read_bytes() == body
        p = snapshot.provenance
        assert p["arrival"] == "live" and p["download_url"] == base + PATH
        assert (
            p["http"]["etag"] == '"v1"'
            and p["original_name"] == "Missing_Migrants_Global_Figures_allData.csv"
        )
        first = base.requests_for(PATH)[0].headers
        assert first["user-agent"].startswith("migration-evidence/")
        # the server has not changed: a conditional request, a 304, nothing new stored
        assert download.refresh_source(paths, SOURCE) == [None]
        second = base.requests_for(PATH)[-1].headers
        assert second["if-none-match"] == '"v1"'
    assert len(raw_store.list_snapshots(paths.raw_dir, "iom_mmp")) == 1
    assert not list((paths.raw_dir / ".incoming").iterdir())


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            ok(b"<!DOCTYPE html><html><head><title>Site maintenance</title></head></html>", "text/html"),
            "Site maintenance",
        ),
        (truncated(b'"Main ID","Incident ID"\n' + b"1,1\n" * 500, 300), "truncated"),
    ],
)
def test_bad_download_keeps_the_last_good_snapshot(
    paths, mmp_fixture, monkeypatch, capsys, reply, message
) -> None:  # noqa: ANN001
    good = raw_store.land(paths.raw_dir, SOURCE, mmp_fixture("export_2025.csv"), arrival="import")
    with serve({PATH: reply}) as base:
        monkeypatch.setenv("MIGRATION_URL_IOM_MMP", base + PATH)
        with pytest.raises(FetchError, match=message):
            download.refresh_source(paths, SOURCE)
        failures = download.refresh_all(paths, only=["iom_mmp"])
    assert failures == ["iom_mmp"]
    assert "building from the last good snapshot " + good.name in capsys.readouterr().err
    assert [s.path for s in raw_store.list_snapshots(paths.raw_dir, "iom_mmp")] == [good.path]


def test_offline_mode_never_downloads(paths, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("MIGRATION_OFFLINE", "1")
    with serve({}) as base:
        monkeypatch.setenv("MIGRATION_URL_IOM_MMP", base + PATH)
        with pytest.raises(download.OfflineError):
            download.refresh_source(paths, SOURCE)
        assert base.requests == []


@pytest.mark.integration
def test_refresh_command_downloads_the_real_export_and_builds(paths, monkeypatch) -> None:  # noqa: ANN001
    from pipelines.cli import main

    real = require_shared("mmp") / "Missing_Migrants_Global_Figures_allData_2025-05-05.csv"
    with serve({PATH: ok(real.read_bytes(), headers={"ETag": '"2025-05-05"'})}) as base:
        monkeypatch.setenv("MIGRATION_URL_IOM_MMP", base + PATH)
        assert main(["refresh", "--source", "iom_mmp", "--no-images"]) == 0
    snapshot = raw_store.select_snapshot(paths.raw_dir, "iom_mmp")
    assert snapshot.provenance["arrival"] == "live"
    assert snapshot.provenance["sha256"] == raw_store.sha256_of(real)
    from tests.build_helpers import query

    assert query(paths.published_db, "select count(*) from curated.mmp_incidents") == [(19255,)]
