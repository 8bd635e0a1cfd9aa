"""Runs a Great Expectations 1.x suite on a DataFrame read back from DuckDB, on GX's public API only.

GX is imported inside the function: it takes seconds to import and only checks need it. One ephemeral Data Context, with one pandas data source, data asset and whole-dataframe batch
definition, is built once per process and reused by every suite; each suite runs as a `ValidationDefinition`
with the frame as its `batch_parameters`, so GX loads the batch once (a `Batch.validate` loads it a second time).
GX fingerprints every pandas batch it loads (an md5 of the whole frame): loading each batch once halves that.
GX is handed only the columns the expectations name (when every expectation names its columns), and on large
frames each group of expectations only its own columns (`SPLIT_ROWS`): GX copies the whole frame it is given
when it filters rows, and hashes all of it (list columns such as `cleaning_notes` made that hash pickle every
row). The results are the same: each expectation sees the same column values.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa


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


COLUMN_ARGUMENTS = ("column", "column_A", "column_B")
COLUMN_LIST_ARGUMENTS = ("column_list",)


def _columns_of(item: Expectation) -> list[str]:
    named = [item.kwargs[a] for a in COLUMN_ARGUMENTS if a in item.kwargs]
    for argument in COLUMN_LIST_ARGUMENTS:
        named += list(item.kwargs.get(argument) or [])
    return named


def columns_needed(expectations: list[Expectation]) -> list[str] | None:
    """The columns the expectations read, in a stable order; None when one of them names no column
    (a table-level expectation may look at every column)."""
    needed: dict[str, None] = {}
    for item in expectations:
        named = _columns_of(item)
        if not named:
            return None
        needed.update(dict.fromkeys(named))
    return list(needed)


# From this many rows on, each group of expectations reading the same columns is validated on a frame of just
# those columns: GX filters the whole frame it is given (every column) for each expectation's rows, which at
# 1.9 million rows and 15 columns cost more than the checks. Below it, one frame: fewer GX batches.
SPLIT_ROWS = 200_000


def column_groups(
    expectations: list[Expectation], rows: int, columns: Iterable[str]
) -> list[tuple[list[str] | None, list[int]]]:
    """(columns, or None for all of them, and the indexes of the expectations validated on them): one group
    below SPLIT_ROWS rows, or when an expectation names no column or a column that is not there (GX reports
    it); otherwise one group per set of columns."""
    everything = [(None, list(range(len(expectations))))]
    needed = columns_needed(expectations)
    present = set(columns)
    if rows < SPLIT_ROWS or needed is None or not all(c in present for c in needed):
        return everything
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, item in enumerate(expectations):
        groups.setdefault(tuple(_columns_of(item)), []).append(index)
    return [(list(group), indexes) for group, indexes in groups.items()]


def _groups(frame: pd.DataFrame, expectations: list[Expectation]) -> list[tuple[list[str] | None, list[int]]]:
    return column_groups(expectations, len(frame), frame.columns)


def run_suite_in_parts(
    name: str,
    fetch: Callable[[list[str] | None], pd.DataFrame],
    expectations: list[Expectation],
    rows: int,
    columns: Iterable[str],
) -> SuiteResult:
    """The suite on a table of `rows` rows that `fetch(columns)` reads: at scale, each column group's
    expectations on a frame of just those columns, fetched when needed and released after, so the whole
    table is never in memory as a frame. The rows come back in the expectations' order."""
    groups = column_groups(expectations, rows, columns)
    if len(groups) == 1:
        return run_suite(name, fetch(groups[0][0]), expectations)
    merged: list[dict] = [{} for _ in expectations]
    for group, indexes in groups:
        part = run_suite(name, fetch(group), [expectations[i] for i in indexes])
        for index, row in zip(indexes, part.rows, strict=True):
            merged[index] = row
    return SuiteResult(all(r["success"] for r in merged if r["severity"] == "error"), merged)


def _import_gx():  # noqa: ANN202 - the great_expectations module
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations

    return great_expectations


@dataclass
class _Runtime:
    """The process's ephemeral Data Context and the batch definition every suite's frame is passed to."""

    context: object
    batch_definition: object


_RUNTIME: _Runtime | None = None
_RUN_NUMBERS = itertools.count(1)


def _runtime() -> _Runtime:
    """The ephemeral Data Context of this process, built on first use."""
    global _RUNTIME
    if _RUNTIME is None:
        gx = _import_gx()
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = {"globally": False}
        source = context.data_sources.add_pandas("gx_runner_frames")
        definition = source.add_dataframe_asset("frame").add_batch_definition_whole_dataframe("whole_frame")
        _RUNTIME = _Runtime(context, definition)
    return _RUNTIME


