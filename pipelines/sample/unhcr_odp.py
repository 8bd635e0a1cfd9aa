"""Synthetic UNHCR portal responses in the API's JSON shape, one per configured series.

Italy's annual sea arrivals 2014-2018 equal UNHCR's published figures; the other series carry invented,
plausible totals. Seeded, so the bytes are identical on every machine."""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
from pathlib import Path

from pipelines.lib import raw_store

ACCESSED = dt.date(2019, 12, 31)
SEED = 20191231
# UNHCR's published sea arrivals to Italy.
ITALY = {2014: 170100, 2015: 153842, 2016: 181436, 2017: 119369, 2018: 23370, 2019: 10565}
OTHER = {"malta_sea_monthly": 1500, "greece_sea_monthly": 40000, "greece_land_monthly": 9000,
         "spain_sea_monthly": 20000, "spain_land_monthly": 6000, "spain_atlantic_monthly": 20000,
         "cyprus_sea_monthly": 800}  # fmt: skip
ORIGINS = [("NIG", "Nigeria", 0.18), ("ERT", "Eritrea", 0.12), ("GUI", "Guinea", 0.09), ("ICO", "Côte d'Ivoire", 0.09),
           ("BGD", "Bangladesh", 0.08), ("SUD", "Sudan", 0.07), ("TUN", "Tunisia", 0.07), ("MLI", "Mali", 0.06),
           ("GAM", "Gambia", 0.05), ("SEN", "Senegal", 0.05), ("OTH", "Others", 0.14)]  # fmt: skip


def _months(total: int, months: int, rng: random.Random) -> list[int]:
    weights = [rng.uniform(0.4, 1.6) for _ in range(months)]
    values = [int(total * w / sum(weights)) for w in weights]
    values[-1] += total - sum(values)
    return values


def _timeseries(series: str, rng: random.Random) -> dict:
    points = []
    for year in range(2014, 2020):
        total = ITALY[year] if series == "italy_sea_monthly" else OTHER[series]
        months = 11 if year == 2019 else 12
        points += [
            {"month": m + 1, "year": year, "individuals": v}
            for m, v in enumerate(_months(total, months, rng))
        ]
    return {"title_language_en": f"Monthly arrivals ({series})", "situation_view_description": "Mediterranean Situation",
            "data": {"timeseries": points, "source": "UNHCR"}}  # fmt: skip


def _origin(rng: random.Random) -> dict:
    rows = []
    for year in (2016, 2017, 2018):
        for month, total in enumerate(_months(ITALY[year], 12, rng), start=1):
            for code, name, share in ORIGINS:
                rows.append({"geomaster_name": "Italy", "pop_origin_code": code, "pop_origin_name": name,
                             "year": year, "month": month, "individuals": round(total * share), "source": "UNHCR"})  # fmt: skip
    return {"data": rows}


def write(raw_dir: Path) -> list[raw_store.Snapshot]:
    from pipelines.defs.unhcr_odp import config
    from pipelines.defs.unhcr_odp.source import SOURCE

    rng = random.Random(SEED)
    landed = []
    with tempfile.TemporaryDirectory() as scratch:
        for row in config.series():
            body = _origin(rng) if row["endpoint"] == "origin" else _timeseries(row["series"], rng)
            file = Path(scratch) / f"{row['series']}.json"
            file.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            landed.append(raw_store.land(raw_dir, SOURCE, file, arrival="sample", accessed=ACCESSED, sample=True,
                                         stands_for=config.series_url(row)))  # fmt: skip
    return landed
