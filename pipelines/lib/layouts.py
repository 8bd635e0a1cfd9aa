"""Columns recognised by meaning: a publisher's header matched to the pipeline's names by its normalised form
(case, spacing and punctuation ignored: "Incident year" is "Incident Year", "ISO_3166-1" is "iso 3166 1") and
by the known synonyms of each column ("Location of death" and "Location of Incident" both mean `location`).

A header is read when every column the pipeline needs is there, no two headers mean the same column and none
is unknown; otherwise the error names what is missing (with the names it is known by), what is unknown and
what is given twice, so a new export is either read or refused for a reason a person can act on."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field


def normalised(name: str) -> str:
    """Case, compatibility forms, spacing and punctuation ignored: 'Incident  Year ' -> 'incident year',
    'ISO_3166-1' -> 'iso 3166 1', 'Number of dead (total)' -> 'number of dead total'."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", folded).split())


class LayoutError(ValueError):
    """A header that cannot be read by meaning; the message says why."""


@dataclass(frozen=True)
class Vocabulary:
    """The names each column is known by. A name given to two columns is a configuration error."""

    index: dict[str, str] = field(default_factory=dict)  # normalised name -> column
    names: dict[str, list[str]] = field(default_factory=dict)  # column -> the names as written

    @staticmethod
    def of(pairs: Iterable[tuple[str, str]]) -> Vocabulary:
        vocabulary = Vocabulary()
        for name, column in pairs:
            key = normalised(name)
            if vocabulary.index.setdefault(key, column) != column:
                raise ValueError(
                    f"the name {name!r} is given to two columns: {vocabulary.index[key]!r}, {column!r}"
                )
            known = vocabulary.names.setdefault(column, [])
            if name not in known:
                known.append(name)
        return vocabulary

    def match(self, headers: list[str], needed: Iterable[str]) -> dict[str, str]:
        """{publisher header: column} for `headers` read by meaning; LayoutError naming every problem."""
        by_column: dict[str, list[str]] = {}
        unknown = []
        for header in headers:
            column = self.index.get(normalised(header))
            if column is None:
                unknown.append(header)
            else:
                by_column.setdefault(column, []).append(header)
        problems = []
        missing = [c for c in needed if c not in by_column]
        if missing:
            problems.append(
                "missing needed column(s) "
                + ", ".join(f"{c} (known as {' / '.join(map(repr, self.names.get(c, [])))})" for c in missing)
            )
        twice = {c: hs for c, hs in by_column.items() if len(hs) > 1}
        if twice:
            problems.append(
                "column(s) given twice: "
                + ", ".join(f"{c} ({' and '.join(map(repr, hs))})" for c, hs in twice.items())
            )
        if unknown:
            problems.append(f"unknown column(s) {unknown}")
        if problems:
            raise LayoutError("; ".join(problems))
        return {hs[0]: c for c, hs in by_column.items()}


NEW_LAYOUT = "new layout "


def recognised(headers: list[str], known: Iterable[str]) -> dict[str, str] | None:
    """{file header: known header} when `headers` are exactly the `known` ones written differently (case,
    spacing, punctuation); None when they are not (the caller then names what differs)."""
    known = list(known)
    try:
        mapping = Vocabulary.of((name, name) for name in known).match(headers, known)
    except (LayoutError, ValueError):
        return None
    return mapping if len(mapping) == len(headers) else None


def describe_new(mapping: dict[str, str]) -> str:
    """How a layout read by column names is recorded (meta.snapshots_used.layout, the build summary)."""
    import json

    return NEW_LAYOUT + json.dumps(mapping, ensure_ascii=False)
