"""How current each source's data are: the age of the last date its data cover (not when a file was imported),
against a limit set by the source's publication rhythm. No Dagster here: the freshness checks and
`migration-evidence status` both use it.

The rhythm is in sources.csv: a source publishes a new release every `publishes_every_days`, and a release
reports data up to about `publication_lag_days` before it comes out; so when nothing is missing, the last date
covered by the newest release is at most max_age_days = publishes_every_days + publication_lag_days old. Older
means a release has come out that the raw store lacks (or the publisher has stopped): STALE.

The last date covered of a file is what its staging table recorded (meta.snapshot_coverage, shown as
curated.source_snapshots.data_covers_to); before a build has recorded it, the file's publication date stands in
for it, else its access date, and the basis says so."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.defs.operations.config import TABLE, cadence
from pipelines.lib import raw_store
from pipelines.lib.sources import registry

COVERED, PUBLISHED, ACCESSED = (
    "last date covered",
    "publication date (coverage not recorded yet)",
    ("access date (coverage and publication date not known)"),
)


@cache
def rhythm() -> dict[str, tuple[int, int, str]]:
    """source -> (publishes_every_days, publication_lag_days, rhythm) from sources.csv."""
    with open(TABLE, newline="", encoding="utf-8") as handle:
        return {
            r["source"]: (int(r["publishes_every_days"]), int(r["publication_lag_days"]), r["rhythm"])
            for r in csv.DictReader(handle)
        }


@dataclass(frozen=True)
class Freshness:
    source: str
    entity_prefix: str | None
    max_age_days: int
    today: dt.date
    # (entity, stored name of its newest snapshot, accessed, last date covered, basis of that date), one per entity
    newest: tuple[tuple[str, str, dt.date, dt.date, str], ...]
    sample: bool = False  # synthetic demo snapshots: fixed dates, freshness does not apply
    rhythm: str = ""

    @property
    def stalest(self) -> tuple[str, str, dt.date, dt.date, str] | None:
        """The entity whose data end earliest: it decides the source's age."""
        return min(self.newest, key=lambda item: item[3]) if self.newest else None

    @property
    def last_covered(self) -> dt.date | None:
        return self.stalest[3] if self.stalest else None

    @property
    def basis(self) -> str | None:
        return self.stalest[4] if self.stalest else None

    @property
    def age_days(self) -> int | None:
        """Days from the last date covered to today."""
        return (self.today - self.stalest[3]).days if self.stalest else None

    @property
    def stale(self) -> bool:
        """Needs a refresh: no snapshot at all, or its data end longer ago than the rhythm allows."""
        if self.sample:
            return False
        return self.age_days is None or self.age_days > self.max_age_days

    @property
    def state(self) -> str:
        if self.age_days is None:
            return "NO SNAPSHOT"
        if self.sample:
            return "sample data"
        return "STALE" if self.stale else "fresh"

    def describe(self) -> str:
        what = self.source + (f" ({self.entity_prefix}…)" if self.entity_prefix else "")
        if self.stalest is None:
            return f"{what}: no snapshot in the raw store (limit {self.max_age_days} days)"
        entity, name, accessed, covered, basis = self.stalest
        several = (
            f" (the earliest-ending of its {len(self.newest)} files: {entity})"
            if len(self.newest) > 1
            else ""
        )
        return (
            f"{what}: data cover to {covered.isoformat()} ({basis}; newest snapshot {name}, accessed "
            f"{accessed.isoformat()}){several}, {self.age_days} days old, limit {self.max_age_days} days: "
            f"{self.state}" + (f" (rhythm: {self.rhythm})" if self.rhythm else "")
        )


def covered_in(con: object) -> dict[str, dt.date]:
    """Stored file name -> the last date its data cover, from meta.snapshot_coverage (empty before any build)."""
    try:
        rows = con.execute("select file, max(data_to) from meta.snapshot_coverage group by file").fetchall()
    except Exception:  # noqa: BLE001 (no such table yet)
        return {}
    return {file: last for file, last in rows if last is not None}


def recorded_coverage(data_dir: Path) -> dict[str, dt.date]:
    """The last dates covered that the last build recorded: the working warehouse (read-only), else the published
    database's curated.source_snapshots; empty when neither can be read (none yet, or a build holds it)."""
    import duckdb

    for database, query in (
        (data_dir / "work" / "warehouse.duckdb", None),
        (data_dir / "curated" / "evidence.duckdb",
         "select file, max(data_covers_to) from curated.source_snapshots group by file"),
    ):  # fmt: skip
        if not database.exists():
            continue
        try:
            con = duckdb.connect(str(database), read_only=True)
        except duckdb.Error:
            continue
        try:
            if query is None:
                found = covered_in(con)
            else:
                found = {f: d for f, d in con.execute(query).fetchall() if d is not None}
            if found:
                return found
        except duckdb.Error:
            pass
        finally:
            con.close()
    return {}


def _last_covered(snapshot: raw_store.Snapshot, covered: dict[str, dt.date]) -> tuple[dt.date, str]:
    if snapshot.name in covered:
        return covered[snapshot.name], COVERED
    p = snapshot.provenance
    if p.get("published"):
        return dt.date.fromisoformat(str(p["published"])[:10]), PUBLISHED
    return dt.date.fromisoformat(p["accessed"]), ACCESSED


def assess(
    raw_dir: Path,
    source: str,
    entity_prefix: str | None = None,
    today: dt.date | None = None,
    covered: dict[str, dt.date] | None = None,
) -> Freshness:
    """For each of the source's files (entities starting with `entity_prefix`, when given): the latest date any
    of its accepted snapshots covers (`covered`: stored name -> last date covered, as recorded by staging;
    a snapshot without one counts its publication, else access, date; None: what the last build recorded in
    the data directory beside `raw_dir`). The earliest of them is the source's."""
    covered = recorded_coverage(raw_dir.parent) if covered is None else covered
    newest = raw_store.newest_by_entity(raw_dir, source)
    by_entity: dict[str, list[raw_store.Snapshot]] = {}
    for snapshot in raw_store.list_snapshots(raw_dir, source):
        by_entity.setdefault(snapshot.provenance.get("entity", "all"), []).append(snapshot)
    chosen = []
    for entity, snapshot in sorted(newest.items()):
        if not entity.startswith(entity_prefix or ""):
            continue
        last, basis = max(_last_covered(s, covered) for s in by_entity.get(entity, [snapshot]))
        chosen.append(
            (entity, snapshot.name, dt.date.fromisoformat(snapshot.provenance["accessed"]), last, basis)
        )
    limit = cadence(source, registry().get(source)).max_age_days
    used = [s for e, s in newest.items() if e.startswith(entity_prefix or "")]
    sample = bool(used) and all(s.sample for s in used)
    described = rhythm().get(source, (0, 0, ""))[2]
    return Freshness(source, entity_prefix, limit, today or dt.date.today(), tuple(chosen), sample, described)
