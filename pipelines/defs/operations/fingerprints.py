"""What each asset was last built from, so a rebuild skips the assets whose inputs did not change.

An asset's fingerprint hashes its code (its source or curated folder, its SQL file, pipelines/lib and
sql/macros.sql, the versions of the engines), its input data (for a raw asset: every accepted snapshot of its
source's files, sidecars included, and any pin), the build settings that change its output, and the
fingerprints its upstream assets were built with. The last successful build's fingerprints live in
meta.build_fingerprints of the working warehouse, with the run that built each asset.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.defs.operations.selection import raw_source
from pipelines.lib import raw_store
from pipelines.lib.warehouse import Warehouse
from pipelines.settings import PROJECT_ROOT, Paths

DDL = """
create table if not exists meta.build_fingerprints (
    asset varchar primary key, fingerprint varchar, run_id varchar, built_at timestamp
)
"""
SHARED_CODE = (PROJECT_ROOT / "pipelines" / "lib", PROJECT_ROOT / "sql" / "macros.sql")
ENGINES = ("dagster", "duckdb", "pandas", "pyarrow", "great-expectations", "plotly", "kaleido")
TABLE_LAYERS = ("raw", "staging", "curated")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass
class CodeHasher:
    cache: dict[Path, str] = field(default_factory=dict)

    def path(self, path: Path) -> str:
        if path not in self.cache:
            digest = hashlib.sha256()
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
            for file in files:
                if "__pycache__" in file.parts or not file.exists():
                    continue
                digest.update(str(file.relative_to(PROJECT_ROOT)).encode() + b"\0" + file.read_bytes())
            self.cache[path] = digest.hexdigest()
        return self.cache[path]

    def of(self, key: dg.AssetKey, group: str | None) -> str:
        defs = PROJECT_ROOT / "pipelines" / "defs"
        layer, name = key.path[0], key.path[-1]
        paths = [*SHARED_CODE]
        if group and (defs / group).is_dir():
            paths.append(defs / group)
        if layer in ("curated", "reports"):
            paths.append(defs / "curated")
        if layer == "publish":
            paths.append(defs / "publish.py")
        paths.append(PROJECT_ROOT / "sql" / layer / f"{name}.sql")
        return _digest(*(self.path(p) for p in dict.fromkeys(paths) if p.exists()))


def engines() -> str:
    versions = []
    for name in ENGINES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    return _digest(platform.python_version(), *versions)


def snapshot_state(
    raw_dir: Path, source: str, prefix: str | None, pin: str | None, claimed: tuple[str, ...] = ()
) -> str:
    """Every accepted snapshot of the source's files (entity starting with `prefix`) with its sidecar, and every
    accepted snapshot whose entity no raw asset of the source claims (`claimed`: the prefixes of all of them):
    such a file is refused by whichever raw asset reads the source, so its arrival must rebuild them."""
    items = [
        json.dumps(s.provenance, sort_keys=True)
        for s in raw_store.list_snapshots(raw_dir, source)
        if (entity := s.provenance.get("entity", "all")).startswith(prefix or "")
        or (claimed and not entity.startswith(claimed))
    ]
    return _digest(f"pin={pin or ''}", *sorted(items))


def _raw_input(graph: dg.AssetGraph, key: dg.AssetKey, paths: Paths, pins: str) -> str:
    source, prefix = raw_source(key, graph.get(key).metadata)
    claimed: tuple[str, ...] = ()
    if prefix:
        siblings = (
            raw_source(other, graph.get(other).metadata)
            for other in graph.get_all_asset_keys()
            if other.path[0] == "raw"
        )
        claimed = tuple(sorted({p for s, p in siblings if s == source and p}))
    pin = Warehouse(snapshot_pins=pins).pin_for(source)
    return snapshot_state(paths.raw_dir, source, prefix, pin, claimed)


def current(
    graph: dg.AssetGraph, key: dg.AssetKey, parents: list[str], paths: Paths, settings: dict, code: CodeHasher
) -> str:
    node = graph.get(key)
    own = [code.of(key, node.group_name), json.dumps(settings.get(key.path[0], {}), sort_keys=True)]
    if key.path[0] == "raw":
        own.append(_raw_input(graph, key, paths, settings.get("pins", "")))
    return _digest(key.to_user_string(), *own, *sorted(parents))


def recorded(working_db: Path) -> dict[str, tuple[str, str]]:
    """{asset: (fingerprint, run id)} of the last build, from the working warehouse (empty before any)."""
    if not working_db.exists():
        return {}
    con = duckdb.connect(str(working_db))
    try:
        con.execute("create schema if not exists meta")
        con.execute(DDL)
        rows = con.execute("select asset, fingerprint, run_id from meta.build_fingerprints").fetchall()
        return {asset: (fingerprint, run_id) for asset, fingerprint, run_id in rows}
    finally:
        con.close()


def existing_tables(working_db: Path) -> set[str]:
    if not working_db.exists():
        return set()
    con = duckdb.connect(str(working_db))
    try:
        rows = con.execute(
            "select schema_name || '/' || table_name from duckdb_tables() where database_name = current_database() "
            "union all select schema_name || '/' || view_name from duckdb_views() "
            "where database_name = current_database() and not internal"
        ).fetchall()
        return {row[0] for row in rows}
    finally:
        con.close()


def write(working_db: Path, forget: list[str], remember: dict[str, tuple[str, str]]) -> None:
    """Drops the records of `forget`, then stores `remember` ({asset: (fingerprint, run id)})."""
    working_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(working_db))
    try:
        con.execute("create schema if not exists meta")
        con.execute(DDL)
        if forget:  # one statement each (one commit), not one per asset
            con.execute("delete from meta.build_fingerprints where list_contains(?, asset)", [list(forget)])
        if remember:
            values = ", ".join(["(?, ?, ?, current_timestamp::timestamp)"] * len(remember))
            con.execute(
                f"insert or replace into meta.build_fingerprints values {values}",
                [
                    v
                    for asset, (fingerprint, run_id) in remember.items()
                    for v in (asset, fingerprint, run_id)
                ],
            )
    finally:
        con.close()
