"""Reads a Frontex IBC workbook (sheet Detections_of_IBC) of either layout into one row per published cell, as
text, and refuses what staging cannot parse.

Layouts (layouts.csv) are recognised by their header names, normalised (case, spaces and punctuation ignored):
the 2018 layout names its columns Route, BorderLocation, NationalityLong and its months as Excel date cells; the
2025 layout names them Route, Border type or inland, Nationality and its months as text (JAN2009). Every other
column must be a month in one of those two forms.
"""

from __future__ import annotations

import csv
import re
from functools import cache

import pandas as pd

from pipelines.defs.frontex_ibc.source import HERE, NAME, SHEET
from pipelines.lib.raw_store import Snapshot
from pipelines.lib.tabular import ROW_COLUMN, SourceFormatError, read_xlsx_strict, refuse_cells
from pipelines.lib.xlsx_write import column_letter

SOURCE = NAME
ROLES = ("route", "border_type", "nationality")
COLUMN = "_source_column"
RAW_COLUMNS = (*ROLES, "month_header", "detections")
TEXT_MONTH = re.compile(r"(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(19|20)\d\d", re.IGNORECASE)
DATE_MONTH = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])-01")
COUNT = r"\d+"


def normalised(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


@cache
def layouts() -> dict[str, dict[str, str]]:
    """{layout: {role: publisher header}} from layouts.csv."""
    found: dict[str, dict[str, str]] = {}
    with open(HERE / "layouts.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["layout"], {})[row["role"]] = row["header"]
    return found


def layout_of(headers: list[str], file: str) -> tuple[str, dict[str, str], list[str]]:
    """(layout, {role: header as in the file}, month headers) of a header row; refuses any other header."""
    present = [h for h in headers if h != ROW_COLUMN]
    by_name = {normalised(h): h for h in present}
    layout = next(
        (name for name, roles in layouts().items() if all(normalised(h) in by_name for h in roles.values())),
        None,
    )
    if layout is None:
        known = "; ".join(f"{name}: {', '.join(r.values())}" for name, r in layouts().items())
        raise SourceFormatError(
            SOURCE, file, f"header matches no known Frontex IBC layout ({known}); header: {', '.join(present[:6])} …",
            row=1,
        )  # fmt: skip
    named = {role: by_name[normalised(h)] for role, h in layouts()[layout].items()}
    months = [h for h in present if h not in named.values()]
    bad = [h for h in months if not (TEXT_MONTH.fullmatch(h) or DATE_MONTH.fullmatch(h))]
    if bad:
        raise SourceFormatError(
            SOURCE, file, f"column header {bad[0]!r} is neither a month such as JAN2009 nor a first-of-month date "
            f"({len(bad)} such column(s))", row=1, column=bad[0],
        )  # fmt: skip
    repeated = sorted({h for h in present if present.count(h) > 1})
    if repeated or not months:
        raise SourceFormatError(
            SOURCE, file, f"repeated column(s) {repeated} or no month columns in the header", row=1
        )
    return layout, named, months


def describe(layout: str, named: dict[str, str], months: list[str]) -> str:
    """Recorded with the snapshot (meta.snapshots_used.layout)."""
    return (
        f"{layout}; route: {named['route']}; border type: {named['border_type']}; nationality: "
        f"{named['nationality']}; months: {months[0]} .. {months[-1]} ({len(months)} columns)"
    )


def read_snapshot(snapshot: Snapshot) -> tuple[pd.DataFrame, str]:
    """One row per month cell of the sheet: route, border_type, nationality, month_header, detections (all text,
    as published), `_source_row` (the sheet row) and `_source_column` (the sheet column letter); and the layout
    description."""
    frame, _ = read_xlsx_strict(snapshot.path, SOURCE, sheet=SHEET, header_row=1, display_name=snapshot.name)
    layout, named, months = layout_of(list(frame.columns), snapshot.name)
    if frame.empty:
        raise SourceFormatError(SOURCE, snapshot.name, "has a header but no data rows")
    letters = {h: column_letter(i) for i, h in enumerate(frame.columns)}
    wide = frame.rename(columns={header: role for role, header in named.items()})
    long = wide.melt(
        id_vars=[*ROLES, ROW_COLUMN], value_vars=months, var_name="month_header", value_name="detections"
    )
    long[COLUMN] = long["month_header"].map(letters).astype("string")
    long = long.astype({c: "string" for c in RAW_COLUMNS})
    return long, describe(layout, named, months)


def validate_cells(frame: pd.DataFrame, file: str) -> dict[str, int]:
    """Raises on the first cell staging cannot parse (an empty label, a count that is not a whole non-negative
    number), or a route, border type and nationality given twice; returns counts of what was checked."""
    for role in ROLES:
        empty = frame[role].fillna("").str.strip() == ""
        refuse_cells(
            SOURCE, frame, empty, file, role, "is empty: every row must name its " + role.replace("_", " ")
        )
    values = frame["detections"].fillna("").str.strip()
    bad = (values != "") & ~values.str.fullmatch(COUNT).fillna(False)
    if bad.any():
        first = bad.idxmax()
        raise SourceFormatError(
            SOURCE, file, f"value {frame.at[first, 'detections']!r} is not a whole number of detections "
            f"({int(bad.sum())} such cell(s))", row=int(frame.at[first, ROW_COLUMN]), column=frame.at[first, COLUMN],
        )  # fmt: skip
    rows = frame.drop_duplicates(ROW_COLUMN)
    keys = rows[list(ROLES)].apply(lambda c: c.str.strip())
    repeated = keys.duplicated(keep="first")
    if repeated.any():
        first = repeated.idxmax()
        raise SourceFormatError(
            SOURCE, file, f"route, border type and nationality {tuple(keys.loc[first])} are given on an earlier "
            f"row too ({int(repeated.sum())} such row(s))", row=int(rows.at[first, ROW_COLUMN]),
        )  # fmt: skip
    return {"cells": len(frame), "rows": len(rows), "empty_cells": int((values == "").sum())}
