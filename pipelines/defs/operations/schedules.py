"""The rhythm: a monthly full refresh and a weekly refresh of the arrival sources (they move fastest); the
daily freshness schedule is built with its job in definitions.py. All are stopped until switched on in the UI
(Automation), so that serving the UI never starts downloads by itself."""

import dagster as dg

from pipelines.defs.operations.jobs import refresh_and_build
from pipelines.defs.operations.selection import ARRIVAL_SOURCES, SOURCES_TAG, refresh_run_config

TIMEZONE = "UTC"

monthly_full_refresh = dg.ScheduleDefinition(
    name="monthly_full_refresh",
    cron_schedule="0 4 1 * *",
    execution_timezone=TIMEZONE,
    job=refresh_and_build,
    run_config=refresh_run_config([]),
    tags={SOURCES_TAG: "all"},
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="04:00 UTC on the 1st: downloads every source, then builds everything that changed.",
)

weekly_arrivals_refresh = dg.ScheduleDefinition(
    name="weekly_arrivals_refresh",
    cron_schedule="0 5 * * 1",
    execution_timezone=TIMEZONE,
    job=refresh_and_build,
    run_config=refresh_run_config(ARRIVAL_SOURCES),
    tags={SOURCES_TAG: ",".join(ARRIVAL_SOURCES)},
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description=(
        "Mondays 05:00 UTC: downloads the UNHCR and Italian ministry arrival files, then builds their assets "
        "and what depends on them."
    ),
)
