"""Reads a migr_eipre JSON-stat response (pipelines.lib.jsonstat) and refuses what staging cannot parse."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import pandas as pd

from pipelines.defs.eurostat_eipre.source import DATASET, NAME
from pipelines.lib import jsonstat
from pipelines.lib.raw_store import Snapshot
from pipelines.lib.tabular import SourceFormatError

SOURCE = NAME
HERE = Path(__file__).resolve().parent
YEAR = re.compile(r"(19|20)\d\d")
COUNT = re.compile(r"\d+")


@cache
def settings() -> dict:
    with open(HERE / "codes.toml", "rb") as handle:
        return tomllib.load(handle)


def read_snapshot(snapshot: Snapshot) -> tuple[pd.DataFrame, jsonstat.JsonStat]:
    frame, info = jsonstat.read(snapshot.path, SOURCE, snapshot.name)
    if (info.dataset or "").upper() != DATASET:
        raise SourceFormatError(SOURCE, snapshot.name, f"extension.id is {info.dataset!r}, not {DATASET}")
    for needed in ("geo", "time"):
        if needed not in info.dimensions:
            raise SourceFormatError(
                SOURCE, snapshot.name, f"has no {needed!r} dimension (id: {info.dimensions})"
            )
    for dimension, size in zip(info.dimensions, info.sizes, strict=True):
        if dimension not in settings()["roles"] and size > 1:
            raise SourceFormatError(
                SOURCE, snapshot.name, f"dimension {dimension!r} takes {size} values but has no role in "
                "pipelines/defs/eurostat_eipre/codes.toml; add it there",
            )  # fmt: skip
    if frame.empty:
        raise SourceFormatError(SOURCE, snapshot.name, "has no values")
    return frame, info


def describe(info: jsonstat.JsonStat) -> str:
    """Recorded with the snapshot (meta.snapshots_used.layout); staging reads the update time back from it."""
    return (f"json-stat 2.0; dataset: {info.dataset}; updated: {info.updated}; structure version: "
            f"{info.structure_version}; dimensions: {','.join(info.dimensions)}")  # fmt: skip


def validate_cells(frame: pd.DataFrame, file: str) -> dict[str, int]:
    """Raises on the first value that is not a whole non-negative count, or a year that is not a year, naming the
    JSON path; returns counts of what was checked."""
    for column, pattern, meaning in (("value", COUNT, "a whole number"), ("time", YEAR, "a year")):
        cells = frame[column].fillna("")
        bad = ~cells.str.fullmatch(pattern.pattern) & ~((column == "value") & (cells == ""))
        if bad.any():
            first = bad.idxmax()
            raise SourceFormatError(
                SOURCE, file, f"{frame.at[first, jsonstat.PATH]}: {column} {frame.at[first, column]!r} is not "
                f"{meaning} ({int(bad.sum())} such cell(s))", column=column,
            )  # fmt: skip
    return {"values": int((frame["value"] != "").sum()), "flags": int((frame["status"] != "").sum())}
