"""Reading Missing Migrants files: layouts recognised by header, cells refused with file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.defs.iom_mmp import read
from pipelines.lib.tabular import SourceFormatError, read_csv_strict
from tests.build_helpers import land_mmp

LAYOUTS = {
    "export_2025.csv": "export_2025",
    "portal_2021.csv": "portal_2021",
    "portal_2020.csv": "portal_2020",
    "portal_2026.csv": "portal_2026",
}


@pytest.mark.parametrize(("name", "layout"), LAYOUTS.items())
def test_each_layout_is_recognised(paths, mmp_fixture, name: str, layout: str) -> None:  # noqa: ANN001
    frame, vintage = read.read_snapshot(land_mmp(paths, mmp_fixture(name)))
    assert vintage == layout
    expected_rows = sum(1 for _ in __import__("csv").reader(mmp_fixture(name).open(newline=""))) - 1
    assert len(frame) == expected_rows


def test_source_row_is_the_file_line_even_after_an_embedded_newline(paths, mmp_fixture) -> None:  # noqa: ANN001
    frame, _ = read.read_snapshot(land_mmp(paths, mmp_fixture("export_2025.csv")))
    rows = dict(zip(frame["Incident ID"], frame["_source_row"], strict=True))
    assert rows["2014.MMP00001"] == 2
    assert rows["2015.MMP00001"] == 4  # its record spans lines 4-5
    assert rows["2015.MMP00002"] == 6


def _edit(src: Path, tmp_path: Path, old: str, new: str, name: str = "edited.csv") -> Path:
    text = src.read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / name
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


def _validated(snapshot):  # noqa: ANN001, ANN202
    """The snapshot loaded into DuckDB as the raw asset loads it, then its cells checked as staging checks them."""
    import duckdb

    con = duckdb.connect()
    vintage, _ = read.load_snapshot(con, snapshot, "raw_incidents")
    return read.validate_cells(con, "raw_incidents", vintage, snapshot.name)


def test_renamed_column_is_named_in_the_error(paths, mmp_fixture, tmp_path) -> None:  # noqa: ANN001
    edited = _edit(mmp_fixture("export_2025.csv"), tmp_path, '"Number of Dead"', '"Dead"')
    with pytest.raises(SourceFormatError) as error:
        read.read_snapshot(land_mmp(paths, edited))
    message = str(error.value)
    assert "iom_mmp" in message and "row 1" in message
    assert "'Number of Dead'" in message and "'Dead'" in message and "export_2025" in message


def test_text_in_a_count_names_row_and_column(paths, mmp_fixture, tmp_path) -> None:  # noqa: ANN001
    edited = _edit(mmp_fixture("portal_2021.csv"), tmp_path, '"1,022"', '"about a thousand"')
    snapshot = land_mmp(paths, edited)
    with pytest.raises(SourceFormatError) as error:
        _validated(snapshot)
    assert error.value.row == 4
    assert error.value.column == "Total Dead and Missing"
    assert "about a thousand" in str(error.value) and snapshot.name in str(error.value)


def test_thousands_separator_is_a_count_not_an_error(paths, mmp_fixture) -> None:  # noqa: ANN001
    snapshot = land_mmp(paths, mmp_fixture("portal_2021.csv"))
    frame, _vintage = read.read_snapshot(snapshot)
    checked = _validated(snapshot)
    assert checked["Total Dead and Missing"] == len(frame)


def test_unknown_date_format_is_refused(paths, mmp_fixture, tmp_path) -> None:  # noqa: ANN001
    edited = _edit(mmp_fixture("export_2025.csv"), tmp_path, "2018-01-09", "09.01.2018")
    snapshot = land_mmp(paths, edited)
    with pytest.raises(SourceFormatError, match="'Incident Date'.*09.01.2018"):
        _validated(snapshot)


def test_truncated_csv_fails_with_the_row(tmp_path: Path, mmp_fixture) -> None:  # noqa: ANN001
    data = mmp_fixture("export_2025.csv").read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.rindex(b',"Off Sfax')])
    # line 14: the record of 2015.MMP00001 spans two lines
    with pytest.raises(SourceFormatError, match=r"cut.csv, row 14: has 19 fields where the header has 25"):
        read_csv_strict(cut, "iom_mmp")


def test_truncated_inside_a_quoted_field(tmp_path: Path, mmp_fixture) -> None:  # noqa: ANN001
    data = mmp_fixture("export_2025.csv").read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.index(b"(second line")])
    with pytest.raises(SourceFormatError, match="cut.csv, row 4: malformed CSV"):
        read_csv_strict(cut, "iom_mmp")


def test_windows_1252_is_read_as_the_same_text(tmp_path: Path, mmp_fixture) -> None:  # noqa: ANN001
    """A copy re-saved by Excel (Windows-1252, CRLF) reads as the same text as the UTF-8 original."""
    text = mmp_fixture("portal_2026.csv").read_text(encoding="utf-8")
    assert any(ord(c) > 127 for c in text)
    resaved = tmp_path / "resaved.csv"
    resaved.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    original = read_csv_strict(mmp_fixture("portal_2026.csv"), "iom_mmp")
    frame = read_csv_strict(resaved, "iom_mmp")
    assert frame.attrs["encoding"] == "windows-1252" and original.attrs["encoding"] == "utf-8"
    assert frame.drop(columns="_source_row").equals(original.drop(columns="_source_row"))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "Город,Число\nRoma,12\nМосква,5\nСанкт-Петербург,3\n".encode("cp1251"),
            "not UTF-8 or Windows-1252 text .*it looks like",
        ),
        ("a,b\n1,2\n".encode("utf-16"), "NUL bytes"),
        (b"a,b\n1,\x81\x8d\n", "not UTF-8 or Windows-1252 text \\(byte 0x81"),
    ],
    ids=["cyrillic", "utf-16", "undefined-in-1252"],
)
def test_text_in_other_encodings_is_refused(tmp_path: Path, content: bytes, expected: str) -> None:
    other = tmp_path / "other.csv"
    other.write_bytes(content)
    with pytest.raises(SourceFormatError, match=expected):
        read_csv_strict(other, "iom_mmp")


def test_bom_and_crlf_are_read(tmp_path: Path, mmp_fixture) -> None:  # noqa: ANN001
    text = mmp_fixture("portal_2020.csv").read_text(encoding="utf-8")
    variant = tmp_path / "bom.csv"
    variant.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    frame = read_csv_strict(variant, "iom_mmp")
    assert list(frame.columns)[0] == "Web ID"
    assert len(frame) == 5


def test_xlsx_that_is_not_a_zip(tmp_path: Path) -> None:
    from pipelines.lib.tabular import read_xlsx_strict

    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(SourceFormatError, match="fake.xlsx: is not a valid xlsx"):
        read_xlsx_strict(fake, "iom_mmp")


@pytest.mark.parametrize(
    ("cell", "accepted"),
    [(" 3 ", False), ("\u00a03", False), ("  ", False), ("\t3", False), ("٣", False), ("1" * 19, False),
     ("9" * 18, True), ("1,022", True), ("-4", True)],
)  # fmt: skip
def test_a_count_passes_the_check_only_if_staging_parses_it(
    paths, mmp_fixture, tmp_path, cell: str, accepted: bool
) -> None:  # noqa: ANN001
    """A count is read as written (pipelines/lib/counts.py): ASCII digits, the old portal files' thousands
    separator and a minus sign (set null by staging) pass, and staging reads exactly that number; padding,
    spaces alone, a tab or other digits are refused, never trimmed away or turned into an unknown count."""
    import csv

    import duckdb

    rows = list(csv.reader(mmp_fixture("export_2025.csv").open(newline="", encoding="utf-8")))
    column = rows[0].index("Number of Dead")
    assert rows[1][column] == "3"
    rows[1][column] = cell
    edited = tmp_path / "edited.csv"
    with edited.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    snapshot = land_mmp(paths, edited)
    if not accepted:
        with pytest.raises(SourceFormatError) as error:
            _validated(snapshot)
        assert (
            error.value.row == 2 and error.value.column == "Number of Dead" and repr(cell) in str(error.value)
        )
        return
    assert _validated(snapshot)["Number of Dead"] > 0
    con = duckdb.connect()
    read.load_snapshot(con, snapshot, "raw_incidents")
    con.execute((Path(read.__file__).parents[3] / "sql" / "macros.sql").read_text())
    parsed = con.execute(
        'select parse_count("Number of Dead") from raw_incidents where _source_row = 2'
    ).fetchall()
    assert parsed == [(int(cell.replace(",", "")),)]


@pytest.mark.parametrize(
    ("month", "accepted"), [("sep", True), ("SEPT", True), ("ſep", False), ("Sepember", True)]
)
def test_a_month_passes_the_check_only_if_staging_reads_it(
    paths, mmp_fixture, tmp_path, month: str, accepted: bool
) -> None:  # noqa: ANN001
    """'ſep' (long s) matches a case-insensitive 'sep' but staging's lower() does not make it 'sep': refused."""
    import csv

    rows = list(csv.reader(mmp_fixture("export_2025.csv").open(newline="", encoding="utf-8")))
    column = rows[0].index("Month")
    rows[1][column] = month
    edited = tmp_path / "edited.csv"
    with edited.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    snapshot = land_mmp(paths, edited)
    if accepted:
        assert _validated(snapshot)["Month"] > 0
    else:
        with pytest.raises(SourceFormatError, match="not an English month name") as error:
            _validated(snapshot)
        assert error.value.row == 2 and error.value.column == "Month"
