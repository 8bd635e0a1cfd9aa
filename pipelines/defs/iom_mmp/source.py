"""IOM Missing Migrants Project: who publishes it, under which licence, and where it is downloaded."""

from __future__ import annotations

from pipelines.lib.file_dates import date_in_name, xlsx_created
from pipelines.lib.sources import SourceInfo

SOURCE = SourceInfo(
    name="iom_mmp",
    producer="International Organization for Migration (IOM), Missing Migrants Project",
    title="Missing Migrants Project: incidents of migrant deaths and disappearances (all data)",
    landing_page_url="https://missingmigrants.iom.int/downloads",
    download_url=(
        "https://missingmigrants.iom.int/sites/g/files/tmzbdl601/files/report-migrant-incident/"
        "Missing_Migrants_Global_Figures_allData.csv"
    ),
    licence="CC BY-IGO 3.0 (Creative Commons Attribution for Intergovernmental Organisations)",
    citation="IOM Missing Migrants Project, https://missingmigrants.iom.int",
    media_types=("csv", "xlsx"),
    published_from_file=xlsx_created,
    accessed_from_name=date_in_name,
)
