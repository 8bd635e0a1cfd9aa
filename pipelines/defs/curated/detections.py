"""Frontex detections of illegal border-crossing: by route, border type, nationality and month; route totals by
month; revisions between workbooks; and the Central Mediterranean detections set against sea arrivals."""

import dagster as dg

from pipelines.defs.curated.tables import curated_table

FRONTEX = dg.AssetKey(["staging", "stg_frontex_ibc__detections"])
DETECTIONS_MONTHLY = dg.AssetKey(["curated", "frontex_detections_monthly"])
ROUTE_MONTHLY = dg.AssetKey(["curated", "frontex_route_monthly"])
SEA_ARRIVALS_YEARLY = dg.AssetKey(["curated", "sea_arrivals_yearly"])

DETECTIONS_NOT_PERSONS = (
    "Frontex counts detections of illegal border-crossing between border crossing points at the external borders, "
    "not persons: one person can be detected more than once (Frontex, Notes sheet)."
)
PREFERRED = (
    "Each month is read from one workbook, the newest vintage covering it ('data as of' date in the Notes sheet), "
    "never added across workbooks."
)
SOURCE_COLUMNS = {
    "release_date": "Frontex 'data as of' date of the workbook the figure comes from (Notes sheet)",
    "source_file": "Stored Frontex workbook the figure comes from (data/raw/frontex_ibc/)",
}

