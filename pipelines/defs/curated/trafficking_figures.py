"""Trafficking figures: pure functions from curated.thb_victims to a Plotly figure. Files are written by
trafficking_charts.py."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from pipelines.defs.curated.figures import SAMPLE_LABEL, TEMPLATE
from pipelines.lib.theme import PALETTE, PATTERNS

FORMS = ["Sexual exploitation", "Forced labour", "Other forms of exploitation"]
CITIZENSHIP_ORDER = ["NAT", "EU27_2020_FOR", "NEU27_2020_FOR", "UNK"]
EU_AGGREGATES = ["EU27_2020", "EU28", "EU27_2007"]
TOTAL_NAME = "All forms (national total)"
COLUMNS = ["year", "series", "value", "value_status", "value_published", "source_file", "source_row"]


def _numbers(values: pd.Series) -> list[float | None]:
    """Nullable integers as plain floats with None: plotly.js draws nothing for a pandas NA."""
    return [None if pd.isna(v) else float(v) for v in values]


def _bar_marker(index: int) -> dict:
    """The theme's colour and hatch for the index-th stacked series, the hatch drawn over the colour (the
    template's default fill mode replaces the colour, which leaves a hatched bar white on white)."""
    pattern = {"shape": PATTERNS[index], "fillmode": "overlay", "fgcolor": "#FFFFFF", "solidity": 0.25}
    return {"color": PALETTE[index], "line": {"width": 0}, "pattern": pattern}


def _title(title: str, subtitle: str, sample: bool) -> dict:
    text = (
        f"{html.escape(title)}<br><span style='font-size:13px;color:#5F5F5F'>{html.escape(subtitle)}</span>"
    )
    if sample:
        text = f"{SAMPLE_LABEL}<br>{text}"
    return {"text": text, "y": 0.97, "yanchor": "top"}


def _layout(figure: go.Figure, title: dict, sample: bool, y_title: str) -> go.Figure:
    figure.update_layout(
        template=TEMPLATE,
        title=title,
        margin={"t": 145 if sample else 110},
        barmode="stack",
        bargap=0.25,
        xaxis={"title": None, "dtick": 1, "tickangle": 0},
        yaxis={"title": y_title, "tickformat": ",d"},
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom", "traceorder": "normal"},
        hovermode="x unified",
    )
    return figure


def italy_forms_data(victims: pd.DataFrame, country_iso3: str = "ITA") -> pd.DataFrame:
    """GLOTIP detected victims in one country, all sexes and ages: one row per year and form of exploitation,
    plus the national total. Suppressed and conflicting values stay in the data with a null value."""
    rows = victims.loc[
        (victims["source"] == "unodc_glotip")
        & (victims["geo_level"] == "country")
        & (victims["country_iso3"] == country_iso3)
        & (victims["indicator"] == "detected victims")
        & (victims["sex"] == "Total")
        & (victims["age"] == "Total")
        & (
            ((victims["dimension"] == "form of exploitation") & victims["category"].isin(FORMS))
            | ((victims["dimension"] == "total") & (victims["category"] == "Total"))
        )
    ].copy()
    rows["series"] = rows["category"].where(rows["dimension"] != "total", TOTAL_NAME)
    order = {name: i for i, name in enumerate([*FORMS, TOTAL_NAME])}
    rows = rows.sort_values(["year", "series"], key=lambda s: s.map(order) if s.name == "series" else s)
    return rows[COLUMNS].reset_index(drop=True)


def build_italy_forms(data: pd.DataFrame, *, country: str = "Italy", sample: bool = False) -> go.Figure:
    """Stacked bars of detected victims by form of exploitation, with the national total as markers (forms
    need not add up to it: some victims have no form reported). A suppressed value ('<5') draws no bar and is
    named in the hover text."""
    figure = go.Figure()
    for index, form in enumerate(FORMS):
        part = data[data["series"] == form]
        figure.add_bar(
            x=part["year"].tolist(),
            y=_numbers(part["value"]),
            name=form,
            marker=_bar_marker(index),
            customdata=part["value_published"].astype(object).tolist(),
            hovertemplate="%{customdata}<extra>" + html.escape(form) + "</extra>",
        )
    total = data[data["series"] == TOTAL_NAME]
    figure.add_scatter(
        x=total["year"].tolist(),
        y=_numbers(total["value"]),
        name=TOTAL_NAME,
        mode="markers+lines",
        line={"color": "#000000", "width": 1.5, "dash": "dot"},
        marker={"symbol": "diamond", "size": 8, "color": "#000000"},
        customdata=total["value_published"].astype(object).tolist(),
        hovertemplate="%{customdata}<extra>National total</extra>",
    )
    subtitle = "UNODC GLOTIP, all ages and sexes. Values below 5 are suppressed by UNODC and not drawn."
    title = _title(f"{country}: detected victims of trafficking by form of exploitation", subtitle, sample)
    return _layout(figure, title, sample, "Detected victims")


def eu_citizenship_data(victims: pd.DataFrame) -> pd.DataFrame:
    """Eurostat registered victims in the EU aggregate (EU27_2020 when published, else the next aggregate), all
    sexes and ages, by citizenship group, plus the total; one row per year and group."""
    vctz = victims.loc[
        (victims["source"] == "eurostat_thb")
        & (victims["dataset"] == "crim_thb_vctz")
        & (victims["geo_level"] == "aggregate")
        & (victims["sex"] == "Total")
        & (victims["age"] == "Total")
    ]
    aggregate = next((code for code in EU_AGGREGATES if (vctz["geo_code"] == code).any()), None)
    rows = vctz[vctz["geo_code"] == aggregate].copy()
    rows["series"] = rows["category_label"]
    rows["order"] = (
        rows["category"].map({c: i for i, c in enumerate([*CITIZENSHIP_ORDER, "TOTAL"])}).fillna(99)
    )
    rows = rows.sort_values(["year", "order"])
    return rows[["geo_code", "category", *COLUMNS]].reset_index(drop=True)


def build_eu_citizenship(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Stacked bars of registered victims by citizenship group, with the total as markers."""
    figure = go.Figure()
    groups = data[data["category"] != "TOTAL"]
    for index, (_, part) in enumerate(groups.groupby("category", sort=False)):
        name = str(part["series"].iloc[0])
        figure.add_bar(
            x=part["year"].tolist(),
            y=_numbers(part["value"]),
            name=name,
            marker=_bar_marker(index),
            customdata=part["value_published"].astype(object).tolist(),
            hovertemplate="%{y:,d}<extra>" + html.escape(name) + "</extra>",
        )
    total = data[data["category"] == "TOTAL"]
    figure.add_scatter(
        x=total["year"].tolist(),
        y=_numbers(total["value"]),
        name="All registered victims",
        mode="markers",
        marker={"symbol": "diamond", "size": 8, "color": "#000000"},
        hovertemplate="%{y:,d}<extra>All registered victims</extra>",
    )
    area = str(data["geo_code"].iloc[0]) if len(data) else "EU"
    subtitle = f"Eurostat crim_thb_vctz, {area}. Registered victims: a different definition from UNODC's detected victims."
    title = _title("European Union: registered victims of trafficking by citizenship", subtitle, sample)
    return _layout(figure, title, sample, "Registered victims")
