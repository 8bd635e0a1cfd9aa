"""Figure logic on small frames: what is plotted is exactly the data handed in, with its caption."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines.defs.curated import figures


def deaths_frame() -> pd.DataFrame:
    months = pd.date_range("2022-01-01", periods=14, freq="MS")
    rows = [("Central Mediterranean", m, 2, 5, 3, 8 + i) for i, m in enumerate(months)]
    rows += [("Western Mediterranean", months[0], 1, 1, 0, 1)]
    return pd.DataFrame(rows, columns=["route", "month", "incidents", "dead", "missing", "dead_and_missing"])


def test_monthly_chart_plots_only_the_central_mediterranean() -> None:
    data = figures.central_med_monthly_data(deaths_frame())
    assert len(data) == 14
    figure = figures.build_central_med_monthly(data)
    bars, average = figure.data
    assert list(bars.y) == [8 + i for i in range(14)]
    # 12-month average: first defined at the 12th month
    assert pd.isna(average.y[10]) and average.y[11] == sum(8 + i for i in range(12)) / 12
    assert "SAMPLE" not in figure.layout.title.text
    assert figures.build_central_med_monthly(data, sample=True).layout.title.text.startswith(
        figures.SAMPLE_LABEL
    )


def test_map_keeps_only_located_central_mediterranean_incidents() -> None:
    incidents = pd.DataFrame(
        {
            "incident_id": ["a", "b", "c", "d"],
            "incident_date": [dt.date(2020, 1, 1)] * 4,
            "year": [2020] * 4,
            "route": [
                "Central Mediterranean",
                "Central Mediterranean",
                "Eastern Mediterranean",
                "Central Mediterranean",
            ],
            "dead_and_missing": [10, 5, 7, 0],
            "lat": [33.0, None, 36.0, 34.0],
            "lon": [13.0, None, 26.0, 14.0],
            "source_file": ["f"] * 4,
            "source_row": [2, 3, 4, 5],
        }
    )
    data = figures.central_med_map_data(incidents)
    assert list(data["incident_id"]) == ["a"]
    figure = figures.build_central_med_map(data)
    assert list(figure.data[0].lat) == [33.0] and figure.data[0].type == "scattergeo"


def test_a_map_of_many_incidents_combines_nearby_ones_and_says_so(monkeypatch) -> None:  # noqa: ANN001
    """Above the marker limit, incidents of one year in one cell become one marker: no death is lost, each
    marker says how many incidents it stands for, and the map states the combination."""
    monkeypatch.setattr(figures, "MAP_MARKER_LIMIT", 5)
    rows = [  # (year, lat, lon, dead and missing, date)
        (2020, 33.01, 13.02, 4, dt.date(2020, 3, 1)),
        (2020, 33.04, 12.98, 6, dt.date(2020, 1, 9)),  # same 0.1° cell and year as the first
        (2020, 35.50, 12.60, 1, dt.date(2020, 5, 5)),
        (2021, 33.02, 13.01, 7, dt.date(2021, 2, 2)),  # same cell, another year
        (2021, 34.00, 15.00, 2, dt.date(2021, 6, 6)),
        (2021, 34.01, 15.03, 3, dt.date(2021, 7, 7)),
    ]
    data = pd.DataFrame(
        {
            "incident_id": [f"i{n}" for n in range(len(rows))],
            "incident_date": [r[4] for r in rows],
            "year": [r[0] for r in rows],
            "dead_and_missing": [r[3] for r in rows],
            "lat": [r[1] for r in rows],
            "lon": [r[2] for r in rows],
            "source_file": ["f"] * len(rows),
            "source_row": list(range(2, 2 + len(rows))),
        }
    )
    figure = figures.build_central_med_map(data)
    every_year = figure.data[0]
    assert len(every_year.lat) == 4  # 6 incidents in 4 year-and-cell groups
    assert sum(every_year.marker.size) == sum(r[3] for r in rows)
    labels = sorted(zip(every_year.customdata[:, 0], every_year.customdata[:, 2], strict=True))
    assert labels == sorted(
        [("2 incidents", "10"), ("1 incident", "1"), ("1 incident", "7"), ("2 incidents", "5")]
    )
    assert "from 2020-01-09" in list(every_year.customdata[:, 1])
    assert (
        "6 incidents" in figure.layout.annotations[0].text
        and "4 markers" in figure.layout.annotations[0].text
    )
    monkeypatch.setattr(figures, "MAP_MARKER_LIMIT", 10)
    unchanged = figures.build_central_med_map(data)
    assert len(unchanged.data[0].lat) == len(rows) and not unchanged.layout.annotations


def test_caption_names_file_dates_and_licence() -> None:
    snapshots = pd.DataFrame(
        {
            "citation": ["IOM Missing Migrants Project"],
            "original_name": ["Missing_Migrants_Global_Figures_allData.csv"],
            "sha256": ["ab" * 32],
            "accessed": [pd.Timestamp("2025-05-05")],
            "published": [pd.NaT],
            "licence": ["CC BY-IGO 3.0"],
            "sample": [False],
        }
    )
    caption = figures.caption_for(snapshots)
    assert "Missing_Migrants_Global_Figures_allData.csv" in caption and "accessed 2025-05-05)" in caption
    assert "Licence: CC BY-IGO 3.0" in caption and "SAMPLE" not in caption
    assert figures.caption_for(snapshots.assign(sample=True)).startswith(figures.SAMPLE_LABEL)
