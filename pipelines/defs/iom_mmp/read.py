"""Reads any IOM Missing Migrants vintage as text and refuses cells the staging model cannot parse."""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path

import pandas as pd

from pipelines.lib.counts import CountFormat, explain
from pipelines.lib.layouts import NEW_LAYOUT, LayoutError, Vocabulary, describe_new
from pipelines.lib.raw_store import Snapshot
from pipelines.lib.sql import identifier, literal
from pipelines.lib.tabular import (
    ROW_COLUMN,
    SourceFormatError,
    load_csv,
    read_csv_strict,
    read_xlsx_strict,
)

SOURCE = "iom_mmp"
HERE = Path(__file__).resolve().parent

# Counts as Missing Migrants writes them: the old portal files write "1,022"; negative counts (a few in every
# vintage) pass here and staging sets them null, noting it. Nothing else: no padding, no fraction, no exponent.
COUNT_FORMAT = CountFormat(thousands=True, negative=True)
COUNT_COLUMNS = ("dead", "missing", "dead_and_missing", "survivors", "females", "males", "children")
# What the staging model can parse, per canonical column. A non-empty cell that does not match is an error.
# Counts are matched as written (`COUNT_FORMAT`); the other cells after the staging model's trim().
CELL_RULES = {
    **dict.fromkeys(COUNT_COLUMNS, (COUNT_FORMAT.pattern, "a count")),
    "incident_year": (r"(19|20)\d\d", "a year"),
    # letters spelled out: a case-insensitive match would also take Unicode look-alikes ('ſep') that the
    # staging model's lower() does not fold to ASCII
    "month": (
        "("
        + "|".join(
            "".join(f"[{c.upper()}{c}]" for c in m)
            for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
        )
        + ")[A-Za-z]*",
        "an English month name",
    ),
    "incident_date": (
        r"\d{4}-\d{2}-\d{2}|[A-Z][a-z]+ \d{1,2}, \d{4}|[A-Z][a-z]{2}, \d{2}/\d{2}/\d{4} - \d{2}:\d{2}",
        "a date (YYYY-MM-DD, 'August 31, 2021' or 'Thu, 01/01/2026 - 12:00')",
    ),
    "coordinates": (
        r"-?[0-9]+([.][0-9]+)?, *-?[0-9]+([.][0-9]+)?|POINT ?\( *-?[0-9]+([.][0-9]+)? +-?[0-9]+([.][0-9]+)? *\)",
        "'latitude, longitude' or 'POINT (longitude latitude)'",
    ),
    "source_quality": (r"[1-5](,[1-5])*", "a source quality grade 1-5 (or a list such as '4,5')"),
}


