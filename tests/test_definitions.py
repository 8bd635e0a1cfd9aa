"""The code location loads, its asset graph matches the reviewed snapshot, and keys follow the layer contract."""

from __future__ import annotations

import json
import os

import dagster as dg

from pipelines.definitions import defs
from pipelines.lib.sql import SQL_DIR
from tests.conftest import ROOT

SNAPSHOT = ROOT / "tests" / "snapshots" / "asset_graph.json"


def current_graph() -> dict:
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(d.to_user_string() for d in node.parent_keys),
            "checks": sorted(c.name for c in node.check_keys),
        }
    return assets


def test_definitions_load() -> None:
    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_implicit_global_asset_job_def() is not None


def test_asset_graph_matches_the_reviewed_snapshot() -> None:
    """A rename, a new dependency or a dropped check shows up here and in review.
    After an intended change: UPDATE_SNAPSHOTS=1 pytest tests/test_definitions.py, and review the diff."""
    graph = current_graph()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(graph, indent=2, ensure_ascii=False) + "\n")
    assert graph == json.loads(SNAPSHOT.read_text())


def test_keys_spell_the_storage_address() -> None:
    for key, node in current_graph().items():
        layer, _, name = key.partition("/")
        assert layer in {"snapshots", "raw", "staging", "curated", "reports", "publish"}, key
        if layer == "snapshots":  # the raw store's source asset of raw/<name>, which depends on it alone
            assert f"raw/{name}" in current_graph(), key
            assert current_graph()[f"raw/{name}"]["deps"] == [key], key
            continue
        if key == "curated/research_views":  # views, one SQL file each
            from pipelines.defs.curated.views import VIEWS

            assert all((SQL_DIR / "curated" / "views" / f"{v}.sql").is_file() for v in VIEWS)
            continue
        if layer in {"staging", "curated"}:
            assert (SQL_DIR / layer / f"{name}.sql").is_file(), f"{key} has no sql/{layer}/{name}.sql"
        if layer == "staging":
            source = name.removeprefix("stg_").split("__")[0]
            assert node["group"] == source, key
            assert name.startswith("stg_"), key
        if layer == "raw":
            assert node["group"] == name.split("__")[0], key


def test_every_staging_table_has_a_blocking_check() -> None:
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        if key.path[0] == "staging":
            blocking = [c for c in graph.get(key).check_keys if graph.get_check_spec(c).blocking]
            assert blocking, f"{key.to_user_string()} has no blocking check"
