"""Graph tests of operating the pipeline: the refresh job downloads, the build after it builds that source; a
rebuild skips what did not change, and a change (of snapshots, of code, from elsewhere) rebuilds what it
reaches, as Dagster decides it (`staleness.CONDITION`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg

from pipelines import definitions
from pipelines.defs.italy_moi.source import FILES
from pipelines.defs.italy_moi.source import SOURCE as ITALY
from pipelines.defs.operations import staleness
from pipelines.defs.operations.definitions import OBSERVE_JOB
from pipelines.defs.operations.jobs import PARENT_TAG
from pipelines.defs.operations.selection import SOURCES_TAG, refresh_run_config
from pipelines.lib import raw_store
from pipelines.runner import _stale, available_assets, prepare_dagster_home
from pipelines.settings import PROJECT_ROOT
from tests.build_helpers import build as _build
from tests.build_helpers import land_mmp, query
from tests.conftest import FIXTURES
from tests.support.http_server import serve
from tests.test_operations import GRAPH, _downstream_of_groups
from tests.test_operations_sensors import _italy_routes


def build(paths, **kwargs):  # noqa: ANN001, ANN003, ANN201
    """A build on the test's persistent Dagster instance: what a rebuild skips is what these tests are about."""
    return _build(paths, persistent=True, **kwargs)


DAILY = dg.AssetKey(["raw", "italy_moi__sbarchi_per_giorno"])


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


def _instance(paths) -> dg.DagsterInstance:  # noqa: ANN001
    return dg.DagsterInstance.from_config(prepare_dagster_home(paths))


class _EditedSql(staleness.CodeHasher):
    """The code as it would digest after an edit of one SQL file."""

    def __init__(self, edited: Path) -> None:
        super().__init__()
        self.edited = edited

    def path(self, path: Path) -> str:
        return "edited" if path == self.edited else super().path(path)


def test_the_refresh_job_downloads_and_the_build_after_it_builds_that_source(paths, monkeypatch) -> None:  # noqa: ANN001
    paths.reports_dir.mkdir(parents=True)
    instance = _instance(paths)
    job = definitions.defs.resolve_job_def("refresh_and_build")
    config = refresh_run_config(["italy_moi"])
    with serve(_italy_routes("v1")) as base:
        monkeypatch.setenv("MIGRATION_URL_ITALY_MOI", base)
        first = job.execute_in_process(run_config=config, instance=instance, tags={SOURCES_TAG: "italy_moi"})
        assert first.success
        assert len(raw_store.list_snapshots(paths.raw_dir, "italy_moi")) == 3
        assert not first.get_asset_materialization_events()  # the refresh run downloads, builds nothing
        # in the UI, the run's success requests an observation of the raw store ...
        sensor = definitions.defs.resolve_sensor_def("build_after_refresh")
        (success,) = instance.all_logs(first.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)
        request = sensor(
            dg.build_run_status_sensor_context(
                sensor_name=sensor.name,
                dagster_event=success.dagster_event,
                dagster_instance=instance,
                dagster_run=instance.get_run_by_id(first.run_id),
            )
        )
        assert request.tags[PARENT_TAG] == first.run_id and request.tags[SOURCES_TAG] == "italy_moi"
        assert sensor.job_name == OBSERVE_JOB
        # ... and what it changed is built, as `migration-evidence build` builds it
        ok, built = build(paths, instance=instance)
        assert ok, built.failures
        assert _ran(built) <= _downstream_of_groups({"italy_moi"})
        assert {DAILY, dg.AssetKey(["publish", "evidence_duckdb"])} <= _ran(built)
        assert query(paths.published_db, "select count(*) from staging.stg_italy_moi__daily_landings")[0][0]
        # the server answers 304 to every file: nothing new, so the build after it runs nothing
        assert job.execute_in_process(run_config=config, instance=instance).success
        ok, again = build(paths, instance=instance)
        assert ok and again.nothing_changed and not again.steps


