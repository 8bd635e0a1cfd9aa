"""Eurostat third-country nationals found illegally present (migr_eipre), the second proxy indicator beside the
Frontex detections: totals by country and year, and revisions between responses."""

import dagster as dg

from pipelines.defs.curated.tables import curated_table

EIPRE = dg.AssetKey(["staging", "stg_eurostat_eipre__observations"])

DEFINITION = (
    "Eurostat migr_eipre counts third-country nationals found by the authorities to be illegally present on the "
    "territory (at the border or inland) in the year, rounded to the nearest 5: persons found, not entries; the "
    "same person can be counted in several countries or years. A flag is Eurostat's, kept per value (b break in "
    "time series, d definition differs, p provisional, e estimated, c confidential, ':' not available)."
)

DOCS = {
    "illegally_present_yearly": {
        "comment": (
            "One row per reporting country (or EU aggregate) and year: third-country nationals found to be illegally "
            "present, all reasons and places of apprehension, every citizenship, sex and age (migr_eipre TOTAL), "
            "from the preferred response of each observation (newest vintage having it). "
            + DEFINITION
            + " A year "
            "the responses do not list has no row; a listed cell without a value is null with its flag, never 0."
        ),
        "columns": {
            "geo": "Eurostat geo code (IT, MT, EL, EU27_2020 …)",
            "geo_level": "country, aggregate (EU) or unknown (a code neither ISO 3166 nor the configuration knows)",
            "geo_name": "Name of the geo as the response labels it",
            "country_iso3": "ISO 3166-1 alpha-3; null for aggregates and unknown codes",
            "year": "Reference year",
            "found_illegally_present": "Third-country nationals found illegally present; null when Eurostat gives "
            "a flag without a value (value_status)",
            "value_status": "published, confidential (flag c) or not available",
            "flag": "Eurostat's flag of the value as published (b, d, p, e, c, ':'); null when the value is unflagged",
            "flag_label": "The response's label of the flag (e.g. 'break in time series'); null when unflagged",
            "dataset_updated": "Eurostat's last update of the dataset as the response states it (`updated`)",
            "structure_version": "Version of the dataset's data structure (extension.datastructure.version)",
            "source_file": "Stored response the value comes from (data/raw/eurostat_eipre/)",
            "source_path": 'JSON path of the value in that response (value["169"])',
        },
    },
    "eurostat_eipre_revisions": {
        "comment": (
            "One row per pair of migr_eipre responses consecutive in vintage and observation both have, whose value "
            "or flag differs ('value changed', 'flag changed'). An observation only one response has is not a "
            "revision (responses can be different selections) and is left out. Empty when one response is loaded "
            "or nothing changed. " + DEFINITION
        ),
        "columns": {
            "earlier_file": "Stored response of the earlier vintage",
            "earlier_updated": "Eurostat's `updated` of the earlier response",
            "later_file": "Stored response of the later vintage",
            "later_updated": "Eurostat's `updated` of the later response",
            "observation_key": "geo|year|reason|place of apprehension|citizenship|sex|age|unit codes",
            "geo": "Eurostat geo code",
            "year": "Reference year",
            "reason_code": "Reason code (TOTAL, ENTRY_NLEG, OSTAY, OTH); null when the response has no reason dimension",
            "apprehension_code": "Place of apprehension code (TOTAL, BRD_EXT, INL …); null when the response has none",
            "change": "value changed or flag changed",
            "earlier_value": "Value in the earlier response; null when it gives a flag only",
            "later_value": "Value in the later response; null when it gives a flag only",
            "difference": "later_value - earlier_value; null when either is null",
            "earlier_flag": "Flag in the earlier response; null when unflagged",
            "later_flag": "Flag in the later response; null when unflagged",
            "earlier_source_path": "JSON path in the earlier response",
            "later_source_path": "JSON path in the later response",
        },
    },
}

_totals = curated_table(
    "illegally_present_yearly", [EIPRE], ["geo", "year"], DOCS["illegally_present_yearly"]
)
_revisions = curated_table(
    "eurostat_eipre_revisions", [EIPRE], ["earlier_file", "later_file", "observation_key"],
    DOCS["eurostat_eipre_revisions"], allow_empty=True,
)  # fmt: skip

ASSETS = [_totals[0], _revisions[0]]
CHECKS = [_totals[1], _revisions[1]]
