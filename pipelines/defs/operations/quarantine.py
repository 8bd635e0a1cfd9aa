"""After a build: a new file that failed a blocking check is marked rejected, so the next build goes back to the
previous good snapshot instead of failing on it again.

Which files: those the failed asset was built from (through its raw ancestors, by source and entity) that the
last published database was not built from; when the check names the files that failed it (metadata
`failed_files`, e.g. the Missing Migrants suite over several snapshots), only those. A file the published database already used is never rejected
(the failure then comes from something else, such as changed code), and nothing is rejected before a first
good publish (there is no previous snapshot to go back to; the build keeps failing until the file is replaced).
`migration-evidence accept SOURCE FILE` puts a rejected file back; a file put back is not rejected again.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import dagster as dg
import duckdb

from pipelines.defs.operations.selection import raw_source
from pipelines.lib import raw_store
from pipelines.settings import Paths


@dataclass(frozen=True)
class Rejection:
    source: str
    file: str
    reason: str


def _raw_inputs(graph: dg.AssetGraph, key: dg.AssetKey) -> set[tuple[str, str]]:
    """(source, entity prefix) of every raw asset upstream of `key` (or `key` itself)."""
    seen, todo, found = set(), [key], set()
    while todo:
        current = todo.pop()
        if current in seen or current not in graph.get_all_asset_keys():
            continue
        seen.add(current)
        node = graph.get(current)
        if current.path[0] == "raw":
            source, prefix = raw_source(current, node.metadata)
            found.add((source, prefix or ""))
        todo.extend(node.parent_keys)
    return found


def _rows(database: str, table: str, sql: str, params: list | None = None) -> list[tuple]:
    """`sql` over `table` of `database`, or no rows when the table does not exist."""
    con = duckdb.connect(database, read_only=True)
    try:
        exists = con.execute(
            "select count(*) from duckdb_tables() where schema_name || '.' || table_name = ? "
            "and database_name = current_database()",
            [table],
        ).fetchall()[0][0]
        return con.execute(sql, params or []).fetchall() if exists else []
    finally:
        con.close()


def _failed_expectations(paths: Paths, asset: str, check: str) -> str:
    rows = _rows(
        str(paths.working_db),
        "meta.validation_results",
        "select expectation, kwargs, unexpected_count from meta.validation_results "
        "where asset = ? and check_name = ? and not success",
        [asset, check],
    )
    parts = [f"{e} {k} ({n or 0:,} values)" for e, k, n in rows[:5]]
    return "; ".join(parts) or "see the check's result"


def failed_blocking_checks(instance: dg.DagsterInstance, run_id: str) -> list[dg.AssetCheckEvaluation]:
    """The blocking (error-severity) check evaluations of run `run_id` that failed, from its event log."""
    records = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluations = [r.dagster_event.asset_check_evaluation_data for r in records if r.dagster_event]
    return [e for e in evaluations if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]


def quarantine_run(
    paths: Paths, instance: dg.DagsterInstance, run_id: str, graph: dg.AssetGraph
) -> list[Rejection]:
    """Marks rejected the new files behind every failed blocking check of run `run_id`, however it was
    launched (`migration-evidence build`, the UI's "Materialize all", the automation sensor: the build's own
    code and the `quarantine_failed_inputs` sensor both call this); returns what it marked."""
    return reject_failed_inputs(paths, failed_blocking_checks(instance, run_id), graph)


def reject_failed_inputs(
    paths: Paths, failed: list[dg.AssetCheckEvaluation], graph: dg.AssetGraph
) -> list[Rejection]:
    """Marks rejected the new files behind the failed blocking checks `failed`; returns what it marked."""
    if not failed or not paths.published_db.exists() or not paths.working_db.exists():
        return []
    published = {
        f
        for (f,) in _rows(
            str(paths.published_db), "curated.source_snapshots", "select file from curated.source_snapshots"
        )
    }
    used = _rows(
        str(paths.working_db),
        "meta.snapshots_used",
        "select distinct source, entity, file from meta.snapshots_used",
    )
    rejections: dict[tuple[str, str], Rejection] = {}
    for evaluation in failed:
        asset = evaluation.asset_key.to_user_string()
        inputs = _raw_inputs(graph, evaluation.asset_key)
        # a check that can tell which of several files failed it names them (metadata failed_files)
        named = (evaluation.metadata or {}).get("failed_files")
        named_files = set(named.value) if named is not None else None
        why = None
        for source, entity, file in used:
            if file in published or (source, file) in rejections:
                continue
            if named_files is not None and file not in named_files:
                continue
            if not any(source == s and (entity or "all").startswith(prefix) for s, prefix in inputs):
                continue
            comparison = (evaluation.metadata or {}).get("comparison")
            why = why or ("; ".join(comparison.value) if comparison is not None else None)
            why = why or _failed_expectations(paths, asset, evaluation.check_name)
            reason = (
                f"{source}: {file} failed the blocking check {evaluation.check_name} on {asset}: {why}. "
                f"Put it back with `migration-evidence accept {source} {file}`."
            )
            try:
                snapshot = raw_store.find_snapshot(paths.raw_dir, source, file)
            except raw_store.RawStoreError:
                continue
            if snapshot.provenance.get("previous_rejections"):
                continue  # put back by hand with `accept`: someone has checked it
            if snapshot.provenance.get("status") != "rejected":
                raw_store.mark_rejected(snapshot, reason)
            rejections[(source, file)] = Rejection(source, file, reason)
    for rejection in rejections.values():
        print(
            f"  ✘ marked rejected: {rejection.source}/{rejection.file} (failed a blocking check); "
            "the next build uses the previous good snapshot",
            file=sys.stderr,
            flush=True,
        )
    return list(rejections.values())
