"""Great Expectations checks on staging.stg_iom_mmp__incidents (blocking) and the known-label check (warns)."""

import csv
import datetime as dt

import dagster as dg
import pandas as pd

from pipelines.defs.iom_mmp.assets import STAGING_KEY
from pipelines.defs.iom_mmp.read import HERE
from pipelines.lib import meta
from pipelines.lib.checks import recorded_check, validate
from pipelines.lib.gx_runner import Expectation, run_suite
from pipelines.lib.vintages import vintage_check
from pipelines.lib.warehouse import Warehouse

COUNT_COLUMNS = ("dead", "missing", "dead_and_missing", "survivors", "females", "males", "children")
# The deadliest incident on record (18 April 2015) counted 1,022 dead and missing; a count a hundred
# times larger is a data error, not an event.
MAX_PLAUSIBLE_COUNT = 100_000
COVERAGE_START = "2014-01-01"
INCIDENTS_FRAME = (
    "select *, cast(strftime(incident_date, '%Y%m%d') as integer) as incident_date_yyyymmdd, "
    "case when dead is not null and missing is not null then dead + missing end as dead_plus_missing "
    "from staging.stg_iom_mmp__incidents"
)


def incident_expectations(coverage_end: str) -> list[Expectation]:
    end_year = int(coverage_end[:4])
    items = [
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "incident_id"}),
        # unique within each snapshot: several snapshots of the source hold the same incidents
        Expectation("ExpectCompoundColumnsToBeUnique", {"column_list": ["source_file", "incident_id"]}),
    ]
    items += [
        Expectation(
            "ExpectColumnValuesToBeBetween", {"column": c, "min_value": 0, "max_value": MAX_PLAUSIBLE_COUNT}
        )
        for c in COUNT_COLUMNS
    ]
    items += [
        Expectation(
            "ExpectColumnPairValuesToBeEqual",
            {
                "column_A": "dead_and_missing",
                "column_B": "dead_plus_missing",
                "ignore_row_if": "either_value_is_missing",
            },
        ),
        Expectation(
            "ExpectColumnValuesToBeBetween", {"column": "latitude", "min_value": -90, "max_value": 90}
        ),
        Expectation(
            "ExpectColumnValuesToBeBetween", {"column": "longitude", "min_value": -180, "max_value": 180}
        ),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {
                "column": "incident_date_yyyymmdd",
                "min_value": _yyyymmdd(COVERAGE_START),
                "max_value": _yyyymmdd(coverage_end),
            },
        ),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "incident_year", "min_value": 2014, "max_value": end_year},
        ),
        Expectation(
            "ExpectColumnValuesToBeBetween", {"column": "incident_month", "min_value": 1, "max_value": 12}
        ),
        Expectation(
            "ExpectColumnValuesToBeBetween", {"column": "source_quality", "min_value": 1, "max_value": 5}
        ),
    ]
    return items


def _yyyymmdd(iso: str) -> int:
    return int(iso.replace("-", ""))


def known_labels(kind: str) -> list[str]:
    column = "route" if kind == "route" else "region"
    with open(HERE / f"{kind}_labels.csv", newline="", encoding="utf-8") as handle:
        return sorted({row[column] for row in csv.DictReader(handle)})


