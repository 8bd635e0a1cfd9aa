"""Hostile workbooks are bounded before the xlsx library sees them (declared dimension, last row and column,
rows, cells, shared strings), and the library runs in a child process, so an abort there is a refusal here.
A workbook whose release date cannot be read is never taken for an undated release: it is stored rejected at
import, and a build that finds one (stored by an older version) marks it rejected and says so."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from pipelines.defs.unodc_glotip.source import SOURCE as GLOTIP
from pipelines.lib import raw_store, tabular, xlsx_child
from pipelines.lib.tabular import SourceFormatError
from pipelines.sample.unodc_glotip import xlsx_bytes
from tests.conftest import require_shared
from tests.support.workbooks import declared_dimension, far_cell, with_sheet_xml

ROWS = [["UNODC"], ["14/04/2025"], ["Country", "txtVALUE"], ["Italy", "12"]]


def _book(tmp_path: Path, data: bytes, name: str = "data_glotip.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


HOSTILE = {
    "declared dimension A1:XFD1048576": (
        lambda: declared_dimension(xlsx_bytes(ROWS)),
        "declares its dimension as A1:XFD1048576: column 16,384",
    ),
    "one cell at XFD1048576": (lambda: far_cell(xlsx_bytes(ROWS)), "column 16,384 \\(limit"),
    "one cell at A1048577": (lambda: far_cell(xlsx_bytes(ROWS), "A1048577"), "row 1,048,577"),
    "one cell at ZZ1000000 (a rectangle too large)": (
        lambda: far_cell(xlsx_bytes(ROWS), "ZZ1000000"),
        "702,000,000 cells",
    ),
    "prefixed cell elements": (
        lambda: with_sheet_xml(
            xlsx_bytes(ROWS),
            lambda xml: xml.replace("<worksheet ", '<worksheet xmlns:x="http://schemas.openxmlformats.org/'
                                    'spreadsheetml/2006/main" ').replace(
                "</sheetData>", '<x:row r="900000"><x:c r="ZZ900000"><x:v>1</x:v></x:c></x:row></sheetData>'
            ),
        ),
        "cells",
    ),
    "cells without a reference": (
        lambda: with_sheet_xml(xlsx_bytes(ROWS), lambda xml: xml.replace('<c r="B4"', "<c")),
        "without a leading reference",
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_workbook_is_refused_before_the_library_reads_it(
    kind: str, tmp_path: Path, paths, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    make, expected = HOSTILE[kind]
    path = _book(tmp_path, make())
    assert path.stat().st_size < 20_000
    problem = tabular.xlsx_problem(path)
    assert problem and re.search(expected, problem), problem
    opened: list[Path] = []
    monkeypatch.setattr(xlsx_child, "read_sheet", lambda p, *a, **k: opened.append(p))
    with pytest.raises(SourceFormatError) as error:
        tabular.read_xlsx_strict(path, "unodc_glotip", sheet="data_glotip_1", header_row=3)
    assert str(error.value).startswith("unodc_glotip: data_glotip.xlsx: sheet sheet1.xml"), error.value
    with pytest.raises(raw_store.RawStoreError) as refused:
        raw_store.land(paths.raw_dir, GLOTIP, path, arrival="import")
    assert "\n" not in str(refused.value) and "nothing was stored" in str(refused.value)
    assert opened == [], "the xlsx library must not be given the file"
    assert not (paths.raw_dir / "unodc_glotip").exists() or not list(
        (paths.raw_dir / "unodc_glotip").iterdir()
    )


def test_the_bounds_pass_an_ordinary_workbook(tmp_path: Path) -> None:
    wide = [[f"c{i}" for i in range(200)], [str(i) for i in range(200)]]
    assert tabular.xlsx_problem(_book(tmp_path, xlsx_bytes(ROWS))) is None
    assert tabular.xlsx_problem(_book(tmp_path, xlsx_bytes(wide), "wide.xlsx")) is None


@pytest.mark.integration
def test_the_bounds_pass_every_real_workbook() -> None:
    shared = require_shared()
    books = sorted(shared.glob("*/*.xlsx"))
    assert len(books) >= 5
    for book in books:
        assert tabular.xlsx_problem(book) is None, book


def test_an_abort_of_the_xlsx_library_is_a_refusal_not_a_dead_process(tmp_path: Path) -> None:
    """Without the bounds the library aborts on this 2 KB file (it allocates 17 billion cells): the abort
    ends the child process, and the reader gets a one-line refusal."""
    path = _book(tmp_path, far_cell(xlsx_bytes(ROWS)))
    with pytest.raises(xlsx_child.SheetReadError) as error:
        xlsx_child.read_sheet(path, None)
    message = str(error.value)
    assert "SIGABRT" in message and "refused" in message and "\n" not in message, message


CORRUPT = {
    "truncated sheet XML": lambda xml: xml[: len(xml) // 2],
    "a shared string that does not exist": lambda xml: xml.replace(
        '<c r="A1" t="inlineStr"><is><t xml:space="preserve">UNODC</t></is></c>',
        '<c r="A1" t="s"><v>99</v></c>',
    ),
}


@pytest.mark.parametrize("kind", CORRUPT)
def test_a_workbook_whose_release_date_cannot_be_read_is_stored_rejected(paths, tmp_path, kind: str) -> None:  # noqa: ANN001
    path = _book(tmp_path, with_sheet_xml(xlsx_bytes(ROWS), CORRUPT[kind]))
    snapshot = raw_store.land(paths.raw_dir, GLOTIP, path, arrival="import")
    p = snapshot.provenance
    assert p["status"] == "rejected" and p["published"] is None
    assert p["rejection_reason"].startswith(f"unodc_glotip: {snapshot.name}: cannot be read as xlsx")
    assert "release date" in p["rejection_reason"] and p["rejected_at"]
    raw_store.validate_provenance(p)
    assert raw_store.list_snapshots(paths.raw_dir, "unodc_glotip") == []


def test_the_build_rejects_an_undated_unreadable_release_stored_earlier(paths, tmp_path) -> None:  # noqa: ANN001
    """A workbook landed before import refused such files (published: null, accepted) is found by the build,
    marked rejected naming the problem, and left out; the readable releases are kept."""
    from pipelines.defs.unodc_glotip.stage import refuse_unreadable_dates

    good = raw_store.land(
        paths.raw_dir, GLOTIP, _book(tmp_path, xlsx_bytes(ROWS), "good.xlsx"), arrival="import"
    )
    bad_path = _book(tmp_path, with_sheet_xml(xlsx_bytes(ROWS), CORRUPT["truncated sheet XML"]), "bad.xlsx")
    bad = raw_store.land(paths.raw_dir, GLOTIP, bad_path, arrival="import", accessed=dt.date(2030, 1, 1))
    old_style = raw_store.mark_accepted(bad)  # as an older version stored it: accepted, no release date
    assert old_style.provenance["status"] == "accepted" and old_style.provenance["published"] is None
    kept = refuse_unreadable_dates(raw_store.list_snapshots(paths.raw_dir, "unodc_glotip"))
    assert [s.name for s in kept] == [good.name]
    after = raw_store.find_snapshot(paths.raw_dir, "unodc_glotip", bad.name).provenance
    assert after["status"] == "rejected" and "found by the build" in after["rejection_reason"]
    assert bad.name in after["rejection_reason"] and after["rejected_at"]
