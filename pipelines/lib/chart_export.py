"""Publish charts as standalone HTML, embeddable fragments, PNG, SVG, CSV and caption text.

Layout: `charts_dir/<name>/<name>.{html,fragment.html,png,svg,csv,caption.txt}`, and one shared
`assets_dir/plotly.min.js` plus `assets_dir/topojson/` for maps. Pages load both by relative path,
so the output works offline and makes no third-party requests. Every file is written atomically.

`Chart.figure` should carry neither its title nor its source caption: pages show them as text,
and the static images get them added (title from `Chart.title`, caption via `apply_caption`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from pipelines.lib.chart_assets import (
    atomic_write,
    install_plotly_js,
    install_topojson,
    relative_url,
    topojson_names,
    uses_geo,
)
from pipelines.lib.chart_static import ImageJob, render_images
from pipelines.lib.theme import CAPTION_NAME, apply_caption

WIDTH = 900
HEIGHT = 520
SCALE = 2
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PAGE_CSS = (
    "body{font-family:'Source Sans Pro','Helvetica Neue',Helvetica,Arial,'Liberation Sans',sans-serif;color:#222;"
    "max-width:960px;margin:2rem auto;padding:0 1rem;line-height:1.45}"
    "h1{font-size:1.4rem;font-weight:600;margin:0 0 1rem}"
    ".chart-caption{font-size:.85rem;color:#555;margin-top:.5rem}"
)


@dataclass
class Chart:
    name: str  # stable slug, e.g. "central_med_dead_missing_monthly"
    title: str
    figure: go.Figure
    data: pd.DataFrame  # the plotted data, written as CSV
    caption: str  # plain text: sources, snapshot dates, licence


def _caption_html(text: str) -> str:
    return "<br>".join(html.escape(line) for line in text.strip().splitlines())


def _interactive_figure(fig: go.Figure) -> go.Figure:
    """The figure without title and caption annotation, which the page shows as text."""
    out = go.Figure(fig)
    captioned = any(a.name == CAPTION_NAME for a in out.layout.annotations)
    out.update_layout(title_text=None)
    if captioned:
        out.layout.annotations = [a for a in out.layout.annotations if a.name != CAPTION_NAME]
        out.layout.margin.b = None
    return out


def _static_figure(chart: Chart) -> go.Figure:
    out = go.Figure(chart.figure)
    if not out.layout.title.text:
        out.update_layout(title_text=html.escape(chart.title, quote=False))
    if not any(a.name == CAPTION_NAME for a in out.layout.annotations):
        apply_caption(out, chart.caption)
    return out


def _plot_div(chart: Chart, topojson_url: str | None) -> str:
    config: dict[str, object] = {
        "responsive": True,
        "displaylogo": False,
        "showSendToCloud": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
        "toImageButtonOptions": {"format": "png", "filename": chart.name, "scale": SCALE},
    }
    if topojson_url is not None:
        config["topojsonURL"] = topojson_url
    height = chart.figure.layout.height or HEIGHT
    return pio.to_html(
        _interactive_figure(chart.figure),
        config=config,
        include_plotlyjs=False,
        full_html=False,
        div_id=f"chart-{chart.name}",
        default_width="100%",
        default_height=f"{height}px",
    )


def _scripts(urls: list[str]) -> str:
    return "\n".join(f'<script src="{html.escape(u)}" charset="utf-8"></script>' for u in urls)


def _page(chart: Chart, plotly_url: str, preload: list[str], div: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(chart.title)}</title>
<style>{PAGE_CSS}</style>
{_scripts([plotly_url, *preload])}
</head>
<body>
<main>
<h1>{html.escape(chart.title)}</h1>
{div}
<p class="chart-caption">{_caption_html(chart.caption)}</p>
</main>
</body>
</html>
"""


