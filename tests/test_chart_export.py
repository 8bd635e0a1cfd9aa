"""Chart publishing: files, local assets, escaping, static images and an offline browser render."""

from __future__ import annotations

import ast
import json
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

from pipelines.lib import chart_static
from pipelines.lib.chart_assets import VENDOR_TOPOJSON_DIR, MissingWebAssetsError
from pipelines.lib.chart_export import PENDING, Chart, export_charts, render_pending
from pipelines.lib.chart_static import ImageJob, ImageRenderError, render_images
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


def assert_valid_png(data: bytes, size: tuple[int, int]) -> None:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == size


def assert_valid_svg(data: bytes) -> None:
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert len(list(root.iter())) > 20, "an SVG with (almost) nothing drawn"


@pytest.fixture
def counted_browsers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the kaleido sessions the module opens (each `_browser` call is one `kaleido.Kaleido`)."""
    opened: list[int] = []
    make = chart_static._browser

    def counting(tabs: int, timeout: float):  # noqa: ANN202
        opened.append(tabs)
        return make(tabs, timeout)

    monkeypatch.setattr(chart_static, "_browser", counting)
    return opened


def test_every_image_of_a_direct_export_from_one_session(tmp_path: Path, counted_browsers: list[int]) -> None:
    require_chromium()
    require_topojson()
    charts = [line_chart(), map_chart()]
    result = export_charts(charts, tmp_path / "charts", tmp_path / "assets")
    assert len(counted_browsers) == 1
    for chart in charts:
        assert_valid_png(Path(result[chart.name]["png"]).read_bytes(), (900 * 2, 520 * 2))
        assert_valid_svg(Path(result[chart.name]["svg"]).read_bytes())


def test_deferred_charts_rendered_in_one_session(tmp_path: Path, counted_browsers: list[int]) -> None:
    """A build queues each chart as it is written (`defer=True`); `render_pending` renders every queued chart in
    one browser session of TABS tabs and writes every PNG and SVG."""
    require_chromium()
    require_topojson()
    charts_dir, assets_dir = tmp_path / "charts", tmp_path / "assets"
    names = []
    for chart in (line_chart(), map_chart()):
        export_charts([chart], charts_dir, assets_dir, defer=True)
        names.append(chart.name)
    assert sorted(p.name for p in charts_dir.glob(f"*/*{PENDING}")) == sorted(n + PENDING for n in names)
    written = render_pending(charts_dir, assets_dir)
    assert sorted(written) == sorted(names)
    assert counted_browsers == [chart_static.TABS], "one session for every queued figure"
    assert not list(charts_dir.glob(f"*/*{PENDING}"))
    for name in names:
        assert_valid_png(Path(written[name]["png"]).read_bytes(), (900 * 2, 520 * 2))
        assert_valid_svg(Path(written[name]["svg"]).read_bytes())


def _figure_jobs(name: str, formats: tuple[str, ...] = ("png", "svg")) -> list[ImageJob]:
    figure = json.loads(pio.to_json(line_chart().figure, validate=False))
    return [ImageJob(figure, fmt, 400, 300, 1, name) for fmt in formats]


def test_a_session_that_does_not_start_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard against a browser that never loads kaleido's page (kaleido < 1.5.1 could wait forever for
    a load event): the first session's opening times out, the images come from a second session."""
    require_chromium()
    real_open, calls = chart_static._open, []

    async def first_hangs(tabs: int, timeout: float):  # noqa: ANN202
        calls.append(tabs)
        if len(calls) == 1:
            raise TimeoutError("the browser did not load kaleido's page")
        return await real_open(tabs, timeout)

    monkeypatch.setattr(chart_static, "_open", first_hangs)
    png, svg = render_images(_figure_jobs("retried_chart"))
    assert len(calls) == 2
    assert_valid_png(png, (400, 300))
    assert_valid_svg(svg)


def test_a_figure_that_does_not_render_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """Images that fail in every session raise an error naming their chart; the others are not blamed. (One
    session here: that a failed image is retried in a fresh one is test_a_session_that_does_not_start_is_replaced.)"""
    require_chromium()
    monkeypatch.setattr(chart_static, "ATTEMPTS", 1)
    jobs = _figure_jobs("good_chart") + _figure_jobs("broken_chart", ("bmp",))
    with pytest.raises(ImageRenderError, match="broken_chart") as caught:
        render_images(jobs)
    assert "good_chart" not in str(caught.value)
    assert f"after {chart_static.ATTEMPTS} browser sessions" in str(caught.value)


def test_a_render_past_kaleidos_timeout_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    require_chromium()
    monkeypatch.setattr(chart_static, "ATTEMPTS", 1)  # one session: the retry is tested above
    # the error names the chart and format; what kaleido raises past its timeout (a TimeoutError, or the closed
    # channel of the session it abandons) depends on the moment it gives up
    with pytest.raises(ImageRenderError, match=r"slow_chart not rendered .*slow_chart \(png\): \w+Error"):
        render_images(_figure_jobs("slow_chart", ("png",)), timeout=0.001)


def test_a_chart_that_does_not_render_stops_render_pending_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Queued charts render in one session and their queue files go; a chart that does not render in any
    session stops the step with an error naming it, and its queue file stays for the next build."""
    require_chromium()
    charts_dir, assets_dir = tmp_path / "charts", tmp_path / "assets"
    export_charts([line_chart()], charts_dir, assets_dir, defer=True)
    queued = charts_dir / "test_line_monthly" / f"test_line_monthly{PENDING}"
    written = render_pending(charts_dir, assets_dir)
    assert_valid_png(Path(written["test_line_monthly"]["png"]).read_bytes(), (900 * 2, 520 * 2))
    assert not queued.exists()

    export_charts([line_chart()], charts_dir, assets_dir, defer=True)
    monkeypatch.setattr(chart_static, "RENDER_TIMEOUT", 0.001)  # no image renders in time
    monkeypatch.setattr(chart_static, "ATTEMPTS", 1)  # in one session: the retry is tested above
    with pytest.raises(ImageRenderError, match="test_line_monthly"):
        render_pending(charts_dir, assets_dir)
    assert queued.is_file()


STATIC_MODULES = [
    Path(__file__).resolve().parents[1] / "pipelines" / "lib" / name
    for name in ("chart_static.py", "chart_export.py")
]


@pytest.mark.parametrize("module", STATIC_MODULES, ids=lambda p: p.name)
def test_static_export_uses_only_kaleidos_public_api(module: Path) -> None:
    """No `kaleido._…` module or name imported or reached through an attribute, no kaleido class
    subclassed: what the module does with kaleido survives its upgrades."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
            names: list[str] = []
        elif isinstance(node, ast.ImportFrom):
            modules, names = [node.module or ""], [alias.name for alias in node.names]
        else:
            modules, names = [], []
        for name in modules:
            parts = name.split(".")
            if parts[0] in ("kaleido", "choreographer") and (
                any(p.startswith("_") for p in parts) or names and any(n.startswith("_") for n in names)
            ):
                problems.append(f"line {node.lineno}: import of {name} {names}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            if isinstance(node.value, ast.Name) and node.value.id in ("kaleido", "choreographer"):
                problems.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                if "kaleido" in ast.unparse(base) or "choreo" in ast.unparse(base):
                    problems.append(f"line {node.lineno}: class {node.name} subclasses {ast.unparse(base)}")
    assert not problems, problems
    assert not re.search(r"kaleido\._", module.read_text(encoding="utf-8"))
