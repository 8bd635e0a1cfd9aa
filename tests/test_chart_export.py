"""Chart publishing: files, local assets, escaping, static images and an offline browser render."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from pipelines.lib.chart_assets import VENDOR_TOPOJSON_DIR, MissingWebAssetsError
from pipelines.lib.chart_export import Chart, export_charts
from pipelines.lib.theme import CAPTION_NAME, TEMPLATE_NAME, apply_caption

CHROMIUM = Path("/usr/bin/chromium")
XSS = "<script>alert(1)</script>"
CAPTION = f"Source: synthetic test data, snapshot 2025-01-01. Licence CC BY 4.0. {XSS}"
KINDS = ("html", "fragment", "png", "svg", "csv", "caption")
SCRIPT_SRC = re.compile(r"<script[^>]*\ssrc=\"([^\"]+)\"", re.I)
TOPOJSON_URL = re.compile(r"\"topojsonURL\":\s*\"([^\"]*)\"")


def _unavailable(what: str, reason: str) -> None:
    """Skip locally; under CI=true a missing prerequisite is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required under CI=true: {reason}")
    pytest.skip(reason)


def require_chromium() -> None:
    if not CHROMIUM.exists():
        _unavailable("chromium", f"{CHROMIUM} is absent; static export and browser tests need it")


def require_topojson() -> None:
    if not (VENDOR_TOPOJSON_DIR / "world_110m.json").is_file():
        _unavailable("vendor/topojson", "vendor/topojson is missing; run `make assets`")


def line_chart() -> Chart:
    months = pd.date_range("2024-01-01", periods=10, freq="MS").strftime("%Y-%m-%d")
    frame = pd.DataFrame(
        {
            "month": list(months) * 2,
            "route": ["Central Mediterranean"] * 10 + ["Western Mediterranean"] * 10,
            "dead_missing": [12, 30, 25, 40, 18, 22, 35, 28, 19, 27, 5, 8, 6, 9, 12, 4, 7, 10, 3, 6],
        }
    )
    fig = px.line(
        frame,
        x="month",
        y="dead_missing",
        color="route",
        line_dash="route",
        symbol="route",
        markers=True,
        template=TEMPLATE_NAME,
    )
    return Chart("test_line_monthly", "Dead and missing, monthly", fig, frame, CAPTION)


def map_chart() -> Chart:
    frame = pd.DataFrame(
        {
            "place": [
                "Tripoli",
                "Zuwara",
                "Benghazi",
                "Tobruk",
                "Sfax",
                "Lampedusa",
                "Malta",
                "Catania",
                "Pozzallo",
                "Tunis",
                "Augusta",
                "Sabratha",
            ],
            "lat": [32.89, 32.93, 32.12, 32.08, 34.74, 35.51, 35.90, 37.50, 36.73, 36.81, 37.23, 32.79],
            "lon": [13.19, 12.08, 20.07, 23.96, 10.76, 12.61, 14.51, 15.09, 14.85, 10.18, 15.22, 12.49],
            "kind": ["departure"] * 5 + ["arrival"] * 4 + ["departure", "arrival", "departure"],
            "count": [120, 300, 60, 40, 400, 900, 50, 110, 90, 30, 70, 80],
        }
    )
    fig = px.scatter_geo(
        frame,
        lat="lat",
        lon="lon",
        color="kind",
        symbol="kind",
        size="count",
        hover_name="place",
        template=TEMPLATE_NAME,
    )
    fig.update_geos(
        resolution=50, projection_type="mercator", lataxis_range=[30, 39.5], lonaxis_range=[8, 26]
    )
    return Chart("test_map_points", "Departure and arrival points", fig, frame, CAPTION)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict[str, str]], Path]:
    require_chromium()
    require_topojson()
    root = tmp_path_factory.mktemp("reports")
    result = export_charts([line_chart(), map_chart()], root / "charts", root / "assets")
    return result, root


