"""Reading Eurostat SDMX-CSV: dimensions named by the file's header, with and without CONF_STATUS, ':' never 0."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines.defs.eurostat_thb import read
from pipelines.defs.eurostat_thb.source import SOURCE, entity_of, last_update
from pipelines.lib import raw_store
from pipelines.lib.tabular import SourceFormatError
from tests.conftest import FIXTURES

EUROSTAT_FIXTURES = FIXTURES / "eurostat_thb"


def land_eurostat(paths, file: Path, **kwargs) -> raw_store.Snapshot:  # noqa: ANN001, ANN003
    return raw_store.land(paths.raw_dir, SOURCE, file, arrival="import", **kwargs)


def edited(tmp_path: Path, name: str, old: str, new: str, count: int = 1) -> Path:
    text = (EUROSTAT_FIXTURES / name).read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / name
    out.write_text(text.replace(old, new, count), encoding="utf-8", newline="")
    return out


@pytest.mark.parametrize(
    ("name", "dimensions", "attributes"),
    [
        ("crim_thb_vctz.csv", ("freq", "citizen", "sex", "unit", "geo"), ("OBS_FLAG", "CONF_STATUS")),
        ("crim_thb_vexp.csv", ("freq", "expl", "sex", "unit", "geo"), ("OBS_FLAG",)),
        ("crim_thb_sex.csv", ("freq", "leg_stat", "sex", "unit", "geo"), ("OBS_FLAG", "CONF_STATUS")),
    ],
)
def test_dimensions_come_from_the_header(paths, name: str, dimensions: tuple, attributes: tuple) -> None:  # noqa: ANN001
    snapshot = land_eurostat(paths, EUROSTAT_FIXTURES / name)
    frame, layout = read.read_snapshot(snapshot)
    assert layout == read.Layout(dimensions, attributes)
    assert read.Layout.parse(layout.describe()) == layout
    assert snapshot.provenance["entity"] == name.removesuffix(".csv")
    assert snapshot.provenance["published"] == "2024-11-14"
    checked = read.validate_cells(frame, layout, snapshot.provenance["entity"], snapshot.name)
    assert checked["observations"] == len(frame)


def test_missing_values_are_counted_not_zeroed(paths) -> None:  # noqa: ANN001
    snapshot = land_eurostat(paths, EUROSTAT_FIXTURES / "crim_thb_vctz.csv")
    frame, layout = read.read_snapshot(snapshot)
    assert read.validate_cells(frame, layout, "crim_thb_vctz", snapshot.name)["missing_values"] == 2
    assert frame["_source_row"].iloc[0] == 2


def test_entity_and_dates_from_the_file(tmp_path) -> None:  # noqa: ANN001
    file = EUROSTAT_FIXTURES / "crim_thb_sex.csv"
    assert entity_of(file, "anything.csv") == "crim_thb_sex"
    assert last_update(file) == (
        dt.date(2024, 11, 14),
        "LAST UPDATE column (Eurostat's last update of the dataset)",
    )
    other = edited(tmp_path, "crim_thb_sex.csv", "ESTAT:CRIM_THB_SEX(1.0)", "ESTAT:MIGR_RESFIRST(1.0)")
    with pytest.raises(ValueError, match="dataflow 'ESTAT:MIGR_RESFIRST\\(1.0\\)', which is not one of"):
        entity_of(other, "crim_thb_sex.csv")


def test_other_dataflow_is_refused_at_import(paths, tmp_path) -> None:  # noqa: ANN001
    other = edited(tmp_path, "crim_thb_vexp.csv", "ESTAT:CRIM_THB_VEXP(1.0)", "ESTAT:MIGR_ASYAPPCTZA(1.0)")
    with pytest.raises((raw_store.RawStoreError, ValueError), match="MIGR_ASYAPPCTZA"):
        land_eurostat(paths, other)
    assert raw_store.list_snapshots(paths.raw_dir, "eurostat_thb", include_rejected=True) == []


def test_renamed_column_is_named(paths, tmp_path) -> None:  # noqa: ANN001
    file = edited(tmp_path, "crim_thb_vexp.csv", "TIME_PERIOD,OBS_VALUE", "TIME,OBS_VALUE")
    with pytest.raises(
        SourceFormatError, match="row 1: is not Eurostat SDMX-CSV: missing column\\(s\\) \\['TIME_PERIOD'\\]"
    ):
        read.read_snapshot(land_eurostat(paths, file))


def test_text_in_a_value_names_row_and_column(paths, tmp_path) -> None:  # noqa: ANN001
    file = edited(tmp_path, "crim_thb_sex.csv", ",PER_CNV,T,NR,IT,2022,95,", ",PER_CNV,T,NR,IT,2022,95 (p),")
    snapshot = land_eurostat(paths, file)
    frame, layout = read.read_snapshot(snapshot)
    with pytest.raises(SourceFormatError) as error:
        read.validate_cells(frame, layout, "crim_thb_sex", snapshot.name)
    assert error.value.column == "OBS_VALUE" and "'95 (p)'" in str(error.value)
    assert error.value.row == next(
        i for i, line in enumerate(file.read_text().splitlines(), 1) if "95 (p)" in line
    )


def test_unknown_dimension_with_several_values_is_refused(paths, tmp_path) -> None:  # noqa: ANN001
    text = (EUROSTAT_FIXTURES / "crim_thb_vexp.csv").read_text()
    lines = text.splitlines()
    lines[0] = lines[0].replace("freq,expl", "freq,age_group,expl")
    lines[1:] = [
        line.replace(",A,", f",A,{'Y15-24' if i % 2 else 'TOTAL'},", 1) for i, line in enumerate(lines[1:])
    ]
    file = tmp_path / "crim_thb_vexp.csv"
    file.write_text("\n".join(lines) + "\n")
    snapshot = land_eurostat(paths, file)
    frame, layout = read.read_snapshot(snapshot)
    assert "age_group" in layout.dimensions
    with pytest.raises(SourceFormatError, match="dimension 'age_group' takes several values"):
        read.validate_cells(frame, layout, "crim_thb_vexp", snapshot.name)


def test_repeated_observation_is_refused(paths, tmp_path) -> None:  # noqa: ANN001
    text = (EUROSTAT_FIXTURES / "crim_thb_sex.csv").read_text()
    file = tmp_path / "crim_thb_sex.csv"
    file.write_text(text + text.splitlines()[1].replace(",7155,", ",7156,") + "\n")
    snapshot = land_eurostat(paths, file)
    frame, layout = read.read_snapshot(snapshot)
    with pytest.raises(SourceFormatError, match="repeats an observation"):
        read.validate_cells(frame, layout, "crim_thb_sex", snapshot.name)


def test_html_page_and_empty_file_are_refused_at_import(paths, tmp_path) -> None:  # noqa: ANN001
    page = tmp_path / "crim_thb_vctz.csv"
    page.write_text("<html><head><title>Service unavailable</title></head></html>")
    with pytest.raises(raw_store.RawStoreError, match="HTML page"):
        land_eurostat(paths, page)
    empty = tmp_path / "crim_thb_sex.csv"
    empty.write_bytes(b"")
    with pytest.raises(raw_store.RawStoreError, match="empty"):
        land_eurostat(paths, empty)


def test_truncated_file_names_the_row(paths, tmp_path) -> None:  # noqa: ANN001
    data = (EUROSTAT_FIXTURES / "crim_thb_vexp.csv").read_bytes()
    cut = tmp_path / "crim_thb_vexp.csv"
    cut.write_bytes(data[: data.index(b",IT,2022,420")])
    with pytest.raises(SourceFormatError, match="fields where the header has 10"):
        read.read_snapshot(land_eurostat(paths, cut))


def test_newest_snapshot_of_each_dataset_and_pins_per_dataset(paths, tmp_path) -> None:  # noqa: ANN001
    from pipelines.defs.eurostat_thb.stage import chosen_snapshots
    from pipelines.lib.warehouse import Warehouse

    first = {n: land_eurostat(paths, EUROSTAT_FIXTURES / f"{n}.csv", accessed=dt.date(2024, 11, 20))
             for n in ("crim_thb_vctz", "crim_thb_sex")}  # fmt: skip
    later = land_eurostat(
        paths,
        edited(tmp_path, "crim_thb_vctz.csv", "14/11/24", "02/03/25", count=-1),
        accessed=dt.date(2025, 3, 5),
    )
    assert later.provenance["published"] == "2025-03-02"
    chosen = chosen_snapshots(Warehouse(data_dir=str(paths.data_dir)))
    assert chosen == {"crim_thb_vctz": later, "crim_thb_sex": first["crim_thb_sex"]}
    pinned = Warehouse(
        data_dir=str(paths.data_dir), snapshot_pins=f"eurostat_thb={first['crim_thb_vctz'].name}"
    )
    assert chosen_snapshots(pinned) == {
        "crim_thb_vctz": first["crim_thb_vctz"],
        "crim_thb_sex": first["crim_thb_sex"],
    }
