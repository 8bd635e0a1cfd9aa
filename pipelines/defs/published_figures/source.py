"""Published figures: series that publishers release only as figures in documents or press items (IOM Libya's
interceptions and returns, departures to Italy by country of departure), kept in the project as figures.csv, one
row per figure with the document's title, address and dates. Imported through the raw store like any snapshot;
each figure is cited by its own publisher and document, never by this file."""

from __future__ import annotations

from pathlib import Path

from pipelines.lib.sources import SourceInfo

NAME = "published_figures"
HERE = Path(__file__).resolve().parent
FIGURES = HERE / "figures.csv"

SOURCE = SourceInfo(
    name=NAME,
    producer="Several publishers (IOM, UNHCR, Italy's Ministry of the Interior), each named per figure",
    title="Figures published only in documents and press items, with the document each was read from",
    landing_page_url="https://github.com/migration-evidence (pipelines/defs/published_figures/figures.csv)",
    download_url=None,
    licence="Each figure is the publisher's, quoted with attribution to it and to the document it was read from",
    citation="Per figure: publisher, document title, address and publication date (curated.published_figures.citation)",
    media_types=("csv",),
)
