"""Check factories: a Great Expectations suite as a blocking check, and a warn-only 'unknown values' check;
`recorded_check`, the decorator every check is declared with, which records what the check told Dagster."""

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg

from pipelines.lib import meta
from pipelines.lib.gx_runner import (
    Expectation,
    SuiteResult,
    columns_needed,
    run_suite_in_parts,
)
from pipelines.lib.sql import identifier
from pipelines.lib.warehouse import Warehouse


def _severity(result: dg.AssetCheckResult) -> str:
    return "warn" if result.severity == dg.AssetCheckSeverity.WARN else "error"


def _plain(value: object) -> object:
    return getattr(value, "value", value)


def result_summary(result: dg.AssetCheckResult, limit: int = 600) -> str:
    """One line saying what a check found: its description, else its metadata (name=value; long lists are
    counted, not listed)."""
    if result.description:
        return " ".join(result.description.split())[:limit]
    parts = []
    for name, entry in (result.metadata or {}).items():
        value = _plain(entry)
        if isinstance(value, list | dict):
            text = json.dumps(value, default=str, ensure_ascii=False)
            value = text if len(text) <= 160 else f"{len(value)} items"
        parts.append(f"{name}={value}")
    return "; ".join(parts)[:limit]


@dataclass(frozen=True)
class Check:
    """A check of one asset, evaluated in that asset's own step (`pipelines.lib.steps`): Dagster knows it by
    its `spec`; `evaluate` runs it and records what it told Dagster."""

    key: dg.AssetCheckKey
    function: Callable[..., dg.AssetCheckResult]
    blocking: bool = True
    description: str | None = None

    @property
    def spec(self) -> dg.AssetCheckSpec:
        return dg.AssetCheckSpec(
            self.key.name, asset=self.key.asset_key, blocking=self.blocking, description=self.description
        )

    def evaluate(self, context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        """The check's result, recorded in meta.validation_results: one 'check' row with its severity ('error' or
        'warn', as the result says), passed or failed and a summary; its earlier rows are removed first, so
        nothing of a previous build stands for it. A check that raises is recorded as failed (severity error,
        the exception as summary) and the exception goes on to the caller."""
        where, name = self.key.asset_key.to_user_string(), self.key.name
        wanted = inspect.signature(self.function).parameters
        with warehouse.connect() as con:
            meta.forget_check(con, where, name)
        try:
            result = self.function(context, warehouse) if "context" in wanted else self.function(warehouse)
        except Exception as exc:
            with warehouse.connect() as con:
                meta.record_check(con, where, name, severity="error", success=False, run_id=context.run.run_id,
                                  summary=f"the check raised {type(exc).__name__}: {exc}"[:600])  # fmt: skip
            raise
        with warehouse.connect() as con:
            meta.record_check(con, where, name, severity=_severity(result), success=bool(result.passed),
                              summary=result_summary(result), run_id=context.run.run_id)  # fmt: skip
        return dg.AssetCheckResult(
            asset_key=self.key.asset_key,
            check_name=name,
            passed=result.passed,
            severity=result.severity,
            description=result.description,
            metadata=result.metadata,
        )


def accepted_by_hand(warehouse: object, source: str, stored_name: str | None) -> bool:
    """True when the stored file was rejected once and put back with `migration-evidence accept`: a vintage check
    then reports what it found at warn severity instead of blocking again."""
    from pipelines.lib import raw_store

    if not stored_name:
        return False
    try:
        snapshot = raw_store.find_snapshot(warehouse.paths().raw_dir, source, stored_name)
    except raw_store.RawStoreError:
        return False
    return bool(snapshot.provenance.get("previous_rejections"))


def judged(tests: list[tuple[bool, str]]) -> tuple[bool, list[str]]:
    """(every test passed, each test's text prefixed 'ok: ' or 'IMPLAUSIBLE: ') of a vintage comparison."""
    return all(ok for ok, _ in tests), [f"{'ok' if ok else 'IMPLAUSIBLE'}: {text}" for ok, text in tests]


def vintage_result(
    warehouse: object, source: str, plausible: bool, lines: list[str], row: dict, limits: dict
) -> dg.AssetCheckResult:
    """The result of a check comparing the snapshot in use (row['current_file']) with the one it replaces
    (row['previous_file']): blocking when implausible, naming the new file (failed_files) so that it alone is
    marked rejected with the comparison; at warn severity, saying so, once it was accepted by hand."""
    where = f"{row['current_file']} against {row['previous_file']}: " if row.get("previous_file") else ""
    accepted = not plausible and accepted_by_hand(warehouse, source, row.get("current_file"))
    if accepted:  # the documented override: reported at warn severity, and recorded as such
        where = f"accepted by hand after it was rejected (migration-evidence accept): {where}"
    return dg.AssetCheckResult(
        passed=plausible,
        severity=dg.AssetCheckSeverity.WARN if accepted else dg.AssetCheckSeverity.ERROR,
        description=where + "; ".join(lines),
        metadata={
            "comparison": dg.MetadataValue.json(lines),
            "limits": dg.MetadataValue.json(limits),
            **({"failed_files": dg.MetadataValue.json([row["current_file"]])} if not plausible else {}),
        },
    )


def recorded_check(
    *, asset: object, name: str, blocking: bool = True, description: str | None = None
) -> Callable[[Callable[..., dg.AssetCheckResult]], Check]:
    """Declares a check of `asset`: it runs in the asset's own step, right after the asset materialises, and
    records its outcome (`Check.evaluate`). The function takes `warehouse` (and optionally `context`, the
    asset's execution context). Declared blocking by default: a failed error-severity check stops everything
    downstream, and its asset is rebuilt by the next build; declare a warn-only check `blocking=False`."""
    key = dg.AssetCheckKey(
        dg.AssetKey.from_coercible(asset) if not isinstance(asset, dg.AssetKey) else asset, name
    )

    def decorate(function: Callable[..., dg.AssetCheckResult]) -> Check:
        wanted = set(inspect.signature(function).parameters)
        if not wanted <= {"context", "warehouse"} or "warehouse" not in wanted:
            raise TypeError(
                f"check {name}: recorded_check needs a function of (warehouse) or (context, warehouse)"
            )
        return Check(key, function, blocking, description if description is not None else function.__doc__)

    return decorate


def summary(result: SuiteResult) -> dict:
    keys = ("expectation", "kwargs", "unexpected_count", "partial_unexpected", "observed_value", "exception")
    failed = [{k: r[k] for k in keys} for r in result.failures()]
    return {
        "expectations": dg.MetadataValue.int(len(result.rows)),
        "failed": dg.MetadataValue.int(len(failed)),
        "failed_expectations": dg.MetadataValue.json(failed),
    }


def _only_needed_columns(query: str, expectations: list[Expectation], available: list[str]) -> str:
    """`query` narrowed to the columns the expectations read (a staging table's list columns, such as
    `cleaning_notes`, cost seconds and gigabytes to convert at scale); unchanged when an expectation reads the
    whole table. A column the query lacks (`available` are its columns) is left out here and reported missing
    by GX."""
    needed = columns_needed(expectations)
    if needed is None:
        return query
    keep = [c for c in needed if c in available]
    if not keep:
        return query
    columns = ", ".join(identifier(c) for c in keep)
    return f"select {columns} from ({query}) as checked"


def validate(
    con: object,
    asset: dg.AssetKey,
    name: str,
    query: str,
    expectations: list[Expectation],
    extra: dict | None = None,
) -> dg.AssetCheckResult:
    """Runs the suite on `query` read back from DuckDB, records every expectation in meta.validation_results and
    returns the check's result (failed expectations, and `extra`, in its metadata)."""
    suite = asset.path[-1]
    columns = [d[0] for d in con.execute(f"select * from ({query}) as checked limit 0").description]
    rows = con.execute(f"select count(*) from ({query}) as checked").fetchall()[0][0]

    def fetch(group: list[str] | None) -> object:
        selected = (
            _only_needed_columns(query, expectations, columns)
            if group is None
            else f"select {', '.join(identifier(c) for c in group)} from ({query}) as checked"
        )
        return con.sql(selected).to_arrow_table()  # Arrow: DuckDB makes it without Python objects

    result = run_suite_in_parts(suite, fetch, expectations, rows, columns)
    meta.record_validation(con, asset.to_user_string(), name, suite, result.rows)
    return dg.AssetCheckResult(passed=result.success, metadata={**summary(result), **(extra or {})})


def gx_suite_check(
    asset: dg.AssetKey,
    name: str,
    query: str,
    expectations: Callable[[object], list[Expectation]],
    description: str,
) -> Check:
    """Blocking check: `query` (read back from DuckDB) validated against `expectations(con)`."""

    @recorded_check(asset=asset, name=name, description=description)
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            return validate(con, asset, name, query, expectations(con))

    return _check


def unknown_values_check(asset: dg.AssetKey, name: str, query: str, description: str) -> Check:
    """Warn-only check: `query` returns (kind, value, rows) for every value no mapping file knows. Not blocking:
    it runs in its asset's step, and its WARN severity never stops the build."""

    @recorded_check(asset=asset, name=name, blocking=False, description=description)
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            unknown = con.execute(query).fetchall()
            meta.record_validation(
                con,
                asset.to_user_string(),
                name,
                asset.path[-1],
                [
                    {
                        "expectation": "known values",
                        "kwargs": {"kind": kind, "value": value},
                        "success": False,
                        "unexpected_count": rows,
                        "element_count": None,
                        "severity": "warn",
                    }
                    for kind, value, rows in unknown
                ],
            )
        listing: dict[str, list] = {}
        for kind, value, rows in unknown:
            listing.setdefault(kind, []).append({"value": value, "rows": rows})
        return dg.AssetCheckResult(
            passed=not unknown,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"unknown": dg.MetadataValue.json(listing), "unknown_values": len(unknown)},
        )

    return _check
