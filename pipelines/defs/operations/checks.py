"""A freshness check on the snapshots of every raw asset (the raw store's observable source asset
`snapshots/<raw table>`): are its source's data older than the source's publication rhythm allows
(pipelines/defs/operations/sources.csv)? Warn-only; age = today − the last date the data cover (as the last
build's staging recorded it; the publication, else access, date of a file not yet built), so it can run on its
own, without a build. A build selects no source asset, so its checks are never part of one."""

import dagster as dg

from pipelines.defs.operations.freshness import assess, covered_in
from pipelines.defs.operations.staleness import RawInput
from pipelines.lib import raw_store
from pipelines.lib.warehouse import Warehouse

CHECK_NAME = "snapshot_freshness"


def freshness_check(key: dg.AssetKey, source: str, prefix: str | None) -> dg.AssetChecksDefinition:
    """The freshness check of `key`, the snapshots of `source` (files `prefix`…)."""

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


def freshness_checks(inputs: list[RawInput]) -> list[dg.AssetChecksDefinition]:
    """One per raw asset's snapshots, less those of a previous release (old by definition)."""
    return [
        freshness_check(item.key, item.source, item.prefix)
        for item in inputs
        if not item.raw.path[-1].endswith("_previous")
    ]
