"""The Libya route's questions answered from several sources: attempted crossings from North Africa with
mortality over the fuller denominator, the two proxy indicators side by side, and the nationality mix of
Central Mediterranean crossings from Frontex (the complete list, unknowns shown)."""

import dagster as dg

from pipelines.defs.curated.detections import DETECTIONS_MONTHLY, DETECTIONS_NOT_PERSONS, ROUTE_MONTHLY
from pipelines.defs.curated.tables import curated_table

ROUTE_MORTALITY = dg.AssetKey(["curated", "route_mortality_yearly"])
PUBLISHED_FIGURES = dg.AssetKey(["curated", "published_figures"])
ILLEGALLY_PRESENT = dg.AssetKey(["curated", "illegally_present_yearly"])

DOCS = {
    "central_med_attempts_yearly": {
        "comment": (
            "One row per calendar year of the Central Mediterranean route (curated.route_mortality_yearly): attempted "
            "crossings from North Africa = sea arrivals to Italy (and Malta for a year it reports completely) + people "
            "intercepted at sea and returned to Libya (IOM Libya, curated.published_figures) + dead and missing (IOM "
            "Missing Migrants). mortality_per_1000_attempts uses that fuller denominator; "
            "mortality_per_1000_arrivals_basis is the narrower one (arrivals + dead and missing) for comparison. "
            "Both are minimum counts; interceptions by Tunisia are in no figure the project holds (Libya only). "
            "Published only where every input covers the whole year; else null with attempts_null_reason."
        ),
        "columns": {
            "year": "Calendar year",
            "arrivals": "Sea arrivals counted (curated.route_mortality_yearly.arrivals); partial when "
            "arrivals_is_complete is false; null when not reported",
            "arrivals_include": "Countries whose arrivals are counted ('Italy + Malta', 'Italy only'); null when "
            "arrivals is null",
            "arrivals_is_complete": "True when the required arrivals cover the whole year",
            "intercepted_returned_libya": "People intercepted at sea and returned to Libya (IOM Libya, preferred "
            "published figure); null when no figure is published for the year",
            "intercepted_is_complete": "True when that figure covers the whole year (false when partial or absent)",
            "intercepted_covered_to": "Last day the interception figure can cover; null when there is none",
            "dead_and_missing": "IOM dead and missing on the route; partial when dead_and_missing_is_complete is false; "
            "null when no snapshot covers the year",
            "dead_and_missing_is_complete": "True when Missing Migrants snapshots cover the whole year",
            "attempted_crossings": "arrivals + intercepted_returned_libya + dead_and_missing, only when all three "
            "cover the whole year; else null (attempts_null_reason)",
            "attempted_crossings_include": "What attempted_crossings adds up (and that Tunisia's interceptions are "
            "not in it); null when attempted_crossings is null",
            "mortality_per_1000_attempts": "dead_and_missing / attempted_crossings x 1000; null when "
            "attempted_crossings is null",
            "mortality_per_1000_arrivals_basis": "dead_and_missing / (arrivals + dead_and_missing) x 1000, the "
            "narrower denominator (curated.route_mortality_yearly); null where that table's inputs are incomplete",
            "attempts_null_reason": "Why attempted_crossings is null (which input is missing or partial); null when "
            "it is published",
            "intercepted_citation": "Citation of the interception figure (publisher, document, address, dates); null "
            "when there is no figure",
            "intercepted_figure_id": "figure_id of that figure in curated.published_figures; null when none",
        },
    },
    "proxy_indicators_yearly": {
        "comment": (
            "One row per area and year of each proxy indicator of irregular migration on the route: Eurostat's "
            "third-country nationals found illegally present in Italy and in Malta (persons, with Eurostat's flag), "
            "and Frontex detections of illegal border-crossing on the Central Mediterranean route (Italy and Malta "
            "sea borders together, area 'ITA+MLT'). "
            + DETECTIONS_NOT_PERSONS
            + " The indicators count different "
            "things: compare their trends, never add them."
        ),
        "columns": {
            "area": "ITA, MLT (Eurostat) or ITA+MLT (Frontex: the route's sea borders of both)",
            "year": "Calendar year",
            "indicator_source": "eurostat_eipre or frontex_ibc",
            "indicator": "What the value counts",
            "value": "The indicator for the year; for Frontex a partial year sums the months covered (flag says so); "
            "null when Eurostat gives a flag without a value or a Frontex month has an empty cell",
            "is_complete": "True when the value covers the whole year (Eurostat: a published value; Frontex: 12 "
            "months)",
            "flag": "Eurostat's flag of the value, or for Frontex 'partial year: N months to YYYY-MM'; null otherwise",
            "source_files": "Stored snapshots the value comes from",
        },
    },
    "frontex_nationality_mix_yearly": {
        "comment": (
            "One row per year and nationality of Frontex detections on the Central Mediterranean route: the complete "
            "list the workbooks give, the unknown and unspecified categories and designations (Kosovo*, Palestine^) "
            "included, so shares add up to 100 % over the route. " + DETECTIONS_NOT_PERSONS + " A share is "
            "published only for a year covered completely (12 months, no empty cell)."
        ),
        "columns": {
            "year": "Calendar year",
            "nationality_key": "ISO3, or the category name for a label that is not a country",
            "nationality": "ISO 3166 name or category (Unknown, Stateless, Kosovo* …)",
            "nationality_iso3": "ISO3; null for a category, designation or unmapped label",
            "nationality_kind": "country, not_a_country, designation or unmapped",
            "detections": "Detections of the nationality in the year (the months covered); null when a cell is empty",
            "share_percent": "detections / route_detections x 100 for a complete year; null for a partial year "
            "(share_null_reason)",
            "route_detections": "All detections on the route in a complete year; null for a partial year",
            "months_covered": "Months of the year the workbooks cover",
            "is_complete": "True when the year is covered completely",
            "share_null_reason": "Why share_percent is null (partial year, empty cells); null when published",
        },
    },
    "departures_by_country_yearly": {
        "comment": (
            "One row per published figure of sea arrivals to Italy by country of departure (curated.published_figures, "
            "series sea_arrivals_italy_by_country_of_departure): UNHCR's shares of the year's arrivals and the Italian "
            "Ministry of the Interior's counts, each with its citation. A share (share_percent) and a count (persons) "
            "are different units in different columns and are never added; a figure for part of a year is "
            "is_partial with the last day it can cover (period_end). Where two documents give one figure "
            "differently both rows are kept and is_preferred marks the one used. A country or year no document "
            "reports has no row (not reported, never 0)."
        ),
        "columns": {
            "year": "Calendar year of the period the figure covers",
            "country_of_departure_iso3": "ISO3 of the country the boats left from",
            "country_of_departure": "Name of that country (the ISO3 code when the name is not mapped)",
            "figure_id": "figure_id of the figure in curated.published_figures",
            "measure": "'share' (share_percent is set) or 'count' (persons is set)",
            "share_percent": "Percent of the period's sea arrivals to Italy that left from the country; null for a "
            "count",
            "persons": "Sea arrivals to Italy that left from the country in the period; null for a share",
            "unit": "Unit as the document gives it ('percent of sea arrivals to Italy', 'persons', 'persons (about)')",
            "is_approximate": "True when the document gives the figure as approximate ('about')",
            "period_start": "First day of the period the figure covers",
            "period_end": "Last day the figure can cover (for a figure published before its period ended, the "
            "publication date)",
            "is_partial": "True when the figure covers part of the year only (to period_end)",
            "period_label": "The year for a whole year, else 'start to end' dates of the partial period",
            "is_preferred": "True for the figure the project uses when documents disagree",
            "choice_note": "Why one document is preferred, when documents disagree; null otherwise",
            "publisher": "Whose figure it is",
            "quoted_in": "The page that quotes it, when not the publisher's own; null otherwise",
            "document_title": "Title of the document the figure was read from",
            "url": "Address of that document",
            "published": "Publication date of the document (the month's first day when known to the month only)",
            "published_precision": "'day' or 'month' (publication date known to the month only)",
            "read_on": "Date the figure was read from the document (accessed)",
            "citation": "Citation to show with the figure: publisher, document, address, publication and access dates",
            "source_file": "Stored snapshot of figures.csv the row comes from",
        },
    },
}

_attempts = curated_table(
    "central_med_attempts_yearly",
    [ROUTE_MORTALITY, PUBLISHED_FIGURES],
    ["year"],
    DOCS["central_med_attempts_yearly"],
)
_proxies = curated_table(
    "proxy_indicators_yearly", [ILLEGALLY_PRESENT, ROUTE_MONTHLY], ["indicator_source", "area", "year"],
    DOCS["proxy_indicators_yearly"],
)  # fmt: skip
_mix = curated_table(
    "frontex_nationality_mix_yearly", [DETECTIONS_MONTHLY], ["year", "nationality_key"],
    DOCS["frontex_nationality_mix_yearly"],
)  # fmt: skip

_departures = curated_table(
    "departures_by_country_yearly", [PUBLISHED_FIGURES], ["figure_id"], DOCS["departures_by_country_yearly"],
)  # fmt: skip

ASSETS = [_attempts[0], _proxies[0], _mix[0], _departures[0]]
CHECKS = [_attempts[1], _proxies[1], _mix[1], _departures[1]]
