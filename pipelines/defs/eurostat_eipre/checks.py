"""Checks on staging.stg_eurostat_eipre__observations: a Great Expectations suite (blocking) and a warn-only check
for geo codes and flags the configuration does not know."""

from pipelines.defs.eurostat_eipre.assets import STAGING_KEY
from pipelines.lib.checks import gx_suite_check, unknown_values_check
from pipelines.lib.gx_runner import Expectation
from pipelines.lib.vintages import vintage_check

FIRST_YEAR = 2008  # migr_eipre starts in 2008
MAX_PLAUSIBLE = 10_000_000  # the EU total peaked at about 2.2 million (2015)

FRAME = """
select source_file, geo, year, value, value_status, is_preferred,
       concat_ws('|', source_file, observation_key) as cell_key,
       case when is_preferred then observation_key end as preferred_key,
       case value_status
           when 'published' then value is not null
           else value is null and flag is not null
       end as value_consistent,
       year <= year(coalesce(try_strptime(updated, '%Y-%m-%dT%H:%M:%S%z'), current_date)) as year_before_update
from staging.stg_eurostat_eipre__observations
"""


def _expectations(con) -> list[Expectation]:  # noqa: ANN001, ARG001
    return [
        Expectation("ExpectColumnValuesToBeUnique", {"column": "cell_key"}),
        Expectation("ExpectColumnValuesToBeUnique", {"column": "preferred_key"}),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "geo"}),
        Expectation("ExpectColumnValuesToBeBetween", {"column": "year", "min_value": FIRST_YEAR}),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "year_before_update", "value_set": [True]}),
        Expectation("ExpectColumnValuesToBeBetween", {"column": "value", "min_value": 0, "max_value": MAX_PLAUSIBLE}),
        Expectation("ExpectColumnValuesToBeInSet",
                    {"column": "value_status", "value_set": ["published", "confidential", "not available"]}),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "value_consistent", "value_set": [True]}),
    ]  # fmt: skip


observations_suite = gx_suite_check(
    STAGING_KEY,
    "gx_observations_suite",
    FRAME,
    _expectations,
    "One row per response and cell, one preferred row per observation; counts non-negative and plausible; a "
    "null value always carries a flag; years from 2008 to the year of the dataset's last update.",
)

known_codes = unknown_values_check(
    STAGING_KEY,
    "known_codes",
    """
    select split_part(note, ': ', 1), split_part(note, ': ', 2), count(*)
    from (select unnest(cleaning_notes) as note from staging.stg_eurostat_eipre__observations)
    where note like 'unknown %' group by 1, 2 order by 1, 2
    """,
    "Every geo code is ISO 3166-1 or a configured aggregate and every flag one Eurostat documents; unknown ones "
    "stay in the data as published.",
)

# Vintages: a response is a query of some series (the totals response holds TOTAL/TOTAL only), so what two
# responses both cover is a series (observation key) and a year; a value that turns ':' (not available) vanishes.
VINTAGE_CELLS = """
select source_file, vintage_rank as r, observation_key as scope, observation_key as k, year as p,
    value::bigint as v, 1 as n
from staging.stg_eurostat_eipre__observations
"""
vintage_plausible = vintage_check(
    STAGING_KEY, "eurostat_eipre", VINTAGE_CELLS, "persons found illegally present"
)

CHECKS = [observations_suite, vintage_plausible, known_codes]
