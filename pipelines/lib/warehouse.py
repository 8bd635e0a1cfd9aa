"""The Dagster resource every asset uses: paths, the working DuckDB file and the snapshot choice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from pipelines.lib import raw_store
from pipelines.lib.sql import CREATING
from pipelines.settings import Paths, resolve_paths

SCHEMAS = ("raw", "staging", "curated", "meta")


class Warehouse(dg.ConfigurableResource):
    """Settings come from the run (the CLI), else MIGRATION_DATA_DIR / MIGRATION_REPORTS_DIR, else defaults."""

    data_dir: str = ""
    reports_dir: str = ""
    # "source=pin,source=pin": build from a named snapshot instead of the newest.
    snapshot_pins: str = ""
    # Skip PNG/SVG export (the browser start costs seconds); HTML, CSV and captions are always written.
    static_images: bool = True

    def paths(self) -> Paths:
        return resolve_paths(self.data_dir or None, self.reports_dir or None)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        paths = self.paths()
        paths.work_dir.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(paths.working_db))
        try:
            with CREATING:
                for schema in SCHEMAS:
                    con.execute(f"create schema if not exists {schema}")
            yield con
        finally:
            con.close()

    def pin_for(self, source: str) -> str | None:
        for item in filter(None, (p.strip() for p in self.snapshot_pins.split(","))):
            name, _, pin = item.partition("=")
            if name.strip() == source:
                return pin.strip()
        return None

    def snapshot(
        self, source: str, entity: str | None = None, *, by_vintage: bool = False
    ) -> raw_store.Snapshot:
        return raw_store.select_snapshot(
            self.paths().raw_dir, source, self.pin_for(source), entity, by_vintage=by_vintage
        )

    def snapshots(self, source: str) -> list[raw_store.Snapshot]:
        """Every accepted snapshot of `source` (its vintages are combined by coverage), or the pinned one."""
        return raw_store.select_snapshots(self.paths().raw_dir, source, self.pin_for(source))
