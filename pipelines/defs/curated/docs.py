"""The data dictionary of the curated tables: written into DuckDB as COMMENT ON and shown in the Dagster UI."""

from __future__ import annotations

MMP_CAVEAT = (
    "IOM counts are minimum estimates from recorded incidents; many deaths at sea are never recorded. "
    "Licence CC BY-IGO 3.0; cite 'IOM Missing Migrants Project'."
)

TABLES: dict[str, dict] = {
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
