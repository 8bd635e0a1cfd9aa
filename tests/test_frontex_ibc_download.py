"""Live download of the newest Frontex workbook listed in releases.csv, against a local HTTP server (no network)."""

from __future__ import annotations

import pytest

from pipelines import download
from pipelines.defs.frontex_ibc.source import SOURCE, releases
from pipelines.lib import raw_store
from pipelines.lib.http_fetch import FetchError
from tests.frontex_helpers import frontex_xlsx
from tests.support.http_server import ok, serve

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def path_of_newest() -> str:
    """The publisher's path (the mirror keeps it): /assets/Migratory_routes/<year>/Monthly_detections_of_IBC_<date>.xlsx"""
    return "/" + releases()[-1][1].split("/", 3)[3]


def test_refresh_lands_the_newest_release_with_its_dates(paths, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    body = frontex_xlsx(tmp_path, "2025").read_bytes()
    with serve({path_of_newest(): ok(body, XLSX, headers={"ETag": '"ibc-1"'})}) as base:
        monkeypatch.setenv("MIGRATION_URL_FRONTEX_IBC", base)
        [snapshot] = download.refresh_source(paths, SOURCE)
        p = snapshot.provenance
        assert p["arrival"] == "live" and p["published"] == "2025-06-03"
        assert p["download_url"] == base + path_of_newest()
        assert p["original_name"] == path_of_newest().rsplit("/", 1)[-1]
        assert base.requests_for(path_of_newest())[0].headers["user-agent"].startswith("migration-evidence/")
        assert download.refresh_source(paths, SOURCE) == [
            None
        ]  # unchanged: a conditional request, nothing stored
        assert base.requests_for(path_of_newest())[-1].headers["if-none-match"] == '"ibc-1"'
    assert len(raw_store.list_snapshots(paths.raw_dir, "frontex_ibc")) == 1


def test_an_html_page_instead_of_the_workbook_fails_and_keeps_the_earlier_snapshot(
    paths, tmp_path, monkeypatch, capsys
) -> None:  # noqa: ANN001
    body = frontex_xlsx(tmp_path, "2025").read_bytes()
    with serve({path_of_newest(): ok(body, XLSX)}) as base:
        monkeypatch.setenv("MIGRATION_URL_FRONTEX_IBC", base)
        [first] = download.refresh_source(paths, SOURCE)
    page = b"<!DOCTYPE html><html><head><title>Frontex - Page not found</title></head></html>"
    with serve({path_of_newest(): ok(page, "text/html")}) as base:
        monkeypatch.setenv("MIGRATION_URL_FRONTEX_IBC", base)
        with pytest.raises(FetchError, match="Page not found"):
            download.refresh_source(paths, SOURCE)
        assert download.refresh_all(paths, only=["frontex_ibc"]) == ["frontex_ibc"]
    assert "building from the last good snapshot" in capsys.readouterr().err
    assert [
        s.path for s in raw_store.list_snapshots(paths.raw_dir, "frontex_ibc", include_rejected=True)
    ] == [first.path]
