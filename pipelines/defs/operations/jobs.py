"""refresh_and_build: download the chosen sources into the raw store, then build what depends on them.

Two ops in one run. The second runs the asset graph in-process through pipelines.runner.run_build, on the same
Dagster instance, as a child run (tagged with this run's id): the asset graph stays free of download steps,
`migration-evidence build` stays offline, and the skip of unchanged assets applies to scheduled runs too."""

import dagster as dg
from pydantic import Field

from pipelines.defs.operations.selection import SOURCES_TAG
from pipelines.lib.warehouse import Warehouse

PARENT_TAG = "migration-evidence/refresh_run"


class DownloadConfig(dg.Config):
    sources: list[str] = Field(default_factory=list, description="sources to download; empty: every source")
    strict: bool = Field(default=False, description="fail the run when a download fails")


class BuildConfig(dg.Config):
    force: bool = Field(default=False, description="rebuild even the assets whose inputs did not change")
    static_images: bool = Field(default=True, description="export PNG/SVG charts (starts a browser)")


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


@dg.op(description="Builds the chosen sources' assets and everything downstream (unchanged assets skipped).")
def build_assets(
    context: dg.OpExecutionContext, config: BuildConfig, sources: list[str], warehouse: Warehouse
) -> dg.Output[bool]:
    from pipelines.runner import run_build

    ok, report = run_build(
        warehouse.paths(),
        pins=warehouse.snapshot_pins,
        static_images=config.static_images and warehouse.static_images,
        sources=sources or None,
        force=config.force,
        instance=context.instance,
        tags={PARENT_TAG: context.run_id, SOURCES_TAG: ",".join(sources) or "all"},
    )
    ran = sorted(report.steps)
    unchanged = getattr(report, "unchanged", [])
    context.log.info(f"build: {len(ran)} steps run, {len(unchanged)} assets unchanged and skipped")
    if not ok:
        raise dg.Failure("the build failed", metadata={"errors": dg.MetadataValue.json(report.failures)})
    return dg.Output(ok, metadata={"steps": dg.MetadataValue.json(ran), "unchanged": len(unchanged)})


@dg.job(
    name="refresh_and_build",
    executor_def=dg.in_process_executor,
    description=__doc__,
    tags={"migration-evidence/kind": "refresh"},
)
def refresh_and_build() -> None:
    build_assets(download_sources())
