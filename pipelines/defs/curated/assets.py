"""The cross-source bookkeeping tables: source_snapshots and validation_results."""

import dagster as dg

from pipelines.defs.curated.docs import TABLES
from pipelines.defs.curated.tables import curated_table


def source_snapshots(raw_keys: list[dg.AssetKey]) -> tuple[dg.AssetsDefinition, dg.AssetChecksDefinition]:
    """Built after every raw asset, so it lists each file the build used."""
    return curated_table(
        "source_snapshots",
        raw_keys,
        ["raw_table", "file"],
        TABLES["source_snapshots"],
        uses_what_was_built=True,
    )


def validation_results(upstream: list[dg.AssetKey]) -> tuple[dg.AssetsDefinition, dg.AssetChecksDefinition]:
    """Built after every staging and curated table, whose checks all run before anything downstream."""
    return curated_table(
        "validation_results", upstream, ["asset", "check_name", "expectation", "kwargs"], TABLES["validation_results"],
        allow_empty=True, uses_what_was_built=True,
    )  # fmt: skip
