"""Great Expectations suites on the unodc_glotip staging tables (blocking), and warn-only checks that surface the
publisher's inconsistencies: national totals below their own breakdown, unmapped citizenship labels, unknown
labels."""

import datetime as dt
from collections.abc import Callable

import dagster as dg

from pipelines.defs.unodc_glotip import expectations as ex
from pipelines.defs.unodc_glotip.assets import COUNTRY_KEY, RECORDS_KEY, SUBREGION_KEY
from pipelines.lib.checks import judged, recorded_check, validate, vintage_result
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


# A new release is compared with the one it replaces over the years both cover (country rows, one per key). Beyond
# any of these limits it is not published: the check blocks, the new file is marked rejected with the comparison,
# and `migration-evidence accept unodc_glotip FILE` is the override once someone has looked at it.
PLAUSIBILITY = {
    "rows_ratio_min": 0.8,  # the new release's rows for those years: at least 80 % of the previous release's
    "suppressed_share_rise_max": 0.10,  # the share of values published as '<5' rises by at most 10 points
    "vanished_totals_max": 0.05,  # national totals of detected victims with a value before, none now: at most 5 %
    "totals_change_max": 0.25,  # the sum of the national totals both releases give moves by at most 25 %
}

RELEASE_COMPARISON = """
with r as (
    select release, source_file, iso3_code, indicator, dimension, sex, age, year, value, is_suppressed
    from staging.stg_unodc_glotip__records
    where not is_aggregate and coalesce(is_key_first_row, true)
),
-- the years both releases cover (a release may drop early years: said in the comparison, not counted)
span as (
    select
        greatest(min(year) filter (where release = 'previous'), min(year) filter (where release = 'current'))
            as first_year,
        least(max(year) filter (where release = 'previous'), max(year) filter (where release = 'current'))
            as last_year,
        min(year) filter (where release = 'previous') as previous_first,
        min(year) filter (where release = 'current') as current_first
    from r
),
o as (select r.* from r, span where r.year between span.first_year and span.last_year),
counts as (
    select release, any_value(source_file) as file, count(*) as n, avg(is_suppressed::int) as suppressed
    from o group by release
),
totals as (
    select * from o
    where indicator = 'detected victims' and dimension = 'total' and sex = 'Total' and age = 'Total'
),
pairs as (
    select p.iso3_code, p.year, p.value as before, c.value as after
    from totals as p
    left join totals as c on c.release = 'current' and c.iso3_code = p.iso3_code and c.year = p.year
    where p.release = 'previous' and p.value is not null
)
select
    (select file from counts where release = 'previous') as previous_file,
    (select file from counts where release = 'current') as current_file,
    (select first_year from span) as first_year,
    (select last_year from span) as last_year,
    (select previous_first from span) as previous_first,
    (select current_first from span) as current_first,
    (select n from counts where release = 'previous') as previous_rows,
    (select n from counts where release = 'current') as current_rows,
    (select suppressed from counts where release = 'previous') as previous_suppressed,
    (select suppressed from counts where release = 'current') as current_suppressed,
    count(*) as totals_before,
    count(*) filter (where after is null) as totals_vanished,
    sum(before) filter (where after is not null) as sum_before,
    sum(after) filter (where after is not null) as sum_after,
    list(iso3_code || ' ' || year order by iso3_code, year) filter (where after is null) as vanished
from pairs
"""


def compare_releases(con) -> tuple[bool, list[str], dict]:  # noqa: ANN001
    """(plausible, the comparison in lines, the figures) of the release in use against the one before it."""
    cursor = con.execute(RELEASE_COMPARISON)
    names = [d[0] for d in cursor.description]
    row = dict(zip(names, cursor.fetchall()[0], strict=True))
    if row["previous_file"] is None:
        return True, ["no earlier release to compare with"], row
    limits = PLAUSIBILITY
    rows_ratio = (row["current_rows"] or 0) / row["previous_rows"]
    rise = (row["current_suppressed"] or 0) - row["previous_suppressed"]
    vanished = row["totals_vanished"] / row["totals_before"] if row["totals_before"] else 0.0
    change = abs(row["sum_after"] / row["sum_before"] - 1) if row["sum_before"] else 0.0
    tests = [
        (rows_ratio >= limits["rows_ratio_min"],
         f"rows for {row['first_year']}-{row['last_year']} (the years both cover): {row['current_rows'] or 0:,} against {row['previous_rows']:,} "
         f"({rows_ratio:.0%}; at least {limits['rows_ratio_min']:.0%})"),
        (rise <= limits["suppressed_share_rise_max"],
         f"values published as '<5': {row['current_suppressed'] or 0:.1%} against {row['previous_suppressed']:.1%} "
         f"({rise * 100:+.1f} points; at most +{limits['suppressed_share_rise_max'] * 100:.0f})"),
        (vanished <= limits["vanished_totals_max"],
         f"national totals of detected victims with a value before and none now: {row['totals_vanished']:,} of "
         f"{row['totals_before']:,} ({vanished:.1%}; at most {limits['vanished_totals_max']:.0%})"
         + (f", e.g. {', '.join(row['vanished'][:5])}" if row["totals_vanished"] else "")),
        (change <= limits["totals_change_max"],
         f"sum of the national totals both give: {int(row['sum_after'] or 0):,} against {int(row['sum_before'] or 0):,} "
         f"({change:.1%} apart; at most {limits['totals_change_max']:.0%})"),
    ]  # fmt: skip
    plausible, lines = judged(tests)
    if (row["current_first"] or 0) > (row["previous_first"] or 0):
        lines.append(f"note: the release in use starts in {row['current_first']}, the previous one in "
                     f"{row['previous_first']}; the years before {row['current_first']} are not compared")  # fmt: skip
    return plausible, lines, row


@recorded_check(asset=RECORDS_KEY, name="release_plausible_against_previous")
def release_plausible_against_previous(warehouse: Warehouse) -> dg.AssetCheckResult:
    """The release in use against the one it replaces, over the years both cover: row counts, the share of values
    suppressed ('<5'), national totals that vanish and how far the totals move, each against a stated limit
    (PLAUSIBILITY). Beyond any, the check blocks and the new file is marked rejected with the comparison;
    `migration-evidence accept` puts it back once someone has looked, and the check then warns, saying so."""
    with warehouse.connect() as con:
        plausible, lines, row = compare_releases(con)
    return vintage_result(warehouse, "unodc_glotip", plausible, lines, row, PLAUSIBILITY)


CHECKS = [
    gx_records_suite,
    release_plausible_against_previous,
    gx_country_values_suite,
    gx_subregion_values_suite,
    national_totals_consistent,
    citizenship_labels_mapped,
    known_labels,
]
