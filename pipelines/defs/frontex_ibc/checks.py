"""Checks on staging.stg_frontex_ibc__detections: a Great Expectations suite (blocking) and warn-only checks for
route, nationality and border-type labels the mapping files do not know."""

from pipelines.defs.frontex_ibc.assets import STAGING_KEY
from pipelines.defs.frontex_ibc.labels import KINDS
from pipelines.lib.checks import gx_suite_check, unknown_values_check
from pipelines.lib.gx_runner import Expectation
from pipelines.lib.vintages import vintage_check

FIRST_MONTH = 20090101  # both layouts start in January 2009
# The busiest month on any route (Eastern Mediterranean, October 2015) had about 200,000 detections.
MAX_MONTHLY_DETECTIONS = 1_000_000

FRAME = """
select source_file, route, border_type, nationality_kind, detections, is_preferred,
       concat_ws('|', source_file, route, border_type, nationality_key, month) as cell_key,
       case when is_preferred then concat_ws('|', route, border_type, nationality_key, month) end as preferred_key,
       cast(strftime(month, '%Y%m%d') as integer) as month_yyyymmdd,
       cast(strftime(month, '%Y%m%d') as integer)
           <= cast(strftime(coalesce(release_date, current_date), '%Y%m%d') as integer) as month_before_release
from staging.stg_frontex_ibc__detections
"""


def _expectations(con) -> list[Expectation]:  # noqa: ANN001, ARG001
    return [
        Expectation("ExpectColumnValuesToBeUnique", {"column": "cell_key"}),
        Expectation("ExpectColumnValuesToBeUnique", {"column": "preferred_key"}),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "route"}),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "is_preferred"}),
        Expectation(
            "ExpectColumnValuesToBeInSet", {"column": "nationality_kind", "value_set": [*KINDS, "unmapped"]}
        ),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "detections", "min_value": 0, "max_value": MAX_MONTHLY_DETECTIONS},
        ),
        Expectation("ExpectColumnValuesToBeBetween", {"column": "month_yyyymmdd", "min_value": FIRST_MONTH}),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "month_before_release", "value_set": [True]}),
    ]


detections_suite = gx_suite_check(
    STAGING_KEY,
    "gx_detections_suite",
    FRAME,
    _expectations,
    "One row per workbook, route, border type, nationality and month, and one preferred row per route, border "
    "type, nationality and month; counts non-negative and plausible; months from January 2009 to the workbook's "
    "'data as of' date; every row has a route and a nationality kind.",
)

known_labels = unknown_values_check(
    STAGING_KEY,
    "known_labels",
    """
    select 'route', route_published, count(*) from staging.stg_frontex_ibc__detections
    where route_mapping = 'unmapped' group by 2
    union all
    select 'nationality', nationality_published, count(*) from staging.stg_frontex_ibc__detections
    where nationality_mapping = 'unmapped' group by 2
    union all
    select 'border_type', border_type, count(*) from staging.stg_frontex_ibc__detections
    where border_type not in ('Sea', 'Land') group by 2
    order by 1, 2
    """,
    "Every route label is in route_labels.csv, every nationality label maps to ISO3 or a named category "
    "(nationality_labels.csv, country_converter), every border type is Sea or Land; unknown labels stay in the "
    "data as published.",
)

# Vintages: a workbook covers months of every route; a cell is a route and border type in a month, its value the
# detections of every nationality (the 2018 layout's "Other and stateless" and "Not specified" are broken down
# differently later: a nationality row that goes is not a loss), its records the nationality rows.
VINTAGE_CELLS = """
select source_file, vintage_rank as r, 'all' as scope, route || ' | ' || border_type as k, month as p,
    sum(detections)::bigint as v, count(*) as n
from staging.stg_frontex_ibc__detections
group by all
"""
vintage_plausible = vintage_check(STAGING_KEY, "frontex_ibc", VINTAGE_CELLS, "detections")

CHECKS = [detections_suite, vintage_plausible, known_labels]
