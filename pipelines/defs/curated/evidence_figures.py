"""Figure logic for the route evidence: pure functions from curated frames to Plotly figures."""

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

ROUTE_STYLE = {
    "Central Mediterranean": ("#D55E00", "solid", "circle"),
    "Eastern Mediterranean": ("#0072B2", "dash", "square"),
    "Western Mediterranean": ("#009E73", "dot", "diamond"),
    "Atlantic": ("#CC79A7", "dashdot", "triangle-up"),
}


MONTHLY_COLUMNS = [
    "month", "arrivals_italy", "arrivals_malta", "arrivals_total", "denominator_includes", "dead_and_missing",
    "mortality_per_1000", "mortality_null_reason", "arrivals_italy_is_complete", "arrivals_italy_days_covered",
    "arrivals_malta_reported", "dead_and_missing_days_covered", "days_in_month", "dead_and_missing_is_complete",
    "arrivals_italy_source", "arrivals_italy_basis",
]  # fmt: skip


def central_med_monthly_data(monthly: pd.DataFrame) -> pd.DataFrame:
    """The plotted columns of curated.central_med_monthly, nulls kept (empty cells in the chart's CSV)."""
    data = monthly[[c for c in MONTHLY_COLUMNS if c in monthly]].sort_values("month").reset_index(drop=True)
    data["month"] = pd.to_datetime(data["month"])
    return as_counts(data, ["arrivals_italy", "arrivals_malta", "arrivals_total", "dead_and_missing"])


def malta_note(data: pd.DataFrame) -> str:
    """Caption sentence: the months whose arrivals count Italy only (Malta not reported)."""
    italy_only = data.loc[data["denominator_includes"] == "Italy only", "month"]
    if italy_only.empty:
        return "Arrivals: Italy + Malta."
    return (
        f"Arrivals count Italy only where Malta is not reported ({month_ranges(italy_only)}); Italy + Malta "
        "elsewhere."
    )


