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
            "One row per incident of the IOM Missing Migrants Project snapshot that feeds the incident's month "
            "(curated.mmp_coverage_monthly: several snapshots combine by what each covers, the newest vintage "
            "covering a month wins); incidents with no year or month come from the snapshot feeding the most "
            "months. Incidents filed under several routes have route 'Multiple routes'. " + MMP_CAVEAT
        ),
        "columns": {
            "incident_id": "Publisher's incident id (merged records list several ids, comma-separated)",
            "incident_date": "Date of the incident (or of its report, in the 2020-2021 portal layouts); null when not published or impossible (see staging cleaning_notes)",
            "year": "Incident year as published (taken from the date when the publisher left it blank); null when neither is published",
            "month": "Incident month 1-12 (taken from the date when left blank); null when neither is published",
            "region": "Region of incident, current IOM label (first value when several); null when not published",
            "route": "Migration route, current IOM label; 'Multiple routes' when the publisher lists several; null when the publisher gives none",
            "routes": "All routes the publisher lists for the incident; null when it lists none",
            "dead": "Number of dead; null when not published (negative published values set null)",
            "missing": "Minimum estimated number of missing; null when not published (negative published values set null)",
            "dead_and_missing": "Total dead and missing as published (derived as dead + missing when not published); null when neither is given",
            "survivors": "Number of survivors; null when not published (or published negative)",
            "country_of_incident": "Country of incident; null in the layouts without the column (2020, 2021, 2026 portal downloads) or when blank",
            "lat": "Latitude (WGS84); null when not published or out of range",
            "lon": "Longitude (WGS84); null when not published or out of range",
            "source_quality": "IOM source quality grade 1-5 (highest listed when several); null when not published",
            "source_file": "Stored raw snapshot the row came from (data/raw/iom_mmp/)",
            "source_row": "Line (CSV) or sheet row (xlsx) of that file",
        },
    },
    "deaths_by_route_month": {
        "comment": (
            "One row per migration route and calendar month: incidents, dead, missing, dead and missing, from "
            "curated.mmp_incidents, for months with at least one incident on the route. A month covered by a "
            "snapshot (curated.mmp_coverage_monthly, days_covered > 0) with no row for a route recorded no "
            "incident there (a real zero); a month no snapshot covers has no row and is not reported (null, "
            "never 0). Incidents without year or month are left out. " + MMP_CAVEAT
        ),
        "columns": {
            "route": "Migration route (current IOM label), 'Multiple routes' or 'Unspecified'",
            "month": "First day of the calendar month of the incidents",
            "incidents": "Number of incident records",
            "dead": "Sum of dead; null when no incident of the month gives a number of dead",
            "missing": "Sum of minimum estimated missing; null when no incident of the month gives a number missing",
            "dead_and_missing": "Sum of dead and missing",
            "source_file": "Stored Missing Migrants snapshot that feeds this month (curated.mmp_coverage_monthly)",
            "days_covered": "Days of the month that snapshot covers (fewer than days_in_month: a partial month)",
            "days_in_month": "Days in the calendar month",
            "is_complete": "True when the snapshot covers every day of the month; false: partial, do not compare "
            "with complete months",
        },
    },
    "mmp_coverage_monthly": {
        "comment": (
            "One row per calendar month from the first to the last month any Missing Migrants snapshot in use "
            "covers: which snapshot feeds the month and how much of it it covers. A snapshot covers 1 January of "
            "its earliest incident year to its latest incident date. For each month the newest vintage (the "
            "publisher's date for the file, else the extract date in the download's name, else the download date when "
            "it was stated (a live download, --accessed), else the last date its "
            "data cover) among those covering the whole month wins; ties go to the later coverage end, then the "
            "sha256, so the order files were imported in never matters. With no snapshot covering the whole "
            "month, the one covering most of its days feeds it and the month is partial. A month no snapshot "
            "covers has source_file null and days_covered 0: its dead and missing are not reported (null, "
            "never 0). `--snapshot iom_mmp=FILE` builds from that one file only."
        ),
        "columns": {
            "month": "First day of the calendar month",
            "source_file": "Stored snapshot whose incidents are published for this month; null: no snapshot covers it",
            "original_name": "The chosen snapshot's file name as downloaded or imported; null when no snapshot covers the month",
            "vintage_date": "When the chosen snapshot's figures were current (see vintage_basis); null when none",
            "vintage_basis": "Where vintage_date comes from: the publisher's date, the extract date in the file "
            "name, a stated download date, or the last date the data cover; null when no snapshot covers the month",
            "snapshot_data_from": "First date the chosen snapshot covers (1 January of its earliest incident year); null when none covers the month",
            "snapshot_data_to": "Last date the chosen snapshot covers (its latest incident date); null when none covers the month",
            "days_covered": "Days of the month within the chosen snapshot's coverage; 0 when no snapshot covers it",
            "days_in_month": "Days in the calendar month",
            "is_complete": "True when days_covered = days_in_month; false: partial or not covered (figures for the "
            "month are then a minimum for the days covered, or null)",
            "snapshots_covering": "How many snapshots in use cover at least one day of the month",
            "other_snapshots_covering": "The other snapshots covering part or all of the month, not used for it",
            "choice_reason": "Why source_file was chosen (or that none covers the month)",
        },
    },
    "mmp_vintages": {
        "comment": (
            "One row per Missing Migrants snapshot the build read: layout, the period its incidents cover, its "
            "vintage date and basis, and the months it feeds in curated.mmp_coverage_monthly (0: every month it "
            "covers is covered by a newer or fuller snapshot)."
        ),
        "columns": {
            "source_file": "Stored snapshot name (data/raw/iom_mmp/)",
            "original_name": "File name as downloaded or imported",
            "sha256": "SHA-256 of the stored file",
            "layout": "Publisher layout recognised from the header (pipelines/defs/iom_mmp/columns.csv)",
            "dated_rows": "Incident records with a year (those that can be placed in a month)",
            "data_from": "First date the snapshot covers: 1 January of its earliest incident year",
            "data_to": "Last date the snapshot covers: its latest incident date",
            "vintage_date": "When the snapshot's figures were current (see vintage_basis)",
            "vintage_basis": "The publisher's date for the file, the extract date in its name, the download date when "
            "it was stated, or (none stated) the last date its data cover",
            "months_fed": "Months of curated.mmp_coverage_monthly this snapshot feeds",
            "first_month_fed": "First month it feeds; null when it feeds none",
            "last_month_fed": "Last month it feeds; null when it feeds none",
            "partial_months_fed": "Months it feeds that it covers only partly",
        },
    },
    "dead_missing_by_incident_country_yearly": {
        "comment": (
            "One row per incident year, country of incident (or the waters off it) and method, over IOM Missing "
            "Migrants incidents on the Central Mediterranean route (curated.mmp_incidents): dead and missing and "
            "incidents. method says how the country was found: 'reported country' (the snapshot's Country of "
            "Incident, where the vintage has that column), 'nearest coast from coordinates' (for a vintage without "
            "it: the country shape of the vendored world_50m topojson, Natural Earth 1:50m, nearest to the "
            "incident's coordinates, or containing them, plus the Pelagie Islands (Lampedusa, Linosa, Lampione: "
            "Italy), absent at that scale, from pipelines/lib/islands.csv), or null with country 'unknown' "
            "when neither is available: those incidents are counted, not dropped. Shares are published only for a "
            "year Missing Migrants snapshots cover completely. " + MMP_CAVEAT
        ),
        "columns": {
            "year": "Incident year; null for incidents with no year",
            "country": "Country of incident as the snapshot names it, or the nearest coast's country name, or "
            "'unknown' when there is neither a country nor coordinates",
            "country_iso3": "ISO3 of country; null for 'unknown' or a name that maps to no single country",
            "method": "'reported country', 'nearest coast from coordinates', or null when neither was possible",
            "incidents": "Incidents of the route in the year attributed to the country by the method",
            "dead_and_missing": "Their dead and missing (IOM minimum estimates); null when none of them reports a "
            "number",
            "route_dead_and_missing": "Dead and missing on the Central Mediterranean route in the year, all "
            "countries and methods (the denominator of share_percent)",
            "share_percent": "dead_and_missing / route_dead_and_missing x 100, only for a year the Missing Migrants "
            "snapshots cover completely (is_complete); else null",
            "is_complete": "True when the snapshots cover every day of the year (curated.mmp_coverage_monthly)",
            "covered_to": "Last date the snapshots cover in the year; null when none covers it",
            "max_coast_km": "For the nearest-coast method, the largest distance (km) from an incident to the coast "
            "it was attributed to; null for the other methods",
            "source_files": "Stored Missing Migrants snapshots the incidents come from",
        },
    },
}

