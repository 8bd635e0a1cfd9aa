"""Static PNG/SVG rendering of many figures in one headless-browser session, on kaleido's public API.

kaleido 1.x drives a Chromium (Debian's /usr/bin/chromium when present) through choreographer. MathJax is
disabled (its default is a CDN script) and plotly.js comes from the installed plotly package, so rendering
makes no network requests; geo maps read topojson from `topojson_url`. Every image is one
`kaleido.Kaleido.calc_fig` call (kaleido's `write_fig_from_object` returning the bytes instead of writing a
file: the caller writes each file atomically). Starting the browser costs about two seconds, so every image of
a run goes through one `kaleido.Kaleido(n=TABS)` session, whose tabs render in parallel.

A session that does not render is not waited for: opening the browser is bounded by OPEN_TIMEOUT and each
image by kaleido's own `timeout`. kaleido up to 1.5.0 sent `Page.navigate` before `Page.enable` and could
wait forever for a load event Chromium does not repeat (under a busy build about one session in three never
rendered); kaleido 1.5.1 enables the page first (plotly/Kaleido, `_KaleidoTab.navigate`: "Enable Page events
before navigation; completed load events are not replayed"), hence `kaleido>=1.5.1`. The bounds and the
retry below stay as the guard against other stalls (kaleido's `timeout` covers the drawing only, not the
browser's start nor the page reload after each image; hangs of a render are still reported upstream, e.g.
plotly/Kaleido#419 with the open fix plotly/Kaleido#433): images that did not render are rendered again in a
fresh session, ATTEMPTS sessions in all, and then `ImageRenderError` names the charts that failed.

kaleido reloads its page after every image (the 4.6 MB plotly.js parsed again, about 0.2-0.4 s a tab); its
public API offers no way to keep the page, so the images of a build take a few seconds of the browser's time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kaleido
import plotly.graph_objects as go

from pipelines.lib.chart_assets import plotly_js_source

CHROMIUM = Path("/usr/bin/chromium")
RENDER_TIMEOUT = 30.0  # kaleido's own limit for one image (its `timeout`)
OPEN_TIMEOUT = 30.0  # starting the browser and loading kaleido's page in its tabs
ATTEMPTS = 2  # sessions tried for an image before giving up
TABS = 2  # two pages render at once: the images of the last charts are ready sooner


class ImageRenderError(RuntimeError):
    """A figure's static image could not be rendered; the message names the charts."""


@dataclass(frozen=True)
class ImageJob:
    figure: go.Figure | dict[str, Any]
    format: str  # "png" or "svg"
    width: int
    height: int
    scale: float = 1
    name: str = ""  # the chart the image belongs to, for error messages


def _opts(job: ImageJob) -> dict[str, Any]:
    return {"format": job.format, "width": job.width, "height": job.height, "scale": job.scale}


def _label(job: ImageJob) -> str:
    return f"{job.name or 'unnamed figure'} ({job.format})"


def _browser_path() -> dict[str, Any]:
    """Debian's Chromium unless BROWSER_PATH names another (choreographer reads that itself)."""
    if not os.environ.get("BROWSER_PATH") and CHROMIUM.exists():
        return {"path": str(CHROMIUM)}
    return {}


def _browser(tabs: int, timeout: float) -> kaleido.Kaleido:
    return kaleido.Kaleido(
        n=max(1, tabs), timeout=timeout, plotlyjs=plotly_js_source(), mathjax=False, **_browser_path()
    )


async def _close(browser: kaleido.Kaleido) -> None:
    try:
        await asyncio.wait_for(browser.close(), OPEN_TIMEOUT)
    except Exception:  # noqa: BLE001 - a browser that failed to start may have nothing to close
        pass


async def _open(tabs: int, timeout: float) -> kaleido.Kaleido:
    """An open browser with its tabs on kaleido's page; raises when that takes longer than OPEN_TIMEOUT."""
    browser = _browser(tabs, timeout)
    try:
        await asyncio.wait_for(browser.open(), OPEN_TIMEOUT)
    except BaseException as error:
        await _close(browser)
        if isinstance(error, asyncio.TimeoutError):
            raise TimeoutError(
                f"the browser did not load kaleido's page within {OPEN_TIMEOUT:.0f} s"
            ) from None
        raise
    return browser


async def _render_once(
    jobs: Sequence[ImageJob], topojson_url: str | None, tabs: int, timeout: float
) -> list[bytes | BaseException]:
    """Every job in one session: the bytes, or the error of a job that did not render."""
    try:
        browser = await _open(min(tabs, len(jobs)), timeout)
    except Exception as error:  # noqa: BLE001 - every job failed with it
        return [error] * len(jobs)
    try:
        renders = [browser.calc_fig(job.figure, opts=_opts(job), topojson=topojson_url) for job in jobs]
        return list(await asyncio.gather(*renders, return_exceptions=True))
    finally:
        await _close(browser)


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:300]}" if text else type(error).__name__


async def _render(
    jobs: Sequence[ImageJob], topojson_url: str | None, tabs: int, timeout: float
) -> list[bytes]:
    results: list[bytes | BaseException | None] = [None] * len(jobs)
    todo = list(range(len(jobs)))
    for _attempt in range(ATTEMPTS):
        outcome = await _render_once([jobs[i] for i in todo], topojson_url, tabs, timeout)
        for index, result in zip(todo, outcome, strict=True):
            results[index] = result
        todo = [i for i in todo if not isinstance(results[i], bytes)]
        if not todo:
            return [result for result in results if isinstance(result, bytes)]
    failures = "; ".join(f"{_label(jobs[i])}: {_describe(results[i])}" for i in todo)  # type: ignore[arg-type]
    names = sorted({jobs[i].name or "unnamed figure" for i in todo})
    raise ImageRenderError(
        f"static image of {', '.join(names)} not rendered after {ATTEMPTS} browser sessions ({failures})"
    )


def render_images(
    jobs: Sequence[ImageJob],
    *,
    topojson_url: str | None = None,
    tabs: int = TABS,
    timeout: float | None = None,
) -> list[bytes]:
    """Render every job in one browser session; returns the image bytes in job order.

    Jobs that did not render (kaleido's `timeout` per image, RENDER_TIMEOUT by default; OPEN_TIMEOUT for the
    browser) are rendered
    again in a fresh session, ATTEMPTS sessions in all; then `ImageRenderError` names their charts.
    The session runs on its own event loop in a worker thread, so this works whether or not the
    caller already has a running loop (Dagster, Jupyter).
    """
    if not jobs:
        return []
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="kaleido") as pool:
        limit = RENDER_TIMEOUT if timeout is None else timeout
        return pool.submit(asyncio.run, _render(jobs, topojson_url, tabs, limit)).result()
