"""Static PNG/SVG rendering of many figures in one headless-browser session.

kaleido 1.x drives a Chromium through choreographer. Starting the browser is the expensive part
(about two seconds), so every image of a run goes through a single `kaleido.Kaleido` context.
MathJax is disabled (its default is a CDN script) and plotly.js comes from the installed plotly
package, so rendering makes no network requests; geo maps read topojson from `topojson_url`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import kaleido
import plotly.graph_objects as go

from pipelines.lib.chart_assets import plotly_js_source


@dataclass(frozen=True)
class ImageJob:
    figure: go.Figure | dict[str, Any]
    format: str  # "png" or "svg"
    width: int
    height: int
    scale: float = 1


def _opts(job: ImageJob) -> dict[str, Any]:
    return {"format": job.format, "width": job.width, "height": job.height, "scale": job.scale}


async def _render(
    jobs: Sequence[ImageJob], topojson_url: str | None, tabs: int, timeout: float
) -> list[bytes]:
    async with kaleido.Kaleido(
        n=max(1, min(tabs, len(jobs))), timeout=timeout, plotlyjs=plotly_js_source(), mathjax=False
    ) as k:
        renders = [k.calc_fig(job.figure, opts=_opts(job), topojson=topojson_url) for job in jobs]
        return list(await asyncio.gather(*renders))


def render_images(
    jobs: Sequence[ImageJob], *, topojson_url: str | None = None, tabs: int = 1, timeout: float = 90
) -> list[bytes]:
    """Render every job in one browser session; returns the image bytes in job order.

    The session runs on its own event loop in a worker thread, so this works whether or not the
    caller already has a running loop (Dagster, Jupyter).
    """
    if not jobs:
        return []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kaleido") as pool:
        return pool.submit(asyncio.run, _render(jobs, topojson_url, tabs, timeout)).result()
