"""Runs a Great Expectations 1.x suite on a DataFrame read back from DuckDB.

GX is imported inside the function: it takes seconds to import and only checks need it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Expectation:
    """One expectation: the GX class name, its keyword arguments, and whether failing it blocks."""

    type: str
    kwargs: dict
    severity: str = "error"  # "error" fails the check; "warn" is reported but does not fail it
    meta: dict = field(default_factory=dict)


@dataclass
class SuiteResult:
    success: bool
    rows: list[dict]

    def failures(self, severity: str | None = None) -> list[dict]:
        return [r for r in self.rows if not r["success"] and (severity is None or r["severity"] == severity)]


def run_suite(name: str, frame: pd.DataFrame, expectations: list[Expectation]) -> SuiteResult:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_pandas(f"{name}_source")
    batch = (
        source.add_dataframe_asset(f"{name}_frame")
        .add_batch_definition_whole_dataframe(f"{name}_batch")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = gx.ExpectationSuite(name=name)
    for index, item in enumerate(expectations):
        suite.add_expectation(getattr(gx.expectations, item.type)(**item.kwargs, meta={"index": index}))
    result = batch.validate(suite, result_format="SUMMARY")
    by_index = {outcome.expectation_config.meta["index"]: outcome for outcome in result.results}
    rows = []
    for index, item in enumerate(expectations):
        outcome = by_index[index]
        details = outcome.result or {}
        rows.append(
            {
                "expectation": item.type,
                "kwargs": item.kwargs,
                "success": bool(outcome.success),
                "unexpected_count": details.get("unexpected_count"),
                "element_count": details.get("element_count"),
                "partial_unexpected": [str(v) for v in (details.get("partial_unexpected_list") or [])[:10]],
                "observed_value": str(details.get("observed_value"))[:200]
                if "observed_value" in details
                else None,
                "severity": item.severity,
                "exception": (outcome.exception_info or {}).get("exception_message"),
            }
        )
    success = all(r["success"] for r in rows if r["severity"] == "error")
    return SuiteResult(success, rows)