@cache
def vintages() -> dict[str, dict[str, str]]:
    """{vintage: {publisher column: canonical column}} from columns.csv."""
    result: dict[str, dict[str, str]] = {}
    with open(HERE / "columns.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            result.setdefault(row["vintage"], {})[row["publisher_column"]] = row["column"]
    return result


def canonical_columns() -> list[str]:
    seen: dict[str, None] = {}
    for mapping in vintages().values():
        seen.update(dict.fromkeys(mapping.values()))
    return list(seen)


@cache
def vocabulary() -> Vocabulary:
    """Every name each column has had in a known layout (columns.csv) and the synonyms in synonyms.csv."""
    pairs = [(p, c) for mapping in vintages().values() for p, c in mapping.items()]
    with open(HERE / "synonyms.csv", newline="", encoding="utf-8") as handle:
        pairs += [(row["publisher_column"], row["column"]) for row in csv.DictReader(handle)]
    return Vocabulary.of(pairs)


def needed_columns() -> list[str]:
    """The columns every known layout has: a new layout must have them all (the others, which some layouts
    lack, are null where a file does not have them, as for those layouts)."""
    every = [set(mapping.values()) for mapping in vintages().values()]
    return [c for c in canonical_columns() if all(c in have for have in every)]


ENCODING = re.compile(r"; encoding: ([\w-]+)$")


def describe_layout(base: str, encoding: str = "utf-8") -> str:
    """The layout as recorded with the snapshot (meta.snapshots_used.layout, curated.mmp_vintages.layout): a
    known layout's name, or 'new layout {publisher column: column, ...}' for one read by meaning; then the
    encoding when it is not UTF-8. Staging reads the columns back from it (`columns_of`)."""
    return base + (f"; encoding: {encoding}" if encoding != "utf-8" else "")


def columns_of(layout: str) -> dict[str, str]:
    """{publisher column: column} of a recorded layout."""
    base = ENCODING.sub("", layout)
    if base.startswith(NEW_LAYOUT):
        return json.loads(base[len(NEW_LAYOUT) :])
    return vintages()[base]


def is_new(layout: str) -> bool:
    return layout.startswith(NEW_LAYOUT)


def detect_vintage(headers: list[str], file: str) -> str:
    """The known layout whose header set this file has exactly; else the file read by meaning (every needed
    column found by its normalised name or a synonym: a new layout, named as such); else an error naming what
    is missing, unknown or given twice, and the closest known layout."""
    present = [h for h in headers if h != ROW_COLUMN]
    duplicates = sorted({h for h in present if present.count(h) > 1})
    if duplicates:
        raise SourceFormatError(SOURCE, file, f"repeats header column(s) {duplicates}", row=1)
    have = set(present)
    best, best_diff = None, None
    for vintage, mapping in vintages().items():
        missing, extra = set(mapping) - have, have - set(mapping)
        if not missing and not extra:
            return vintage
        diff = (len(missing) + len(extra), sorted(missing), sorted(extra))
        if best_diff is None or diff < best_diff:
            best, best_diff = vintage, diff
    try:
        mapping = vocabulary().match(present, needed_columns())
    except LayoutError as exc:
        _, missing, extra = best_diff
        raise SourceFormatError(
            SOURCE,
            file,
            f"header matches no known Missing Migrants layout and cannot be read by column names: {exc} "
            f"(closest known layout {best!r}: missing column(s) {missing}, unexpected column(s) {extra}; "
            "a new name of a known column goes in pipelines/defs/iom_mmp/synonyms.csv)",
            row=1,
        ) from None
    return describe_new({p: mapping[p] for p in present})


def read_snapshot(snapshot: Snapshot) -> tuple[pd.DataFrame, str]:
    """The snapshot as text with the publisher's headers, plus `_source_row`, and its vintage."""
    if snapshot.provenance.get("media_type") == "xlsx":
        frame, _banner = read_xlsx_strict(snapshot.path, SOURCE, sheet=None, display_name=snapshot.name)
    else:
        frame = read_csv_strict(snapshot.path, SOURCE, display_name=snapshot.name)
    vintage = detect_vintage(list(frame.columns), snapshot.name)
    if frame.empty:
        raise SourceFormatError(SOURCE, snapshot.name, "has a header but no data rows")
    return frame, describe_layout(vintage, frame.attrs.get("encoding", "utf-8"))


def load_snapshot(con: object, snapshot: Snapshot, table: str) -> tuple[str, int]:
    """Loads the snapshot into the DuckDB table `table` as `read_snapshot` reads it (plus `_source_file`);
    returns its vintage and row count. A plain CSV goes straight into DuckDB (`load_csv`: no frame, so a
    1.9-million-row file needs a fraction of the memory); anything else through `read_snapshot`."""
    import pyarrow as pa

    if snapshot.provenance.get("media_type") != "xlsx":
        detected: list[str] = []
        loaded = load_csv(
            con,
            table,
            snapshot.path,
            snapshot.name,
            check_header=lambda h: detected.append(detect_vintage(h, snapshot.name)),
        )
        if loaded is not None:
            return detected[0], loaded[1]
    frame, vintage = read_snapshot(snapshot)
    frame["_source_file"] = snapshot.name
    # as an Arrow table: DuckDB scans it natively (a third faster than the pandas frame)
    con.register("incoming", pa.Table.from_pandas(frame, preserve_index=False))
    con.execute(f"create or replace table {table} as select * from incoming")
    con.unregister("incoming")
    return vintage, len(frame)


def validate_cells(con: object, table: str, vintage: str, file: str) -> dict[str, int]:
    """Raises on the first cell of the raw table the staging model cannot parse (file row, column, value and how
    many cells are like it); returns the count of non-empty cells checked per column. One scan in DuckDB, with
    the staging model's own trimming and regular-expression engine, so what passes here is what it parses."""
    rules = [(p, c, *CELL_RULES[c]) for p, c in columns_of(vintage).items() if c in CELL_RULES]
    parts = []
    for publisher, canonical, pattern, _meaning in rules:
        cell = f"coalesce({identifier(publisher)}, '')"
        if canonical in COUNT_COLUMNS:
            bad = f"{COUNT_FORMAT.bad_sql(cell)}"
        else:
            bad = f"trim({cell}) <> '' and not regexp_full_match(trim({cell}), {literal(pattern)})"
        # a count is filled when it is not ''; spaces alone are refused, never read as "not reported"
        filled = f"{cell} <> ''" if canonical in COUNT_COLUMNS else f"trim({cell}) <> ''"
        parts += [
            f"count(*) filter (where {filled})",
            f"count(*) filter (where {bad})",
            f"arg_min({cell}, {ROW_COLUMN}) filter (where {bad})",
            f"min({ROW_COLUMN}) filter (where {bad})",
        ]
    found = con.execute(f"select {', '.join(parts)} from {table}").fetchall()[0]
    checked = {}
    for index, (publisher, canonical, _pattern, meaning) in enumerate(rules):
        filled, bad, value, row = found[4 * index : 4 * index + 4]
        if bad:
            why = f" ({explain(value, COUNT_FORMAT)})" if canonical in COUNT_COLUMNS else ""
            raise SourceFormatError(
                SOURCE,
                file,
                f"value {value!r} is not {meaning}{why} ({bad} such cell(s) in this column)",
                row=int(row),
                column=publisher,
            )
        checked[publisher] = int(filled)
    return checked


def renamed_select_sql(vintage: str, raw: str) -> str:
    """SELECT of `raw` (a table or a parenthesised query) with canonical names, null for columns this vintage
    lacks."""
    mapping = {canonical: publisher for publisher, canonical in columns_of(vintage).items()}
    parts = []
    for column in canonical_columns():
        if column in mapping:
            quoted = '"' + mapping[column].replace('"', '""') + '"'
            parts.append(f"{quoted}::varchar as {column}")
        else:
            parts.append(f"null::varchar as {column}")
    parts += ["_source_file as source_file", f"{ROW_COLUMN} as source_row"]
    return "select " + ", ".join(parts) + f" from {raw}"


def renamed_view_sql(vintage: str, raw_table: str) -> str:
    """SQL for the temp view `iom_mmp__renamed`: canonical names, null for columns this vintage lacks."""
    return "create or replace temp view iom_mmp__renamed as " + renamed_select_sql(vintage, raw_table)


def file_rows(raw_table: str, file: str) -> str:
    """The rows of one snapshot in the combined raw table, as a parenthesised query."""
    return f"(select * from {raw_table} where _source_file = {literal(file)})"


def renamed_union_sql(files: list[tuple[str, str]], raw_table: str) -> str:
    """SQL for the temp view `iom_mmp__renamed` over several snapshots of different layouts: (vintage, file) each,
    every file's rows renamed by its own layout."""
    selects = [renamed_select_sql(vintage, file_rows(raw_table, file)) for vintage, file in files]
    return "create or replace temp view iom_mmp__renamed as " + "\nunion all\n".join(selects)
