"""The UNHCR portal configuration files of this folder: which series to pull, geo ids, population groups,
origin codes. Configuration, not code: a new series is a new line in series.csv."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
API = "https://data.unhcr.org/population/get/"


def _rows(name: str) -> list[dict[str, str]]:
    with open(HERE / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def series() -> list[dict[str, str]]:
    return _rows("series.csv")


@cache
def geo_ids() -> dict[str, dict[str, str]]:
    return {row["geo_id"]: row for row in _rows("geo_ids.csv")}


@cache
def population_groups() -> dict[str, dict[str, str]]:
    return {row["population_group"]: row for row in _rows("population_groups.csv")}


@cache
def origin_codes() -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in _rows("origin_codes.csv")}


def series_url(row: dict[str, str]) -> str:
    """The API address of one configured series, parameters in the order the portal's widgets use."""
    query = {"widget_id": row["widget_id"], "geo_id": row["geo_id"], "sv_id": row["sv_id"]}
    if row["population_group"]:
        query["population_group"] = row["population_group"]
    if row["frequency"]:
        query["frequency"] = row["frequency"]
    query["fromDate"] = row["from_date"]
    address = API + row["endpoint"] + "?" + urlencode({k: v for k, v in query.items() if v})
    return address + ("&" + row["extra_query"] if row["extra_query"] else "")
