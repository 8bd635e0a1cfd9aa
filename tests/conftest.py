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
