"""Arrivals and route indicators on a small hand-made warehouse: not reported is null (never 0), annual totals
are a publisher's own, mortality only over complete periods with the denominator stated. Every expected figure
below is worked out by hand from the fixture rows."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from pipelines.defs.curated import evidence_figures as ef
from pipelines.defs.curated import figures
from pipelines.defs.curated.evidence_charts import latest_complete_year
from pipelines.defs.curated.route import _route_definitions
from pipelines.lib import sql

D = dt.date


def _months(year: int, first: int, last: int) -> list[dt.date]:
    return [D(year, m, 1) for m in range(first, last + 1)]


@pytest.fixture(scope="module")
def con(tmp_path_factory):  # noqa: ANN201
    """Italy: UNHCR 100 a month in 2018, 50 a month January-September 2019; the ministry's month-end
    year-to-date 500 (30 September 2019), 560, 600, 640 (31 December), 30 (31 January 2020), 45 (15 February
    2020, mid-month); daily landings of 1 a day for February 2020 to the 15th (later days listed ahead of the
    report). Malta: 10 a month in 2018, 5 a month January-March 2019. Missing Migrants: covered to 30 November
    2019, December 2019 not covered, January 2020 complete, February 2020 10 days; Central Mediterranean dead
    and missing 5 a month in 2018 except June (no incident), 2 a month January-November 2019, 7 in January 2020."""
    db = duckdb.connect(str(tmp_path_factory.mktemp("coverage") / "w.duckdb"))
    db.execute("create schema staging; create schema curated")
    unhcr = [("ITA", m, 100) for m in _months(2018, 1, 12)] + [("ITA", m, 50) for m in _months(2019, 1, 9)]
    unhcr += [("MLT", m, 10) for m in _months(2018, 1, 12)] + [("MLT", m, 5) for m in _months(2019, 1, 3)]
    db.execute(
        "create table staging.stg_unhcr_odp__arrivals (country_iso3 varchar, period_start date, arrival_type "
        "varchar, arrivals bigint, source_file varchar, source_path varchar, snapshot_accessed date, "
        "is_preferred boolean, frequency varchar)"
    )
    db.executemany(
        "insert into staging.stg_unhcr_odp__arrivals values (?, ?, 'sea', ?, 'unhcr.json', 'p', '2019-12-31', "
        "true, 'month')",
        unhcr,
    )
    reports = [(D(2019, 9, 30), 500), (D(2019, 10, 31), 560), (D(2019, 11, 30), 600), (D(2019, 12, 31), 640),
               (D(2020, 1, 31), 30), (D(2020, 2, 15), 45)]  # fmt: skip
    db.execute(
        "create table staging.stg_italy_moi__arrivals_by_nationality as select * from (values "
        + ", ".join(f"(date '{d}', {v}, 'nazionalita.csv')" for d, v in reports)
        + ") t(report_date, arrivals_ytd, source_file)"
    )
    days = [(D(2020, 2, d), 1 if d <= 15 else None, d > 15) for d in range(1, 30)]
    db.execute(
        "create table staging.stg_italy_moi__daily_landings (landing_date date, arrivals bigint, report_date date, "
        "is_latest_report boolean, after_report_date boolean, source_file varchar)"
    )
    db.executemany(
        "insert into staging.stg_italy_moi__daily_landings values (?, ?, '2020-02-15', true, ?, 'sbarchi.csv')",
        days,
    )
    coverage = []
    for month in [*_months(2018, 1, 12), *_months(2019, 1, 12), *_months(2020, 1, 2)]:
        days_in = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).day
        covered = 0 if month == D(2019, 12, 1) else 10 if month == D(2020, 2, 1) else days_in
        coverage.append((month, "mmp.csv" if covered else None, covered, days_in, covered == days_in))
    db.execute(
        "create table curated.mmp_coverage_monthly (month date, source_file varchar, days_covered integer, "
        "days_in_month integer, is_complete boolean)"
    )
    db.executemany("insert into curated.mmp_coverage_monthly values (?, ?, ?, ?, ?)", coverage)
    deaths = [(m, 5, 1) for m in _months(2018, 1, 12) if m.month != 6]
    deaths += [(m, 2, 1) for m in _months(2019, 1, 11)] + [(D(2020, 1, 1), 7, 2)]
    db.execute(
        "create table curated.deaths_by_route_month (route varchar, month date, dead_and_missing bigint, "
        "incidents bigint)"
    )
    db.executemany(
        "insert into curated.deaths_by_route_month values ('Central Mediterranean', ?, ?, ?)", deaths
    )
    for table in ("sea_arrivals_monthly", "sea_arrivals_yearly", "central_med_monthly"):
        sql.build_table(db, "curated", table)
    _route_definitions(db)
    sql.build_table(db, "curated", "route_mortality_yearly")
    view = (sql.SQL_DIR / "curated" / "views" / "central_med_yearly.sql").read_text()
    db.execute(f"create view curated.central_med_yearly as {view}")
    yield db
    db.close()


def rows(con, query: str) -> list[tuple]:  # noqa: ANN001
    return con.execute(query).fetchall()


def test_months_not_reported_are_null_rows_with_their_coverage(con) -> None:  # noqa: ANN001
    malta = dict(
        rows(con, "select month, arrivals from curated.sea_arrivals_monthly where country_iso3 = 'MLT'")
    )
    assert malta[D(2019, 3, 1)] == 5 and malta[D(2019, 4, 1)] is None and malta[D(2020, 2, 1)] is None
    assert rows(con, "select count(*) from curated.sea_arrivals_monthly where not is_reported and "
                     "(arrivals is not null or coverage <> 'not reported' or days_covered <> 0)") == [(0,)]  # fmt: skip
    feb = rows(con, "select arrivals, source, coverage, days_covered, days_in_month, covered_to, is_complete "
                    "from curated.sea_arrivals_monthly where country_iso3 = 'ITA' and month = '2020-02-01'")  # fmt: skip
    assert feb == [(15, "italy_moi", "partial", 15, 29, D(2020, 2, 15), False)]
    # a ministry month between two month-end reports; September 2019's report covers January-September: UNHCR
    italy = dict(
        rows(con, "select month, arrivals from curated.sea_arrivals_monthly where country_iso3 = 'ITA'")
    )
    assert (italy[D(2019, 9, 1)], italy[D(2019, 10, 1)], italy[D(2019, 12, 1)], italy[D(2020, 1, 1)]) == (
        50,
        60,
        40,
        30,
    )


def test_yearly_arrivals_are_a_publishers_own_total_and_splices_are_flagged(con) -> None:  # noqa: ANN001
    got = {(c, y): r for c, y, *r in rows(con, "select country_iso3, year, arrivals, source, is_publisher_annual_total, "
                                               "is_complete, is_spliced, monthly_sum, covered_to "
                                               "from curated.sea_arrivals_yearly")}  # fmt: skip
    assert got[("ITA", 2018)] == [1200, "unhcr_odp", True, True, False, 1200, D(2018, 12, 31)]
    # 2019: nine UNHCR months (450) spliced onto the ministry's October-December (60 + 40 + 40) = 590, no one's
    # figure; the published annual total is the ministry's year-to-date at 31 December
    assert got[("ITA", 2019)] == [640, "italy_moi", True, True, True, 590, D(2019, 12, 31)]
    assert got[("ITA", 2020)] == [45, "italy_moi", False, False, False, 45, D(2020, 2, 15)]
    assert got[("MLT", 2019)] == [15, "unhcr_odp", False, False, False, 15, D(2019, 3, 31)]
    assert got[("MLT", 2020)] == [None, None, False, False, False, None, None]


def test_monthly_indicator_is_null_where_a_source_does_not_cover_the_month(con) -> None:  # noqa: ANN001
    got = {r[0]: r[1:] for r in rows(con, "select month, dead_and_missing, incidents, arrivals_total, "
                                          "denominator_includes, mortality_per_1000, mortality_null_reason "
                                          "from curated.central_med_monthly")}  # fmt: skip
    assert got[D(2018, 6, 1)] == (0, 0, 110, "Italy + Malta", 0.0, None)  # covered, no incident: a real 0
    assert got[D(2018, 1, 1)][4] == round(1000 * 5 / (110 + 5), 2)
    assert got[D(2019, 5, 1)][2:5] == (50, "Italy only", round(1000 * 2 / (50 + 2), 2))
    december = got[D(2019, 12, 1)]
    assert december[:2] == (None, None) and december[4] is None and "not reported" in december[5]
    february = got[D(2020, 2, 1)]
    assert february[0] == 0 and february[4] is None
    assert "15 of 29 days" in february[5] and "10 of 29 days" in february[5]
    assert rows(con, "select count(*) from curated.central_med_monthly where mortality_per_1000 is not null "
                     "and not (arrivals_italy_is_complete and dead_and_missing_is_complete)") == [(0,)]  # fmt: skip


def test_yearly_tables_derive_from_one_basis_and_state_the_denominator(con) -> None:  # noqa: ANN001
    got = {r[0]: r[1:] for r in rows(con, "select year, arrivals, denominator_includes, dead_and_missing, "
                                          "dead_and_missing_days_covered, is_complete, mortality_per_1000, "
                                          "mortality_null_reason from curated.route_mortality_yearly "
                                          "where route = 'Central Mediterranean'")}  # fmt: skip
    assert got[2018] == (1320, "Italy + Malta", 55, 365, True, round(1000 * 55 / (1320 + 55), 2), None)
    assert got[2019][:5] == (640, "Italy only", 22, 334, False) and got[2019][5] is None
    assert "2019-11-30" in got[2019][6]
    assert got[2020][0] == 45 and got[2020][4] is False and got[2020][5] is None
    assert "arrivals cover 2020-01-01 to 2020-02-15" in got[2020][6]
    view = rows(con, "select year, arrivals_total, dead_and_missing, mortality_per_1000, arrivals_italy, "
                     "arrivals_malta from curated.central_med_yearly order by year")  # fmt: skip
    assert view == [(2018, 1320, 55, got[2018][5], 1200, 120), (2019, 640, 22, None, 640, None),
                    (2020, 45, 7, None, 45, None)]  # fmt: skip
    yearly = con.execute("select * from curated.route_mortality_yearly").df()
    assert latest_complete_year(yearly) == 2018


def test_charts_draw_gaps_not_zeros(con) -> None:  # noqa: ANN001
    monthly = ef.central_med_monthly_data(con.execute("select * from curated.central_med_monthly").df())
    figure = ef.build_central_med_arrivals_deaths(monthly)
    line = next(t for t in figure.data if t.name == "Dead and missing (IOM)")
    by_month = dict(zip(pd.to_datetime(line.x), line.y, strict=True))
    assert pd.isna(by_month[pd.Timestamp("2019-12-01")]) and by_month[pd.Timestamp("2018-06-01")] == 0
    assert pd.isna(by_month[pd.Timestamp("2020-02-01")])  # partial: drawn as a marker, not on the line
    partial = next(t for t in figure.data if t.name.startswith("Dead and missing, partly covered"))
    assert list(pd.to_datetime(partial.x)) == [pd.Timestamp("2020-02-01")]
    bands = [s for s in figure.layout.shapes if s.type == "rect"]
    assert any(pd.Timestamp(s.x0) == pd.Timestamp("2019-12-01") for s in bands)
    assert monthly.loc[monthly["month"] == "2019-12-01", "dead_and_missing"].isna().all()
    csv = monthly.to_csv(index=False)
    december = [line for line in csv.splitlines() if line.startswith("2019-12-01")][0].split(",")
    assert december[5] == "" and december[6] == ""  # dead_and_missing and mortality: empty cells
    assert ef.malta_note(monthly) == (
        "Arrivals count Italy only where Malta is not reported (2019-04 to 2020-02); Italy + Malta elsewhere."
    )


def test_mmp_monthly_chart_fills_covered_months_with_zero_and_leaves_uncovered_empty(con) -> None:  # noqa: ANN001
    deaths = con.execute("select * from curated.deaths_by_route_month").df().assign(dead=0, missing=0)
    coverage = con.execute("select month, days_covered, days_in_month from curated.mmp_coverage_monthly").df()
    data = figures.central_med_monthly_data(deaths, coverage)
    values = dict(zip(data["month"], data["dead_and_missing"], strict=True))
    assert values[pd.Timestamp("2018-06-01")] == 0 and pd.isna(values[pd.Timestamp("2019-12-01")])
    figure = figures.build_central_med_monthly(data)
    assert [t.name for t in figure.data][:2] == [
        "Dead and missing in the month",
        "Partly covered month (a minimum)",
    ]
    assert figures.mmp_gaps_note(data) == (
        "No Missing Migrants snapshot covers 2019-12: no data (a gap, not 0). Partly covered months (a minimum): "
        "2020-02."
    )


def test_no_data_bands_carry_one_label_each_kind_and_no_placeholder_text() -> None:
    import plotly.graph_objects as go

    from pipelines.defs.curated.figures import add_no_data_bands

    figure = go.Figure()
    spans = [
        (pd.Timestamp("2025-05-01"), pd.Timestamp("2026-01-01")),
        (pd.Timestamp("2026-06-01"), pd.Timestamp("2026-09-01")),
    ]
    add_no_data_bands(figure, spans, "no data: dead and missing")
    add_no_data_bands(figure, spans[:1], "no data: arrivals", "bottom left")
    texts = [a.text for a in figure.layout.annotations]
    assert sorted(texts) == ["no data: arrivals", "no data: dead and missing"]
    assert len(figure.layout.shapes) == 3
