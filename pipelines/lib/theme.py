"""The "evidence" Plotly template and the source caption placed under every chart.

The palette is Okabe-Ito (safe for the common colour-vision deficiencies), ordered so that
neighbouring series also differ in grey level; every series additionally gets its own line dash
and marker symbol, so charts stay readable when printed in black and white.
Importing this module registers the template; it does not make it the default.
"""

from __future__ import annotations

import html
import textwrap

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "evidence"
CAPTION_NAME = "source-caption"

# Okabe-Ito, ordered by alternating grey level: 87, 162, 0, 119, 158, 106, 151, 213 (of 255).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#000000",  # black
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow, last: weak contrast on white
)
DASHES: tuple[str, ...] = tuple("solid dash dot dashdot longdash longdashdot 6px,3px,2px,3px 2px,2px".split())
SYMBOLS: tuple[str, ...] = tuple("circle square diamond triangle-up x triangle-down cross star".split())
PATTERNS: tuple[str, ...] = ("", "/", ".", "\\", "x", "-", "+", "|")

# Unquoted CSS family names, so no name may start with a digit ("Source Sans 3" would void the list).
FONT_FAMILY = "Source Sans Pro, Helvetica Neue, Helvetica, Arial, Liberation Sans, sans-serif"
TEXT = "#222222"
MUTED = "#5F5F5F"
GRID = "#E3E3E3"
AXIS = "#8C8C8C"

CAPTION_FONT_SIZE = 11
CAPTION_LINE_PX = 15
CAPTION_WRAP = 120


def _axis() -> dict:
    lines = dict(showgrid=True, gridcolor=GRID, zeroline=False, showline=True, linecolor=AXIS)
    ticks = dict(ticks="outside", tickcolor=AXIS, ticklen=4, automargin=True)
    return lines | ticks | dict(title=dict(font=dict(size=13, color=MUTED), standoff=8))


def _geo() -> dict:
    frame = dict(resolution=110, showframe=True, framecolor="#BDBDBD", framewidth=0.75, bgcolor="#FFFFFF")
    lines = dict(coastlinecolor="#6E6E6E", coastlinewidth=0.7, countrycolor="#A8A8A8", countrywidth=0.5)
    fills = dict(landcolor="#EFEFEF", oceancolor="#FFFFFF", projection=dict(type="natural earth"))
    shown = dict(showcoastlines=True, showcountries=True, showland=True, showocean=True, showlakes=False)
    return frame | lines | fills | shown


def _build_template() -> go.layout.Template:
    n = len(PALETTE)
    scatter = [
        go.Scatter(line=dict(width=2.25, dash=DASHES[i]), marker=dict(symbol=SYMBOLS[i], size=7))
        for i in range(n)
    ]
    scattergeo = [
        go.Scattergeo(marker=dict(symbol=SYMBOLS[i], size=8, line=dict(width=0.75, color="#FFFFFF")))
        for i in range(n)
    ]
    bar = [
        go.Bar(
            marker=dict(
                line=dict(width=0),
                pattern=dict(shape=PATTERNS[i], fillmode="overlay", fgcolor="#FFFFFF", solidity=0.25),
            )
        )
        for i in range(n)
    ]
    layout = go.Layout(
        colorway=list(PALETTE),
        font=dict(family=FONT_FAMILY, size=14, color=TEXT),
        title=dict(x=0, xref="paper", xanchor="left", y=0.97, yanchor="top", font=dict(size=18, color=TEXT)),
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        margin=dict(l=64, r=24, t=72, b=56, autoexpand=True),
        xaxis=_axis() | dict(showgrid=False),
        yaxis=_axis() | dict(showline=False, ticks="", rangemode="tozero"),
        legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom", font=dict(size=13))
        | dict(bgcolor="rgba(255,255,255,0)", title=dict(side="left", font=dict(size=13, color=MUTED))),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=13), bgcolor="#FFFFFF", bordercolor=AXIS),
        hovermode="x unified",
        separators=".,",
        colorscale=dict(sequential="Cividis", sequentialminus="Cividis", diverging="PuOr"),
        coloraxis=dict(colorbar=dict(outlinewidth=0, thickness=14, ticks="outside", len=0.8)),
        geo=_geo(),
        bargap=0.2,
    )
    return go.layout.Template(layout=layout, data=dict(scatter=scatter, scattergeo=scattergeo, bar=bar))


def register() -> go.layout.Template:
    """(Re)register the template under TEMPLATE_NAME and return it."""
    template = _build_template()
    pio.templates[TEMPLATE_NAME] = template
    return template


def distinguish_series(fig: go.Figure) -> go.Figure:
    """Give each named line/marker series its own dash and symbol, in palette order.

    Plotly Express sets one dash and one symbol on every trace unless `line_dash=`/`symbol=` map a
    column, which bypasses the template's cycling; this restores it. Traces sharing a name (facets)
    share a style.
    """
    order: dict[str, int] = {}
    for trace in fig.data:
        if trace.type not in {"scatter", "scattergl", "scattergeo"}:
            continue
        i = order.setdefault(trace.name or str(len(order)), len(order)) % len(DASHES)
        if trace.type != "scattergeo":
            trace.line.dash = DASHES[i]
        trace.marker.symbol = SYMBOLS[i]
    return fig


def wrap_caption(caption: str, width: int = CAPTION_WRAP) -> list[str]:
    """Split plain text into display lines of at most `width` characters, keeping explicit newlines."""
    lines: list[str] = []
    for paragraph in caption.strip().splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, width=width, break_long_words=True) or [""])
    return lines


NON_CARTESIAN = frozenset(
    "scattergeo choropleth scattermap choroplethmap densitymap scattermapbox choroplethmapbox densitymapbox "
    "pie sunburst treemap icicle sankey table".split()
)


def _bottom_gap(fig: go.Figure) -> int:
    """Pixels between the bottom of the plot area and the caption: room for tick labels and axis title."""
    if fig.data and all(t.type in NON_CARTESIAN for t in fig.data):
        return 16
    return 62 if fig.layout.xaxis.title.text else 36


def _base_margin(fig: go.Figure) -> int:
    if fig.layout.margin.b is not None:
        return int(fig.layout.margin.b)
    template = fig.layout.template
    if template is not None and template.layout.margin.b is not None:
        return int(template.layout.margin.b)
    return 56


def apply_caption(fig: go.Figure, caption: str) -> go.Figure:
    """Put `caption` (plain text) under the plot in small grey type and grow the bottom margin to fit.

    Calling it again replaces the previous caption rather than stacking a second one.
    """
    lines = [html.escape(line, quote=False) for line in wrap_caption(caption)]
    gap = _bottom_gap(fig)
    kept = [a for a in fig.layout.annotations if a.name != CAPTION_NAME]
    place = dict(xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top", yshift=-gap)
    style = dict(showarrow=False, align="left", font=dict(size=CAPTION_FONT_SIZE, color=MUTED))
    note = go.layout.Annotation(name=CAPTION_NAME, text="<br>".join(lines), **place, **style)
    needed = gap + len(lines) * CAPTION_LINE_PX + 12
    fig.update_layout(annotations=[*kept, note], margin=dict(b=max(_base_margin(fig), needed)))
    return fig


register()
