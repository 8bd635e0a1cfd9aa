"""Integration: every real snapshot imported together (all Missing Migrants files, UNHCR, the ministry); no curated
table or view, no chart CSV and no key figure holds 0 (or a ratio) for a month or year its source does not
cover. The covered periods are worked out here from the raw files, not from the pipeline's coverage tables."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import defaultdict

import duckdb
import pandas as pd
import pytest

from tests.build_helpers import query
from tests.conftest import require_shared
from tests.published_figures import MMP_CENTRAL_MED_2014_2024

pytestmark = [pytest.mark.integration, pytest.mark.slow]

UNHCR_ITALY = {2014: 170100, 2015: 153842, 2016: 181436, 2017: 119369, 2018: 23370}
MINISTRY_ITALY = {2019: 11471, 2020: 34154, 2021: 67040, 2022: 105129, 2023: 157652, 2024: 66317}
DEATH_COLUMNS = {"dead_and_missing", "incidents", "dead", "missing"}
MONTH_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%a, %m/%d/%Y - %H:%M")


def _parse(text: str) -> dt.date | None:
    for form in MONTH_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    return None


def mmp_covered_days() -> set[dt.date]:
    """Days any Missing Migrants file covers: 1 January of its earliest incident year to its latest incident
    date (as each file's own date column writes it)."""
    days: set[dt.date] = set()
    for path in sorted((require_shared("mmp")).glob("*.csv")):
        dates, years = [], []
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                text = row.get("Incident Date") or row.get("Reported Date") or ""
                date = _parse(text)
                if date:
                    dates.append(date)
                    years.append(date.year)
        first, last = dt.date(min(years), 1, 1), max(dates)
        days |= {first + dt.timedelta(n) for n in range((last - first).days + 1)}
    return days


def arrivals_covered_months() -> dict[tuple[str, str], set[dt.date]]:
    """(country ISO3, arrival type) -> months a raw file reports: UNHCR series points, the ministry's month-end
    reports and the days of its daily landings up to each day's latest report."""
    shared = require_shared()
    iso = {"656": "ITA", "640": "GRC", "729": "ESP", "616": "CYP", "690": "MLT"}
    kinds = {"4797": "sea", "4798": "land", "5634": "atlantic"}
    covered: dict[tuple[str, str], set[dt.date]] = defaultdict(set)
    for path in (shared / "unhcr").glob("timeseries_month_geo*_group*.json"):
        geo, group = re.search(r"geo(\d+)_group(\d+)", path.name).groups()
        for point in json.loads(path.read_text())["data"]["timeseries"]:
            covered[(iso[geo], kinds[group])].add(dt.date(point["year"], point["month"], 1))
    with (shared / "italy_moi" / "nazionalita.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            date = dt.date.fromisoformat(row["Data_Report"])
            covered[("ITA", "sea")].add(date.replace(day=1))
    with (shared / "italy_moi" / "sbarchi-per-giorno.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                day = dt.date.fromisoformat(row["Data"])
            except ValueError:
                continue
            if day <= dt.date.fromisoformat(row["Data_Report"]):
                covered[("ITA", "sea")].add(day.replace(day=1))
    return covered


@pytest.fixture(scope="module")
def real_build(real_everything):  # noqa: ANN001, ANN201
    """Every real snapshot imported together and built once (tests/conftest.py)."""
    return real_everything


def _months_of(days: set[dt.date]) -> tuple[set[dt.date], set[dt.date]]:
    """(months with any covered day, months with every day covered)."""
    any_day, by_month = set(), defaultdict(int)
    for day in days:
        any_day.add(day.replace(day=1))
        by_month[day.replace(day=1)] += 1
    full = {m for m, n in by_month.items() if n == (pd.Timestamp(m) + pd.offsets.MonthEnd(0)).day}
    return any_day, full


def _zero_violations(frame: pd.DataFrame, where: str, mmp_months: set, mmp_years: set,
                     arrivals: dict, italy_months: set, italy_years: set) -> list[str]:  # fmt: skip
    """Rows holding 0 (or a mortality figure) for a month or year its source does not cover."""
    bad: list[str] = []
    if "arrival_type" not in frame and "country_iso3" in frame:
        frame = frame.assign(arrival_type="sea")  # the Italy and Malta chart's data: sea arrivals only
    if "month" in frame and not pd.api.types.is_numeric_dtype(frame["month"]):
        period = pd.to_datetime(frame["month"], errors="coerce").dt.date
        mmp_ok, italy_ok = period.isin(mmp_months), period.isin(italy_months)
    elif "year" in frame and pd.api.types.is_numeric_dtype(frame["year"]):
        period = frame["year"]
        mmp_ok, italy_ok = period.isin(mmp_years), period.isin(italy_years)
    else:
        return bad
    for column in DEATH_COLUMNS & set(frame.columns):
        zero = pd.to_numeric(frame[column], errors="coerce").eq(0) & ~mmp_ok
        bad += [f"{where}.{column} = 0 at {p}" for p in period[zero]]
    arrival_columns = {"arrivals", "arrivals_italy", "arrivals_total", "unhcr_arrivals", "monthly_sum"}
    for column in arrival_columns & set(frame.columns):
        if "country_iso3" in frame and "month" in frame:
            ok = pd.Series([p in arrivals.get((c, t), set()) for c, t, p in
                            zip(frame["country_iso3"], frame["arrival_type"], period, strict=True)], index=frame.index)  # fmt: skip
        elif "country_iso3" in frame:  # yearly, per country
            years = {k: {m.year for m in v} for k, v in arrivals.items()}
            ok = pd.Series([p in years.get((c, t), set()) for c, t, p in
                            zip(frame["country_iso3"], frame["arrival_type"], period, strict=True)], index=frame.index)  # fmt: skip
        elif "route" in frame:
            ok = pd.Series(True, index=frame.index)  # checked through route_mortality_yearly's own test below
        else:
            ok = italy_ok
        zero = pd.to_numeric(frame[column], errors="coerce").eq(0) & ~ok
        bad += [f"{where}.{column} = 0 at {p}" for p in period[zero]]
    if "arrivals_malta" in frame and "month" in frame:
        malta = arrivals.get(("MLT", "sea"), set())
        zero = pd.to_numeric(frame["arrivals_malta"], errors="coerce").eq(0) & ~period.isin(malta)
        bad += [f"{where}.arrivals_malta = 0 at {p}" for p in period[zero]]
    return bad


def test_no_zero_where_no_source_covers(real_build) -> None:  # noqa: ANN001
    mmp_days = mmp_covered_days()
    mmp_months, mmp_full = _months_of(mmp_days)
    mmp_years = {m.year for m in mmp_months}
    arrivals = arrivals_covered_months()
    italy_months = arrivals[("ITA", "sea")]
    italy_years = {m.year for m in italy_months}
    # the raw files leave real gaps for this scan to bite on
    assert dt.date(2025, 6, 1) not in mmp_months and dt.date(2025, 11, 1) not in italy_months
    assert dt.date(2022, 1, 1) not in arrivals[("MLT", "sea")]
    violations: list[str] = []
    con = duckdb.connect(str(real_build.published_db), read_only=True)
    try:
        relations = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'curated' union all "
            "select view_name from duckdb_views() where schema_name = 'curated' and not internal").fetchall()]  # fmt: skip
        assert {"central_med_monthly", "sea_arrivals_monthly", "sea_arrivals_yearly", "route_mortality_yearly",
                "central_med_yearly", "deaths_by_route_month"} <= set(relations)  # fmt: skip
        # the scan itself finds a planted 0 in a month no Missing Migrants file covers, and in Malta's gap
        planted = con.execute("select * from curated.central_med_monthly").df()
        gap = pd.to_datetime(planted["month"]).dt.date.isin([dt.date(2025, 6, 1), dt.date(2022, 1, 1)])
        planted.loc[gap, ["dead_and_missing", "arrivals_malta"]] = 0
        found = _zero_violations(
            planted, "planted", mmp_months, mmp_years, arrivals, italy_months, italy_years
        )
        assert sorted(found) == [
            "planted.arrivals_malta = 0 at 2022-01-01", "planted.arrivals_malta = 0 at 2025-06-01",
            "planted.dead_and_missing = 0 at 2025-06-01",
        ]  # fmt: skip
        for name in relations:
            frame = con.execute(f"select * from curated.{name}").df()
            violations += _zero_violations(
                frame, name, mmp_months, mmp_years, arrivals, italy_months, italy_years
            )
        # a ratio only where both inputs cover the whole month (monthly) or year (yearly)
        monthly = con.execute("select month, mortality_per_1000 from curated.central_med_monthly "
                              "where mortality_per_1000 is not null").fetchall()  # fmt: skip
        violations += [
            f"central_med_monthly.mortality_per_1000 at {m}" for m, _ in monthly if m not in mmp_full
        ]
        yearly = con.execute("select route, year from curated.route_mortality_yearly "
                             "where mortality_per_1000 is not null").fetchall()  # fmt: skip
        full_years = {y for y in mmp_years if all(dt.date(y, m, 1) in mmp_full for m in range(1, 13))}
        violations += [
            f"route_mortality_yearly.mortality_per_1000 {r} {y}" for r, y in yearly if y not in full_years
        ]
        # a route's arrivals only for years the required series reports
        route = con.execute("select route, year, arrivals from curated.route_mortality_yearly "
                            "where arrivals = 0 or (route = 'Central Mediterranean' and arrivals is not null)").fetchall()  # fmt: skip
        violations += [f"route_mortality_yearly.arrivals {r} {y}" for r, y, a in route
                       if a == 0 or y not in italy_years]  # fmt: skip
    finally:
        con.close()
    for path in sorted(real_build.charts_dir.glob("*/*.csv")):
        frame = pd.read_csv(path)
        violations += _zero_violations(
            frame, path.name, mmp_months, mmp_years, arrivals, italy_months, italy_years
        )
        if "mortality_per_1000" in frame and "year" in frame:
            shown = frame[frame["mortality_per_1000"].notna()]
            violations += [f"{path.name} mortality {y}" for y in shown["year"] if y not in full_years]
    assert violations == []


def test_mortality_is_null_with_its_reason_for_2025_and_both_yearly_tables_agree(real_build) -> None:  # noqa: ANN001
    db = real_build.published_db
    rows = query(db, "select year, mortality_per_1000, mortality_null_reason, dead_and_missing_is_complete, "
                     "arrivals_is_complete from curated.route_mortality_yearly "
                     "where route = 'Central Mediterranean' and year = 2025")  # fmt: skip
    ((year, rate, reason, deaths_complete, arrivals_complete),) = rows
    assert rate is None and deaths_complete is False and arrivals_complete is False
    assert (
        "2025-04-29" in reason and "2025-09-15" in reason
    )  # both coverage ends: MMP and the ministry's last report
    disagree = query(db, "select count(*) from curated.central_med_yearly y join curated.route_mortality_yearly r "
                         "on r.route = 'Central Mediterranean' and r.year = y.year "
                         "where y.arrivals_total is distinct from r.arrivals "
                         "or y.dead_and_missing is distinct from r.dead_and_missing "
                         "or y.mortality_per_1000 is distinct from r.mortality_per_1000")  # fmt: skip
    assert disagree == [(0,)]
    deaths = dict(
        query(db, "select year, dead_and_missing::int from curated.central_med_yearly where year < 2025")
    )
    assert deaths == MMP_CENTRAL_MED_2014_2024


def test_italy_annual_arrivals_equal_a_publishers_own_figure_and_name_it(real_build) -> None:  # noqa: ANN001
    shared = require_shared()
    points = json.loads((shared / "unhcr" / "timeseries_month_geo656_group4797_sv11_2014-01_2019-11.json")
                        .read_text())["data"]["timeseries"]  # fmt: skip
    unhcr: dict[int, int] = defaultdict(int)
    for p in points:
        unhcr[p["year"]] += p["individuals"]
    by_report: dict[str, int] = defaultdict(int)
    with (shared / "italy_moi" / "nazionalita.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_report[row["Data_Report"]] += int(row["Valore"])
    ministry = {int(d[:4]): v for d, v in by_report.items() if d.endswith("-12-31")}
    assert {y: unhcr[y] for y in UNHCR_ITALY} == UNHCR_ITALY and {
        y: ministry[y] for y in MINISTRY_ITALY
    } == MINISTRY_ITALY
    got = {y: (a, s, p, c) for y, a, s, p, c in query(
        real_build.published_db, "select year, arrivals, source, is_publisher_annual_total, is_complete "
        "from curated.sea_arrivals_yearly where country_iso3 = 'ITA' and arrival_type = 'sea'")}  # fmt: skip
    expected = {**{y: (v, "unhcr_odp", True, True) for y, v in UNHCR_ITALY.items()},
                **{y: (v, "italy_moi", True, True) for y, v in MINISTRY_ITALY.items()}}  # fmt: skip
    assert {y: got[y] for y in range(2014, 2025)} == expected
    spliced = dict(query(real_build.published_db, "select year, is_spliced from curated.sea_arrivals_yearly "
                                                  "where country_iso3 = 'ITA' and year between 2014 and 2024"))  # fmt: skip
    assert [y for y, s in spliced.items() if s] == [2019]
    # 2025 stops at the ministry's last report: partial, never a complete year
    assert got[2025][2:] == (False, False)
    html = (real_build.reports_dir / "index.html").read_text(encoding="utf-8")
    assert (
        "Deaths per 1,000 attempted crossings, Central Mediterranean, 2024 (denominator: arrivals to Italy only"
        in html
    )
