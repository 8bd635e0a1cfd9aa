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
    """The release date UNODC writes in row 2 of the sheet (`14/04/2025`, day first), when there is one."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = SHEET if SHEET in workbook.sheet_names else workbook.sheet_names[0]
        rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=RELEASE_ROW)
    except Exception:  # a corrupt workbook is refused by the reader, naming the problem
        return None, None
    if len(rows) < RELEASE_ROW or not rows[RELEASE_ROW - 1]:
        return None, None
    cell = rows[RELEASE_ROW - 1][0]
    if isinstance(cell, dt.datetime):
        return cell.date(), f"release date in row {RELEASE_ROW} of sheet {sheet}"
    if isinstance(cell, dt.date):
        return cell, f"release date in row {RELEASE_ROW} of sheet {sheet}"
    match = RELEASE_DATE.fullmatch(str(cell).strip())
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
