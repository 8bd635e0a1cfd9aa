"""Static PNG/SVG rendering of many figures in one headless-browser session, on kaleido's public API.

kaleido 1.x drives a Chromium (Debian's /usr/bin/chromium when present) through choreographer. MathJax is
disabled (its default is a CDN script) and plotly.js comes from the installed plotly package, so rendering
makes no network requests; geo maps read topojson from `topojson_url`. Every image is one
`kaleido.Kaleido.calc_fig` call (kaleido's `write_fig_from_object` returning the bytes instead of writing a
file: the caller writes each file atomically). Two costs are kept off the build's path:

- Starting the browser (about two seconds): every image of a run goes through one `kaleido.Kaleido(n=TABS)`
  session, whose tabs render in parallel.
- Waiting: `prerender` hands a chart's images to a shared session on a background thread as soon as the
  chart is written, so the browser starts and renders while the build goes on; `collect` takes the bytes
  when the static-images step needs them. The shared session closes after IDLE_SECONDS without work, at
  exit, or on `release`.

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
public API offers no way to keep the page, so the images of a build take a few seconds of the browser's
time, spent in the background while the build goes on.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kaleido
import plotly.graph_objects as go

from pipelines.lib import helper_process
from pipelines.lib.chart_assets import plotly_js_source

CHROMIUM = Path("/usr/bin/chromium")
IDLE_SECONDS = 30.0
TIMEOUT = 90.0  # the longest wait for a prerendered chart's images
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


class _Session:
    """One browser on its own event-loop thread, shared by the renders of this process."""

    def __init__(self, timeout: float) -> None:
        self.pid = os.getpid()
        self.alive = True
        self.closing = False
        self.outstanding = 0
        self.last_used = time.monotonic()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kaleido-session", daemon=True)
        self.thread.start()
        self.watcher: asyncio.Task | None = None
        self.opened = asyncio.run_coroutine_threadsafe(self._open(timeout), self.loop)

    async def _open(self, timeout: float) -> kaleido.Kaleido:
        self.watcher = asyncio.ensure_future(self._watch_idle())
        return await _open(TABS, timeout)

    async def _calc(self, job: ImageJob, topojson_url: str | None) -> bytes:
        browser = await asyncio.wrap_future(self.opened)
        return await browser.calc_fig(job.figure, opts=_opts(job), topojson=topojson_url)

    def submit(self, job: ImageJob, topojson_url: str | None) -> concurrent.futures.Future:
        """Call with _LOCK held and `self.alive`."""
        self.outstanding += 1
        future = asyncio.run_coroutine_threadsafe(self._calc(job, topojson_url), self.loop)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: concurrent.futures.Future) -> None:
        with _LOCK:
            self.outstanding -= 1
            self.last_used = time.monotonic()
            failed = not future.cancelled() and future.exception() is not None
            if failed and self.alive:  # a tab may be stuck: the next renders get a fresh session
                self.alive = False
                retire = True
            else:
                retire = False
        if retire:
            asyncio.run_coroutine_threadsafe(self._shutdown_when_idle(), self.loop)

    async def _watch_idle(self) -> None:
        while True:
            await asyncio.sleep(min(IDLE_SECONDS / 3, 5.0))
            with _LOCK:
                idle = (
                    self.alive and not self.outstanding and time.monotonic() - self.last_used > IDLE_SECONDS
                )
                if idle:
                    self.alive = False
            if not self.alive:
                await self._shutdown_when_idle()
                return

    async def _shutdown_when_idle(self) -> None:
        if self.closing:
            return
        self.closing = True
        while self.outstanding:
            await asyncio.sleep(0.05)
        try:
            browser = await asyncio.wrap_future(self.opened)
        except Exception:  # noqa: BLE001 - a browser that failed to start was closed by _open
            browser = None
        if browser is not None:
            await _close(browser)
        if self.watcher is not None and self.watcher is not asyncio.current_task():
            self.watcher.cancel()
        self.loop.call_soon(self.loop.stop)

    def close(self, timeout: float = 20.0) -> None:
        """Stops the browser and the thread (from any thread but the session's own)."""
        with _LOCK:
            self.alive = False
        if self.loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(self._shutdown_when_idle(), self.loop).result(timeout)
            except (concurrent.futures.TimeoutError, RuntimeError):
                pass
        self.thread.join(timeout)
        if not self.thread.is_alive():
            self.loop.close()


_LOCK = threading.RLock()  # re-entrant: a future already done runs its callback in the submitting thread
_SESSION: _Session | None = None
_PRERENDERED: dict[str, tuple[str, concurrent.futures.Future]] = {}  # key: (digest, the images' bytes)


def _session() -> _Session:
    """The live shared session, started if needed. Call with _LOCK held."""
    global _SESSION
    if _SESSION is None or not _SESSION.alive or _SESSION.pid != os.getpid():
        _SESSION = _Session(RENDER_TIMEOUT)
    return _SESSION


def warm() -> None:
    """Starts the shared browser session now (in the background), so that it is ready when the first chart
    is written: a build calls this when its run will export images. With a build's helper process running
    (`helper_process`), the session is the helper's: its Python work (kaleido's event loop, the messages to
    and from the browser) then runs on the other core."""
    if helper_process.submit("pipelines.lib.chart_static:warm_here") is None:
        warm_here()


def warm_here() -> None:
    with _LOCK:
        _session()


def render_in_session(jobs: Sequence[ImageJob], topojson_url: str | None = None) -> list[bytes]:
    """`jobs` rendered in this process's shared session; what `prerender` starts in the background. Raises
    the first job's error when one did not render (the shared session is then retired)."""
    with _LOCK:
        session = _session()
        futures = [session.submit(job, topojson_url) for job in jobs]
    return [future.result(TIMEOUT) for future in futures]


def prerender(key: str, digest: str, jobs: Sequence[ImageJob], *, topojson_url: str | None = None) -> None:
    """Starts rendering `jobs` in the background (in the helper process when one is running, else in this
    process's shared session); `collect(key, digest)` returns their bytes later. `digest` names the exact
    input (the queued figure), so a stale result is never used."""
    future = helper_process.in_background(
        "pipelines.lib.chart_static:render_in_session", list(jobs), topojson_url
    )
    with _LOCK:
        _PRERENDERED[key] = (digest, future)


def collect(key: str, digest: str, timeout: float = TIMEOUT) -> list[bytes] | None:
    """The bytes of what `prerender(key, digest, ...)` started, in job order; None when nothing for this
    exact input was started in this process or a render failed (the caller renders it again)."""
    with _LOCK:
        found = _PRERENDERED.pop(key, None)
    if found is None or found[0] != digest:
        return None
    try:
        return list(found[1].result(timeout))
    except Exception:  # noqa: BLE001 - rendered again, in a fresh session, by the caller
        return None


def release() -> None:
    """Closes the shared session unless images are still queued in it (the helper's too, when one runs)."""
    global _SESSION
    with _LOCK:
        session = _SESSION if not _PRERENDERED else None
        if session is not None:
            _SESSION = None
        idle = not _PRERENDERED
    if idle:
        helper_process.submit("pipelines.lib.chart_static:release")
    if session is not None and session.pid == os.getpid():
        session.close()


@atexit.register
def _close_at_exit() -> None:
    global _SESSION
    with _LOCK:
        session, _SESSION = _SESSION, None
        _PRERENDERED.clear()
    if session is not None and session.pid == os.getpid():
        session.close(timeout=10.0)


def render_images(
    jobs: Sequence[ImageJob], *, topojson_url: str | None = None, tabs: int = 1, timeout: float | None = None
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