DOCS = {
    "frontex_detections_monthly": {
        "comment": (
            "One row per route, border type (Sea, Land), nationality and month: Frontex monthly detections of "
            "illegal border-crossing (sheet Detections_of_IBC). "
            + PREFERRED
            + " "
            + DETECTIONS_NOT_PERSONS
            + " "
            "Nationalities are ISO3 codes where the label names a country; Unknown, Not specified, Stateless, "
            "Other and stateless, Unspecified sub-Saharan nationals and Third-country are kept as named "
            "categories (nationality_kind 'not_a_country'), Kosovo* and Palestine^ as Frontex designates them "
            "('designation'). A null is an empty cell (not reported); 0 is a reported zero."
        ),
        "columns": {
            "route": "Frontex route, one name across layouts (route_labels.csv: 'Central Mediterranean Route' and "
            "'Central Mediterranean' are 'Central Mediterranean')",
            "border_type": "Sea or Land, as Frontex publishes it",
            "nationality_key": "ISO3 of the nationality, or the name of the category for a label that is not a country",
            "nationality": "ISO 3166 name of the country, or the category (Unknown, Stateless, Kosovo* …)",
            "nationality_iso3": "ISO 3166-1 alpha-3; null for a category that is not a country, a designation or an "
            "unmapped label",
            "nationality_kind": "country, not_a_country (unknown, stateless, unspecified), designation (Kosovo*, "
            "Palestine^) or unmapped",
            "nationality_published": "The nationality label as the workbook publishes it",
            "month": "First day of the calendar month",
            "detections": "Detections of illegal border-crossing in the month; null when the cell is empty (not "
            "reported)",
            "detections_published": "The cell as published (text); null when empty",
            **SOURCE_COLUMNS,
            "source_row": "Sheet row of the figure in that workbook",
            "source_column": "Sheet column letter of the month in that workbook",
        },
    },
    "frontex_route_monthly": {
        "comment": (
            "One row per route and month the preferred Frontex workbook covers: detections summed over every "
            "nationality row (unknown and unspecified categories included) and border type, and by border type. "
            + PREFERRED
            + " "
            + DETECTIONS_NOT_PERSONS
            + " A border type with no row on the route is null (not reported), never 0; a sum with an empty cell "
            "is null (cells_not_reported)."
        ),
        "columns": {
            "route": "Frontex route (route_labels.csv)",
            "month": "First day of the calendar month",
            "detections": "Detections on the route in the month, all nationalities and border types; null when a "
            "cell is empty (is_complete false)",
            "detections_sea": "Detections at sea borders; null when the route has no Sea row or a Sea cell is empty",
            "detections_land": "Detections at land borders; null when the route has no Land row or a Land cell is empty",
            "detections_nationality_not_a_country": "Detections whose nationality is a category or designation "
            "(Unknown, Stateless, Kosovo* …); null when a cell is empty",
            "nationalities_detected": "Nationality keys with at least one detection in the month",
            "cells": "Published cells summed (one per nationality row and border type)",
            "cells_not_reported": "Empty cells among them",
            "is_complete": "True when every cell is reported (cells_not_reported = 0)",
            **SOURCE_COLUMNS,
            "first_source_row": "First sheet row of the route's rows in that workbook",
            "last_source_row": "Last sheet row of the route's rows in that workbook",
            "source_column": "Sheet column letter of the month in that workbook",
        },
    },
    "frontex_ibc_revisions": {
        "comment": (
            "One row per pair of Frontex workbooks consecutive in vintage, route, border type, nationality and month "
            "both cover, where the later workbook changed the figure ('changed'), has a row the earlier lacks "
            "('added') or lacks one the earlier has ('removed'). Labels are compared after mapping, so a renamed "
            "route or nationality is not a revision. Empty when the raw store holds one workbook. "
            + DETECTIONS_NOT_PERSONS
        ),
        "columns": {
            "earlier_file": "Stored workbook of the earlier vintage",
            "earlier_release": "'Data as of' date of the earlier workbook",
            "later_file": "Stored workbook of the later vintage",
            "later_release": "'Data as of' date of the later workbook",
            "route": "Frontex route (route_labels.csv)",
            "border_type": "Sea or Land",
            "nationality_key": "ISO3, or the category name for a label that is not a country",
            "nationality": "ISO 3166 name or category, as the later workbook names it (the earlier for 'removed')",
            "month": "First day of the calendar month",
            "change": "changed, added or removed",
            "earlier_detections": "Figure in the earlier workbook; null when it has no row ('added') or the cell is empty",
            "later_detections": "Figure in the later workbook; null when it has no row ('removed') or the cell is empty",
            "difference": "later_detections - earlier_detections; null when either is null",
            "earlier_nationality_published": "Nationality label in the earlier workbook; null for 'added'",
            "later_nationality_published": "Nationality label in the later workbook; null for 'removed'",
            "earlier_source_row": "Sheet row in the earlier workbook; null for 'added'",
            "earlier_source_column": "Sheet column letter in the earlier workbook; null for 'added'",
            "later_source_row": "Sheet row in the later workbook; null for 'removed'",
            "later_source_column": "Sheet column letter in the later workbook; null for 'removed'",
        },
    },
    "frontex_central_med_reconciliation": {
        "comment": (
            "One row per calendar year the preferred Frontex workbooks cover: Frontex detections on the Central "
            "Mediterranean route (Italy and Malta sea borders) against sea arrivals to Italy and Malta "
            "(curated.sea_arrivals_yearly, a publisher's annual total where one exists). These are detections, not "
            "persons: "
            + DETECTIONS_NOT_PERSONS
            + " Arrivals count persons registered on landing. The difference "
            "and ratio are published only for a year the detections cover completely and Italy's arrivals are "
            "complete (else null with comparison_null_reason); Malta is added only for a year it reports "
            "completely (comparison_includes)."
        ),
        "columns": {
            "year": "Calendar year",
            "detections": "Frontex Central Mediterranean detections summed over the months covered (all 12 when "
            "detections_is_complete; else a partial year to detections_covered_to); null when a month has an "
            "empty cell",
            "detection_months_covered": "Months of the year a preferred Frontex workbook covers",
            "detections_is_complete": "True when all 12 months are covered and fully reported",
            "detections_covered_to": "First day of the last month the detections cover",
            "arrivals_italy": "Sea arrivals to Italy for the year (curated.sea_arrivals_yearly); partial when "
            "arrivals_italy_is_complete is false; null when not reported",
            "arrivals_italy_is_complete": "True when Italy's figure covers 1 January to 31 December",
            "arrivals_malta": "Sea arrivals to Malta (UNHCR); null when not reported",
            "arrivals_malta_is_complete": "True when Malta's figure covers the whole year",
            "arrivals_compared": "Arrivals the detections are set against: Italy + Malta when both are complete, Italy "
            "only when Malta is not; null when Italy is not complete",
            "comparison_includes": "'Italy + Malta' or 'Italy only (Malta not reported for the whole year)'; null when "
            "Italy is not complete",
            "detections_minus_arrivals": "detections - arrivals_compared, only when detections_is_complete and "
            "arrivals_italy_is_complete; else null (comparison_null_reason)",
            "detections_per_arrival": "detections / arrivals_compared, under the same condition; else null",
            "comparison_null_reason": "Why the comparison is null (detections partial, Italy not reported or partial); "
            "null when it is published",
            "arrivals_italy_source": "Publisher of Italy's figure (italy_moi or unhcr_odp); null when not reported",
            "arrivals_italy_basis": "What Italy's figure is (curated.sea_arrivals_yearly.basis); null when not reported",
            "detections_release_date": "Latest 'data as of' date of the Frontex workbooks feeding the year",
            "detections_source_files": "Stored Frontex workbooks feeding the year",
        },
    },
}

METADATA = """
select count(*) as months, min(month)::varchar as first_month, max(month)::varchar as last_month,
       count(distinct source_file) as workbooks_used
from curated.frontex_route_monthly
"""

_detections = curated_table(
    "frontex_detections_monthly", [FRONTEX], ["route", "border_type", "nationality_key", "month"],
    DOCS["frontex_detections_monthly"],
)  # fmt: skip
_routes = curated_table(
    "frontex_route_monthly",
    [FRONTEX],
    ["route", "month"],
    DOCS["frontex_route_monthly"],
    extra_metadata=METADATA,
)
_revisions = curated_table(
    "frontex_ibc_revisions", [FRONTEX],
    ["earlier_file", "later_file", "route", "border_type", "nationality_key", "month"],
    DOCS["frontex_ibc_revisions"], allow_empty=True,
)  # fmt: skip
_reconciliation = curated_table(
    "frontex_central_med_reconciliation", [ROUTE_MONTHLY, SEA_ARRIVALS_YEARLY], ["year"],
    DOCS["frontex_central_med_reconciliation"],
)  # fmt: skip

ASSETS = [_detections[0], _routes[0], _revisions[0], _reconciliation[0]]
CHECKS = [_detections[1], _routes[1], _revisions[1], _reconciliation[1]]
