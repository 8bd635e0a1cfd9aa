"""Great Expectations suites on the unodc_glotip staging tables (blocking), and warn-only checks that surface the
publisher's inconsistencies: national totals below their own breakdown, unmapped citizenship labels, unknown
labels."""

import datetime as dt
from collections.abc import Callable

import dagster as dg

from pipelines.defs.unodc_glotip import expectations as ex
from pipelines.defs.unodc_glotip.assets import COUNTRY_KEY, RECORDS_KEY, SUBREGION_KEY
from pipelines.lib.checks import recorded_check, validate
from pipelines.lib.gx_runner import Expectation
from pipelines.lib.warehouse import Warehouse


def _suite(
    warehouse: Warehouse,
    key: dg.AssetKey,
    check: str,
    frame_sql: str,
    build: Callable[[int], list[Expectation]],
) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        released = con.execute(
            "select max(published) from meta.snapshots_used where raw_table = 'raw.unodc_glotip__data_glotip'"
        ).fetchall()[0][0]
        last_year = (released or dt.date.today()).year
        return validate(con, key, check, frame_sql, build(last_year), {"last_year": last_year})


@recorded_check(asset=RECORDS_KEY, name="gx_records_suite")
def gx_records_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Each sheet row once per release; years from 2000 to the release year; counts non-negative and plausible;
    a suppressed row has no value and a bound, every other row a value; every row names an area."""
    return _suite(warehouse, RECORDS_KEY, "gx_records_suite", ex.RECORDS_FRAME, ex.records_expectations)


@recorded_check(asset=COUNTRY_KEY, name="gx_country_values_suite")
def gx_country_values_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """One row per country, indicator, dimension, category, sex, age and year; counts non-negative and
    plausible; value, suppression flag and status agree; years in range; ISO3 codes well formed."""
    frame = ex.VALUES_FRAME.format(
        area="country", iso3="country_iso3", table="stg_unodc_glotip__country_values"
    )
    return _suite(
        warehouse,
        COUNTRY_KEY,
        "gx_country_values_suite",
        frame,
        lambda year: ex.values_expectations(year, country=True),
    )


@recorded_check(asset=SUBREGION_KEY, name="gx_subregion_values_suite")
def gx_subregion_values_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Same rules as the country values, on the sub-regional aggregate rows (an empty table passes)."""
    frame = ex.VALUES_FRAME.format(
        area="area_code", iso3="null::varchar", table="stg_unodc_glotip__subregion_values"
    )
    return _suite(
        warehouse,
        SUBREGION_KEY,
        "gx_subregion_values_suite",
        frame,
        lambda year: ex.values_expectations(year, country=False),
    )


@recorded_check(asset=COUNTRY_KEY, name="national_totals_consistent", blocking=False)
def national_totals_consistent(warehouse: Warehouse) -> dg.AssetCheckResult:
    """A national total (dimension, sex and age 'Total') that is suppressed while its breakdown by sex or by age
    adds up to 5 or more, or that is smaller than what that breakdown adds up to (suppressed parts counted as 0),
    warns with the numbers, e.g. Germany 2022 in the 2025 release: total '<5', sex breakdown 1,287. The figures
    stay as published; breakdowns by form or citizenship are not compared (a victim can be counted under
    several forms)."""
    with warehouse.connect() as con:
        rows = con.execute(ex.NATIONAL_TOTALS).fetchall()
    listed = [
        f"{country}, {indicator}, {year}: total {total!r}, {breakdown} breakdown adds up to {parts:,}"
        for country, indicator, year, total, breakdown, parts in rows
    ]
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "inconsistent_totals": dg.MetadataValue.int(len(rows)),
            "suppressed_totals": dg.MetadataValue.int(sum(1 for r in rows if r[3].startswith("<"))),
            "listed": dg.MetadataValue.json(listed[:500]),
        },
    )


@recorded_check(asset=RECORDS_KEY, name="citizenship_labels_mapped", blocking=False)
def citizenship_labels_mapped(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every citizenship and country-of-repatriation label of the release in use maps to ISO3 or is listed in
    category_overrides.csv as not a country; unmapped labels warn with the list (they stay as published with
    a null `category_iso3` until the override file says what they are)."""
    with warehouse.connect() as con:
        rows = con.execute(
            "select dimension_published, category, count(*) from staging.stg_unodc_glotip__records "
            "where release = 'current' and category_mapping = 'unmapped' group by 1, 2 order by 1, 2"
        ).fetchall()
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unmapped_labels": dg.MetadataValue.json(sorted({label for _, label, _ in rows})),
            "unmapped": dg.MetadataValue.json([{"dimension": d, "label": c, "rows": n} for d, c, n in rows]),
        },
    )


@recorded_check(asset=RECORDS_KEY, name="known_labels", blocking=False)
def known_labels(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every indicator, dimension, sex, age and unit label is one the pipeline knows (indicator_labels.csv and
    the lists in expectations.py); unknown ones warn with the list and stay in the data as published."""
    with warehouse.connect() as con:
        rows = con.execute(ex.unknown_labels_sql()).fetchall()
    listing: dict[str, list] = {}
    for kind, label, count in rows:
        listing.setdefault(kind, []).append({"label": label, "rows": count})
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"unknown": dg.MetadataValue.json(listing)},
    )


CHECKS = [
    gx_records_suite,
    gx_country_values_suite,
    gx_subregion_values_suite,
    national_totals_consistent,
    citizenship_labels_mapped,
    known_labels,
]
