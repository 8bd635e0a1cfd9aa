"""Figures published only in documents (IOM Libya's interceptions, returns and deaths; departures to Italy by
country of departure), each with its citation."""

import dagster as dg

from pipelines.defs.curated.tables import curated_table

FIGURES = dg.AssetKey(["staging", "stg_published_figures__figures"])

DOCS = {
    "published_figures": {
        "comment": (
            "One row per figure that a publisher released only in a document or press item (pipelines/defs/"
            "published_figures/figures.csv): IOM Libya's people intercepted at sea and returned to Libya and the "
            "dead and missing it reports, sea arrivals to Italy by country of departure (UNHCR shares, the "
            "ministry's counts). Cite each figure by its own `citation` (publisher, document, address, publication "
            "and read dates). Where two documents give a figure differently both rows are kept; is_preferred marks "
            "the one used and choice_note says why. A partial figure (is_partial) covers period_start to period_end "
            "only; figures in different units are never added."
        ),
        "columns": {
            "figure_id": "Identifier of the figure in figures.csv",
            "series": "What is counted: intercepted_returned_to_libya, dead_reported_by_iom_libya, "
            "missing_reported_by_iom_libya, sea_arrivals_italy_by_country_of_departure",
            "geo_iso3": "ISO3 of the country the figure is about (of interception and return, or of departure); null "
            "when the figure names none",
            "breakdown": "What geo_iso3 is for a breakdown (country of departure); null for a figure without one",
            "period_start": "First day the figure covers",
            "period_end": "Last day the figure can cover (the publication date when it was published before the period "
            "ended)",
            "year": "Calendar year of period_start",
            "value": "The figure as published (about-figures as given: see unit)",
            "unit": "persons, persons (about), percent of sea arrivals to Italy",
            "is_partial": "True when the figure covers less than its calendar year (to period_end)",
            "is_preferred": "True for the row used where documents disagree (one per series, geo, breakdown and period)",
            "choice_note": "Why this row is or is not the preferred one where documents disagree; null otherwise",
            "publisher": "Whose figure it is (IOM Libya, UNHCR, Ministry of the Interior (Italy))",
            "quoted_in": "The page that quotes the publisher; null when read from the publisher's own document",
            "document_title": "Title of the document or page the figure was read from",
            "url": "Address of that document",
            "published": "Publication date of the document (the month's first day when published_precision is 'month')",
            "published_precision": "day, or month when the page gives only the month",
            "read_on": "Date the figure was read into figures.csv",
            "citation": "Publisher, quoting page, title, address, publication and read dates: cite with the figure",
            "note": "What else the document says about the figure; null when nothing",
            "source_file": "Stored snapshot of figures.csv the row came from (data/raw/published_figures/)",
            "source_row": "Line of the figure in that file",
        },
    },
}

_figures = curated_table("published_figures", [FIGURES], ["figure_id"], DOCS["published_figures"])

ASSETS = [_figures[0]]
CHECKS = [_figures[1]]
