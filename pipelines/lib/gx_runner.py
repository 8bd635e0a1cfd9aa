"""Runs a Great Expectations 1.x suite on a DataFrame read back from DuckDB.

GX is imported inside the function: it takes seconds to import and only checks need it.
GX is handed only the columns the expectations name (when every expectation names its columns), and on large
frames each group of expectations only its own columns (`SPLIT_ROWS`): GX copies the whole frame it is given
when it filters rows, and would fingerprint it by hashing every value (switched off in `_import_gx`; list
columns such as `cleaning_notes` made that hash pickle every row). The results are the same: each expectation
sees the same column values.
Two modules GX imports only for expectations this project does not use (scipy.stats for the KL-divergence
and KS-test expectations, altair for their renderers) are registered to load on first use instead: about a
third of GX's import time.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from pipelines.lib import helper_process

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


LOADED_ON_FIRST_USE = ("scipy.stats", "altair")


def _load_on_first_use(name: str) -> None:
    """Registers `name` so that it is executed when an attribute of it is first used (importlib's LazyLoader);
    does nothing when it is already imported or cannot be found."""
    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent and parent in sys.modules:
        setattr(sys.modules[parent], child, module)


def _import_gx():  # noqa: ANN202 - the great_expectations module
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    if "great_expectations" not in sys.modules:
        for name in LOADED_ON_FIRST_USE:
            _load_on_first_use(name)
    import great_expectations
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every pandas batch under this size with an md5 of the whole frame, twice per suite
    # (2.5 s at 1.9 million rows); the fingerprint only labels the batch, which this project never reads.
    pandas_execution_engine.HASH_THRESHOLD = 0
    return great_expectations


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


def preload(freeze: bool = False) -> None:
    """Imports GX on a background thread (about 1.5 s), so the first check of a run does not wait for all of it;
    with `freeze` (the helper process), then freezes the imported objects (`helper_process.freeze_imported`)."""

    def load() -> None:
        _import_gx()
        if freeze:
            helper_process.freeze_imported()

    threading.Thread(target=load, daemon=True, name="import-gx").start()


# GX keeps module-level state (the current project's context among it): a build running steps on several
# threads validates one suite at a time. The suites are Python throughout, so this costs no parallelism.
_SUITE_LOCK = threading.Lock()


def run_suite(
    name: str, data: pd.DataFrame | pa.Table | ParquetRows, expectations: list[Expectation]
) -> SuiteResult:
    """The suite on `data` (a frame, or an Arrow table as DuckDB returns it): in the build's helper process when
    one is running (`helper_process`: GX's import and the suites then run on the other core), else here."""
    return helper_process.call("pipelines.lib.gx_runner:run_suite_here", name, data, expectations)


HANDOVER_PREFIX = ".check-rows-"  # Parquet files a check writes beside the working database for the helper


@dataclass(frozen=True)
class ParquetRows:
    """Rows DuckDB wrote to a Parquet file (`path`) for a suite: a large table goes to the helper process this
    way, without a copy in the build's process or in the pipe."""

    path: str


def as_frame(data: pd.DataFrame | pa.Table | ParquetRows) -> pd.DataFrame:
    """The frame to validate: an Arrow table or a Parquet file converted by DuckDB, the same frame `.df()` on the
    query would have given (DuckDB's types go through Arrow and Parquet unchanged)."""
    if isinstance(data, pd.DataFrame):
        return data
    import duckdb

    from pipelines.lib.sql import literal

    with duckdb.connect() as con:
        if isinstance(data, ParquetRows):
            return con.sql(f"select * from read_parquet({literal(data.path)})").df()
        return con.from_arrow(data).df()


def run_suite_here(
    name: str, data: pd.DataFrame | pa.Table | ParquetRows, expectations: list[Expectation]
) -> SuiteResult:
    """The suite, in this process."""
    with _SUITE_LOCK:
        frame = as_frame(data)
        large = len(frame) >= SPLIT_ROWS
        try:
            return _run_suite(name, frame, expectations)
        finally:
            del frame
            if large:
                helper_process.give_back_memory()


def _run_suite(name: str, frame: pd.DataFrame, expectations: list[Expectation]) -> SuiteResult:
    gx = _import_gx()

    needed = columns_needed(expectations)
    if needed is not None and all(c in frame.columns for c in needed):
        frame = frame[needed]  # an absent column is left for GX to report

    frame = _vectorisable(frame, expectations)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_pandas(f"{name}_source")
    definition = source.add_dataframe_asset(f"{name}_frame").add_batch_definition_whole_dataframe(
        f"{name}_batch"
    )
    by_index = {}
    for columns, indexes in _groups(frame, expectations):
        batch = definition.get_batch(
            batch_parameters={"dataframe": frame if columns is None else frame[columns]}
        )
        suite = gx.ExpectationSuite(name=name)
        for index in indexes:
            item = expectations[index]
            suite.add_expectation(getattr(gx.expectations, item.type)(**item.kwargs, meta={"index": index}))
        result = batch.validate(suite, result_format="SUMMARY")
        by_index.update({outcome.expectation_config.meta["index"]: outcome for outcome in result.results})
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
