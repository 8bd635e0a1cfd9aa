"""Great Expectations suite on staging.stg_eurostat_thb__observations (blocking), and warn-only checks for codes
the configuration does not know and configured datasets that have no snapshot."""

import datetime as dt

import dagster as dg

from pipelines.defs.eurostat_thb import config
from pipelines.defs.eurostat_thb.assets import STAGING_KEY
from pipelines.defs.eurostat_thb.stage import RAW_TABLE
from pipelines.lib.checks import recorded_check, validate
from pipelines.lib.gx_runner import Expectation
from pipelines.lib.vintages import PUBLISHED, vintage_check
from pipelines.lib.warehouse import Warehouse

FIRST_YEAR = 2008  # the crim_thb statistics start in 2008
# The EU total of registered victims is about ten thousand a year; a count a hundred times larger is an error.
MAX_PLAUSIBLE_COUNT = 1_000_000
STATUSES = ["published", "confidential", "not available"]

FRAME = """
select dataset, geo, indicator, year, value, value_status,
       concat_ws('|', dataset, series_key, year) as observation_key,
       case value_status
           when 'published' then value is not null and not is_suppressed
           when 'confidential' then value is null and is_suppressed
           when 'not available' then value is null and not is_suppressed
       end as value_consistent
from staging.stg_eurostat_thb__observations
"""


def expectations(last_year: int) -> list[Expectation]:
    def between(column: str, low: int, high: int) -> Expectation:
        return Expectation(
            "ExpectColumnValuesToBeBetween", {"column": column, "min_value": low, "max_value": high}
        )

    return [
        Expectation("ExpectColumnValuesToBeUnique", {"column": "observation_key"}),
        Expectation(
            "ExpectColumnValuesToBeInSet", {"column": "dataset", "value_set": list(config.datasets())}
        ),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "geo"}),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "indicator"}),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "value_status", "value_set": STATUSES}),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "value_consistent", "value_set": [True]}),
        between("value", 0, MAX_PLAUSIBLE_COUNT),
        between("year", FIRST_YEAR, last_year),
    ]


@recorded_check(asset=STAGING_KEY, name="gx_observations_suite")
def gx_observations_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """One row per dataset, series and year; configured datasets only; every row has a geo code and an indicator;
    counts non-negative and plausible; value and status agree (a null is confidential or not available, never
    0); years from 2008 to the year of the newest LAST UPDATE."""
    with warehouse.connect() as con:
        updated = con.execute(
            "select max(published) from meta.snapshots_used where raw_table = ?", [RAW_TABLE]
        ).fetchall()[0][0]
        last_year = (updated or dt.date.today()).year
        return validate(
            con,
            STAGING_KEY,
            "gx_observations_suite",
            FRAME,
            expectations(last_year),
            {"last_year": last_year},
        )


@recorded_check(asset=STAGING_KEY, name="known_codes", blocking=False)
def known_codes(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every indicator, category, sex, age and geo code is one datasets.toml (or ISO 3166-1) knows; unknown codes
    warn with the list and stay in the data under their code."""
    with warehouse.connect() as con:
        rows = con.execute(
            "select split_part(note, ': ', 1), split_part(note, ': ', 2), count(*) from "
            "(select unnest(cleaning_notes) as note from staging.stg_eurostat_thb__observations) "
            "where note like 'unknown %' group by 1, 2 order by 1, 2"
        ).fetchall()
    listing: dict[str, list] = {}
    for kind, code, count in rows:
        listing.setdefault(kind.removeprefix("unknown "), []).append({"code": code, "rows": count})
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"unknown": dg.MetadataValue.json(listing)},
    )


@recorded_check(asset=STAGING_KEY, name="datasets_present", blocking=False)
def datasets_present(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every dataset datasets.toml names has a snapshot in this build; a missing one warns (the others are used)."""
    with warehouse.connect() as con:
        loaded = {e for (e,) in con.execute(
            "select entity from meta.snapshots_used where raw_table = ?", [RAW_TABLE]
        ).fetchall()}  # fmt: skip
    missing = [code for code in config.datasets() if code not in loaded]
    return dg.AssetCheckResult(
        passed=not missing,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"loaded": dg.MetadataValue.json(sorted(loaded)), "missing": dg.MetadataValue.json(missing)},
    )


# Vintages: staging keeps the newest file of each dataset; the one it replaces is the published database's. A
# dataset's file is compared with the published one (when another file) over the series and years both give.
VINTAGE_CELLS = f"""
with in_use_and_published as (
    select dataset, source_file, 0 as side, series_key, year, value
    from staging.stg_eurostat_thb__observations
    union all
    select dataset, source_file, 1 as side, series_key, year, value
    from {PUBLISHED}.staging.stg_eurostat_thb__observations
    where source_file not in (select source_file from staging.stg_eurostat_thb__observations)
)
select source_file, 2 * dense_rank() over (order by dataset) - 1 + side as r, dataset as scope,
    series_key as k, year as p, value as v, 1 as n
from in_use_and_published
"""
vintage_plausible = vintage_check(
    STAGING_KEY, "eurostat_thb", VINTAGE_CELLS, "registered victims",
    published_table="staging.stg_eurostat_thb__observations",
)  # fmt: skip

CHECKS = [gx_observations_suite, vintage_plausible, known_codes, datasets_present]
