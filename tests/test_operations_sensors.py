"""New-vintage sensors, evaluated against a local HTTP server whose validators change between evaluations."""

from __future__ import annotations

from urllib.parse import urlsplit

import dagster as dg

from pipelines import download
from pipelines.definitions import defs
from pipelines.defs.iom_mmp.source import SOURCE as MMP
from pipelines.defs.italy_moi.source import SOURCE as ITALY
from pipelines.defs.operations.selection import SOURCES_TAG, keys_for_sources
from pipelines.lib import raw_store
from pipelines.lib.warehouse import Warehouse
from tests.conftest import FIXTURES
from tests.support.http_server import ok, serve, status
from tests.test_operations import GRAPH, _downstream_of_groups

ITALY_PATHS = {spec.original_name: urlsplit(spec.url).path for spec in ITALY.download_list()}
MMP_PATH = urlsplit(MMP.download_url).path
LAST_MODIFIED = "Mon, 05 May 2025 10:00:00 GMT"


def _italy_routes(version: str) -> dict:
    return {
        path: ok((FIXTURES / "italy_moi" / name).read_bytes(), "text/csv", {"ETag": f'"{name}-{version}"'})
        for name, path in ITALY_PATHS.items()
    }


def _evaluate(source: str, paths, cursor: str | None = None) -> dg.SensorResult | dg.SkipReason:  # noqa: ANN001
    sensor = defs.resolve_sensor_def(f"{source}_new_vintage")
    context = dg.build_sensor_context(
        cursor=cursor, resources={"warehouse": Warehouse(data_dir=str(paths.data_dir))}
    )
    return sensor(context)


def _gets(server) -> int:  # noqa: ANN001
    return sum(1 for r in server.requests if r.method == "GET")


def test_a_new_etag_requests_a_run_of_that_source_and_its_downstream_only(paths, monkeypatch) -> None:  # noqa: ANN001
    with serve(_italy_routes("v1")) as base:
        monkeypatch.setenv("MIGRATION_URL_ITALY_MOI", base)
        download.refresh_source(paths, ITALY)
        downloads = _gets(base)

        unchanged = _evaluate("italy_moi", paths)
        assert isinstance(unchanged, dg.SkipReason)
        assert "no new vintage (3 file(s) unchanged)" in unchanged.skip_message

        base.routes[ITALY_PATHS["nazionalita.csv"]] = ok(
            (FIXTURES / "italy_moi" / "nazionalita.csv").read_bytes() + b"2024-05-15,Tunisia,TN,9\n",
            "text/csv",
            {"ETag": '"nazionalita.csv-v2"'},
        )
        result = _evaluate("italy_moi", paths)
        assert isinstance(result, dg.SensorResult)
        (request,) = result.run_requests
        sources = request.run_config["ops"]["download_sources"]["config"]["sources"]
        assert sources == ["italy_moi"] and request.tags[SOURCES_TAG] == "italy_moi"
        assert request.tags["migration-evidence/changed"] == "nationality_ytd"
        selected = keys_for_sources(GRAPH, sources)
        assert selected == _downstream_of_groups({"italy_moi"})
        assert not {k for k in selected if GRAPH.get(k).group_name in {"iom_mmp", "unhcr_odp"}}

        # the same vintage is not requested twice; the sensor never downloaded a file
        again = _evaluate("italy_moi", paths, cursor=result.cursor)
        assert isinstance(again, dg.SkipReason)
        assert _gets(base) == downloads
        assert {r.method for r in base.requests[-6:]} == {"HEAD"}


def test_a_server_error_is_a_skip_reason_not_an_exception(paths, monkeypatch) -> None:  # noqa: ANN001
    with serve({MMP_PATH: status(503)}) as base:
        monkeypatch.setenv("MIGRATION_URL_IOM_MMP", base + MMP_PATH)
        result = _evaluate("iom_mmp", paths)
    assert isinstance(result, dg.SkipReason)
    assert result.skip_message.startswith("iom_mmp: server kept failing: too many 503")


def test_last_modified_or_length_serve_when_the_server_gives_no_etag(paths, monkeypatch) -> None:  # noqa: ANN001
    body = (FIXTURES / "iom_mmp" / "export_2025.csv").read_bytes()
    with serve({MMP_PATH: ok(body, headers={"Last-Modified": LAST_MODIFIED})}) as base:
        monkeypatch.setenv("MIGRATION_URL_IOM_MMP", base + MMP_PATH)
        first = _evaluate("iom_mmp", paths)  # nothing stored yet: the first download is requested
        assert isinstance(first, dg.SensorResult) and len(first.run_requests) == 1
        download.refresh_source(paths, MMP)
        assert isinstance(_evaluate("iom_mmp", paths), dg.SkipReason)
        base.routes[MMP_PATH] = ok(body, headers={"Last-Modified": "Tue, 03 Jun 2025 10:00:00 GMT"})
        assert isinstance(_evaluate("iom_mmp", paths), dg.SensorResult)

    with serve({MMP_PATH: ok(body)}) as base:  # no validator: the length is compared with the stored bytes
        monkeypatch.setenv("MIGRATION_URL_IOM_MMP", base + MMP_PATH)
        assert isinstance(_evaluate("iom_mmp", paths), dg.SkipReason)
        base.routes[MMP_PATH] = ok(body + body.splitlines(keepends=True)[-1])
        assert isinstance(_evaluate("iom_mmp", paths), dg.SensorResult)
    assert len(raw_store.list_snapshots(paths.raw_dir, "iom_mmp")) == 1
