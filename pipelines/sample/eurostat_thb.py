"""Synthetic Eurostat crim_thb datasets in the SDMX-CSV wire format (one file per configured dataset).

The EU aggregate (EU27_2020) carries Eurostat's published totals where the project has them: registered victims
2021 7,155 and 2022 10,093 (2022 by form: sexual exploitation 4,014, forced labour 3,990, other 1,699), persons
suspected 2022 8,064, convicted 2021 2,517 and 2022 2,097. Earlier years, the other splits and every country row
are invented. Seeded, so the bytes are identical on every machine.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from pipelines.lib import raw_store

LAST_UPDATE = "14/11/24 23:00:00"
ACCESSED = dt.date(2024, 11, 20)
YEARS = range(2015, 2023)
EU_VICTIMS = {2015: 8300, 2016: 7900, 2017: 7700, 2018: 7400, 2019: 7100, 2020: 6800, 2021: 7155, 2022: 10093}
EU_FORMS_2022 = {"SEX_EXP": 4014, "LAB_EXP": 3990, "OTH": 1699}
EU_PUBLISHED = {("PER_SUSP", 2022): 8064, ("PER_CNV", 2021): 2517, ("PER_CNV", 2022): 2097}
COUNTRIES = {"IT": 0.12, "DE": 0.1, "FR": 0.14, "ES": 0.08, "EL": 0.03, "NL": 0.1, "MT": 0.002}
CITIZEN_SHARES = {"NAT": 0.42, "EU27_2020_FOR": 0.18, "NEU27_2020_FOR": 0.36}
FORM_SHARES = {"SEX_EXP": 0.5, "LAB_EXP": 0.32, "OTH": 0.14}
STATUS_SHARES = {"PER_SUSP": 0.85, "PER_PRSC": 0.45, "PER_CNV": 0.3}
HEADERS = {
    "crim_thb_vctz": ("citizen", True),
    "crim_thb_vexp": ("expl", False),  # an older response: no CONF_STATUS column
    "crim_thb_sex": ("leg_stat", True),
}


def _split(
    total: int, shares: dict[str, float], rng: random.Random, fixed: dict | None = None
) -> dict[str, int]:
    """Parts per code that add up to `total` with the rest under UNK (fixed parts are kept as given)."""
    parts = dict(fixed or {})
    for code, share in shares.items():
        parts.setdefault(code, int(total * share * rng.uniform(0.9, 1.1)))
    excess = sum(parts.values()) - total
    if excess > 0:
        largest = max((c for c in parts if c not in (fixed or {})), key=parts.get)
        parts[largest] -= excess
    parts["UNK"] = total - sum(parts.values())
    parts["TOTAL"] = total
    return parts


def _observations(dataset: str, rng: random.Random) -> list[tuple[str, str, str, int, str, str]]:
    """(code, sex, geo, year, value, flag) rows of one dataset."""
    rows = []
    for year in YEARS:
        eu_total = EU_VICTIMS[year]
        areas = {
            "EU27_2020": eu_total,
            **{g: int(eu_total * s * rng.uniform(0.8, 1.2)) for g, s in COUNTRIES.items()},
        }
        for geo, total in areas.items():
            flag = "p" if year == 2022 and geo != "EU27_2020" else ""
            if dataset == "crim_thb_vctz":
                parts = _split(total, CITIZEN_SHARES, rng)
            elif dataset == "crim_thb_vexp":
                fixed = EU_FORMS_2022 if (geo, year) == ("EU27_2020", 2022) else None
                parts = _split(total, FORM_SHARES, rng, fixed)
            else:
                parts = {"VICT": total}
                for status, share in STATUS_SHARES.items():
                    parts[status] = EU_PUBLISHED.get((status, year)) if geo == "EU27_2020" else None
                    parts[status] = parts[status] or int(total * share * rng.uniform(0.7, 1.3))
            for code, value in parts.items():
                text = str(value)
                row_flag = flag
                if geo == "MT" and code not in ("TOTAL", "VICT"):
                    text, row_flag = ":", "c"  # small numbers: confidential
                rows.append((code, "T", geo, year, text, row_flag))
    return rows


def sample_csv(dataset: str) -> bytes:
    rng = random.Random(f"eurostat-{dataset}")
    dimension, with_conf = HEADERS[dataset]
    header = [
        "DATAFLOW",
        "LAST UPDATE",
        "freq",
        dimension,
        "sex",
        "unit",
        "geo",
        "TIME_PERIOD",
        "OBS_VALUE",
        "OBS_FLAG",
    ]
    lines = [",".join(header + (["CONF_STATUS"] if with_conf else []))]
    for code, sex, geo, year, value, flag in sorted(_observations(dataset, rng)):
        cells = [
            f"ESTAT:{dataset.upper()}(1.0)",
            LAST_UPDATE,
            "A",
            code,
            sex,
            "NR",
            geo,
            str(year),
            value,
            flag,
        ]
        if with_conf:
            cells.append("C" if flag == "c" else "")
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(raw_dir: Path) -> list[raw_store.Snapshot]:
    from pipelines.defs.eurostat_thb.source import SOURCE

    landed = []
    with tempfile.TemporaryDirectory() as scratch:
        for dataset in HEADERS:
            file = Path(scratch) / f"{dataset}.csv"
            file.write_bytes(sample_csv(dataset))
            landed.append(
                raw_store.land(raw_dir, SOURCE, file, arrival="sample", accessed=ACCESSED, sample=True)
            )
    return landed
