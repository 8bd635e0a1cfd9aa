"""Checks on the UNHCR staging tables: GX suites (blocking) and unknown codes (warn)."""

from pipelines.defs.unhcr_odp.assets import STG_ARRIVALS, STG_NATIONALITY
from pipelines.lib.checks import gx_suite_check, unknown_values_check
from pipelines.lib.gx_runner import Expectation
from pipelines.lib.vintages import vintage_check

COVERAGE_START = 20140101
MAX_MONTHLY_ARRIVALS = 1_000_000  # the busiest month on record (Greece, October 2015) had about 211,000


def _coverage_end(con, raw_table: str) -> int:  # noqa: ANN001
    end = con.execute(
        "select max(greatest(accessed, coalesce(published, accessed))) from meta.snapshots_used where raw_table = ?",
        [raw_table],
    ).fetchall()[0][0]
    return int(end.strftime("%Y%m%d"))


def _arrivals_suite(con) -> list[Expectation]:  # noqa: ANN001
    end = _coverage_end(con, "raw.unhcr_odp__timeseries")
    return [
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "arrivals"}),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "arrivals", "min_value": 0, "max_value": MAX_MONTHLY_ARRIVALS},
        ),
        Expectation("ExpectColumnValuesToBeUnique", {"column": "preferred_key"}),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "period_start"}),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "month_yyyymmdd", "min_value": COVERAGE_START, "max_value": end},
        ),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "frequency", "value_set": ["month", "day"]}),
    ]


def _nationality_suite(con) -> list[Expectation]:  # noqa: ANN001
    end = _coverage_end(con, "raw.unhcr_odp__origin")
    return [
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "arrivals"}),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "arrivals", "min_value": 0, "max_value": MAX_MONTHLY_ARRIVALS},
        ),
        Expectation("ExpectColumnValuesToBeUnique", {"column": "preferred_key"}),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "month_yyyymmdd", "min_value": COVERAGE_START, "max_value": end},
        ),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "origin_code"}),
    ]


arrivals_suite = gx_suite_check(
    STG_ARRIVALS,
    "gx_arrivals_suite",
    """
    select *,
        case when is_preferred then concat_ws('|', geo_id, population_group, frequency, period_start) end as preferred_key,
        case when frequency = 'month' then cast(strftime(period_start, '%Y%m%d') as integer) end as month_yyyymmdd
    from staging.stg_unhcr_odp__arrivals
    """,
    _arrivals_suite,
    "Counts present, non-negative and plausible; one preferred value per country, type, frequency and period; "
    "months within the coverage (2014-01 to the snapshot's date).",
)

nationality_suite = gx_suite_check(
    STG_NATIONALITY,
    "gx_nationality_suite",
    """
    select *,
        case when is_preferred then concat_ws('|', destination_iso3, origin_code, month) end as preferred_key,
        cast(strftime(month, '%Y%m%d') as integer) as month_yyyymmdd
    from staging.stg_unhcr_odp__arrivals_by_nationality
    """,
    _nationality_suite,
    "Counts present and non-negative; one preferred value per destination, nationality and month; months in coverage.",
)

known_series = unknown_values_check(
    STG_ARRIVALS,
    "known_countries_and_groups",
    """
    select 'geo_id', geo_id, count(*) from staging.stg_unhcr_odp__arrivals where country_iso3 is null group by 2
    union all
    select 'population_group', population_group, count(*) from staging.stg_unhcr_odp__arrivals
    where arrival_type is null and population_group <> '' group by 2
    order by 1, 2
    """,
    "Every geo id and population group is in geo_ids.csv / population_groups.csv.",
)

known_codes = unknown_values_check(
    STG_NATIONALITY,
    "known_origin_codes",
    """
    select 'origin_code', origin_code || ' (' || origin_name || ')', count(*)
    from staging.stg_unhcr_odp__arrivals_by_nationality
    where list_contains(list_transform(cleaning_notes, lambda n: split_part(n, ':', 1)), 'unknown origin code')
       or list_contains(list_transform(cleaning_notes, lambda n: split_part(n, ':', 1)),
                        'origin name differs from the code list')
    group by 2 order by 2
    """,
    "Every UNHCR origin code is in origin_codes.csv with the same country name.",
)

# Vintages: each response is one time series (country, arrival type, population group, frequency); two responses
# of the same series, fetched on different days, are compared over the periods both give.
VINTAGE_CELLS = """
select source_file, dense_rank() over (order by snapshot_accessed desc, source_file desc) as r,
    concat_ws(' | ', country_iso3, arrival_type, population_group, frequency) as scope,
    concat_ws(' | ', country_iso3, arrival_type, population_group, frequency) as k,
    period_start as p, arrivals::bigint as v, 1 as n
from staging.stg_unhcr_odp__arrivals
"""
vintage_plausible = vintage_check(STG_ARRIVALS, "unhcr_odp", VINTAGE_CELLS, "arrivals")

CHECKS = [arrivals_suite, vintage_plausible, nationality_suite, known_series, known_codes]
