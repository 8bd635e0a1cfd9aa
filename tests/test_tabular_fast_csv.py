"""The pyarrow path of read_csv_strict gives exactly the frame of the line-by-line reader (values, headers and
`_source_row`), and leaves every file it cannot read exactly like it to that reader, which then reads it or
refuses it with its own message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipelines.lib import tabular
from tests.conftest import ROOT, SHARED_DATA, require_shared

CSV_FILES = sorted(
    [*ROOT.glob("tests/fixtures/**/*.csv"), *ROOT.glob("pipelines/**/*.csv")],
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
