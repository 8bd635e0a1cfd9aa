"""Eurostat, third-country nationals found to be illegally present (migr_eipre), from Eurostat's statistics API
in JSON-stat 2.0: publisher, licence, the download address (totals of citizenship, sex and age, by reason and
place of apprehension), which dataset a stored response is, and the dataset's last update (`updated`) as its
publication date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipelines.lib import jsonstat
from pipelines.lib.sources import SourceInfo

NAME = "eurostat_eipre"
DATASET = "MIGR_EIPRE"
API = (
    "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/migr_eipre"
    "?format=JSON&lang=EN&citizen=TOTAL&sex=T&age=TOTAL&unit=PER"
)


def entity_of(path: Path, original_name: str, _stands_for: str | None = None) -> str:
    """'migr_eipre' for a JSON-stat response of that dataset (extension.id); any other file is refused."""
    info = jsonstat.head_info(path)
    if info is None:
        raise ValueError(f"{NAME}: {original_name} is not a JSON-stat 2.0 dataset response")
    if (info.dataset or "").upper() != DATASET:
        raise ValueError(f"{NAME}: {original_name} holds dataset {info.dataset!r}, not {DATASET}")
    return DATASET.lower()


def last_update(path: Path) -> tuple[dt.date | None, str | None]:
    info = jsonstat.head_info(path)
    day = info.updated_date() if info else None
    return (day, "JSON-stat `updated` (Eurostat's last update of the dataset)") if day else (None, None)


SOURCE = SourceInfo(
    name=NAME,
    producer="Eurostat, the statistical office of the European Union",
    title="Third-country nationals found to be illegally present, annual data (migr_eipre)",
    landing_page_url="https://ec.europa.eu/eurostat/databrowser/view/migr_eipre/default/table",
    download_url=API,
    licence="CC BY 4.0 (Eurostat reuse policy: reuse authorised, the source must be acknowledged)",
    citation="Eurostat, Third country nationals found to be illegally present (migr_eipre), doi:10.2908/MIGR_EIPRE",
    media_types=("json",),
    published_from_file=last_update,
    entity_of=entity_of,
)
