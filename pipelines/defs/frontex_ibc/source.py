"""Frontex, monthly detections of illegal border-crossing (IBC) by route, border type and nationality: publisher,
licence, the download address of the newest release listed in releases.csv, and the "data as of" date the
workbook's Notes sheet states (its publication date).

Frontex publishes one workbook per release at an address carrying the release date
(`https://www.frontex.europa.eu/assets/Migratory_routes/<year>/Monthly_detections_of_IBC_<yyyy_mm_dd>.xlsx`),
linked from the "Migratory map" page. A new release is one line in releases.csv (no code change); a workbook
saved by hand is imported with `migration-evidence import frontex_ibc FILE`.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cache
from pathlib import Path

from pipelines.lib.sources import Download, SourceInfo

NAME = "frontex_ibc"
HERE = Path(__file__).resolve().parent
SHEET = "Detections_of_IBC"
NOTES_SHEET = "Notes"
ADDRESS = (
    "https://www.frontex.europa.eu/assets/Migratory_routes/{year}/Monthly_detections_of_IBC_{stamp}.xlsx"
)
# "Source: FRAN data as of 03JUN25" (2025) and "Source: Frontex data as of 06 July 2018." (2018)
DATA_AS_OF = re.compile(r"data as of\s*(\d{1,2})\s*([A-Za-z]{3,9})\s*(\d{4}|\d{2})\b", re.IGNORECASE)
MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                       "nov", "dec"), start=1)}  # fmt: skip


def parse_data_as_of(text: str) -> dt.date | None:
    """The date of a Notes line such as 'Source: FRAN data as of 03JUN25', or None."""
    match = DATA_AS_OF.search(text)
    if not match:
        return None
    day, month_name, year = match.groups()
    month = MONTHS.get(month_name[:3].lower())
    if month is None:
        return None
    try:
        return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, int(day))
    except ValueError:
        return None


def data_as_of(path: Path) -> tuple[dt.date | None, str | None]:
    """The 'data as of' date the Notes sheet states: when Frontex extracted the figures of this release."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if NOTES_SHEET not in workbook.sheet_names:
            return None, None
        rows = workbook.get_sheet_by_name(NOTES_SHEET).to_python(skip_empty_area=False)
    except Exception:  # a corrupt workbook is refused by the reader, naming the problem
        return None, None
    for number, row in enumerate(rows, start=1):
        for cell in row:
            found = parse_data_as_of(str(cell or ""))
            if found:
                return found, f"'data as of' date in row {number} of sheet {NOTES_SHEET}"
    return None, None


@cache
def releases() -> tuple[tuple[dt.date, str], ...]:
    """(release date, address) of every release listed in releases.csv, oldest first."""
    with open(HERE / "releases.csv", newline="", encoding="utf-8") as handle:
        rows = [(dt.date.fromisoformat(r["release_date"]), r["url"].strip()) for r in csv.DictReader(handle)]
    return tuple(sorted(rows))


def release_url(day: dt.date) -> str:
    """The publisher's address pattern for the release of `day`."""
    return ADDRESS.format(year=day.year, stamp=day.strftime("%Y_%m_%d"))


def downloads() -> list[Download]:
    """The newest listed release (earlier releases are not fetched again: a published workbook never changes)."""
    day, url = releases()[-1]
    return [Download(url, "xlsx", url.rsplit("/", 1)[-1])]


SOURCE = SourceInfo(
    name=NAME,
    producer="Frontex, the European Border and Coast Guard Agency",
    title="Monthly detections of illegal border-crossing (IBC) by route, border type and nationality",
    landing_page_url="https://www.frontex.europa.eu/what-we-do/monitoring-and-risk-analysis/migratory-map/",
    download_url=releases()[-1][1],
    licence=(
        "Frontex legal notice: reproduction authorised provided the source is acknowledged "
        "(https://www.frontex.europa.eu/legal-notice/)"
    ),
    citation=(
        "Frontex, Detections of illegal border-crossings (FRAN data), "
        "https://www.frontex.europa.eu/what-we-do/monitoring-and-risk-analysis/migratory-map/"
    ),
    media_types=("xlsx",),
    published_from_file=data_as_of,
    downloads=downloads,
)
