"""Figure logic for the Libya route: pure functions from curated frames to Plotly figures and their captions."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pipelines.defs.curated.figures import TEMPLATE, _title, _top_margin, as_counts

PARTIAL_PATTERN = {"shape": "/", "fgcolor": "#ffffff", "solidity": 0.45}


def figure_citations(figures: pd.DataFrame) -> str:
    """'Figures: <citation>; <citation>.' for every distinct document behind the plotted figures."""
    citations = list(dict.fromkeys(figures["citation"].dropna()))
    return ("Figures: " + "; ".join(citations) + ".") if citations else ""


def returns_data(published: pd.DataFrame) -> pd.DataFrame:
    """IOM Libya's people intercepted at sea and returned to Libya by year (preferred rows), with coverage."""
    keep = (published["series"] == "intercepted_returned_to_libya") & published["is_preferred"]
    columns = [
        "year",
        "value",
        "is_partial",
        "period_start",
        "period_end",
        "publisher",
        "citation",
        "figure_id",
    ]
    data = published.loc[keep, columns].rename(columns={"value": "intercepted_returned"}).copy()
    return as_counts(data, ["intercepted_returned"]).sort_values("year").reset_index(drop=True)


def build_returns(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Bars by year; a partial year is hatched and its bar says to which date it runs."""
    figure = go.Figure()
    for partial, part in data.groupby("is_partial", sort=True):
        labels = [f"to {pd.Timestamp(e):%d %b}" if partial else "" for e in part["period_end"]]
        figure.add_bar(
            x=part["year"], y=part["intercepted_returned"].astype(float), text=labels, textposition="outside",
            name="partial year (to the date shown)" if partial else "whole year",
            marker={"color": "#0072B2", "pattern": PARTIAL_PATTERN if partial else {"shape": ""}},
        )  # fmt: skip
    figure.update_layout(
        template=TEMPLATE, title=_title("People intercepted at sea and returned to Libya (IOM Libya)", sample),
        margin=_top_margin(sample), yaxis_title="people", xaxis={"dtick": 1}, barmode="overlay",
    )  # fmt: skip
    return figure


def proxy_data(proxies: pd.DataFrame) -> pd.DataFrame:
    data = proxies[["indicator_source", "area", "year", "value", "is_complete", "flag"]].copy()
    names = {("frontex_ibc", "ITA+MLT"): "Frontex: detections, Central Mediterranean (Italy + Malta sea borders)",
             ("eurostat_eipre", "ITA"): "Eurostat: found illegally present, Italy",
             ("eurostat_eipre", "MLT"): "Eurostat: found illegally present, Malta"}  # fmt: skip
    data["series"] = [
        names.get((s, a), f"{s} {a}") for s, a in zip(data["indicator_source"], data["area"], strict=True)
    ]
    return as_counts(data, ["value"]).sort_values(["series", "year"]).reset_index(drop=True)


def build_proxies(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """One line per indicator; a missing year is a gap (never 0), a partial year an open marker."""
    figure = go.Figure()
    for series, part in data.groupby("series", sort=True):
        figure.add_scatter(
            x=part["year"], y=part["value"].astype(float), name=series, mode="lines+markers", connectgaps=False,
            marker={"symbol": ["circle" if c else "circle-open" for c in part["is_complete"]], "size": 8},
            text=part["flag"].fillna(""), hovertemplate="%{x}: %{y:,.0f} %{text}<extra></extra>",
        )  # fmt: skip
    figure.update_layout(
        template=TEMPLATE, margin=_top_margin(sample), yaxis_title="count (different units: never add)",
        title=_title("Proxy indicators on the Libya-Italy route: detections and persons found illegally present",
                     sample), xaxis={"dtick": 1},
    )  # fmt: skip
    return figure


def mortality_data(attempts: pd.DataFrame) -> pd.DataFrame:
    columns = ["year", "mortality_per_1000_attempts", "mortality_per_1000_arrivals_basis", "attempted_crossings",
               "arrivals", "intercepted_returned_libya", "dead_and_missing", "attempts_null_reason",
               "intercepted_citation"]  # fmt: skip
    return attempts[columns].sort_values("year").reset_index(drop=True)


MORTALITY_SERIES = {
    "mortality_per_1000_arrivals_basis": "per 1,000 arrivals + dead and missing (narrower denominator)",
    "mortality_per_1000_attempts": "per 1,000 attempts: arrivals + returned to Libya + dead and missing",
}


def build_mortality(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Dead and missing per 1,000: over attempts (arrivals + returned to Libya + dead and missing) and over the
    narrower arrivals basis, each labelled; a year an input does not cover completely is a gap."""
    figure = go.Figure()
    for column, name in MORTALITY_SERIES.items():
        figure.add_scatter(x=data["year"], y=data[column], mode="lines+markers", name=name, connectgaps=False)
    figure.update_layout(
        template=TEMPLATE, margin=_top_margin(sample), yaxis_title="dead and missing per 1,000", xaxis={"dtick": 1},
        title=_title("Central Mediterranean mortality over two denominators (minimum counts)", sample),
    )  # fmt: skip
    return figure


DEPARTURE_COLOURS = {"LBY": "#0072B2", "TUN": "#D55E00", "TUR": "#009E73", "DZA": "#CC79A7", "EGY": "#E69F00"}


def departures_data(departures: pd.DataFrame) -> pd.DataFrame:
    """The preferred figures of curated.departures_by_country_yearly, shares and counts in their own columns."""
    columns = ["year", "country_of_departure_iso3", "country_of_departure", "measure", "share_percent", "persons",
               "is_approximate", "is_partial", "period_end", "period_label", "publisher", "citation", "figure_id"]  # fmt: skip
    data = departures.loc[departures["is_preferred"], columns].copy()
    data = as_counts(data, ["persons"])
    return data.sort_values(["measure", "year", "country_of_departure_iso3"]).reset_index(drop=True)


def build_departures(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Two panels that never share an axis: shares of the year's arrivals (percent) above, counts (persons)
    below, one bar per country and year; a partial period is hatched and says to which date it runs."""
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=2, cols=1, vertical_spacing=0.16, subplot_titles=(
        "Share of the year's sea arrivals to Italy (percent)", "Sea arrivals to Italy (persons)"))  # fmt: skip
    shown: set[str] = set()
    for row, (measure, column) in enumerate((("share", "share_percent"), ("count", "persons")), start=1):
        part = data[data["measure"] == measure]
        for geo, rows in part.groupby("country_of_departure_iso3", sort=True):
            labels = [
                ", ".join(([f"about {v:,.0f}"] if a else []) + ([f"to {pd.Timestamp(e):%d %b}"] if p else []))
                for v, a, p, e in zip(
                    rows[column].astype(float),
                    rows["is_approximate"],
                    rows["is_partial"],
                    rows["period_end"],
                    strict=True,
                )
            ]
            figure.add_bar(
                x=rows["year"], y=rows[column].astype(float), name=f"{rows['country_of_departure'].iloc[0]}",
                legendgroup=geo, showlegend=geo not in shown,
                text=labels, textposition="outside", row=row, col=1,
                marker={"color": DEPARTURE_COLOURS.get(geo, "#999999"),
                        "pattern": {"shape": ["/" if p else "" for p in rows["is_partial"]],
                                    "fgcolor": "#ffffff", "solidity": 0.45}},
            )  # fmt: skip
            shown.add(geo)
    figure.update_xaxes(dtick=1)
    figure.update_yaxes(title_text="percent", row=1, col=1)
    figure.update_yaxes(title_text="people", row=2, col=1)
    figure.update_layout(
        template=TEMPLATE, margin=_top_margin(sample), barmode="group", height=640,
        legend={"orientation": "v", "x": 1.01, "y": 1, "xanchor": "left", "yanchor": "top"},
        title=_title("Sea arrivals to Italy by country of departure (shares and counts apart)", sample),
    )  # fmt: skip
    return figure


def incident_country_data(table: pd.DataFrame) -> pd.DataFrame:
    """Dead and missing by year and country of incident, the methods of attribution summed and named."""
    data = table[table["year"].notna()].copy()
    data["method"] = data["method"].fillna("neither (unknown)")
    grouped = data.groupby(["year", "country"], as_index=False, dropna=False).agg(
        dead_and_missing=("dead_and_missing", lambda s: s.sum(min_count=1)),
        incidents=("incidents", "sum"),
        methods=("method", lambda s: "; ".join(sorted(set(s)))),
        route_dead_and_missing=("route_dead_and_missing", "first"),
        is_complete=("is_complete", "first"),
        covered_to=("covered_to", "first"),
    )
    grouped["year"] = grouped["year"].astype(int)
    return as_counts(grouped, ["dead_and_missing", "route_dead_and_missing"]).sort_values(["year", "country"])


def build_incident_country(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Stacked bars of dead and missing by country of incident and year; a partly covered year is hatched."""
    colours = {"Libya": "#0072B2", "Tunisia": "#D55E00", "Italy": "#009E73", "Malta": "#CC79A7",
               "Greece": "#56B4E9", "Algeria": "#E69F00", "Egypt": "#F0E442", "unknown": "#999999"}  # fmt: skip
    totals = data.groupby("country")["dead_and_missing"].sum().sort_values(ascending=False)
    figure = go.Figure()
    for country in totals.index:
        part = data[data["country"] == country]
        figure.add_bar(
            x=part["year"], y=part["dead_and_missing"].astype(float), name=country,
            marker={"color": colours.get(country, "#666666"),
                    "pattern": {"shape": ["" if c else "/" for c in part["is_complete"]], "fgcolor": "#ffffff",
                                "solidity": 0.45}},
            customdata=part["methods"], hovertemplate="%{x}: %{y:,.0f} (%{customdata})<extra>" + country + "</extra>",
        )  # fmt: skip
    figure.update_layout(
        template=TEMPLATE, margin=_top_margin(sample), barmode="stack", xaxis={"dtick": 1}, yaxis_title="dead and missing",
        title=_title("Central Mediterranean dead and missing by country of incident (IOM Missing Migrants)", sample),
    )  # fmt: skip
    return figure


MIX_TOP = (
    8  # nationalities named in the mix chart: the most detected over the complete years; the rest grouped
)
UNKNOWN_GROUP = "unknown or unspecified (Frontex categories)"
OTHER_GROUP = "every other nationality listed"
MIX_COLUMNS = ["year", "group", "detections", "route_detections", "share_percent", "nationalities"]


def nationality_mix_data(mix: pd.DataFrame) -> pd.DataFrame:
    """Per complete year of curated.frontex_nationality_mix_yearly: the MIX_TOP nationalities most detected over
    the complete years, every other listed nationality and designation summed as one group, and Frontex's unknown
    and unspecified categories summed as another (shown, never dropped), so the shares add up to 100. A partial
    year is left out (its shares are null in the table)."""
    complete = mix[mix["is_complete"].astype(bool) & mix["detections"].notna()].copy()
    if complete.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in MIX_COLUMNS})
    unknown = complete["nationality_kind"] == "not_a_country"
    top = complete[~unknown].groupby("nationality_key")["detections"].sum().nlargest(MIX_TOP).index
    complete["group"] = complete["nationality"].where(complete["nationality_key"].isin(top), OTHER_GROUP)
    complete.loc[unknown, "group"] = UNKNOWN_GROUP
    data = complete.groupby(["year", "group"], as_index=False).agg(
        detections=("detections", "sum"), route_detections=("route_detections", "max"),
        nationalities=("nationality_key", "nunique"),
    )  # fmt: skip
    data["share_percent"] = (100 * data["detections"] / data["route_detections"]).round(2)
    data["year"] = data["year"].astype(int)
    order = {name: i for i, name in enumerate(complete.loc[complete["nationality_key"].isin(top)]
                                              .groupby("nationality")["detections"].sum()
                                              .sort_values(ascending=False).index)}  # fmt: skip
    order.update({OTHER_GROUP: len(order), UNKNOWN_GROUP: len(order) + 1})
    data["_order"] = data["group"].map(order)
    data = data.sort_values(["year", "_order"]).drop(columns="_order").reset_index(drop=True)
    return as_counts(data, ["detections", "route_detections"])[MIX_COLUMNS]


