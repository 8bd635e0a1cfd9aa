"""Integration: the route from Libya in the build of every real snapshot (tests/conftest.py): the nexus on the
Frontex basis with its lags, recomputed here from the 2025 Frontex workbook (openpyxl) and the GLOTIP release
(python-calamine); the brief's route section, every published figure resolving to the address and dates that
pipelines/defs/published_figures/figures.csv gives it (read here with the csv module); and the returns and
departures charts rendered in Chromium with the citation of every figure they plot."""

from __future__ import annotations

import csv
import html as html_lib
import re
from collections import defaultdict
from functools import cache

import pytest

from tests.build_helpers import query
from tests.conftest import ROOT
from tests.test_brief import render
from tests.test_frontex_ibc_integration import NEW, sheet, year_of
from tests.test_nexus_real import glotip_italy, glotip_rows, number

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FIGURES = ROOT / "pipelines" / "defs" / "published_figures" / "figures.csv"
VICTIMS_YEAR = 2021  # the latest year UNODC gives a citizenship breakdown for Italy (2022 has a total only)
# This test's own reading of a few Frontex labels (not the pipeline's mapping files)
KEYS = {"Nigeria": "NGA", "Pakistan": "PAK", "Bangladesh": "BGD", "Tunisia": "TUN", "Egypt": "EGY",
        "Unknown": "Unknown", "Kosovo*": "XKX", "Palestine^": "PSE"}  # fmt: skip


@pytest.fixture(scope="module")
def real(real_everything):  # noqa: ANN001, ANN201
    return real_everything


@cache
def frontex_central_med() -> tuple[dict[tuple[int, str], int], dict[int, int]]:
    """(year, label) -> detections and year -> all detections, Central Mediterranean, from the 2025 workbook."""
    header, *rows = sheet(NEW)
    by_label: dict[tuple[int, str], int] = defaultdict(int)
    totals: dict[int, int] = defaultdict(int)
    for row in rows:
        if str(row[0]).startswith("Central Mediterranean"):
            for h, v in zip(header[3:], row[3:], strict=True):
                by_label[(year_of(h), str(row[2]))] += int(v)
                totals[year_of(h)] += int(v)
    return dict(by_label), dict(totals)


def published_figures() -> dict[str, dict[str, str]]:
    with FIGURES.open(newline="", encoding="utf-8") as handle:
        return {r["figure_id"]: r for r in csv.DictReader(handle)}


def lagged(real, where: str) -> list[dict]:  # noqa: ANN001
    con_rows = query(real.published_db, f"select * from curated.nexus_frontex_lagged where {where}")
    names = [r[0] for r in query(real.published_db, "select column_name from duckdb_columns() where schema_name = "
                                 "'curated' and table_name = 'nexus_frontex_lagged' order by column_index")]  # fmt: skip
    return [dict(zip(names, r, strict=True)) for r in con_rows]


def test_lagged_nexus_reproduces_the_frontex_workbook_and_the_glotip_release(real) -> None:  # noqa: ANN001
    by_label, totals = frontex_central_med()
    victims_total, citizenships = glotip_italy()
    rows = lagged(real, f"victims_year = {VICTIMS_YEAR}")
    assert sorted({r["lag_years"] for r in rows}) == [0, 1, 2, 3]
    sheet_rows = glotip_rows()
    for lag in range(4):
        year = VICTIMS_YEAR - lag
        at_lag = {r["nationality_key"]: r for r in rows if r["lag_years"] == lag}
        assert {r["crossing_year"] for r in at_lag.values()} == {year}
        for label, key in KEYS.items():
            got = at_lag[key]
            assert got["frontex_detections"] == by_label[(year, label)], (label, year)
            assert got["frontex_share_percent"] == pytest.approx(
                round(100 * by_label[(year, label)] / totals[year], 2)
            )
            assert got["frontex_route_detections"] == totals[year]
        # every key Frontex lists is there: the detections add up to the route's total
        assert sum(r["frontex_detections"] or 0 for r in at_lag.values()) == totals[year]
        # victims: each count is the workbook's cell of its row, over UNODC's national total
        for r in at_lag.values():
            if r["victims_status"] == "reported":
                raw = sheet_rows[r["victims_source_row"] - 1]
                assert (raw[0], raw[5], int(raw[9])) == ("ITA", "by citizenship", VICTIMS_YEAR)
                assert number(raw[11]) == r["detected_victims_italy"]
                assert r["share_of_detected_victims_italy"] == pytest.approx(
                    round(r["detected_victims_italy"] / victims_total[VICTIMS_YEAR], 4))  # fmt: skip
            elif r["victims_status"] == "suppressed (<5)":
                assert r["detected_victims_italy"] is None
        listed = [v for _, v in citizenships[VICTIMS_YEAR]]
        unodc = [r for r in at_lag.values() if r["victims_status"] in ("reported", "suppressed (<5)")]
        assert sum(r["detected_victims_italy"] or 0 for r in unodc) <= sum(v or 0 for v in listed)
        assert sum(1 for r in unodc if r["detected_victims_italy"] is None) == sum(
            1 for v in listed if v is None
        )
        italy = at_lag["ITA"]
        italians = [
            v for label, v in citizenships[VICTIMS_YEAR] if label == "Italian"
        ]  # UNODC labels by demonym
        assert italians and italy["detected_victims_italy"] == italians[0] and italy["is_national"]
        assert (
            italy["frontex_detections"] is None
            and italy["frontex_status"] == "nationals: not counted by Frontex"
        )


