"""Figure logic for arrivals: pure functions from curated frames to Plotly figures."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipelines.defs.curated.figures import (
    TEMPLATE,
    _title,
    _top_margin,
    add_no_data_bands,
    as_counts,
    month_ranges,
    no_data_spans,
)

BASIS_LABELS = {
    "UNHCR monthly series": "UNHCR monthly series",
    "consolidated: ministry year-to-date difference between month-end reports": "Ministry of the Interior, consolidated",
    "provisional: sum of the ministry's daily landings": "Ministry of the Interior, provisional (daily sums)",
}
BASIS_STYLE = {
    "UNHCR monthly series": {"color": "#0072B2", "pattern": ""},
    "Ministry of the Interior, consolidated": {"color": "#E69F00", "pattern": ""},
    "Ministry of the Interior, provisional (daily sums)": {"color": "#E69F00", "pattern": "/"},
}


def italy_malta_data(monthly: pd.DataFrame) -> pd.DataFrame:
    """Italy's and Malta's sea arrivals by month, every month of the table: a month not reported keeps an empty
    `arrivals` (a gap in the chart and an empty cell in its CSV, never 0)."""
    keep = monthly["country_iso3"].isin(["ITA", "MLT"]) & (monthly["arrival_type"] == "sea")
    columns = ["country_iso3", "month", "arrivals", "source", "basis", "coverage", "days_covered", "days_in_month",
               "source_file"]  # fmt: skip
    data = monthly.loc[keep, [c for c in columns if c in monthly]].copy()
    if "coverage" not in data:
        data["coverage"] = ["complete" if pd.notna(v) else "not reported" for v in data["arrivals"]]
    data["month"] = pd.to_datetime(data["month"])
    data["basis_label"] = data["basis"].map(BASIS_LABELS).fillna(data["basis"])
    data = as_counts(data, ["arrivals"])
    return data.sort_values(["country_iso3", "month"]).reset_index(drop=True)


def build_italy_malta_monthly(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Monthly sea arrivals, Italy (bars styled by the source of each month) above Malta. Months not reported are
    gaps under a "no data" band; a partly reported month is outlined and named in the legend."""
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.06)
    italy = data[data["country_iso3"] == "ITA"]
    for label, style in BASIS_STYLE.items():
        part = italy[(italy["basis_label"] == label) & (italy["coverage"] != "partial")]
        if part.empty:
            continue
        figure.add_bar(
            x=part["month"], y=part["arrivals"].astype(float), name=label, row=1, col=1,
            marker={"color": style["color"], "pattern": {"shape": style["pattern"], "fgcolor": "#ffffff", "solidity": 0.4}},
        )  # fmt: skip
    partial = italy[italy["coverage"] == "partial"]
    if not partial.empty:
        figure.add_bar(
            x=partial["month"], y=partial["arrivals"].astype(float), row=1, col=1,
            name="Partly reported month (days to the last report only)",
            marker={"color": "#ffffff", "line": {"color": "#E69F00", "width": 2}, "pattern": {"shape": "x"}},
        )  # fmt: skip
    malta = data[data["country_iso3"] == "MLT"]
    figure.add_bar(x=malta["month"], y=malta["arrivals"].astype(float), name="Malta (UNHCR)", row=2, col=1,
                   marker={"color": "#009E73", "pattern": {"shape": ""}}, showlegend=not malta.empty)  # fmt: skip
    for part, row in ((italy, 1), (malta, 2)):
        spans = no_data_spans(part["month"], part["coverage"] == "not reported")
        add_no_data_bands(figure, spans, "no data", row=row, col=1)
    figure.update_layout(
        template=TEMPLATE,
        title=_title("Sea arrivals to Italy and Malta by month, and the source of each month", sample),
        margin=_top_margin(sample),
        height=620,
        barmode="overlay",
        bargap=0.05,
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
    )
    figure.update_yaxes(title_text="Italy (people)", row=1, col=1)
    figure.update_yaxes(title_text="Malta (people)", row=2, col=1)
    return figure


def coverage_note(data: pd.DataFrame) -> str:
    """Caption sentences: which months each country does not report, and the partly reported ones."""
    parts = []
    for iso3, name in (("ITA", "Italy"), ("MLT", "Malta")):
        part = data[data["country_iso3"] == iso3]
        missing = part.loc[part["coverage"] == "not reported", "month"]
        partial = part.loc[part["coverage"] == "partial", "month"]
        if len(missing):
            parts.append(f"{name}: no data for {month_ranges(missing)} (a gap, not 0).")
        if len(partial):
            parts.append(f"{name}: partly reported {month_ranges(partial)}.")
    return " ".join(parts)


def top_nationalities_data(by_nationality: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """Italy, by year: the ministry's year-to-date where it exists, otherwise UNHCR's months summed."""
    italy = by_nationality[by_nationality["destination_iso3"] == "ITA"].copy()
    italy["year"] = pd.to_datetime(italy["period_start"]).dt.year
    italy["period_end"] = pd.to_datetime(italy["period_end"])
    yearly = (
        italy.groupby(["source", "year", "nationality_key", "nationality", "is_other"], dropna=False)
        .agg(arrivals=("arrivals", "sum"), through=("period_end", "max"))
        .reset_index()
    )
    ministry_years = set(yearly.loc[yearly["source"] == "italy_moi", "year"])
    chosen = yearly[(yearly["source"] == "italy_moi") | ~yearly["year"].isin(ministry_years)]
    chosen = chosen[~chosen["is_other"].fillna(False).astype(bool)]
    chosen = chosen.sort_values(["year", "arrivals"], ascending=[True, False])
    chosen["rank"] = chosen.groupby("year").cumcount() + 1
    chosen = chosen[chosen["rank"] <= top].copy()
    chosen["through"] = chosen["through"].dt.date.astype(str)
    return chosen[
        ["year", "rank", "nationality_key", "nationality", "arrivals", "source", "through"]
    ].reset_index(drop=True)


def build_top_nationalities(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """The ten largest nationalities among arrivals to Italy each year: rank by year, sized by arrivals."""
    figure = go.Figure()
    for source, name, symbol, color in (
        ("italy_moi", "Ministry of the Interior", "circle", "#E69F00"),
        ("unhcr_odp", "UNHCR", "diamond", "#0072B2"),
    ):
        part = data[data["source"] == source]
        if part.empty:
            continue
        figure.add_scatter(
            x=part["year"], y=part["rank"], mode="markers+text", name=name, text=part["nationality_key"],
            textposition="middle right", textfont={"size": 10},
            marker={"symbol": symbol, "color": color, "opacity": 0.8,
                    "size": (part["arrivals"] / max(data["arrivals"].max(), 1)) ** 0.5 * 24 + 5,
                    "sizemode": "diameter", "line": {"width": 0.5, "color": "#333"}},
            customdata=part[["nationality", "arrivals", "through"]].astype(str),
            hovertemplate="%{customdata[0]}: %{customdata[1]} arrivals (to %{customdata[2]})<extra></extra>",
        )  # fmt: skip
    figure.update_layout(
        template=TEMPLATE,
        title=_title("Arrivals to Italy: the ten largest nationalities each year", sample),
        margin=_top_margin(sample),
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
    )
    figure.update_layout(height=620)
    figure.update_yaxes(range=[10.6, 0.4], title_text="Rank in the year", dtick=1)
    figure.update_xaxes(dtick=1, title_text=None)
    return figure
