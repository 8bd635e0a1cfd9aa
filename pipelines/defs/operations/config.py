"""How often each source is expected to change: sources.csv in this folder (configuration, not code)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.lib.sources import SourceInfo

TABLE = Path(__file__).resolve().parent / "sources.csv"
DEFAULT_MAX_AGE_DAYS = 45
DEFAULT_CHECK_EVERY_HOURS = 24


@dataclass(frozen=True)
class Cadence:
    source: str
    max_age_days: int  # the newest snapshot may be this old before the source counts as stale
    check_every_hours: int  # how often its new-vintage sensor asks the publisher's server
    why: str


@cache
def table() -> dict[str, Cadence]:
    with open(TABLE, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        r["source"]: Cadence(r["source"], int(r["max_age_days"]), int(r["check_every_hours"]), r["why"])
        for r in rows
    }


def cadence(source: str, info: SourceInfo | None = None) -> Cadence:
    """The source's row of sources.csv; `SourceInfo.max_age_days`, when set, overrides the table's limit."""
    row = table().get(source) or Cadence(
        source, DEFAULT_MAX_AGE_DAYS, DEFAULT_CHECK_EVERY_HOURS, "not listed in sources.csv: defaults"
    )
    if info is not None and info.max_age_days is not None:
        return Cadence(source, info.max_age_days, row.check_every_hours, "set in the source's source.py")
    return row
