"""Dates a file states about itself."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path


def xlsx_created(path: Path) -> tuple[dt.date | None, str | None]:
    """The workbook's own creation date (docProps/core.xml, dcterms:created), when it has one."""
    try:
        with zipfile.ZipFile(path) as book:
            core = book.read("docProps/core.xml")[:65536].decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None, None
    match = re.search(r"<dcterms:created[^>]*>(\d{4}-\d{2}-\d{2})", core)
    if not match:
        return None, None
    return dt.date.fromisoformat(match.group(1)), "xlsx docProps/core.xml dcterms:created"


def date_in_name(name: str) -> dt.date | None:
    """A YYYY-MM-DD date in a download's file name (portal downloads stamp the download time)."""
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", name)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
