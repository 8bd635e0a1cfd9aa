"""HTML for published charts: a standalone page and an embeddable <figure> fragment.

Neither embeds plotly.js: both reference the shared local copy by a relative URL, and for maps
point plotly.js's `topojsonURL` at the local topojson directory. Maps also load small scripts that
hand the topojson to plotly.js directly, because browsers refuse `fetch` between file:// URLs and
a page opened from disk would otherwise draw no map.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
import plotly.io as pio

from pipelines.lib.theme import CAPTION_NAME

CONFIG: dict[str, object] = {
    "responsive": True,
    "displaylogo": False,
    # plotly.js 4 adds a "Share chart" button that uploads the figure to Plotly's cloud.
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}
PAGE_CSS = (
    "body{font-family:'Source Sans Pro','Helvetica Neue',Helvetica,Arial,'Liberation Sans',sans-serif;"
    "color:#222;max-width:960px;margin:2rem auto;padding:0 1rem;line-height:1.45}"
    "h1{font-size:1.4rem;font-weight:600;margin:0 0 1rem}"
    ".chart-caption{font-size:.85rem;color:#555;margin-top:.5rem}"
)


def caption_html(text: str) -> str:
    return "<br>".join(html.escape(line) for line in text.strip().splitlines())


def interactive_figure(fig: go.Figure, title: str) -> go.Figure:
    """A copy without the caption annotation, and without the title if it repeats the page heading."""
    out = go.Figure(fig)
    captioned = any(a.name == CAPTION_NAME for a in out.layout.annotations)
    if out.layout.title.text in (title, html.escape(title, quote=False)):
        out.update_layout(title_text=None)
    if captioned:
        out.layout.annotations = [a for a in out.layout.annotations if a.name != CAPTION_NAME]
        out.layout.margin.b = None
    return out


def plot_div(
    fig: go.Figure, name: str, title: str, *, height: int, scale: float, topojson_url: str | None
) -> str:
    """The plot's <div> and the inline script that draws it; plotly.js must already be loaded."""
    config = CONFIG | {"toImageButtonOptions": {"format": "png", "filename": name, "scale": scale}}
    if topojson_url is not None:
        config["topojsonURL"] = topojson_url
    return pio.to_html(
        interactive_figure(fig, title),
        config=config,
        include_plotlyjs=False,
        full_html=False,
        div_id=f"chart-{name}",
        default_width="100%",
        default_height=f"{height}px",
    )


def _scripts(urls: list[str]) -> str:
    return "\n".join(f'<script src="{html.escape(u)}" charset="utf-8"></script>' for u in urls)


def page(title: str, caption: str, div: str, scripts: list[str]) -> str:
    """A standalone page; `scripts` are relative URLs, plotly.min.js first."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{PAGE_CSS}</style>
{_scripts(scripts)}
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
{div}
<p class="chart-caption">{caption_html(caption)}</p>
</main>
</body>
</html>
"""


def fragment(name: str, title: str, caption: str, div: str, scripts: list[str]) -> str:
    """A <figure> to paste into a page that loads `scripts` (relative to that page) beforehand."""
    needs = " ".join(f'<script src="{html.escape(u)}"></script>' for u in scripts)
    return f"""<!-- Chart {name}. This fragment does not include plotly.js: the embedding page must load
     plotly.min.js (and, for maps, the topojson scripts) before it, e.g.
     {needs}
     (URLs relative to the page directory this fragment was exported for). -->
<figure class="evidence-chart" id="{name}">
{div}
<figcaption><strong class="chart-title">{html.escape(title)}</strong>
<span class="chart-caption">{caption_html(caption)}</span></figcaption>
</figure>
"""
