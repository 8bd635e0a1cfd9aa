"""The bundled sample: deterministic, format-faithful synthetic files for every source, for `make demo`.

Values are synthetic; annual totals follow the publishers' published figures so the demo's charts look
like the real ones. Every snapshot is marked sample, and everything built from it says so.
Each module `pipelines/sample/<source>.py` has `write(raw_dir) -> list[Snapshot]`.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from pipelines.lib import raw_store
from pipelines.lib.sources import SOURCE_NAMES


def write_sample(raw_dir: Path) -> list[raw_store.Snapshot]:
    landed = []
    for name in SOURCE_NAMES:
        module = f"pipelines.sample.{name}"
        if importlib.util.find_spec(module):
            landed += importlib.import_module(module).write(raw_dir)
    return landed
