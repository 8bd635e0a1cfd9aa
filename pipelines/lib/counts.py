"""Counts as publishers write them: the one rule every reader (CSV, JSON, xlsx) applies to a count.

A count is a whole number written in ASCII digits, nothing around it. What a source may add is stated per
source in a `CountFormat`: a comma every three digits (only sources that write one: Missing Migrants' old
portal files write "1,022", GLOTIP writes "2,146"), a leading minus (sources whose negative counts staging
cleans or a check refuses, rather than the reader), a zero fraction ("12.0", which Eurostat's SDMX-CSV may
write). Everything else is refused, never rounded, read in another base or turned into an unknown count:
"1234.7", "0x2710", "1e4", "  ", "1.234,5", " 12", "١٢", a 19-digit number.

The same regular expression serves pandas (Python's `re`) and DuckDB (RE2): it uses only `[0-9]`, `,`, `.`
and `-`, which both engines read the same way, so a cell a reader passes in SQL is one it passes in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

MAX_DIGITS = 18  # what a BIGINT holds whatever the digits


@dataclass(frozen=True)
class CountFormat:
    thousands: bool = False  # "1,022": a comma every three digits
    negative: bool = False  # "-4": passed on (staging sets it null and notes it, or a check refuses it)
    zero_fraction: bool = False  # "12.0" read as 12 (a non-zero fraction is still refused)

    @property
    def pattern(self) -> str:
        """The whole cell, for Python's `re.fullmatch` and DuckDB's `regexp_full_match` alike."""
        plain = f"[0-9]{{1,{MAX_DIGITS}}}"
        number = f"({plain}|[0-9]{{1,3}}(,[0-9]{{3}}){{1,5}})" if self.thousands else plain
        sign = "-?" if self.negative else ""
        fraction = "([.]0+)?" if self.zero_fraction else ""
        return f"{sign}{number}{fraction}"

    def ok(self, text: str) -> bool:
        return re.fullmatch(self.pattern, text) is not None

    def problem(self, text: str) -> str | None:
        """Why `text` is not a count in this format (None when it is one)."""
        if self.ok(text):
            return None
        return explain(text, self)

    def parse(self, text: str) -> int:
        """The count `text` states; ValueError (saying why) for anything else."""
        problem = self.problem(text)
        if problem:
            raise ValueError(f"{text!r} is not a count: {problem}")
        return int(text.split(".")[0].replace(",", ""))

    def matches(self, values: pd.Series) -> pd.Series:
        """True where the (text) cell is a count in this format; empty and missing cells are False."""
        return values.fillna("").str.fullmatch(self.pattern).fillna(False).astype(bool)

    def bad_sql(self, cell: str) -> str:
        """SQL condition: the non-empty text cell `cell` is not a count in this format."""
        escaped = self.pattern.replace("'", "''")
        return f"({cell} <> '' and not regexp_full_match({cell}, '{escaped}'))"


def explain(text: str, fmt: CountFormat) -> str:
    """A reason a person can act on, for a cell that is not a count in `fmt`."""
    if text == "":
        return "it is empty"
    if text.strip() == "":
        return "it is blank (white space only)"
    if text != text.strip():
        return "white space around the number"
    body = text.lstrip("+-")
    if any(c.isdigit() and not "0" <= c <= "9" for c in text):
        return "digits other than 0-9"
    if text[:1] == "+":
        return "a plus sign"
    if text[:1] == "-" and not fmt.negative:
        return "it is negative"
    if body.lower().startswith("0x"):
        return "a hexadecimal number"
    if re.fullmatch(r"[0-9.,]*[0-9][eE][+-]?[0-9]+", body):
        return "exponent notation"
    if body.lower() in ("nan", "inf", "infinity"):
        return "not a number"
    if "," in body and "." in body:
        return "both ',' and '.' (a decimal comma, or a thousands separator this source does not write)"
    if re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})+", body):
        return "a thousands separator, which this source does not write"
    if "," in body:
        return "a comma that is not a thousands separator (a decimal comma?)"
    if re.fullmatch(r"[0-9]+[.][0-9]+", body):
        if set(body.split(".")[1]) == {"0"}:
            return "a decimal point, which this source does not write in counts"
        return "a fraction (not a whole number), or a '.' thousands separator this source does not write"
    if re.fullmatch(r"[0-9]+", body) and len(body) > MAX_DIGITS:
        return f"more than {MAX_DIGITS} digits"
    return "not a whole number"


def reason(value: object, fmt: CountFormat) -> str:
    """Why a cell refused as a count is not one (for the reader's error message)."""
    return explain("" if value is None or value is pd.NA else str(value), fmt)


def json_problem(value: object, fmt: CountFormat) -> str | None:
    """Why a JSON value (as `load_json` returns it) is not a count; None for a count or null (not reported)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return f"{str(value).lower()}, not a number"
    if isinstance(value, int):
        if value < 0 and not fmt.negative:
            return "it is negative"
        return None if len(str(abs(value))) <= MAX_DIGITS else f"more than {MAX_DIGITS} digits"
    if isinstance(value, str):  # a string, or a number written with a fraction or an exponent (JsonNumber)
        return fmt.problem(value)
    return f"a JSON {type(value).__name__}, not a number"


class JsonNumber(str):
    """A JSON number written with a fraction or an exponent, kept as the text the file has (never a float,
    which would round 1234.7 or read 1e4 as 10000)."""

    def __repr__(self) -> str:
        return str.__str__(self)  # shown as the file writes it: 1234.7, not '1234.7'
