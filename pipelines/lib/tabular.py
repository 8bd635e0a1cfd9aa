"""Strict readers for publisher files: every cell as text, every row numbered as the publisher's file numbers it.

Errors name the source, the file and the row, so a user can open the file at the right place.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

ROW_COLUMN = "_source_row"
ADDED_COLUMNS = frozenset({ROW_COLUMN, "_source_file"})  # what the readers and raw assets add to every row
MAX_XLSX_UNCOMPRESSED = 1_000_000_000  # bytes; a larger workbook is refused as a possible zip bomb
# What a sheet may declare or hold before the xlsx library is given it (the largest real sheet, GLOTIP's, has
# 58,772 rows of 13 columns). The library allocates the whole rectangle from A1 to the last cell (and reserves
# what the sheet's <dimension> declares), so one cell at XFD1048576 in a 17 KB file asks for 17 billion cells.
MAX_XLSX_ROWS = 1_048_576  # Excel's own limit
MAX_XLSX_COLUMNS = 2_000
MAX_XLSX_CELLS = 30_000_000  # of the rectangle from A1 to the last row and column
MAX_XLSX_STRINGS = 30_000_000  # entries of the shared-strings table


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
        self.message = message

    def __reduce__(self) -> tuple:  # rebuilt from its parts (a build's helper process sends it back)
        return (type(self), (self.source, self.file, self.message, self.row, self.column), self.__dict__)


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
    """The line on which each record after the header starts, or None when the file is not plain RFC 4180
    (see `_scan_records`)."""
    found = _scan_records(_chunks_at_feeds(body))
    return None if found is None else found.tolist()


def _chunks_at_feeds(body: bytes, size: int = 1 << 24) -> Iterator[memoryview]:
    """`body` in pieces of about `size` bytes, each ending just after a line feed (the last one: at the end)."""
    view, start = memoryview(body), 0
    while start < len(body):
        end = len(body) if start + size >= len(body) else body.rfind(b"\n", start, start + size) + 1
        if end <= start:  # a line longer than `size`
            found = body.find(b"\n", start + size)
            end = len(body) if found < 0 else found + 1
        yield view[start:end]
        start = end


def _file_chunks(path: Path, size: int = 1 << 24) -> Iterator[bytes]:
    """The file in pieces of about `size` bytes, each ending just after a line feed (the last one: at the end),
    so a large file is scanned without being held in memory whole."""
    carry = b""
    with open(path, "rb") as handle:
        while block := handle.read(size):
            data = carry + block
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                carry = data
                continue
            carry = data[cut:]
            yield data[:cut]
    if carry:
        yield carry


def _scan_records(chunks: Iterable[bytes | memoryview], fields: int | None = None) -> object | None:
    """The line on which each record after the header starts (a numpy array), from the positions of quotes and
    line feeds alone: a line feed after an even number of quotes ends a record. None when the quoting is
    anything but plain RFC 4180 (a quote opening mid-field, text after a closing quote, a value left open) or
    there are blank lines: those files go to the line-by-line reader. Vectorised, piece by piece: each piece
    ends just after a line feed, so no quote's neighbours lie in another piece and only the count of quotes
    and of line feeds so far, and the last record end, carry over. With `fields`, also None unless every record
    (the header included) has exactly that many fields, counted as the commas outside quotes."""
    import numpy as np

    parity = 0  # quotes seen before the piece, modulo 2: 1 when it starts inside a quoted value
    feeds_before, offset, last_end, open_commas = 0, 0, -1, 0
    found: list[object] = []
    ends_with_feed = False
    for chunk in chunks:
        data = np.frombuffer(chunk, dtype=np.uint8)
        if not len(data):
            continue
        quotes, feeds = _positions(data, 34), _positions(data, 10)
        if len(quotes):
            opening, closing = (quotes[0::2], quotes[1::2]) if parity == 0 else (quotes[1::2], quotes[0::2])
            before = data[np.maximum(opening - 1, 0)]
            starts_field = (opening == 0) | (before == 44) | (before == 10)  # at 0: after a line feed
            escaped = np.zeros(len(opening), dtype=bool)  # "" inside a quoted value
            if parity == 0:
                escaped[1:] = opening[1:] == closing[: len(opening) - 1] + 1
            else:
                escaped = opening == closing[: len(opening)] + 1
            if not (starts_field | escaped).all():
                return None
            after = data[np.minimum(closing + 1, len(data) - 1)]
            at_end = closing + 1 >= len(data)  # only in the last piece: the others end with a line feed
            if not (at_end | (after == 44) | (after == 13) | (after == 10) | (after == 34)).all():
                return None
        inside = (np.searchsorted(quotes, feeds) + parity) % 2 == 1
        ends = np.flatnonzero(~inside)  # indexes (into `feeds`) of the line feeds that end a record
        if fields is not None:
            # commas per record, less those inside quoted values (each counted between its quotes)
            commas = _positions(data, 44)
            bounds_here = feeds[ends]
            marks = np.searchsorted(commas, np.concatenate([bounds_here, [len(data)]]))
            per_record = np.diff(np.concatenate([[0], marks])).astype(np.int64)
            # quoted values as [first, last) offsets: one already open at the piece's start begins at 0
            starts_q = np.concatenate([[0], quotes[1::2]]) if parity else quotes[0::2]
            ends_q = quotes[0::2] if parity else quotes[1::2]
            if len(starts_q) > len(ends_q):
                ends_q = np.concatenate([ends_q, [len(data)]])  # a value still open at the piece's end
            quoted_commas = np.searchsorted(commas, ends_q) - np.searchsorted(commas, starts_q)
            owner = np.searchsorted(bounds_here, starts_q)
            per_record -= np.bincount(owner, weights=quoted_commas, minlength=len(per_record)).astype(
                np.int64
            )
            per_record[0] += open_commas  # the record that began in an earlier piece
            if (per_record[: len(ends)] != fields - 1).any():
                return None  # a record with another number of fields (DuckDB would drop trailing empty ones)
            open_commas = int(per_record[len(ends)])
        parity = (parity + len(quotes)) % 2
        if len(ends):
            bounds = feeds[ends].astype(np.int64) + offset
            previous = np.concatenate([[last_end], bounds[:-1]]) if last_end >= 0 else None
            if previous is not None or len(bounds) > 1:
                tails, heads = (bounds, previous) if previous is not None else (bounds[1:], bounds[:-1])
                gaps = tails - heads
                carriage = data[np.maximum(tails - 1 - offset, 0)] == 13
                if ((gaps == 1) | ((gaps == 2) & carriage)).any():
                    return None  # a blank line: the line-by-line reader skips it
            last_end = int(bounds[-1])
            found.append(ends.astype(np.int64) + feeds_before + 2)
        feeds_before += len(feeds)
        offset += len(data)
        ends_with_feed = data[-1] == 10
    if parity or not found:
        return None  # a quoted value still open at the end of the file, or no line end at all
    if fields is not None and not ends_with_feed and open_commas != fields - 1:
        return None  # the last record, without a line end, has another number of fields
    lines = np.concatenate(found)
    return lines[:-1] if ends_with_feed else lines


def _plain_header(line: bytes) -> list[str] | None:
    """The header line's names, stripped, or None when the fast readers leave the file to the line-by-line reader:
    not UTF-8 or not one CSV record, one column (whose empty records that reader skips), or a name the readers
    add themselves (which it refuses naming the column)."""
    try:
        header = next(csv.reader([line.decode("utf-8").rstrip("\r\n")], strict=True))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    header = [h.strip() for h in header]
    return None if len(header) < 2 or ADDED_COLUMNS & set(header) else header


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
    header = _plain_header(body.split(b"\n", 1)[0])
    if header is None or starts[0] != 2:
        return None  # see _plain_header, or a header across lines
    names = [f"c{i}" for i in range(len(header))]
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
    frame.columns = header
    frame[ROW_COLUMN] = pd.array(starts, dtype="int64")
    return frame


def load_csv(
    con: object,
    table: str,
    path: Path,
    source_file: str,
    check_header: Callable[[list[str]], object] | None = None,
) -> tuple[list[str], int] | None:
    """Loads a plain RFC 4180 CSV straight into the DuckDB table `table`, every cell as text (empty cells as
    ''), with `_source_row` (the file line where each record starts, from `_scan_records`) and `_source_file`:
    the table `read_csv_strict` would give, without a copy of the file or a frame in memory. Returns (header,
    rows), or None for anything else (a carriage return or BOM, quoting `_scan_records` leaves alone, anything
    DuckDB's strict reader refuses, a record count that differs from the scan): the caller then reads the file
    with `read_csv_strict`, which reads it or refuses it naming the row. `table` is left as it was on None.
    `check_header` sees the header before anything is loaded, and may raise to refuse the file. Each record
    must have the header's number of fields (DuckDB's reader drops trailing empty fields: `1,2,3,` under a
    three-column header would otherwise load)."""
    import duckdb
    import numpy as np
    import pyarrow as pa

    from pipelines.lib.sql import identifier, literal

    with open(path, "rb") as handle:
        first = handle.readline()
    header = None if first.startswith(b"\xef\xbb\xbf") else _plain_header(first)
    if header is None:
        return None  # a BOM (the other readers' business), or see _plain_header
    folded = [h.lower() for h in header]  # DuckDB's column names ignore case
    if len(set(folded)) != len(folded) or ADDED_COLUMNS & set(folded) or any("\x00" in h for h in header):
        return None  # names DuckDB would change
    ordered = con.execute("select current_setting('preserve_insertion_order')").fetchall()[0][0]
    if str(ordered).lower() not in {"true", "1"}:
        return None  # rows would not keep the file's order, so their line numbers could not be joined on
    if check_header is not None:
        check_header(header)
    carriage_return = False

    def pieces() -> Iterator[bytes]:
        nonlocal carriage_return
        for piece in _file_chunks(path):
            if b"\r" in piece:
                carriage_return = True
                return
            yield piece

    starts = _scan_records(pieces(), fields=len(header))
    if carriage_return or starts is None or not len(starts) or starts[0] != 2:
        return None  # a carriage return (CRLF: the other readers' business; publishers' large exports have
        # none), quoting left to the line-by-line reader, no data row, or a header across lines
    names = [f"c{i}" for i in range(len(header))]
    columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
    cells = ", ".join(f"coalesce(c{i}, '') as {identifier(h)}" for i, h in enumerate(header))

    schema, _, name = table.rpartition(".")
    loading = f"{schema + '.' if schema else ''}{name}__loading"
    con.register("csv_record_lines", pa.table({"ordinal": np.arange(len(starts)), ROW_COLUMN: starts}))
    swapping = False
    try:
        # Loaded under another name first: `table` is replaced only once the load is complete and checked.
        # DuckDB keeps the file's record order (preserve_insertion_order), so a committed row's rowid is its
        # ordinal in the file (inside the creating transaction row ids are not yet numbered from 0).
        con.execute(
            f"create or replace table {loading} as select {cells}, null::bigint as {ROW_COLUMN}, "
            f"{literal(source_file)} as _source_file from read_csv({literal(str(path))}, columns = {columns}, "
            "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', new_line = '\\n', "
            "strict_mode = true, allow_quoted_nulls = false)"
        )
        con.execute(
            f"update {loading} set {ROW_COLUMN} = lines.{ROW_COLUMN} from csv_record_lines as lines "
            f"where lines.ordinal = {loading}.rowid"
        )
        counts = con.execute(f"select count(*), count({ROW_COLUMN}) from {loading}").fetchall()[0]
        if set(counts) != {len(starts)}:
            return None
        con.execute("begin")
        swapping = True
        con.execute(f"drop table if exists {table}")
        con.execute(f"alter table {loading} rename to {name}")
        con.execute("commit")
        swapping = False
    except duckdb.Error:
        return None  # anything DuckDB refuses, or a transaction already open: left to the strict reader
    finally:
        con.unregister("csv_record_lines")
        if swapping:  # the swap failed half-way: undo it (never a transaction this function did not open)
            with contextlib.suppress(duckdb.Error):
                con.execute("rollback")
        with contextlib.suppress(duckdb.Error):
            con.execute(f"drop table if exists {loading}")
    return header, len(starts)


# Single-byte encodings charset detection may name for Windows-1252 text (they share its letters): a file whose
# best guess is anything else (Cyrillic, Greek, Arabic, Hebrew, East Asian) is refused, never read as mojibake.
LATIN_GUESSES = re.compile(
    r"(cp125[027]|cp8(50|52|58)|cp775|latin_1|iso8859_([1-49]|1[0-6])|mac_(roman|latin2|iceland)|hp_roman8|ascii|utf_8)$"
)


def decode_text(raw: bytes, source: str, name: str) -> tuple[str, str]:
    """(text, encoding) of a CSV file: UTF-8 with or without a BOM, else Windows-1252 (what Excel writes when it
    re-saves a CSV). Anything else is refused naming the first byte that is not UTF-8 and what the file looks
    like: NUL bytes (UTF-16, binary), bytes Windows-1252 does not define, or text in another script."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise SourceFormatError(
            source, name, "holds NUL bytes (UTF-16 text or binary?): not UTF-8 or Windows-1252 text", row=line
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first, line = raw[exc.start], raw[: exc.start].count(b"\n") + 1
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        guess = None
    else:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        guess = best.encoding if best is not None else None
        if guess is None or LATIN_GUESSES.match(guess):
            return text, "windows-1252"
    looks = f"; it looks like {guess}" if guess else ""
    raise SourceFormatError(
        source, name, f"not UTF-8 or Windows-1252 text (byte 0x{first:02x}{looks})", row=line
    )


