"""The configuration of docs/scaling.md loads: Dagster instance files against Dagster's schema, run config
against the jobs' config schema, warehouse SQL through DuckDB's parser. Offline, no extra packages."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from pipelines.definitions import defs
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
DOC = (ROOT / "docs" / "scaling.md").read_text()
PACKAGES = {
    "dagster_k8s": "dagster-k8s",
    "dagster_celery": "dagster-celery",
    "dagster_postgres": "dagster-postgres",
}
CELERY_EXECUTOR_KEYS = {"broker", "backend", "include", "config_source", "retries"}


def _yaml(relative: str) -> dict:
    return yaml.safe_load((DEPLOY / relative).read_text())


# The top-level keys of a dagster.yaml that Dagster's instance documentation lists
# (https://docs.dagster.io/deployment/oss/dagster-yaml); Dagster's own schema is not a public API, so the
# deployment files are checked against these, and the project's own file is loaded by Dagster itself.
INSTANCE_KEYS = {
    "storage", "run_storage", "event_log_storage", "schedule_storage", "compute_logs", "local_artifact_storage",
    "run_launcher", "run_coordinator", "run_queue", "run_monitoring", "run_retries", "concurrency", "sensors",
    "schedules", "auto_materialize", "telemetry", "nux", "code_servers", "retention", "secrets",
}  # fmt: skip


@pytest.mark.parametrize("instance", ["k8s/dagster.yaml", "celery/dagster.yaml", "../dagster.yaml"])
def test_instance_files_are_valid_dagster_instance_config(
    instance: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(DEPLOY / instance, tmp_path / "dagster.yaml")
    config = yaml.safe_load((tmp_path / "dagster.yaml").read_text())
    assert set(config) <= INSTANCE_KEYS, set(config) - INSTANCE_KEYS
    assert config["run_queue"]["max_concurrent_runs"] >= 1
    launcher = config.get("run_launcher")
    if launcher and launcher["module"] != "dagster":
        module = launcher["module"].split(".")[0]
        if importlib.util.find_spec(module) is None:
            assert PACKAGES[module] in DOC, f"docs/scaling.md must say that {module} needs {PACKAGES[module]}"
    if "postgres" in config.get("storage", {}):
        assert "dagster-postgres" in DOC
    if instance == "../dagster.yaml":  # the file every build uses: Dagster loads it and applies its queue
        monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
        loaded = dg.DagsterInstance.from_config(str(tmp_path))
        try:
            assert isinstance(loaded.run_coordinator, dg.QueuedRunCoordinator)
            assert (
                loaded.run_coordinator.get_run_queue_config().max_concurrent_runs == 1
            )  # DuckDB: one writer
        finally:
            loaded.dispose()


def test_run_config_files_match_the_jobs_config_schema() -> None:
    assert dg.validate_run_config(defs.resolve_job_def("refresh_and_build"), _yaml("k8s/run_config.yaml"))
    celery = _yaml("celery/run_config.yaml")
    assert set(celery["execution"]["config"]) <= CELERY_EXECUTOR_KEYS
    assert dg.validate_run_config(
        defs.resolve_implicit_global_asset_job_def(), {"resources": celery["resources"]}
    )


def test_the_helm_values_serve_this_code_location_with_one_run_at_a_time() -> None:
    values = _yaml("k8s/values.yaml")
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "pipelines.definitions"]
    env = {item["name"]: item["value"] for item in deployment["env"]}
    assert (
        env["MIGRATION_DATA_DIR"]
        == _yaml("k8s/run_config.yaml")["resources"]["warehouse"]["config"]["data_dir"]
    )
    coordinator = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert (
        coordinator["maxConcurrentRuns"] == _yaml("k8s/dagster.yaml")["run_queue"]["max_concurrent_runs"] == 1
    )


def test_the_ducklake_warehouse_sql_parses_and_motherduck_publishes_by_clone() -> None:
    lake = _yaml("warehouse/ducklake.yaml")
    con = duckdb.connect()
    statements = [*lake["secrets"], *lake["attach"].values(), *lake["publish"], lake["reader"]]
    assert all(len(con.extract_statements(sql)) == 1 for sql in statements)
    assert "READ_ONLY" in lake["reader"] and lake["publish"][0] == "BEGIN TRANSACTION"
    duck = _yaml("warehouse/motherduck.yaml")
    assert len(con.extract_statements(duck["attach"]["work"])) == 1
    assert duck["publish"][0].startswith("COPY FROM DATABASE evidence_work TO evidence (OVERWRITE)")
