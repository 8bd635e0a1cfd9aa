"""The vintage check of the sources whose snapshots combine by coverage (pipelines/lib/vintages.py): the comparison
on hand-made cells (expected figures worked out here), and on the Frontex and Eurostat fixtures through the whole
graph: neighbouring vintages pass with the comparison recorded; a new one whose figures collapse is not published,
is marked rejected with the comparison, and the build says so."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.cli import main
from pipelines.defs.eurostat_eipre.source import SOURCE as EIPRE_SOURCE
from pipelines.lib import raw_store, vintages
from tests.build_helpers import build, query
from tests.conftest import FIXTURES
from tests.frontex_helpers import frontex_xlsx, land_frontex
from tests.test_jsonstat import EIPRE

CELLS = "select * from cells"


def _cells(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create table cells (source_file varchar, r integer, scope varchar, k varchar, p integer, "
                "v bigint, n integer)")  # fmt: skip
    con.executemany("insert into cells values (?, ?, ?, ?, ?, ?, ?)", rows)
    return con


def test_each_snapshot_is_compared_with_the_nearest_older_over_what_both_cover() -> None:
    # old.csv covers periods 1-10 (key a: 10 each, key b: 5 each); new.csv covers 6-12: key a 12 each in 6-9 and
    # none in 10; key b gone from 6-10; oldest.csv covers 1-3 and is the older neighbour of old.csv only
    rows = [("old.csv", 2, "all", "a", p, 10, 1) for p in range(1, 11)]
    rows += [("old.csv", 2, "all", "b", p, 5, 1) for p in range(1, 11)]
    rows += [("new.csv", 1, "all", "a", p, 12, 1) for p in range(6, 10)]
    rows += [("new.csv", 1, "all", "c", p, None, 0) for p in range(6, 13)]  # covered, nothing recorded
    rows += [("oldest.csv", 3, "all", "a", p, 10, 1) for p in range(1, 4)]
    pairs = {row["current_file"]: row for row in vintages.compare(_cells(rows), CELLS)}
    assert {f: r["previous_file"] for f, r in pairs.items()} == {
        "new.csv": "old.csv",
        "old.csv": "oldest.csv",
    }
    new = pairs["new.csv"]
    # what both cover: periods 6-10; before: a 5 × 10 + b 5 × 5 = 75, in 10 records; after: 4 records
    assert (new["first_period"], new["last_period"], new["periods"]) == ("6", "10", 5)
    assert (new["records_before"], new["records_after"]) == (10, 4)
    assert (new["before_total"], new["vanished_value"], new["vanished_cells"]) == (75, 35, 6)
    assert (new["sum_before"], new["sum_after"]) == (40, 48)
    plausible, lines = vintages.judge(new, vintages.LIMITS, "people")
    assert not plausible
    assert lines == [
        "IMPLAUSIBLE: records in what both cover (6 to 10): 4 against 10 (40%; at least 80%)",
        "IMPLAUSIBLE: people in cells with a value before and none now: 35 of 75 (46.7%; at most 5%), "
        "e.g. a 10, b 6, b 7, b 8, b 9",
        "ok: people in the cells both give: 48 against 40 (20.0% apart; at most 25%)",
    ]
    assert vintages.judge(pairs["old.csv"], vintages.LIMITS, "people")[0]


def test_snapshots_of_different_series_are_not_compared() -> None:
    rows = [("italy.json", 1, "ITA", "ITA", p, 100, 1) for p in range(1, 5)]
    rows += [("malta.json", 2, "MLT", "MLT", p, 3, 1) for p in range(1, 5)]
    assert vintages.compare(_cells(rows), CELLS) == []


def _check(instance: dg.DagsterInstance, asset: str) -> dict:
    record = instance.get_latest_asset_check_evaluation_record(
        dg.AssetCheckKey(dg.AssetKey(["staging", asset]), vintages.NAME)
    )
    evaluation = record.event.dagster_event.event_specific_data
    return {"passed": evaluation.passed, **{n: v.value for n, v in evaluation.metadata.items()}}


def _rejected(paths, source: str, name_part: str) -> dict:  # noqa: ANN001
    folder = paths.raw_dir / source
    (sidecar,) = [p for p in folder.glob(f"*{raw_store.SIDECAR_SUFFIX}") if name_part in p.name]
    return json.loads(sidecar.read_text())


def _halve(header: list, rows: list[list]) -> None:  # noqa: ARG001
    for row in rows:
        row[3:] = [v // 2 if isinstance(v, int) else v for v in row[3:]]


def test_frontex_workbook_whose_counts_halve_is_not_published_until_accepted(
    paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    land_frontex(paths, frontex_xlsx(tmp_path / "a", "2018"), accessed="2018-07-10")
    land_frontex(paths, frontex_xlsx(tmp_path / "a", "2025"), accessed="2025-06-10")
    instance = dg.DagsterInstance.ephemeral()
    ok, report = build(paths, instance=instance)
    assert ok, report.failures
    result = _check(instance, "stg_frontex_ibc__detections")
    assert result["passed"] and "failed_files" not in result
    assert any(line.startswith("  ok: records in what both cover") for line in result["comparison"])
    published = paths.published_db.read_bytes()

    halved = frontex_xlsx(tmp_path / "b", "2025", edit=_halve, data_as_of="Source: FRAN data as of 03JUL25")
    snapshot = land_frontex(paths, halved, accessed="2025-07-10")
    instance = dg.DagsterInstance.ephemeral()
    ok, report = build(paths, instance=instance)
    assert not ok
    result = _check(instance, "stg_frontex_ibc__detections")
    assert not result["passed"] and result["failed_files"] == [snapshot.name]
    implausible = [line for line in result["comparison"] if "IMPLAUSIBLE" in line]
    assert any(re.search(r"detections in the cells both give: [\d,]+ against [\d,]+ \([4-9]\d\.\d% apart", line)
               for line in implausible), implausible  # fmt: skip
    assert paths.published_db.read_bytes() == published
    sidecar = _rejected(paths, "frontex_ibc", snapshot.name)
    assert sidecar["status"] == "rejected" and "IMPLAUSIBLE" in sidecar["rejection_reason"]
    assert f"frontex_ibc/{snapshot.name}" in report.rejected

    # the override: put back by hand, published, the comparison recorded as a warning "accepted by hand"
    monkeypatch.setenv("MIGRATION_DATA_DIR", str(paths.data_dir))
    assert main(["accept", "frontex_ibc", snapshot.name]) == 0
    ok, report = build(paths)
    assert ok, report.failures
    recorded = query(paths.published_db, "select outcome, severity, summary from curated.validation_results "
                     f"where check_name = '{vintages.NAME}' and asset like '%frontex%' and level = 'check'")  # fmt: skip
    assert recorded[0][:2] == ("failed", "warn") and recorded[0][2].startswith("accepted by hand"), recorded
    assert snapshot.name in {
        f for (f,) in query(paths.published_db, "select file from curated.source_snapshots")
    }


def test_eurostat_response_whose_values_halve_is_not_published(paths, tmp_path: Path) -> None:  # noqa: ANN001
    detailed, later = EIPRE / "eipre_by_reason_apprehension.json", EIPRE / "eipre_totals_later.json"
    raw_store.land(paths.raw_dir, EIPRE_SOURCE, detailed, arrival="import", accessed=dt.date(2025, 3, 20))
    raw_store.land(paths.raw_dir, EIPRE_SOURCE, later, arrival="import", accessed=dt.date(2025, 9, 5))
    instance = dg.DagsterInstance.ephemeral()
    ok, report = build(paths, instance=instance)
    assert ok, report.failures
    assert _check(instance, "stg_eurostat_eipre__observations")["passed"]
    before = query(paths.published_db, "select geo, year, found_illegally_present from "
                   "curated.illegally_present_yearly order by all")  # fmt: skip

    document = json.loads(later.read_text())
    values = document["value"]
    document["value"] = (
        {k: v // 2 for k, v in values.items()} if isinstance(values, dict) else [None if v is None else v // 2
                                                                               for v in values]
    )  # fmt: skip
    document["updated"] = "2025-12-01"
    halved = tmp_path / "eipre_totals_halved.json"
    halved.write_text(json.dumps(document))
    snapshot = raw_store.land(
        paths.raw_dir, EIPRE_SOURCE, halved, arrival="import", accessed=dt.date(2025, 12, 2)
    )
    instance = dg.DagsterInstance.ephemeral()
    ok, report = build(paths, instance=instance)
    assert not ok
    result = _check(instance, "stg_eurostat_eipre__observations")
    assert result["failed_files"] == [snapshot.name]
    assert any("IMPLAUSIBLE: persons found illegally present in the cells both give" in line
               for line in result["comparison"])  # fmt: skip
    assert query(paths.published_db, "select geo, year, found_illegally_present from "
                 "curated.illegally_present_yearly order by all") == before  # fmt: skip
    assert _rejected(paths, "eurostat_eipre", snapshot.name)["status"] == "rejected"


@pytest.mark.parametrize("source", ["iom_mmp", "unhcr_odp", "frontex_ibc", "eurostat_eipre", "eurostat_thb"])
def test_every_source_combined_by_coverage_declares_the_vintage_check(source: str) -> None:
    from pipelines.definitions import defs

    checks = {key for key in defs.resolve_asset_graph().asset_check_keys if key.name == vintages.NAME}
    assert any(f"stg_{source}__" in key.asset_key.to_user_string() for key in checks), checks


def test_eurostat_thb_file_compared_with_the_published_one(paths, tmp_path: Path) -> None:  # noqa: ANN001
    """crim_thb staging keeps the newest file of each dataset: a new one is compared with the file the published
    database was built from; halved, it is not published."""
    from tests.test_trafficking_pipeline import EUROSTAT, land_eurostat_fixtures

    land_eurostat_fixtures(paths)
    instance = dg.DagsterInstance.ephemeral()
    ok, report = build(paths, instance=instance)
    assert ok, report.failures
    first = _check(instance, "stg_eurostat_thb__observations")
    assert first["passed"] and first["comparison"] == [
        "no older snapshot covers what a newer one does: nothing to compare"
    ]
    before = query(paths.published_db, "select * exclude (source_file) from staging.stg_eurostat_thb__observations "
                   "order by all")  # fmt: skip

    source = FIXTURES / "eurostat_thb" / "crim_thb_vctz.csv"
    with source.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    value = header.index("OBS_VALUE")
    for row in rows:
        row[value] = str(int(row[value]) // 2) if row[value].isdigit() else row[value]
    halved = tmp_path / "crim_thb_vctz.csv"
    with halved.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    snapshot = raw_store.land(paths.raw_dir, EUROSTAT, halved, arrival="import", accessed=dt.date(2030, 1, 1))
    instance = dg.DagsterInstance.ephemeral()
    ok, report = build(paths, instance=instance)
    assert not ok
    result = _check(instance, "stg_eurostat_thb__observations")
    assert result["failed_files"] == [snapshot.name]
    assert any(re.search(r"IMPLAUSIBLE: registered victims in the cells both give: [\d,]+ against [\d,]+ \([4-9]\d\.\d%",
                         line) for line in result["comparison"]), result["comparison"]  # fmt: skip
    assert query(paths.published_db, "select * exclude (source_file) from staging.stg_eurostat_thb__observations "
                 "order by all") == before  # fmt: skip
    assert _rejected(paths, "eurostat_thb", snapshot.name)["status"] == "rejected"
