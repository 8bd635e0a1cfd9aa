"""How old each source's newest snapshot is, against the limit its configuration allows. No Dagster here:
the freshness checks and `migration-evidence status` both use it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipelines.defs.operations.config import cadence
from pipelines.lib import raw_store
from pipelines.lib.sources import registry


@dataclass(frozen=True)
class Freshness:
    source: str
    entity_prefix: str | None
    max_age_days: int
    today: dt.date
    newest: tuple[tuple[str, str, dt.date], ...]  # (entity, stored name, accessed), one per entity
    sample: bool = False  # synthetic demo snapshots: fixed dates, freshness does not apply

    @property
    def stalest(self) -> tuple[str, str, dt.date] | None:
        """The entity whose newest snapshot is the oldest: it decides the source's age."""
        return min(self.newest, key=lambda item: item[2]) if self.newest else None

    @property
    def age_days(self) -> int | None:
        return (self.today - self.stalest[2]).days if self.stalest else None

    @property
    def stale(self) -> bool:
        """Needs a refresh: no snapshot at all, or the newest is older than allowed."""
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
        entity, name, accessed = self.stalest
        several = (
            f" (the oldest of its {len(self.newest)} files' newest: {entity})" if len(self.newest) > 1 else ""
        )
        return (
            f"{what}: newest snapshot {name} accessed {accessed.isoformat()}{several}, {self.age_days} days old, "
            f"limit {self.max_age_days} days: {self.state}"
        )


def assess(
    raw_dir: Path, source: str, entity_prefix: str | None = None, today: dt.date | None = None
) -> Freshness:
    """Age of the newest accepted snapshot of each of the source's files (those whose entity starts with
    `entity_prefix`, when given); the oldest of them is the source's age."""
    newest = raw_store.newest_by_entity(raw_dir, source)
    chosen = tuple(
        (entity, snapshot.name, dt.date.fromisoformat(snapshot.provenance["accessed"]))
        for entity, snapshot in sorted(newest.items())
        if entity.startswith(entity_prefix or "")
    )
    limit = cadence(source, registry().get(source)).max_age_days
    used = [s for e, s in newest.items() if e.startswith(entity_prefix or "")]
    sample = bool(used) and all(s.sample for s in used)
    return Freshness(source, entity_prefix, limit, today or dt.date.today(), chosen, sample)
