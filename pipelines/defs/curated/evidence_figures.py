"""Figure logic for the route evidence: pure functions from curated frames to Plotly figures."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipelines.defs.curated.figures import TEMPLATE, _title, _top_margin

ROUTE_STYLE = {
    "Central Mediterranean": ("#D55E00", "solid", "circle"),
    "Eastern Mediterranean": ("#0072B2", "dash", "square"),
    "Western Mediterranean": ("#009E73", "dot", "diamond"),
    "Atlantic": ("#CC79A7", "dashdot", "triangle-up"),
}


def central_med_monthly_data(monthly: pd.DataFrame) -> pd.DataFrame:
    columns = ["month", "arrivals_italy", "arrivals_malta", "arrivals_total", "dead_and_missing", "mortality_per_1000",
               "arrivals_italy_source", "arrivals_italy_basis"]  # fmt: skip
    return monthly[columns].sort_values("month").reset_index(drop=True)


def build_central_med_arrivals_deaths(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Arrivals to Italy and Malta (bars, left axis) and dead and missing (line, right axis), by month."""
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_bar(x=data["month"], y=data["arrivals_total"], name="Sea arrivals, Italy and Malta",
                   marker={"color": "#9ecae1", "pattern": {"shape": ""}})  # fmt: skip
    figure.add_scatter(x=data["month"], y=data["dead_and_missing"], name="Dead and missing (IOM)", mode="lines",
                       line={"color": "#D55E00", "width": 2}, secondary_y=True)  # fmt: skip
    figure.update_layout(
        template=TEMPLATE,
        title=_title("Central Mediterranean: arrivals and deaths by month", sample),
        margin=_top_margin(sample),
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        bargap=0.05,
    )
    figure.update_yaxes(title_text="Arrivals (people)", secondary_y=False, rangemode="tozero")
    figure.update_yaxes(
        title_text="Dead and missing (people)", secondary_y=True, rangemode="tozero", showgrid=False
    )
    return figure


def route_mortality_data(yearly: pd.DataFrame) -> pd.DataFrame:
    data = yearly[yearly["mortality_per_1000"].notna()]
    columns = ["route", "year", "arrivals", "dead_and_missing", "mortality_per_1000", "arrivals_sources"]
    return data[columns].sort_values(["route", "year"]).reset_index(drop=True)