def partial_years(mix: pd.DataFrame) -> str:
    """'2025 (partial year: 4 months to 2025-04)' for every year the chart leaves out; empty when none."""
    left = mix[~mix["is_complete"].astype(bool)].groupby("year")["share_null_reason"].first()
    return "; ".join(f"{int(year)} ({reason})" for year, reason in left.items())


def build_nationality_mix(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Stacked shares of the route's detections by nationality and year (100 % per year), the unknown and
    unspecified categories as their own grey band."""
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#F0E442", "#882255"]
    figure = go.Figure()
    groups = list(dict.fromkeys(data["group"]))
    named = [g for g in groups if g not in (OTHER_GROUP, UNKNOWN_GROUP)]
    colours = {g: palette[i % len(palette)] for i, g in enumerate(named)}
    colours.update({OTHER_GROUP: "#BBBBBB", UNKNOWN_GROUP: "#666666"})
    for group in groups:
        part = data[data["group"] == group]
        figure.add_bar(
            x=part["year"], y=part["share_percent"], name=group, marker={"color": colours[group]},
            customdata=part[["detections", "nationalities"]].to_numpy(dtype="object"),
            hovertemplate="%{x}: %{y:.1f} % (%{customdata[0]:,} detections, %{customdata[1]} nationalities)"
            "<extra>" + group + "</extra>",
        )  # fmt: skip
    figure.update_layout(
        template=TEMPLATE, margin={"t": _top_margin(sample)["t"] + 110}, barmode="stack", xaxis={"dtick": 1},
        yaxis={"title": "share of the route's detections (%)", "range": [0, 100]}, height=640,
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": 11}},
        title=_title("Central Mediterranean route: Frontex detections by nationality (complete years)", sample),
    )  # fmt: skip
    return figure
