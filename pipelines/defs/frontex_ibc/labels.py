"""Route and nationality labels of the Frontex workbooks, mapped explicitly.

Routes: route_labels.csv maps every label of every layout to one route name ("Central Mediterranean Route" in
2025 is "Central Mediterranean" in 2018); a label it does not list keeps its published name, mapping 'unmapped'
(a warning check lists it).

Nationalities, in order of precedence:
1. the reviewed file nationality_labels.csv (label, iso3, kind, category, note), matched on the exact label:
   kind `country` (iso3 given), `not_a_country` (Unknown, Stateless, Unspecified sub-Saharan nationals ...) or
   `designation` (Kosovo*, Palestine^, whose footnotes say they are not country codes): the last two stay named
   categories with no ISO3 code;
2. the country-name patterns of the maintained country_converter library (pipelines.lib.country_names), when
   exactly one current country matches;
3. otherwise `unmapped`: kept as published, listed by a warning check.
"""

from __future__ import annotations

import csv
from functools import cache

import pandas as pd

from pipelines.defs.frontex_ibc.source import HERE
from pipelines.lib.country_names import library_match

KINDS = ("country", "not_a_country", "designation")


@cache
def routes() -> dict[str, str]:
    """{published route label: route} from route_labels.csv."""
    with open(HERE / "route_labels.csv", newline="", encoding="utf-8") as handle:
        return {row["label"]: row["route"] for row in csv.DictReader(handle)}


@cache
def overrides() -> dict[str, tuple[str, str, str]]:
    """{label: (iso3, kind, category)} from nationality_labels.csv."""
    path = HERE / "nationality_labels.csv"
    found: dict[str, tuple[str, str, str]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            label, kind = row["label"], row["kind"]
            if kind not in KINDS:
                raise ValueError(f"{path.name}: kind {kind!r} of {label!r} is not one of {KINDS}")
            if (kind == "country") != bool(row["iso3"]) or (kind != "country") != bool(row["category"]):
                raise ValueError(f"{path.name}: {label!r} needs an iso3 for a country, a category otherwise")
            if label in found:
                raise ValueError(f"{path.name}: label {label!r} is listed twice")
            found[label] = (row["iso3"], kind, row["category"])
    return found


def map_nationality(label: str) -> tuple[str | None, str, str | None, str]:
    """(iso3, kind, category, mapping): mapping is `override`, `library` or `unmapped` (kind 'unmapped')."""
    if label in overrides():
        iso3, kind, category = overrides()[label]
        return iso3 or None, kind, category or None, "override"
    iso3 = library_match(label)
    return (iso3, "country", None, "library") if iso3 else (None, "unmapped", None, "unmapped")


def country_name(iso3: str) -> str | None:
    """The ISO 3166 name of a code (its common name where ISO gives one: 'Bolivia', not 'Bolivia,
    Plurinational State of')."""
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3)
    return getattr(country, "common_name", None) or country.name if country else None


def nationality_table(labels: list[str]) -> pd.DataFrame:
    """One row per distinct label: label, iso3, kind, category, mapping, and the name staging shows
    (`nationality`: the ISO 3166 name of a country, the category of any other label, the label when unmapped)."""
    rows = []
    for label in sorted(set(labels)):
        iso3, kind, category, mapping = map_nationality(label)
        name = (country_name(iso3) or label) if iso3 else (category or label)
        rows.append((label, iso3, kind, category, mapping, name))
    columns = ["label", "iso3", "kind", "category", "mapping", "nationality"]
    return pd.DataFrame(rows, columns=columns).astype("string")


def route_table() -> pd.DataFrame:
    return pd.DataFrame(list(routes().items()), columns=["label", "route"]).astype("string")
