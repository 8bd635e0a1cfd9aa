"""Eurostat trafficking in human beings (crim_thb): publisher, licence, one SDMX-CSV download per configured
dataset, which dataset a stored file is, and the dataset's last update as its publication date."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from pipelines.defs.eurostat_thb import config
from pipelines.lib import jsonstat
from pipelines.lib.raw_store import sniff_media_type
from pipelines.lib.sources import Download, SourceInfo

NAME = "eurostat_thb"
API = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/{dataset}?format=SDMX-CSV"
LAST_UPDATE = re.compile(r"(\d{2})/(\d{2})/(\d{2}) \d{2}:\d{2}:\d{2}")
HEAD_BYTES = 1 << 16


def _first_rows(path: Path, limit: int | None = 1) -> list[dict[str, str]]:
    """The first data rows of an SDMX-CSV file as dicts (all of them when limit is None)."""
    with open(path, "rb") as handle:
        data = handle.read() if limit is None else handle.read(HEAD_BYTES)
    text = data.decode("utf-8-sig", "replace")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def entity_of(path: Path, original_name: str, stands_for: str | None = None) -> str:
    """The configured dataset the file holds: from its DATAFLOW column (e.g. ESTAT:CRIM_THB_VCTZ(1.0)), else from
    the address it stands for or its file name. A file of any other dataset is refused."""
    info = jsonstat.head_info(path) if sniff_media_type(path) == "json" else None
    rows = [] if info else _first_rows(path)
    dataflow = f"ESTAT:{info.dataset or ''}" if info else ((rows[0].get("DATAFLOW") or "") if rows else "")
    if dataflow:
        dataset = config.dataset_for_dataflow(dataflow)
        if dataset is None:
            known = ", ".join(d.dataflow for d in config.datasets().values())
            raise ValueError(
                f"{NAME}: {original_name} holds dataflow {dataflow!r}, which is not one of the configured "
                f"crim_thb datasets ({known}; pipelines/defs/eurostat_thb/datasets.toml)"
            )
        return dataset.code
    for code in config.datasets():
        if code in (stands_for or "").lower() or code in original_name.lower():
            return code
    raise ValueError(f"{NAME}: {original_name} has no DATAFLOW column and names no configured dataset")


def last_update(path: Path) -> tuple[dt.date | None, str | None]:
    """The latest `LAST UPDATE` (dd/mm/yy hh:mm:ss) in the file, or the `updated` of a JSON-stat response: when
    Eurostat last updated the dataset."""
    if sniff_media_type(path) == "json":
        info = jsonstat.head_info(path)
        day = info.updated_date() if info else None
        return (day, "JSON-stat `updated` (Eurostat's last update of the dataset)") if day else (None, None)
    dates = []
    for row in _first_rows(path, limit=None):
        match = LAST_UPDATE.fullmatch((row.get("LAST UPDATE") or "").strip())
        if match:
            day, month, year = (int(part) for part in match.groups())
            try:
                dates.append(dt.date(2000 + year, month, day))
            except ValueError:
                continue
    return (
        (max(dates), "LAST UPDATE column (Eurostat's last update of the dataset)") if dates else (None, None)
    )


def downloads() -> list[Download]:
    return [
        Download(API.format(dataset=code), expect="csv", original_name=f"{code}.csv", entity=code)
        for code in config.datasets()
    ]


SOURCE = SourceInfo(
    name=NAME,
    producer="Eurostat, the statistical office of the European Union",
    title="Trafficking in human beings (crim_thb): registered victims and persons suspected, prosecuted, convicted",
    landing_page_url="https://ec.europa.eu/eurostat/cache/metadata/en/crim_thb_esms.htm",
    download_url=API.format(dataset="crim_thb_vctz"),
    licence="CC BY 4.0 (Eurostat reuse policy: reuse authorised, the source must be acknowledged)",
    citation="Eurostat, Trafficking in human beings statistics (crim_thb), https://ec.europa.eu/eurostat",
    # SDMX-CSV from the SDMX API (what a refresh downloads), or JSON-stat 2.0 from the statistics API (the same
    # datasets; a saved response is imported as it is)
    media_types=("csv", "json"),
    published_from_file=last_update,
    entity_of=entity_of,
    downloads=downloads,
)
