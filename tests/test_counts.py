"""One rule for counts (pipelines/lib/counts.py), applied by every reader: the same table of bad numerals is fed
to each (Missing Migrants CSV through DuckDB and through the line-by-line reader, its xlsx, GLOTIP xlsx, the
ministry's two count columns, Eurostat SDMX-CSV, UNHCR JSON as strings and as JSON numbers), and each refuses
every one naming source, file, row or JSON path, and column or field."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from pipelines.lib.counts import CountFormat, JsonNumber, json_problem
from pipelines.lib.raw_store import Snapshot
from pipelines.lib.tabular import SourceFormatError
from pipelines.sample.unodc_glotip import xlsx_bytes
from tests.conftest import FIXTURES

# Not a count in any source. Each reader must refuse every one: never round, re-base, expand or trim it.
BAD_NUMERALS = [
    "1234.7",
    "0x2710",
    "1e4",
    "1E+04",
    "  ",
    " ",
    "\t",
    "1.234,5",
    "1.234",
    " 12",
    "12 ",
    "\u00a012",
    "+12",
    "١٢",
    "１２",
    "12a",
    "NaN",
    "inf",
    "1_000",
    "1 234",
    "1,23",
    "1,2345",
    "12,",
    "--1",
    "1-",
    "9" * 19,
    "True",
    "2019-01-01",
]
# Not a count where the source writes no thousands separator (all but Missing Migrants and GLOTIP) or no
# negative counts (all but Missing Migrants, whose staging sets them null, and UNHCR, whose check refuses them).
BAD_WITHOUT_SEPARATORS = ["1,234", "-4"]
WRITES = {"1,234": ("mmp", "glotip"), "-4": ("mmp", "unhcr")}


def _csv(rows: list[list[str]], newline: str = "\n") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _with_cell(path: Path, column: str, value: str, row: int = 1) -> list[list[str]]:
    rows = _rows(path)
    rows[row][rows[0].index(column)] = value
    return rows


def _snapshot(tmp_path: Path, name: str, content: bytes, media_type: str = "csv", **extra: str) -> Snapshot:
    file = tmp_path / name
    file.write_bytes(content)
    return Snapshot(file, {"media_type": media_type, **extra})


# ------------------------------------------------------------------------------------------------- readers
# Each takes (tmp_path, value) and reads a small real-layout file whose one count cell holds `value`, as the
# build does; it returns (error, where, column): the error must name the row (or path) and the column.


def _mmp(tmp_path: Path, value: str, name: str, to_bytes: Callable[[list[list[str]]], bytes]) -> tuple:
    from pipelines.defs.iom_mmp import read

    rows = _with_cell(FIXTURES / "iom_mmp" / "export_2025.csv", "Number of Dead", value)
    media = "xlsx" if name.endswith(".xlsx") else "csv"
    snapshot = _snapshot(tmp_path, name, to_bytes(rows), media)
    con = duckdb.connect()
    with pytest.raises(SourceFormatError) as error:
        layout, _ = read.load_snapshot(con, snapshot, "raw_incidents")
        read.validate_cells(con, "raw_incidents", layout, snapshot.name)
    return error.value, "row 2", "Number of Dead"


def mmp_csv(tmp_path: Path, value: str) -> tuple[Exception, str, str]:
    return _mmp(tmp_path, value, "mmp.csv", _csv)


def mmp_csv_crlf(tmp_path: Path, value: str) -> tuple[Exception, str, str]:
    """CRLF line ends: the line-by-line reader, not DuckDB's, loads the file."""
    return _mmp(tmp_path, value, "mmp.csv", lambda rows: _csv(rows, "\r\n"))


def mmp_xlsx(tmp_path: Path, value: str) -> tuple[Exception, str, str]:
    return _mmp(tmp_path, value, "mmp.xlsx", lambda rows: xlsx_bytes(rows, "Worksheet"))


def glotip_xlsx(tmp_path: Path, value: str) -> tuple[Exception, str, str]:
    from pipelines.defs.unodc_glotip import read

    rows: list[list[object]] = _rows(FIXTURES / "unodc_glotip" / "release_2025.csv")
    rows[3][rows[2].index("txtVALUE")] = value
    snapshot = _snapshot(tmp_path, "data_glotip.xlsx", xlsx_bytes(rows), "xlsx")
    with pytest.raises(SourceFormatError) as error:
        read.validate_cells(read.read_snapshot(snapshot), snapshot.name)
    return error.value, "row 4", "txtVALUE"


def _italy(entity: str, file: str) -> Callable[[Path, str], tuple[Exception, str, str]]:
    def reader(tmp_path: Path, value: str) -> tuple[Exception, str, str]:
        from pipelines.defs.italy_moi import read

        snapshot = _snapshot(tmp_path, file, _csv(_with_cell(FIXTURES / "italy_moi" / file, "Valore", value)))
        with pytest.raises(SourceFormatError) as error:
            read.validate_cells(read.read_snapshot(snapshot, entity), entity, snapshot.name)
        return error.value, "row 2", "Valore"

    reader.__name__ = f"italy_{entity}"
    return reader