def test_every_file_written_and_non_trivial(exported: tuple[dict, Path]) -> None:
    result, root = exported
    assert set(result) == {"test_line_monthly", "test_map_points"}
    for name, files in result.items():
        assert set(files) == set(KINDS)
        for kind, path in files.items():
            p = Path(path)
            assert p.parent == root / "charts" / name
            assert p.is_file() and p.stat().st_size > 50, (name, kind)
    leftovers = [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers


def test_png_is_png_at_scale_two(exported: tuple[dict, Path]) -> None:
    for files in exported[0].values():
        head = Path(files["png"]).read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", head[16:24])
        assert (width, height) == (900 * 2, 520 * 2)


def test_svg_parses_and_map_has_coastlines(exported: tuple[dict, Path]) -> None:
    for files in exported[0].values():
        root = ET.parse(files["svg"]).getroot()
        assert root.tag.endswith("svg")
        assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
    svg = Path(exported[0]["test_map_points"]["svg"]).read_text(encoding="utf-8")
    coast = re.search(r'<g class="layer coastlines"><path d="([^"]+)"', svg)
    assert coast and len(coast.group(1)) > 1000, "static map rendered without coastlines"


def test_standalone_html_uses_local_assets_only(exported: tuple[dict, Path]) -> None:
    result, root = exported
    for files in result.values():
        page = Path(files["html"])
        text = page.read_text(encoding="utf-8")
        sources = SCRIPT_SRC.findall(text)
        assert "../../assets/plotly.min.js" in sources
        for src in sources:
            assert "cdn" not in src.lower() and "://" not in src, src
            assert (page.parent / src).resolve().is_file(), src
        assert text.count("plotly.min.js") == 1
    map_page = Path(result["test_map_points"]["html"])
    urls = TOPOJSON_URL.findall(map_page.read_text(encoding="utf-8"))
    assert urls == ["../../assets/topojson/"]
    assert (map_page.parent / urls[0] / "world_50m.json").resolve().is_file()
    assert (root / "assets" / "topojson" / "world_50m.js").is_file()


def test_fragment_is_embeddable(exported: tuple[dict, Path]) -> None:
    for files in exported[0].values():
        text = Path(files["fragment"]).read_text(encoding="utf-8")
        comment = re.match(r"\s*<!--(.*?)-->", text, re.S)
        assert comment and "plotly.min.js" in comment.group(1)
        body = text[comment.end() :]
        assert "<figure" in body and "<figcaption>" in body
        assert not SCRIPT_SRC.findall(body), "fragment must not load plotly.js itself"
        for url in TOPOJSON_URL.findall(body):
            assert url == "assets/topojson/"


def test_csv_round_trips(exported: tuple[dict, Path]) -> None:
    for chart in (line_chart(), map_chart()):
        back = pd.read_csv(exported[0][chart.name]["csv"], encoding="utf-8")
        pd.testing.assert_frame_equal(back, chart.data, check_dtype=False)
        assert list(back.dtypes.astype(str)) == list(chart.data.dtypes.astype(str))


def test_caption_is_escaped(exported: tuple[dict, Path]) -> None:
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for files in exported[0].values():
        for kind in ("html", "fragment"):
            text = Path(files[kind]).read_text(encoding="utf-8")
            assert escaped in text
            assert XSS not in text
        assert Path(files["caption"]).read_text(encoding="utf-8") == CAPTION + "\n"


def test_interactive_only_export_needs_no_browser(tmp_path: Path) -> None:
    stale = tmp_path / "charts" / "test_line_monthly" / "test_line_monthly.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    result = export_charts(
        [line_chart()],
        tmp_path / "charts",
        tmp_path / "assets",
        static=False,
        vendor_dir=tmp_path / "no-vendor",
    )
    assert set(result["test_line_monthly"]) == {"html", "fragment", "csv", "caption"}
    assert not stale.exists()
    assert (tmp_path / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    assert not (tmp_path / "assets" / "topojson").exists()


def test_map_without_vendored_topojson_says_make_assets(tmp_path: Path) -> None:
    with pytest.raises(MissingWebAssetsError, match="make assets"):
        export_charts(
            [map_chart()],
            tmp_path / "charts",
            tmp_path / "assets",
            static=False,
            vendor_dir=tmp_path / "empty",
        )


def test_bad_or_duplicate_names_rejected(tmp_path: Path) -> None:
    chart = line_chart()
    with pytest.raises(ValueError, match="slug"):
        export_charts(
            [Chart("Bad Name", "t", chart.figure, chart.data, "c")], tmp_path, tmp_path, static=False
        )
    with pytest.raises(ValueError, match="duplicate"):
        export_charts([chart, chart], tmp_path, tmp_path, static=False)


def test_theme_and_caption() -> None:
    template = pio.templates[TEMPLATE_NAME]
    assert len(set(template.layout.colorway)) >= 8
    assert len({t.line.dash for t in template.data.scatter}) == len(template.data.scatter)
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]), layout=dict(template=TEMPLATE_NAME))
    apply_caption(fig, "A " * 150 + "<b>")
    apply_caption(fig, "Source: " + "word " * 60)
    notes = [a for a in fig.layout.annotations if a.name == CAPTION_NAME]
    assert len(notes) == 1
    lines = notes[0].text.split("<br>")
    assert len(lines) == 3 and all(len(line) <= 120 for line in lines)
    assert fig.layout.margin.b >= 36 + 3 * 15


