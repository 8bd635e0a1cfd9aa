"""Where the pipeline reads and writes. Read at run time, never at import time.

`MIGRATION_DATA_DIR` (default `data/`) holds `raw/` (the snapshot store), `work/` (the working
warehouse) and `curated/` (the published database and Parquet files).
`MIGRATION_REPORTS_DIR` (default `reports/`) holds charts and the evidence brief.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
USER_AGENT = "migration-evidence/0.1 (open-source research pipeline; +https://github.com/migration-evidence)"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    reports_dir: Path

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work"

    @property
    def curated_dir(self) -> Path:
        return self.data_dir / "curated"

    @property
    def working_db(self) -> Path:
        return self.work_dir / "warehouse.duckdb"

    @property
    def published_db(self) -> Path:
        return self.curated_dir / "evidence.duckdb"

    @property
    def charts_dir(self) -> Path:
        return self.reports_dir / "charts"

    @property
    def assets_dir(self) -> Path:
        return self.reports_dir / "assets"


def resolve_paths(
    data_dir: str | os.PathLike | None = None, reports_dir: str | os.PathLike | None = None
) -> Paths:
    """Explicit arguments win, then the environment, then the defaults."""
    data = data_dir or os.environ.get("MIGRATION_DATA_DIR") or PROJECT_ROOT / "data"
    reports = reports_dir or os.environ.get("MIGRATION_REPORTS_DIR") or PROJECT_ROOT / "reports"
    return Paths(Path(data).resolve(), Path(reports).resolve())
