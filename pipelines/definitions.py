"""The Dagster code location: every source's assets and checks, the curated layer, charts and publishing,
and the operational side (refresh jobs, schedules, new-vintage sensors, freshness checks)."""

from functools import cache

import dagster as dg

from pipelines.defs import catalogue
from pipelines.defs.operations.definitions import operations
from pipelines.lib.warehouse import Warehouse
from pipelines.progress import progress_logger


def _build_definitions() -> dg.Definitions:
    """The assets, their checks (not the snapshot freshness checks), the resource and the loggers."""
    return dg.Definitions(
        assets=catalogue.DEFINITIONS,
        resources={"warehouse": Warehouse()},
        # One process runs every step: DuckDB lets one process open the working database for writing, and
        # every asset and check writes to it.
        executor=dg.in_process_executor,
        loggers={"console": dg.colored_console_logger, "progress": progress_logger},
    )


defs = dg.Definitions.merge(_build_definitions(), operations(catalogue.DEFINITIONS))


@cache
def build_job() -> dg.JobDefinition:
    """The asset job `migration-evidence build` runs (`runner.run_build`): the code location's, less the
    snapshot freshness checks, which judge the raw store against today and run in a job of their own."""
    return _build_definitions().resolve_implicit_global_asset_job_def()
