"""Integration: the real UNHCR portal files in ../shared/data/unhcr, imported from their manifest and fetched
through a local HTTP server at the addresses the manifest names."""

from __future__ import annotations

import json
from collections import defaultdict
from urllib.parse import urlsplit

import pytest

from pipelines import download
from pipelines.cli import main
from pipelines.defs.unhcr_odp import config, read
from pipelines.defs.unhcr_odp.source import SOURCE
from pipelines.lib.sources import Download
from tests.build_helpers import build, query
from tests.conftest import require_shared
from tests.support.http_server import ok, serve

pytestmark = pytest.mark.integration

# UNHCR's published sea arrivals to Italy (../shared/data/README.md).
ITALY_PUBLISHED = {2014: 170100, 2015: 153842, 2016: 181436, 2017: 119369, 2018: 23370}


def monthly_totals_from_files(folder, geo: str, group: str) -> dict[int, int]:  # noqa: ANN001
    """Independent of the pipeline: yearly sums of every monthly point of the matching manifest files."""
    totals: dict[int, int] = defaultdict(int)
    for entry in json.loads((folder / "manifest.json").read_text()):
        query_string = urlsplit(entry["stands_for"]).query
        if f"geo_id={geo}&" not in query_string + "&" or f"population_group={group}" not in query_string:
            continue
        for point in json.loads((folder / entry["file"]).read_text())["data"]["timeseries"]:
            totals[point["year"]] += point["individuals"]
    return dict(totals)


def staged_italy(paths) -> dict[int, int]:  # noqa: ANN001
    return dict(query(paths.working_db, "select year, sum(arrivals)::int from staging.stg_unhcr_odp__arrivals "
                                        "where is_preferred and country_iso3 = 'ITA' and arrival_type = 'sea' group by 1"))  # fmt: skip


def test_manifest_import_reproduces_unhcr_figures(paths) -> None:  # noqa: ANN001
    folder = require_shared("unhcr")
    assert main(["import", "unhcr_odp", "--manifest", str(folder / "manifest.json")]) == 0
    ok_, report = build(paths, selection="group:unhcr_odp")
    assert ok_, report.failures
    expected = monthly_totals_from_files(folder, "656", "4797")
    assert staged_italy(paths) == expected
    assert {y: expected[y] for y in ITALY_PUBLISHED} == ITALY_PUBLISHED
    malta = monthly_totals_from_files(folder, "690", "4797")
    assert dict(query(paths.working_db, "select year, sum(arrivals)::int from staging.stg_unhcr_odp__arrivals "
                                        "where country_iso3 = 'MLT' group by 1")) == malta  # fmt: skip
    unknown = query(paths.working_db, "select count(*) from meta.validation_results "
                                      "where check_name in ('known_origin_codes', 'known_countries_and_groups') and not success")  # fmt: skip
    assert unknown == [(0,)]


def test_every_nationality_code_in_the_real_files_maps() -> None:
    folder = require_shared("unhcr")
    seen = {(r["pop_origin_code"], r["pop_origin_name"])
            for r in json.loads((folder / "origin_month_geo656_sv11_2016-01_2019-10.json").read_text())["data"]}  # fmt: skip
    extract = json.loads((folder / "extract_origin_2026_by_destination.json").read_text())
    seen |= {(m["origin_country_code"], m["origin_country"]) for m in extract["movements"]}
    codes = config.origin_codes()
    assert sorted(code for code, _ in seen if code not in codes) == []
    assert sorted((code, name) for code, name in seen if codes[code]["name"] != name) == []
    assert codes["ARE"]["iso3"] == "EGY" and codes["NIG"]["iso3"] == "NGA" and codes["ICO"]["iso3"] == "CIV"


def test_live_path_on_real_figures_through_a_local_server(paths, monkeypatch) -> None:  # noqa: ANN001
    folder = require_shared("unhcr")
    entries = json.loads((folder / "manifest.json").read_text())
    routes = {}
    for entry in entries:
        address = urlsplit(entry["stands_for"])
        routes[f"{address.path}?{address.query}"] = ok(
            (folder / entry["file"]).read_bytes(), "application/json"
        )
    with serve(routes) as base:
        monkeypatch.setenv("MIGRATION_URL_UNHCR_ODP", base)
        for entry in entries:
            spec = Download(entry["stands_for"], "json", entry["file"], read.entity_for(entry["stands_for"]),
                            entry["stands_for"])  # fmt: skip
            assert download.fetch_one(paths, SOURCE, spec) is not None
        assert len(base.requests) == len(entries)
        assert all(r.headers["user-agent"].startswith("migration-evidence/") for r in base.requests)
    ok_, report = build(paths, selection="group:unhcr_odp")
    assert ok_, report.failures
    assert staged_italy(paths) == monthly_totals_from_files(folder, "656", "4797")


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (
            b"<!DOCTYPE html><html><head><title>Portal maintenance</title></head></html>",
            "text/html",
            "Portal maintenance",
        ),
        (b"", "application/json", "empty"),
        (b'{"data": {"series": []}}', "application/json", "has no data.timeseries"),
    ],
)
def test_bad_responses_fail_clearly_and_publish_nothing_new(
    paths, monkeypatch, body, content_type, message
) -> None:  # noqa: ANN001
    folder = require_shared("unhcr")
    assert main(["import", "unhcr_odp", "--manifest", str(folder / "manifest.json")]) == 0
    assert build(paths)[0]
    published = paths.published_db.read_bytes()
    spec = download.Download(config.series_url(config.series()[0]), "json", "italy.json",
                             read.entity_for(config.series_url(config.series()[0])),
                             config.series_url(config.series()[0]))  # fmt: skip
    address = urlsplit(spec.url)
    with serve({f"{address.path}?{address.query}": ok(body, content_type)}) as base:
        monkeypatch.setenv("MIGRATION_URL_UNHCR_ODP", base)
        try:
            download.fetch_one(paths, SOURCE, spec)
            fetched = True
        except download.FetchError as exc:
            assert message in str(exc)
            fetched = False
    if fetched:  # valid JSON of the wrong shape is stored, then refused by the build
        ok_, report = build(paths)
        assert not ok_ and any(message in f for f in report.failures)
    assert paths.published_db.read_bytes() == published
