"""curated.nexus_frontex_lagged and its chart on small hand-made inputs: victims detected in Italy in a year beside
Frontex detections on the Central Mediterranean route 0 to 3 years earlier; Italian nationals apart; the two
designations matched across publishers; a year Frontex covers in part or not at all has no share, never 0."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from pipelines.defs.curated import nexus_charts
from pipelines.lib import sql

# victims detected in Italy in 2021 (UNODC): national total 100; Italians 40, Nigerians 20, Kosovars 5, Peruvians <5
VICTIMS = [  # nationality, status, count, share
    ("ITA", "reported", 40, 0.4), ("NGA", "reported", 20, 0.2), ("XKX", "reported", 5, 0.05),
    ("PER", "suppressed (<5)", None, None),
]  # fmt: skip
LABELS = {"ITA": "Italian", "NGA": "Nigerian", "XKX": "Kosovar", "PER": "Peruvian"}
# Frontex, Central Mediterranean: (year, key, iso3, kind, detections); 2021 and 2020 complete, 2019 partial,
# 2018 not covered
FRONTEX = [
    (2021, "NGA", "NGA", "country", 300), (2021, "BGD", "BGD", "country", 600), (2021, "Kosovo*", None, "designation", 0),
    (2021, "Unknown", None, "not_a_country", 100),
    (2020, "NGA", "NGA", "country", 50), (2020, "BGD", "BGD", "country", 150),
    (2019, "NGA", "NGA", "country", 10),
]  # fmt: skip
MONTHS = {2021: 12, 2020: 12, 2019: 5}


def inputs(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema curated")
    nexus = pd.DataFrame([
        {"year": 2021, "nationality_iso3": iso3, "detected_victims_italy": count, "victims_status": status,
         "detected_victims_suppressed": status.startswith("suppressed"), "share_of_detected_victims_italy": share,
         "victims_share_status": status, "detected_victims_italy_total": 100, "victims_listed_citizenships": 4,
         "victims_share_explanation": None, "victims_source_file": "glotip.xlsx", "victims_source_row": 10 + i}
        for i, (iso3, status, count, share) in enumerate(VICTIMS)
    ] + [  # an arrivals-only row of the same year: not a victims row
        {"year": 2021, "nationality_iso3": "BGD", "detected_victims_italy": None,
         "victims_status": "not in published list", "detected_victims_suppressed": False,
         "share_of_detected_victims_italy": None, "victims_share_status": "not in published list",
         "detected_victims_italy_total": 100, "victims_listed_citizenships": 4, "victims_share_explanation": None,
         "victims_source_file": None, "victims_source_row": None},
    ])  # fmt: skip
    thb = pd.DataFrame([
        {"source": "unodc_glotip", "geo_level": "country", "country_iso3": "ITA", "indicator": "detected victims",
         "dimension": "citizenship", "category_iso3": iso3, "category_label": label, "year": 2021}
        for iso3, label in LABELS.items()
    ])  # fmt: skip
    totals = {y: sum(r[4] for r in FRONTEX if r[0] == y) for y in MONTHS}
    mix = pd.DataFrame([
        {"year": y, "nationality_key": key, "nationality": key, "nationality_iso3": iso3, "nationality_kind": kind,
         "detections": n, "share_percent": round(100 * n / totals[y], 2) if MONTHS[y] == 12 else None,
         "route_detections": totals[y] if MONTHS[y] == 12 else None, "months_covered": MONTHS[y],
         "is_complete": MONTHS[y] == 12,
         "share_null_reason": None if MONTHS[y] == 12 else f"partial year: {MONTHS[y]} months to {y}-05"}
        for y, key, iso3, kind, n in FRONTEX
    ])  # fmt: skip
    for name, frame in (
        ("nexus_by_nationality", nexus),
        ("thb_victims", thb),
        ("frontex_nationality_mix_yearly", mix),
    ):
        con.register("frame", frame)
        con.execute(f"create table curated.{name} as select * from frame")
        con.unregister("frame")


@pytest.fixture
def lagged() -> pd.DataFrame:
    con = duckdb.connect()
    inputs(con)
    sql.build_table(con, "curated", "nexus_frontex_lagged")
    return con.execute("select * from curated.nexus_frontex_lagged").df()


def row(frame: pd.DataFrame, key: str, lag: int) -> pd.Series:
    found = frame[(frame["nationality_key"] == key) & (frame["lag_years"] == lag)]
    assert len(found) == 1, (key, lag)
    return found.iloc[0]


def test_shares_of_victims_beside_shares_of_detections_each_lag(lagged: pd.DataFrame) -> None:
    assert sorted(lagged["lag_years"].unique()) == [0, 1, 2, 3]
    assert set(lagged["victims_year"]) == {2021}
    nga0, nga1 = row(lagged, "NGA", 0), row(lagged, "NGA", 1)
    assert (nga0["crossing_year"], nga0["frontex_detections"], nga0["frontex_share_percent"]) == (
        2021,
        300,
        30.0,
    )
    assert (nga1["crossing_year"], nga1["frontex_detections"], nga1["frontex_share_percent"]) == (
        2020,
        50,
        25.0,
    )
    assert nga0["share_of_detected_victims_italy"] == nga1["share_of_detected_victims_italy"] == 0.2
    assert nga0["frontex_route_detections"] == 1000 and nga1["frontex_route_detections"] == 200
    # Frontex shares of a complete year add up to 100 over every key it lists, unknowns included
    assert lagged[lagged["lag_years"] == 0]["frontex_share_percent"].sum() == pytest.approx(100)
    assert row(lagged, "Unknown", 0)["victims_status"] == "not a citizenship UNODC lists"
    assert row(lagged, "BGD", 0)["victims_status"] == "not in published list"


def test_nationals_are_apart_and_never_given_a_frontex_figure(lagged: pd.DataFrame) -> None:
    italians = lagged[lagged["nationality_key"] == "ITA"]
    assert len(italians) == 4 and italians["is_national"].all()
    assert italians["frontex_detections"].isna().all() and italians["frontex_share_percent"].isna().all()
    assert set(italians["frontex_status"]) == {"nationals: not counted by Frontex"}
    assert set(italians["detected_victims_italy"]) == {40} and set(italians["nationality"]) == {"Italian"}
    assert not lagged.loc[lagged["nationality_key"] != "ITA", "is_national"].any()


def test_a_designation_meets_unodcs_code_and_a_zero_stays_a_published_zero(lagged: pd.DataFrame) -> None:
    kosovo = row(lagged, "XKX", 0)
    assert (kosovo["nationality"], kosovo["nationality_kind"], kosovo["detected_victims_italy"]) == (
        "Kosovo*", "designation", 5)  # fmt: skip
    assert kosovo["frontex_detections"] == 0 and kosovo["frontex_share_percent"] == 0  # Frontex published 0
    assert row(lagged, "XKX", 1)["frontex_status"] == "not in Frontex list"  # 2020 lists no Kosovo*
    assert pd.isna(row(lagged, "XKX", 1)["frontex_detections"])


def test_a_partial_or_uncovered_year_has_no_share(lagged: pd.DataFrame) -> None:
    nga2, nga3 = row(lagged, "NGA", 2), row(lagged, "NGA", 3)
    assert nga2["frontex_detections"] == 10 and pd.isna(nga2["frontex_share_percent"])
    assert nga2["frontex_status"] == "partial year: 5 months to 2019-05"
    assert pd.isna(nga3["frontex_detections"]) and nga3["frontex_status"] == "not reported"
    peru = row(lagged, "PER", 0)
    assert peru["victims_status"] == "suppressed (<5)" and pd.isna(peru["detected_victims_italy"])
    assert peru["frontex_status"] == "not in Frontex list"


def test_the_chart_plots_only_both_shares_and_counts_the_rest(lagged: pd.DataFrame) -> None:
    data = nexus_charts.lagged_data(lagged)
    shown = data[data["shown"]]
    # lag 0: NGA (both shares) and XKX (0 % of detections is a published share); lag 1: NGA only
    assert sorted(zip(shown["lag_years"], shown["nationality_key"], strict=True)) == [
        (0, "NGA"),
        (0, "XKX"),
        (1, "NGA"),
    ]
    note = nexus_charts.lagged_caption_note(data)
    assert "Italian nationals: 40 detected victims (40.0% of the total)" in note
    assert "detections in 2019 (two years earlier, no complete Frontex year): 0 nationalities plotted" in note
    assert "detections in 2018 (three years earlier, no complete Frontex year)" in note
    figure = nexus_charts.build_lagged(data)
    points = [t for t in figure.data if t.mode == "markers+text"]
    assert [len(t.x) for t in points] == [2, 1, 0, 0]
    assert all(v is not None for t in points for v in t.x)
