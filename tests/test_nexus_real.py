"""Integration: curated.nexus_by_nationality built from the real ministry, UNHCR and GLOTIP snapshots in
../shared/data, every share recomputed here from the raw files (the ministry's nazionalita.csv at 31 December,
UNHCR's origin and monthly series responses, the GLOTIP workbook with python-calamine)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from functools import cache

import pycountry
import pytest

from tests.build_helpers import query
from tests.conftest import require_shared

pytestmark = [pytest.mark.integration, pytest.mark.slow]

GLOTIP = "data_glotip_2025-04-14.xlsx"  # the newer release is the one in use
ITALY_DETECTED_2022 = 2146  # UNODC, as listed in ../shared/data/README.md


@pytest.fixture(scope="module")
def real(real_everything):  # noqa: ANN001, ANN201
    """Every real snapshot imported together and built once (tests/conftest.py)."""
    return real_everything


def nexus(paths, where: str = "true") -> list[dict]:  # noqa: ANN001
    con_rows = query(paths.published_db, f"select * from curated.nexus_by_nationality where {where}")
    names = [r[0] for r in query(paths.published_db, "select column_name from duckdb_columns() where schema_name = "
                                 "'curated' and table_name = 'nexus_by_nationality' order by column_index")]  # fmt: skip
    return [dict(zip(names, r, strict=True)) for r in con_rows]


@cache
def ministry_year_ends() -> dict[int, dict[str | None, int]]:
    """Year -> {ISO3 or None for 'altre': arrivals} at the report of 31 December."""
    found: dict[int, dict[str | None, int]] = defaultdict(dict)
    with (require_shared("italy_moi") / "nazionalita.csv").open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["Data_Report"][5:] == "12-31":
                code = r["ISO_3166-1"].strip()
                iso3 = pycountry.countries.get(alpha_2=code).alpha_3 if code else None
                found[int(r["Data_Report"][:4])][iso3] = int(r["Valore"].replace(",", ""))
    return found


@cache
def unhcr() -> tuple[dict[tuple[int, str], list[int]], dict[int, int]]:
    """(year, origin code) -> monthly values listed; year -> sea arrivals to Italy of the monthly series."""
    folder = require_shared("unhcr")
    manifest = json.loads((folder / "manifest.json").read_text())
    origin_file = next(m["file"] for m in manifest if m["file"].startswith("origin_month_geo656"))
    series_file = next(
        m["file"] for m in manifest if m["file"].startswith("timeseries_month_geo656_group4797_sv11")
    )
    origin: dict[tuple[int, str], list[int]] = defaultdict(list)
    for r in json.loads((folder / origin_file).read_text())["data"]:
        origin[(r["year"], r["pop_origin_code"])].append(r["individuals"])
    series: dict[int, int] = defaultdict(int)
    for r in json.loads((folder / series_file).read_text())["data"]["timeseries"]:
        series[r["year"]] += r["individuals"]
    return origin, series


@cache
def glotip_rows() -> list[list]:
    from python_calamine import CalamineWorkbook

    return (
        CalamineWorkbook.from_path(str(require_shared("glotip") / GLOTIP))
        .get_sheet_by_name("data_glotip_1")
        .to_python()
    )


def number(text: object) -> int | None:
    text = str(text).strip()
    return None if text == "<5" else int(float(text.replace(",", "")))


@cache
def glotip_italy() -> tuple[dict[int, int], dict[int, list[tuple[str, int | None]]]]:
    """Year -> national total of detected victims; year -> [(citizenship, count or None for '<5')]."""
    totals, citizenships = {}, defaultdict(list)
    for r in glotip_rows()[3:]:
        if r[0] == "ITA" and r[4] == "Detected trafficking victims" and r[7] == "Total" and r[8] == "Total":
            if r[5] == "Total":
                totals[int(r[9])] = number(r[11])
            elif r[5] == "by citizenship":
                citizenships[int(r[9])].append((r[6], number(r[11])))
    return totals, citizenships


def test_ministry_shares_are_over_its_total_at_31_december(real) -> None:  # noqa: ANN001
    years = ministry_year_ends()
    assert sorted(years) == [2019, 2020, 2021, 2022, 2023, 2024]
    for year, values in years.items():
        total = sum(values.values())
        rows = {r["nationality_iso3"]: r for r in nexus(real, f"year = {year}")}
        listed = {k: v for k, v in values.items() if k is not None}
        for iso3, arrivals in listed.items():
            r = rows[iso3]
            assert (r["arrivals_source"], r["arrivals_italy"], r["arrivals_denominator"]) == (
                "italy_moi",
                arrivals,
                total,
            )
            assert r["share_of_arrivals_italy"] == pytest.approx(round(arrivals / total, 4)), (year, iso3)
            assert r["arrival_share_status"] == "reported"
        assert r["arrivals_not_in_list"] == values[None]  # "altre"
        others = [r for k, r in rows.items() if k not in listed]
        assert all(r["arrivals_italy"] is None and r["share_of_arrivals_italy"] is None for r in others)
        assert {r["arrival_share_status"] for r in others} <= {"not in published list"}
    assert sum(ministry_year_ends()[2022].values()) == 105129  # the year-to-date the README lists


def test_unhcr_shares_are_over_its_own_monthly_series(real) -> None:  # noqa: ANN001
    origin, series = unhcr()
    for year in (2016, 2017, 2018):
        rows = {r["nationality_iso3"]: r for r in nexus(real, f"year = {year}")}
        listed = {code: months for (y, code), months in origin.items() if y == year and code != "OTH"}
        for code, months in listed.items():
            r = rows[code]
            assert (r["arrivals_source"], r["arrivals_italy"], r["arrivals_denominator"]) == (
                "unhcr_odp", sum(months), series[year])  # fmt: skip
            assert r["arrivals_months_listed"] == len(months)
            if len(months) == 12:
                assert r["share_of_arrivals_italy"] == pytest.approx(round(sum(months) / series[year], 4))
            else:  # Libya 2017: eleven months listed
                assert r["share_of_arrivals_italy"] is None and r["arrival_share_status"] == "partial year"
        assert r["arrivals_listed_total"] == sum(sum(m) for m in listed.values())
        assert r["arrivals_not_in_list"] == series[year] - r["arrivals_listed_total"] > 0
    assert series[2016] == 181436  # UNHCR's annual figure (README), the 2016 denominator
    assert [
        r["nationality_iso3"] for r in nexus(real, "arrival_share_status = 'partial year' and year < 2025")
    ] == ["LBY"]


def test_the_partial_year_2025_has_no_arrival_share(real) -> None:  # noqa: ANN001
    rows = nexus(real, "year = 2025")
    assert rows and all(r["share_of_arrivals_italy"] is None for r in rows)
    assert {r["arrival_share_status"] for r in rows} == {"partial year"}
    assert {str(r["arrivals_denominator_period_end"]) for r in rows} == {"2025-09-15"}


def test_victim_shares_and_statuses_match_the_workbook(real) -> None:  # noqa: ANN001
    totals, citizenships = glotip_italy()
    assert totals[2022] == ITALY_DETECTED_2022
    rows = nexus(real)
    sheet = glotip_rows()
    for r in rows:
        year = r["year"]
        if r["victims_status"] == "reported":
            raw = sheet[r["victims_source_row"] - 1]
            assert (raw[0], raw[5], int(raw[9]), number(raw[11])) == ("ITA", "by citizenship", year,
                                                                     r["detected_victims_italy"])  # fmt: skip
            assert r["detected_victims_italy_total"] == totals[year]
            if year != 2010:
                assert r["share_of_detected_victims_italy"] == pytest.approx(
                    round(r["detected_victims_italy"] / totals[year], 4))  # fmt: skip
        elif r["victims_status"] == "suppressed (<5)":
            assert r["detected_victims_italy"] is None and r["share_of_detected_victims_italy"] is None
        elif r["victims_status"] == "not reported":
            assert year not in citizenships and r["detected_victims_italy"] is None
        else:
            assert r["victims_status"] == "not in published list" and year in citizenships
        if year in citizenships:
            listed = citizenships[year]
            assert r["victims_listed_citizenships"] == len(listed)
            assert r["victims_listed_total"] == sum(v for _, v in listed if v is not None)
            assert r["victims_suppressed_citizenships"] == sum(1 for _, v in listed if v is None)
    suppressed = sum(1 for listed in citizenships.values() for _, v in listed if v is None)
    assert sum(1 for r in rows if r["victims_status"] == "suppressed (<5)") == suppressed


def test_italy_2010_exceeds_its_total_and_is_explained(real) -> None:  # noqa: ANN001
    totals, citizenships = glotip_italy()
    over = sorted(y for y, listed in citizenships.items() if sum(v or 0 for _, v in listed) > totals[y])
    assert over == [2010]
    rows = nexus(real, "year = 2010")
    assert all(r["share_of_detected_victims_italy"] is None for r in rows)
    assert {r["victims_share_status"] for r in rows if r["victims_status"] == "reported"} == {
        "withheld: citizenships exceed the national total"}  # fmt: skip
    assert rows[0]["victims_listed_total"] == 197 and rows[0]["detected_victims_italy_total"] == 96
    assert "recorded by" in rows[0]["victims_share_explanation"]
    results = query(real.published_db, "select expectation, success, kwargs from curated.validation_results "
                    "where check_name = 'victim_shares_within_total' and level = 'expectation' order by expectation")  # fmt: skip
    assert len(results) == 3 and all(success for _, success, _ in results)
    assert any("ITA 2010" in kwargs for _, _, kwargs in results)


def test_chart_data_keeps_missing_values_missing(real) -> None:  # noqa: ANN001
    path = (
        real.reports_dir
        / "charts"
        / "nexus_arrivals_vs_trafficking_victims"
        / "nexus_arrivals_vs_trafficking_victims.csv"
    )
    with path.open(newline="") as handle:
        data = list(csv.DictReader(handle))
    assert {r["year"] for r in data} == {"2021"}
    for r in data:
        if r["arrival_share_status"] != "reported":
            assert r["share_of_arrivals_italy"] == ""
        if r["victims_share_status"] != "reported":
            assert r["share_of_detected_victims_italy"] == ""
        assert r["shown"] == str(r["arrival_share_status"] == r["victims_share_status"] == "reported"
                                 and r["nationality_iso3"] != "ITA")  # fmt: skip
    egypt = next(r for r in data if r["nationality_iso3"] == "EGY")
    values = ministry_year_ends()[2021]
    assert float(egypt["share_of_arrivals_italy"]) == pytest.approx(
        round(values["EGY"] / sum(values.values()), 4)
    )
    caption = path.with_name("nexus_arrivals_vs_trafficking_victims.caption.txt").read_text()
    suppressed = sum(
        1
        for r in data
        if r["victims_share_status"] == "suppressed (<5)" and r["arrival_share_status"] == "reported"
    )
    assert f"victims suppressed by UNODC (<5): {suppressed} (" in caption
