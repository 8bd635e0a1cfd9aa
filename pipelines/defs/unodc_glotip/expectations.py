"""The Great Expectations suites of the unodc_glotip staging tables and the SQL of the warning checks."""

from __future__ import annotations

import csv

from pipelines.defs.unodc_glotip.read import HERE
from pipelines.lib.gx_runner import Expectation

# The largest national figure in either release is a few thousand; a count a hundred times larger is an error.
MAX_PLAUSIBLE_COUNT = 1_000_000
FIRST_YEAR = 2000
VALUE_STATUSES = ["published", "suppressed", "conflicting", "not a count"]
KNOWN = {
    "dimension": ["Total", "by form of exploitation", "by citizenship", "by country of repatriation"],
    "sex": ["Total", "Female", "Male", "Other", "Unknown"],
    "age": ["Total", "0 to 17 years", "18 years or over", "Unknown"],
    "unit": ["Counts"],
}

# Only the columns the suites read: Great Expectations slows down sharply on wide frames with list columns.
RECORDS_FRAME = """
select release, area_code, indicator, year, value,
       concat_ws('|', release, source_row) as release_row,
       case
           when is_suppressed then value is null and suppressed_below > 0 and not is_code_artefact
           when is_code_artefact then value is null and suppressed_below is null
           else value is not null and suppressed_below is null
       end as value_consistent
from staging.stg_unodc_glotip__records
"""

VALUES_FRAME = """
select {area} as area, value_status, value, year, category_iso3, {iso3} as area_iso3,
       concat_ws('|', {area}, indicator, dimension, coalesce(category, ''), sex, age, year, unit) as value_key,
       case value_status
           when 'published' then value is not null and not is_suppressed
           when 'suppressed' then value is null and is_suppressed and suppressed_below > 0
           when 'conflicting' then value is null and not is_suppressed and len(published_values) > 1
           when 'not a count' then value is null and not is_suppressed
       end as value_consistent
from staging.{table}
"""


def _between(column: str, low: int, high: int) -> Expectation:
    return Expectation(
        "ExpectColumnValuesToBeBetween", {"column": column, "min_value": low, "max_value": high}
    )


def _true(column: str) -> Expectation:
    return Expectation("ExpectColumnValuesToBeInSet", {"column": column, "value_set": [True]})


def records_expectations(last_year: int) -> list[Expectation]:
    """Rows numbered once per release; years within 2000 .. the release year; counts non-negative and plausible;
    a suppressed row has no value and a bound, any other row a value; every row names an area."""
    return [
        Expectation(
            "ExpectColumnValuesToBeInSet", {"column": "release", "value_set": ["current", "previous"]}
        ),
        Expectation("ExpectColumnValuesToBeUnique", {"column": "release_row"}),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "area_code"}),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "indicator"}),
        _between("year", FIRST_YEAR, last_year),
        _between("value", 0, MAX_PLAUSIBLE_COUNT),
        _true("value_consistent"),
    ]


def values_expectations(last_year: int, *, country: bool) -> list[Expectation]:
    """One row per key; counts non-negative and plausible; the value agrees with its status; years in range;
    ISO3 codes are three capital letters."""
    items = [
        Expectation("ExpectColumnValuesToBeUnique", {"column": "value_key"}),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "value_status", "value_set": VALUE_STATUSES}),
        _between("value", 0, MAX_PLAUSIBLE_COUNT),
        _true("value_consistent"),
        _between("year", FIRST_YEAR, last_year),
        Expectation("ExpectColumnValuesToMatchRegex", {"column": "category_iso3", "regex": r"^[A-Z]{3}$"}),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "area"}),
    ]
    if country:
        items.append(
            Expectation("ExpectColumnValuesToMatchRegex", {"column": "area_iso3", "regex": r"^[A-Z]{3}$"})
        )
    return items


def known_indicators() -> list[str]:
    with open(HERE / "indicator_labels.csv", newline="", encoding="utf-8") as handle:
        return [row["publisher_indicator"] for row in csv.DictReader(handle)]


def unknown_labels_sql() -> str:
    """(kind, label, rows) for every indicator, dimension, sex, age or unit label the pipeline does not know."""
    known = {
        "indicator_published": known_indicators(),
        "dimension_published": KNOWN["dimension"],
        "sex": KNOWN["sex"],
        "age": KNOWN["age"],
        "unit": KNOWN["unit"],
    }
    parts = []
    for column, values in known.items():
        listed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
        parts.append(
            f"select '{column.removesuffix('_published')}' as kind, {column} as label, count(*) as rows "
            f"from staging.stg_unodc_glotip__records where release = 'current' and {column} not in ({listed}) group by 2"
        )
    return " union all ".join(parts) + " order by 1, 2"


# A national total against its own breakdowns by sex and by age (each a partition of the total): a total that
# is suppressed ('<5') while a breakdown adds up to 5 or more, or a total smaller than what its breakdown adds up
# to. Suppressed parts count as 0, so the breakdown sum is a lower bound; conflicting keys are left out.
NATIONAL_TOTALS = """
with v as (
    select * from staging.stg_unodc_glotip__country_values
    where dimension = 'total' and category = 'Total' and value_status <> 'conflicting'
),
totals as (
    select country, indicator, year, value, is_suppressed, value_published from v where sex = 'Total' and age = 'Total'
),
parts as (
    select country, indicator, year, 'sex' as breakdown, sum(coalesce(value, 0)) as parts_sum, count(*) as parts
    from v where age = 'Total' and sex <> 'Total' group by all
    union all
    select country, indicator, year, 'age', sum(coalesce(value, 0)), count(*)
    from v where sex = 'Total' and age <> 'Total' group by all
)
select t.country, t.indicator, t.year, t.value_published as total_published, p.breakdown, p.parts_sum::bigint
from totals as t join parts as p using (country, indicator, year)
where (t.is_suppressed and p.parts_sum >= 5) or (not t.is_suppressed and t.value < p.parts_sum)
order by t.country, t.indicator, t.year, p.breakdown
"""
