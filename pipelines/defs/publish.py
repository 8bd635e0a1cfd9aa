"""Publishing the researchers' database: only after every blocking check upstream has passed."""

import dagster as dg

from pipelines.lib import publish as publishing
from pipelines.lib.raw_store import sha256_of
from pipelines.lib.warehouse import Warehouse

PUBLISH_KEY = dg.AssetKey(["publish", "evidence_duckdb"])


def publish_asset(curated_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=PUBLISH_KEY,
        deps=curated_keys,
        group_name="publish",
        kinds={"duckdb", "parquet"},
        description=_publish.__doc__,
        metadata={"uses_what_was_built": True},
    )
    def evidence_duckdb(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        return _publish(context, warehouse)

    return evidence_duckdb


def _publish(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """$MIGRATION_DATA_DIR/curated/evidence.duckdb (schemas `curated` and `staging`) and one Parquet file per
    curated table under curated/parquet/. Written aside and moved into place atomically; runs only when every
    blocking check upstream passed, so readers never see a half-built or unvalidated database."""
    paths = warehouse.paths()
    counts = publishing.publish(paths.working_db, paths.published_db)
    parquet = publishing.export_parquet(paths.published_db, paths.curated_dir / "parquet")
    context.log.info(f"published {paths.published_db}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(paths.published_db)),
            "sha256": sha256_of(paths.published_db),
            "tables": dg.MetadataValue.json(counts),
            "parquet": dg.MetadataValue.json(parquet),
        }
    )
