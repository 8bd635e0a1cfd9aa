"""What every source declares about itself: publisher, licence, citation, where to download it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Download:
    """One file to fetch: where from, what it must be, and how to name and file it in the raw store."""

    url: str
    expect: str  # "csv" | "json" | "xlsx"
    original_name: str
    entity: str = "all"
    stands_for: str | None = None  # the address a saved response stands for (recorded in the sidecar)


@dataclass(frozen=True)
class SourceInfo:
    name: str  # the key used in the raw store, asset keys and the CLI
    producer: str
    title: str
    landing_page_url: str
    download_url: str | None
    licence: str
    citation: str
    media_types: tuple[str, ...]
    # Reads dates the file itself states: returns (published, basis) or (None, None).
    published_from_file: Callable[[Path], tuple[dt.date | None, str | None]] = field(
        default=lambda _path: (None, None)
    )
    # Reads an access date from the publisher's own download file name, if it carries one.
    accessed_from_name: Callable[[str], dt.date | None] = field(default=lambda _name: None)
    # Which of the source's files this is (a source may publish several: a series, a table); the build
    # uses the newest snapshot of each entity. Arguments: stored file path, original name, stands_for.
    entity_of: Callable[[Path, str, str | None], str] = field(default=lambda _p, _n, _s: "all")
    # The files a live refresh fetches; by default the one file at `download_url`.
    downloads: Callable[[], list[Download]] | None = None
    # How old the newest snapshot may be, in days, before the source counts as stale; None: the value in
    # pipelines/defs/operations/sources.csv.
    max_age_days: int | None = None

    def download_list(self) -> list[Download]:
        if self.downloads is not None:
            return self.downloads()
        if not self.download_url:
            return []
        name = (
            self.download_url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
            or f"{self.name}.{self.media_types[0]}"
        )
        return [Download(self.download_url, self.media_types[0], name)]


SOURCE_NAMES = (
    "iom_mmp",
    "unhcr_odp",
    "italy_moi",
    "unodc_glotip",
    "eurostat_thb",
    "frontex_ibc",
    "eurostat_eipre",
    "published_figures",
)


def registry() -> dict[str, SourceInfo]:
    """All sources, by name, from pipelines/defs/<source>/source.py. Imported lazily so the CLI starts fast."""
    import importlib
    import importlib.util

    found = {}
    for name in SOURCE_NAMES:
        module = f"pipelines.defs.{name}.source"
        if importlib.util.find_spec(f"pipelines.defs.{name}") and importlib.util.find_spec(module):
            found[name] = importlib.import_module(module).SOURCE
    return found


def get_source(name: str) -> SourceInfo:
    sources = registry()
    if name not in sources:
        raise KeyError(f"unknown source {name!r}; known sources: {', '.join(sorted(sources))}")
    return sources[name]
