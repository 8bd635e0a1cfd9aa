"""Reads a GLOTIP workbook as text (banner rows, header on row 3) and refuses cells staging cannot parse."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd

from pipelines.defs.unodc_glotip.source import HEADER_ROW, NAME, SHEET
from pipelines.lib.counts import CountFormat, reason
from pipelines.lib.layouts import describe_new, recognised
from pipelines.lib.raw_store import Snapshot
from pipelines.lib.tabular import ROW_COLUMN, SourceFormatError, read_xlsx_strict, refuse_cells

SOURCE = NAME
HERE = Path(__file__).resolve().parent

# txtVALUE as UNODC writes it: a count ('12', '2,146': thousands separators are UNODC's) or a suppression
# marker ('<5'), matched as written (no padding, fraction or exponent).
COUNT_FORMAT = CountFormat(thousands=True)
SUPPRESSED = r"<[0-9]+"
VALUE_MEANING = "a count ('12', '2,146') or a suppression marker ('<5')"
# What the staging model can parse (after its trim(); txtVALUE as written). A cell that does not match (an
# empty one included) is an error.
CELL_RULES = {
    "Year": (r"(19|20)[0-9][0-9]", "a year"),
    "txtVALUE": (f"{COUNT_FORMAT.pattern}|{SUPPRESSED}", VALUE_MEANING),
    "Indicator": (r".*\S.*", "an indicator"),
    "Dimension": (r".*\S.*", "a dimension"),
    "Sex": (r".*\S.*", "a sex"),
    "Age": (r".*\S.*", "an age group"),
}


@cache
def columns() -> dict[str, str]:
    """{publisher column: snake_case column} from columns.csv."""
    with open(HERE / "columns.csv", newline="", encoding="utf-8") as handle:
        return {row["publisher_column"]: row["column"] for row in csv.DictReader(handle)}


def check_header(headers: list[str], file: str) -> None:
    present = [h for h in headers if h != ROW_COLUMN]
    missing = [c for c in columns() if c not in present]
    extra = [h for h in present if h not in columns()]
    repeated = sorted({h for h in present if present.count(h) > 1})
    if missing or extra or repeated:
        raise SourceFormatError(
            SOURCE,
            file,
            f"header does not match the GLOTIP country-data layout: missing column(s) {missing}, "
            f"unexpected column(s) {extra}, repeated column(s) {repeated}",
            row=HEADER_ROW,
        )


def read_snapshot(snapshot: Snapshot) -> pd.DataFrame:
    """The workbook's data rows as text with the publisher's headers, plus `_source_row` (the sheet row). A
    header with UNODC's columns written differently (case, spacing, punctuation) is read under UNODC's names;
    `frame.attrs["layout"]` then records how ('new layout {...}'), else it is the known layout's name."""
    frame, _banner = read_xlsx_strict(
        snapshot.path, SOURCE, sheet=SHEET, header_row=HEADER_ROW, display_name=snapshot.name
    )
    present = [h for h in frame.columns if h != ROW_COLUMN]
    mapping = recognised(present, columns()) if set(present) != set(columns()) else None
    if mapping:
        frame = frame.rename(columns=mapping)
        frame.attrs["layout"] = describe_new(mapping)
    check_header(list(frame.columns), snapshot.name)
    if frame.empty:
        raise SourceFormatError(SOURCE, snapshot.name, "has a header but no data rows")
    return frame


def validate_cells(frame: pd.DataFrame, file: str) -> dict[str, int]:
    """Raises on the first cell staging cannot parse; returns the count of cells checked per column."""
    checked = {}
    for column, (pattern, meaning) in CELL_RULES.items():
        values = frame[column].fillna("")
        if column != "txtVALUE":
            values = values.str.strip()
        bad = ~values.str.fullmatch(pattern).fillna(False)
        if column == "txtVALUE" and bad.any():
            meaning = f"{meaning}: {reason(values[bad.idxmax()], COUNT_FORMAT)}"
        refuse_cells(SOURCE, frame, bad, file, column, f"is not {meaning}")
        checked[column] = len(values)
    unnamed = (frame["Iso3_code"].fillna("").str.strip() == "") & (
        frame["Country"].fillna("").str.strip() == ""
    )
    if unnamed.any():
        first = unnamed.idxmax()
        raise SourceFormatError(
            SOURCE,
            file,
            f"row names neither a country nor an area code ({int(unnamed.sum())} such row(s))",
            row=int(frame.at[first, ROW_COLUMN]),
            column="Iso3_code",
        )
    return checked


def renamed_sql(raw_table: str, release: str) -> str:
    """SELECT of `raw_table` with snake_case names, the release it is ('current' or 'previous') and provenance."""
    parts = [f'"{publisher}"::varchar as {column}' for publisher, column in columns().items()]
    parts += [f"'{release}' as release", "_source_file as source_file", f"{ROW_COLUMN} as source_row"]
    return "select " + ", ".join(parts) + f" from {raw_table}"
