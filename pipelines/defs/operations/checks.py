"""A freshness check on every raw asset: are its source's data older than the source's publication rhythm
allows (pipelines/defs/operations/sources.csv)? Warn-only; age = today − the last date the data cover (as the
last build's staging recorded it; the publication, else access, date of a file not yet built), so it can run on
its own, without a build."""

import dagster as dg

from pipelines.defs.operations.freshness import assess, covered_in
from pipelines.defs.operations.selection import raw_source
from pipelines.lib import raw_store
from pipelines.lib.warehouse import Warehouse

CHECK_NAME = "snapshot_freshness"


def raw_targets(assets: list[dg.AssetsDefinition]) -> list[tuple[dg.AssetKey, str, str | None]]:
    """(raw asset key, source, entity prefix) for every raw asset, as the runner reads them."""
    found = []
    for assets_def in assets:
        for key in assets_def.keys:
            if key.path[0] != "raw" or key.path[1].endswith("_previous"):
                continue  # a previous release is old by definition
            found.append((key, *raw_source(key, assets_def.metadata_by_key.get(key))))
    return sorted(found, key=lambda item: item[0].to_user_string())


def freshness_check(key: dg.AssetKey, source: str, prefix: str | None) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=key,
        name=CHECK_NAME,
        blocking=False,
        description=(
            f"Warns when the last date the {source} data cover is older than the source's publication rhythm "
            "allows (max_age_days in pipelines/defs/operations/sources.csv); age = today − the last date covered."
        ),
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        raw_dir = warehouse.paths().raw_dir
        covered: dict = {}
        if warehouse.paths().working_db.exists():
            with warehouse.connect() as con:
                covered = covered_in(con)
        found = assess(raw_dir, source, prefix, covered=covered)
        stalest = found.stalest
        snapshots = [s for s in raw_store.list_snapshots(raw_dir, source)
                     if s.provenance.get("entity", "all").startswith(prefix or "")]  # fmt: skip
        if snapshots and all(s.sample for s in snapshots):
            return dg.AssetCheckResult(
                passed=True,
                description="sample data: synthetic snapshots with fixed dates, freshness does not apply",
                metadata={"sample": True},
            )
        return dg.AssetCheckResult(
            passed=not found.stale,
            severity=dg.AssetCheckSeverity.WARN,
            description=found.describe(),
            metadata={
                "age_days": dg.MetadataValue.int(found.age_days if found.age_days is not None else -1),
                "max_age_days": dg.MetadataValue.int(found.max_age_days),
                "newest_snapshot": stalest[1] if stalest else "none",
                "accessed": stalest[2].isoformat() if stalest else "never",
                "last_covered": stalest[3].isoformat() if stalest else "never",
                "last_covered_basis": stalest[4] if stalest else "none",
                "files": dg.MetadataValue.json(
                    {
                        e: {"newest": n, "accessed": a.isoformat(), "covers_to": c.isoformat(), "basis": b}
                        for e, n, a, c, b in found.newest
                    }
                ),
            },
        )

    return _check


def freshness_checks(assets: list[dg.AssetsDefinition]) -> list[dg.AssetChecksDefinition]:
    return [freshness_check(key, source, prefix) for key, source, prefix in raw_targets(assets)]
