"""Reading the ministry's files: each recognised by its header, cells refused with file, row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines.defs.italy_moi import read
from pipelines.defs.italy_moi.source import SOURCE, entity_of
from pipelines.lib import raw_store
from pipelines.lib.tabular import SourceFormatError
from tests.conftest import FIXTURES

HERE = FIXTURES / "italy_moi"
FILES = {
    "sbarchi-per-giorno.csv": "daily_landings",
    "nazionalita.csv": "nationality_ytd",
    "anagrafica-report.csv": "reports",
}


def land(paths, file: Path, name: str | None = None) -> raw_store.Snapshot:  # noqa: ANN001
    return raw_store.land(
        paths.raw_dir, SOURCE, file, arrival="import", accessed=dt.date(2024, 5, 16), original_name=name
    )


def edit(tmp_path: Path, name: str, old: str, new: str, out: str | None = None) -> Path:
    text = (HERE / name).read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / (out or name)
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize(("name", "entity"), FILES.items())
def test_each_file_is_recognised_by_its_header_whatever_its_name(tmp_path, name: str, entity: str) -> None:  # noqa: ANN001
    copy = tmp_path / "download(1).csv"
    copy.write_bytes((HERE / name).read_bytes())
    assert entity_of(HERE / name, name) == entity
    assert entity_of(copy, copy.name) == entity


def test_a_file_with_no_known_header_or_name_is_unrecognised(tmp_path) -> None:  # noqa: ANN001
    other = tmp_path / "arrivals.csv"
    other.write_text("Data,Sbarchi\n2024-04-01,12\n")
    assert entity_of(other, other.name) == "unrecognised"
    renamed = edit(tmp_path, "sbarchi-per-giorno.csv", "Valore", "Valori")
    assert entity_of(renamed, "sbarchi-per-giorno.csv") == "daily_landings"


def test_source_rows_are_file_lines(paths) -> None:  # noqa: ANN001
    frame = read.read_snapshot(land(paths, HERE / "sbarchi-per-giorno.csv"), "daily_landings")
    assert len(frame) == 21
    assert frame["_source_row"].tolist() == list(range(2, 23))
    assert frame.loc[frame["Data"] == "2024-04-31", "_source_row"].item() == 13


def test_renamed_column_is_named_in_the_error(paths, tmp_path) -> None:  # noqa: ANN001
    snapshot = land(paths, edit(tmp_path, "sbarchi-per-giorno.csv", "Valore", "Valori"))
    with pytest.raises(SourceFormatError) as error:
        read.read_snapshot(snapshot, "daily_landings")
    message = str(error.value)
    assert snapshot.name in message and "row 1" in message
    assert "missing column(s) ['Valore']" in message and "unexpected column(s) ['Valori']" in message


def test_missing_column_is_named_in_the_error(paths, tmp_path) -> None:  # noqa: ANN001
    renamed = tmp_path / "anagrafica-report.csv"
    renamed.write_text("Data,URL\n2024-03-31,http://fixture.invalid/a.pdf\n")
    snapshot = land(paths, renamed)
    assert snapshot.provenance["entity"] == "reports"
    with pytest.raises(
        SourceFormatError, match=r"missing column\(s\) \['Data_Report'\], unexpected column\(s\) \['Data'\]"
    ):
        read.read_snapshot(snapshot, "reports")


@pytest.mark.parametrize(
    ("name", "old", "new", "row", "column"),
    [
        ("sbarchi-per-giorno.csv", ",112,", ",circa 100,", 4, "Valore"),
        ("sbarchi-per-giorno.csv", "2024-03-30,0,", "30/03/2024,0,", 5, "Data"),
        ("sbarchi-per-giorno.csv", ",2024-03-31\n", ",2024-02-30\n", 4, "Data_Report"),
        ("nazionalita.csv", "Egitto,EG,", "Egitto,,", 3, "ISO_3166-1"),
        ("nazionalita.csv", "Siria,SY,1400", "Siria,SY,1.400", 8, "Valore"),
        (
            "anagrafica-report.csv",
            "http://fixture.invalid/sites/default/files/allegati/cruscotto_statistico_giornaliero_31-03-2024.pdf",
            "see the PDF",
            3,
            "URL",
        ),
    ],
)
def test_a_cell_staging_cannot_parse_names_file_row_and_column(
    paths, tmp_path, name: str, old: str, new: str, row: int, column: str
) -> None:  # noqa: ANN001
    snapshot = land(paths, edit(tmp_path, name, old, new))
    entity = FILES[name]
    frame = read.read_snapshot(snapshot, entity)
    with pytest.raises(SourceFormatError) as error:
        read.validate_cells(frame, entity, snapshot.name)
    assert (error.value.row, error.value.column) == (row, column)
    assert snapshot.name in str(error.value)


def test_empty_values_and_the_known_artefact_are_accepted(paths) -> None:  # noqa: ANN001
    snapshot = land(paths, HERE / "sbarchi-per-giorno.csv")
    frame = read.read_snapshot(snapshot, "daily_landings")
    assert {"", "0[VALORE]0"} <= set(frame["Valore"])
    assert read.validate_cells(frame, "daily_landings", snapshot.name)["Valore"] == 21


def test_an_unrecognised_file_fails_naming_file_and_header_and_is_rejected(paths, tmp_path) -> None:  # noqa: ANN001
    other = tmp_path / "export.csv"
    other.write_text("Data,Sbarchi,Note\n2024-04-01,12,x\n")
    snapshot = land(paths, other)
    assert snapshot.provenance["entity"] == "unrecognised"
    with pytest.raises(SourceFormatError) as error:
        read.refuse_unrecognised(paths.raw_dir)
    message = str(error.value)
    assert snapshot.name in message and "['Data', 'Sbarchi', 'Note']" in message
    assert "closest is 'daily_landings'" in message
    (stored,) = raw_store.list_snapshots(paths.raw_dir, "italy_moi", include_rejected=True)
    assert stored.provenance["status"] == "rejected"
    read.refuse_unrecognised(paths.raw_dir)


def test_downloads_name_the_three_files_and_their_entities() -> None:
    specs = SOURCE.download_list()
    assert [(s.original_name, s.entity, s.expect) for s in specs] == [
        ("sbarchi-per-giorno.csv", "daily_landings", "csv"),
        ("nazionalita.csv", "nationality_ytd", "csv"),
        ("anagrafica-report.csv", "reports", "csv"),
    ]
    base = "https://raw.githubusercontent.com/ondata/liberiamoli-tutti/main/sbarchi-migranti/dati/"
    assert all(s.url == base + s.original_name for s in specs)


def test_published_date_is_the_latest_report_in_the_file(paths) -> None:  # noqa: ANN001
    snapshot = land(paths, HERE / "nazionalita.csv")
    assert snapshot.provenance["published"] == "2024-05-15"
    assert snapshot.provenance["published_basis"] == "latest Data_Report in the file"
