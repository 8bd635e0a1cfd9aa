"""Publish charts as standalone HTML, embeddable fragments, PNG, SVG, CSV and caption text.

Layout: `charts_dir/<name>/<name>.{html,fragment.html,png,svg,csv,caption.txt}`, and one shared
`assets_dir/plotly.min.js` plus `assets_dir/topojson/` for maps. Pages load both by relative path,
so the output works offline and makes no third-party requests. Every file is written atomically.

Pages show `Chart.title` as a heading and `Chart.caption` as text, so the interactive plot drops a
caption annotation and a figure title identical to `Chart.title`. Static images get the title
(when the figure has none) and the caption (via `apply_caption`, unless already applied) drawn in.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from pipelines.lib.chart_assets import (
    GEO_TRACE_TYPES,
    atomic_write,
    install_plotly_js,
    install_topojson,
    relative_url,
    topojson_names,
    uses_geo,
)
from pipelines.lib.chart_html import fragment, page, plot_div
from pipelines.lib.chart_static import ImageJob, render_images
from pipelines.lib.theme import CAPTION_NAME, apply_caption

WIDTH = 900
HEIGHT = 520
SCALE = 2
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
SUFFIXES = {
    "html": ".html",
    "fragment": ".fragment.html",
    "png": ".png",
    "svg": ".svg",
    "csv": ".csv",
    "caption": ".caption.txt",
}


@dataclass
class Chart:
    name: str  # stable slug, e.g. "central_med_dead_missing_monthly"
    title: str
    figure: go.Figure
    data: pd.DataFrame  # the plotted data, written as CSV
    caption: str  # plain text: sources, snapshot dates, licence


def _static_figure(chart: Chart) -> go.Figure:
    out = go.Figure(chart.figure)
    out.update_layout(updatemenus=[], sliders=[])  # controls do nothing on paper
    if not out.layout.title.text:
        out.update_layout(title_text=html.escape(chart.title, quote=False))
    if not any(a.name == CAPTION_NAME for a in out.layout.annotations):
        apply_caption(out, chart.caption)
    return out


def _is_data_array(value: object) -> bool:
    return isinstance(value, list) or (isinstance(value, dict) and "bdata" in value and "dtype" in value)


def _without_hidden_data(trace: dict) -> dict:
    """A trace's properties less its data arrays (also those nested, e.g. marker.size)."""
    return {
        key: _without_hidden_data(value) if isinstance(value, dict) else value
        for key, value in trace.items()
        if not _is_data_array(value)
    }


def _static_json(chart: Chart) -> str:
    """The figure the images are drawn from, as plotly JSON. Traces hidden (`visible: false`) stay, so the
    default colours of the others do not shift, but without their data: with the controls gone they can
    never be shown, and the map's per-year copies of every point would double what the browser is sent."""
    figure = json.loads(pio.to_json(_static_figure(chart), validate=False))
    figure["data"] = [
        _without_hidden_data(trace) if trace.get("visible") is False else trace
        for trace in figure.get("data", [])
    ]
    return json.dumps(figure, separators=(",", ":"))


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
    defer: bool = False,
) -> dict[str, dict[str, str]]:
    """Write every chart's files and return {name: {kind: path}}.

    `fragment_base` is the directory of the page that embeds the fragments (default: the parent of
    `charts_dir`); their relative asset URLs point from there. `vendor_dir` overrides vendor/topojson.
    Images are rendered before anything is written, so a rendering failure leaves the previous
    output intact. With `static=False` no PNG/SVG is rendered and stale ones are removed.
    With `defer=True` (and static) the figures to render are queued beside the chart as
    `<name>.pending.json`; `render_pending` then renders every queued chart in one browser session.
    """
    _validate(charts)
    charts_dir, assets_dir = Path(charts_dir), Path(assets_dir)
    base = Path(fragment_base) if fragment_base is not None else charts_dir.parent
    plotly_js = install_plotly_js(assets_dir)
    geo_names = {c.name: sorted(topojson_names(c.figure)) for c in charts if uses_geo(c.figure)}
    topo_dir = install_topojson(assets_dir, vendor_dir) if geo_names else None
    images = _render(charts, topo_dir) if static and not defer else {}

    result: dict[str, dict[str, str]] = {}
    for chart in charts:
        out = charts_dir / chart.name
        out.mkdir(parents=True, exist_ok=True)
        files = {kind: out / f"{chart.name}{suffix}" for kind, suffix in SUFFIXES.items()}
        names = geo_names.get(chart.name, [])
        divs: dict[str | None, str] = {}  # the page and the fragment share the div unless a map's URL differs
        for kind, page_dir in (("html", out), ("fragment", base)):
            topo_url = relative_url(topo_dir, page_dir, directory=True) if topo_dir and names else None
            scripts = [relative_url(plotly_js, page_dir)]
            scripts += [relative_url(topo_dir / f"{n}.js", page_dir) for n in names] if topo_dir else []
            if topo_url not in divs:
                height = int(chart.figure.layout.height or HEIGHT)
                divs[topo_url] = plot_div(
                    chart.figure, chart.name, chart.title, height=height, scale=SCALE, topojson_url=topo_url
                )
            div = divs[topo_url]
            if kind == "html":
                text = page(chart.title, chart.caption, div, scripts)
            else:
                text = fragment(chart.name, chart.title, chart.caption, div, scripts)
            atomic_write(files[kind], text)
        atomic_write(files["csv"], chart.data.to_csv(index=False, lineterminator="\n"))
        atomic_write(files["caption"], chart.caption.strip() + "\n")
        for fmt in ("png", "svg"):
            if static and not defer:
                atomic_write(files[fmt], images[(chart.name, fmt)])
            elif not static:
                files.pop(fmt).unlink(missing_ok=True)
        if static and defer:
            queued, text = out / f"{chart.name}{PENDING}", _static_json(chart)
            atomic_write(queued, text)
        result[chart.name] = {k: str(p) for k, p in files.items()}
    return result