@recorded_check(asset=STAGING_KEY, name="gx_incidents_suite")
def gx_incidents_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Incident id unique within each snapshot; counts non-negative and plausible; dead + missing = total where
    both exist; coordinates in range; dates and years within the coverage (2014-01-01 to the newest snapshot's
    date)."""
    with warehouse.connect() as con:
        end = con.execute(
            "select max(coalesce(greatest(published, accessed), accessed)) from meta.snapshots_used "
            "where raw_table = 'raw.iom_mmp__incidents'"
        ).fetchall()[0][0]
        coverage_end = (end or dt.date.today()).isoformat()
        expectations = incident_expectations(coverage_end)
        result = validate(con, STAGING_KEY, "gx_incidents_suite", INCIDENTS_FRAME, expectations,
                          {"coverage_end": coverage_end})  # fmt: skip
        if result.passed:
            return result
        return dg.AssetCheckResult(
            passed=False,
            metadata={
                **result.metadata,
                "failed_files": dg.MetadataValue.json(_failing_files(con, expectations)),
            },
        )


def _failing_files(con: object, expectations: list[Expectation]) -> list[str]:
    """The snapshots whose own rows fail the suite (each file's incidents validated alone), so that quarantine
    sets aside only those and not a good file imported with them. Runs only after the suite has failed."""
    files = [f for (f,) in con.execute(
        "select distinct source_file from staging.stg_iom_mmp__incidents order by 1").fetchall()]  # fmt: skip
    if len(files) == 1:
        return files
    failing = []
    for file in files:
        frame = con.execute(f"select * from ({INCIDENTS_FRAME}) where source_file = ?", [file]).df()
        if not run_suite("iom_mmp_incidents_of_one_file", frame, expectations).success:
            failing.append(file)
    return failing


@recorded_check(asset=STAGING_KEY, name="known_routes_and_regions", blocking=False)
def known_routes_and_regions(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every route and region is one the label files know; unknown labels warn with the list (they stay in the
    data under the publisher's label until the mapping file says what they are)."""
    with warehouse.connect() as con:
        # one row per label of each incident, as categories: at 1.9 million incidents, plain strings cost seconds
        labels = con.sql(
            "select unnest(routes) as route, null::varchar as region from staging.stg_iom_mmp__incidents "
            "union all select null, unnest(regions) from staging.stg_iom_mmp__incidents"
        ).to_arrow_table()
        frame = pd.DataFrame(
            {kind: labels.column(kind).dictionary_encode().to_pandas() for kind in ("route", "region")}
        )
        expectations = [
            Expectation(
                "ExpectColumnValuesToBeInSet", {"column": "route", "value_set": known_labels("route")}, "warn"
            ),
            Expectation(
                "ExpectColumnValuesToBeInSet",
                {"column": "region", "value_set": known_labels("region")},
                "warn",
            ),
        ]
        result = run_suite("iom_mmp_labels", frame, expectations)
        meta.record_validation(
            con, STAGING_KEY.to_user_string(), "known_routes_and_regions", "iom_mmp_labels", result.rows
        )
    present = {kind: frame[kind].dropna() for kind in ("route", "region")}
    unknown = {
        kind: sorted(set(values[~values.isin(known_labels(kind))])) for kind, values in present.items()
    }
    clean = not any(unknown.values())
    return dg.AssetCheckResult(
        passed=clean,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unknown_routes": dg.MetadataValue.json(unknown["route"]),
            "unknown_regions": dg.MetadataValue.json(unknown["region"]),
        },
    )


# Vintages: each snapshot's dead and missing per month (every route together: IOM reassigns incidents between
# routes from one export to the next), and the months from the first of its earliest year to its last incident
# (stg_iom_mmp__snapshots), which a newer snapshot covers even where it records nothing.
VINTAGE_CELLS = """
with s as (
    select source_file, data_from, data_to,
        row_number() over (order by vintage_date desc, source_file desc) as r
    from staging.stg_iom_mmp__snapshots
)
select i.source_file, s.r, 'all' as scope, 'every route' as k,
    date_trunc('month', i.incident_date)::date as p, sum(i.dead_and_missing)::bigint as v, count(*) as n
from staging.stg_iom_mmp__incidents as i
inner join s using (source_file)
where i.incident_date is not null
group by all
union all
select s.source_file, s.r, 'all', '(months covered)', m.p::date, null, 0
from s, unnest(generate_series(date_trunc('month', s.data_from), date_trunc('month', s.data_to), interval 1 month))
    as m(p)
where s.data_from is not null and s.data_to is not null
"""
vintage_plausible = vintage_check(STAGING_KEY, "iom_mmp", VINTAGE_CELLS, "dead and missing")

CHECKS = [gx_incidents_suite, vintage_plausible, known_routes_and_regions]
