"""The real snapshots in ../shared/data landed once into a template raw store; every run starts from a copy.

What is landed, as the integration tests import them:
- iom_mmp: the 2025-05-05 "all data" export as CSV (or the xlsx, or a scaled copy for the scale benchmark);
- unhcr_odp: every file of unhcr/manifest.json, with the API address it stands for;
- italy_moi: the three ministry CSVs, accessed 2025-09-16;
- unodc_glotip: both GLOTIP releases (xlsx);
- eurostat_thb: no real file exists offline, so the SDMX-CSV fixtures of tests/fixtures/eurostat_thb (synthetic).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.settings import PROJECT_ROOT

# The real snapshots beside the project (../shared/data), or where MIGRATION_BENCH_SHARED_DATA points.
SHARED = Path(os.environ.get("MIGRATION_BENCH_SHARED_DATA") or PROJECT_ROOT.parent / "shared" / "data")
MMP_CSV = SHARED / "mmp" / "Missing_Migrants_Global_Figures_allData_2025-05-05.csv"
MMP_XLSX = SHARED / "mmp" / "Missing_Migrants_Global_Figures_allData_2025-05-05.xlsx"
GLOTIP = [
    SHARED / "glotip" / "data_glotip_2025-04-14.xlsx",
    SHARED / "glotip" / "data_glotip_2023-05-30.xlsx",
]
ITALY = [
    SHARED / "italy_moi" / n for n in ("sbarchi-per-giorno.csv", "nazionalita.csv", "anagrafica-report.csv")
]
ITALY_ACCESSED = dt.date(2025, 9, 16)
UNHCR_MANIFEST = SHARED / "unhcr" / "manifest.json"
EUROSTAT_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "eurostat_thb"
SOURCES = ("iom_mmp", "unhcr_odp", "italy_moi", "unodc_glotip", "eurostat_thb")


class MissingSharedData(SystemExit):
    pass


def require_shared() -> None:
    missing = [p for p in (MMP_CSV, UNHCR_MANIFEST, *GLOTIP, *ITALY) if not p.is_file()]
    if missing:
        raise MissingSharedData(
            "the benchmarks build from the real snapshots in ../shared/data; missing: "
            + ", ".join(str(p) for p in missing)
        )


@contextmanager
def store_limit_at_least(size: int) -> Iterator[None]:
    """The raw store refuses files over raw_store.MAX_SNAPSHOT_BYTES (a guard against runaway downloads); the
    ×100 MMP file of the scale benchmark (about 680 MB) is larger, so landing it raises the limit for the
    benchmark process only. Builds never re-check the size."""
    from pipelines.lib import raw_store

    limit = getattr(raw_store, "MAX_SNAPSHOT_BYTES", None)
    if limit is None or limit >= size:
        yield
        return
    raw_store.MAX_SNAPSHOT_BYTES = size
    try:
        yield
    finally:
        raw_store.MAX_SNAPSHOT_BYTES = limit


def land_all(raw_dir: Path, mmp_file: Path = MMP_CSV, sources: tuple[str, ...] = SOURCES) -> dict[str, int]:
    """Lands the files of `sources` into `raw_dir`; returns {source: files landed}."""
    from pipelines.lib import raw_store
    from pipelines.lib.sources import get_source

    items: dict[str, list[tuple[Path, str | None, dt.date | None]]] = {
        "iom_mmp": [(mmp_file, None, None)],
        "unhcr_odp": [
            (UNHCR_MANIFEST.parent / e["file"], e["stands_for"], None)
            for e in json.loads(UNHCR_MANIFEST.read_text(encoding="utf-8"))
        ],
        "italy_moi": [(p, None, ITALY_ACCESSED) for p in ITALY],
        "unodc_glotip": [(p, None, None) for p in GLOTIP],
        "eurostat_thb": [(p, None, None) for p in sorted(EUROSTAT_FIXTURES.glob("*.csv"))],
    }
    landed = {}
    for source in sources:
        info = get_source(source)
        for file, stands_for, accessed in items[source]:
            with store_limit_at_least(file.stat().st_size):
                raw_store.land(
                    raw_dir, info, file, arrival="import", accessed=accessed, stands_for=stands_for
                )
        landed[source] = len(items[source])
    return landed


def fresh_data_dir(template_raw: Path, target: Path) -> Path:
    """`target` emptied, with a copy of the template raw store as target/data/raw; returns target."""
    if target.exists():
        shutil.rmtree(target)
    (target / "data").mkdir(parents=True)
    shutil.copytree(template_raw, target / "data" / "raw")
    return target


def clear_outputs(target: Path) -> None:
    """Everything a build writes (working and published databases, reports), keeping the raw store."""
    for sub in ("data/work", "data/curated", "reports"):
        shutil.rmtree(target / sub, ignore_errors=True)
