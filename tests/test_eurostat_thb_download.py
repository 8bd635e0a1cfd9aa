"""Live download of the Eurostat datasets into the raw store, against a local HTTP server (no network)."""

from __future__ import annotations

import pytest

from pipelines import download
from pipelines.defs.eurostat_thb.source import SOURCE
from pipelines.lib import raw_store
from pipelines.lib.http_fetch import FetchError
from tests.conftest import FIXTURES
from tests.support.http_server import ok, serve

DATASETS = ("crim_thb_vctz", "crim_thb_vexp", "crim_thb_sex")


def path_of(dataset: str) -> str:
    """The publisher's path and query, which the mirror keeps."""
    return f"/eurostat/api/dissemination/sdmx/2.1/data/{dataset}?format=SDMX-CSV"


def routes() -> dict:
    return {
        path_of(d): ok((FIXTURES / "eurostat_thb" / f"{d}.csv").read_bytes(), headers={"ETag": f'"{d}-1"'})
        for d in DATASETS
    }


def test_refresh_lands_one_snapshot_per_dataset(paths, monkeypatch) -> None:  # noqa: ANN001
    with serve(routes()) as base:
        monkeypatch.setenv("MIGRATION_URL_EUROSTAT_THB", base)
        landed = download.refresh_source(paths, SOURCE)
        assert [s.provenance["entity"] for s in landed] == list(DATASETS)
        for snapshot in landed:
            p = snapshot.provenance
            assert p["arrival"] == "live" and p["published"] == "2024-11-14"
            assert p["download_url"] == base + path_of(p["entity"])
            assert p["original_name"] == f"{p['entity']}.csv"
        assert all(base.hits(path_of(d)) == 1 for d in DATASETS)
        assert (
            base.requests_for(path_of("crim_thb_sex"))[0]
            .headers["user-agent"]
            .startswith("migration-evidence/")
        )
        # nothing changed on the server: conditional requests, nothing new stored
        assert download.refresh_source(paths, SOURCE) == [None, None, None]
        assert base.requests_for(path_of("crim_thb_vctz"))[-1].headers["if-none-match"] == '"crim_thb_vctz-1"'
    assert len(raw_store.list_snapshots(paths.raw_dir, "eurostat_thb")) == 3


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            ok(
                b"<!DOCTYPE html><html><head><title>Eurostat - Maintenance</title></head></html>", "text/html"
            ),
            "Maintenance",
        ),
        (ok(b"", "text/csv"), "empty body"),
    ],
)
def test_bad_reply_fails_clearly_and_keeps_earlier_snapshots(
    paths, monkeypatch, capsys, reply, message: str
) -> None:  # noqa: ANN001
    with serve(routes()) as base:
        monkeypatch.setenv("MIGRATION_URL_EUROSTAT_THB", base)
        first = download.refresh_source(paths, SOURCE)
    broken = dict(routes(), **{path_of("crim_thb_vexp"): reply})
    with serve(broken) as base:
        monkeypatch.setenv("MIGRATION_URL_EUROSTAT_THB", base)
        with pytest.raises(FetchError, match=message) as error:
            download.refresh_source(paths, SOURCE)
        assert "eurostat_thb" in str(error.value) and "crim_thb_vexp" in str(error.value)
        assert download.refresh_all(paths, only=["eurostat_thb"]) == ["eurostat_thb"]
    assert "building from the last good snapshot" in capsys.readouterr().err
    kept = raw_store.list_snapshots(paths.raw_dir, "eurostat_thb", include_rejected=True)
    assert sorted(s.path for s in kept) == sorted(s.path for s in first)
    assert not list((paths.raw_dir / ".incoming").iterdir())