def read_csv_strict(path: Path, source: str, display_name: str | None = None) -> pd.DataFrame:
    """Reads a CSV file (UTF-8 with or without BOM, or Windows-1252: `decode_text`; CRLF allowed) as text.
    `_source_row` is the file line where each record starts; `frame.attrs["encoding"]` the encoding read.

    Files with plain RFC 4180 quoting are parsed by pyarrow (`_fast_records`); the rest, and every file pyarrow
    refuses, line by line with Python's csv module, which names the row of any problem."""
    name = display_name or path.name
    raw = path.read_bytes()
    text, encoding = decode_text(raw, source, name)
    fast = _fast_records(raw if encoding == "utf-8" else text.encode("utf-8"))
    if fast is not None:
        fast.attrs["encoding"] = encoding
        return fast
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
    for column in header:
        if column in ADDED_COLUMNS:
            raise SourceFormatError(
                source,
                name,
                "has a column with a name this pipeline gives its own columns",
                row=1,
                column=column,
            )
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    frame[ROW_COLUMN] = pd.array(starts, dtype="int64")
    frame.attrs["encoding"] = encoding
    return frame


def xlsx_problem(path: Path, limit: int | None = None) -> str | None:
    """Why `path` cannot be opened safely as an xlsx workbook, or None: not a zip or truncated, expanding to more
    than `limit` bytes (a zip bomb; read from the zip directory before anything is decompressed), or a sheet
    whose declared dimension, last row or column, row, cell or shared-string count exceeds the limits above
    (`sheet_bounds_problem`, read by streaming the sheet's XML, never by the xlsx library)."""
    limit = MAX_XLSX_UNCOMPRESSED if limit is None else limit
    try:
        with zipfile.ZipFile(path) as book:
            entries = book.infolist()
            total = sum(info.file_size for info in entries)
            if total > limit:
                return f"would expand to {total:,} bytes; refused (limit {limit:,}), a possible zip bomb"
            for info in entries:
                problem = sheet_bounds_problem(book, info)
                if problem:
                    return f"{problem}; refused before reading it (a malformed or hostile workbook)"
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError) as exc:
        return f"is not a valid xlsx workbook (not a readable zip archive: {exc}); truncated?"
    return None