def _fragment(chart: Chart, plotly_url: str, preload: list[str], div: str) -> str:
    needs = f'<script src="{plotly_url}"></script>'
    if preload:
        needs += " and, for this map, " + " ".join(f'<script src="{u}"></script>' for u in preload)
    return f"""<!-- Chart {chart.name}: the embedding page must load plotly.min.js before this fragment,
     e.g. {needs} (paths relative to the page this fragment was exported for). -->
<figure class="evidence-chart" id="{chart.name}">
{div}
<figcaption><strong class="chart-title">{html.escape(chart.title)}</strong>
<span class="chart-caption">{_caption_html(chart.caption)}</span></figcaption>
</figure>
"""


def _validate(charts: list[Chart]) -> None:
    seen: set[str] = set()
    for chart in charts:
        if not SLUG.match(chart.name):
            raise ValueError(f"chart name {chart.name!r} is not a slug ([a-z0-9_-], lower case)")
        if chart.name in seen:
            raise ValueError(f"duplicate chart name {chart.name!r}")
        seen.add(chart.name)


def export_charts(
    charts: list[Chart],
    charts_dir: Path,
    assets_dir: Path,
    *,
    static: bool = True,
    fragment_base: Path | None = None,
    vendor_dir: Path | None = None,
) -> dict[str, dict[str, str]]:
    """Write every chart's files and return {name: {kind: path}}.

    `fragment_base` is the directory of the page that embeds the fragments (default: the parent of
    `charts_dir`); their relative asset URLs point from there. `vendor_dir` overrides vendor/topojson.
    With `static=False` no PNG/SVG is rendered and stale ones are removed.
    """
    _validate(charts)
    charts_dir, assets_dir = Path(charts_dir), Path(assets_dir)
    base = Path(fragment_base) if fragment_base is not None else charts_dir.parent
    charts_dir.mkdir(parents=True, exist_ok=True)
    plotly_js = install_plotly_js(assets_dir)
    geo_names = {c.name: sorted(topojson_names(c.figure)) for c in charts if uses_geo(c.figure)}
    topo_dir = install_topojson(assets_dir, vendor_dir) if geo_names else None

    result: dict[str, dict[str, str]] = {}
    for chart in charts:
        out = charts_dir / chart.name
        out.mkdir(parents=True, exist_ok=True)
        files = {
            k: out / f"{chart.name}{s}"
            for k, s in [
                ("html", ".html"),
                ("fragment", ".fragment.html"),
                ("png", ".png"),
                ("svg", ".svg"),
                ("csv", ".csv"),
                ("caption", ".caption.txt"),
            ]
        }
        names = geo_names.get(chart.name, [])
        for kind, page_dir, render in (("html", out, _page), ("fragment", base, _fragment)):
            topo_url = relative_url(topo_dir, page_dir, directory=True) if topo_dir and names else None
            preload = [relative_url(topo_dir / f"{n}.js", page_dir) for n in names] if topo_dir else []
            div = _plot_div(chart, topo_url)
            atomic_write(files[kind], render(chart, relative_url(plotly_js, page_dir), preload, div))
        atomic_write(files["csv"], chart.data.to_csv(index=False, lineterminator="\n"))
        atomic_write(files["caption"], chart.caption.strip() + "\n")
        if not static:
            for kind in ("png", "svg"):
                files.pop(kind).unlink(missing_ok=True)
        result[chart.name] = {k: str(p) for k, p in files.items()}

    if static:
        _write_images(charts, charts_dir, topo_dir)
    return result


def _write_images(charts: list[Chart], charts_dir: Path, topo_dir: Path | None) -> None:
    jobs: list[ImageJob] = []
    targets: list[Path] = []
    for chart in charts:
        fig = _static_figure(chart)
        width, height = fig.layout.width or WIDTH, fig.layout.height or HEIGHT
        for fmt in ("png", "svg"):
            jobs.append(ImageJob(fig, fmt, int(width), int(height), SCALE if fmt == "png" else 1))
            targets.append(charts_dir / chart.name / f"{chart.name}.{fmt}")
    topojson_url = topo_dir.resolve().as_uri() + "/" if topo_dir is not None else None
    for target, image in zip(targets, render_images(jobs, topojson_url=topojson_url), strict=True):
        atomic_write(target, image)
