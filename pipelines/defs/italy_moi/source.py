"""Italian Ministry of the Interior daily landings: who publishes them, under which licence, where they are
downloaded, and which of the three files a stored file is (recognised by its header)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from functools import cache
from pathlib import Path

from pipelines.lib.file_dates import date_in_name
from pipelines.lib.sources import Download, SourceInfo

NAME = "italy_moi"
BASE_URL = "https://raw.githubusercontent.com/ondata/liberiamoli-tutti/main/sbarchi-migranti/dati/"
HERE = Path(__file__).resolve().parent
# entity: (the publisher's file name, the raw table it loads into)
FILES = {
    "daily_landings": ("sbarchi-per-giorno.csv", "raw.italy_moi__sbarchi_per_giorno"),
    "nationality_ytd": ("nazionalita.csv", "raw.italy_moi__nazionalita"),
    "reports": ("anagrafica-report.csv", "raw.italy_moi__anagrafica_report"),
}
UNRECOGNISED = "unrecognised"


@cache
def headers() -> dict[str, tuple[str, ...]]:
    """{entity: the publisher's header, in order} from columns.csv."""
    found: dict[str, list[str]] = {}
    with open(HERE / "columns.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["entity"], []).append(row["publisher_column"])
    return {entity: tuple(columns) for entity, columns in found.items()}


def header_of(path: Path) -> list[str]:
    """The first CSV record of the file, stripped; an empty list when there is none."""
    with open(path, "rb") as handle:
        head = handle.read(65536).decode("utf-8-sig", "replace")
    first = next(csv.reader(io.StringIO(head, newline="")), [])
    return [cell.strip() for cell in first]


def entity_of(path: Path, original_name: str, _stands_for: str | None = None) -> str:
    """The entity whose header the file has; else the one its publisher's file name names (its header is then
    refused at build, naming the columns); else "unrecognised" (refused at build, naming the header found)."""
    from pipelines.lib.layouts import recognised

    found = header_of(path)
    for entity, columns in headers().items():
        if set(found) == set(columns) or recognised(found, columns):
            return entity
    for entity, (name, _table) in FILES.items():
        if name.removesuffix(".csv") in original_name:
            return entity
    return UNRECOGNISED


def latest_report_date(path: Path) -> tuple[dt.date | None, str | None]:
    """The newest `Data_Report` the file lists: the date of the ministry's latest report it converts. Text
    that is neither UTF-8 nor Windows-1252 raises (the file is then stored rejected, with the reason)."""
    from pipelines.lib.layouts import normalised
    from pipelines.lib.tabular import decode_text

    text, _encoding = decode_text(path.read_bytes(), NAME, path.name)
    try:
        rows = csv.reader(io.StringIO(text, newline=""))
        header = [normalised(h) for h in next(rows, [])]
        if normalised("Data_Report") not in header:
            return None, None
        at = header.index(normalised("Data_Report"))
        dates = [row[at] if len(row) > at else "" for row in rows]
        valid = [d.strip() for d in dates if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.strip())]
        return (
            (dt.date.fromisoformat(max(valid)), "latest Data_Report in the file") if valid else (None, None)
        )
    except (ValueError, csv.Error):  # a malformed file: the build's strict reader names its row
        return None, None


def downloads() -> list[Download]:
    return [
        Download(BASE_URL + name, expect="csv", original_name=name, entity=entity)
        for entity, (name, _table) in FILES.items()
    ]


SOURCE = SourceInfo(
    name=NAME,
    producer=(
        "Ministero dell'Interno, Dipartimento per le libertà civili e l'immigrazione (cruscotto statistico "
        "giornaliero); CSV conversion by onData (liberiamoli-tutti)"
    ),
    title="Sbarchi e accoglienza dei migranti: daily landings and year-to-date arrivals by nationality in Italy",
    landing_page_url="https://github.com/ondata/liberiamoli-tutti/tree/main/sbarchi-migranti",
    # three files, each with its own address (downloads below); an imported file records none
    download_url=None,
    licence="CC BY 4.0 (Creative Commons Attribution 4.0 International), onData conversion",
    citation=(
        "Ministero dell'Interno, cruscotto statistico giornaliero; CSV conversion by onData, "
        "https://github.com/ondata/liberiamoli-tutti (CC BY 4.0)"
    ),
    media_types=("csv",),
    published_from_file=latest_report_date,
    accessed_from_name=date_in_name,
    entity_of=entity_of,
    downloads=downloads,
)
