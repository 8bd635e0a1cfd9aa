"""The crim_thb datasets in the statistics API's JSON-stat 2.0 shape: recognised, dated, read into the same
columns as SDMX-CSV and built into the same figures. Expected figures come from the SDMX-CSV fixtures, which
carry the same cells in the other wire format."""

from __future__ import annotations

import csv

import pytest

from pipelines.defs.eurostat_thb import read
from pipelines.defs.eurostat_thb.source import SOURCE
from pipelines.lib import raw_store
from pipelines.lib.tabular import SourceFormatError
from tests.build_helpers import build, query
from tests.conftest import FIXTURES

THB = FIXTURES / "eurostat_thb"
DATASETS = ("crim_thb_vctz", "crim_thb_vexp", "crim_thb_sex")


def csv_cells(dataset: str) -> dict[tuple[str, ...], tuple[int | None, str | None]]:
    """{(year, sorted (dimension, code) pairs): (value, flag)} of the SDMX-CSV fixture; a CONF_STATUS C is 'c', and
    ':' (not available) is no flag, as in staging."""
    with (THB / f"{dataset}.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found = {}
    for row in rows:
        value = row["OBS_VALUE"].strip()
        flag = (row["OBS_FLAG"] or "").strip()
        if (row.get("CONF_STATUS") or "").strip() in ("C", "N") and "c" not in flag:
            flag += "c"
        dimensions = list(row)[2 : list(row).index("TIME_PERIOD")]
        key = (int(row["TIME_PERIOD"]), tuple(sorted((d, row[d]) for d in dimensions)))
        found[key] = (int(value) if value not in ("", ":") else None, flag.replace(":", "") or None)
    return found


@pytest.mark.parametrize("dataset", DATASETS)
def test_a_json_stat_response_is_recognised_and_read(paths, dataset: str) -> None:  # noqa: ANN001
    snapshot = raw_store.land(paths.raw_dir, SOURCE, THB / f"{dataset}.json", arrival="import")
    assert (snapshot.provenance["entity"], snapshot.provenance["published"]) == (dataset, "2024-11-14")
    frame, layout = read.read_snapshot(snapshot)
    with (THB / f"{dataset}.csv").open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert layout.dimensions == tuple(header[2 : header.index("TIME_PERIOD")])
    assert set(frame["DATAFLOW"]) == {f"ESTAT:{dataset.upper()}(1.0)"}
    assert set(frame["LAST UPDATE"]) == {"14/11/24 23:00:00"}
    assert read.validate_cells(frame, layout, dataset, snapshot.name)["observations"] == len(frame)


def test_a_json_response_of_another_dataset_is_refused(paths, tmp_path) -> None:  # noqa: ANN001
    text = (THB / "crim_thb_vctz.json").read_text().replace('"CRIM_THB_VCTZ"', '"CRIM_THB_AGE"')
    (tmp_path / "other.json").write_text(text)
    with pytest.raises(raw_store.RawStoreError, match="CRIM_THB_AGE"):
        raw_store.land(paths.raw_dir, SOURCE, tmp_path / "other.json", arrival="import")


def test_json_stat_builds_the_same_figures_as_sdmx_csv(paths) -> None:  # noqa: ANN001
    for dataset in DATASETS:
        raw_store.land(paths.raw_dir, SOURCE, THB / f"{dataset}.json", arrival="import")
    ok, report = build(paths)
    assert ok, report.failures
    for dataset in DATASETS:
        rows = query(paths.published_db, "select year, dimensions, value, obs_flag from "
                     "staging.stg_eurostat_thb__observations where dataset = ?", [dataset])  # fmt: skip
        found = {(year, tuple(sorted(dims.items()))): (value, (flag or "").replace(":", "") or None)
                 for year, dims, value, flag in rows}  # fmt: skip
        assert found == csv_cells(dataset)
    assert query(paths.published_db, "select value, value_status from staging.stg_eurostat_thb__observations "
                 "where dataset = 'crim_thb_vctz' and geo = 'DE' and year = 2021 and category_code = 'NAT'") == [
        (None, "confidential")]  # fmt: skip


def test_a_json_stat_value_that_is_not_a_count_names_its_position(paths, tmp_path) -> None:  # noqa: ANN001
    text = (THB / "crim_thb_sex.json").read_text()
    import json

    document = json.loads(text)
    first = next(iter(document["value"]))
    document["value"][first] = 12.5
    (tmp_path / "crim_thb_sex.json").write_text(json.dumps(document))
    snapshot = raw_store.land(paths.raw_dir, SOURCE, tmp_path / "crim_thb_sex.json", arrival="import")
    frame, layout = read.read_snapshot(snapshot)
    with pytest.raises(SourceFormatError, match=f"row {first}.*OBS_VALUE.*12.5"):
        read.validate_cells(frame, layout, "crim_thb_sex", snapshot.name)
