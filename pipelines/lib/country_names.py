"""Country names to ISO 3166-1 alpha-3 with the maintained `country_converter` library: its country-name
regular expressions (country_data.tsv, read directly: the library's own loader does not run under pandas 3),
used by the sources whose files name countries in free text (GLOTIP citizenship labels, Frontex nationalities).
Each source keeps a reviewed override file for the labels the patterns get wrong or cannot know."""

from __future__ import annotations

import csv
import re
from functools import cache


@cache
def library_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(regular expression, ISO3) of every current country in country_converter's data file."""
    from country_converter import country_converter

    with open(country_converter.COUNTRY_DATA_FILE, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return tuple((re.compile(r["regex"], re.IGNORECASE), r["ISO3"]) for r in rows if not r["obsolete"])


def library_match(label: str) -> str | None:
    """The ISO3 of the one country whose name pattern matches the label; None when none or several do."""
    hits = {iso3 for pattern, iso3 in library_patterns() if pattern.search(label)}
    return hits.pop() if len(hits) == 1 else None
