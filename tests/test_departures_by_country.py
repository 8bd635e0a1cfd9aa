"""Departures of sea arrivals to Italy by country of departure: the curated table and its chart on the synthetic
sample (expected figures from the sample's published-figures list), the project's figures.csv against the figures
the data README lists, and the chart's static images (kaleido's PNG and SVG export, as the build does it) beside
the interceptions chart, each carrying its citation."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pandas as pd
import pytest

from pipelines.sample import published_figures as figures_sample
from tests.build_helpers import query
from tests.conftest import require_shared

SERIES = "sea_arrivals_italy_by_country_of_departure"
FIGURES_CSV = Path(__file__).resolve().parents[1] / "pipelines/defs/published_figures/figures.csv"
# The data README's departures row: 2022 shares (UNHCR), 2023 approximate counts (ministry).
README_DEPARTURES = {("LBY", 2022): 51, ("TUN", 2022): 31, ("TUR", 2022): 15, ("LBY", 2023): 47_300,
                     ("TUN", 2023): 95_000}  # fmt: skip


@pytest.fixture
def sample_paths(sample_everything_built):  # noqa: ANN001, ANN201
    return sample_everything_built[0]


def test_departures_table_keeps_shares_and_counts_apart(sample_paths) -> None:  # noqa: ANN001
    expected = {r["figure_id"]: r for r in figures_sample.rows() if r["series"] == SERIES}
    assert {r["unit"] for r in expected.values()} >= {"percent of sea arrivals to Italy", "persons (about)"}
    rows = query(sample_paths.published_db, "select figure_id, year, country_of_departure_iso3, measure, share_percent, "
                 "persons, is_partial, period_end, period_label, is_preferred, citation, url, published, read_on "
                 "from curated.departures_by_country_yearly")  # fmt: skip
    assert sorted(r[0] for r in rows) == sorted(expected)
    for (
        fid,
        year,
        geo,
        measure,
        share,
        persons,
        partial,
        end,
        label,
        preferred,
        citation,
        url,
        published,
        read,
    ) in rows:
        source = expected[fid]
        assert (year, geo) == (int(source["period_start"][:4]), source["geo"])
        value = float(source["value"])
        if source["unit"].startswith("percent"):
            assert (measure, share, persons) == ("share", value, None)
        else:
            assert (measure, share, persons) == ("count", None, value)
        assert partial == (source["is_partial"] == "true") and str(end) == source["period_end"]
        assert label == (f"{source['period_start']} to {source['period_end']}" if partial else str(year))
        assert preferred == (source["preferred"] == "true")
        assert url == source["url"] and url in citation and source["read_on"] in citation
        assert published is not None and read is not None
    # a share and a count are never in one column: no row has both, none has neither
    assert all((r[4] is None) != (r[5] is None) for r in rows)


def test_figures_csv_holds_the_readme_departures_with_addresses() -> None:
    with FIGURES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["series"] == SERIES]
    found = {
        (r["geo"], int(r["period_start"][:4])): float(r["value"]) for r in rows if r["preferred"] == "true"
    }
    assert found == README_DEPARTURES
    for row in rows:
        assert row["url"].startswith("https://") and row["published"] and row["read_on"]
        assert row["unit"].startswith("percent") == (int(row["period_start"][:4]) == 2022)
    readme = require_shared("README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "by country of departure" in line)
    for row in rows:
        assert row["url"] in line


def test_departures_chart_csv_leaves_the_other_unit_empty(sample_paths) -> None:  # noqa: ANN001
    folder = sample_paths.charts_dir / "departures_by_country_yearly"
    data = pd.read_csv(folder / "departures_by_country_yearly.csv", keep_default_na=False, dtype=str)
    shares, counts = data[data["measure"] == "share"], data[data["measure"] == "count"]
    assert len(shares) and len(counts)
    assert (shares["persons"] == "").all() and (shares["share_percent"] != "").all()
    assert (counts["share_percent"] == "").all() and (counts["persons"] != "").all()
    assert "0" not in set(data["persons"]) | set(data["share_percent"])


@pytest.mark.parametrize("chart", ["departures_by_country_yearly", "libya_interceptions_returns_yearly"])
def test_route_chart_static_images_carry_their_citation(sample_paths, chart: str) -> None:  # noqa: ANN001
    folder = sample_paths.charts_dir / chart
    png, svg = (folder / f"{chart}.png").read_bytes(), (folder / f"{chart}.svg").read_text(encoding="utf-8")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert (
        svg.lstrip().startswith("<svg") and len(svg) > 5_000 and svg.count("<path") + svg.count("<rect") > 5
    )
    caption = (folder / f"{chart}.caption.txt").read_text(encoding="utf-8")
    assert "example.org/sample/" in caption and "Sample publisher" in caption
    fragment = html.unescape((folder / f"{chart}.fragment.html").read_text(encoding="utf-8"))
    in_svg = html.unescape(re.sub(r"<[^>]+>", " ", svg))
    for url in re.findall(r"https://example\.org/sample/[a-z0-9_A-Z]+", caption):
        assert url in fragment or url in in_svg, (chart, url)
