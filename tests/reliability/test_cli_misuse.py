"""Command-line misuse through the real command in a fresh process: each ends in one `✘` line on stderr with
its documented exit code (README, "Exit codes"), never a traceback, and the published database is unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import ENVIRONMENT, FAILED, USAGE
from pipelines.settings import Paths
from tests.reliability import corpus, support
from tests.reliability.conftest import GoodBuild, Recorder
from tests.support.workbooks import far_cell

pytestmark = pytest.mark.reliability


def _misuses(scratch: Path) -> list[tuple[str, list[str], int, str]]:
    hostile = scratch / "data_glotip.xlsx"
    hostile.write_bytes(far_cell(corpus.glotip_xlsx(corpus.glotip_rows()[:20])))
    blocker = scratch / "not-a-directory"
    blocker.write_text("")
    plain = scratch / "Missing_Migrants_Global_Figures_allData.csv"
    plain.write_bytes(corpus.sample_mmp())
    return [
        ("unknown source (import)", ["import", "nosuch", str(hostile)], USAGE, "unknown source 'nosuch'"),
        ("unknown source (build)", ["build", "--source", "nosuch"], USAGE, "unknown source 'nosuch'"),
        ("unknown source (refresh)", ["refresh", "--source", "nosuch"], USAGE, "unknown source 'nosuch'"),
        ("unknown source (accept)", ["accept", "nosuch", "f.csv"], USAGE, "unknown source 'nosuch'"),
        ("impossible --accessed", ["import", "iom_mmp", "x.csv", "--accessed", "2026-02-30"], USAGE,
         "'2026-02-30' is not a calendar date"),
        ("--snapshot without SOURCE=", ["build", "--snapshot", "bogus"], USAGE, "'bogus' is not SOURCE=FILE"),
        ("--snapshot naming no stored file", ["build", "--snapshot", "iom_mmp=nosuch.csv"], USAGE,
         "snapshot 'nosuch.csv' matches 0 snapshots"),
        ("accept naming no stored file", ["accept", "iom_mmp", "nosuch.csv"], USAGE, "no snapshot named"),
        ("a port that is not a number", ["ui", "--port", "http"], USAGE, "is not a port number"),
        ("a hostile workbook imported", ["import", "unodc_glotip", str(hostile)], FAILED,
         "refused before reading it"),
        ("a data directory that is not one (build)",
         ["--data-dir", str(blocker / "data"), "build", "--offline", "--no-images"], ENVIRONMENT, "Not a directory"),
        ("a data directory that is not one (import)",
         ["--data-dir", str(blocker / "data"), "import", "iom_mmp", str(plain)], ENVIRONMENT, "Not a directory"),
    ]  # fmt: skip


def test_misuse_is_one_line_and_a_documented_exit_code(
    good_build: GoodBuild, copy_of_good_build: Paths, recorder: Recorder, tmp_path: Path
) -> None:
    paths = copy_of_good_build
    env = support.child_env(paths)
    for name, argv, code, expected in _misuses(tmp_path):
        with recorder.case("cli", name):
            done = subprocess.run(
                [sys.executable, "-c", "from pipelines.cli import run; run()", *argv],
                capture_output=True,
                text=True,
                env=env,
                timeout=300,
                check=False,
            )
            errors = [line for line in done.stderr.splitlines() if line.startswith("✘")]
            assert done.returncode == code, (name, done.returncode, done.stderr)
            assert "Traceback" not in done.stderr and len(errors) == 1 and expected in errors[0], done.stderr
            assert support.file_sha256(paths.published_db) == good_build.published_sha256
