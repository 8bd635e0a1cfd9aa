"""Shared fixtures: temporary data directories, the project's fixtures, and the real snapshots beside the project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.settings import Paths, resolve_paths
from tests.shared_builds import ROOT, SHARED_DATA  # the project root and ../shared/data

FIXTURES = ROOT / "tests" / "fixtures"


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


SHARED_BUILDS = {"real_everything": "real_everything_built", "sample_everything": "sample_everything_built"}


def _shared_root(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str) -> Path:
    """The folder of a shared build: one per test run, shared by its pytest-xdist workers."""
    base = tmp_path_factory.getbasetemp()
    return (base if worker_id == "master" else base.parent) / name


@pytest.fixture(scope="session", autouse=True)
def shared_builds_started(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                          worker_id: str) -> None:  # fmt: skip
    """Starts the shared builds the collected tests need in the background before the first test, so that no
    worker sits waiting for one while the other builds it: the first worker to get here starts them, once per
    run."""
    from tests import shared_builds

    for name, fixture in SHARED_BUILDS.items():
        if name == "real_everything" and not SHARED_DATA.exists():
            continue  # the fixture skips (or fails under CI=true) when a test asks for it
        if any(fixture in getattr(item, "fixturenames", ()) for item in request.session.items):
            shared_builds.start(name, _shared_root(tmp_path_factory, worker_id, name))


def _shared_build(name: str, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> tuple[Paths, str]:
    """The shared build `name` (tests/shared_builds.py), started in the background once per test run (before
    the first test, else here), waited for: its paths and what its build printed."""
    from tests import shared_builds

    if name == "real_everything":
        require_shared()
    root = _shared_root(tmp_path_factory, worker_id, name)
    shared_builds.start(name, root)
    return resolve_paths(root / "data", root / "reports"), shared_builds.wait(root)


@pytest.fixture(scope="session")
def real_everything_built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> tuple[Paths, str]:
    """One build, shared read-only by the integration tests of the evidence layer: every real snapshot in
    ../shared/data imported into one data directory (all Missing Migrants CSV files, the UNHCR manifest, the
    ministry's three files, both GLOTIP releases, both Frontex workbooks, both Eurostat migr_eipre responses, each
    with the day it was fetched) and
    the project's published figures (pipelines/defs/published_figures/figures.csv), built with `migration-evidence build --offline --no-images`,
    as a new user would. Returns the paths and what the build printed. Tests must not build into it again.
    Built once per run for every pytest-xdist worker, in the background from the first test on."""
    return _shared_build("real_everything", tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def sample_everything_built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> tuple[Paths, str]:
    """One build of the bundled synthetic sample (every source, static images included), shared read-only by the
    tests of what `make demo` publishes. Returns the paths and what the build printed. Tests must not build into
    it again nor change its files."""
    return _shared_build("sample_everything", tmp_path_factory, worker_id)


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
