"""The pyarrow path of read_csv_strict gives exactly the frame of the line-by-line reader (values, headers and
`_source_row`), and leaves every file it cannot read exactly like it to that reader, which then reads it or
refuses it with its own message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipelines.lib import tabular
from tests.conftest import ROOT, SHARED_DATA, require_shared

# the project's CSV files with data rows (a header-only file, such as an empty explanations table, has nothing to
# read by either path)
CSV_FILES = sorted(
    (
        p
        for p in [*ROOT.glob("tests/fixtures/**/*.csv"), *ROOT.glob("pipelines/**/*.csv")]
        if len(p.read_bytes().splitlines()) > 1
    ),
    key=str,
)


def _line_by_line(path: Path, monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame | Exception:
    with monkeypatch.context() as patch:
        patch.setattr(tabular, "_fast_records", lambda raw: None)
        try:
            return tabular.read_csv_strict(path, "test")
        except tabular.SourceFormatError as exc:
            return exc


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_path_reads_the_project_files_as_the_line_by_line_reader(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = tabular._fast_records(path.read_bytes())
    assert fast is not None, "plain CSV should take the fast path"
    pd.testing.assert_frame_equal(fast, _line_by_line(path, monkeypatch))


@pytest.mark.integration
def test_fast_path_reads_the_real_snapshots_as_the_line_by_line_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The publishers' CSV files, including Missing Migrants exports with line breaks and escaped quotes inside
    quoted values."""

    require_shared("mmp")
    files = sorted(SHARED_DATA.glob("**/*.csv"))
    assert files
    for path in files:
        raw = path.read_bytes()
        fast = tabular._fast_records(raw)
        assert fast is not None, path
        slow = _line_by_line(path, monkeypatch)
        pd.testing.assert_frame_equal(fast, slow)
        if b'""' in raw:  # rows after a multi-line value are numbered by their first line
            assert fast[tabular.ROW_COLUMN].is_monotonic_increasing


