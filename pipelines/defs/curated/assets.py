"""Curated tables from the IOM Missing Migrants Project, and the cross-source source_snapshots table."""

import dagster as dg

from pipelines.defs.curated.docs import TABLES
from pipelines.defs.curated.tables import curated_table
from pipelines.defs.iom_mmp.assets import STAGING_KEY

MMP_INCIDENTS = dg.AssetKey(["curated", "mmp_incidents"])
DEATHS_BY_ROUTE_MONTH = dg.AssetKey(["curated", "deaths_by_route_month"])

_incidents = curated_table("mmp_incidents", [STAGING_KEY], ["incident_id"], TABLES["mmp_incidents"])
_deaths = curated_table(
    "deaths_by_route_month",
    [MMP_INCIDENTS],
    ["route", "month"],
    TABLES["deaths_by_route_month"],
    extra_metadata="select count(*) as incidents_without_year_or_month_left_out from curated.mmp_incidents "
    "where year is null or month is null",
)

ASSETS = [_incidents[0], _deaths[0]]
CHECKS = [_incidents[1], _deaths[1]]


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
