"""Reads the ministry's three CSV files as text, recognises each by its header and refuses cells the staging
models cannot parse, naming file, row and column."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd

from pipelines.defs.italy_moi.source import FILES, HERE, NAME, header_of, headers
from pipelines.lib import raw_store
from pipelines.lib.counts import CountFormat, reason
from pipelines.lib.layouts import describe_new, recognised
from pipelines.lib.tabular import ROW_COLUMN, SourceFormatError, read_csv_strict, refuse_cells, rejecting

SOURCE = NAME
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
# The ministry's counts: plain digits (no thousands separator, sign, fraction or padding), matched as written.
COUNT_FORMAT = CountFormat()


@cache
def artefact_patterns() -> tuple[str, ...]:
    """Extraction artefacts the daily `Valore` may hold instead of a number (value_artefacts.csv)."""
    with open(HERE / "value_artefacts.csv", newline="", encoding="utf-8") as handle:
        return tuple(row["pattern"] for row in csv.DictReader(handle))


def _matches(pattern: str) -> Callable[[pd.Series], pd.Series]:
    return lambda values: values.str.fullmatch(pattern).fillna(False).astype(bool)


def _real_date(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    return _matches(ISO_DATE)(values) & parsed.notna()


def _count(values: pd.Series) -> pd.Series:
    return COUNT_FORMAT.matches(values)


def _daily_value(values: pd.Series) -> pd.Series:
    ok = (values == "") | _count(values)
    for pattern in artefact_patterns():
        ok |= _matches(pattern)(values)
    return ok


def _iso2_or_others(frame: pd.DataFrame) -> pd.Series:
    codes = frame["ISO_3166-1"].fillna("").str.strip()
    others = frame["Nazione"].fillna("").str.strip().str.lower() == "altre"
    return (others & (codes == "")) | (~others & _matches(r"[A-Z]{2}")(codes))


# entity: [(publisher column, test of the stripped cells or None for a whole-frame test, meaning)]
CELL_RULES: dict[str, list[tuple[str, Callable[[pd.Series], pd.Series] | None, str]]] = {
    "daily_landings": [
        ("Data", _matches(ISO_DATE), "a date written YYYY-MM-DD"),
        ("Data_Report", _real_date, "a calendar date written YYYY-MM-DD"),
        ("Valore", _daily_value, "a count, empty, or a known extraction artefact (value_artefacts.csv)"),
    ],
    "nationality_ytd": [
        ("Data_Report", _real_date, "a calendar date written YYYY-MM-DD"),
        ("Nazione", _matches(r"\S.*"), "a nationality"),
        ("ISO_3166-1", None, "an ISO 3166-1 alpha-2 code (empty only on the 'altre' row)"),
        ("Valore", _count, "a count"),
    ],
    "reports": [
        ("Data_Report", _real_date, "a calendar date written YYYY-MM-DD"),
        ("URL", _matches(r"https?://\S+"), "an http(s) address"),
    ],
}


def header_problem(found: list[str], expected: tuple[str, ...]) -> str | None:
    """What differs between a file's header and the expected one (None when they agree)."""
    duplicates = sorted({h for h in found if found.count(h) > 1})
    missing, extra = sorted(set(expected) - set(found)), sorted(set(found) - set(expected))
    if duplicates:
        return f"repeats header column(s) {duplicates}"
    if missing or extra:
        return f"missing column(s) {missing}, unexpected column(s) {extra}"
    return None


def closest_entity(found: list[str]) -> tuple[str, str]:
    """The entity whose header differs least from `found`, and how it differs."""
    ranked = sorted(headers().items(), key=lambda item: len(set(item[1]) ^ set(found)))
    entity, expected = ranked[0]
    return entity, header_problem(found, expected) or "same columns"


def refuse_unrecognised(raw_dir: Path) -> None:
    """Fails on an accepted snapshot whose header matches none of the three files (and marks it rejected)."""
    for snapshot in raw_store.list_snapshots(raw_dir, SOURCE):
        if snapshot.provenance.get("entity") in FILES:
            continue
        found = header_of(snapshot.path)
        entity, problem = closest_entity(found)
        with rejecting(snapshot):
            raise SourceFormatError(
                SOURCE,
                snapshot.name,
                f"header {found} matches none of the ministry files "
                f"({', '.join(name for name, _table in FILES.values())}); closest is {entity!r} "
                f"({FILES[entity][0]}): {problem}",
                row=1,
            )


def read_snapshot(snapshot: raw_store.Snapshot, entity: str) -> pd.DataFrame:
    """The snapshot as text with the publisher's headers plus `_source_row`; refuses any other header."""
    frame = read_csv_strict(snapshot.path, SOURCE, display_name=snapshot.name)
    found = [c for c in frame.columns if c != ROW_COLUMN]
    mapping = recognised(found, headers()[entity]) if set(found) != set(headers()[entity]) else None
    if mapping:  # the ministry's columns written differently (case, spacing): read under its names
        frame = frame.rename(columns=mapping)
        frame.attrs["layout"] = describe_new(mapping)
        found = [mapping[c] for c in found]
    problem = header_problem(found, headers()[entity])
    if problem:
        raise SourceFormatError(
            SOURCE, snapshot.name, f"header is not that of {FILES[entity][0]}: {problem}", row=1
        )
    if frame.empty:
        raise SourceFormatError(SOURCE, snapshot.name, "has a header but no data rows")
    return frame


def validate_cells(frame: pd.DataFrame, entity: str, file: str) -> dict[str, int]:
    """Raises on the first cell staging cannot parse; returns the count of cells checked per column."""
    checked = {}
    for column, test, meaning in CELL_RULES[entity]:
        values = frame[column].fillna("")
        if column != "Valore":  # counts as written: "  " is not an empty cell, " 12" not a count
            values = values.str.strip()
        ok = _iso2_or_others(frame) if test is None else test(values)
        bad = ~ok.astype(bool)
        if column == "Valore" and bad.any():
            meaning = f"{meaning} ({reason(values[bad.idxmax()], COUNT_FORMAT)})"
        refuse_cells(SOURCE, frame, bad, file, column, f"is not {meaning}")
        checked[column] = len(values)
    return checked
