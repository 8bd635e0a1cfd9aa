"""Shared fixtures: temporary data directories, the project's fixtures, and the real snapshots beside the project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.settings import Paths, resolve_paths

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"


def require_shared(sub: str = "") -> Path:
    """The real snapshots: skipped on a machine without them, a failure under CI=true."""
    path = SHARED_DATA / sub
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"real snapshots missing at {path}; CI must have ../shared/data beside the project")
        pytest.skip(f"real snapshots not available at {path}")
    return path


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    resolved = resolve_paths(tmp_path / "data", tmp_path / "reports")
    monkeypatch.setenv("MIGRATION_DATA_DIR", str(resolved.data_dir))
    monkeypatch.setenv("MIGRATION_REPORTS_DIR", str(resolved.reports_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    return resolved


@pytest.fixture
def mmp_fixture() -> callable:
    def _path(name: str) -> Path:
        return FIXTURES / "iom_mmp" / name

    return _path


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests reach only this machine: a connection to any other address fails at once, naming it."""
    import ipaddress
    import socket

    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if isinstance(address, tuple) and address:
            host = str(address[0])
            try:
                local = ipaddress.ip_address(host).is_loopback
            except ValueError:
                local = host == "localhost"
            if not local:
                raise ConnectionRefusedError(f"tests do not reach the network (attempted {host})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def _build_real_everything(root: Path) -> tuple[Paths, str]:
    import subprocess
    import sys

    paths = resolve_paths(root / "data", root / "reports")
    shared = require_shared()
    env = dict(os.environ, MIGRATION_DATA_DIR=str(paths.data_dir), MIGRATION_REPORTS_DIR=str(paths.reports_dir),
               DAGSTER_HOME=str(root / "dh"))  # fmt: skip
    imports = [
        ["iom_mmp", *(str(p) for p in sorted((shared / "mmp").glob("*.csv")))],
        ["unhcr_odp", "--manifest", str(shared / "unhcr" / "manifest.json")],
        [
            "italy_moi",
            *(
                str(shared / "italy_moi" / f)
                for f in ("sbarchi-per-giorno.csv", "nazionalita.csv", "anagrafica-report.csv")
            ),
        ],  # fmt: skip
        ["unodc_glotip", *(str(p) for p in sorted((shared / "glotip").glob("*.xlsx")))],
        ["frontex_ibc", *(str(p) for p in sorted((shared / "frontex").glob("*.xlsx")))],
        # fetched on different days: the totals response again on 2026-08-18 (../shared/data/README.md)
        ["eurostat_eipre", str(shared / "eurostat" / "migr_eipre_by_reason_apprehension.json"), "--accessed",
         "2026-05-20"],
        ["eurostat_eipre", str(shared / "eurostat" / "migr_eipre_totals.json"), "--accessed", "2026-08-18"],
        ["published_figures", str(ROOT / "pipelines" / "defs" / "published_figures" / "figures.csv")],
    ]
    for command in [*(["import", *i] for i in imports), ["build", "--offline", "--no-images"]]:
        done = subprocess.run([sys.executable, "-m", "pipelines.cli", *command], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=900)  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return paths, done.stderr


def _build_sample_everything(root: Path) -> tuple[Paths, str]:
    """`migration-evidence sample` then `build --offline` (static images included), as `make demo` does."""
    import subprocess
    import sys

    paths = resolve_paths(root / "data", root / "reports")
    env = dict(os.environ, MIGRATION_DATA_DIR=str(paths.data_dir), MIGRATION_REPORTS_DIR=str(paths.reports_dir),
               DAGSTER_HOME=str(root / "dh"))  # fmt: skip
    for command in (["sample"], ["build", "--offline"]):
        done = subprocess.run([sys.executable, "-m", "pipelines.cli", *command], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=900)  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return paths, done.stderr


def _shared_build(
    name: str, make, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> tuple[Paths, str]:  # noqa: ANN001
    """Builds once per test run: under pytest-xdist the first worker that needs it builds it, under a file lock,
    for every worker."""
    if worker_id == "master":
        return make(tmp_path_factory.mktemp(name))
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp().parent / name  # shared by the workers of this run
    log = root / "build.log"
    with FileLock(str(root) + ".lock"):
        if not log.exists():
            root.mkdir(exist_ok=True)
            _paths, printed = make(root)
            log.write_text(printed, encoding="utf-8")
    return resolve_paths(root / "data", root / "reports"), log.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def real_everything_built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> tuple[Paths, str]:
    """One build, shared read-only by the integration tests of the evidence layer: every real snapshot in
    ../shared/data imported into one data directory (all Missing Migrants CSV files, the UNHCR manifest, the
    ministry's three files, both GLOTIP releases, both Frontex workbooks, both Eurostat migr_eipre responses, each
    with the day it was fetched) and
    the project's published figures (pipelines/defs/published_figures/figures.csv), built with `migration-evidence build --offline --no-images`,
    as a new user would. Returns the paths and what the build printed. Tests must not build into it again.
    Under pytest-xdist the first worker that needs it builds it, under a file lock, for every worker."""
    return _shared_build("real_everything", _build_real_everything, tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def sample_everything_built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> tuple[Paths, str]:
    """One build of the bundled synthetic sample (every source, static images included), shared read-only by the
    tests of what `make demo` publishes. Returns the paths and what the build printed. Tests must not build into
    it again nor change its files."""
    return _shared_build("sample_everything", _build_sample_everything, tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def real_everything(real_everything_built: tuple[Paths, str]) -> Paths:
    return real_everything_built[0]


@pytest.fixture(scope="session")
def real_everything_instance(real_everything: Paths):  # noqa: ANN201
    """The Dagster instance of the shared real build (its materialisations and check evaluations), to read."""
    import dagster as dg

    home = str(real_everything.data_dir.parent / "dh")
    with pytest.MonkeyPatch.context() as patch:  # only while it opens: other tests must not inherit it
        patch.setenv("DAGSTER_HOME", home)  # the instance's dagster.yaml places its storage under it
        instance = dg.DagsterInstance.from_config(home)
    with instance:
        yield instance
