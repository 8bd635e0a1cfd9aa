"""Synthetic Frontex IBC workbooks in both real layouts: a 2018-layout release (Route, BorderLocation,
NationalityLong, months as Excel date cells, 2009-01 .. 2018-05, "Frontex data as of 06 July 2018") and a
2025-layout release (Route, Border type or inland, Nationality, months as text JAN2009, 2009-01 .. 2025-04,
"FRAN data as of 03JUN25"), with the real label drift ("Central Mediterranean" -> "Central Mediterranean
Route") and the special nationality labels (Unknown, Unspecified sub-Saharan nationals, Stateless, Kosovo*,
Palestine^).

The Central Mediterranean yearly totals follow Frontex's published figures for 2014-2024 (and the 2018
release's 13,069 to May 2018); how they split into months and nationalities, earlier years and every other route
are invented. Seeded, and the workbooks have fixed timestamps, so the bytes are identical on every machine.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from pipelines.lib import raw_store
from pipelines.lib.xlsx_write import workbook_bytes

SEED = 20250603
CENTRAL_MED = {2009: 11000, 2010: 4500, 2011: 64000, 2012: 15000, 2013: 45000, 2014: 170664, 2015: 153946,
               2016: 181376, 2017: 118962, 2018: 23485, 2019: 14003, 2020: 35673, 2021: 67724, 2022: 105561,
               2023: 158026, 2024: 66855, 2025: 16000}  # fmt: skip
CENTRAL_MED_2018_TO_MAY = 13069
# nationality label in the 2018 layout, in the 2025 layout, share of the Central Mediterranean
NATIONALITIES = [("Nigeria", "Nigeria", 0.16), ("Eritrea", "Eritrea", 0.12), ("Guinea", "Guinea", 0.1),
                 ("Côte d'Ivoire", "Côte d'Ivoire", 0.09), ("Bangladesh", "Bangladesh", 0.09),
                 ("Tunisia", "Tunisia", 0.09), ("Sudan", "Sudan", 0.07), ("Congo (D.R.)", "Congo (Kinshasa)", 0.02),
                 ("Palestine", "Palestine^", 0.01), ("Kosovo*", "Kosovo*", 0.001),
                 ("Other and stateless", "Stateless", 0.01),
                 ("Unspecified sub-Saharan nationals", "Unspecified sub-Saharan nationals", 0.1),
                 ("Unknown", "Unknown", 0.139)]  # fmt: skip
OTHER_ROUTES = [("Eastern Mediterranean", "Eastern Mediterranean Route", "Sea", 40000),
                ("Western Mediterranean", "Western Mediterranean Route", "Sea", 15000),
                ("Western Balkans", "Western Balkan Route", "Land", 30000)]  # fmt: skip
OTHER_NATIONALITIES = [("Syria", "Syria", 0.4), ("Afghanistan", "Afghanistan", 0.3), ("Morocco", "Morocco", 0.2),
                       ("Unknown", "Unknown", 0.1)]  # fmt: skip
RELEASES = {
    "2018": (dt.date(2018, 7, 6), dt.date(2018, 5, 1), "Source: Frontex data as of 06 July 2018."),
    "2025": (dt.date(2025, 6, 3), dt.date(2025, 4, 1), "Source: FRAN data as of 03JUN25"),
}
HEADERS = {"2018": ["Route", "BorderLocation", "NationalityLong"],
           "2025": ["Route", "Border type or inland", "Nationality"]}  # fmt: skip
DEFINITION = (
    "Definition: Data reported on a monthly basis by Member States and Schengen Associated Countries on detections "
    "of illegal border-crossing on entry between BCPs of the external borders of the Member States of the EU and "
    "Schengen Associated Countries, and aggregated by routes. "
)


def months(last: dt.date) -> list[dt.date]:
    found, day = [], dt.date(2009, 1, 1)
    while day <= last:
        found.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def month_header(month: dt.date, layout: str) -> object:
    """A month as the layout writes it: an Excel date cell (2018) or text such as JAN2009 (2025)."""
    return month if layout == "2018" else month.strftime("%b%Y").upper()


def workbook(layout: str, header: list[object], rows: list[list[object]], data_as_of_line: str) -> bytes:
    """A workbook with the real sheets: Detections_of_IBC (header and rows), Notes (definition, 'data as of'
    line, the footnotes) and Dictionary."""
    notes = [[DEFINITION], [""], [data_as_of_line], [""], [""], ["Notes:"],
             ["*This designation is without prejudice to positions on status, and is in line with UNSCR 1244 and "
              "the ICJ Opinion on the Kosovo declaration of independence."]]  # fmt: skip
    if layout == "2025":
        notes.append(["^ This designation shall not be construed as recognition of a State of Palestine."])
    dictionary = [["NationalityLong (third countries)", "", "Route", "Zones included", "", "BorderType"],
                  ["Afghanistan", "", "Central Mediterranean", "Italy and Malta sea borders", "", "Sea"]]  # fmt: skip
    return workbook_bytes({"Detections_of_IBC": [header, *rows], "Notes": notes, "Dictionary": dictionary})


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    values = [int(total * w / sum(weights)) for w in weights]
    values[-1] += total - sum(values)
    return values


def _monthly(yearly: dict[int, int], covered: list[dt.date], route: str) -> dict[dt.date, int]:
    """Monthly figures adding up to each year's total over the months covered; seeded per route and year, so
    both releases split a year they both cover completely in the same way."""
    found = {}
    for year, total in yearly.items():
        in_year = [m for m in covered if m.year == year]
        rng = random.Random(f"{SEED}-{route}-{year}-{len(in_year)}")
        found.update(zip(in_year, _split(total, len(in_year), rng), strict=True) if in_year else {})
    return found


def _rows(layout: str) -> list[list[object]]:
    _released, last, _line = RELEASES[layout]
    covered = months(last)
    index = 0 if layout == "2018" else 1
    central = {**CENTRAL_MED, **({2018: CENTRAL_MED_2018_TO_MAY} if layout == "2018" else {})}
    rows = []
    for route_2018, route_2025, border, total in [("Central Mediterranean", "Central Mediterranean Route", "Sea", 0),
                                                  *OTHER_ROUTES]:  # fmt: skip
        route = route_2018 if layout == "2018" else route_2025
        yearly = central if total == 0 else {m.year: total for m in covered}
        by_month = _monthly(yearly, covered, route_2018)
        labels = NATIONALITIES if total == 0 else OTHER_NATIONALITIES
        cells = {m: _shares(by_month[m], [share for *_, share in labels]) for m in covered}
        for position, label in enumerate(labels):
            rows.append([route, border, label[index], *(cells[m][position] for m in covered)])
    return rows


def _shares(total: int, shares: list[float]) -> list[int]:
    values = [int(total * s) for s in shares]
    values[-1] += total - sum(values)
    return values


def release_bytes(layout: str) -> bytes:
    _released, last, line = RELEASES[layout]
    header = [*HEADERS[layout], *(month_header(m, layout) for m in months(last))]
    return workbook(layout, header, _rows(layout), line)


def write(raw_dir: Path) -> list[raw_store.Snapshot]:
    from pipelines.defs.frontex_ibc.source import SOURCE

    landed = []
    with tempfile.TemporaryDirectory() as scratch:
        for layout, (released, _last, _line) in RELEASES.items():
            file = Path(scratch) / f"Detections_of_IBC_{released:%Y_%m_%d}.xlsx"
            file.write_bytes(release_bytes(layout))
            accessed = released + dt.timedelta(days=2)
            landed.append(
                raw_store.land(raw_dir, SOURCE, file, arrival="sample", accessed=accessed, sample=True)
            )
    return landed
