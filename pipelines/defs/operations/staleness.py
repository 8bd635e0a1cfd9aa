"""What makes an asset stale, in Dagster's own terms: code versions, the raw store's data versions and the
automation condition that `migration-evidence build` (and the UI's automation sensor) evaluates.

- Every asset has a `code_version`: a digest of the code it runs (its source or curated folder, its SQL file,
  pipelines/lib and sql/macros.sql) and of the engines' versions.
- The raw store is a set of observable source assets, one per raw asset (`snapshots/<raw table>`), each
  observed with a data version that digests the accepted snapshots the raw asset reads (sidecars included),
  the accepted files no raw asset of its source claims (such a file is refused by whichever raw asset reads
  the source, so its arrival must rebuild them) and any `--snapshot` pin. Every raw asset depends on its own.
- An asset materialised without a data version of its own gets Dagster's: a digest of its code version and its
  inputs' data versions. A rebuild from the same code and inputs therefore leaves its data version as it was,
  and what depends on it is not rebuilt.
- `CONDITION` requests an asset that is missing, whose code version changed, whose inputs' data versions changed
  (or that will be rebuilt on this evaluation) since it was last materialised, or whose last blocking check
  failed.
"""

import hashlib
import json
import platform
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import dagster as dg

from pipelines.defs.operations.selection import raw_source
from pipelines.lib import raw_store
from pipelines.settings import PROJECT_ROOT

SNAPSHOTS = "snapshots"  # key prefix of the raw store's observable source assets
SHARED_CODE = (PROJECT_ROOT / "pipelines" / "lib", PROJECT_ROOT / "sql" / "macros.sql")
ENGINES = ("dagster", "duckdb", "pandas", "pyarrow", "great-expectations", "plotly", "kaleido")

_AC = dg.AutomationCondition
# Since the previous evaluation: the asset's code version changed, an input's data version changed, or an input
# is requested now (so everything downstream of a change is rebuilt in the same run).
_CHANGED = (
    _AC.code_version_changed() | _AC.any_deps_match(_AC.data_version_changed() | _AC.will_be_requested())
).with_label("changed")
CONDITION = (
    _AC.missing()
    | _CHANGED
    # ... and stays so until the asset is materialised: one requested but left out of a partial build
    # (`--source`, `--select`) or not reached by a failed run is requested by the next evaluation too
    | _CHANGED.since(_AC.newly_updated())
    # a failed blocking check: rebuilt until it passes (warn-only checks are not blocking and never count)
    | _AC.any_checks_match(_AC.check_failed(), blocking_only=True)
).with_label("stale")


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
        """The code `key` runs: shared code, its group's folder, the curated folder for curated tables and
        charts, publish.py for the published database, and its SQL file (sql/<layer>/<name>.sql)."""
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


def code_version(key: dg.AssetKey, group: str | None, hasher: CodeHasher, engine_versions: str) -> str:
    return _digest(hasher.of(key, group), engine_versions)[:24]


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


@dataclass(frozen=True)
class RawInput:
    """What a raw asset reads from the raw store: its source, entity prefix, and the prefixes its siblings (the
    source's other raw assets) claim."""

    raw: dg.AssetKey
    source: str
    prefix: str | None
    claimed: tuple[str, ...]

    @property
    def key(self) -> dg.AssetKey:
        return dg.AssetKey([SNAPSHOTS, self.raw.path[-1]])

    def state(self, raw_dir: Path, pin: str | None) -> str:
        return snapshot_state(raw_dir, self.source, self.prefix, pin, self.claimed)


def raw_inputs(assets: list[dg.AssetsDefinition]) -> list[RawInput]:
    found = [
        (key, *raw_source(key, assets_def.metadata_by_key.get(key)))
        for assets_def in assets
        for key in assets_def.keys
        if key.path[0] == "raw"
    ]
    claimed = {}
    for _key, source, prefix in found:
        if prefix:
            claimed.setdefault(source, set()).add(prefix)
    return sorted(
        (
            RawInput(key, source, prefix, tuple(sorted(claimed.get(source, ()))) if prefix else ())
            for key, source, prefix in found
        ),
        key=lambda r: r.raw.to_user_string(),
    )


def observations(inputs: list[RawInput], warehouse: object) -> Iterator[dg.ObserveResult]:
    """One observation per raw input: its snapshots' state as data version (`warehouse` gives the raw store and
    the pins)."""
    raw_dir = warehouse.paths().raw_dir
    for item in inputs:
        pin = warehouse.pin_for(item.source)
        yield dg.ObserveResult(
            asset_key=item.key,
            data_version=dg.DataVersion(item.state(raw_dir, pin)),
            metadata={"source": item.source, "entity_prefix": item.prefix or "", "pin": pin or ""},
        )


