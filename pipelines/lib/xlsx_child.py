"""Reads one sheet of a workbook in a child process, so that whatever the xlsx library does on a hostile file
(a native abort on an allocation it cannot make, a crash, a runaway) ends that process, not the build: the
caller (`read_sheet`) turns it into a refusal naming the file. The child runs under an address-space limit,
so a workbook that would need more memory fails there instead of exhausting the machine.

The child prints a pickle of ("ok", sheet names, sheet name, rows as text) or ("error", message) on stdout.
Only this module's own `main` writes that stream; the parent reads nothing else from it.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

MAX_READER_BYTES = 4 << 30  # address space of the child process that parses a workbook
READ_TIMEOUT_SECONDS = 600


class SheetReadError(Exception):
    """The workbook could not be read; the message says why, without the file's name (the caller adds it)."""


def cell_text(value: object) -> str:
    """A cell as text: numbers as written when whole ("12", never "12.0"), dates as ISO dates."""
    if value is None:
        return ""
    if value.__class__ is str:
        return value
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read(path: str, sheet: str | None, nrows: int | None) -> tuple:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(path)
        names = list(workbook.sheet_names)
        wanted = sheet or (names[0] if names else None)
        if wanted not in names:
            return ("ok", names, wanted, None)
        opened = workbook.get_sheet_by_name(wanted)
        values = (
            opened.to_python(skip_empty_area=False, nrows=nrows)
            if nrows
            else opened.to_python(skip_empty_area=False)
        )
    except BaseException as exc:  # noqa: BLE001 - calamine's errors, and a Rust panic (a BaseException)
        return ("error", f"cannot be read as xlsx ({type(exc).__name__}: {exc})")
    return ("ok", names, wanted, _packed([[cell_text(v) for v in row] for row in values]))


def _packed(rows: list[list[str]]) -> tuple[list[int], str] | list[list[str]]:
    """The rows as (their lengths, every cell joined by NUL): one string pickles and unpickles in a fraction of
    the time of 760,000 small ones. XML text holds no NUL, but an escaped `_x0000_` might: then as they are."""
    flat = "\x00".join(cell for row in rows for cell in row)
    widths = [len(row) for row in rows]
    if flat.count("\x00") != max(sum(widths) - 1, 0):
        return rows
    return widths, flat


def _unpacked(packed: tuple[list[int], str] | list[list[str]]) -> list[list[str]]:
    if isinstance(packed, list):
        return packed
    widths, flat = packed
    cells, rows, start = flat.split("\x00") if widths and sum(widths) else [], [], 0
    for width in widths:
        rows.append(cells[start : start + width])
        start += width
    return rows


def main() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MAX_READER_BYTES, MAX_READER_BYTES))
    path, sheet, nrows = sys.argv[1], sys.argv[2] or None, int(sys.argv[3]) or None
    try:
        result = _read(path, sheet, nrows)
    except MemoryError:
        result = ("error", f"needs more memory than the reader's limit of {MAX_READER_BYTES >> 30} GB")
    pickle.dump(result, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.flush()


def read_sheet(
    path: Path, sheet: str | None, nrows: int | None = None
) -> tuple[list[str], str | None, list | None]:
    """(sheet names, the sheet read (`sheet`, else the first), its rows as text or None when there is no such
    sheet), read in a child process; SheetReadError when the library fails, aborts or runs out of time."""
    command = [sys.executable, "-m", "pipelines.lib.xlsx_child", str(path), sheet or "", str(nrows or 0)]
    env = dict(os.environ, RUST_BACKTRACE="0")  # one line on stderr, not a Rust backtrace
    try:
        done = subprocess.run(
            command,
            env=env,
            capture_output=True,
            timeout=READ_TIMEOUT_SECONDS,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise SheetReadError(
            f"took longer than {READ_TIMEOUT_SECONDS} s to read; refused (a malformed or hostile workbook?)"
        ) from None
    if done.returncode != 0:
        if done.returncode < 0:
            how = f"was stopped by signal {signal.Signals(-done.returncode).name}"
        else:
            how = f"exited with status {done.returncode}"
        first = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[0][:300]
        raise SheetReadError(
            f"cannot be read as xlsx: the xlsx reader {how} (a malformed workbook, or one needing more than "
            f"{MAX_READER_BYTES >> 30} GB){': ' + first if first else ''}; refused"
        )
    try:
        result = pickle.loads(done.stdout)  # noqa: S301 - written by main() above, in the child we started
    except Exception:  # noqa: BLE001
        raise SheetReadError("cannot be read as xlsx: the xlsx reader gave no result; refused") from None
    if result[0] == "error":
        raise SheetReadError(result[1])
    _, names, chosen, rows = result
    return names, chosen, None if rows is None else _unpacked(rows)


if __name__ == "__main__":
    main()
