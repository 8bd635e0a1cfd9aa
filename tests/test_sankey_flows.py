"""The flows Sankey's links: arrivals to Italy and Malta, dead and missing, and interceptions and returns to Libya
where a published figure covers the whole year, never a flow of 0 for what is not reported."""

from __future__ import annotations

import pandas as pd

from pipelines.defs.curated.evidence_figures import flows_data

YEAR = 2023


def _inputs(malta: int | None = 500) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    by_nationality = pd.DataFrame({
        "destination_iso3": ["ITA"] * 3, "period_start": [f"{YEAR}-01-01"] * 3, "source": ["italy_moi"] * 3,
        "nationality_iso3": ["GIN", "CIV", None], "nationality": ["Guinea", "Costa d'Avorio", "Altre"],
        "arrivals": [18_000, 16_000, 6_000],
    })  # fmt: skip
    rows = [("ITA", 45_000)] + ([("MLT", malta)] if malta is not None else [])
    arrivals_yearly = pd.DataFrame({
        "country_iso3": [c for c, _ in rows], "arrival_type": ["sea"] * len(rows), "year": [YEAR] * len(rows),
        "is_complete": [True] * len(rows), "arrivals": [v for _, v in rows],
    })  # fmt: skip
    route_yearly = pd.DataFrame({"route": ["Central Mediterranean"], "year": [YEAR], "dead_and_missing": [2_500]})
    return by_nationality, arrivals_yearly, route_yearly


def _attempts(returned: int, complete: bool) -> pd.DataFrame:
    return pd.DataFrame({
        "year": [YEAR], "intercepted_returned_libya": [returned], "intercepted_is_complete": [complete],
        "intercepted_covered_to": [pd.Timestamp(f"{YEAR}-12-31" if complete else f"{YEAR}-07-12")],
        "intercepted_citation": ["IOM Libya, Maritime update (https://example.org/iom, published 2024-01-05)"],
    })  # fmt: skip


def _links(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {(f, t): int(p) for f, t, p in zip(frame["from"], frame["to"], frame["people"], strict=True)}


def test_a_whole_year_of_returns_to_libya_is_an_outcome_with_its_citation() -> None:
    links = flows_data(*_inputs(), YEAR, attempts_yearly=_attempts(17_190, complete=True))
    got = _links(links)
    route = "Central Mediterranean"
    assert got[(route, "Intercepted and returned to Libya")] == 17_190
    assert got[(route, "Arrived in Italy")] == 45_000 and got[(route, "Arrived in Malta")] == 500
    assert got[(route, "Dead or missing")] == 2_500
    # what flows into the route equals what flows out of it
    into = sum(v for (f, t), v in got.items() if t == route)
    assert into == 45_000 + 500 + 2_500 + 17_190
    # nationalities are recorded for arrivals to Italy only: 45,000 - 40,000 listed + Malta + dead + returned
    assert got[("Nationality not recorded", route)] == 5_000 + 500 + 2_500 + 17_190
    assert links["interception"].iloc[0].startswith("included: IOM Libya")


def test_returns_published_for_part_of_the_year_or_not_at_all_draw_no_flow() -> None:
    partial = flows_data(*_inputs(), YEAR, attempts_yearly=_attempts(12_338, complete=False))
    assert "Intercepted and returned to Libya" not in set(partial["to"])
    assert partial["interception"].iloc[0] == f"published only to {YEAR}-07-12: left out"
    none = flows_data(*_inputs(malta=None), YEAR, attempts_yearly=None)
    assert "Intercepted and returned to Libya" not in set(none["to"]) and "Arrived in Malta" not in set(none["to"])
    assert (none["people"] > 0).all()