HEADER = b"id,name,count\n"
CASES = {
    # the fast path reads these
    "plain": (HEADER + b"1,a,2\n2,b,3\n", True),
    "no final line end": (HEADER + b"1,a,2\n2,b,3", True),
    "CRLF": (HEADER.replace(b"\n", b"\r\n") + b"1,a,2\r\n2,b,3\r\n", True),
    "BOM": (b"\xef\xbb\xbf" + HEADER + b"1,a,2\n", True),
    "quoted comma": (HEADER + b'1,"a, b",2\n', True),
    "escaped quotes": (HEADER + b'1,"say ""hi""",2\n2,"""",3\n', True),
    "line break in a value": (HEADER + b'1,"two\nlines",2\n2,b,3\n3,"x\r\ny",4\n4,c,5\n', True),
    "empty quoted value": (HEADER + b'1,"",2\n', True),
    "spaces kept": (b" id , name ,count\n 1 , a ,2\n", True),
    # the line-by-line reader decides these
    "blank line": (HEADER + b"1,a,2\n\n2,b,3\n", False),
    "blank CRLF line": (HEADER + b"1,a,2\r\n\r\n2,b,3\r\n", False),
    "text after a closing quote": (HEADER + b'1,"a"b,2\n', False),
    "quote inside an unquoted value": (HEADER + b'1,a"b,2\n', False),
    "unbalanced quote": (HEADER + b'1,"a,2\n2,b,3\n', False),
    "lone carriage return": (HEADER + b"1,a,2\r2,b,3\n", False),
    "too few fields": (HEADER + b"1,a\n", False),
    "too many fields": (HEADER + b"1,a,2,4\n", False),
    "a trailing empty field": (HEADER + b"1,a,2,\n2,b,3\n", False),
    "trailing empty fields after a quoted one": (HEADER + b'1,a,"2",,\n', False),
    "an unquoted comma leaves a trailing empty field": (b"location,url,cause\nZuwara, Libya,,\n", False),
    "a last line without a line end and an extra field": (HEADER + b"1,a,2\n2,b,3,", False),
    "a header naming the line-number column": (b"id,_source_row,count\n1,a,2\n", False),
    "not UTF-8": (HEADER + b"1,\xe9,2\n", False),
    "header only": (HEADER, False),
    "one column": (b"id\n1\n\n2\n", False),
    "header across lines": (b'id,"na\nme",count\n1,a,2\n', False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_path_edge_cases(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content, fast_expected = CASES[name]
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    fast = tabular._fast_records(content)
    assert (fast is not None) == fast_expected
    slow = _line_by_line(path, monkeypatch)
    try:
        public = tabular.read_csv_strict(path, "test")
    except tabular.SourceFormatError as exc:
        public = exc
    if isinstance(slow, Exception):
        assert isinstance(public, tabular.SourceFormatError) and str(public) == str(slow)
    else:
        pd.testing.assert_frame_equal(public, slow)
        if fast is not None:
            pd.testing.assert_frame_equal(fast, slow)


@pytest.mark.parametrize("failures", [1, 2])
def test_an_unexplained_pyarrow_failure_reads_again_then_falls_back(
    failures: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """pyarrow's threaded CSV reader can fail with an ArrowException that is not about the file ("a chunk failed
    converting for an unknown reason"): the fast path reads once more on one thread, and if that fails too the
    line-by-line reader reads the file; either way the frame is the same and no error reaches the build."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    path = tmp_path / "plain.csv"
    path.write_bytes(HEADER + b'1,"Zuwara, Libya",3\n2,Sabratha,"4"\n')
    expected = _line_by_line(path, monkeypatch)
    real_read_csv = pacsv.read_csv
    calls: list[bool] = []

    def flaky(*args: object, **kwargs: object) -> object:
        calls.append(kwargs["read_options"].use_threads)
        if len(calls) <= failures:
            raise pa.ArrowException("Unknown error: a chunk failed converting for an unknown reason")
        return real_read_csv(*args, **kwargs)

    monkeypatch.setattr(pacsv, "read_csv", flaky)
    fast = tabular._fast_records(path.read_bytes())
    assert calls == [True, False]
    if failures == 1:
        assert fast is not None
        pd.testing.assert_frame_equal(fast, expected)
    else:
        assert fast is None
    pd.testing.assert_frame_equal(tabular.read_csv_strict(path, "test"), expected)
    assert expected["count"].tolist() == ["3", "4"]
    assert expected["name"].tolist() == ["Zuwara, Libya", "Sabratha"]


def _loaded(path: Path) -> pd.DataFrame | None:
    """What `load_csv` puts in DuckDB, as a frame shaped like read_csv_strict's (plus `_source_file`)."""
    import duckdb

    con = duckdb.connect()
    con.execute("create table t as select 'earlier' as kept")
    loaded = tabular.load_csv(con, "t", path, "stored.csv")
    if loaded is None:
        assert con.execute("select * from t").fetchall() == [("earlier",)], "a refused file changed the table"
        return None
    header, rows = loaded
    frame = con.execute(f"select * from t order by {tabular.ROW_COLUMN}").df()
    assert list(frame.columns) == [*header, tabular.ROW_COLUMN, "_source_file"] and len(frame) == rows
    assert (frame.pop("_source_file") == "stored.csv").all()
    for column in header:
        frame[column] = frame[column].astype("string")
    frame[tabular.ROW_COLUMN] = frame[tabular.ROW_COLUMN].astype("int64")
    return frame


@pytest.mark.parametrize("name", sorted(CASES))
def test_loading_into_duckdb_gives_the_strict_readers_table_or_declines(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Straight into DuckDB: the same table as the line-by-line reader, or None (and the table untouched), never
    a file that reader refuses. BOM and carriage returns are declined by design."""
    content, fast_expected = CASES[name]
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    loaded = _loaded(path)
    slow = _line_by_line(path, monkeypatch)
    if loaded is None:
        assert not fast_expected or name in {"BOM", "CRLF", "line break in a value"}
    else:
        assert not isinstance(slow, Exception), slow
        pd.testing.assert_frame_equal(loaded, slow)


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_loading_into_duckdb_reads_the_project_files_as_the_strict_reader(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = _loaded(path)
    if b"\r" in path.read_bytes() or path.read_bytes().startswith(b"\xef\xbb\xbf"):
        assert loaded is None
    elif loaded is not None:
        pd.testing.assert_frame_equal(loaded, _line_by_line(path, monkeypatch))
    else:  # one column or a repeated name
        header = path.read_bytes().split(b"\n", 1)[0].decode().split(",")
        assert len(header) < 2 or len(set(header)) != len(header), path


@pytest.mark.integration
def test_loading_into_duckdb_reads_the_real_snapshots_as_the_strict_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every publisher CSV at hand without carriage returns, Missing Migrants exports included (line breaks and
    escaped quotes inside quoted values)."""
    require_shared("mmp")
    loaded_any = False
    for path in sorted(SHARED_DATA.glob("**/*.csv")):
        raw = path.read_bytes()
        loaded = _loaded(path)
        if b"\r" in raw or raw.startswith(b"\xef\xbb\xbf"):
            assert loaded is None, path
            continue
        assert loaded is not None, path
        pd.testing.assert_frame_equal(loaded, _line_by_line(path, monkeypatch))
        loaded_any = True
    assert loaded_any


@pytest.mark.parametrize("size", [1, 7, 64, 1 << 24])
def test_scanning_in_pieces_finds_the_same_records(size: int, tmp_path: Path) -> None:
    """Pieces (of bytes in memory, or read from the file) end just after a line feed; any piece size gives the
    record lines of the whole file at once, with or without the field count."""
    import csv

    import numpy as np

    path = tmp_path / "file.csv"
    for content, _ in CASES.values():
        path.write_bytes(content)
        assert b"".join(tabular._file_chunks(path, size)) == content
        header = content.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff")
        for fields in (None, len(next(csv.reader([header])))):
            whole = tabular._scan_records([content], fields=fields)
            for pieces in (tabular._chunks_at_feeds(content, size), tabular._file_chunks(path, size)):
                found = tabular._scan_records(pieces, fields=fields)
                if whole is None:
                    assert found is None, content
                else:
                    assert np.array_equal(whole, found), content
    for path in CSV_FILES[:20]:
        content = path.read_bytes()
        assert np.array_equal(
            tabular._scan_records([content]), tabular._scan_records(tabular._chunks_at_feeds(content, size))
        )


def test_a_large_file_keeps_its_record_order_and_lines(tmp_path: Path) -> None:
    """A file large enough for DuckDB to read in parallel (about 60 MB), with a value across two lines in every
    97th record: each row keeps its own cells and the line its record starts on, as counted while writing it."""
    import duckdb

    path = tmp_path / "large.csv"
    expected_lines, line = [], 2
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,text,padding\n")
        for i in range(600_000):
            text = f'"note {i},\nsecond line"' if i % 97 == 0 else f"note {i}"
            handle.write(f"{i},{text},{'x' * 70}\n")
            expected_lines.append(line)
            line += 2 if i % 97 == 0 else 1
    assert path.stat().st_size > 50_000_000
    con = duckdb.connect()
    assert tabular.load_csv(con, "t", path, "large.csv") == (["id", "text", "padding"], 600_000)
    found = con.execute("select id, text, _source_row from t order by rowid").fetchall()
    assert [int(i) for i, _, _ in found] == list(range(600_000))
    assert [row for _, _, row in found] == expected_lines
    assert found[97][1] == "note 97,\nsecond line" and found[98][1] == "note 98"


def test_a_prefetched_workbook_reads_as_one_read_on_the_spot(tmp_path: Path) -> None:
    """`prefetch_xlsx` parses on a background thread; the reader then gives exactly the frame it gives without
    it, reads the file again if it changed since, and a workbook refused by the size bound is never parsed."""
    import openpyxl

    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(["banner"])
    sheet.append(["id", "name", "count"])
    sheet.append([1, "Zuwara", 3.0])
    sheet.append([2, "Sabratha", 4.5])
    book.save(path)
    plain = tabular.read_xlsx_strict(path, "test", sheet="data", header_row=2)
    tabular.prefetch_xlsx(path, "data", 2)
    assert (str(path), "data", 2) in tabular._PREFETCH
    prefetched = tabular.read_xlsx_strict(path, "test", sheet="data", header_row=2)
    assert (str(path), "data", 2) not in tabular._PREFETCH
    pd.testing.assert_frame_equal(prefetched[0], plain[0])
    assert prefetched[1] == plain[1] == [["banner", "", ""]]
    assert plain[0]["count"].tolist() == ["3", "4.5"]

    tabular.prefetch_xlsx(path, "data", 2)
    tabular._PREFETCH[(str(path), "data", 2)][1].result()
    sheet.append([3, "Tripoli", 7])  # the file changes after the prefetch
    book.save(path)
    assert (
        tabular.read_xlsx_strict(path, "test", sheet="data", header_row=2)[0]["name"].tolist()[-1]
        == "Tripoli"
    )

    tabular.prefetch_xlsx(path, "missing")
    with pytest.raises(tabular.SourceFormatError, match="has no sheet 'missing'"):
        tabular.read_xlsx_strict(path, "test", sheet="missing")


def test_a_prefetch_never_parses_a_workbook_over_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"not a zip at all")
    opened: list[Path] = []
    monkeypatch.setattr(tabular, "_read_sheet", lambda p, *_: opened.append(p))
    tabular.prefetch_xlsx(path, None)
    assert tabular._PREFETCH[(str(path), None, 1)][1].result() is None
    assert opened == []
    tabular._PREFETCH.clear()


def test_loading_declines_what_it_cannot_load_exactly(tmp_path: Path) -> None:
    """Names DuckDB would rename (case-insensitive repeats, the columns the loader adds), a connection whose
    rows may not keep the file's order, and a transaction already open: None, and nothing of the caller's lost."""
    import duckdb

    path = tmp_path / "file.csv"
    con = duckdb.connect()
    for header in (b"id,ID,count\n", b"id,_SOURCE_FILE,count\n", b"id,_source_row,count\n"):
        path.write_bytes(header + b"1,a,2\n")
        assert tabular.load_csv(con, "t", path, "f.csv") is None, header
    path.write_bytes(HEADER + b"1,a,2\n")
    con.execute("set preserve_insertion_order = false")
    assert tabular.load_csv(con, "t", path, "f.csv") is None
    con.execute("set preserve_insertion_order = true")
    con.execute("begin")
    con.execute("create table mine as select 42 as answer")
    assert tabular.load_csv(con, "t", path, "f.csv") is None
    assert con.execute("select answer from mine").fetchall() == [(42,)]
    con.execute("commit")
    assert tabular.load_csv(con, "t", path, "f.csv") == (["id", "name", "count"], 1)
    assert con.execute("select * from t").fetchall() == [("1", "a", "2", 2, "f.csv")]


def test_the_field_count_is_checked_across_pieces() -> None:
    """Commas inside quoted values (also ones spanning pieces, and across line breaks) do not count; a record
    with one field too many or too few is found wherever it lies."""
    good = b'a,b,c\n1,"x, y\n, z",3\n2,",,,",4\n3,q,"r,\ns"'
    for size in (1, 3, 8, 1 << 20):
        assert tabular._scan_records(tabular._chunks_at_feeds(good, size), fields=3).tolist() == [2, 4, 5]
        for bad in (good + b",", good.replace(b"2,", b"2,,", 1), good.replace(b"3,q,", b"3,q", 1)):
            assert tabular._scan_records(tabular._chunks_at_feeds(bad, size), fields=3) is None, (bad, size)
