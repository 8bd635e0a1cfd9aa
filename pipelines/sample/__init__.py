"""The bundled sample: deterministic, format-faithful synthetic files for every source, for `make demo`.

Values are synthetic; annual totals follow the publishers' published figures so the demo's charts look
like the real ones. Every snapshot is marked sample, and everything built from it says so.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pipelines.lib import raw_store


def write_sample(raw_dir: Path) -> list[raw_store.Snapshot]:
    from pipelines.defs.iom_mmp.source import SOURCE as IOM_MMP
    from pipelines.sample import iom_mmp

    landed = []
    with tempfile.TemporaryDirectory() as scratch:
        file = Path(scratch) / "Missing_Migrants_Global_Figures_allData.csv"
        file.write_bytes(iom_mmp.sample_csv())
        landed.append(
            raw_store.land(raw_dir, IOM_MMP, file, arrival="sample", accessed=iom_mmp.ACCESSED, sample=True)
        )
    return landed


__all__ = ["write_sample"]
