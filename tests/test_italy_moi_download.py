"""Live download of the ministry's three files into the raw store, against a local HTTP server (no network)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipelines import download
from pipelines.defs.italy_moi.source import SOURCE
from pipelines.lib import raw_store
from pipelines.lib.http_fetch import FetchError
from tests.conftest import FIXTURES, require_shared
from tests.support.http_server import ok, serve

ROUTES = {spec.original_name: urlsplit(spec.url).path for spec in SOURCE.download_list()}
HTML = b"<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head><body>slow down</body></html>"


def routes(folder: Path, etag: bool = True) -> dict:
    return {
        path: ok(
            (folder / name).read_bytes(),
            "text/plain; charset=utf-8",
            {"ETag": f'"{name}-v1"'} if etag else None,
        )
        for name, path in ROUTES.items()
    }


def test_the_three_files_land_at_the_publishers_paths_with_their_entities(paths, monkeypatch) -> None:  # noqa: ANN001
    assert ROUTES["nazionalita.csv"] == "/ondata/liberiamoli-tutti/main/sbarchi-migranti/dati/nazionalita.csv"
    with serve(routes(FIXTURES / "italy_moi")) as base:
        monkeypatch.setenv("MIGRATION_URL_ITALY_MOI", base)
        landed = download.refresh_source(paths, SOURCE)
        assert [s.provenance["entity"] for s in landed] == ["daily_landings", "nationality_ytd", "reports"]
        assert all(s.provenance["arrival"] == "live" for s in landed)
        assert landed[1].provenance["download_url"] == base + ROUTES["nazionalita.csv"]
        # nothing changed on the server: conditional requests, 304s, nothing new stored
        assert download.refresh_source(paths, SOURCE) == [None, None, None]
        assert base.requests_for(ROUTES["anagrafica-report.csv"])[-1].headers["if-none-match"]
    assert len(raw_store.list_snapshots(paths.raw_dir, "italy_moi")) == 3


def test_an_html_page_instead_of_a_csv_fails_and_keeps_the_earlier_snapshots(
    paths, monkeypatch, capsys
) -> None:  # noqa: ANN001
    with serve(routes(FIXTURES / "italy_moi", etag=False)) as base:
        monkeypatch.setenv("MIGRATION_URL_ITALY_MOI", base)
        download.refresh_source(paths, SOURCE)
        before = raw_store.list_snapshots(paths.raw_dir, "italy_moi")
        base.routes[ROUTES["nazionalita.csv"]] = ok(HTML, "text/html")
        with pytest.raises(FetchError, match="429 Too Many Requests"):
            download.refresh_source(paths, SOURCE)
        assert download.refresh_all(paths, only=["italy_moi"]) == ["italy_moi"]
    assert "building from the last good snapshot" in capsys.readouterr().err
    assert raw_store.list_snapshots(paths.raw_dir, "italy_moi") == before
    assert not list((paths.raw_dir / ".incoming").iterdir())


@pytest.mark.integration
def test_real_files_downloaded_live_build(paths, monkeypatch) -> None:  # noqa: ANN001
    from tests.build_helpers import build, query
    from tests.test_italy_moi_integration import YEAR_END, year_end_from_file

    real = require_shared("italy_moi")
    with serve(routes(real)) as base:
        monkeypatch.setenv("MIGRATION_URL_ITALY_MOI", base)
        landed = download.refresh_source(paths, SOURCE)
    assert [s.provenance["sha256"] for s in landed] == [raw_store.sha256_of(real / name) for name in ROUTES]
    ok_, report = build(paths, selection="group:italy_moi")
    assert ok_, report.failures
    got = dict(
        query(
            paths.working_db,
            "select year(report_date), sum(arrivals_ytd)::int from staging.stg_italy_moi__arrivals_by_nationality "
            "where report_date in (select max(report_date) from staging.stg_italy_moi__arrivals_by_nationality "
            "group by year(report_date)) and year(report_date) <= 2024 group by 1",
        )
    )
    assert got == year_end_from_file(real / "nazionalita.csv") == YEAR_END
