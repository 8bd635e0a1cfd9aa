"""Schedules, freshness configuration and checks, and the selection a refresh of some sources rebuilds."""

from __future__ import annotations

import dataclasses
import datetime as dt

import dagster as dg

from pipelines.definitions import defs
from pipelines.defs.operations import config
from pipelines.defs.operations.checks import CHECK_NAME
from pipelines.defs.operations.definitions import FRESHNESS_JOB
from pipelines.defs.operations.freshness import assess
from pipelines.defs.operations.selection import SOURCES_TAG, keys_for_sources
from pipelines.lib import raw_store
from pipelines.lib.sources import registry
from pipelines.lib.warehouse import Warehouse
from tests.conftest import FIXTURES

GRAPH = defs.resolve_asset_graph()


def _downstream_of_groups(groups: set[str]) -> set[dg.AssetKey]:
    """Computed independently of the selection helpers: the groups' assets and every descendant (what a build
    can materialise: not the raw store's source assets)."""
    found = {k for k in GRAPH.get_all_asset_keys() if GRAPH.get(k).group_name in groups}
    frontier = list(found)
    while frontier:
        for child in GRAPH.get(frontier.pop()).child_keys:
            if child not in found:
                found.add(child)
                frontier.append(child)
    return {k for k in found if GRAPH.get(k).is_materializable}


def _evaluate(name: str) -> dg.RunRequest:
    schedule = defs.resolve_schedule_def(name)
    (request,) = schedule.evaluate_tick(
        dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 1, 5, 5))
    ).run_requests
    return request


def test_the_code_location_has_the_refresh_jobs_schedules_and_a_sensor_per_source() -> None:
    assert {"refresh_and_build", FRESHNESS_JOB} <= {j.name for j in defs.resolve_all_job_defs()}
    assert {s.name for s in defs.schedules} == {
        "monthly_full_refresh",
        "weekly_arrivals_refresh",
        "daily_freshness_checks",
    }
    assert {s.name for s in defs.sensors} == {f"{source}_new_vintage" for source in registry()} | {
        "build_after_refresh",
        "default_automation_condition_sensor",
        "quarantine_failed_inputs",
    }
    # nothing starts work on its own until switched on in the UI; the quarantine sensor only reacts to a failed
    # run (marks the new files behind its failed blocking checks rejected), so a UI build quarantines as the
    # command line's does
    for automation in [*defs.schedules, *defs.sensors]:
        expected = "RUNNING" if automation.name == "quarantine_failed_inputs" else "STOPPED"
        assert automation.default_status.value == expected, automation.name
    assert defs.resolve_job_def("refresh_and_build").executor_def is dg.in_process_executor


def test_schedules_refresh_every_source_monthly_and_the_arrival_sources_weekly() -> None:
    monthly, weekly = _evaluate("monthly_full_refresh"), _evaluate("weekly_arrivals_refresh")
    assert defs.resolve_schedule_def("monthly_full_refresh").cron_schedule == "0 4 1 * *"
    assert monthly.run_config["ops"]["download_sources"]["config"]["sources"] == []
    assert monthly.tags[SOURCES_TAG] == "all"
    assert defs.resolve_schedule_def("weekly_arrivals_refresh").cron_schedule == "0 5 * * 1"
    sources = weekly.run_config["ops"]["download_sources"]["config"]["sources"]
    assert sources == ["unhcr_odp", "italy_moi"]
    rebuilt = keys_for_sources(GRAPH, sources)
    assert rebuilt == _downstream_of_groups({"unhcr_odp", "italy_moi"})
    assert not {k for k in rebuilt if GRAPH.get(k).group_name in {"iom_mmp", "unodc_glotip", "eurostat_thb"}}
    assert dg.AssetKey(["publish", "evidence_duckdb"]) in rebuilt


def test_freshness_limits_come_from_the_configuration_table() -> None:
    limits = {name: config.cadence(name).max_age_days for name in config.table()}
    assert limits == {
        "iom_mmp": 45,
        "unhcr_odp": 52,
        "italy_moi": 22,
        "unodc_glotip": 1580,
        "eurostat_thb": 1065,
        "frontex_ibc": 66,
        "eurostat_eipre": 865,
        "published_figures": 395,
    }
    info = dataclasses.replace(registry()["iom_mmp"], max_age_days=7)
    assert config.cadence("iom_mmp", info).max_age_days == 7
    assert config.cadence("unknown_source").max_age_days == config.DEFAULT_MAX_AGE_DAYS


def _land_mmp(paths, accessed: str) -> raw_store.Snapshot:  # noqa: ANN001
    return raw_store.land(
        paths.raw_dir,
        registry()["iom_mmp"],
        FIXTURES / "iom_mmp" / "export_2025.csv",
        arrival="import",
        accessed=dt.date.fromisoformat(accessed),
    )


def test_a_source_is_stale_when_its_newest_snapshot_is_older_than_its_limit(paths) -> None:  # noqa: ANN001
    assert assess(paths.raw_dir, "iom_mmp").state == "NO SNAPSHOT"
    snapshot = _land_mmp(paths, "2025-05-05")
    fresh = assess(paths.raw_dir, "iom_mmp", today=dt.date(2025, 6, 19))
    assert (fresh.age_days, fresh.stale, fresh.stalest[1]) == (45, False, snapshot.name)
    stale = assess(paths.raw_dir, "iom_mmp", today=dt.date(2025, 6, 20))
    assert stale.stale and stale.state == "STALE" and "46 days old, limit 45 days: STALE" in stale.describe()


def test_the_snapshots_of_every_raw_asset_have_a_warn_only_freshness_check() -> None:
    raw = {
        k for k in GRAPH.get_all_asset_keys() if k.path[0] == "raw" and not k.path[1].endswith("_previous")
    }
    checked = {c.asset_key for c in GRAPH.asset_check_keys if c.name == CHECK_NAME}
    # on the raw store's source asset each raw asset reads, never on an asset a build materialises
    assert checked == {dg.AssetKey(["snapshots", k.path[1]]) for k in raw}
    for key in checked:
        assert key in GRAPH.get(dg.AssetKey(["raw", key.path[1]])).parent_keys
        assert not GRAPH.get(key).is_materializable
        spec = GRAPH.get_check_spec(dg.AssetCheckKey(key, CHECK_NAME))
        assert not spec.blocking


def test_the_freshness_job_evaluates_the_checks_without_building(paths) -> None:  # noqa: ANN001
    _land_mmp(paths, (dt.date.today() - dt.timedelta(days=60)).isoformat())
    result = defs.resolve_job_def(FRESHNESS_JOB).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": Warehouse(data_dir=str(paths.data_dir))},
        raise_on_error=False,
    )
    assert not result.get_asset_materialization_events()
    outcome = {e.asset_key.to_user_string(): e for e in result.get_asset_check_evaluations()}
    mmp = outcome["snapshots/iom_mmp__incidents"]
    assert not mmp.passed and mmp.severity == dg.AssetCheckSeverity.WARN
    assert mmp.metadata["age_days"].value == 60 and mmp.metadata["max_age_days"].value == 45
    assert not outcome["snapshots/italy_moi__nazionalita"].passed  # no snapshot at all
