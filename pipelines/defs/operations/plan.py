"""Which selected assets a build runs: those whose fingerprint changed since the last successful build, whose
table (or output) is gone, or that something other than a build materialised since; the rest are skipped."""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg

from pipelines.defs.operations import fingerprints
from pipelines.settings import Paths


@dataclass
class Plan:
    run: list[dg.AssetKey] = field(default_factory=list)
    unchanged: list[dg.AssetKey] = field(default_factory=list)
    fingerprints: dict[dg.AssetKey, str] = field(default_factory=dict)


def _exists(key: dg.AssetKey, tables: set[str], paths: Paths, metadata: dict) -> bool:
    if metadata.get("relations"):  # an asset that builds views or tables under other names
        return set(metadata["relations"]) <= tables
    layer = key.path[0]
    if layer in fingerprints.TABLE_LAYERS:
        return key.to_user_string() in tables
    if layer == "publish":
        return paths.published_db.exists()
    if layer == "reports":
        return paths.reports_dir.is_dir()
    return False


def _materialised_elsewhere(
    instance: dg.DagsterInstance, keys: list[dg.AssetKey], last: dict[str, tuple[str, str]]
) -> set[dg.AssetKey]:
    """Assets whose latest materialisation in the Dagster instance is not the recorded build (e.g. the UI)."""
    if not keys:
        return set()
    latest = instance.get_latest_materialization_events(keys)
    return {
        key
        for key, entry in latest.items()
        if entry is not None and entry.run_id != last.get(key.to_user_string(), ("", ""))[1]
    }


def plan(
    graph: dg.AssetGraph,
    selected: set[dg.AssetKey],
    paths: Paths,
    settings: dict,
    *,
    force: bool,
    instance: dg.DagsterInstance,
) -> Plan:
    """Walks the graph upstream first. An asset outside the selection contributes the fingerprint it was last
    built with (what its table holds), so a partial build never records a state it did not build from."""
    last = fingerprints.recorded(paths.working_db)
    tables = fingerprints.existing_tables(paths.working_db)
    elsewhere = set() if force else _materialised_elsewhere(instance, sorted(selected, key=str), last)
    code, effective, result = fingerprints.CodeHasher(), {}, Plan()
    for key in graph.toposorted_asset_keys:
        name = key.to_user_string()
        parents = [f"{p.to_user_string()}={effective.get(p, 'unbuilt')}" for p in graph.get(key).parent_keys]
        if key not in selected:
            effective[key] = last.get(name, ("unbuilt", ""))[0]
            continue
        now = fingerprints.current(graph, key, parents, paths, settings, code)
        effective[key] = now
        same = last.get(name, ("", ""))[0] == now
        if (
            same
            and not force
            and key not in elsewhere
            and _exists(key, tables, paths, graph.get(key).metadata or {})
        ):
            result.unchanged.append(key)
        else:
            result.run.append(key)
            result.fingerprints[key] = now
    return result


def forget(paths: Paths, planned: Plan) -> None:
    """Before running: what is about to be rebuilt no longer counts as built (a killed build rebuilds it)."""
    if planned.run:
        fingerprints.write(paths.working_db, [k.to_user_string() for k in planned.run], {})


def record(
    paths: Paths,
    planned: Plan,
    result: dg.ExecuteInProcessResult,
    graph: dg.AssetGraph,
    checks: set[dg.AssetCheckKey],
) -> list[str]:
    """Stores the fingerprint of every asset that materialised and whose checks (those of `checks`, the ones the
    run included) all passed or only warned; an asset with a failed or missing check is rebuilt, and checked
    again, next time."""
    materialised = {e.asset_key for e in result.get_asset_materialization_events()}
    evaluations = {(e.asset_key, e.check_name): e for e in result.get_asset_check_evaluations()}
    good = {}
    for key in planned.run:
        found = [evaluations.get((c.asset_key, c.name)) for c in graph.get(key).check_keys if c in checks]
        if key in materialised and all(
            e is not None and (e.passed or e.severity == dg.AssetCheckSeverity.WARN) for e in found
        ):
            good[key.to_user_string()] = (planned.fingerprints[key], result.run_id)
    fingerprints.write(paths.working_db, [], good)
    return sorted(good)
