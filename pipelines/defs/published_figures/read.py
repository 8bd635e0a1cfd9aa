"""Reads figures.csv strictly: the header by meaning, every figure with an address, a publication date and a read
date, a numeric value and consistent dates; one preferred row per figure."""

from __future__ import annotations

import re

import pandas as pd

from pipelines.defs.published_figures.source import NAME
from pipelines.lib.raw_store import Snapshot
from pipelines.lib.tabular import ROW_COLUMN, SourceFormatError, read_csv_strict, refuse_cells

SOURCE = NAME
COLUMNS = ("figure_id", "series", "geo", "breakdown", "period_start", "period_end", "value", "unit", "is_partial",
           "publisher", "quoted_in", "document_title", "url", "published", "read_on", "preferred", "choice_note",
           "note")  # fmt: skip
REQUIRED = ("figure_id", "series", "period_start", "period_end", "value", "unit", "is_partial", "publisher",
            "document_title", "url", "published", "read_on", "preferred")  # fmt: skip
DATE = r"(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
RULES = {
    "url": (r"https?://[^\s]+", "an http(s) address"),
    "published": (f"{DATE}|(19|20)\\d\\d-(0[1-9]|1[0-2])", "a date (YYYY-MM-DD, or YYYY-MM when only the month is known)"),
    "read_on": (DATE, "a date (YYYY-MM-DD)"),
    "period_start": (DATE, "a date (YYYY-MM-DD)"),
    "period_end": (DATE, "a date (YYYY-MM-DD)"),
    "value": (r"\d+(\.\d+)?", "a number (no thousands separator)"),
    "is_partial": (r"true|false", "true or false"),
    "preferred": (r"true|false", "true or false"),
    "geo": (r"([A-Z]{3})?", "an ISO 3166-1 alpha-3 code or empty"),
}  # fmt: skip


def normalised(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def read_snapshot(snapshot: Snapshot) -> pd.DataFrame:
    """The figures as text under the canonical column names, plus `_source_row` (the file line)."""
    frame = read_csv_strict(snapshot.path, SOURCE, display_name=snapshot.name)
    frame = frame.rename(columns={c: normalised(c) for c in frame.columns if c != ROW_COLUMN})
    missing = [c for c in COLUMNS if c not in frame.columns]
    extra = [c for c in frame.columns if c not in (*COLUMNS, ROW_COLUMN)]
    if missing or extra:
        raise SourceFormatError(
            SOURCE, snapshot.name, f"header lacks {missing} or has unknown columns {extra}", row=1
        )
    if frame.empty:
        raise SourceFormatError(SOURCE, snapshot.name, "has a header but no figures")
    return frame[[*COLUMNS, ROW_COLUMN]]


def validate(frame: pd.DataFrame, file: str) -> dict[str, int]:
    """Raises, naming file, row and column, on the first figure without an address, a publication or read date, a
    number, or consistent dates, and on a figure given twice or preferred twice; returns what was checked."""
    for column in REQUIRED:
        empty = frame[column].fillna("").str.strip() == ""
        refuse_cells(
            SOURCE, frame, empty, file, column, f"is empty: every figure needs its {column.replace('_', ' ')}"
        )
    for column, (pattern, meaning) in RULES.items():
        cells = frame[column].fillna("").str.strip()
        refuse_cells(
            SOURCE, frame, ~cells.str.fullmatch(pattern).fillna(False), file, column, f"is not {meaning}"
        )
    start, end = frame["period_start"].str.strip(), frame["period_end"].str.strip()
    refuse_cells(SOURCE, frame, start > end, file, "period_end", "is before period_start")
    read_before = frame["read_on"].str.strip() < frame["published"].str.strip()
    refuse_cells(SOURCE, frame, read_before, file, "read_on", "is before the document's publication date")
    refuse_cells(
        SOURCE, frame, frame["figure_id"].duplicated(), file, "figure_id", "is given on an earlier row too"
    )
    key = ["series", "geo", "breakdown", "period_start", "period_end"]
    keys = frame[key].fillna("").apply(lambda c: c.str.strip())
    preferred = frame["preferred"].str.strip() == "true"
    counts = keys[preferred].value_counts()
    twice = keys.apply(tuple, axis=1).isin([tuple(k) for k in counts[counts > 1].index]) & preferred
    refuse_cells(SOURCE, frame, twice, file, "preferred", "marks a second preferred row for the same figure")
    unchosen = ~keys.apply(tuple, axis=1).isin([tuple(k) for k in keys[preferred].drop_duplicates().values])
    refuse_cells(SOURCE, frame, unchosen, file, "preferred",
                 "leaves its figure without a preferred row (mark one row per figure true, say why in choice_note)")  # fmt: skip
    disagree = ~preferred & (frame["choice_note"].fillna("").str.strip() == "")
    refuse_cells(SOURCE, frame, disagree, file, "choice_note", "is empty on a row not preferred: say why")
    return {"figures": len(frame), "preferred": int(preferred.sum())}