def _render(charts: list[Chart], topo_dir: Path | None) -> dict[tuple[str, str], bytes]:
    """PNG and SVG bytes for every chart, from one browser session."""
    jobs: list[ImageJob] = []
    keys: list[tuple[str, str]] = []
    for chart in charts:
        for job in _jobs(json.loads(_static_json(chart)), chart.name):
            jobs.append(job)
            keys.append((chart.name, job.format))
    topojson_url = _topojson_url(topo_dir) if topo_dir is not None else None
    return dict(zip(keys, render_images(jobs, topojson_url=topojson_url), strict=True))


PENDING = ".pending.json"
FORMATS = ("png", "svg")


def _topojson_url(topo_dir: Path) -> str:
    return topo_dir.resolve().as_uri() + "/"


def _jobs(figure: dict, name: str = "") -> list[ImageJob]:
    """PNG (at SCALE) and SVG of a figure given as plotly JSON; `name` is the chart's, for error messages."""
    layout = figure.get("layout") or {}
    width, height = int(layout.get("width") or WIDTH), int(layout.get("height") or HEIGHT)
    return [ImageJob(figure, fmt, width, height, SCALE if fmt == "png" else 1, name) for fmt in FORMATS]


def _pending_name(path: Path) -> str:
    return path.name[: -len(PENDING)]


def _is_geo(figure: dict) -> bool:
    return any(trace.get("type") in GEO_TRACE_TYPES for trace in figure.get("data") or [])


def render_pending(
    charts_dir: Path, assets_dir: Path, vendor_dir: Path | None = None
) -> dict[str, dict[str, str]]:
    """Renders PNG and SVG for every chart queued by `export_charts(defer=True)` in one browser session
    (`chart_static.render_images`, which raises `ImageRenderError` naming the charts whose images it could not
    render, leaving their queue files), then removes the queue files. Returns {name: {"png": path, "svg": path}}."""
    queued = sorted(Path(charts_dir).glob(f"*/*{PENDING}"))
    if not queued:
        return {}
    figures = [json.loads(path.read_text(encoding="utf-8")) for path in queued]
    uses_maps = any(_is_geo(figure) for figure in figures)
    topo_dir = install_topojson(Path(assets_dir), vendor_dir) if uses_maps else None
    jobs = [
        job
        for path, figure in zip(queued, figures, strict=True)
        for job in _jobs(figure, _pending_name(path))
    ]
    topojson_url = _topojson_url(topo_dir) if topo_dir is not None else None
    rendered = render_images(jobs, topojson_url=topojson_url)
    images = {
        index: rendered[len(FORMATS) * index : len(FORMATS) * (index + 1)] for index in range(len(queued))
    }
    written: dict[str, dict[str, str]] = {}
    for index, path in enumerate(queued):
        name = _pending_name(path)
        for fmt, data in zip(FORMATS, images[index], strict=True):
            target = path.parent / f"{name}.{fmt}"
            atomic_write(target, data)
            written.setdefault(name, {})[fmt] = str(target)
        path.unlink()
    return written
