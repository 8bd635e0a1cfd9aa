"""Three reader processes query the published evidence.duckdb (read-only) in a loop while six builds publish it:
no reader ever fails to open or query it, and each always finds a complete, consistent database.

The builds run in this process on a copy of the good build that holds a second Missing Migrants snapshot; they
pin the two alternately, so each publishes a database with another number of incidents."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.settings import Paths
from tests.build_helpers import query
from tests.conftest import ROOT
from tests.reliability import corpus, support
from tests.reliability.conftest import GoodBuild, Recorder
from tests.reliability.support import build

pytestmark = pytest.mark.reliability

READERS = 3  # more readers than cores: the publishes race with reading on both
BUILDS = 6
READER_SECONDS = 300  # a reader stops by itself after this long, whatever happens to the test


def test_readers_always_see_a_complete_database_while_builds_publish(
    good_build: GoodBuild, copy_of_good_build: Paths, tmp_path: Path, recorder: Recorder
) -> None:
    paths = copy_of_good_build
    first = query(paths.published_db, "select file from curated.source_snapshots where source = 'iom_mmp'")[
        0
    ][0]
    rows = corpus.rows_of(corpus.sample_mmp())
    shorter = corpus.csv_bytes(rows[:-60])
    second = support.land_bytes(paths, "iom_mmp", corpus.MMP, shorter, tmp_path / "in").name
    expected_tables = sorted(
        support.table_digests(good_build.paths.published_db, schemas=("curated", "staging"))
    )
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.reader",
                str(paths.published_db),
                str(tmp_path / f"reader{i}.json"),
                str(stop),
                str(READER_SECONDS),
                json.dumps(expected_tables),
            ],  # fmt: skip
            cwd=ROOT,
            env=support.child_env(paths),
        )
        for i in range(READERS)
    ]
    published, failures = [], []
    try:
        time.sleep(1.0)  # the readers are up and reading the good build
        for index in range(BUILDS):
            pin = (second, first)[index % 2]
            ok, report = build(paths, pins=f"iom_mmp={pin}")
            if not ok:
                failures.append(report.failures)
            published.append(support.file_sha256(paths.published_db))
    finally:
        stop.touch()
        for reader in readers:
            try:
                reader.wait(timeout=30)
            except subprocess.TimeoutExpired:
                reader.kill()
                reader.wait()
    results = [json.loads((tmp_path / f"reader{i}.json").read_text()) for i in range(READERS)]
    errors = [e for r in results for e in r["errors"]]
    incomplete = [p for r in results for p in r["incomplete"]]
    versions = sorted({v for r in results for v in r["versions"]})
    recorder.figures["readers"] = {
        "errors": len(errors) + len(incomplete),
        "queries": sum(r["queries"] for r in results),
        "readers": READERS,
        "publishes": len(set(published)),
    }
    with recorder.case("readers", "three readers, six publishes"):
        assert failures == []
        assert len(published) == BUILDS and all(
            a != b for a, b in zip(published, published[1:], strict=False)
        ), "every build must publish a new database"
        assert errors == [], errors[:5]
        assert incomplete == [], incomplete[:5]
        assert all(r["queries"] > 10 for r in results), [r["queries"] for r in results]
        # the readers saw both databases, and only those
        assert versions == sorted({len(rows) - 1, len(rows) - 61}), versions
