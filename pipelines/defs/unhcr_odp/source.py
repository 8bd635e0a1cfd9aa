"""UNHCR Operational Data Portal: Mediterranean / Europe sea arrivals, served as JSON by the portal API."""

from __future__ import annotations

from pathlib import Path

from pipelines.defs.unhcr_odp import config, read
from pipelines.lib.sources import Download, SourceInfo


def _entity(_path: Path, _name: str, stands_for: str | None) -> str:
    if not stands_for:
        raise ValueError(
            "unhcr_odp: a saved portal response does not say which series it holds; import it with "
            "--url API_ADDRESS (or --manifest FILE) so the address it came from is recorded"
        )
    return read.entity_for(stands_for)


def _downloads() -> list[Download]:
    found = []
    for row in config.series():
        url = config.series_url(row)
        found.append(
            Download(url, "json", f"{row['series']}.json", entity=read.entity_for(url), stands_for=url)
        )
    return found


SOURCE = SourceInfo(
    name="unhcr_odp",
    producer="UNHCR, the UN Refugee Agency: Operational Data Portal",
    title="Mediterranean / Europe sea arrivals: monthly arrivals and arrivals by nationality",
    landing_page_url="https://data.unhcr.org/en/situations/europe-sea-arrivals",
    download_url=None,
    licence="UNHCR Operational Data Portal terms of use (attribution to UNHCR required)",
    citation="UNHCR Operational Data Portal, Europe sea arrivals, https://data.unhcr.org/en/situations/europe-sea-arrivals",
    media_types=("json",),
    entity_of=_entity,
    downloads=_downloads,
)