def test_a_rebuild_skips_what_did_not_change_and_rebuilds_only_what_a_change_reaches(
    paths, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    paths.reports_dir.mkdir(parents=True)
    land_mmp(paths, FIXTURES / "iom_mmp" / "export_2025.csv", accessed="2025-05-05")
    _land_italy(paths)
    ok, full = build(paths)
    assert ok, full.failures
    available = set(available_assets(GRAPH, paths) or GRAPH.get_all_asset_keys())
    selected = {k for k in available if GRAPH.get(k).is_materializable}
    assert _ran(full) == selected  # the instance's first build: everything it can
    ok, again = build(paths)
    assert ok and again.nothing_changed and not again.steps
    assert set(again.unchanged) == {k.to_user_string() for k in _ran(full)}

    # a new snapshot of one file: a build of its source rebuilds what depends on that file, nothing else
    changed = tmp_path / "sbarchi-per-giorno.csv"
    changed.write_text(
        (FIXTURES / "italy_moi" / "sbarchi-per-giorno.csv")
        .read_text()
        .replace("2022-12-30,57,", "2022-12-30,58,")
    )
    raw_store.land(paths.raw_dir, ITALY, changed, arrival="import", accessed=dt.date(2024, 5, 17))
    ok, single = build(paths, sources=["italy_moi"])
    assert ok, single.failures
    assert _ran(single) == _descendants(DAILY) & selected
    assert not {k for k in _ran(single) if GRAPH.get(k).group_name == "iom_mmp"}
    assert query(
        paths.published_db,
        "select arrivals from staging.stg_italy_moi__daily_landings where landing_date = '2022-12-30'",
    ) == [(58,)]
    ok, again = build(paths)
    assert ok and again.nothing_changed

    # materialised from elsewhere (the UI, another run): what depends on it is rebuilt, not itself
    curated = dg.AssetKey(["curated", "mmp_incidents"])
    _instance(paths).report_runless_asset_event(dg.AssetMaterialization(curated))
    ok, after = build(paths)
    assert ok, after.failures
    assert _ran(after) == (_descendants(curated) - {curated}) & selected

    # a table dropped from the working database: rebuilt, though the instance records it materialised
    import duckdb

    con = duckdb.connect(str(paths.working_db))
    con.execute("drop table curated.mmp_vintages")
    con.close()
    ok, dropped = build(paths)
    assert ok, dropped.failures
    assert dg.AssetKey(["curated", "mmp_vintages"]) in _ran(dropped)
    assert query(paths.working_db, "select count(*) from curated.mmp_vintages")[0][0] > 0

    # a code change: the assets whose code changed and everything downstream of them
    staging = dg.AssetKey(["staging", "stg_iom_mmp__incidents"])
    edited = definitions.code_location(
        _EditedSql(PROJECT_ROOT / "sql" / "staging" / f"{staging.path[-1]}.sql")
    )
    assert edited.resolve_asset_graph().get(staging).code_version != GRAPH.get(staging).code_version
    with monkeypatch.context() as patch:
        patch.setattr(definitions, "defs", edited)
        ok, recoded = build(paths)
        assert ok, recoded.failures
        assert _ran(recoded) == _descendants(staging) & selected
        ok, again = build(paths)
        assert ok and again.nothing_changed

    # --force: everything selected, whatever Dagster requests
    run, _ = _stale(_instance(paths), selected, paths, {"static_images": False}, force=True)
    assert run == selected


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


def test_a_build_killed_after_its_run_and_before_its_cursor_is_redone(paths, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """A build that published snapshot B and was killed before storing its cursor: the next build, pinned back to
    snapshot A, whose data version equals the stored cursor's, must still rebuild what B's run built."""
    paths.reports_dir.mkdir(parents=True)
    whole = (FIXTURES / "iom_mmp" / "export_2025.csv").read_bytes()
    shorter = tmp_path / "b" / "Missing_Migrants_Global_Figures_allData.csv"
    shorter.parent.mkdir()
    shorter.write_bytes(b"\n".join(whole.rstrip(b"\n").split(b"\n")[:-3]) + b"\n")
    a = land_mmp(paths, FIXTURES / "iom_mmp" / "export_2025.csv", accessed="2025-05-05")
    b = land_mmp(paths, shorter, accessed="2025-05-06")
    ok, first = build(paths, pins=f"iom_mmp={a.name}")
    assert ok, first.failures
    counted = query(paths.published_db, "select count(*) from curated.mmp_incidents")[0][0]
    with monkeypatch.context() as patch:
        patch.setattr(staleness.Evaluated, "store", lambda self, **_: None)  # the kill: no cursor stored
        ok, killed = build(paths, pins=f"iom_mmp={b.name}")
        assert ok, killed.failures
    assert query(paths.published_db, "select count(*) from curated.mmp_incidents")[0][0] == counted - 3
    ok, again = build(paths, pins=f"iom_mmp={a.name}")
    assert ok, again.failures
    assert dg.AssetKey(["staging", "stg_iom_mmp__incidents"]) in _ran(again)
    assert query(paths.published_db, "select count(*) from curated.mmp_incidents")[0][0] == counted
    ok, after = build(paths, pins=f"iom_mmp={a.name}")
    assert ok and after.nothing_changed  # once taken in, the killed build is not redone again
