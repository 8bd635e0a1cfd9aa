"""Descriptions of the staging tables and their columns, written into the database as comments."""

SOURCE_COLUMNS = {
    "cleaning_notes": "Every cleaning decision taken on this row (empty when none)",
    "source_file": "Stored snapshot file (data/raw/italy_moi/) the row came from",
    "source_row": "Line of that CSV file the record starts on (the header is line 1)",
}

TABLES = {
    "stg_italy_moi__daily_landings": (
        "One row per record of the ministry's sbarchi-per-giorno.csv: a landing day as listed by one report "
        "(a day repeated by a later report keeps both rows; is_latest_report marks the one to use). "
        "Daily figures are provisional; year-to-date figures by nationality are the consolidated ones.",
        {
            "landing_date": "Day of the landings; null when the published date is impossible (e.g. 2024-04-31)",
            "landing_date_published": "The date as published (column Data)",
            "report_date": "Date of the ministry's report listing this day (column Data_Report)",
            "arrivals": "People landed that day; null for days after the report date, empty values and "
            "extraction artefacts",
            "value_published": "The value as published (column Valore)",
            "is_latest_report": "True on the row from the latest report listing this landing date",
            "after_report_date": "True when the day is after the report date (the report lists it as 0 ahead of time)",
            "note": "The report's note on the daily cut-off (8:00 or 24:00 of the day of reference)",
            "source_statement": "The report's source statement (column Fonte)",
            **SOURCE_COLUMNS,
        },
    ),
    "stg_italy_moi__arrivals_by_nationality": (
        "One row per report date and nationality of the ministry's nazionalita.csv: arrivals since 1 January "
        "of the report's year (year to date), for the nationalities the report lists plus an 'altre' "
        "(others) row; the rows of one report sum to all arrivals of the year so far.",
        {
            "report_date": "Date of the ministry's report (column Data_Report)",
            "nationality_published": "Nationality as published, in Italian (column Nazione)",
            "iso2": "ISO 3166-1 alpha-2 code as published (column ISO_3166-1); null on the 'altre' row",
            "nationality_iso3": "ISO 3166-1 alpha-3 code mapped from iso2 (pycountry); null on the 'altre' row",
            "is_other": "True on the 'altre' (all other nationalities) row",
            "arrivals_ytd": "Arrivals from 1 January of the report's year to the report date",
            **SOURCE_COLUMNS,
        },
    ),
    "stg_italy_moi__reports": (
        "One row per record of the ministry's anagrafica-report.csv: a report date and the address of the "
        "ministry's PDF the conversion read.",
        {
            "report_date": "Date of the ministry's report (column Data_Report)",
            "url": "Address of the ministry's PDF (column URL)",
            **{k: v for k, v in SOURCE_COLUMNS.items() if k != "cleaning_notes"},
        },
    ),
}
