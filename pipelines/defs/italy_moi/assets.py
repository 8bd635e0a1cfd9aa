"""Italian Ministry of the Interior daily landings (onData's CSV conversion): raw loads and staging."""

import dagster as dg

from pipelines.defs.italy_moi.stage import build_staging, load_raw
from pipelines.lib.steps import Declared, asset, one_step
from pipelines.lib.warehouse import Warehouse

GROUP = "italy_moi"
RAW_DAILY = dg.AssetKey(["raw", "italy_moi__sbarchi_per_giorno"])
RAW_NATIONALITY = dg.AssetKey(["raw", "italy_moi__nazionalita"])
RAW_REPORTS = dg.AssetKey(["raw", "italy_moi__anagrafica_report"])
DAILY_KEY = dg.AssetKey(["staging", "stg_italy_moi__daily_landings"])
NATIONALITY_KEY = dg.AssetKey(["staging", "stg_italy_moi__arrivals_by_nationality"])
REPORTS_KEY = dg.AssetKey(["staging", "stg_italy_moi__reports"])

RAW_DOC = """{file} of the newest {entity} snapshot, loaded as published: every cell as text, publisher headers.

Grain: one row per data row of the file; `_source_row` is the file line, `_source_file` the stored snapshot.
The file is recognised by its header ({header}); a renamed or missing column fails the build naming the
columns, and a stored file whose header matches none of the ministry's three files fails it naming the file
and the header found (and is marked rejected).
"""

DAILY_COUNTS = """
select
    count(*) filter (where is_latest_report) as latest_report_rows,
    count(distinct landing_date) filter (where repeats > 1) as repeated_days,
    count(*) filter (where not is_latest_report and landing_date is not null) as superseded_rows,
    count(*) filter (where after_report_date) as future_days_set_null,
    count(*) filter (where landing_date is null) as impossible_dates_set_null,
    count(*) filter (where parse_count(value_published) is null) as non_numeric_values_set_null,
    count(distinct report_date) as reports
from (select *, count(*) over (partition by landing_date) as repeats from staging.stg_italy_moi__daily_landings)
"""

NATIONALITY_COUNTS = """
select
    count(distinct report_date) as reports,
    count(distinct iso2) as nationalities,
    count(*) filter (where is_other) as others_rows,
    count(*) filter (where not is_other and nationality_iso3 is null) as unknown_codes
from staging.stg_italy_moi__arrivals_by_nationality
"""


def _raw(key: dg.AssetKey, entity: str, file: str, header: str) -> Declared:
    @asset(
        key=key,
        group_name=GROUP,
        kinds={"duckdb", "csv"},
        description=RAW_DOC.format(file=file, entity=entity, header=header),
        metadata={"source": "italy_moi", "entity_prefix": entity},
    )
    def _asset(warehouse: Warehouse) -> dg.MaterializeResult:
        return load_raw(warehouse, entity)

    return _asset


raw_daily = _raw(RAW_DAILY, "daily_landings", "sbarchi-per-giorno.csv", "Data,Valore,Note,Fonte,Data_Report")
raw_nationality = _raw(
    RAW_NATIONALITY, "nationality_ytd", "nazionalita.csv", "Data_Report,Nazione,ISO_3166-1,Valore"
)
raw_reports = _raw(RAW_REPORTS, "reports", "anagrafica-report.csv", "Data_Report,URL")


@asset(key=DAILY_KEY, deps=[RAW_DAILY], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_italy_moi__daily_landings(warehouse: Warehouse) -> dg.MaterializeResult:
    """Daily landings in Italy as the ministry's reports list them, typed, from
    sql/staging/stg_italy_moi__daily_landings.sql. Daily figures are provisional (the year-to-date figures by
    nationality are the consolidated ones).

    Grain: one row per record of sbarchi-per-giorno.csv (a landing day as listed by one report).
    A date that is not written YYYY-MM-DD, a report date that is not a calendar date, or any text in Valore
    other than a number, an empty cell or a known extraction artefact fails the build naming file, row and
    column. Judgement calls, each counted in this materialisation's metadata and listed per row in
    `cleaning_notes`:
    - repeated days: the mid-month and month-end reports both list the month's days; every row is kept and
      `is_latest_report` marks the row of the latest report for each landing date (use those);
    - future days: a mid-month report lists the rest of the month as 0; for days after the report date
      `arrivals` is null (`after_report_date` is true), never 0;
    - impossible dates (2024-04-31 and the like, listed by mid-month reports): `landing_date` is null, the
      published text is kept; such rows are never the latest report;
    - an empty value, or an extraction artefact such as `0[VALORE]0` (the allow-list
      pipelines/defs/italy_moi/value_artefacts.csv), gives null `arrivals`.
    The `note` column keeps the report's cut-off (8:00, or 24:00 of the day of reference).
    """
    return dg.MaterializeResult(
        metadata=build_staging(warehouse, "daily_landings", "stg_italy_moi__daily_landings", DAILY_COUNTS)
    )


@asset(key=NATIONALITY_KEY, deps=[RAW_NATIONALITY], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_italy_moi__arrivals_by_nationality(warehouse: Warehouse) -> dg.MaterializeResult:
    """Year-to-date arrivals in Italy by nationality at each report date, typed, from
    sql/staging/stg_italy_moi__arrivals_by_nationality.sql.

    Grain: one row per report date × nationality of nazionalita.csv; the rows of one report (the listed
    nationalities plus "altre", all others) sum to the year's arrivals up to the report date. These are the
    consolidated figures. A count that is not a number, or a code that is not two capital letters (or empty
    outside the "altre" row), fails the build naming file, row and column. Judgement calls, listed per row in
    `cleaning_notes` and counted in this materialisation's metadata: `nationality_iso3` is mapped from the
    ISO 3166-1 alpha-2 code with pycountry; the "altre" row has no code (`is_other`, null ISO codes); a code
    ISO 3166-1 does not know keeps a null `nationality_iso3` and the known-codes check warns with the list.
    """
    return dg.MaterializeResult(
        metadata=build_staging(
            warehouse, "nationality_ytd", "stg_italy_moi__arrivals_by_nationality", NATIONALITY_COUNTS
        )
    )


@asset(key=REPORTS_KEY, deps=[RAW_REPORTS], group_name=GROUP, kinds={"duckdb", "sql"})
def stg_italy_moi__reports(warehouse: Warehouse) -> dg.MaterializeResult:
    """The ministry's reports and the addresses of their PDFs, typed, from sql/staging/stg_italy_moi__reports.sql.

    Grain: one row per record of anagrafica-report.csv. A date that is not a calendar date or an address
    that is not http(s) fails the build naming file, row and column. The list is not complete: some reports
    whose figures are in the other two files have no row here.
    """
    return dg.MaterializeResult(metadata=build_staging(warehouse, "reports", "stg_italy_moi__reports"))


ASSETS = [
    one_step(raw_daily, stg_italy_moi__daily_landings),
    one_step(raw_nationality, stg_italy_moi__arrivals_by_nationality),
    one_step(raw_reports, stg_italy_moi__reports),
]
