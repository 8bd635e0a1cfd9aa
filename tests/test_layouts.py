"""Headers read by meaning (pipelines/lib/layouts.py): normalised names, the names each column has had, and
what is named when a header cannot be read; GLOTIP and the ministry's files with their columns written
differently are read under the publisher's names and recorded as a new layout."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from pipelines.lib.layouts import LayoutError, Vocabulary, normalised, recognised
from pipelines.lib.raw_store import Snapshot
from pipelines.sample.unodc_glotip import xlsx_bytes
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Incident year", "Incident Year"),
        ("ISO_3166-1", "iso 3166 1"),
        (" Migration  Route ", "migration route"),
    ],
)
def test_names_compare_without_case_spacing_or_punctuation(a: str, b: str) -> None:
    assert normalised(a) == normalised(b)


def test_a_header_that_cannot_be_read_is_named_in_full() -> None:
    vocabulary = Vocabulary.of([("Number of Dead", "dead"), ("Number Dead", "dead"), ("Year", "year")])
    assert vocabulary.match(["number dead", "YEAR"], ["dead", "year"]) == {
        "number dead": "dead",
        "YEAR": "year",
    }
    with pytest.raises(LayoutError) as error:
        vocabulary.match(["Number of Dead", "Number Dead", "Comment"], ["dead", "year"])
    message = str(error.value)
    assert "missing needed column(s) year (known as 'Year')" in message
    assert "column(s) given twice: dead ('Number of Dead' and 'Number Dead')" in message
    assert "unknown column(s) ['Comment']" in message
    with pytest.raises(ValueError, match="given to two columns"):
        Vocabulary.of([("Year", "year"), ("year", "month")])
    assert recognised(["a", "B"], ["A", "b"]) == {"a": "A", "B": "b"}
    assert recognised(["a", "c"], ["A", "b"]) is None


def _recased(rows: list[list[str]], at: int) -> list[list[str]]:
    rows[at] = [h.upper().replace("_", " ") for h in rows[at]]
    return rows


def test_glotip_with_its_columns_recased_is_read_as_a_new_layout(tmp_path: Path) -> None:
    from pipelines.defs.unodc_glotip import read

    with (FIXTURES / "unodc_glotip" / "release_2025.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    path = tmp_path / "data_glotip.xlsx"
    path.write_bytes(xlsx_bytes(_recased(rows, 2)))
    frame = read.read_snapshot(Snapshot(path, {"media_type": "xlsx"}))
    assert [c for c in frame.columns if c != "_source_row"] == list(read.columns())
    assert frame.attrs["layout"].startswith("new layout ")
    assert json.loads(frame.attrs["layout"].removeprefix("new layout "))["TXTVALUE"] == "txtVALUE"
    assert read.validate_cells(frame, path.name)["txtVALUE"] == len(rows) - 3


def test_a_ministry_file_with_its_columns_recased_is_recognised_and_read(paths, tmp_path: Path) -> None:  # noqa: ANN001
    from pipelines.defs.italy_moi import read
    from pipelines.defs.italy_moi.source import SOURCE
    from pipelines.lib import raw_store

    text = (FIXTURES / "italy_moi" / "nazionalita.csv").read_text(encoding="utf-8")
    rows = _recased(list(csv.reader(io.StringIO(text))), 0)
    path = tmp_path / "nationalities.csv"  # a name that does not say which file it is
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    snapshot = raw_store.land(paths.raw_dir, SOURCE, path, arrival="import")
    assert snapshot.provenance["entity"] == "nationality_ytd"
    frame = read.read_snapshot(snapshot, "nationality_ytd")
    assert "ISO_3166-1" in frame.columns and frame.attrs["layout"].startswith("new layout ")
    assert read.validate_cells(frame, "nationality_ytd", snapshot.name)["Valore"] == len(rows) - 1
