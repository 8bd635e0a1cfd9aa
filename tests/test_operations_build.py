"""Graph tests of operating the pipeline: the refresh job downloads then builds one source, a rebuild skips
what did not change, and a change rebuilds only the assets downstream of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs
from pipelines.defs.italy_moi.source import FILES
from pipelines.defs.italy_moi.source import SOURCE as ITALY
from pipelines.defs.operations import fingerprints
from pipelines.defs.operations import plan as planning
from pipelines.defs.operations.jobs import PARENT_TAG
from pipelines.defs.operations.selection import refresh_run_config
from pipelines.lib import raw_store
from pipelines.runner import available_assets
from pipelines.settings import PROJECT_ROOT
from tests.build_helpers import build, land_mmp, query
from tests.conftest import FIXTURES
from tests.support.http_server import serve
from tests.test_operations import GRAPH, _downstream_of_groups
from tests.test_operations_sensors import _italy_routes

DAILY = dg.AssetKey(["raw", "italy_moi__sbarchi_per_giorno"])
SETTINGS = {"pins": "", "reports": {"static_images": False}}


def _descendants(key: dg.AssetKey) -> set[dg.AssetKey]:
    found, frontier = {key}, [key]
    while frontier:
        for child in GRAPH.get(frontier.pop()).child_keys - found:
            found.add(child)
            frontier.append(child)
    return found


def _land_italy(paths, folder: Path = FIXTURES / "italy_moi", accessed: str = "2024-05-16") -> None:  # noqa: ANN001
    for name, _table in FILES.values():
        raw_store.land(
            paths.raw_dir, ITALY, folder / name, arrival="import", accessed=dt.date.fromisoformat(accessed)
        )


def _ran(report) -> set[dg.AssetKey]:  # noqa: ANN001
    return {dg.AssetKey.from_user_string(name) for name in report.materialised}


def test_the_refresh_job_downloads_then_builds_that_source_in_a_child_run(paths, monkeypatch) -> None:  # noqa: ANN001
    paths.reports_dir.mkdir(parents=True)
    instance = dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("refresh_and_build")
    config = refresh_run_config(["italy_moi"])
    config["ops"]["build_assets"]["config"]["static_images"] = False
    with serve(_italy_routes("v1")) as base:
        monkeypatch.setenv("MIGRATION_URL_ITALY_MOI", base)
        first = job.execute_in_process(run_config=config, instance=instance)
        second = job.execute_in_process(run_config=config, instance=instance)
    assert first.success and second.success
    landed = first.output_for_node("download_sources")
    assert landed == ["italy_moi"]
    assert len(raw_store.list_snapshots(paths.raw_dir, "italy_moi")) == 3
    (child,) = instance.get_runs(filters=dg.RunsFilter(tags={PARENT_TAG: first.run_id}))
    events = instance.all_logs(child.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    built = {e.dagster_event.asset_key for e in events}
    assert built <= _downstream_of_groups({"italy_moi"})
    assert {DAILY, dg.AssetKey(["publish", "evidence_duckdb"])} <= built
    assert query(paths.published_db, "select count(*) from staging.stg_italy_moi__daily_landings")[0][0] > 0
    # the server answered 304 to every file: nothing new, so the second run built nothing
    assert not instance.get_runs(filters=dg.RunsFilter(tags={PARENT_TAG: second.run_id}))


def test_a_rebuild_skips_what_did_not_change_and_rebuilds_only_what_a_change_reaches(
    paths, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    paths.reports_dir.mkdir(parents=True)
    land_mmp(paths, FIXTURES / "iom_mmp" / "export_2025.csv", accessed="2025-05-05")
    _land_italy(paths)
    ok, full = build(paths)
    assert ok, full.failures
    ok, again = build(paths)
    assert ok and again.nothing_changed and not again.steps
    assert set(again.unchanged) == {k.to_user_string() for k in _ran(full)}

    changed = tmp_path / "sbarchi-per-giorno.csv"
    changed.write_text(
        (FIXTURES / "italy_moi" / "sbarchi-per-giorno.csv")
        .read_text()
        .replace("2022-12-30,57,", "2022-12-30,58,")
    )
    raw_store.land(paths.raw_dir, ITALY, changed, arrival="import", accessed=dt.date(2024, 5, 17))
    ok, single = build(paths, sources=["italy_moi"])
    assert ok, single.failures
    available = set(available_assets(GRAPH, paths) or GRAPH.get_all_asset_keys())
    assert _ran(single) == _descendants(DAILY) & available
    assert not {k for k in _ran(single) if GRAPH.get(k).group_name == "iom_mmp"}
    assert query(
        paths.published_db,
        "select arrivals from staging.stg_italy_moi__daily_landings where landing_date = '2022-12-30'",
    ) == [(58,)]

    # planning only, nothing executed: the same inputs, a code change, a materialisation from elsewhere
    selected = available
    instance = dg.DagsterInstance.ephemeral()
    plan = planning.plan(GRAPH, selected, paths, SETTINGS, force=False, instance=instance)
    assert not plan.run

    staging_sql = PROJECT_ROOT / "sql" / "staging" / "stg_iom_mmp__incidents.sql"
    original = fingerprints.CodeHasher.path
    staging = dg.AssetKey(["staging", "stg_iom_mmp__incidents"])
    with monkeypatch.context() as patch:
        patch.setattr(
            fingerprints.CodeHasher,
            "path",
            lambda self, p: "edited" if p == staging_sql else original(self, p),
        )
        plan = planning.plan(GRAPH, selected, paths, SETTINGS, force=False, instance=instance)
    assert set(plan.run) == _descendants(staging) & selected

    curated = dg.AssetKey(["curated", "mmp_incidents"])
    instance.report_runless_asset_event(dg.AssetMaterialization(curated))
    plan = planning.plan(GRAPH, selected, paths, SETTINGS, force=False, instance=instance)
    assert plan.run == [curated]  # rebuilt from the same inputs, what depends on it stays valid
    assert set(planning.plan(GRAPH, selected, paths, SETTINGS, force=True, instance=instance).run) == selected


def test_the_build_holds_duckdb_to_its_memory_limit(paths, monkeypatch) -> None:  # noqa: ANN001
    """The working database is held with MIGRATION_DUCKDB_MEMORY as DuckDB's memory limit (768 MB unless set);
    a value DuckDB cannot read stops the build naming the variable."""
    import duckdb
    import pytest

    from pipelines.runner import working_database_held

    def limit() -> int:
        with working_database_held(paths):
            con = duckdb.connect(str(paths.working_db))
            try:
                return con.execute("select current_setting('memory_limit')").fetchall()[0][0]
            finally:
                con.close()

    monkeypatch.delenv("MIGRATION_DUCKDB_MEMORY", raising=False)
    assert limit() in {"732.4 MiB", "768.0 MB"}
    monkeypatch.setenv("MIGRATION_DUCKDB_MEMORY", "300MB")
    assert limit() in {"286.1 MiB", "300.0 MB"}
    monkeypatch.setenv("MIGRATION_DUCKDB_MEMORY", "lots")
    with pytest.raises(SystemExit, match="MIGRATION_DUCKDB_MEMORY='lots' is not a memory size"):
        limit()