def _validate(name: str, frame: pd.DataFrame, expectations: list[tuple[int, Expectation]]) -> list:
    """GX's outcomes of `expectations` (each with its index, kept in its meta) on `frame`: the suite and its
    validation definition are added to the context for the run and removed after it."""
    gx = _import_gx()
    runtime = _runtime()
    unique = f"{name}-{next(_RUN_NUMBERS)}"
    suite = gx.ExpectationSuite(name=unique)
    for index, item in expectations:
        suite.add_expectation(getattr(gx.expectations, item.type)(**item.kwargs, meta={"index": index}))
    suite = runtime.context.suites.add(suite)
    try:
        definition = runtime.context.validation_definitions.add(
            gx.ValidationDefinition(name=unique, data=runtime.batch_definition, suite=suite)
        )
        try:
            result = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
        finally:
            runtime.context.validation_definitions.delete(unique)
    finally:
        runtime.context.suites.delete(unique)
    return list(result.results)


def _vectorisable(frame: pd.DataFrame, expectations: list[Expectation]) -> pd.DataFrame:
    """The integer columns that a range expectation reads, as numpy int64 (or float64, exact below 2**53, when
    values are missing). GX compares numpy int64 and float64 columns in one vectorised step and any other
    dtype (int32, pandas' nullable Int64) value by value in Python; the outcome is the same."""
    ranged = {e.kwargs.get("column") for e in expectations if e.type == "ExpectColumnValuesToBeBetween"}
    changed = {}
    for column in ranged & set(frame.columns):
        dtype = frame[column].dtype
        if (
            pd.api.types.is_integer_dtype(dtype)
            and not pd.api.types.is_bool_dtype(dtype)
            and dtype != "int64"
        ):
            values = frame[column]
            changed[column] = values.astype("float64" if values.isna().any() else "int64")
    return frame.assign(**changed) if changed else frame


def _exception_message(info: dict | None) -> str | None:
    """GX's exception for an expectation: on the outcome itself, or keyed by the metric that raised it (a column
    the frame lacks, for instance)."""
    if not info:
        return None
    if info.get("exception_message"):
        return str(info["exception_message"])
    found = [
        v["exception_message"] for v in info.values() if isinstance(v, dict) and v.get("exception_message")
    ]
    return str(found[0]) if found else None


def _shown(value: object) -> str:
    """A failing value as text; a whole float (a count GX saw as float64) without its '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def run_suite(name: str, data: pd.DataFrame | pa.Table, expectations: list[Expectation]) -> SuiteResult:
    """The suite on `data` (a frame, or an Arrow table as DuckDB returns it)."""
    frame = as_frame(data)
    large = len(frame) >= SPLIT_ROWS
    try:
        return _run_suite(name, frame, expectations)
    finally:
        del frame
        if large:
            give_back_memory()


def give_back_memory() -> None:
    """Returns to the system what validating a large table freed: Python and the C allocator otherwise keep it
    for the rest of the build."""
    gc.collect(1)
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def as_frame(data: pd.DataFrame | pa.Table) -> pd.DataFrame:
    """The frame to validate: an Arrow table converted by DuckDB, the same frame `.df()` on the query would have
    given (DuckDB's types go through Arrow unchanged)."""
    if isinstance(data, pd.DataFrame):
        return data
    import duckdb

    with duckdb.connect() as con:
        return con.from_arrow(data).df()


def _run_suite(name: str, frame: pd.DataFrame, expectations: list[Expectation]) -> SuiteResult:
    needed = columns_needed(expectations)
    if needed is not None and all(c in frame.columns for c in needed):
        frame = frame[needed]  # an absent column is left for GX to report

    frame = _vectorisable(frame, expectations)
    by_index = {}
    for columns, indexes in _groups(frame, expectations):
        part = frame if columns is None else frame[columns]
        outcomes = _validate(name, part, [(index, expectations[index]) for index in indexes])
        by_index.update({outcome.expectation_config.meta["index"]: outcome for outcome in outcomes})
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
                "partial_unexpected": [
                    _shown(v) for v in (details.get("partial_unexpected_list") or [])[:10]
                ],
                "observed_value": str(details.get("observed_value"))[:200]
                if "observed_value" in details
                else None,
                "severity": item.severity,
                "exception": _exception_message(outcome.exception_info),
            }
        )
    success = all(r["success"] for r in rows if r["severity"] == "error")
    return SuiteResult(success, rows)