def build_route_mortality(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Mortality per 1,000 attempted crossings by year, one line per route (complete years only)."""
    figure = go.Figure()
    for route, part in data.groupby("route", sort=False):
        color, dash, symbol = ROUTE_STYLE.get(route, ("#555555", "solid", "circle"))
        figure.add_scatter(
            x=part["year"], y=part["mortality_per_1000"], name=route, mode="lines+markers",
            line={"color": color, "dash": dash, "width": 2}, marker={"symbol": symbol, "size": 8},
            customdata=part[["arrivals", "dead_and_missing"]],
            hovertemplate="%{x}: %{y:.1f} per 1,000<br>%{customdata[1]:,} dead and missing, "
            "%{customdata[0]:,} arrivals<extra>" + route + "</extra>",
        )  # fmt: skip
    figure.update_layout(
        template=TEMPLATE,
        title=_title("Deaths per 1,000 attempted crossings, Mediterranean routes compared", sample),
        margin=_top_margin(sample),
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
    )
    figure.update_yaxes(title_text="Dead and missing per 1,000 attempted crossings", rangemode="tozero")
    figure.update_xaxes(dtick=1)
    return figure


def flows_data(by_nationality: pd.DataFrame, monthly: pd.DataFrame, year: int, top: int = 6) -> pd.DataFrame:
    """Links of the Sankey for one year: nationality group -> Central Mediterranean -> outcome.

    Nationalities are known for arrivals to Italy only; arrivals to Malta and the dead and missing flow from
    'Nationality not recorded'."""
    italy = by_nationality[(by_nationality["destination_iso3"] == "ITA")
                           & (pd.to_datetime(by_nationality["period_start"]).dt.year == year)]  # fmt: skip
    preferred = "italy_moi" if (italy["source"] == "italy_moi").any() else "unhcr_odp"
    italy = italy[italy["source"] == preferred]
    italy = italy.assign(
        nationality=[
            _english(i, n) for i, n in zip(italy["nationality_iso3"], italy["nationality"], strict=True)
        ]
    )
    groups = italy.groupby("nationality", dropna=False)["arrivals"].sum().sort_values(ascending=False)
    named = groups[[not str(n).lower().startswith(("altre", "other")) for n in groups.index]]
    top_groups = named.head(top)
    other = int(groups.sum() - top_groups.sum())
    route = "Central Mediterranean"
    months = monthly[pd.to_datetime(monthly["month"]).dt.year == year]
    italy_total = int(months["arrivals_italy"].fillna(0).sum())
    links = [(str(name), route, int(value)) for name, value in top_groups.items()]
    links.append(("Other nationalities", route, other))
    unrecorded = int(months["arrivals_malta"].fillna(0).sum() + months["dead_and_missing"].fillna(0).sum())
    links.append(("Nationality not recorded", route, unrecorded + max(italy_total - int(groups.sum()), 0)))
    links += [(route, "Arrived in Italy", italy_total),
              (route, "Arrived in Malta", int(months["arrivals_malta"].fillna(0).sum())),
              (route, "Dead or missing", int(months["dead_and_missing"].fillna(0).sum()))]  # fmt: skip
    frame = pd.DataFrame(links, columns=["from", "to", "people"])
    frame["year"] = year
    frame["nationality_source"] = preferred
    return frame[frame["people"] > 0].reset_index(drop=True)


def _english(iso3: object, published: object) -> str:
    """English short name for an ISO3 code (pycountry), else the publisher's own label."""
    import pycountry

    country = pycountry.countries.get(alpha_3=str(iso3)) if isinstance(iso3, str) and iso3 else None
    if country is None:
        return str(published)
    return getattr(country, "common_name", None) or country.name


def build_flows_sankey(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    nodes = list(dict.fromkeys([*data["from"], *data["to"]]))
    index = {name: i for i, name in enumerate(nodes)}
    colors = [
        "#D55E00" if n == "Dead or missing" else "#0072B2" if n.startswith("Arrived") else "#999999"
        for n in nodes
    ]
    figure = go.Figure(go.Sankey(
        node={"label": nodes, "color": colors, "pad": 14, "thickness": 16},
        link={"source": [index[f] for f in data["from"]], "target": [index[t] for t in data["to"]],
              "value": data["people"].tolist()},
        valueformat=",",
    ))  # fmt: skip
    year = int(data["year"].iloc[0]) if len(data) else ""
    figure.update_layout(
        template=TEMPLATE,
        title=_title(f"Central Mediterranean {year}: who crossed, and what happened", sample),
        margin=_top_margin(sample),
    )
    return figure


def source_quality_data(incidents: pd.DataFrame) -> pd.DataFrame:
    data = incidents[incidents["year"].notna()].copy()
    data["source_quality"] = data["source_quality"].fillna(0).astype(int)
    counts = data.groupby(["year", "source_quality"]).size().rename("incidents").reset_index()
    counts["share"] = counts["incidents"] / counts.groupby("year")["incidents"].transform("sum")
    counts["year"] = counts["year"].astype(int)
    return counts


QUALITY_LABELS = {0: "not graded", 1: "1 (one media source)", 2: "2", 3: "3", 4: "4",
                  5: "5 (official or verified)"}  # fmt: skip


def build_source_quality(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Share of IOM incident records by source-quality grade, per year (all routes)."""
    figure = go.Figure()
    greys = {0: "#dddddd", 1: "#fee8c8", 2: "#fdbb84", 3: "#fc8d59", 4: "#d7301f", 5: "#7f0000"}
    patterns = {0: "", 1: "/", 2: "\\", 3: "x", 4: ".", 5: ""}
    for grade in sorted(data["source_quality"].unique()):
        part = data[data["source_quality"] == grade]
        figure.add_bar(x=part["year"], y=part["share"], name=QUALITY_LABELS.get(int(grade), str(grade)),
                       marker={"color": greys.get(int(grade), "#888"), "pattern": {"shape": patterns.get(int(grade), "")}},
                       customdata=part[["incidents"]], hovertemplate="%{y:.0%} (%{customdata[0]} incidents)")  # fmt: skip
    figure.update_layout(
        template=TEMPLATE,
        barmode="stack",
        title=_title("Missing Migrants records by source quality, per year", sample),
        margin=_top_margin(sample),
        legend={
            "orientation": "h",
            "y": 1.02,
            "x": 0,
            "yanchor": "bottom",
            "title": {"text": "Source quality"},
        },
    )
    figure.update_yaxes(tickformat=".0%", title_text="Share of incident records", range=[0, 1])
    figure.update_xaxes(dtick=1)
    return figure
