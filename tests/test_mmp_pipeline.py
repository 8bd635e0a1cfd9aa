"""Graph tests: the whole asset graph on the fixtures, into a temporary data directory."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from pathlib import Path

import pytest

from tests.build_helpers import build, land_mmp, query


def central_med_by_year(path: Path, year_col: str, total_col: str | None) -> dict[int, int]:
    """Independent of the pipeline: route exactly 'Central Mediterranean', dead and missing by year."""
    totals: dict[int, int] = defaultdict(int)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            route = row.get("Migration Route", row.get("Migration route"))
            if route != "Central Mediterranean" or not row[year_col]:
                continue
            if total_col:
                value = int(row[total_col].replace(",", ""))
            else:
                value = sum(
                    max(int(row[c]), 0)
                    for c in ("Number Dead", "Minimum Estimated Number of Missing")
                    if row[c]
                )
            totals[int(float(row[year_col]))] += value
    return dict(totals)


@pytest.fixture
def built(paths, mmp_fixture):  # noqa: ANN001, ANN201
    land_mmp(paths, mmp_fixture("export_2025.csv"), accessed="2025-05-05")
    ok, report = build(paths)
    assert ok, report.failures
    return paths


def test_staging_parses_the_quirks(built) -> None:  # noqa: ANN001
    db = built.published_db
    rows = {
        r[0]: r[1:]
        for r in query(
            db,
            "select incident_id, dead, missing, dead_and_missing, survivors, routes, route, "
            "source_quality, incident_date, incident_year, cleaning_notes, source_row "
            "from staging.stg_iom_mmp__incidents",
        )
    }
    assert len(rows) == 12
    # negative survivors and negative missing are set null, the note says so
    assert rows["2015.MMP00002"][3] is None and "negative survivors set null: -1" in rows["2015.MMP00002"][9]
    assert rows["2016.MMP00001"][1] is None and rows["2016.MMP00001"][2] == 3
    # multi-valued cells are lists; the first value is the primary one; quality takes the highest grade
    assert rows["2016.MMP00002"][4] == ["Central Mediterranean", "Sahara Desert crossing"]
    assert rows["2016.MMP00002"][6] == 3 and rows["2014.MMP00002"][6] == 5
    # renamed label mapped, publisher's label in the note
    assert rows["2017.MMP00001"][5] == "Mainland Europe to the UK"
    assert any("route label mapped: English Channel to the UK" in n for n in rows["2017.MMP00001"][9])
    # no date and no year stays null; the row is kept
    assert rows["2020.MMP01074"][7] is None and rows["2020.MMP01074"][8] is None
    assert rows["2015.MMP00001"][10] == 4
    # rows keep the file's order without a sort
    in_table = [r[0] for r in query(db, "select source_row from staging.stg_iom_mmp__incidents")]
    assert in_table == sorted(in_table) and len(in_table) == 12


def test_curated_reproduces_figures_computed_from_the_file(built, mmp_fixture) -> None:  # noqa: ANN001
    expected = central_med_by_year(
        mmp_fixture("export_2025.csv"), "Incident Year", "Total Number of Dead and Missing"
    )
    got = dict(
        query(
            built.published_db,
            "select year(month), sum(dead_and_missing)::int from curated.deaths_by_route_month "
            "where route = 'Central Mediterranean' group by 1",
        )
    )
    assert got == expected
    multiple = query(
        built.published_db,
        "select route, routes from curated.mmp_incidents where incident_id = '2016.MMP00002'",
    )
    assert multiple == [("Multiple routes", ["Central Mediterranean", "Sahara Desert crossing"])]


def test_published_database_documents_itself(built) -> None:  # noqa: ANN001
    comments = dict(
        query(
            built.published_db,
            "select table_name, comment from duckdb_tables() where schema_name = 'curated'",
        )
    )
    assert set(comments) >= {"mmp_incidents", "deaths_by_route_month", "source_snapshots"}
    assert all(comment and "One row per" in comment for comment in comments.values())
    column = query(
        built.published_db,
        "select comment from duckdb_columns() where table_name = 'mmp_incidents' "
        "and column_name = 'source_row'",
    )
    assert column[0][0].startswith("Line (CSV)")
    parquet = sorted(p.name for p in (built.curated_dir / "parquet").glob("*.parquet"))
    assert parquet == [
        "dead_missing_by_incident_country_yearly.parquet",
        "deaths_by_route_month.parquet",
        "mmp_coverage_monthly.parquet",
        "mmp_incidents.parquet",
        "mmp_vintages.parquet",
        "source_snapshots.parquet",
        "validation_results.parquet",
    ]


def test_source_snapshots_names_the_exact_file(built, mmp_fixture) -> None:  # noqa: ANN001
    ((file, sha, accessed, label, rows),) = query(
        built.published_db,
        "select file, sha256, accessed::varchar, data_label, rows from curated.source_snapshots",
    )
    assert sha == hashlib.sha256(mmp_fixture("export_2025.csv").read_bytes()).hexdigest()
    assert (built.raw_dir / "iom_mmp" / file).is_file()
    assert accessed == "2025-05-05" and label == "real" and rows == 12


def test_a_failing_build_leaves_the_published_database_byte_identical(built, mmp_fixture, tmp_path) -> None:  # noqa: ANN001
    before = built.published_db.read_bytes()
    broken = tmp_path / "broken.csv"
    broken.write_text(mmp_fixture("export_2025.csv").read_text().replace(",12,88,100,", ",12,88,lots,"))
    land_mmp(built, broken, accessed="2025-06-01")
    ok, report = build(built)
    assert not ok
    assert any(
        "row 10" in f and "'Total Number of Dead and Missing'" in f and "lots" in f for f in report.failures
    ), report.failures
    assert built.published_db.read_bytes() == before
    # the bad snapshot is marked rejected; the next build uses the last good one and succeeds
    from pipelines.lib.raw_store import list_snapshots

    statuses = {
        s.provenance["original_name"]: s.provenance["status"]
        for s in list_snapshots(built.raw_dir, "iom_mmp", include_rejected=True)
    }
    assert statuses == {"export_2025.csv": "accepted", "broken.csv": "rejected"}
    ok, _ = build(built)
    assert ok


def _duplicate_incident_id(mmp_fixture, tmp_path: Path) -> Path:  # noqa: ANN001
    """A copy of the fixture with a duplicate incident id: parses fine, fails the GX suite."""
    text = (
        mmp_fixture("export_2025.csv")
        .read_text()
        .replace("2018.MMP00001,2018.MMP00001", "2014.MMP00001,2014.MMP00001")
    )
    dup = tmp_path / "dup.csv"
    dup.write_text(text)
    return dup


def test_a_failing_blocking_check_stops_publishing(paths, mmp_fixture, tmp_path) -> None:  # noqa: ANN001
    land_mmp(paths, mmp_fixture("export_2025.csv"), accessed="2025-05-05")
    assert build(paths)[0]
    before = paths.published_db.read_bytes()
    # duplicate incident id: parses fine, fails the GX suite
    dup = _duplicate_incident_id(mmp_fixture, tmp_path)
    land_mmp(paths, dup, accessed="2025-06-01")
    ok, report = build(paths)
    assert not ok
    assert any("gx_incidents_suite" in c["check"] and c["outcome"] != "passed" for c in report.checks)
    failed = query(
        paths.working_db,
        "select expectation, unexpected_count from meta.validation_results where not success",
    )
    assert ("ExpectCompoundColumnsToBeUnique", 2) in failed
    assert paths.published_db.read_bytes() == before


def test_a_good_file_imported_with_a_failing_one_is_not_set_aside(paths, mmp_fixture, tmp_path) -> None:  # noqa: ANN001
    """Several Missing Migrants files are read together: when the suite fails, only the file whose own rows fail
    it is marked rejected; the next build publishes the good new file."""
    land_mmp(paths, mmp_fixture("export_2025.csv"), accessed="2025-05-05")
    assert build(paths)[0]
    original = mmp_fixture("export_2025.csv").read_text()
    good = tmp_path / "good.csv"
    good.write_text(original.replace("2018.MMP00001,2018.MMP00001", "2018.MMP09999,2018.MMP09999"))
    bad = tmp_path / "dup.csv"
    bad.write_text(original.replace("2018.MMP00001,2018.MMP00001", "2014.MMP00001,2014.MMP00001"))
    good_snapshot = land_mmp(paths, good, accessed="2025-06-01")
    bad_snapshot = land_mmp(paths, bad, accessed="2025-06-02")
    ok, report = build(paths)
    assert not ok and report.rejected == [f"iom_mmp/{bad_snapshot.name}"], report.rejected
    ok, report = build(paths)
    assert ok, report.failures
    files = {
        f
        for (f,) in query(
            paths.published_db, "select file from curated.source_snapshots where source = 'iom_mmp'"
        )
    }
    assert good_snapshot.name in files and bad_snapshot.name not in files


def test_a_run_launched_outside_the_command_line_is_quarantined_by_the_sensor(
    paths, mmp_fixture, tmp_path
) -> None:  # noqa: ANN001
    """The UI's "Materialize all" (or the automation sensor) launches the asset job itself, with no command line
    around it: the run failure sensor `quarantine_failed_inputs` marks rejected the new file behind its failed
    blocking check, as `migration-evidence build` does at the end of its own run."""
    import dagster as dg

    from pipelines.definitions import build_job, defs
    from pipelines.defs.operations.sensors import quarantine_sensor
    from pipelines.lib.raw_store import list_snapshots
    from pipelines.lib.warehouse import Warehouse
    from pipelines.runner import _buildable

    land_mmp(paths, mmp_fixture("export_2025.csv"), accessed="2025-05-05")
    assert build(paths)[0]
    dup = _duplicate_incident_id(mmp_fixture, tmp_path)
    bad = land_mmp(paths, dup, accessed="2025-06-01")
    instance = dg.DagsterInstance.ephemeral()
    config = {"data_dir": str(paths.data_dir), "reports_dir": str(paths.reports_dir), "static_images": False}
    result = build_job().execute_in_process(
        asset_selection=sorted(
            _buildable(defs.resolve_asset_graph(), paths), key=lambda k: k.to_user_string()
        ),
        run_config={"resources": {"warehouse": {"config": config}}},
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    status = {
        s.name: s.provenance["status"]
        for s in list_snapshots(paths.raw_dir, "iom_mmp", include_rejected=True)
    }
    assert status[bad.name] == "accepted"  # nothing but the sensor marks it
    context = dg.build_run_status_sensor_context(
        sensor_name="quarantine_failed_inputs",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=failure,
        repository_def=defs.get_repository_def(),
        resources={"warehouse": Warehouse(data_dir="/nonexistent")},  # the run's own data directory wins
    ).for_run_failure()
    quarantine_sensor(context)
    status = {
        s.name: s.provenance["status"]
        for s in list_snapshots(paths.raw_dir, "iom_mmp", include_rejected=True)
    }
    assert status[bad.name] == "rejected"
    assert status[[n for n in status if n != bad.name][0]] == "accepted"
    ok, _ = build(paths)
    assert ok
