"""Hostile variants of a workbook, made at test time: its sheet XML rewritten inside the zip."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

SHEET = "xl/worksheets/sheet1.xml"


def with_sheet_xml(data: bytes, change: Callable[[str], str], entry: str = SHEET) -> bytes:
    """`data` (an xlsx) with the XML of `entry` replaced by `change(xml)`; every other entry as it was."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == entry:
                content = change(content.decode("utf-8")).encode("utf-8")
            book.writestr(info, content)
    return out.getvalue()


def declared_dimension(data: bytes, ref: str = "A1:XFD1048576") -> bytes:
    """The sheet declares `ref` as its dimension (a few bytes: the reader may reserve the whole area)."""
    return with_sheet_xml(
        data, lambda xml: xml.replace("<sheetData>", f'<dimension ref="{ref}"/><sheetData>', 1)
    )


def far_cell(data: bytes, ref: str = "XFD1048576") -> bytes:
    """One more cell, at `ref` (the reader allocates the rectangle from A1 to it)."""
    row = "".join(c for c in ref if c.isdigit())
    return with_sheet_xml(
        data,
        lambda xml: xml.replace(
            "</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'
        ),
    )
