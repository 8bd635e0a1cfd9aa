"""The data dictionary of the curated tables: written into DuckDB as COMMENT ON and shown in the Dagster UI."""

from __future__ import annotations

MMP_CAVEAT = (
    "IOM counts are minimum estimates from recorded incidents; many deaths at sea are never recorded. "
    "Licence CC BY-IGO 3.0; cite 'IOM Missing Migrants Project'."
)

TABLES: dict[str, dict] = {
    "validation_results": {
        "comment": (
            "One row per asset check of the last build and per expectation its suite ran. level 'check': one row per "
            "check that ran (Great Expectations suites on the staging tables, key checks on the curated tables, "
            "warn-only checks for unknown labels, reconciliation and publisher inconsistencies) with its severity "
            "and outcome as reported to Dagster; a check that raised is 'failed'. level 'expectation': one row per "
            "expectation of those suites. severity 'error' failures stop publishing; 'warn' failures are "
            "reported and do not. Checks of assets the last build did not rebuild keep their previous result "
            "(in_last_build false, checked_at says when). The check on this table itself is not listed."
        ),
        "columns": {
            "level": "'check' (one row per asset check that ran) or 'expectation' (one row per expectation of its suite)",
            "asset": "Table checked (layer/table)",
            "check_name": "Dagster asset check",
            "suite": "Expectation suite; null on check rows",
            "expectation": "Expectation (Great Expectations class name, or a plain description); null on check rows",
            "kwargs": "The expectation's arguments, as JSON; null on check rows",
            "severity": "error (a failure blocks publishing) or warn (reported, does not block); a check that "
            "raised counts as error",
            "outcome": "passed, failed, or (check rows only) 'not recorded': the check ran but recorded no result "
            "of its own and no expectations, see summary",
            "success": "Whether it passed; null when outcome is 'not recorded'",
            "summary": "Check rows: what the check reported (its description or metadata), or the exception it "
            "raised; null on expectation rows",
            "unexpected_count": "Rows (or values) that failed the expectation; null on check rows and where the "
            "expectation counts none",
            "element_count": "Rows checked; null on check rows and where the expectation does not count rows",
            "checked_at": "When it ran (UTC)",
            "run_id": "Dagster run that ran it (the build)",
            "in_last_build": "True when it ran in the build that made this table; false for results kept from an "
            "earlier build (its source left out or unchanged)",
        },
    },
    "source_snapshots": {
        "comment": (
            "One row per file loaded into a raw table by the last build: the stored file, its sha256, access and publication dates, "
            "the first and last date its data cover, licence and citation. data_label says whether it is real or SAMPLE DATA (synthetic, not for citation)."
        ),
        "columns": {
            "source": "Source key (iom_mmp, unhcr_odp, italy_moi, unodc_glotip, eurostat_thb)",
            "raw_table": "Raw table the file was loaded into",
            "original_name": "File name as downloaded or imported",
            "bytes": "Size of the stored file in bytes",
            "licence": "Licence the publisher gives the data under",
            "citation": "How to cite the source",
            "producer": "Publisher of the data",
            "title": "Title of the dataset",
            "download_url": "Address the file was (or would be) downloaded from; null for a source kept in the "
            "project with no download address (published_figures: each figure carries its own document address)",
            "landing_page_url": "The publisher's page for the dataset",
            "arrival": "How the file entered the raw store: download, import or sample",
            "layout": "Layout the reader recognised (header set, response shape or release format)",
            "loaded_at": "When the build loaded the file (UTC)",
            "file": "Stored snapshot name under data/raw/<source>/",
            "entity": "Which of the source's files it is (a series or a table); 'all' for single-file sources",
            "stands_for": "For a saved API response: the address it came from; null for a downloaded or imported file",
            "sha256": "SHA-256 of the file's bytes",
            "accessed": "Date the file was downloaded or obtained",
            "published": "Publication or release date the file states (null when it states none)",
            "sample": "True for the bundled synthetic demo data",
            "data_label": "'real' or 'SAMPLE DATA — synthetic, not for citation'",
            "rows": "Rows loaded from the file",
            "data_covers_from": "First date the file's data report (over all its series, as staged); null when no "
            "staging table recorded its coverage",
            "data_covers_to": "Last date the file's data report (a monthly series: the last day of its last month; a "
            "yearly one: 31 December of its last year); null when not recorded. Not the publication or access date",
            "coverage_series": "The series whose coverage data_covers_from/to summarise, comma-separated; null "
            "when not recorded",
            "published_basis": "What the published date rests on (e.g. a date in the file); null when none stated",
        },
    },
}
