"""curated.nexus_by_nationality, its check and its chart on the fixtures in tests/fixtures/nexus: values the
publishers do not give are null with a status (never 0), shares are over the denominators the columns name,
partial years have no share, and victim shares over 100 % fail the check unless an explanation is recorded."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.defs.curated import nexus, nexus_charts, nexus_checks
from pipelines.lib import sql
from tests.conftest import FIXTURES

HERE = FIXTURES / "nexus"
INPUTS = {
    "curated.arrivals_by_nationality": "arrivals_by_nationality.csv",
    "staging.stg_unhcr_odp__arrivals": "unhcr_arrivals.csv",
    "staging.stg_unhcr_odp__arrivals_by_nationality": "unhcr_origin_accessed.csv",
    "curated.thb_victims": "thb_victims.csv",
}


def fixture_rows(name: str) -> list[dict]:
    with (HERE / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def build(tmp_path: Path, explanations: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "nexus.duckdb"))
    for schema in ("curated", "staging"):
        con.execute(f"create schema if not exists {schema}")
    for table, name in INPUTS.items():
        con.execute(
            f"create or replace table {table} as select * from read_csv(?, header = true)", [str(HERE / name)]
        )
    nexus.load_explanations(con, HERE / explanations)
    sql.build_table(con, "curated", "nexus_by_nationality")
    return con


def table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("select * from curated.nexus_by_nationality").df()


def row(frame: pd.DataFrame, iso3: str, year: int) -> pd.Series:
    found = frame[(frame["nationality_iso3"] == iso3) & (frame["year"] == year)]
    assert len(found) == 1, (iso3, year)
    return found.iloc[0]


@pytest.fixture
def built(tmp_path: Path) -> pd.DataFrame:
    con = build(tmp_path, "explanations_2019_withheld.csv")
    try:
        yield table(con)
    finally:
        con.close()


def test_arrival_shares_are_over_the_publishers_total_of_all_arrivals(built: pd.DataFrame) -> None:
    arrivals = fixture_rows("arrivals_by_nationality.csv")
    # ministry 2021: every row of its 31 December report, the listed nationalities and "altre"
    ministry = [r for r in arrivals if r["source"] == "italy_moi" and r["period_end"] == "2021-12-31"]
    total_2021 = sum(int(r["arrivals"]) for r in ministry)
    egypt = row(built, "EGY", 2021)
    assert egypt["arrivals_denominator"] == total_2021 == 1000
    assert egypt["share_of_arrivals_italy"] == pytest.approx(100 / total_2021)
    assert egypt["arrival_share_status"] == "reported" and egypt["arrivals_denominator_source"] == "italy_moi"
    assert "2021-12-31" in egypt["arrivals_denominator_basis"]
    assert egypt["arrivals_not_in_list"] == 500  # the ministry's "altre"
    # UNHCR 2018: its monthly series (12 x 50), not the sum of the nationalities it lists (120 + 55, Others 0)
    series = sum(int(r["arrivals"]) for r in fixture_rows("unhcr_arrivals.csv") if r["year"] == "2018")
    listed = sum(int(r["arrivals"]) for r in arrivals if r["source"] == "unhcr_odp" and r["nationality_iso3"])
    nigeria = row(built, "NGA", 2018)
    assert nigeria["arrivals_denominator"] == series == 600
    assert nigeria["share_of_arrivals_italy"] == pytest.approx(120 / series)
    assert nigeria["arrivals_denominator_source"] == "unhcr_odp" and nigeria["arrivals_months_listed"] == 12
    assert nigeria["arrivals_listed_total"] == listed == 175
    assert nigeria["arrivals_not_in_list"] == series - listed
    assert f"sum to {listed}" in nigeria["arrivals_denominator_basis"]


def test_partial_years_have_no_share(built: pd.DataFrame) -> None:
    egypt = row(built, "EGY", 2022)  # the ministry's last report of 2022 is 30 June
    assert egypt["arrivals_italy"] == 50 and pd.isna(egypt["share_of_arrivals_italy"])
    assert egypt["arrival_share_status"] == "partial year" and not egypt["arrivals_year_complete"]
    assert str(egypt["arrivals_period_end"])[:10] == "2022-06-30"
    guinea = row(built, "GIN", 2018)  # listed by UNHCR in eleven months
    assert guinea["arrivals_italy"] == 55 and pd.isna(guinea["share_of_arrivals_italy"])
    assert guinea["arrival_share_status"] == "partial year" and guinea["arrivals_months_listed"] == 11


def test_unlisted_suppressed_and_unreported_values_are_null_with_a_status(built: pd.DataFrame) -> None:
    sudan = row(built, "SDN", 2021)  # in the ministry's list, not among UNODC's citizenships of 2021
    assert sudan["victims_status"] == "not in published list" and pd.isna(sudan["detected_victims_italy"])
    assert pd.isna(sudan["share_of_detected_victims_italy"])
    tunisia = row(built, "TUN", 2021)  # UNODC '<5'
    assert tunisia["victims_status"] == "suppressed (<5)" and bool(tunisia["detected_victims_suppressed"])
    assert pd.isna(tunisia["detected_victims_italy"]) and pd.isna(tunisia["share_of_detected_victims_italy"])
    nigeria = row(built, "NGA", 2021)  # among the victims, inside the ministry's "altre"
    assert nigeria["arrival_share_status"] == "not in published list" and pd.isna(nigeria["arrivals_italy"])
    assert pd.isna(nigeria["share_of_arrivals_italy"])
    assert nigeria["share_of_detected_victims_italy"] == pytest.approx(30 / 100)
    romania = row(built, "ROU", 2019)  # no arrivals source covers 2019
    assert romania["arrival_share_status"] == "not reported" and pd.isna(romania["arrivals_denominator"])
    egypt = row(built, "EGY", 2022)  # UNODC gives a 2022 total but no citizenships
    assert egypt["victims_status"] == "not reported" and pd.isna(egypt["detected_victims_italy"])
    # nothing the publishers did not give is 0 anywhere
    for column in ("arrivals_italy", "share_of_arrivals_italy", "detected_victims_italy",
                   "share_of_detected_victims_italy"):  # fmt: skip
        assert (built[column].dropna() > 0).all(), column


def test_victim_shares_over_the_national_total(built: pd.DataFrame) -> None:
    victims = [r for r in fixture_rows("thb_victims.csv") if r["source"] == "unodc_glotip"]
    totals = {r["year"]: int(r["value"]) for r in victims if r["dimension"] == "total"}
    counted: dict[str, int] = defaultdict(int)
    for r in victims:
        if r["dimension"] == "citizenship" and r["value"]:
            counted[r["year"]] += int(r["value"])
    egypt = row(built, "EGY", 2021)
    assert egypt["detected_victims_italy_total"] == totals["2021"]
    assert egypt["share_of_detected_victims_italy"] == pytest.approx(10 / totals["2021"])
    # the breakdown sum counts every published citizenship row, 'Unknown' included, never the '<5'
    assert egypt["victims_listed_total"] == counted["2021"] == 85
    assert egypt["victims_listed_citizenships"] == 5 and egypt["victims_suppressed_citizenships"] == 1
    assert egypt["victims_listed_share_sum"] == pytest.approx(counted["2021"] / totals["2021"])
    assert egypt["eu_registered_victims_in_group"] == 2500 and egypt["eu_victims_status"] == "reported"
    italians = row(built, "ITA", 2021)
    assert italians["eurostat_group"] == "NAT" and italians["eu_victims_status"] == "suppressed"
    assert pd.isna(italians["eu_registered_victims_in_group"])


def test_an_explained_excess_withholds_the_shares_and_passes(tmp_path: Path) -> None:
    con = build(tmp_path, "explanations_2019_withheld.csv")
    frame = table(con)
    y2019 = frame[frame["year"] == 2019]
    assert y2019["share_of_detected_victims_italy"].isna().all()
    assert (y2019["victims_share_status"] == "withheld: citizenships exceed the national total").all()
    assert y2019["detected_victims_italy"].tolist() == [10, 15]  # the counts stay
    assert y2019["victims_share_explanation"].str.contains("fixture reviewer").all()
    passed, metadata, rows = nexus_checks.evaluate(con, HERE / "explanations_2019_withheld.csv")
    assert passed, metadata
    assert [e["year"] for e in metadata["exceeding_100_percent"].data] == [2019]
    assert all(r["success"] for r in rows) and rows[0]["element_count"] == 3  # 2018, 2019, 2021
    con.close()


def test_an_unexplained_excess_fails_the_check(tmp_path: Path) -> None:
    con = build(tmp_path, "explanations_none.csv")
    frame = table(con)
    y2019 = frame[frame["year"] == 2019]
    assert y2019["share_of_detected_victims_italy"].sum() == pytest.approx(25 / 20)  # published, above 100 %
    passed, metadata, rows = nexus_checks.evaluate(con, HERE / "explanations_none.csv")
    assert not passed
    assert metadata["unexplained"].data == [{"country_iso3": "ITA", "year": 2019, "total": 20, "counted": 25,
                                             "share_sum": 1.25, "published_share_sum": 1.25}]  # fmt: skip
    assert rows[0]["success"] is False and rows[0]["unexpected_count"] == 1
    con.close()


def test_withheld_shares_that_are_still_published_fail(tmp_path: Path) -> None:
    con = build(tmp_path, "explanations_none.csv")  # built without the explanation: shares published
    passed, metadata, rows = nexus_checks.evaluate(con, HERE / "explanations_2019_withheld.csv")
    assert not passed and [e["year"] for e in metadata["withheld_but_published"].data] == [2019]
    assert rows[1]["success"] is False
    con.close()


def test_kept_shares_pass_with_their_explanation(tmp_path: Path) -> None:
    con = build(tmp_path, "explanations_2019_kept.csv")
    frame = table(con)
    assert frame.loc[frame["year"] == 2019, "share_of_detected_victims_italy"].notna().all()
    passed, _, _ = nexus_checks.evaluate(con, HERE / "explanations_2019_kept.csv")
    assert passed
    con.close()


def test_an_explanation_without_who_fails(tmp_path: Path) -> None:
    con = build(tmp_path, "explanations_none.csv")
    passed, metadata, rows = nexus_checks.evaluate(con, HERE / "explanations_incomplete.csv")
    assert not passed and metadata["explanation_file_problems"].data == [
        "explanations_incomplete.csv line 2: empty recorded_by"
    ]
    assert rows[2]["success"] is False
    con.close()


def test_the_project_explanations_are_complete() -> None:
    explanations, problems = nexus_checks.load_explanations()
    assert problems == []
    assert ("ITA", 2010) in explanations and explanations[("ITA", 2010)]["treatment"] == "withhold shares"


def test_chart_data_and_figure_never_draw_a_missing_share_as_zero(built: pd.DataFrame) -> None:
    data = nexus_charts.nexus_data(built)
    assert set(data["year"]) == {2021}  # the latest year with both shares reported
    shown = data[data["shown"]]
    assert shown["nationality_iso3"].tolist() == ["EGY"]
    # every other nationality of the year is in the chart data with its status and null shares, never 0
    assert set(data["nationality_iso3"]) == {"EGY", "TUN", "SDN", "NGA", "ITA"}
    tunisia = data[data["nationality_iso3"] == "TUN"].iloc[0]
    assert tunisia["victims_share_status"] == "suppressed (<5)" and pd.isna(
        tunisia["share_of_detected_victims_italy"]
    )
    figure = nexus_charts.build_nexus(data)
    points = next(t for t in figure.data if (t.name or "").startswith("Both shares reported"))
    assert list(points.x) == [0.1] and list(points.y) == [0.1]
    legend = [t.name for t in figure.data if (t.name or "").startswith("not plotted")]
    assert sorted(legend) == sorted([
        "not plotted: victims suppressed (<5) (1)",
        "not plotted: not in UNODC's list (1)",
        "not plotted: not in the ministry's arrivals list, victims reported (1)",
        "not plotted: Italian nationals (1)",
    ])  # fmt: skip
    note = nexus_charts.nexus_caption_note(data)
    assert "victims suppressed by UNODC (<5): 1 (TUN)" in note
    assert "of 1,000 sea arrivals to Italy in 2021" in note and "national total of 100 victims" in note


def test_chart_without_any_year_of_both_shares_is_empty() -> None:
    frame = pd.DataFrame({"year": [2019], "nationality_iso3": ["ROU"], "arrival_share_status": ["not reported"],
                          "victims_share_status": ["reported"]})  # fmt: skip
    data = nexus_charts.nexus_data(frame)
    assert data.empty and nexus_charts.left_out(data) == []
    assert len(nexus_charts.build_nexus(data).data) == 2  # the diagonal and an empty set of points


def test_every_column_is_documented(tmp_path: Path) -> None:
    con = build(tmp_path, "explanations_none.csv")
    columns = [r[0] for r in con.execute("select column_name from duckdb_columns() "
                                         "where table_name = 'nexus_by_nationality'").fetchall()]  # fmt: skip
    con.close()
    assert sorted(columns) == sorted(nexus.DOC["columns"])
    assert all(len(text) > 20 for text in nexus.DOC["columns"].values())
