"""Reads saved UNHCR portal responses. A response does not say which series it holds; the address it
stands for does, so every file is read together with that address."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from pipelines.lib.counts import CountFormat, JsonNumber, json_problem
from pipelines.lib.tabular import SourceFormatError

SOURCE = "unhcr_odp"
HOSTS = {"data.unhcr.org", "data2.unhcr.org"}
ENDPOINTS = {"timeseries", "origin", "sublocation"}
MONTHLY = {"year", "month", "individuals"}
DAILY = {"data_date", "unix_timestamp", "individuals"}
ORIGIN = {"pop_origin_code", "pop_origin_name", "year", "month", "individuals"}
# The portal writes counts, years and months as JSON integers (a digit string is read the same); a number with
# a fraction or an exponent, a boolean, padding or a thousands separator is refused naming the JSON path. A
# negative count is left for the blocking check, which names it.
COUNT_FIELDS = {"individuals": CountFormat(negative=True), "year": CountFormat(), "month": CountFormat()}


def describe_address(address: str) -> dict[str, str]:
    """Endpoint, geo id, population group, frequency and situation view of an API address."""
    parts = urlsplit(address)
    endpoint = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if parts.hostname not in HOSTS or endpoint not in ENDPOINTS:
        raise ValueError(
            f"{SOURCE}: {address!r} is not a UNHCR portal API address "
            f"(expected https://data.unhcr.org/population/get/timeseries|origin|sublocation?...)"
        )
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if "geo_id" not in query:
        raise ValueError(f"{SOURCE}: {address!r} has no geo_id, so it does not say which country it holds")
    return {
        "endpoint": endpoint,
        "geo_id": query["geo_id"],
        "population_group": query.get("population_group", ""),
        "frequency": query.get("frequency", ""),
        "sv_id": query.get("sv_id", ""),
    }


def entity_for(address: str) -> str:
    """Snapshots of the same series (whatever the start date or host) share an entity; the newest is used."""
    d = describe_address(address)
    group = d["population_group"].replace(",", "+") or "all"
    return f"{d['endpoint']}_geo{d['geo_id']}_group{group}_{d['frequency'] or 'any'}_sv{d['sv_id'] or 'any'}"


def _load(path: Path, name: str) -> object:
    try:
        # numbers with a fraction or an exponent stay the text the file has: never rounded or expanded
        return json.loads(
            path.read_bytes().decode("utf-8-sig"), parse_float=JsonNumber, parse_constant=JsonNumber
        )
    except UnicodeDecodeError:
        raise SourceFormatError(SOURCE, name, "is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            SOURCE, name, f"is not valid JSON ({exc.msg} at line {exc.lineno}); truncated?"
        ) from None


def _points(body: object, name: str) -> tuple[list, str, str, dict]:
    """(points, JSON path prefix, shape, series metadata) for both response shapes."""
    if isinstance(body, dict) and isinstance(body.get("data"), dict) and "timeseries" in body["data"]:
        return body["data"]["timeseries"], "data.timeseries", "plain", body["data"]
    if isinstance(body, dict) and "currentSeries" in body:
        key = str(body["currentSeries"])
        chosen = body.get(key)
        if not isinstance(chosen, dict) or "timeseries" not in (chosen.get("data") or {}):
            raise SourceFormatError(
                SOURCE, name, f"wrapped response has no series {key!r} with data.timeseries"
            )
        return chosen["data"]["timeseries"], f"{key}.data.timeseries", "wrapped", chosen["data"]
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        return body["data"], "data", "origin", {}
    keys = sorted(body)[:8] if isinstance(body, dict) else type(body).__name__
    raise SourceFormatError(
        SOURCE, name, f"has no data.timeseries, wrapped series or origin list (top level: {keys})"
    )


def _refuse_impossible_periods(rows: list[dict], shape: str, name: str) -> None:
    """A month outside 1-12, or a period (a nationality's month, in an origin list) given twice in one response,
    fails naming both JSON paths: staging could not date it, or would have to pick one of two values."""
    seen: dict[tuple, str] = {}
    for row in rows:
        month = (row.get("month") or "").strip()
        if month.lstrip("-").isdigit() and not 1 <= int(month) <= 12:
            raise SourceFormatError(
                SOURCE, name, f"{row['_source_path']}.month is {month!r}, not a month (1-12)"
            )
        period = (
            (row.get("year"), row.get("month")) if row.get("month") is not None else (row.get("data_date"),)
        )
        key = ((row.get("pop_origin_code"),) if shape == "origin" else ()) + period
        if key in seen:
            raise SourceFormatError(
                SOURCE,
                name,
                f"{row['_source_path']} repeats the period of {seen[key]} ({', '.join(map(str, key))}); "
                "one response holds one value per period",
            )
        seen[key] = row["_source_path"]


def read_response(path: Path, name: str, address: str) -> tuple[pd.DataFrame, str]:
    """One row per point, every value as text; `_source_path` is the point's JSON path. Returns (frame, shape)."""
    described = describe_address(address)
    points, prefix, shape, meta = _points(_load(path, name), name)
    if described["endpoint"] == "origin" and shape != "origin":
        raise SourceFormatError(SOURCE, name, f"stands for an origin address but holds a {shape} time series")
    if described["endpoint"] != "origin" and shape == "origin":
        raise SourceFormatError(SOURCE, name, "stands for a time series address but holds an origin list")
    if not isinstance(points, list) or not points:
        raise SourceFormatError(SOURCE, name, f"{prefix} is empty or not a list")
    expected = ORIGIN if shape == "origin" else None
    rows = []
    for index, point in enumerate(points):
        where = f"{prefix}[{index}]"
        if not isinstance(point, dict):
            raise SourceFormatError(SOURCE, name, f"{where} is not an object")
        keys = set(point)
        required = expected or (MONTHLY if keys & {"year", "month"} else DAILY)
        if not required <= keys:
            raise SourceFormatError(
                SOURCE,
                name,
                f"{where} lacks {sorted(required - keys)} (has {sorted(keys)}); "
                "expected monthly (year, month, individuals) or daily (data_date, unix_timestamp, individuals) points",
            )
        for field, fmt in COUNT_FIELDS.items():
            problem = json_problem(point.get(field), fmt)
            if problem:
                raise SourceFormatError(
                    SOURCE, name, f"{where}.{field} is {point[field]!r}, not a whole number ({problem})"
                )
        rows.append({k: None if v is None else str(v) for k, v in point.items()} | {"_source_path": where})
    _refuse_impossible_periods(rows, shape, name)
    frame = pd.DataFrame(rows, dtype="string")
    geo = meta.get("geoMasterId") or {}
    frame["geo_master_id"] = str(geo.get("id", "")) or None
    frame["geo_master_name"] = geo.get("name")
    for key, value in described.items():
        frame[key] = value
    frame["response_shape"] = shape
    return frame, shape
