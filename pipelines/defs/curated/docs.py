"""The data dictionary of the curated tables: written into DuckDB as COMMENT ON and shown in the Dagster UI."""

from __future__ import annotations

MMP_CAVEAT = (
    "IOM counts are minimum estimates from recorded incidents; many deaths at sea are never recorded. "
    "Licence CC BY-IGO 3.0; cite 'IOM Missing Migrants Project'."
)

TABLES: dict[str, dict] = {
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
    "validation_results": {
        "comment": (
            "One row per expectation of every check of the last build: the Great Expectations suites on the staging "
            "tables, the key checks on the curated tables and the warn-only checks (unknown labels, reconciliation). "
            "severity 'error' failures stop publishing; 'warn' failures are reported and do not."
        ),
        "columns": {
            "asset": "Table checked (layer/table)",
            "check_name": "Dagster asset check",
            "suite": "Expectation suite",
            "expectation": "Expectation (Great Expectations class name, or a plain description)",
            "kwargs": "Its arguments, as JSON",
            "success": "Whether it passed",
            "severity": "error (blocks publishing) or warn",
            "unexpected_count": "Rows (or values) that failed it",
            "element_count": "Rows checked",
            "checked_at": "When it ran (UTC)",
        },
    },
    "source_snapshots": {
        "comment": (
            "One row per file loaded into a raw table by the last build: the stored file, its sha256, access and publication dates, "
            "licence and citation. data_label says whether it is real or SAMPLE DATA (synthetic, not for citation)."
        ),
        "columns": {
            "file": "Stored snapshot name under data/raw/<source>/",
            "entity": "Which of the source's files it is (a series or a table); 'all' for single-file sources",
            "stands_for": "For a saved API response: the address it came from",
            "sha256": "SHA-256 of the file's bytes",
            "accessed": "Date the file was downloaded or obtained",
            "published": "Publication or release date the file states (null when it states none)",
            "sample": "True for the bundled synthetic demo data",
            "data_label": "'real' or 'SAMPLE DATA — synthetic, not for citation'",
            "rows": "Rows loaded from the file",
        },
    },
}
