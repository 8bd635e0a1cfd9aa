"""Route figure functions on small frames: a missing year is a gap (never 0), a partial year is marked, every
plotted published figure is cited."""

from __future__ import annotations

import math

import pandas as pd

from pipelines.defs.curated import route_figures as rf


def published() -> pd.DataFrame:
    rows = [
        (
            "a",
            "intercepted_returned_to_libya",
            2021,
            30000,
            False,
            True,
            "2021-12-31",
            "IOM, https://example.org/a",
        ),
        (
            "b",
            "intercepted_returned_to_libya",
            2022,
            24000,
            False,
            True,
            "2022-12-31",
            "IOM, https://example.org/b",
        ),
        (
            "c",
            "intercepted_returned_to_libya",
            2025,
            12000,
            True,
            True,
            "2025-07-12",
            "IOM, https://example.org/c",
        ),
        (
            "d",
            "dead_reported_by_iom_libya",
            2022,
            520,
            False,
            False,
            "2022-12-31",
            "IOM, https://example.org/d",
        ),
        (
            "e",
            "intercepted_returned_to_libya",
            2023,
            99,
            False,
            False,
            "2023-12-31",
            "other, https://example.org/e",
        ),
    ]
    columns = ["figure_id", "series", "year", "value", "is_partial", "is_preferred", "period_end", "citation"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["period_start"] = frame["year"].astype(str) + "-01-01"
    frame["publisher"] = "IOM Libya"
    return frame


def test_returns_keep_only_preferred_rows_and_mark_partial_years() -> None:
    data = rf.returns_data(published())
    assert list(data["year"]) == [2021, 2022, 2025] and list(data["intercepted_returned"]) == [
        30000,
        24000,
        12000,
    ]
    figure = rf.build_returns(data)
    partial = next(t for t in figure.data if t.name.startswith("partial"))
    assert list(partial.x) == [2025] and list(partial.text) == ["to 12 Jul"]
    caption = rf.figure_citations(published()[published()["figure_id"].isin(data["figure_id"])])
    assert all(f"https://example.org/{f}" in caption for f in "abc") and "example.org/e" not in caption


def test_proxies_leave_gaps_and_open_markers_for_partial_years() -> None:
    proxies = pd.DataFrame({
        "indicator_source": ["frontex_ibc"] * 3 + ["eurostat_eipre"] * 2, "area": ["ITA+MLT"] * 3 + ["ITA"] * 2,
        "year": [2023, 2024, 2025, 2022, 2024], "value": [158026, None, 15820, 138420, None],
        "is_complete": [True, True, False, True, False], "flag": [None, None, "partial year", None, ":"],
    })  # fmt: skip
    figure = rf.build_proxies(rf.proxy_data(proxies))
    frontex = next(t for t in figure.data if t.name.startswith("Frontex"))
    assert math.isnan(frontex.y[1]) and frontex.connectgaps is False  # not reported: a gap, never 0
    assert list(frontex.marker.symbol) == ["circle", "circle", "circle-open"]


def test_mortality_shows_both_denominators_with_gaps() -> None:
    attempts = pd.DataFrame({
        "year": [2021, 2022], "mortality_per_1000_attempts": [15.36, None], "mortality_per_1000_arrivals_basis": [22.63, 13.3],
        "attempted_crossings": [101017, None], "arrivals": [67040, 105129], "intercepted_returned_libya": [32425, None],
        "dead_and_missing": [1552, 1417], "attempts_null_reason": [None, "no published figure"], "intercepted_citation": ["x", None],
    })  # fmt: skip
    figure = rf.build_mortality(rf.mortality_data(attempts))
    names = [t.name for t in figure.data]
    assert any("attempts" in n for n in names) and any("narrower" in n for n in names)
    over_attempts = next(t for t in figure.data if "attempts" in t.name)
    assert over_attempts.y[0] == 15.36 and (over_attempts.y[1] is None or math.isnan(over_attempts.y[1]))
