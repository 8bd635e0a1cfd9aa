"""The cross-source bookkeeping tables: source_snapshots and validation_results."""

import datetime as dt
import sys

import dagster as dg

from pipelines.defs.curated.docs import TABLES
from pipelines.defs.curated.tables import curated_table
from pipelines.lib import meta
from pipelines.lib.checks import Check
from pipelines.lib.steps import Declared

RESULTS_KEY = dg.AssetKey(["curated", "validation_results"])
NOT_IN_VALIDATION_RESULTS = {
    "snapshot_freshness"
}  # judged against today in a run of their own (status shows them)

BUILD_DDL = "create or replace table meta.validation_build (run_id varchar, started_at timestamp)"


def _staging_keys() -> list[dg.AssetKey]:
    """The staging tables of the code location being assembled (pipelines/defs/catalogue.py, which calls
    source_snapshots once it has gathered the sources' assets); none when called from elsewhere."""
    catalogue = sys.modules.get("pipelines.defs.catalogue")
    assets = getattr(catalogue, "source_assets", [])
    return sorted(
        {k for a in assets for k in a.keys if k.path[0] == "staging"}, key=lambda k: k.to_user_string()
    )


def source_snapshots(
    raw_keys: list[dg.AssetKey], staging_keys: list[dg.AssetKey] | None = None
) -> tuple[Declared, Check]:
    """Built after every raw asset, so it lists each file the build used, and after every staging table, which
    records the period each file's data cover (meta.snapshot_coverage)."""
    staging = _staging_keys() if staging_keys is None else staging_keys
    return curated_table(
        "source_snapshots",
        [*raw_keys, *staging],
        ["raw_table", "file"],
        TABLES["source_snapshots"],
        uses_what_was_built=True,
        setup=meta.ensure_snapshot_coverage,
    )


def _checks_of_run(context: dg.AssetExecutionContext) -> set[dg.AssetCheckKey]:
    """The checks this run ran before this table: those the run selected or, when the run names none (a run
    launched with a subset job carries no selection of its own), every check of the code location whose asset
    this run materialised; less this table's own check (it runs after) and the freshness checks."""
    selected = context.run.asset_check_selection
    if not selected:
        from pipelines.defs import catalogue  # the catalogue imports this module

        run_id, built = context.run.run_id, {}
        selected = set()
        for key in (c.key for c in catalogue.CHECKS):
            if key.asset_key not in built:
                event = context.instance.get_latest_materialization_event(key.asset_key)
                built[key.asset_key] = event is not None and event.run_id == run_id
            if built[key.asset_key]:
                selected.add(key)
    return {k for k in selected if k.asset_key != RESULTS_KEY and k.name not in NOT_IN_VALIDATION_RESULTS}


def _started_at(context: dg.AssetExecutionContext) -> dt.datetime:
    record = context.instance.get_run_record_by_id(context.run.run_id)
    stamp = (record.start_time or record.create_timestamp.timestamp()) if record else None
    when = dt.datetime.fromtimestamp(stamp, dt.UTC) if stamp else dt.datetime.now(dt.UTC)
    return when.replace(tzinfo=None)


def account_for_every_check(context: dg.AssetExecutionContext, con: object) -> None:
    """Before the table is built: every check this run ran has a check row of this run. A check declared with
    `recorded_check` wrote its own. For one that did not (declared with plain `@dg.asset_check`), the row is
    derived from the expectation rows it recorded in this run (failed if any failed; severity 'error' if any
    expectation is an error one), else it says 'not recorded' (success null): the table never leaves out a
    check that ran. Every check this run selected has run by now: all are blocking, and this table is built
    after every staging and curated table."""
    run_id, started = context.run.run_id, _started_at(context)
    meta.ensure_validation_results(con)
    con.execute(BUILD_DDL)
    con.execute("insert into meta.validation_build values (?, ?)", [run_id, started])
    # expectation rows written in this run by a check that does not record its run
    con.execute(
        "update meta.validation_results set run_id = ? where run_id is null and checked_at >= ?",
        [run_id, started],
    )
    recorded = {
        (a, c)
        for a, c in con.execute(
            "select asset, check_name from meta.validation_results where level = 'check' and run_id = ?",
            [run_id],
        ).fetchall()
    }
    for key in sorted(_checks_of_run(context), key=lambda k: (k.asset_key.to_user_string(), k.name)):
        asset = key.asset_key.to_user_string()
        if (asset, key.name) in recorded:
            continue
        total, failed, errors = con.execute(
            "select count(*), count(*) filter (where not success), count(*) filter (where severity = 'error') "
            "from meta.validation_results where asset = ? and check_name = ? and level = 'expectation' "
            "and run_id = ?",
            [asset, key.name, run_id],
        ).fetchall()[0]
        if total:
            success, severity = failed == 0, "error" if errors else "warn"
            summary = (
                f"derived from its {total} expectation(s), {failed} failed: the check does not record its own "
                "result (declare it with pipelines.lib.checks.recorded_check)"
            )
        else:
            success, severity = None, "error"
            summary = (
                "ran in this build but recorded no result: see the build log or the Dagster UI "
                "(declare it with pipelines.lib.checks.recorded_check)"
            )
        meta.record_check(
            con, asset, key.name, severity=severity, success=success, summary=summary, run_id=run_id
        )


def validation_results(upstream: list[dg.AssetKey]) -> tuple[Declared, Check]:
    """Built after every staging and curated table, whose checks all run before anything downstream."""
    return curated_table(
        "validation_results", upstream, ["level", "asset", "check_name", "expectation", "kwargs"],
        TABLES["validation_results"], allow_empty=True, uses_what_was_built=True, prepare=account_for_every_check,
    )  # fmt: skip