def test_route_section_cites_every_published_figure_with_its_address_and_dates(real) -> None:  # noqa: ANN001
    page = (real.reports_dir / "index.html").read_text(encoding="utf-8")
    start = page.index('<section id="route">')
    section = page[start : page.index("</section>", start)]
    expected = published_figures()
    items = re.findall(
        r'<li id="figure-([^"]+)" value="(\d+)" data-figure-id="[^"]+">(.*?)</li>', section, re.S
    )
    assert sorted(i[0] for i in items) == sorted(expected)  # every row of the file, once
    numbers = {}
    for figure_id, n, body in items:
        source = expected[figure_id]
        assert re.search(r'href="([^"]+)"', body).group(1) == html_lib.escape(source["url"])
        assert source["url"].startswith("https://")
        published = re.search(r'class="published">([^<]+)<', body).group(1)
        assert published.startswith(source["published"]) and len(source["published"]) >= 7
        assert re.search(r'class="read-on">([^<]+)<', body).group(1) == source["read_on"]
        numbers[int(n)] = figure_id
    assert sorted(numbers) == list(range(1, len(expected) + 1))
    # every [n] the route's figures give resolves to a listed figure; the returns figure is the file's value
    cites = re.findall(r'<div class="cite">([^<]*)</div>', section)
    cited = {int(n) for text in cites for n in re.findall(r"\[(\d+)\]", text)}
    assert cited and cited <= set(numbers)
    returns = [r for r in expected.values() if r["series"] == "intercepted_returned_to_libya"
               and r["preferred"] == "true" and r["is_partial"] == "false"]  # fmt: skip
    latest = max(returns, key=lambda r: r["period_start"])
    year = latest["period_start"][:4]
    card = re.search(
        rf"People intercepted at sea and returned to Libya, {year} \(IOM Libya\)</div>"
        r'<div class="value">([^<]+)</div><div class="cite">([^<]+)</div>', section)  # fmt: skip
    assert card and card.group(1) == f"{int(latest['value']):,}"
    n = [k for k, v in numbers.items() if v == latest["figure_id"]][0]
    assert html_lib.unescape(card.group(2)).endswith(f"[{n}]") and latest["url"] in html_lib.unescape(
        card.group(2)
    )
    for chart in ("libya_interceptions_returns_yearly", "departures_by_country_yearly",
                  "dead_missing_by_incident_country_yearly", "route_proxy_indicators_yearly",
                  "nexus_victims_vs_frontex_detections_lagged"):  # fmt: skip
        assert f'id="{chart}"' in section, chart


@pytest.mark.parametrize("chart", ["libya_interceptions_returns_yearly", "departures_by_country_yearly"])
def test_route_charts_render_in_chromium_with_their_citations(real, chart: str, tmp_path) -> None:  # noqa: ANN001
    folder = real.charts_dir / chart
    with (folder / f"{chart}.csv").open(newline="", encoding="utf-8") as handle:
        plotted = [r["figure_id"] for r in csv.DictReader(handle)]
    expected = published_figures()
    assert plotted and set(plotted) <= set(expected)
    caption = (folder / f"{chart}.caption.txt").read_text(encoding="utf-8")
    for figure_id in plotted:  # every plotted figure's document, address and dates are in the caption
        source = expected[figure_id]
        assert source["url"] in caption and source["document_title"] in caption, figure_id
        assert f"published {source['published']}" in caption and f"read {source['read_on']}" in caption
    dom, log = render((folder / f"{chart}.html").as_uri(), tmp_path / "profile")
    assert len(re.findall(r'class="[^"]*js-plotly-plot', dom)) == 1
    assert [line for line in log.splitlines() if "CONSOLE" in line] == []
    assert re.search(r'<g class="(trace )?bars?"', dom) or 'class="point"' in dom
    shown = html_lib.unescape(re.sub(r"<[^>]+>", "", dom))
    for figure_id in plotted:
        assert expected[figure_id]["url"] in shown, figure_id


def test_nationality_mix_chart_adds_up_to_the_workbook_each_complete_year(real) -> None:  # noqa: ANN001
    by_label, totals = frontex_central_med()
    with (real.charts_dir / "frontex_nationality_mix_yearly" / "frontex_nationality_mix_yearly.csv").open(
        newline="", encoding="utf-8"
    ) as handle:
        rows = list(csv.DictReader(handle))
    years = sorted({int(r["year"]) for r in rows})
    assert years == list(range(2009, 2025))  # 2025 is partial (to April) and left out, as the caption says
    for year in years:
        part = [r for r in rows if int(r["year"]) == year]
        assert sum(int(r["detections"]) for r in part) == totals[year]
        assert sum(float(r["share_percent"]) for r in part) == pytest.approx(100, abs=0.06)
        assert {"every other nationality listed", "unknown or unspecified (Frontex categories)"} <= {
            r["group"] for r in part
        }
        for r in part:  # a named nationality is the workbook's own figure
            if (year, r["group"]) in by_label:
                assert int(r["detections"]) == by_label[(year, r["group"])]
        unknown = next(r for r in part if r["group"].startswith("unknown"))
        expected = sum(
            v for (y, label), v in by_label.items()
            if y == year and label in ("Unknown", "Unspecified sub-Saharan nationals", "Stateless", "Third-country",
                                         "Not specified", "Other and stateless")
        )  # fmt: skip
        assert int(unknown["detections"]) == expected
    caption = (
        real.charts_dir / "frontex_nationality_mix_yearly" / "frontex_nationality_mix_yearly.caption.txt"
    ).read_text()
    assert "left out: 2025 (partial year: 4 months to 2025-04)" in caption
