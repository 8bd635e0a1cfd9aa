"""Citizenship and country-of-repatriation labels (free text: "Nationals", "Albanians", "Botzwana", "RDC") to ISO3.

Order of precedence:
1. the reviewed override file category_overrides.csv (label, iso3, kind, note), matched on the exact label;
   kind is `country` (iso3 given), `nationals` (the reporting country's own nationals: resolved to the
   reporting country per row in staging), `ambiguous` or `not_a_country` (regions, unknown, stateless, numbers);
2. the country-name regular expressions of the maintained `country_converter` library (its country_data.tsv,
   read directly: the library's own loader does not run under pandas 3), when exactly one current country
   matches;
3. otherwise the label is `unmapped`: kept as published, listed in the build's metadata and by a warning check.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd

from pipelines.lib.country_names import library_match

HERE = Path(__file__).resolve().parent
OVERRIDES = HERE / "category_overrides.csv"
KINDS = ("country", "nationals", "ambiguous", "not_a_country")
MAPPED_DIMENSIONS = ("by citizenship", "by country of repatriation")


@cache
def overrides() -> dict[str, tuple[str, str, str]]:
    """{label: (iso3, kind, note)} from the reviewed override file."""
    with open(OVERRIDES, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found: dict[str, tuple[str, str, str]] = {}
    for row in rows:
        if row["kind"] not in KINDS:
            raise ValueError(
                f"{OVERRIDES.name}: kind {row['kind']!r} of {row['label']!r} is not one of {KINDS}"
            )
        if (row["kind"] == "country") != bool(row["iso3"]):
            raise ValueError(
                f"{OVERRIDES.name}: {row['label']!r} needs an iso3 exactly when its kind is country"
            )
        if row["label"] in found:
            raise ValueError(f"{OVERRIDES.name}: label {row['label']!r} is listed twice")
        found[row["label"]] = (row["iso3"], row["kind"], row["note"])
    return found


def map_label(label: str) -> tuple[str | None, str]:
    """(iso3, mapping): mapping is `override`, `library`, `nationals`, `ambiguous`, `not_a_country` or `unmapped`."""
    if label in overrides():
        iso3, kind, _note = overrides()[label]
        return (iso3, "override") if kind == "country" else (None, kind)
    iso3 = library_match(label)
    return (iso3, "library") if iso3 else (None, "unmapped")


def mapping_table(labels: list[str]) -> pd.DataFrame:
    """One row per distinct label: label, iso3, mapping."""
    rows = [(label, *map_label(label)) for label in sorted(set(labels))]
    return pd.DataFrame(rows, columns=["label", "iso3", "mapping"]).astype(
        {"label": "string", "iso3": "string", "mapping": "string"}
    )