@pytest.mark.slow
def test_standalone_map_renders_offline_in_chromium(exported: tuple[dict, Path], tmp_path: Path) -> None:
    page = Path(exported[0]["test_map_points"]["html"]).resolve()
    base = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ]
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            *base,
            f"--user-data-dir={tmp_path / 'profile-shot'}",
            f"--screenshot={shot}",
            "--window-size=900,600",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
    dom = subprocess.run(
        [
            *base,
            f"--user-data-dir={tmp_path / 'profile-dom'}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=60,
        check=False,
        text=True,
    )
    coast = re.search(r'<g class="layer coastlines"><path d="([^"]+)"', dom.stdout)
    assert coast and len(coast.group(1)) > 1000, "map page drew no coastlines offline"


class _SimulatedTab:
    """A browser tab as Chromium's DevTools protocol behaves for kaleido's page: events of a domain are sent
    only once it is enabled; `Runtime.enable` replays the current page's execution context before replying;
    a page that finished loading before `Page.enable` never sends `Page.loadEventFired` again. Here a
    navigation completes at once (the case of a busy calling process, which reaches its next command late)."""

    def __init__(self) -> None:
        self.enabled: set[str] = set()
        self.waiting: dict[str, list] = {}
        self.context = 1  # the blank page's

    def subscribe_once(self, event: str):  # noqa: ANN201
        import asyncio

        future = asyncio.get_running_loop().create_future()
        self.waiting.setdefault(event, []).append(future)
        return future

    def subscribe(self, event: str, callback) -> None:  # noqa: ANN001
        pass

    def unsubscribe(self, event: str) -> None:
        pass

    def _emit(self, domain: str, event: str, params: dict) -> None:
        if domain in self.enabled:
            for future in self.waiting.pop(event, []):
                future.set_result({"method": event, "params": params})

    async def send_command(self, command: str, params: dict | None = None) -> dict:
        if command.endswith(".enable"):
            domain = command.split(".")[0]
            self.enabled.add(domain)
            if domain == "Runtime":
                self._emit("Runtime", "Runtime.executionContextCreated", {"context": {"id": self.context}})
        elif command == "Page.navigate":
            self.context += 1
            self._emit("Runtime", "Runtime.executionContextCreated", {"context": {"id": self.context}})
            self._emit("Page", "Page.loadEventFired", {})
        return {"result": {}}


def test_kaleido_tabs_are_ready_even_when_the_page_loads_before_its_events_are_on() -> None:
    """kaleido's own tab asks for the page before switching its events on and waits forever for a load
    event Chromium never sends again (a build's images then never come); the project's tab switches them on
    first and takes the new page's execution context."""
    import asyncio

    from kaleido._kaleido_tab._tab import _KaleidoTab

    from pipelines.lib.chart_static import _ReadyTab

    async def navigate(tab_class: type) -> int:
        tab = tab_class(_SimulatedTab())
        await asyncio.wait_for(tab.navigate("file:///kaleido/index.html"), timeout=2)
        return tab._current_js_id

    assert asyncio.run(navigate(_ReadyTab)) == 2
    with pytest.raises(TimeoutError):
        asyncio.run(navigate(_KaleidoTab))
