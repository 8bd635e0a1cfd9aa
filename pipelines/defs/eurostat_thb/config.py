"""The Eurostat configuration (datasets.toml): dataset codes, dimension roles and code labels."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "datasets.toml"


@dataclass(frozen=True)
class Dataset:
    code: str
    title: str
    dataflow: str  # without the version, e.g. ESTAT:CRIM_THB_VCTZ
    dimension: str  # the harmonised breakdown dimension of curated.thb_victims
    indicator: str | None = None  # a fixed indicator, or
    indicator_dimension: str | None = None  # the dimension whose code names the indicator
    breakdown: str | None = None  # the dimension holding the breakdown categories


@cache
def settings() -> dict:
    with open(CONFIG, "rb") as handle:
        return tomllib.load(handle)


@cache
def datasets() -> dict[str, Dataset]:
    return {code: Dataset(code=code, **spec) for code, spec in settings()["datasets"].items()}


def dataset_for_dataflow(dataflow: str) -> Dataset | None:
    """The configured dataset of an SDMX dataflow id such as 'ESTAT:CRIM_THB_VCTZ(1.0)' (version ignored)."""
    agency_id = dataflow.strip().split("(")[0].upper()
    return next((d for d in datasets().values() if d.dataflow.upper() == agency_id), None)


def roles() -> set[str]:
    """Every dimension that has a role: geo, sex, age, each dataset's breakdown and indicator dimension."""
    named = {"geo", "sex", "age"} | set(settings()["fixed"])
    for d in datasets().values():
        named |= {x for x in (d.breakdown, d.indicator_dimension) if x}
    return named


def datasets_table() -> pd.DataFrame:
    rows = [
        (d.code, d.title, d.indicator, d.indicator_dimension, d.breakdown, d.dimension)
        for d in datasets().values()
    ]
    columns = ["dataset", "title", "indicator", "indicator_dimension", "breakdown", "dimension"]
    return pd.DataFrame(rows, columns=columns).astype("string")


def codes_table() -> pd.DataFrame:
    """(dimension, code, label) for every code the configuration names."""
    rows = [(dim, code, label) for dim, codes in settings()["codes"].items() for code, label in codes.items()]
    return pd.DataFrame(rows, columns=["dimension", "code", "label"]).astype("string")


def definitions_table() -> pd.DataFrame:
    rows = list(settings()["definitions"].items())
    return pd.DataFrame(rows, columns=["indicator", "definition"]).astype("string")


def geo_table(codes: list[str]) -> pd.DataFrame:
    """(geo, iso3, geo_level, geo_name) for the geo codes seen: configured exceptions and aggregates, then ISO
    3166-1 alpha-2 via pycountry; a code neither knows gets geo_level 'unknown' (the known-codes check warns)."""
    import pycountry

    countries, aggregates = settings()["geo"]["countries"], settings()["geo"]["aggregates"]
    rows = []
    for code in sorted(set(codes)):
        if code in aggregates:
            rows.append((code, None, "aggregate", aggregates[code]))
        elif code in countries:
            rows.append((code, countries[code]["iso3"], "country", countries[code]["name"]))
        elif (country := pycountry.countries.get(alpha_2=code)) is not None:
            rows.append((code, country.alpha_3, "country", country.name))
        else:
            rows.append((code, None, "unknown", None))
    return pd.DataFrame(rows, columns=["geo", "iso3", "geo_level", "geo_name"]).astype("string")
