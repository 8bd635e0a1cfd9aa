"""The Dagster code location: every source's assets and checks, the curated layer, charts and publishing,
and the operational side (refresh jobs, schedules, new-vintage sensors, freshness checks)."""

import dagster as dg

from pipelines.defs import catalogue
from pipelines.defs.operations.definitions import operations
from pipelines.lib.threaded_executor import threaded_executor
from pipelines.lib.warehouse import Warehouse
from pipelines.progress import progress_logger

defs = dg.Definitions.merge(
    dg.Definitions(
        assets=catalogue.ASSETS,
        asset_checks=catalogue.CHECKS,
        resources={"warehouse": Warehouse()},
        # Steps run on threads of one process (pipelines/lib/threaded_executor.py): a process per step costs
        # seconds each on two cores.
        executor=threaded_executor,
        loggers={"console": dg.colored_console_logger, "progress": progress_logger},
    ),
    operations(catalogue.ASSETS),
)
