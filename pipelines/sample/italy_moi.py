"""Synthetic ministry files (onData's layout): daily landings, year-to-date arrivals by nationality, reports.

Year-to-date arrivals at 31 December equal the ministry's published figures (2019-2024); 2025 runs to a
mid-month report on 15 September. Every month from September 2019 has a mid-month (15th) and a month-end
report, as in the real files; the quirks are placed as in the real files: mid-month reports list the rest of
the month as 0, the report day's own figure is revised by the month-end report, one impossible date, one
empty value and one extraction artefact. Seeded, so the bytes are identical on every machine.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import tempfile
from pathlib import Path

from pipelines.lib import raw_store

ACCESSED = dt.date(2025, 9, 16)
SEED = 20250915
YEAR_END = {2019: 11471, 2020: 34154, 2021: 67040, 2022: 105129, 2023: 157652, 2024: 66317, 2025: 61000}
LAST_REPORT = dt.date(2025, 9, 15)
# Landings peak in summer and early autumn.
MONTH_WEIGHTS = [4, 3, 5, 6, 8, 9, 12, 12, 11, 10, 10, 10]
NOTE = "*I dati si riferiscono agli eventi di sbarco rilevati entro le ore {hour} del giorno di riferimento"
FONTE = "Fonte: Dipartimento della Pubblica sicurezza. I dati sono suscettibili di successivo consolidamento."
PDF = "http://sample.invalid/sites/default/files/allegati/cruscotto_statistico_giornaliero_{day}.pdf"
IMPOSSIBLE = (dt.date(2024, 4, 15), "2024-04-31")
EMPTY = (dt.date(2023, 7, 15), dt.date(2023, 7, 29))
ARTEFACT = (dt.date(2024, 5, 15), dt.date(2024, 5, 27), "0[VALORE]0")
# Synthetic shares of the year's arrivals; "altre" takes the rest.
NATIONALITIES = [
    ("Bangladesh", "BD", 0.13),
    ("Burkina Faso", "BF", 0.03),
    ("Costa d'Avorio", "CI", 0.08),
    ("Egitto", "EG", 0.07),
    ("Eritrea", "ER", 0.04),
    ("Guinea", "GN", 0.08),
    ("Mali", "ML", 0.04),
    ("Pakistan", "PK", 0.05),
    ("Siria", "SY", 0.06),
    ("Sudan", "SD", 0.05),
    ("Tunisia", "TN", 0.14),
]


def _split(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to `weights` summing to `total` (largest remainder)."""
    exact = [total * w / sum(weights) for w in weights]
    values = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (values[i] - exact[i], i))
    for i in order[: total - sum(values)]:
        values[i] += 1
    return values


def _months() -> list[tuple[int, int]]:
    return [(y, m) for y in range(2019, 2026) for m in range(1, 13) if (2019, 9) <= (y, m) <= (2025, 9)]


def daily_figures(rng: random.Random) -> dict[dt.date, int]:
    """The final figure of every day from 2019-09-01 to 2025-09-30."""
    figures: dict[dt.date, int] = {}
    for year, total in YEAR_END.items():
        by_month = _split(total, MONTH_WEIGHTS)
        for month in range(9 if year == 2019 else 1, 10 if year == 2025 else 13):
            days = calendar.monthrange(year, month)[1]
            weights = [0.0 if rng.random() < 0.2 else rng.paretovariate(1.5) for _ in range(days)]
            for day, value in enumerate(_split(by_month[month - 1], weights), start=1):
                figures[dt.date(year, month, day)] = value
    return figures


def year_start_offset(year: int) -> int:
    """Arrivals of the year before the first day the daily file covers (2019: January to August)."""
    return sum(_split(YEAR_END[2019], MONTH_WEIGHTS)[:8]) if year == 2019 else 0


def reports() -> list[dt.date]:
    found = []
    for year, month in _months():
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        found += [
            d for d in (dt.date(year, month, 15), last) if d <= LAST_REPORT and d != dt.date(2019, 9, 15)
        ]
    return found


