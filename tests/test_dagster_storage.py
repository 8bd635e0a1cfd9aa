"""The project's Dagster storage keeps Dagster's files and schema: a run's event shard copied from the template
is the shard Dagster itself would create, runs read back through either storage, snapshots are found by id."""

import sqlite3
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from pipelines.lib.dagster_storage import EngineKeepingEventLogStorage, EngineKeepingRunStorage


def _schema(path: Path) -> tuple[list[tuple], list[tuple]]:
    con = sqlite3.connect(path)
    try:
        objects = sorted(
            con.execute("select type, name, sql from sqlite_master where name not like 'sqlite_%'")
        )
        revision = con.execute("select version_num from alembic_version").fetchall()
        mode = con.execute("pragma journal_mode").fetchall()
    finally:
        con.close()
    return objects, revision + mode


def _instance(home: Path) -> dg.DagsterInstance:
    (home / "dagster.yaml").write_text(
        "storage:\n  custom:\n    module: pipelines.lib.dagster_storage\n    class: EngineKeepingSqliteStorage\n"
        f"    config:\n      base_dir: {home}\ntelemetry:\n  enabled: false\n"
    )
    return dg.DagsterInstance.from_config(str(home))


@dg.asset
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


@dg.asset_check(asset=counted)
def counted_check() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def test_run_shards_from_the_template_match_dagsters_own(tmp_path: Path) -> None:
    instance = _instance(tmp_path)
    assert isinstance(instance.event_log_storage, EngineKeepingEventLogStorage)
    job = dg.Definitions(
        assets=[counted], asset_checks=[counted_check]
    ).resolve_implicit_global_asset_job_def()
    first = job.execute_in_process(instance=instance)
    second = job.execute_in_process(instance=instance)
    runs_dir = tmp_path / "history" / "runs"
    templates = list(runs_dir.glob(".run-shard-template-*.sqlite"))
    assert len(templates) == 1
    # the glob Dagster uses to list run shards does not see the template
    assert sorted(p.stem for p in runs_dir.glob("*.db")) == sorted(["index", first.run_id, second.run_id])

    reference = tmp_path / "reference"
    reference.mkdir()
    own = SqliteEventLogStorage(str(reference))
    with own.run_connection("made-by-dagster"):
        pass
    made_by_dagster = _schema(reference / "made-by-dagster.db")
    assert _schema(runs_dir / f"{second.run_id}.db") == made_by_dagster
    assert _schema(templates[0]) == made_by_dagster

    # the events of a run stored in a copied shard read back, through this storage and Dagster's own
    for reader in (instance, dg.DagsterInstance.from_ref(instance.get_ref())):
        kinds = [r.dagster_event.event_type_value for r in reader.all_logs(second.run_id) if r.dagster_event]
        assert "ASSET_MATERIALIZATION" in kinds and "ASSET_CHECK_EVALUATION" in kinds
    plain = SqliteEventLogStorage(str(runs_dir))
    assert [r.dagster_event_type for r in plain.get_logs_for_run(second.run_id) if r.is_dagster_event] == [
        r.dagster_event_type for r in instance.all_logs(second.run_id) if r.is_dagster_event
    ]
    latest = instance.get_latest_materialization_event(dg.AssetKey("counted"))
    assert latest is not None and latest.run_id == second.run_id
    assert instance.event_log_storage.supports_asset_checks


def test_snapshots_are_found_by_id(tmp_path: Path) -> None:
    instance = _instance(tmp_path)
    job = dg.Definitions(assets=[counted]).resolve_implicit_global_asset_job_def()
    run = job.execute_in_process(instance=instance).dagster_run
    storage = instance.run_storage
    assert isinstance(storage, EngineKeepingRunStorage)
    assert storage.has_execution_plan_snapshot(run.execution_plan_snapshot_id)
    assert storage.get_execution_plan_snapshot(run.execution_plan_snapshot_id) is not None
    assert not storage.has_execution_plan_snapshot("0" * 40)
