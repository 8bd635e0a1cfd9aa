"""The reliability suite's shared state: one good build of the sample to start every case from, and a recorder
whose figures are printed at the end of the run (`make reliability`)."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipelines.settings import Paths, resolve_paths
from tests.reliability import support

RECORDER_KEY = pytest.StashKey["Recorder"]()
CAMPAIGN_KEY = pytest.StashKey[object]()


@dataclass
class Recorder:
    """Outcomes by area: {area: {name: passed}}, plus figures (counts) a test reports."""

    outcomes: dict[str, dict[str, bool]] = field(default_factory=dict)
    figures: dict[str, object] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    @contextlib.contextmanager
    def case(self, area: str, name: str) -> Iterator[None]:
        """Records `name` as passed when the block completes, as failed when it raises."""
        self.outcomes.setdefault(area, {})[name] = False
        yield
        self.outcomes[area][name] = True

    def passed(self, area: str) -> int:
        return sum(self.outcomes.get(area, {}).values())

    def total(self, area: str) -> int:
        return len(self.outcomes.get(area, {}))

    def lines(self) -> list[str]:
        parts = []
        if "bad_inputs" in self.outcomes:
            by_policy = self.figures.get("bad_inputs_by_policy", {})
            at_import = by_policy.get("import", 0) + by_policy.get("rejected-at-import", 0)
            rejected = at_import + sum(by_policy.get(p, 0) for p in ("build", "check", "vintage"))
            kept = sum(by_policy.get(p, 0) for p in ("accepted", "cleaned"))
            failed = self.total("bad_inputs") - self.passed("bad_inputs")
            parts.append(
                f"{rejected} bad inputs rejected cleanly ({at_import} at import, "
                f"{by_policy.get('rejected-at-import', 0)} of them stored marked rejected, "
                f"{by_policy.get('build', 0)} by the build, {by_policy.get('check', 0)} by a blocking check, "
                f"{by_policy.get('vintage', 0)} by a blocking vintage check), "
                f"{kept} accepted or cleaned as documented, {failed} not as documented"
                + (
                    f", {self.total('bad_inputs_gaps')} known gap(s)"
                    if "bad_inputs_gaps" in self.outcomes
                    else ""
                )
            )
        if "kills" in self.outcomes:
            parts.append(f"{self.passed('kills')}/{self.total('kills')} kills recovered")
        if "readers" in self.figures:
            readers = self.figures["readers"]
            parts.append(
                f"{readers['errors']} reader errors ({readers['queries']} queries by {readers['readers']} readers "
                f"during {readers['publishes']} publishes)"
            )
        if "hostile" in self.outcomes:
            parts.append(
                f"{self.passed('hostile')}/{self.total('hostile')} hostile-workbook paths refused in one line"
            )
        if "cli" in self.outcomes:
            parts.append(f"{self.passed('cli')}/{self.total('cli')} command-line misuses a one-line error")
        if "network" in self.outcomes:
            parts.append(f"{self.passed('network')}/{self.total('network')} network faults handled")
        if "idempotence" in self.outcomes:
            parts.append(
                f"idempotent: {'yes' if self.passed('idempotence') == self.total('idempotence') else 'no'}"
            )
        if "security" in self.outcomes:
            parts.append(f"security: {self.passed('security')}/{self.total('security')}")
        return parts


@pytest.fixture(scope="session")
def recorder(request: pytest.FixtureRequest) -> Recorder:
    found = request.config.stash.get(RECORDER_KEY, None)
    if found is None:
        found = request.config.stash[RECORDER_KEY] = Recorder()
    return found


def pytest_collection_finish(session: pytest.Session) -> None:
    """When the kill test is selected, its campaign starts now, in the background: the builds it kills use one
    core while the other tests use the other (test_kills.py waits for it)."""
    if session.config.option.collectonly or not any(
        item.nodeid.startswith("tests/reliability/test_kills.py") for item in session.items
    ):
        return
    from tests.reliability.kills import Campaign

    factory = getattr(session.config, "_tmp_path_factory", None)
    root = factory.mktemp("kills") if factory is not None else Path(tempfile.mkdtemp(prefix="kills-"))
    session.config.stash[CAMPAIGN_KEY] = Campaign(root).start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    campaign = session.config.stash.get(CAMPAIGN_KEY, None)
    if campaign is not None:
        campaign.stop()  # the session ended first (failure, -x, interrupt): kill the build under way


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    found = config.stash.get(RECORDER_KEY, None)
    if found is None or not (found.outcomes or found.figures):
        return
    terminalreporter.section("reliability figures")
    terminalreporter.write_line(", ".join(found.lines()))
    for name, value in sorted(found.figures.items()):
        if name not in ("readers", "bad_inputs_by_policy"):
            terminalreporter.write_line(f"  {name}: {value}")
    terminalreporter.write_line(f"  suite time: {time.monotonic() - found.started:.0f}s")


@dataclass(frozen=True)
class GoodBuild:
    """A complete build of the sample (every source), settled: a rebuild there changes nothing."""

    root: Path
    paths: Paths
    published_sha256: str
    digests: dict[str, str]
    seconds: float


@pytest.fixture(scope="session")
def good_build(tmp_path_factory: pytest.TempPathFactory, recorder: Recorder) -> GoodBuild:
    from pipelines.sample import write_sample
    from tests.reliability.support import build

    root = tmp_path_factory.mktemp("good_build")
    paths = resolve_paths(root / "data", root / "reports")
    with pytest.MonkeyPatch.context() as patch:
        _point_at(patch, paths, root)
        write_sample(paths.raw_dir)
        started = time.monotonic()
        ok, report = build(paths)
        seconds = time.monotonic() - started
        assert ok, report.failures
        # A second build leaves the state a case starts from settled: it runs nothing, so a copy (with its
        # Dagster home) rebuilds only what a case changes.
        ok, report = build(paths)
        assert ok and report.nothing_changed, report.failures
    recorder.figures["full sample build (in-process, no images)"] = f"{seconds:.1f}s"
    return GoodBuild(
        root,
        paths,
        support.file_sha256(paths.published_db),
        support.table_digests(paths.published_db),
        seconds,
    )


def _point_at(patch: pytest.MonkeyPatch, paths: Paths, root: Path) -> None:
    patch.setenv("MIGRATION_DATA_DIR", str(paths.data_dir))
    patch.setenv("MIGRATION_REPORTS_DIR", str(paths.reports_dir))
    patch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
    os.makedirs(root / "dagster_home", exist_ok=True)


@pytest.fixture
def copy_of_good_build(good_build: GoodBuild, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """A private copy of the good build (raw store, warehouse, published database, reports), pointed at."""
    paths = support.clone(good_build.root, tmp_path)
    _point_at(monkeypatch, paths, tmp_path)
    return paths
