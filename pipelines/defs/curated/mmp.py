"""Curated tables from the IOM Missing Migrants Project: the incidents of the snapshots in use, dead and missing
by route and month, and which snapshot feeds which month."""

import dagster as dg

from pipelines.defs.curated.docs import MMP_CAVEAT
from pipelines.defs.curated.tables import curated_table
from pipelines.defs.iom_mmp.assets import STAGING_KEY

MMP_INCIDENTS = dg.AssetKey(["curated", "mmp_incidents"])
DEATHS_BY_ROUTE_MONTH = dg.AssetKey(["curated", "deaths_by_route_month"])

DOCS: dict[str, dict] = {
    "mmp_incidents": {
        "comment": (
            "One row per incident of the IOM Missing Migrants Project snapshot in use (see curated.source_snapshots). "
            "Incidents filed under several routes have route 'Multiple routes'. " + MMP_CAVEAT
        ),
        "columns": {
            "incident_id": "Publisher's incident id (merged records list several ids, comma-separated)",
            "incident_date": "Date of the incident (or of its report, in the 2020-2021 portal layouts)",
            "year": "Incident year as published (taken from the date when the publisher left it blank)",
            "month": "Incident month 1-12",
            "region": "Region of incident, current IOM label (first value when several)",
            "route": "Migration route, current IOM label; 'Multiple routes' when the publisher lists several",
            "routes": "All routes the publisher lists for the incident",
            "dead": "Number of dead (negative published values set null)",
            "missing": "Minimum estimated number of missing (negative published values set null)",
            "dead_and_missing": "Total dead and missing as published (derived as dead + missing when not published)",
            "survivors": "Number of survivors",
            "country_of_incident": "Country of incident (2025 export layout only)",
            "lat": "Latitude (WGS84); null when not published or out of range",
            "lon": "Longitude (WGS84); null when not published or out of range",
            "source_quality": "IOM source quality grade 1-5 (highest listed when several)",
            "source_file": "Stored raw snapshot the row came from (data/raw/iom_mmp/)",
            "source_row": "Line (CSV) or sheet row (xlsx) of that file",
        },
    },
    "deaths_by_route_month": {
        "comment": (
            "One row per migration route and calendar month: incidents, dead, missing, dead and missing, from "
            "curated.mmp_incidents. Incidents without year or month are left out. " + MMP_CAVEAT
        ),
        "columns": {
            "route": "Migration route (current IOM label), 'Multiple routes' or 'Unspecified'",
            "month": "First day of the calendar month of the incidents",
            "incidents": "Number of incident records",
            "dead": "Sum of dead",
            "missing": "Sum of minimum estimated missing",
            "dead_and_missing": "Sum of dead and missing",
        },
    },
}

_incidents = curated_table("mmp_incidents", [STAGING_KEY], ["incident_id"], DOCS["mmp_incidents"])
_deaths = curated_table(
    "deaths_by_route_month",
    [MMP_INCIDENTS],
    ["route", "month"],
    DOCS["deaths_by_route_month"],
    extra_metadata="select count(*) as incidents_without_year_or_month_left_out from curated.mmp_incidents "
    "where year is null or month is null",
)

ASSETS = [_incidents[0], _deaths[0]]
CHECKS = [_incidents[1], _deaths[1]]
