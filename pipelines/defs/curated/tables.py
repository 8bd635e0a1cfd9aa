"""Factory for curated tables: an asset that runs sql/curated/<table>.sql, documents the table with
COMMENT ON, and a blocking check that the table is non-empty with a unique key."""

from collections.abc import Callable

import dagster as dg

from pipelines.lib import meta, sql
from pipelines.lib.asset_meta import table_metadata
from pipelines.lib.checks import Check, recorded_check
from pipelines.lib.steps import Declared, asset
from pipelines.lib.warehouse import Warehouse

GROUP = "curated"


def curated_table(
    table: str,
    deps: list[dg.AssetKey],
    key: list[str],
    doc: dict,
    *,
    extra_metadata: str | None = None,
    allow_empty: bool = False,
    setup: Callable[[object], None] | None = None,
    uses_what_was_built: bool = False,
    prepare: Callable[[dg.AssetExecutionContext, object], None] | None = None,
) -> tuple[Declared, Check]:
    """`doc` = {"comment": grain, sources and caveats, "columns": {column: description}}.
    `extra_metadata`: an SQL query returning one row whose columns are added to the metadata. `setup(con)` and
    `prepare(context, con)` run before the table's SQL (`prepare` when it needs the run)."""

    @asset(
        key=["curated", table],
        deps=deps,
        group_name=GROUP,
        kinds={"duckdb", "sql"},
        description=doc["comment"],
        metadata={"uses_what_was_built": True} if uses_what_was_built else None,
    )
    def _build(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            if setup is not None:
                setup(con)
            if prepare is not None:
                prepare(context, con)
            rows = sql.build_table(con, "curated", table)
            sql.comment_table(con, f"curated.{table}", doc["comment"], doc["columns"])
            metadata = table_metadata(con, f"curated.{table}")
            if extra_metadata:
                cursor = con.execute(extra_metadata)
                names = [d[0] for d in cursor.description]
                values = cursor.fetchall()[0]
                metadata.update(
                    {
                        n: dg.MetadataValue.json(v) if isinstance(v, list | dict) else v
                        for n, v in zip(names, values, strict=True)
                    }
                )
        context.log.info(f"curated.{table}: {rows} rows")
        return dg.MaterializeResult(metadata=metadata)

    @recorded_check(
        asset=dg.AssetKey(["curated", table]),
        name="non_empty_unique_key",
        description=f"{'Unique' if allow_empty else 'Non-empty, with a unique'} key ({', '.join(key)}).",
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        columns = ", ".join(key)
        with warehouse.connect() as con:
            rows, duplicates = con.execute(
                f"select count(*), count(*) - count(distinct ({columns})) from curated.{table}"
            ).fetchall()[0]
            passed = bool((rows > 0 or allow_empty) and duplicates == 0)
            meta.record_validation(con, f"curated/{table}", "non_empty_unique_key", table, [
                {"expectation": "non-empty, unique key" if not allow_empty else "unique key", "kwargs": {"key": key},
                 "success": passed, "unexpected_count": int(duplicates), "element_count": int(rows), "severity": "error"}
            ])  # fmt: skip
        return dg.AssetCheckResult(
            passed=passed,
            metadata={"rows": int(rows), "duplicate_keys": int(duplicates), "key": columns},
        )

    return _build, _check