def eurostat_csv(tmp_path: Path, value: str) -> tuple[Exception, str, str]:
    from pipelines.defs.eurostat_thb import read

    rows = _with_cell(FIXTURES / "eurostat_thb" / "crim_thb_vexp.csv", "OBS_VALUE", value)
    snapshot = _snapshot(tmp_path, "crim_thb_vexp.csv", _csv(rows))
    with pytest.raises(SourceFormatError) as error:
        frame, layout = read.read_snapshot(snapshot)
        read.validate_cells(frame, layout, "crim_thb_vexp", snapshot.name)
    return error.value, "row 2", "OBS_VALUE"


def _unhcr_address() -> str:
    from pipelines.defs.unhcr_odp import config

    return next(config.series_url(r) for r in config.series() if r["series"] == "italy_sea_monthly")


def _unhcr(tmp_path: Path, literal: str) -> tuple[Exception, str, str]:
    from pipelines.defs.unhcr_odp import read

    text = (FIXTURES / "unhcr_odp" / "italy_sea_monthly.json").read_text(encoding="utf-8")
    first = '"individuals":1000'
    assert first in text
    path = tmp_path / "italy.json"
    path.write_text(text.replace(first, f'"individuals":{literal}', 1), encoding="utf-8")
    with pytest.raises(SourceFormatError) as error:
        read.read_response(path, path.name, _unhcr_address())
    return error.value, "data.timeseries[0]", "individuals"


def unhcr_json_string(tmp_path: Path, value: str) -> tuple[Exception, str, str]:
    return _unhcr(tmp_path, json.dumps(value))


READERS = [
    mmp_csv,
    mmp_csv_crlf,
    mmp_xlsx,
    glotip_xlsx,
    _italy("daily_landings", "sbarchi-per-giorno.csv"),
    _italy("nationality_ytd", "nazionalita.csv"),
    eurostat_csv,
    unhcr_json_string,
]
SOURCES = {
    "mmp": "iom_mmp",
    "glotip": "unodc_glotip",
    "italy": "italy_moi",
    "eurostat": "eurostat_thb",
    "unhcr": "unhcr_odp",
}
CASES = [pytest.param(r, v, id=f"{r.__name__}-{v!r}") for r in READERS for v in BAD_NUMERALS]
CASES += [
    pytest.param(r, v, id=f"{r.__name__}-{v!r}")
    for r in READERS
    for v in BAD_WITHOUT_SEPARATORS
    if not r.__name__.startswith(WRITES[v])
]


@pytest.mark.parametrize(("reader", "value"), CASES)
def test_every_reader_refuses_every_bad_numeral(
    reader: Callable[[Path, str], tuple[Exception, str, str]], value: str, tmp_path: Path
) -> None:
    error, where, column = reader(tmp_path, value)
    message = str(error)
    source = SOURCES[reader.__name__.split("_")[0]]
    assert message.startswith(f"{source}: "), message
    assert where in message, message
    assert f"column {column!r}" in message or f".{column} is" in message, message
    assert repr(value) in message or value in message, message


# Numbers written with a fraction or an exponent, as JSON numbers (not strings).
JSON_NUMBERS = ["1234.7", "1e4", "1E+04", "1000.0", "-0.5", "NaN", "Infinity", "true", "[1]"]


@pytest.mark.parametrize("literal", JSON_NUMBERS)
def test_unhcr_refuses_json_numbers_that_are_not_whole(literal: str, tmp_path: Path) -> None:
    error, where, field = _unhcr(tmp_path, literal)
    assert f"{where}.{field} is" in str(error) and "not a whole number" in str(error), error


@pytest.mark.parametrize(
    ("fmt", "good"),
    [
        (CountFormat(), ["0", "7", "12", "007", "9" * 18]),
        (CountFormat(thousands=True, negative=True), ["1,022", "-4", "123,456,789", "12"]),
        (CountFormat(zero_fraction=True), ["12", "12.0", "12.000"]),
    ],
)
def test_counts_pass_and_parse_to_the_number_written(fmt: CountFormat, good: list[str]) -> None:
    for text in good:
        expected = int(text.split(".")[0].replace(",", ""))
        assert fmt.problem(text) is None and fmt.parse(text) == expected
    for text in BAD_NUMERALS:
        assert fmt.problem(text), text
        with pytest.raises(ValueError, match="is not a count"):
            fmt.parse(text)


def test_python_and_duckdb_read_the_pattern_alike() -> None:
    """The readers check counts in pandas (Python's re) and in DuckDB (RE2) with one pattern: both engines must
    accept exactly the same cells."""
    con = duckdb.connect()
    texts = BAD_NUMERALS + BAD_WITHOUT_SEPARATORS + ["12", "1,022", "12.0", "-4", "0"]
    for fmt in (CountFormat(), CountFormat(thousands=True, negative=True), CountFormat(zero_fraction=True)):
        in_sql = [
            not con.execute(f"select {fmt.bad_sql('$1')}", [t]).fetchall()[0][0] and t != "" for t in texts
        ]
        assert in_sql == [fmt.ok(t) for t in texts]


def test_json_values() -> None:
    fmt = CountFormat()
    assert (
        json_problem(None, fmt) is None and json_problem(12, fmt) is None and json_problem("12", fmt) is None
    )
    assert "negative" in json_problem(-1, fmt)
    assert "not a number" in json_problem(True, fmt)
    assert "fraction" in json_problem(JsonNumber("1234.7"), fmt)
    assert "exponent" in json_problem(JsonNumber("1e4"), fmt)
    assert json_problem(10**19, fmt)
