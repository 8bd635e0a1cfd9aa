"""The Dagster code location: every source's assets and checks, the curated layer, charts and publishing, the
raw store as observable source assets, and the operational side (refresh job, schedules, sensors, freshness
checks).

Every asset carries a code version and the automation condition `staleness.CONDITION`; `migration-evidence
build` evaluates it and launches the code location's asset job (the one "Materialize all" launches in the UI)
with what it requests (`pipelines.runner`)."""

import dagster as dg

from pipelines.defs import catalogue
from pipelines.defs.operations import staleness
from pipelines.defs.operations.definitions import operations
from pipelines.lib.warehouse import Warehouse
from pipelines.progress import progress_logger

RAW_INPUTS = staleness.raw_inputs(catalogue.DEFINITIONS)


def code_location(hasher: staleness.CodeHasher | None = None) -> dg.Definitions:
    """The code location, its assets' code versions digested by `hasher` (default: the files as they are)."""
    return dg.Definitions.merge(
        dg.Definitions(
            assets=[
                staleness.snapshot_sources(RAW_INPUTS),
                *staleness.versioned(catalogue.DEFINITIONS, RAW_INPUTS, hasher),
            ],
            resources={"warehouse": Warehouse()},
            # One process runs every step: DuckDB lets one process open the working database for writing,
            # and every asset and check writes to it.
            executor=dg.in_process_executor,
            loggers={"console": dg.colored_console_logger, "progress": progress_logger},
        ),
        operations(RAW_INPUTS),
    )


defs = code_location()


def build_job() -> dg.JobDefinition:
    """The job every build runs: the code location's asset job, which the UI's "Materialize all" and the
    automation sensor launch too. Its snapshot freshness checks target the raw store's source assets, which a
    build does not select: they run in a job of their own."""
    return defs.resolve_implicit_global_asset_job_def()
