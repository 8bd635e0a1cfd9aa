"""UNODC Global Report on Trafficking in Persons (GLOTIP) country data: publisher, licence, download address,
and the release date the workbook states in its second row.

The access date is never read from a file name: copies circulate under names carrying the release date
(data_glotip_2025-04-14.xlsx), which the workbook states itself and which becomes the publication date.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pipelines.lib.sources import SourceInfo

NAME = "unodc_glotip"
SHEET = "data_glotip_1"
HEADER_ROW = 3
RELEASE_ROW = 2
RELEASE_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def release_date(path: Path) -> tuple[dt.date | None, str | None]:
    """The release date UNODC writes in row 2 of the sheet (`14/04/2025`, day first), when there is one. A
    workbook that cannot be read raises (`SourceFormatError`): the caller marks it rejected with the reason,
    never takes it for an undated release."""
    from pipelines.lib.tabular import SourceFormatError, xlsx_problem
    from pipelines.lib.xlsx_child import SheetReadError, read_sheet

    problem = xlsx_problem(path)
    if problem:
        raise SourceFormatError(NAME, path.name, problem)
    try:
        names, sheet, rows = read_sheet(path, SHEET, nrows=RELEASE_ROW)
        if rows is None and names:
            names, sheet, rows = read_sheet(path, names[0], nrows=RELEASE_ROW)
    except SheetReadError as exc:
        raise SourceFormatError(NAME, path.name, f"{exc} (reading its release date)") from None
    if not rows or len(rows) < RELEASE_ROW or not rows[RELEASE_ROW - 1]:
        return None, None
    cell = rows[RELEASE_ROW - 1][0]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):  # a date cell (as text: ISO)
        return dt.date.fromisoformat(cell), f"release date in row {RELEASE_ROW} of sheet {sheet}"
    match = RELEASE_DATE.fullmatch(cell.strip())
    if not match:
        return None, None
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day), f"release date in row {RELEASE_ROW} of sheet {sheet}"
    except ValueError:
        return None, None


SOURCE = SourceInfo(
    name=NAME,
    producer="United Nations Office on Drugs and Crime (UNODC)",
    title="Global Report on Trafficking in Persons (GLOTIP): country data (data_glotip.xlsx)",
    landing_page_url="https://dataunodc.un.org/dp-trafficking-persons",
    download_url="https://dataunodc.un.org/sites/dataunodc.un.org/files/data_glotip.xlsx",
    licence=(
        "United Nations terms of use of dataUNODC (the file states no licence of its own): reuse with attribution "
        "to UNODC; see https://dataunodc.un.org"
    ),
    citation="UNODC, Global Report on Trafficking in Persons: country data, https://dataunodc.un.org/dp-trafficking-persons",
    media_types=("xlsx",),
    published_from_file=release_date,
)
