"""Static PNG/SVG rendering of many figures in one headless-browser session.

kaleido 1.x drives a Chromium through choreographer. MathJax is disabled (its default is a CDN script) and
plotly.js comes from the installed plotly package, so rendering makes no network requests; geo maps read
topojson from `topojson_url`. Three costs are kept off the build's path:

- Starting the browser (about two seconds): every image of a run goes through one session.
- kaleido reloads its page after every image, parsing the 4.6 MB plotly.js again (about 0.2 s per image,
  most of the rendering time). The page is kept instead (`_KeptPageKaleido`): plotly.js's `toImage` draws
  into a temporary element it removes, so nothing carries over from one image to the next. A session in
  which a render failed is closed rather than reused.
- Waiting: `prerender` hands a chart's images to a shared session on a background thread as soon as the
  chart is written, so the browser starts and renders while the build goes on; `collect` takes the bytes
  when the static-images step needs them. The shared session closes after IDLE_SECONDS without work, at
  exit, or on `release`.
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
from kaleido._kaleido_tab._devtools_utils import get_js_id
from kaleido._kaleido_tab._errors import _raise_error
from kaleido._kaleido_tab._tab import _KaleidoTab, _subscribe_new

from pipelines.lib import helper_process
from pipelines.lib.chart_assets import plotly_js_source

IDLE_SECONDS = 30.0
TIMEOUT = 90.0
TABS = 2  # two pages render at once: the images of the last charts are ready sooner


@dataclass(frozen=True)
class ImageJob:
    figure: go.Figure | dict[str, Any]
    format: str  # "png" or "svg"
    width: int
    height: int
    scale: float = 1


def _opts(job: ImageJob) -> dict[str, Any]:
    return {"format": job.format, "width": job.width, "height": job.height, "scale": job.scale}


class _ReadyTab(_KaleidoTab):
    """kaleido's tab, navigated with its page and runtime events switched on first.

    kaleido sends `Page.navigate` and only then `Page.enable`, and waits for `Page.loadEventFired`; Chromium does
    not send that event again for a page that finished loading before `Page.enable` arrived, so when the
    calling process is busy between the two commands (a build running steps on two threads) the wait never
    ends and every image of the session with it. Here both domains are on before the page is asked for: the
    runtime's `executionContextCreated` replays for the blank page during `Runtime.enable` (before its
    reply, so before the subscription below), and the next one is the kaleido page's own."""

    async def navigate(self, url: str | Path = "") -> None:
        _raise_error(await self.tab.send_command("Page.enable"))
        _raise_error(await self.tab.send_command("Runtime.enable"))
        javascript_ready = _subscribe_new(self.tab, "Runtime.executionContextCreated")
        page_ready = _subscribe_new(self.tab, "Page.loadEventFired")
        await self._apply_headers()
        _raise_error(await self.tab.send_command("Page.navigate", params={"url": str(url)}))
        self._current_js_id = get_js_id(await javascript_ready)
        await page_ready
        self.js_logger.reset()


class _KeptPageKaleido(kaleido.Kaleido):
    """kaleido.Kaleido with tabs that are ready when navigated (`_ReadyTab`) and without the page reload after
    each image (see the module docstring)."""

    async def _conform_tabs(self, tabs: Any = None) -> None:  # noqa: ANN401 - choreographer tabs
        tabs = list(tabs or self.tabs.values())
        ready = [_ReadyTab(tab, headers=self._headers) for tab in tabs]
        await asyncio.gather(*(tab.navigate(self._index) for tab in ready))
        for tab in ready:
            self._total_tabs += 1
            await self.tabs_ready.put(tab)

    async def _return_kaleido_tab(self, tab: Any) -> None:  # noqa: ANN401
        tab.js_logger.reset()
        await self.tabs_ready.put(tab)


def _browser(tabs: int, timeout: float) -> kaleido.Kaleido:
    return _KeptPageKaleido(n=max(1, tabs), timeout=timeout, plotlyjs=plotly_js_source(), mathjax=False)


async def _render(
    jobs: Sequence[ImageJob], topojson_url: str | None, tabs: int, timeout: float
) -> list[bytes]:
    async with _browser(min(tabs, len(jobs)), timeout) as k:
        renders = [k.calc_fig(job.figure, opts=_opts(job), topojson=topojson_url) for job in jobs]
        return list(await asyncio.gather(*renders))


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
        browser = _browser(TABS, timeout)
        await browser.__aenter__()
        return browser

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
            if failed and self.alive:  # the page may be in any state: start afresh next time
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
            await browser.__aexit__(None, None, None)
        except Exception:  # noqa: BLE001 - a browser that failed to start has nothing to close
            pass
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
        _SESSION = _Session(TIMEOUT)
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
    """`jobs` rendered in this process's shared session; what `prerender` starts in the background."""
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
    jobs: Sequence[ImageJob], *, topojson_url: str | None = None, tabs: int = 1, timeout: float = TIMEOUT
) -> list[bytes]:
    """Render every job in one browser session; returns the image bytes in job order.

    The session runs on its own event loop in a worker thread, so this works whether or not the
    caller already has a running loop (Dagster, Jupyter).
    """
    if not jobs:
        return []
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="kaleido") as pool:
        return pool.submit(asyncio.run, _render(jobs, topojson_url, tabs, timeout)).result()