def daily_rows(figures: dict[dt.date, int]) -> list[tuple[str, str, str, dt.date]]:
    """(Data, Valore, cut-off hour, report) for every day every report lists."""
    rows = []
    for report in reports():
        days = calendar.monthrange(report.year, report.month)[1]
        listed = [dt.date(report.year, report.month, d).isoformat() for d in range(1, days + 1)]
        if report == IMPOSSIBLE[0]:
            listed.append(IMPOSSIBLE[1])
        for text in listed:
            day = dt.date.fromisoformat(text) if text != IMPOSSIBLE[1] else None
            if day is None or day > report:
                value = "0"
            elif day == report and report.day == 15:
                value = str(figures[day] // 2)  # the report day counted up to 8:00 only; revised later
            else:
                value = str(figures[day])
            if (report, day) == EMPTY:
                value = ""
            if (report, day) == ARTEFACT[:2]:
                value = ARTEFACT[2]
            hour = "24:00" if report == dt.date(2022, 12, 31) else "8:00"
            rows.append((text, value, hour, report))
    return rows


def year_to_date(rows: list[tuple[str, str, str, dt.date]]) -> dict[dt.date, int]:
    """Each report's year-to-date total: earlier months at their final figures plus what it lists up to its date."""
    totals: dict[dt.date, int] = {}
    month_end: dict[tuple[int, int], int] = {}
    for report in reports():
        listed = sum(
            int(v) for d, v, _h, r in rows if r == report and v.isdigit() and d <= report.isoformat()
        )
        earlier = sum(month_end.get((report.year, m), 0) for m in range(1, report.month))
        totals[report] = year_start_offset(report.year) + earlier + listed
        if report.day != 15:
            month_end[(report.year, report.month)] = listed
    return totals


def nationality_rows(totals: dict[dt.date, int]) -> list[tuple[dt.date, str, str, int]]:
    """Year-to-date by nationality: each report's increase over the previous one of the year is shared out,
    so no nationality's figure decreases within a year."""
    weights = [share for _n, _c, share in NATIONALITIES] + [1 - sum(s for _n, _c, s in NATIONALITIES)]
    rows, running, year, previous = [], [0] * len(weights), None, 0
    for report in reports():
        if report.year != year:
            running, year, previous = [0] * len(weights), report.year, 0
        increase = _split(totals[report] - previous, weights)
        running = [a + b for a, b in zip(running, increase, strict=True)]
        previous = totals[report]
        names = [(n, c) for n, c, _s in NATIONALITIES] + [("altre", "")]
        rows += [(report, n, c, v) for (n, c), v in zip(names, running, strict=True)]
    return rows


def sample_files() -> dict[str, bytes]:
    rng = random.Random(SEED)
    daily = daily_rows(daily_figures(rng))
    totals = year_to_date(daily)
    lines = {
        "sbarchi-per-giorno.csv": ["Data,Valore,Note,Fonte,Data_Report"]
        + [f"{d},{v},{NOTE.format(hour=h)},{FONTE},{r}" for d, v, h, r in daily],
        "nazionalita.csv": ["Data_Report,Nazione,ISO_3166-1,Valore"]
        + [f"{r},{n},{c},{v}" for r, n, c, v in nationality_rows(totals)],
        "anagrafica-report.csv": ["Data_Report,URL"]
        + [f"{r},{PDF.format(day=r.strftime('%d-%m-%Y'))}" for r in reports()],
    }
    return {name: ("\n".join(text) + "\n").encode("utf-8") for name, text in lines.items()}


def write(raw_dir: Path) -> list[raw_store.Snapshot]:
    from pipelines.defs.italy_moi.source import SOURCE

    landed = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, data in sample_files().items():
            file = Path(scratch) / name
            file.write_bytes(data)
            landed.append(
                raw_store.land(raw_dir, SOURCE, file, arrival="sample", accessed=ACCESSED, sample=True)
            )
    return landed
