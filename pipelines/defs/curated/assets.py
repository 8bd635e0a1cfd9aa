"""Curated tables: what researchers and charts read. Each is built from sql/curated/<table>.sql."""

import dagster as dg

from pipelines.defs.curated.docs import TABLES
from pipelines.defs.iom_mmp.assets import RAW_KEY, STAGING_KEY
from pipelines.lib import sql
from pipelines.lib.asset_meta import table_metadata
from pipelines.lib.warehouse import Warehouse

GROUP = "curated"
# table -> (upstream asset keys, unique key columns)
CURATED: dict[str, tuple[list[dg.AssetKey], list[str]]] = {
    "mmp_incidents": ([STAGING_KEY], ["incident_id"]),
    "deaths_by_route_month": ([dg.AssetKey(["curated", "mmp_incidents"])], ["route", "month"]),
    "source_snapshots": ([RAW_KEY], ["raw_table"]),
}


def _curated_asset(table: str, deps: list[dg.AssetKey]) -> dg.AssetsDefinition:
    doc = TABLES[table]

    @dg.asset(
        key=["curated", table],
        deps=deps,
        group_name=GROUP,
        kinds={"duckdb", "sql"},
        description=doc["comment"],
    )
    def _build(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            rows = sql.build_table(con, "curated", table)
            sql.comment_table(con, f"curated.{table}", doc["comment"], doc["columns"])
            metadata = table_metadata(con, f"curated.{table}")
            if table == "deaths_by_route_month":
                left_out = con.execute(
                    "select count(*) from curated.mmp_incidents where year is null or month is null"
                ).fetchall()[0][0]
                metadata["incidents_without_year_or_month_left_out"] = dg.MetadataValue.int(int(left_out))
        context.log.info(f"curated.{table}: {rows} rows")
        return dg.MaterializeResult(metadata=metadata)

    return _build


def _key_check(table: str, key: list[str]) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=dg.AssetKey(["curated", table]), blocking=True, name="non_empty_unique_key")
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        columns = ", ".join(key)
        with warehouse.connect() as con:
            rows, duplicates = con.execute(
                f"select count(*), count(*) - count(distinct ({columns})) from curated.{table}"
            ).fetchall()[0]
        return dg.AssetCheckResult(
            passed=bool(rows > 0 and duplicates == 0),
            metadata={"rows": int(rows), "duplicate_keys": int(duplicates), "key": columns},
        )

    return _check


curated_assets = [_curated_asset(table, deps) for table, (deps, _key) in CURATED.items()]
curated_checks = [_key_check(table, key) for table, (_deps, key) in CURATED.items()]
