"""Strict readers for publisher files: every cell as text, every row numbered as the publisher's file numbers it.

Errors name the source, the file and the row, so a user can open the file at the right place.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

ROW_COLUMN = "_source_row"
MAX_XLSX_UNCOMPRESSED = 1_000_000_000  # bytes; a larger workbook is refused as a possible zip bomb


class SourceFormatError(Exception):
    """A publisher file that does not have the shape the pipeline was built for."""

    def __init__(
        self, source: str, file: str, message: str, row: int | None = None, column: str | None = None
    ):
        where = f"{source}: {file}"
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")
        self.source, self.file, self.row, self.column = source, file, row, column


def refuse_cells(
    source: str, frame: pd.DataFrame, bad: pd.Series, file: str, column: str, message: str
) -> None:
    """Raises naming the first cell flagged in `bad` (file row, column, value) and how many cells are like it."""
    if bad.any():
        first = bad.idxmax()
        raise SourceFormatError(
            source,
            file,
            f"value {frame.at[first, column]!r} {message} ({int(bad.sum())} such cell(s) in this column)",
            row=int(frame.at[first, ROW_COLUMN]),
            column=column,
        )


@contextmanager
def rejecting(snapshot: object) -> Iterator[None]:
    """Marks the snapshot rejected when its content has the wrong shape, so it is kept apart and never
    again taken as the source's newest good snapshot; the error still fails the build."""
    from pipelines.lib.raw_store import mark_rejected

    try:
        yield
    except SourceFormatError as exc:
        mark_rejected(snapshot, str(exc))
        raise SourceFormatError(
            exc.source,
            exc.file,
            f"{str(exc).split(': ', 2)[-1]} [snapshot marked rejected; the next build uses the "
            "previous good snapshot]",
            row=exc.row,
            column=exc.column,
        ) from None


def _positions(data: object, byte: int, chunk: int = 1 << 24) -> object:
    """Offsets of `byte` in `data`, found chunk by chunk (four times faster than at once on a large file: the
    comparison stays in the processor's cache)."""
    import numpy as np

    parts = [np.flatnonzero(data[i : i + chunk] == byte) + i for i in range(0, len(data), chunk)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)


def _record_start_lines(body: bytes) -> list[int] | None:
    """The line on which each record after the header starts, from the positions of quotes and line feeds alone
    (a line feed after an even number of quotes ends a record), or None when the quoting is anything but plain
    RFC 4180 (a quote opening mid-field, text after a closing quote) or there are blank lines: those files go
    to the line-by-line reader. Vectorised: a 650 MB file takes about a second."""
    import numpy as np

    data = np.frombuffer(body, dtype=np.uint8)
    quotes, feeds = _positions(data, 34), _positions(data, 10)
    if len(quotes):
        opening, closing = quotes[0::2], quotes[1::2]
        before = data[np.maximum(opening - 1, 0)]
        starts_field = (opening == 0) | (before == 44) | (before == 10)
        escaped = np.zeros(len(opening), dtype=bool)
        escaped[1:] = opening[1:] == closing[: len(opening) - 1] + 1  # "" inside a quoted value
        if not (starts_field | escaped).all():
            return None
        after = data[np.minimum(closing + 1, len(data) - 1)]
        at_end = closing + 1 >= len(data)
        if not (at_end | (after == 44) | (after == 13) | (after == 10) | (after == 34)).all():
            return None
        if len(quotes) % 2:
            return None  # a quoted value still open at the end of the file
    inside = np.searchsorted(quotes, feeds) % 2 == 1
    ends = np.flatnonzero(~inside)  # indexes (into `feeds`) of the line feeds that end a record
    if len(ends) == 0:
        return None
    bounds = feeds[ends]
    gaps = np.diff(bounds)
    if ((gaps == 1) | ((gaps == 2) & (data[bounds[1:] - 1] == 13))).any():
        return None  # a blank line: the line-by-line reader skips it
    return [int(i) + 2 for i in ends[: len(ends) - (1 if body.endswith(b"\n") else 0)]]


