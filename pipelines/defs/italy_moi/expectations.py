"""The Great Expectations suites run on the italy_moi staging tables, and the frames they run on."""

from __future__ import annotations

import csv

from pipelines.defs.italy_moi.source import HERE
from pipelines.lib.gx_runner import Expectation

COVERAGE_START = "2019-09-01"  # the first day the community conversion covers
# The busiest days on record (September 2023) saw a few thousand landings; ten times that is a data error.
MAX_DAILY = 50_000
# Italy's busiest year since 2014 counted about 181,000 sea arrivals.
MAX_YEAR_TO_DATE = 1_000_000


def yyyymmdd(iso: str) -> int:
    return int(iso.replace("-", ""))


def _in_coverage(column: str, end: str) -> Expectation:
    return Expectation(
        "ExpectColumnValuesToBeBetween",
        {"column": column, "min_value": yyyymmdd(COVERAGE_START), "max_value": yyyymmdd(end)},
    )


def _not_null(column: str) -> Expectation:
    return Expectation("ExpectColumnValuesToNotBeNull", {"column": column})


def daily_expectations(end: str) -> list[Expectation]:
    return [
        *(_not_null(c) for c in ("report_date", "is_latest_report", "after_report_date", "source_row")),
        Expectation(
            "ExpectColumnValuesToBeBetween", {"column": "arrivals", "min_value": 0, "max_value": MAX_DAILY}
        ),
        Expectation("ExpectColumnValuesToBeUnique", {"column": "latest_landing_date"}),
        Expectation(
            "ExpectCompoundColumnsToBeUnique", {"column_list": ["landing_date_published", "report_date"]}
        ),
        Expectation("ExpectColumnValuesToBeNull", {"column": "arrivals_after_report_date"}),
        _in_coverage("report_date_yyyymmdd", end),
        _in_coverage("landing_date_up_to_report_yyyymmdd", end),
    ]


DAILY_FRAME = """
select *,
    case when is_latest_report then landing_date end as latest_landing_date,
    case when after_report_date then arrivals end as arrivals_after_report_date,
    cast(strftime(report_date, '%Y%m%d') as integer) as report_date_yyyymmdd,
    case when not after_report_date then cast(strftime(landing_date, '%Y%m%d') as integer) end
        as landing_date_up_to_report_yyyymmdd
from staging.stg_italy_moi__daily_landings
"""


def nationality_expectations(end: str) -> list[Expectation]:
    return [
        *(_not_null(c) for c in ("report_date", "nationality_published", "arrivals_ytd", "is_other")),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "arrivals_ytd", "min_value": 0, "max_value": MAX_YEAR_TO_DATE},
        ),
        Expectation(
            "ExpectCompoundColumnsToBeUnique", {"column_list": ["report_date", "nationality_published"]}
        ),
        Expectation(
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": ["report_date", "iso2"], "ignore_row_if": "any_value_is_missing"},
        ),
        Expectation("ExpectColumnValuesToMatchRegex", {"column": "iso2", "regex": r"^[A-Z]{2}$"}),
        Expectation("ExpectColumnValuesToBeNull", {"column": "iso2_of_other"}),
        _in_coverage("report_date_yyyymmdd", end),
    ]


NATIONALITY_FRAME = """
select *,
    case when is_other then iso2 end as iso2_of_other,
    cast(strftime(report_date, '%Y%m%d') as integer) as report_date_yyyymmdd
from staging.stg_italy_moi__arrivals_by_nationality
"""


def report_expectations(end: str) -> list[Expectation]:
    return [
        _not_null("report_date"),
        _not_null("url"),
        Expectation("ExpectColumnValuesToBeUnique", {"column": "report_date"}),
        Expectation("ExpectColumnValuesToMatchRegex", {"column": "url", "regex": r"^https?://\S+$"}),
        _in_coverage("report_date_yyyymmdd", end),
    ]


REPORTS_FRAME = """
select *, cast(strftime(report_date, '%Y%m%d') as integer) as report_date_yyyymmdd
from staging.stg_italy_moi__reports
"""


def known_nationalities() -> dict[str, str]:
    """{Italian name as published: ISO alpha-2 ('' for 'altre')} from nationalities.csv."""
    with open(HERE / "nationalities.csv", newline="", encoding="utf-8") as handle:
        return {row["nationality_published"]: row["iso2"] for row in csv.DictReader(handle)}


def known_codes() -> list[str]:
    import pycountry

    return sorted(c.alpha_2 for c in pycountry.countries)


def label_expectations() -> list[Expectation]:
    pairs = sorted(f"{name}|{code}" for name, code in known_nationalities().items())
    return [
        Expectation("ExpectColumnValuesToBeInSet", {"column": "iso2", "value_set": known_codes()}, "warn"),
        Expectation(
            "ExpectColumnValuesToBeInSet",
            {"column": "nationality_published", "value_set": sorted(known_nationalities())},
            "warn",
        ),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "name_and_code", "value_set": pairs}, "warn"),
    ]


YTD_DECREASES = """
with series as (
    select
        report_date,
        case when is_other then 'altre' else coalesce(iso2, nationality_published) end as nationality,
        arrivals_ytd
    from staging.stg_italy_moi__arrivals_by_nationality
    union all
    select report_date, 'total', sum(arrivals_ytd)
    from staging.stg_italy_moi__arrivals_by_nationality
    group by 1
),

ordered as (
    select
        *,
        lag(report_date) over (partition by year(report_date), nationality order by report_date) as previous_date,
        lag(arrivals_ytd) over (partition by year(report_date), nationality order by report_date) as previous
    from series
)

select nationality, previous_date::varchar, previous, report_date::varchar, arrivals_ytd
from ordered
where arrivals_ytd < previous
order by nationality = 'total' desc, report_date, nationality
"""