_DIMENSION = re.compile(rb'dimension\s+ref="([A-Z]{1,3})?([0-9]{1,9})?(?::([A-Z]{1,3})([0-9]{1,9}))?"')
# a cell beyond column Z or beyond row 99,999 (rare: cheap to collect in one pass)
_FAR_CELL = re.compile(rb'r="(?:([A-Z]{2,})[0-9]|[A-Z]([0-9]{6,})")')
_ANY_CELL = re.compile(rb'r="[A-Z]+([0-9]+)"')
NEAR_ROWS = 99_999  # the last row of a sheet in which _FAR_ROW finds nothing is at most this
MAIN_NAMESPACES = (
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
)


def column_number(letters: bytes | str) -> int:
    """'A' = 1, 'Z' = 26, 'AA' = 27, 'XFD' = 16384."""
    number = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(letter) - 64
    return number


def _xml_pieces(book: zipfile.ZipFile, info: zipfile.ZipInfo, size: int = 1 << 22) -> Iterator[bytes]:
    """The entry's XML decompressed piece by piece, each piece ending at a '>' (no tag is split)."""
    carry = b""
    with book.open(info) as handle:
        while block := handle.read(size):
            data = carry + block
            cut = data.rfind(b">") + 1
            carry, data = data[cut:], data[:cut]
            if data:
                yield data
    if carry:
        yield carry