def _fast_records(raw: bytes) -> pd.DataFrame | None:
    """Plain RFC 4180 CSV (the publishers' files), parsed by pyarrow's C++ reader, with each record's first line found by
    `_record_start_lines`. Returns None for anything else, or anything pyarrow refuses (wrong field counts,
    invalid UTF-8), which the line-by-line reader then reads or refuses with its row-level message. Gives the
    same frame as that reader (tests/test_tabular_fast_csv.py compares them on every CSV at hand)."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return None  # a lone carriage return: the line-by-line reader counts it as a line end
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    starts = _record_start_lines(body)
    if not starts:
        return None
    try:
        first_end = body.index(b"\n") if b"\n" in body else len(body)
        header = next(csv.reader([body[:first_end].decode("utf-8").rstrip("\r")], strict=True))
        if len(header) < 2 or starts[0] != 2:
            return None  # one column (its empty records are skipped), or a header across lines
        names = [f"c{i}" for i in range(len(header))]
    except (UnicodeDecodeError, csv.Error, StopIteration, ValueError):
        return None
    table = None
    for use_threads in (True, False):
        try:
            table = pacsv.read_csv(
                pa.py_buffer(body),
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=use_threads),
                parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    null_values=[],
                ),
            )
            break
        except pa.ArrowInvalid:
            return None  # the file itself: the line-by-line reader names its row
        except pa.ArrowException:
            # pyarrow's threaded reader has, rarely and not reproducibly, lost a converted chunk ("a chunk failed
            # converting for an unknown reason"): read once more on one thread, then leave it to the strict reader
            continue
    if table is None:
        return None
    if table.num_rows != len(starts):
        return None
    frame = pd.DataFrame({i: pd.array(table.column(i), dtype="string") for i in range(len(header))})
    frame.columns = [h.strip() for h in header]
    frame[ROW_COLUMN] = pd.array(starts, dtype="int64")
    return frame


def read_csv_strict(path: Path, source: str, display_name: str | None = None) -> pd.DataFrame:
    """Reads a UTF-8 CSV (BOM and CRLF allowed) as text. `_source_row` is the file line where each record starts.

    Files with plain RFC 4180 quoting are parsed by pyarrow (`_fast_records`); the rest, and every file pyarrow
    refuses, line by line with Python's csv module, which names the row of any problem."""
    name = display_name or path.name
    raw = path.read_bytes()
    fast = _fast_records(raw)
    if fast is not None:
        return fast
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceFormatError(
            source, name, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", row=line
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    starts: list[int] = []
    try:
        header = next(reader)
        next_start = reader.line_num + 1
        for record in reader:
            start, next_start = next_start, reader.line_num + 1
            if not record or record == [""]:
                continue
            if len(record) != len(header):
                raise SourceFormatError(
                    source,
                    name,
                    f"has {len(record)} fields where the header has {len(header)} (truncated or malformed file)",
                    row=start,
                )
            rows.append(record)
            starts.append(start)
    except StopIteration:
        raise SourceFormatError(source, name, "is empty: no header row") from None
    except csv.Error as exc:
        raise SourceFormatError(
            source, name, f"malformed CSV ({exc}); the file may be truncated", row=next_start
        ) from None
    header = [h.strip() for h in header]
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    frame[ROW_COLUMN] = pd.array(starts, dtype="int64")
    return frame


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def xlsx_problem(path: Path, limit: int | None = None) -> str | None:
    """Why `path` cannot be opened safely as an xlsx workbook (not a zip, truncated, or expanding to more than
    `limit` bytes: a zip bomb), or None. Reads the zip directory only, never the compressed entries."""
    limit = MAX_XLSX_UNCOMPRESSED if limit is None else limit
    try:
        with zipfile.ZipFile(path) as book:
            total = sum(info.file_size for info in book.infolist())
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        return f"is not a valid xlsx workbook (not a readable zip archive: {exc}); truncated?"
    if total > limit:
        return f"would expand to {total:,} bytes; refused (limit {limit:,}), a possible zip bomb"
    return None


def read_xlsx_strict(
    path: Path, source: str, sheet: str | None = None, header_row: int = 1, display_name: str | None = None
) -> tuple[pd.DataFrame, list[list[str]]]:
    """Reads one sheet as text with python-calamine. Returns the frame and the banner rows above the header.

    `_source_row` is the spreadsheet row number (1-based, as Excel shows it).
    """
    from python_calamine import CalamineWorkbook

    name = display_name or path.name
    problem = xlsx_problem(path)
    if problem:
        raise SourceFormatError(source, name, problem)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet_name = sheet or workbook.sheet_names[0]
        if sheet_name not in workbook.sheet_names:
            raise SourceFormatError(
                source, name, f"has no sheet {sheet_name!r} (sheets: {workbook.sheet_names})"
            )
        values = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except SourceFormatError:
        raise
    except Exception as exc:  # calamine raises its own error types for corrupt workbooks
        raise SourceFormatError(
            source, name, f"cannot be read as xlsx ({type(exc).__name__}: {exc})"
        ) from None
    if len(values) < header_row:
        raise SourceFormatError(source, name, f"has no header row {header_row}")
    banner = [[_cell_text(v) for v in row] for row in values[: header_row - 1]]
    header = [_cell_text(v).strip() for v in values[header_row - 1]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    rows, numbers = [], []
    text = _cell_text
    for offset, row in enumerate(values[header_row:], start=header_row + 1):
        cells = [
            v if v.__class__ is str else "" if v is None else text(v) for v in row
        ]  # most are text or empty
        if len(cells) > width and any(cells[width:]):  # any non-empty text
            raise SourceFormatError(source, name, "has values beyond the last header column", row=offset)
        if len(cells) != width:
            cells = (cells + [""] * width)[:width]
        if not any(cells):  # an empty row
            continue
        rows.append(cells)
        numbers.append(offset)
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    frame[ROW_COLUMN] = pd.array(numbers, dtype="int64")
    return frame, banner