COVERAGE = dg.AssetKey(["curated", "mmp_coverage_monthly"])
VINTAGES = dg.AssetKey(["curated", "mmp_vintages"])

_coverage = curated_table("mmp_coverage_monthly", [STAGING_KEY], ["month"], DOCS["mmp_coverage_monthly"])
_vintages = curated_table("mmp_vintages", [STAGING_KEY, COVERAGE], ["source_file"], DOCS["mmp_vintages"])
# An incident id is unique within a snapshot; the month choice takes each month from one snapshot only.
_incidents = curated_table(
    "mmp_incidents", [STAGING_KEY, COVERAGE, VINTAGES], ["source_file", "incident_id"], DOCS["mmp_incidents"]
)
_deaths = curated_table(
    "deaths_by_route_month",
    [MMP_INCIDENTS, COVERAGE],
    ["route", "month"],
    DOCS["deaths_by_route_month"],
    extra_metadata="select count(*) as incidents_without_year_or_month_left_out from curated.mmp_incidents "
    "where year is null or month is null",
)


def _incident_places(con) -> None:  # noqa: ANN001
    """Temporary tables for curated.dead_missing_by_incident_country_yearly: the ISO3 of each Country of Incident
    name, and the nearest coast of each distinct pair of coordinates of a route incident without that name."""
    import pandas as pd

    from pipelines.lib.country_names import library_match
    from pipelines.lib.nearest_coast import nearest_coast

    names = [r[0] for r in con.execute(
        "select distinct country_of_incident from curated.mmp_incidents "
        "where route = 'Central Mediterranean' and country_of_incident is not null").fetchall()]  # fmt: skip
    named = pd.DataFrame({"country_of_incident": names, "name_iso3": [library_match(n) for n in names]},
                         columns=["country_of_incident", "name_iso3"])  # fmt: skip
    points = con.execute(
        "select distinct lat, lon from curated.mmp_incidents where route = 'Central Mediterranean' "
        "and country_of_incident is null and lat is not null and lon is not null").fetchall()  # fmt: skip
    rows = []
    for lat, lon in points:
        found = nearest_coast(lat, lon)
        if found is not None:
            rows.append((lat, lon, found[0], COAST_NAMES.get(found[0], found[0]), found[1]))
    places = pd.DataFrame(rows, columns=["lat", "lon", "coast_iso3", "coast_name", "coast_km"])
    places = places.astype({"lat": "float64", "lon": "float64", "coast_km": "float64"})
    con.register("incident_places_frame", places)
    con.register("incident_country_names_frame", named)
    con.execute(
        "create or replace temp table incident_places as select cast(lat as double) as lat, cast(lon as double) as lon, "
        "cast(coast_iso3 as varchar) as coast_iso3, cast(coast_name as varchar) as coast_name, "
        "cast(coast_km as double) as coast_km from incident_places_frame"
    )
    con.execute(
        "create or replace temp table incident_country_names as select cast(country_of_incident as varchar) as "
        "country_of_incident, cast(name_iso3 as varchar) as name_iso3 from incident_country_names_frame"
    )
    con.unregister("incident_places_frame")
    con.unregister("incident_country_names_frame")


COAST_NAMES = {"LBY": "Libya", "TUN": "Tunisia", "ITA": "Italy", "MLT": "Malta", "GRC": "Greece", "DZA": "Algeria",
               "EGY": "Egypt", "TUR": "Türkiye"}  # fmt: skip

_by_country = curated_table(
    "dead_missing_by_incident_country_yearly", [MMP_INCIDENTS, COVERAGE], ["year", "country", "method"],
    DOCS["dead_missing_by_incident_country_yearly"], setup=_incident_places,
)  # fmt: skip

ASSETS = [_coverage[0], _vintages[0], _incidents[0], _deaths[0], _by_country[0]]
CHECKS = [_coverage[1], _vintages[1], _incidents[1], _deaths[1], _by_country[1]]