def sheet_bounds_problem(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """Why one entry of a workbook is too large to hand to the xlsx library, or None. Worksheets: the declared
    dimension, the last row number, the widest column, the rows and the cells; the shared-strings table: its
    entries. One streaming pass over the decompressed XML with byte searches (a tenth of a second for GLOTIP's
    27 MB sheet); nothing is held but a piece at a time."""
    name = info.filename
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return _worksheet_problem(book, info)
    if name == "xl/sharedStrings.xml":
        strings = sum(piece.count(b"<si>") + piece.count(b"<si ") for piece in _xml_pieces(book, info))
        if strings > MAX_XLSX_STRINGS:
            return f"its shared-strings table holds {strings:,} entries (limit {MAX_XLSX_STRINGS:,})"
    return None


def _worksheet_problem(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    sheet = info.filename.rsplit("/", 1)[-1]
    rows = cells = referenced = far_row = last_column = 0
    tags = [b""]
    for index, piece in enumerate(_xml_pieces(book, info)):
        if index == 0:  # prefixes bound to the sheet's namespace (<x:c ...>)
            declared = re.findall(rb'xmlns:(\w+)="([^"]*)"', piece[:4096])
            tags += [prefix + b":" for prefix, uri in declared if uri in MAIN_NAMESPACES]
        if b"dimension" in piece:
            for match in _DIMENSION.finditer(piece):
                column, row = match.group(3) or match.group(1), match.group(4) or match.group(2)
                declared = (int(row) if row else 1, column_number(column) if column else 1)
                ref = match.group(0).split(b'"')[1]
                problem = _area_problem(sheet, "declares its dimension as", ref, *declared)
                if problem:
                    return problem
        for tag in tags:
            rows += piece.count(b"<" + tag + b"row ") + piece.count(b"<" + tag + b"row>")
            cells += sum(piece.count(b"<" + tag + b"c" + end) for end in (b" ", b">", b"/>"))
            referenced += piece.count(b"<" + tag + b'c r="')
        for match in _FAR_CELL.finditer(piece):
            column, row = match.groups()
            if column:  # the row number of a wide cell: read it whole
                end = piece.find(b'"', match.end())
                row = piece[match.end() - 1 : end] if end > 0 else b""
                row = row if row.isdigit() else b"0"
                last_column = max(last_column, column_number(column))
            far_row = max(far_row, int(row)) if len(row) > 5 else far_row
        if cells > MAX_XLSX_CELLS or rows > MAX_XLSX_ROWS:
            return f"sheet {sheet} holds more than {MAX_XLSX_ROWS:,} rows or {MAX_XLSX_CELLS:,} cells"
    if cells != referenced:
        return (
            f'sheet {sheet} has {cells - referenced:,} cell(s) without a leading reference (<c r="A1" ...>), '
            "so its size cannot be checked before reading"
        )
    columns = last_column or (26 if cells else 0)
    last_row = far_row or min(NEAR_ROWS, max(rows, 1))
    if not far_row and _area_problem(sheet, "", "", last_row, columns):  # the estimate is too coarse: count
        last_row = max(
            (int(n) for piece in _xml_pieces(book, info) for n in _ANY_CELL.findall(piece)), default=0
        )
    last_row = max(last_row, rows)
    return _area_problem(sheet, "has cells up to", f"row {last_row:,}, column {columns:,}", last_row, columns)


def _area_problem(sheet: str, what: str, written: bytes | str, rows: int, columns: int) -> str | None:
    shown = written.decode("utf-8", "replace") if isinstance(written, bytes) else written
    if rows > MAX_XLSX_ROWS:
        return f"sheet {sheet} {what} {shown}: row {rows:,} (limit {MAX_XLSX_ROWS:,})"
    if columns > MAX_XLSX_COLUMNS:
        return f"sheet {sheet} {what} {shown}: column {columns:,} (limit {MAX_XLSX_COLUMNS:,})"
    if rows * columns > MAX_XLSX_CELLS:
        return (
            f"sheet {sheet} {what} {shown}: {rows:,} rows by {columns:,} columns is {rows * columns:,} cells "
            f"(limit {MAX_XLSX_CELLS:,})"
        )
    return None


def read_xlsx_strict(
    path: Path, source: str, sheet: str | None = None, header_row: int = 1, display_name: str | None = None
) -> tuple[pd.DataFrame, list[list[str]]]:
    """Reads one sheet as text with python-calamine. Returns the frame and the banner rows above the header.

    `_source_row` is the spreadsheet row number (1-based, as Excel shows it).
    """
    name = display_name or path.name
    problem = xlsx_problem(path)
    if problem:
        raise SourceFormatError(source, name, problem)
    return _read_sheet(path, source, sheet, header_row, name)


def _read_sheet(
    path: Path, source: str, sheet: str | None, header_row: int, name: str
) -> tuple[pd.DataFrame, list[list[str]]]:
    """The sheet read in a child process (`xlsx_child.read_sheet`: an abort of the xlsx library there is a
    refusal here), every cell as text."""
    from pipelines.lib.xlsx_child import SheetReadError, read_sheet

    try:
        sheet_names, sheet_name, values = read_sheet(path, sheet)
    except SheetReadError as exc:
        raise SourceFormatError(source, name, str(exc)) from None
    if values is None:
        raise SourceFormatError(source, name, f"has no sheet {sheet_name!r} (sheets: {sheet_names})")
    if len(values) < header_row:
        raise SourceFormatError(source, name, f"has no header row {header_row}")
    banner = values[: header_row - 1]
    header = [v.strip() for v in values[header_row - 1]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    rows, numbers = [], []
    for offset, cells in enumerate(values[header_row:], start=header_row + 1):
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
