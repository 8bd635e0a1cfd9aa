"""Synthetic Missing Migrants incidents in the 2025 export layout, with the real file's quirks.

Central Mediterranean dead and missing per year equal IOM's published totals (2014-2024); the other
routes carry invented, plausible totals. Seeded, so the bytes are identical on every machine.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from pipelines.lib import raw_store

ACCESSED = dt.date(2025, 5, 5)
SEED = 20250505

HEADER = [
    "Main ID",
    "Incident ID",
    "Incident Type",
    "Region of Incident",
    "Incident Date",
    "Incident Year",
    "Month",
    "Number of Dead",
    "Minimum Estimated Number of Missing",
    "Total Number of Dead and Missing",
    "Number of Survivors",
    "Number of Females",
    "Number of Males",
    "Number of Children",
    "Country of Origin",
    "Region of Origin",
    "Cause of Death",
    "Country of Incident",
    "Migration Route",
    "Location of Incident",
    "Coordinates",
    "UNSD Geographical Grouping",
    "Information Source",
    "URL",
    "Source Quality",
]

# IOM's published Central Mediterranean dead and missing, 2014-2024.
CENTRAL_MED = {
    2014: 3126,
    2015: 3149,
    2016: 4574,
    2017: 2853,
    2018: 1314,
    2019: 1262,
    2020: 991,
    2021: 1552,
    2022: 1417,
    2023: 2526,
    2024: 1719,
}
# route: (region, yearly total, latitude box, longitude box, country of incident)
OTHER_ROUTES = {
    "Eastern Mediterranean": ("Mediterranean", 300, (35.0, 40.0), (24.0, 28.5), "Greece"),
    "Western Mediterranean": ("Mediterranean", 450, (35.2, 37.0), (-5.5, 0.0), "Spain"),
    "Western Africa / Atlantic route to the Canary Islands": (
        "Western Africa",
        900,
        (20.0, 29.0),
        (-18.0, -14.0),
        "Spain",
    ),
    "Sahara Desert crossing": ("Northern Africa", 400, (20.0, 30.0), (5.0, 15.0), "Niger"),
}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`parts` positive integers summing to `total`, skewed like shipwreck counts (a few large ones)."""
    weights = [rng.paretovariate(1.3) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    values = [1 + int(w * scale) for w in weights]
    values[values.index(max(values))] += total - sum(values)
    return values


def _quote(value: str) -> str:
    """IOM's CSV style: fields with spaces, commas, quotes or newlines are quoted; others are bare."""
    if any(ch in value for ch in ' ,"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _incidents(rng: random.Random) -> list[dict]:
    rows = []
    for year in range(2014, 2026):
        plan = [
            (
                "Central Mediterranean",
                "Mediterranean",
                CENTRAL_MED.get(year, 320),
                (33.3, 36.2),
                (12.2, 17.5),
                "Libya",
            )
        ]
        plan += [(route, *spec) for route, spec in OTHER_ROUTES.items()]
        for route, region, total, lat_box, lon_box, country in plan:
            if year == 2025:
                total = max(total // 3, 12)
            count = max(6, min(60, total // 25))
            for amount in _split(total, count, rng):
                month = rng.randint(1, 4 if year == 2025 else 12)
                day = rng.randint(1, 28)
                dead = rng.randint(0, amount)
                rows.append(
                    {
                        "year": year,
                        "month": month,
                        "date": dt.date(year, month, day),
                        "route": route,
                        "region": region,
                        "dead": dead,
                        "missing": amount - dead,
                        "total": amount,
                        "survivors": rng.choice(["", str(rng.randint(0, 300))]),
                        "lat": round(rng.uniform(*lat_box), 6),
                        "lon": round(rng.uniform(*lon_box), 6),
                        "country": country,
                        "quality": str(rng.randint(1, 5)),
                    }
                )
    rows.sort(key=lambda r: (r["date"], r["route"]))
    return rows


def sample_csv() -> bytes:
    rng = random.Random(SEED)
    rows = _incidents(rng)
    # Quirks of the real export, placed deterministically.
    rows[5]["survivors"] = "-1"
    rows[7]["quality"] = "4,5"
    extra = dict(rows[9], route="Central Mediterranean,Sahara Desert crossing", total=7, dead=7, missing=0)
    rows.insert(10, extra)
    lines = [",".join(_quote(h) for h in HEADER)]
    counters: dict[int, int] = {}
    for index, row in enumerate(rows):
        counters[row["year"]] = counters.get(row["year"], 0) + 1
        incident_id = f"{row['year']}.MMP{counters[row['year']]:05d}"
        location = "Off the coast of a synthetic place" + (
            "\nsecond line of the description" if index == 3 else ""
        )
        cells = [
            incident_id,
            incident_id,
            "Incident",
            row["region"],
            row["date"].isoformat(),
            str(row["year"]),
            MONTHS[row["month"] - 1],
            str(row["dead"]) if row["dead"] else "",
            str(row["missing"]) if row["missing"] else "",
            str(row["total"]),
            row["survivors"],
            "",
            "",
            "",
            "Unknown",
            "Sub-Saharan Africa",
            "Drowning",
            row["country"],
            row["route"],
            location,
            f"{row['lat']}, {row['lon']}",
            "Uncategorized",
            "SAMPLE DATA — synthetic, not for citation",
            "",
            row["quality"],
        ]
        lines.append(",".join(_quote(c) for c in cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(raw_dir: Path) -> list[raw_store.Snapshot]:
    from pipelines.defs.iom_mmp.source import SOURCE

    with tempfile.TemporaryDirectory() as scratch:
        file = Path(scratch) / "Missing_Migrants_Global_Figures_allData.csv"
        file.write_bytes(sample_csv())
        return [raw_store.land(raw_dir, SOURCE, file, arrival="sample", accessed=ACCESSED, sample=True)]
