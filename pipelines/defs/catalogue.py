"""Every asset and check of the code location, gathered from the per-source and curated folders.

A source folder `pipelines/defs/<source>/` exports `ASSETS` from assets.py and `CHECKS` from checks.py;
a curated module exports `ASSETS` and `CHECKS`. Raw assets (key prefix "raw") feed curated.source_snapshots;
every curated table feeds the publish step.
"""

import importlib
import importlib.util

import dagster as dg

from pipelines.defs.curated.assets import source_snapshots, validation_results
from pipelines.defs.curated.brief import brief_asset
from pipelines.defs.curated.static_images import static_images_asset
from pipelines.defs.publish import publish_asset
from pipelines.lib import steps
from pipelines.lib.sources import SOURCE_NAMES

SOURCES = SOURCE_NAMES  # discovered from the folders pipelines/defs/<source>/
CURATED_MODULES = (
    "mmp",
    "arrivals",
    "trafficking",
    "route",
    "nexus",
    "views",
    "detections",
    "illegal_stay",
    "published",
    "route_evidence",
)
CHART_MODULES = (
    "charts",
    "arrival_charts",
    "trafficking_charts",
    "evidence_charts",
    "nexus_charts",
    "route_charts",
)


def _present(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _gather(modules: list[str], attribute: str) -> list:
    found = []
    for module in modules:
        if _present(module):
            found += getattr(importlib.import_module(module), attribute, [])
    return found


def _keys(assets: list, layer: str) -> list[dg.AssetKey]:
    return sorted((k for a in assets for k in a.keys if k.path[0] == layer), key=lambda k: k.to_user_string())


source_packages = [f"pipelines.defs.{s}" for s in SOURCES if _present(f"pipelines.defs.{s}")]
source_assets = _gather([f"{p}.assets" for p in source_packages], "ASSETS")
source_checks = _gather([f"{p}.checks" for p in source_packages], "CHECKS")
curated_assets = _gather([f"pipelines.defs.curated.{m}" for m in CURATED_MODULES], "ASSETS")
curated_checks = _gather([f"pipelines.defs.curated.{m}" for m in CURATED_MODULES], "CHECKS")
snapshots_asset, snapshots_check = source_snapshots(_keys(source_assets, "raw"))
curated_assets.append(snapshots_asset)
curated_checks.append(snapshots_check)
results_asset, results_check = validation_results(
    _keys(source_assets, "staging") + _keys(curated_assets, "curated")
)
curated_assets.append(results_asset)
curated_checks.append(results_check)
chart_assets = _gather([f"pipelines.defs.curated.{m}" for m in CHART_MODULES], "ASSETS")

images_asset = static_images_asset(_keys(chart_assets, "reports"))
brief = brief_asset(
    [*_keys(chart_assets, "reports"), *images_asset.keys, results_asset.key, snapshots_asset.key]
)

ASSETS = [
    *source_assets,
    *curated_assets,
    *chart_assets,
    images_asset,
    brief,
    publish_asset(_keys(curated_assets, "curated")),
]
CHECKS = [*source_checks, *curated_checks]
# each asset with its checks in its own step (`pipelines.lib.steps`)
DEFINITIONS = steps.build(ASSETS, CHECKS)
