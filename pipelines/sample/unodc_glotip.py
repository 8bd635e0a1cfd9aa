"""Synthetic GLOTIP country data in the real workbook layout: two releases (2023 and 2025), with the real file's
quirks ('UNODC' banner, release date in row 2, header on row 3, txtVALUE as text with thousands separators and
'<5', an exact duplicate row, a key with two values, Germany 2022's suppressed total, a questionnaire code
instead of a count, sub-regional aggregates with no country in the 2023 release).

Italy's national totals of detected victims follow UNODC's published figures for 2019-2022 (966, 813, 757,
2,146); every other number is invented. Seeded, and the workbook is written with fixed timestamps, so the bytes
are identical on every machine.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from pipelines.lib import raw_store
from pipelines.lib.xlsx_write import workbook_bytes

HEADER = ["Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex", "Age", "Year",
          "Unit of measurement", "txtVALUE", "Source"]  # fmt: skip
ITALY_PUBLISHED = {2019: 966, 2020: 813, 2021: 757, 2022: 2146}
ITALY_INVENTED = {2017: 700, 2018: 820}
COUNTRIES = {
    "ITA": ("Italy", "Europe", "Southern Europe", 1.0),
    "DEU": ("Germany", "Europe", "Western Europe", 0.9),
    "ESP": ("Spain", "Europe", "Southern Europe", 0.5),
    "NGA": ("Nigeria", "Africa", "Sub-Saharan Africa", 0.6),
    "LBY": ("Libya", "Africa", "Northern Africa", 0.05),
}
FORMS = {"Sexual exploitation": 0.45, "Forced labour": 0.35, "Other forms of exploitation": 0.08}
CITIZENSHIPS = {
    "Nationals": 0.12,
    "Nigerians": 0.3,
    "Romanian": 0.1,
    "Albanians": 0.05,
    "Botzwana": 0.004,
    "RDC": 0.01,
}
# (country, year) whose figures the 2025 release revised: the 2023 release has other values for them.
REVISED = {("ESP", 2019): 37, ("NGA", 2020): -52, ("DEU", 2018): 11}
RELEASES = {
    "2023": (dt.date(2023, 5, 30), range(2017, 2022)),
    "2025": (dt.date(2025, 4, 14), range(2017, 2023)),
}


def xlsx_bytes(rows: list[list[object]], sheet: str = "data_glotip_1") -> bytes:
    """A minimal, deterministic xlsx workbook with one sheet: strings inline, numbers as numbers, "" left empty."""
    return workbook_bytes({sheet: rows})


def _text(value: int) -> str:
    return "<5" if value < 5 else f"{value:,}"


def _rows(release: str) -> list[list[object]]:
    released, years = RELEASES[release]
    rows = []
    for iso3, (name, region, subregion, scale) in COUNTRIES.items():
        area = [iso3, name, region, subregion]
        for year in years:
            rng = random.Random(f"glotip-{iso3}-{year}")  # the same figures in both releases, unless revised
            total = ITALY_PUBLISHED.get(year) or ITALY_INVENTED.get(year) if iso3 == "ITA" else None
            total = total or int(rng.randint(500, 1500) * scale)
            if release == "2023":
                total += REVISED.get((iso3, year), 0)
            female = int(total * rng.uniform(0.55, 0.75))
            victims = "Detected trafficking victims"
            shown = "<5" if (iso3, year, release) == ("DEU", 2022, "2025") else _text(total)
            rows.append([*area, victims, "Total", "Total", "Total", "Total", year, "Counts", shown, "GLOTIP"])
            rows.append(
                [*area, victims, "Total", "Total", "Female", "Total", year, "Counts", _text(female), "GLOTIP"]
            )
            rows.append(
                [
                    *area,
                    victims,
                    "Total",
                    "Total",
                    "Male",
                    "Total",
                    year,
                    "Counts",
                    _text(total - female),
                    "GLOTIP",
                ]
            )
            for form, share in FORMS.items():
                value = int(total * share * rng.uniform(0.8, 1.2))
                rows.append(
                    [
                        *area,
                        victims,
                        "by form of exploitation",
                        form,
                        "Total",
                        "Total",
                        year,
                        "Counts",
                        _text(value),
                        "GLOTIP",
                    ]
                )
            for label, share in CITIZENSHIPS.items():
                value = int(total * share * rng.uniform(0.5, 1.5))
                rows.append(
                    [
                        *area,
                        victims,
                        "by citizenship",
                        label,
                        "Total",
                        "Total",
                        year,
                        "Counts",
                        _text(value),
                        "GLOTIP",
                    ]
                )
            convicted = int(total * rng.uniform(0.05, 0.2))
            rows.append(
                [
                    *area,
                    "Persons convicted",
                    "Total",
                    "Total",
                    "Total",
                    "Total",
                    year,
                    "Counts",
                    _text(convicted),
                    "GLOTIP",
                ]
            )
    rows.append(list(rows[3]))  # an exact duplicate
    other = [r for r in rows if r[6] == "Other forms of exploitation" and r[0] == "ESP"][0]
    rows.append([*other[:11], "12", "GLOTIP"])  # a second value for the same key
    if release == "2025":
        rows.append(["NGA", "Nigeria", "Africa", "Sub-Saharan Africa", "Persons convicted", "by citizenship",
                     "Q6.1_2s_2021", "Total", "Total", 2021, "Counts", "6,122,021", "GLOTIP"])  # fmt: skip
    else:
        for year in years:
            rows.append(["SAF", "", "", "", "Detected trafficking victims", "Total", "Total", "Total", "Total", year,
                         "Counts", _text(2000 + 97 * (year - 2000)), "GLOTIP"])  # fmt: skip
    banner = [["UNODC", *[""] * 12], [released.strftime("%d/%m/%Y"), *[""] * 12], HEADER]
    return banner + rows


def workbook(release: str) -> bytes:
    return xlsx_bytes(_rows(release))


def write(raw_dir: Path) -> list[raw_store.Snapshot]:
    from pipelines.defs.unodc_glotip.source import SOURCE

    landed = []
    with tempfile.TemporaryDirectory() as scratch:
        for release, (released, _years) in RELEASES.items():
            file = Path(scratch) / release / "data_glotip.xlsx"
            file.parent.mkdir()
            file.write_bytes(workbook(release))
            accessed = released + dt.timedelta(days=3)
            landed.append(
                raw_store.land(raw_dir, SOURCE, file, arrival="sample", accessed=accessed, sample=True)
            )
    return landed
