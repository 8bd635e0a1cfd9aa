"""refresh_and_build: download the chosen sources into the raw store; Dagster then builds what changed.

The run downloads (one op, kept out of the asset graph: `migration-evidence build` stays offline). When it
succeeds, the sensor `build_after_refresh` requests an observation of the raw store (`observe_snapshots`),
tagged with this run's id; the automation sensor then requests the assets whose snapshots, code or inputs
changed in the code location's asset job: the job `migration-evidence build` launches, deciding the same way
(`staleness.CONDITION`). `migration-evidence refresh` downloads and builds in one command."""

import dagster as dg
from pydantic import Field

from pipelines.lib.warehouse import Warehouse

PARENT_TAG = "migration-evidence/refresh_run"


class DownloadConfig(dg.Config):
    sources: list[str] = Field(default_factory=list, description="sources to download; empty: every source")
    strict: bool = Field(default=False, description="fail the run when a download fails")


@dg.op(
    description="Downloads each chosen source live (conditional requests); a failure keeps the last snapshot."
)
def download_sources(
    context: dg.OpExecutionContext, config: DownloadConfig, warehouse: Warehouse
) -> dg.Output[list[str]]:
    from pipelines.download import OfflineError, refresh_source
    from pipelines.lib.http_fetch import FetchError
    from pipelines.lib.raw_store import RawStoreError
    from pipelines.lib.sources import registry

    known = registry()
    unknown = sorted(set(config.sources) - set(known))
    if unknown:
        raise dg.Failure(f"unknown source(s) {unknown}; known: {sorted(known)}")
    paths, landed, failed = warehouse.paths(), {}, {}
    for name in config.sources or list(known):
        try:
            results = refresh_source(paths, known[name])
        except (FetchError, RawStoreError, OfflineError) as exc:
            failed[name] = str(exc)
            context.log.warning(f"{exc}; the build uses the last good snapshot of {name}")
            continue
        landed[name] = [s.name for s in results if s is not None]
        context.log.info(f"{name}: {len(landed[name])} new file(s), {results.count(None)} not modified")
    if failed and config.strict:
        raise dg.Failure("download failed (strict)", metadata={"failed": dg.MetadataValue.json(failed)})
    return dg.Output(
        list(config.sources),
        metadata={"landed": dg.MetadataValue.json(landed), "failed": dg.MetadataValue.json(failed)},
    )


@dg.job(
    name="refresh_and_build",
    executor_def=dg.in_process_executor,
    description=__doc__,
    tags={"migration-evidence/kind": "refresh"},
)
def refresh_and_build() -> None:
    download_sources()
