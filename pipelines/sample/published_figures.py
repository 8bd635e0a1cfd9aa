"""A synthetic figures.csv in the project's layout (invented values, example.org addresses), so that `make demo`
builds curated.published_figures offline without presenting real figures as sample data. It keeps the file's
quirks: a partial year, a publication date known to the month only, two documents disagreeing on one figure."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

from pipelines.lib import raw_store

READ_ON = "2026-01-15"


def rows() -> list[dict[str, str]]:
    from pipelines.defs.published_figures.read import COLUMNS

    def figure(figure_id: str, series: str, geo: str, year: int, value: int, **extra: str) -> dict[str, str]:
        row = dict.fromkeys(COLUMNS, "")
        row.update(figure_id=figure_id, series=series, geo=geo, period_start=f"{year}-01-01",
                   period_end=f"{year}-12-31", value=str(value), unit="persons", is_partial="false",
                   publisher="Sample publisher", document_title=f"Sample update {year}",
                   url=f"https://example.org/sample/{figure_id}", published=f"{year + 1}-01-10", read_on=READ_ON,
                   preferred="true")  # fmt: skip
        row.update(extra)
        return row

    found = [figure(f"returned_{y}", "intercepted_returned_to_libya", "LBY", y, v)
             for y, v in zip(range(2019, 2025), (9000, 12000, 30000, 25000, 17000, 21000), strict=True)]  # fmt: skip
    found.append(figure("returned_2025", "intercepted_returned_to_libya", "LBY", 2025, 12000, is_partial="true",
                        period_end="2025-07-12", published="2025-07"))  # fmt: skip
    found.append(figure("dead_2022_a", "dead_reported_by_iom_libya", "LBY", 2022, 520, preferred="false",
                        choice_note="two documents differ: the later one is preferred"))  # fmt: skip
    found.append(figure("dead_2022_b", "dead_reported_by_iom_libya", "LBY", 2022, 530, published="2023-02-01",
                        choice_note="two documents differ: the later one is preferred"))  # fmt: skip
    for geo, share in (("LBY", 50), ("TUN", 32), ("TUR", 14)):
        found.append(figure(f"departures_2022_{geo}", "sea_arrivals_italy_by_country_of_departure", geo, 2022, share,
                            unit="percent of sea arrivals to Italy", breakdown="country of departure"))  # fmt: skip
    for geo, count in (("LBY", 45000), ("TUN", 90000)):
        found.append(figure(f"departures_2023_{geo}", "sea_arrivals_italy_by_country_of_departure", geo, 2023, count,
                            unit="persons (about)", breakdown="country of departure", is_partial="true",
                            period_end="2023-11-30", published="2023-11"))  # fmt: skip
    return found


def write(raw_dir: Path) -> list[raw_store.Snapshot]:
    from pipelines.defs.published_figures.read import COLUMNS
    from pipelines.defs.published_figures.source import SOURCE

    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows())
    with tempfile.TemporaryDirectory() as scratch:
        file = Path(scratch) / "figures.csv"
        file.write_text(buffer.getvalue(), encoding="utf-8")
        return [
            raw_store.land(
                raw_dir, SOURCE, file, arrival="sample", accessed=dt.date(2026, 1, 15), sample=True
            )
        ]
