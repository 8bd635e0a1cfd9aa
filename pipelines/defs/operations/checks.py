"""A freshness check on the snapshots of every raw asset (the raw store's observable source asset
`snapshots/<raw table>`): are its source's data older than the source's publication rhythm allows
(pipelines/defs/operations/sources.csv)? Warn-only; age = today − the last date the data cover (as the last
build's staging recorded it; the publication, else access, date of a file not yet built), so it can run on its
own, without a build. A build selects no source asset, so its checks are never part of one."""

from collections.abc import Iterator

import dagster as dg

from pipelines.defs.operations.freshness import assess, covered_in
from pipelines.defs.operations.staleness import RawInput
from pipelines.lib import raw_store
from pipelines.lib.warehouse import Warehouse

CHECK_NAME = "snapshot_freshness"


def _description(source: str) -> str:
    return (
        f"Warns when the last date the {source} data cover is older than the source's publication rhythm "
        "allows (max_age_days in pipelines/defs/operations/sources.csv); age = today − the last date covered."
    )


def _result(
    warehouse: Warehouse, key: dg.AssetKey, source: str, prefix: str | None, covered: dict
) -> dg.AssetCheckResult:
    """The freshness of `key`, the snapshots of `source` (files `prefix`…)."""
    raw_dir = warehouse.paths().raw_dir
    found = assess(raw_dir, source, prefix, covered=covered)
    stalest = found.stalest
    snapshots = [s for s in raw_store.list_snapshots(raw_dir, source)
                 if s.provenance.get("entity", "all").startswith(prefix or "")]  # fmt: skip
    if snapshots and all(s.sample for s in snapshots):
        return dg.AssetCheckResult(
            asset_key=key,
            check_name=CHECK_NAME,
            passed=True,
            description="sample data: synthetic snapshots with fixed dates, freshness does not apply",
            metadata={"sample": True},
        )
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=CHECK_NAME,
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


def freshness_checks(inputs: list[RawInput]) -> list[dg.AssetChecksDefinition]:
    """One check per raw asset's snapshots (less those of a previous release, old by definition), all evaluated
    in one step: they read the same raw store and working database, and one step is about a tenth of the
    Dagster events eleven would record."""
    checked = [item for item in inputs if not item.raw.path[-1].endswith("_previous")]
    specs = [
        dg.AssetCheckSpec(CHECK_NAME, asset=item.key, blocking=False, description=_description(item.source))
        for item in checked
    ]

    @dg.multi_asset_check(specs=specs, name="snapshot_freshness_checks", can_subset=True)
    def _checks(
        context: dg.AssetCheckExecutionContext, warehouse: Warehouse
    ) -> Iterator[dg.AssetCheckResult]:
        covered: dict = {}
        if warehouse.paths().working_db.exists():
            with warehouse.connect() as con:
                covered = covered_in(con)
        selected = context.selected_asset_check_keys
        for item in checked:
            if dg.AssetCheckKey(item.key, CHECK_NAME) in selected:
                yield _result(warehouse, item.key, item.source, item.prefix, covered)

    return [_checks]