def snapshot_sources(inputs: list[RawInput]) -> dg.AssetsDefinition:
    """The raw store as observable source assets (one step observes them all)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)  # multi_observable_source_asset is in beta
        return _snapshot_sources(inputs)


def _snapshot_sources(inputs: list[RawInput]) -> dg.AssetsDefinition:
    @dg.multi_observable_source_asset(
        name="raw_store",
        specs=[
            dg.AssetSpec(
                item.key,
                group_name=item.source,
                description=(
                    f"The accepted {item.source} snapshots {item.raw.to_user_string()} reads"
                    + (f" (files {item.prefix}…)" if item.prefix else "")
                    + ", as stored in the raw store; its data version changes when one lands, is rejected or "
                    "put back, or the `--snapshot` pin changes."
                ),
                metadata={"source": item.source, **({"entity_prefix": item.prefix} if item.prefix else {})},
            )
            for item in inputs
        ],
        required_resource_keys={"warehouse"},
        can_subset=True,
    )
    def raw_store_snapshots(context: dg.AssetExecutionContext) -> Iterator[dg.ObserveResult]:
        selected = context.selected_asset_keys
        yield from observations([i for i in inputs if i.key in selected], context.resources.warehouse)

    return raw_store_snapshots


def versioned(
    assets: list[dg.AssetsDefinition], inputs: list[RawInput], hasher: CodeHasher | None = None
) -> list[dg.AssetsDefinition]:
    """`assets` with a code version and `CONDITION` on every asset, and each raw asset depending on its
    snapshots."""
    hasher, engine_versions = hasher or CodeHasher(), engines()
    snapshot_of = {item.raw: item.key for item in inputs}

    def versions(spec: dg.AssetSpec) -> dg.AssetSpec:
        spec = spec.replace_attributes(
            code_version=code_version(spec.key, spec.group_name, hasher, engine_versions),
            automation_condition=CONDITION,
        )
        if spec.key in snapshot_of:
            spec = spec.merge_attributes(deps=[snapshot_of[spec.key]])
        return spec

    return [assets_def.map_asset_specs(versions) for assets_def in assets]


CURSOR_FILE = "build_automation_cursor.json"  # in the Dagster instance's home
TABLE_LAYERS = ("raw", "staging", "curated")


@dataclass
class Evaluated:
    """One evaluation of `CONDITION` for a build: what it requests, and its cursor with the build's settings, to
    be stored (`store`) once the build succeeded. `first`: there was no stored cursor (the instance's first
    build, or an ephemeral instance): Dagster has no previous evaluation to compare code versions with."""

    requested: set[dg.AssetKey]
    cursor: object
    settings: dict
    file: Path | None
    first: bool
    settings_changed: bool
    freshness_checked: str | None = None  # the day the freshness checks last ran after a build
    # the id of the last command-line build run this cursor has taken in; a build run launched after it (killed
    # during its run, or after it and before its cursor was stored) is one the cursor has not seen
    last_run: str | None = None

    def store(self, freshness_checked: str | None = None, run_id: str | None = None) -> None:
        if self.file is None:
            return
        text = json.dumps(
            {
                "cursor": dg.serialize_value(self.cursor),
                "settings": self.settings,
                "freshness_checked": freshness_checked,
                "last_run": run_id or self.last_run,
            }
        )
        partial = self.file.with_name(self.file.name + ".partial")
        partial.write_text(text)
        partial.replace(self.file)  # atomic: a killed build leaves the previous cursor


def _stored(file: Path | None) -> tuple[object | None, dict, str | None, str | None]:
    if file is None or not file.exists():
        return None, {}, None, None
    try:
        stored = json.loads(file.read_text())
        cursor = dg.deserialize_value(stored["cursor"])
        return cursor, stored.get("settings", {}), stored.get("freshness_checked"), stored.get("last_run")
    except (ValueError, KeyError, TypeError):  # unreadable: as if none (the build then runs everything)
        return None, {}, None, None


def evaluate(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    settings: dict,
    keys: set[dg.AssetKey],
    after: Evaluated | None = None,
) -> Evaluated:
    """Evaluates the condition of the assets `keys` against `instance` from the stored cursor (that of the last
    build that ran to its end), or from `after`, an evaluation of this build (`after` its run: what the run
    materialised is then taken in, and what it left undone stays requested)."""
    if instance.is_ephemeral:
        # No history to compare with and nothing kept after the run: every selected asset is built (`first`),
        # and an evaluation, which costs most of a second on the whole graph, would decide nothing.
        return Evaluated(set(), None, settings, None, True, False)
    file = Path(instance.root_directory) / CURSOR_FILE
    if after is not None:
        cursor, before, checked, last_run = (
            after.cursor,
            after.settings,
            after.freshness_checked,
            after.last_run,
        )
    else:
        cursor, before, checked, last_run = _stored(file)
    result = dg.evaluate_automation_conditions(
        defs=defs, instance=instance, cursor=cursor, asset_selection=dg.AssetSelection.assets(*keys)
    )
    graph = defs.resolve_asset_graph()
    requested = {
        key
        for key in graph.get_all_asset_keys()
        if graph.get(key).is_materializable and result.get_num_requested(key)
    }
    return Evaluated(
        requested,
        result.cursor,
        settings,
        file,
        cursor is None,
        cursor is not None and before != settings,
        checked,
        last_run,
    )


def _relations(working_db: Path) -> set[str]:
    import duckdb

    if not working_db.exists():
        return set()
    con = duckdb.connect(str(working_db), read_only=True)
    try:
        rows = con.execute(
            "select schema_name || '/' || table_name from duckdb_tables() where database_name = current_database() "
            "union all select schema_name || '/' || view_name from duckdb_views() "
            "where database_name = current_database() and not internal"
        ).fetchall()
        return {row[0] for row in rows}
    finally:
        con.close()


def gone(keys: set[dg.AssetKey], graph, paths) -> set[dg.AssetKey]:  # noqa: ANN001
    """Of `keys`, those whose output is not there: a table or view missing from the working database (a relation
    of the layer's schema named as the asset, or the relations its `relations` metadata lists), the published
    database, the reports folder."""
    if not keys:
        return set()
    relations = _relations(paths.working_db)
    missing = set()
    for key in keys:
        listed = (graph.get(key).metadata or {}).get("relations")
        layer = key.path[0]
        if listed:
            there = set(listed) <= relations
        elif layer in TABLE_LAYERS:
            there = key.to_user_string() in relations
        elif layer == "publish":
            there = paths.published_db.exists()
        elif layer == "reports":
            there = paths.reports_dir.is_dir()
        else:
            there = True
        if not there:
            missing.add(key)
    return missing
