"""Everything operational of the code location, from the raw store's inputs and the source registry."""

import dagster as dg

from pipelines.defs.operations import schedules
from pipelines.defs.operations.checks import freshness_checks
from pipelines.defs.operations.jobs import refresh_and_build
from pipelines.defs.operations.sensors import (
    automation_sensor,
    build_after_refresh_sensor,
    new_vintage_sensor,
    quarantine_sensor,
)
from pipelines.defs.operations.staleness import RawInput
from pipelines.lib.sources import registry

FRESHNESS_JOB = "freshness_checks"
OBSERVE_JOB = "observe_snapshots"


def operations(inputs: list[RawInput]) -> dg.Definitions:
    checks = freshness_checks(inputs)
    observe = dg.define_asset_job(
        OBSERVE_JOB,
        selection=dg.AssetSelection.assets(*(item.key for item in inputs)).without_checks(),
        description="Observes the raw store: the data version of every raw asset's snapshots, without building.",
    )
    freshness = dg.define_asset_job(
        FRESHNESS_JOB,
        selection=dg.AssetSelection.checks(*checks),
        description="Evaluates the snapshot freshness check of every raw asset, without building anything.",
    )
    daily = dg.ScheduleDefinition(
        name="daily_freshness_checks",
        cron_schedule="0 6 * * *",
        execution_timezone=schedules.TIMEZONE,
        job=freshness,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="06:00 UTC daily: re-evaluates every snapshot freshness check (a source goes stale with time).",
    )
    return dg.Definitions(
        asset_checks=checks,
        jobs=[refresh_and_build, freshness, observe],
        schedules=[schedules.monthly_full_refresh, schedules.weekly_arrivals_refresh, daily],
        sensors=[
            *(new_vintage_sensor(source) for source in registry()),
            build_after_refresh_sensor(observe),
            automation_sensor,
            quarantine_sensor,
        ],
    )