def build_central_med_arrivals_deaths(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Arrivals to Italy and Malta (bars, left axis) and dead and missing (line, right axis), by month. A month a
    source does not report is a gap under a "no data" band, never 0; partly covered months are marked."""
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    arrivals = pd.to_numeric(data["arrivals_total"], errors="coerce").astype(float)
    deaths = pd.to_numeric(data["dead_and_missing"], errors="coerce").astype(float)
    italy_only = data["denominator_includes"] == "Italy only"
    for name, keep, style in (
        ("Sea arrivals, Italy and Malta", ~italy_only, {"color": "#9ecae1", "pattern": {"shape": ""}}),
        ("Sea arrivals, Italy only (Malta not reported)", italy_only,
         {"color": "#c6dbef", "pattern": {"shape": ".", "fgcolor": "#6baed6"}}),
    ):  # fmt: skip
        if keep.any():
            figure.add_bar(x=data["month"][keep], y=arrivals[keep], name=name, marker=style)
    complete = data["dead_and_missing_is_complete"].fillna(False).astype(bool)
    figure.add_scatter(x=data["month"], y=deaths.where(complete), name="Dead and missing (IOM)", mode="lines",
                       line={"color": "#D55E00", "width": 2}, connectgaps=False, secondary_y=True)  # fmt: skip
    partial = deaths.notna() & ~complete
    if partial.any():
        figure.add_scatter(
            x=data["month"][partial], y=deaths[partial], name="Dead and missing, partly covered month (a minimum)",
            mode="markers", marker={"color": "#D55E00", "symbol": "circle-open", "size": 9}, secondary_y=True,
        )  # fmt: skip
    add_no_data_bands(figure, no_data_spans(data["month"], deaths.isna()), "no data: dead and missing")
    add_no_data_bands(
        figure, no_data_spans(data["month"], arrivals.isna()), "no data: arrivals", "bottom left"
    )
    figure.update_layout(
        template=TEMPLATE,
        title=_title("Central Mediterranean: arrivals and deaths by month", sample),
        margin=_top_margin(sample),
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        bargap=0.05,
        barmode="overlay",
    )
    figure.update_yaxes(title_text="Arrivals (people)", secondary_y=False, rangemode="tozero")
    figure.update_yaxes(
        title_text="Dead and missing (people)", secondary_y=True, rangemode="tozero", showgrid=False
    )
    return figure


YEARLY_COLUMNS = [
    "route", "year", "arrivals", "denominator_includes", "dead_and_missing", "mortality_per_1000",
    "mortality_null_reason", "is_complete", "arrivals_is_complete", "arrivals_covered_to",
    "dead_and_missing_is_complete", "dead_and_missing_covered_to", "arrivals_sources", "arrivals_basis",
]  # fmt: skip


def route_mortality_data(yearly: pd.DataFrame) -> pd.DataFrame:
    """Every route-year of curated.route_mortality_yearly: mortality where published, an empty cell with the
    reason where an input is incomplete."""
    data = (
        yearly[[c for c in YEARLY_COLUMNS if c in yearly]]
        .sort_values(["route", "year"])
        .reset_index(drop=True)
    )
    return as_counts(data, ["arrivals", "dead_and_missing"])


def build_route_mortality(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Mortality per 1,000 attempted crossings by year, one line per route: complete years only, a year whose
    inputs are incomplete is a gap in its line, and the chart names those years."""
    figure = go.Figure()
    for route, part in data.groupby("route", sort=False):
        if part["mortality_per_1000"].notna().sum() == 0:
            continue
        color, dash, symbol = ROUTE_STYLE.get(route, ("#555555", "solid", "circle"))
        figure.add_scatter(
            x=part["year"], y=part["mortality_per_1000"].astype(float), name=route, mode="lines+markers",
            line={"color": color, "dash": dash, "width": 2}, marker={"symbol": symbol, "size": 8}, connectgaps=False,
            customdata=part[["arrivals", "dead_and_missing", "denominator_includes"]].astype(str),
            hovertemplate="%{x}: %{y:.1f} per 1,000<br>%{customdata[1]} dead and missing, "
            "%{customdata[0]} arrivals (%{customdata[2]})<extra>" + route + "</extra>",
        )  # fmt: skip
    figure.update_layout(
        template=TEMPLATE,
        title=_title("Deaths per 1,000 attempted crossings, Mediterranean routes compared", sample),
        margin=_top_margin(sample),
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
    )
    incomplete = partial_years_note(data)
    if incomplete:
        figure.add_annotation(
            text=incomplete, xref="paper", yref="paper", x=0, y=-0.12, xanchor="left", yanchor="top",
            showarrow=False, font={"size": 10}, align="left",
        )  # fmt: skip
    figure.update_yaxes(title_text="Dead and missing per 1,000 attempted crossings", rangemode="tozero")
    figure.update_xaxes(dtick=1)
    return figure


def partial_years_note(data: pd.DataFrame) -> str:
    """Which years of the routes drawn have no figure because an input is incomplete (partial years)."""
    drawn = data.groupby("route")["mortality_per_1000"].transform(lambda v: v.notna().any())
    missing = data[drawn & data["mortality_per_1000"].isna()]
    parts = [f"{route} {year_ranges(part['year'])}" for route, part in missing.groupby("route")]
    return ("No figure (partial year, an input incomplete): " + "; ".join(parts)) if parts else ""


def year_ranges(years: pd.Series) -> str:
    """Years as "2014-2016, 2019": consecutive years collapsed."""
    values = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for value in values:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def denominator_note(data: pd.DataFrame) -> str:
    """Caption sentence: Central Mediterranean years whose denominator counts Italy only."""
    central = data[(data["route"] == "Central Mediterranean") & data["mortality_per_1000"].notna()]
    italy_only = central.loc[central["denominator_includes"] == "Italy only", "year"]
    if italy_only.empty:
        return ""
    years = year_ranges(italy_only)
    return (
        f"Central Mediterranean denominator: Italy only in {years} (Malta not reported for the whole year)."
    )


def flows_data(
    by_nationality: pd.DataFrame,
    arrivals_yearly: pd.DataFrame,
    route_yearly: pd.DataFrame,
    year: int,
    top: int = 6,
    attempts_yearly: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Links of the Sankey for one year: nationality group -> Central Mediterranean -> outcome.

    The outcomes are the year's figures of the tables (curated.sea_arrivals_yearly: Italy's annual total;
    curated.route_mortality_yearly: dead and missing); Malta appears only for a year its series covers
    completely (else left out, and `malta` says so). Nationalities are known for arrivals to Italy only; arrivals
    to Malta and the dead and missing flow from 'Nationality not recorded'. People intercepted at sea and returned
    to Libya (IOM Libya, curated.central_med_attempts_yearly from curated.published_figures) are an outcome for a
    year the published figure covers whole, else left out (`interception` says which, with the figure's
    citation); their nationalities are not recorded either."""
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
    italy_total = _yearly_value(arrivals_yearly, "ITA", year)
    malta = _yearly_value(arrivals_yearly, "MLT", year)
    central = route_yearly[(route_yearly["route"] == route) & (route_yearly["year"] == year)]
    dead = central["dead_and_missing"].iloc[0] if len(central) else None
    dead = None if dead is None or pd.isna(dead) else int(dead)
    links = [(str(name), route, int(value)) for name, value in top_groups.items()]
    links.append(("Other nationalities", route, other))
    returned, interception = None, "no published figure for the year: left out"
    if attempts_yearly is not None and len(attempts_yearly):
        row = attempts_yearly[attempts_yearly["year"] == year]
        if len(row) and pd.notna(row["intercepted_returned_libya"].iloc[0]):
            if bool(row["intercepted_is_complete"].iloc[0]):
                returned = int(row["intercepted_returned_libya"].iloc[0])
                interception = f"included: {row['intercepted_citation'].iloc[0]}"
            else:
                covered = row["intercepted_covered_to"].iloc[0]
                interception = f"published only to {pd.Timestamp(covered):%Y-%m-%d}: left out"
    unrecorded = (malta or 0) + (dead or 0) + (returned or 0) + max((italy_total or 0) - int(groups.sum()), 0)
    links.append(("Nationality not recorded", route, unrecorded))
    links.append((route, "Arrived in Italy", italy_total))
    if malta is not None:
        links.append((route, "Arrived in Malta", malta))
    if returned is not None:
        links.append((route, "Intercepted and returned to Libya", returned))
    links.append((route, "Dead or missing", dead))
    frame = pd.DataFrame(links, columns=["from", "to", "people"])
    frame["year"] = year
    frame["nationality_source"] = preferred
    frame["malta"] = "included" if malta is not None else "not reported for the whole year: left out"
    frame["interception"] = interception
    frame = frame[frame["people"].notna()]
    frame = frame[frame["people"] > 0].reset_index(drop=True)
    frame["people"] = frame["people"].astype(int)
    return frame


def _yearly_value(arrivals_yearly: pd.DataFrame, country: str, year: int) -> int | None:
    """A country's complete annual sea arrivals (curated.sea_arrivals_yearly), else None (not reported)."""
    row = arrivals_yearly[(arrivals_yearly["country_iso3"] == country) & (arrivals_yearly["arrival_type"] == "sea")
                          & (arrivals_yearly["year"] == year) & arrivals_yearly["is_complete"].fillna(False)]  # fmt: skip
    return int(row["arrivals"].iloc[0]) if len(row) and pd.notna(row["arrivals"].iloc[0]) else None


def _english(iso3: object, published: object) -> str:
    """English short name for an ISO3 code (pycountry), else the publisher's own label."""
    import pycountry

    country = pycountry.countries.get(alpha_3=str(iso3)) if isinstance(iso3, str) and iso3 else None
    if country is None:
        return str(published)
    return getattr(country, "common_name", None) or country.name


def build_flows_sankey(data: pd.DataFrame, *, sample: bool = False, partial_year: bool = False) -> go.Figure:
    nodes = list(dict.fromkeys([*data["from"], *data["to"]]))
    index = {name: i for i, name in enumerate(nodes)}
    colors = [
        "#D55E00"
        if n == "Dead or missing"
        else "#0072B2"
        if n.startswith("Arrived")
        else "#E69F00"
        if n.startswith("Intercepted")
        else "#999999"
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
        title=_title(
            f"Central Mediterranean {year}{' (partial year)' if partial_year else ''}: who crossed, and what happened",
            sample,
        ),
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
