"""`migration-evidence ui` serves the Dagster UI on 127.0.0.1 with every asset, check, schedule and sensor of the
code location; the definitions pass `dagster definitions validate`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import dagster as dg
import pytest

from pipelines.definitions import defs
from tests.conftest import ROOT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, from /proc/net/tcp (and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as handle:
            for line in list(handle)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    if len(address) == 8:
                        found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                    else:
                        found.add("ipv6:" + address)
    return found


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


ASSETS_AND_CHECKS = (
    "{ assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks { name } } } } }"
)
AUTOMATION = "{ repositoriesOrError { ... on RepositoryConnection { nodes { schedules { name } sensors { name } jobs { name } } } } }"


def _stop(process: subprocess.Popen) -> None:
    """Ctrl-C, as `dagster dev` expects, then the whole process group if it lingers."""
    for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            break
    try:
        os.killpg(process.pid, signal.SIGKILL)  # children the server left behind
    except ProcessLookupError:
        pass


def _answering(port: int, process: subprocess.Popen) -> None:
    """Waits until the webserver started as `process` answers GraphQL on `port`."""
    deadline = time.monotonic() + 120
    while True:
        try:
            _graphql(port, ASSETS_AND_CHECKS)
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(1)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """One `migration-evidence ui` for the module, on a data directory whose raw store holds the Missing Migrants
    and ministry fixtures; a copy of that raw store is built by the command line (`build --offline
    --no-images`) while the webserver starts. Yields the port and the command line's and the UI's paths."""
    from pipelines.settings import resolve_paths
    from tests.build_helpers import land_mmp
    from tests.conftest import FIXTURES
    from tests.test_operations_build import _land_italy

    root = tmp_path_factory.mktemp("ui")
    cli, ui = resolve_paths(root / "cli" / "data"), resolve_paths(root / "ui" / "data")
    land_mmp(cli, FIXTURES / "iom_mmp" / "export_2025.csv", accessed="2025-05-05")
    _land_italy(cli)
    shutil.copytree(cli.raw_dir, ui.raw_dir)
    base = dict(os.environ, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1", MIGRATION_OFFLINE="1")
    env = dict(base, MIGRATION_DATA_DIR=str(ui.data_dir), MIGRATION_REPORTS_DIR=str(root / "ui" / "reports"),
               DAGSTER_HOME=str(root / "ui" / "dagster"))  # fmt: skip
    port = _free_port()
    starting = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "ui", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        built = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "--data-dir", str(cli.data_dir), "--reports-dir",
             str(root / "cli" / "reports"), "build", "--offline", "--no-images"],
            cwd=ROOT, env=dict(base, DAGSTER_HOME=str(root / "cli" / "dagster")),
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert built.returncode == 0, built.stderr[-3000:]
        _answering(port, starting)
        yield port, cli, ui
    finally:
        _stop(starting)


@pytest.mark.slow
def test_ui_serves_the_asset_graph_checks_schedules_and_sensors_on_loopback(served) -> None:  # noqa: ANN001
    port = served[0]
    answer = _graphql(port, ASSETS_AND_CHECKS)
    automation = _graphql(port, AUTOMATION)
    assert _listening_addresses(port) == {"127.0.0.1"}

    nodes = answer["data"]["assetNodes"]
    served = {"/".join(node["assetKey"]["path"]) for node in nodes}
    graph = defs.resolve_asset_graph()
    assert served == {key.to_user_string() for key in graph.get_all_asset_keys()}
    served_checks = {
        f"{'/'.join(node['assetKey']['path'])}:{check['name']}"
        for node in nodes
        for check in node["assetChecksOrError"]["checks"]
    }
    assert served_checks == {f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys}
    (repository,) = automation["data"]["repositoriesOrError"]["nodes"]
    assert {s["name"] for s in repository["schedules"]} == {s.name for s in defs.schedules}
    assert {s["name"] for s in repository["sensors"]} == {s.name for s in defs.sensors}
    assert {j["name"] for j in repository["jobs"]} >= {"refresh_and_build", "freshness_checks"}


@pytest.mark.slow
def test_dagster_definitions_validate_passes(tmp_path) -> None:  # noqa: ANN001
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
    answer = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-m", "pipelines.definitions"],
        cwd=ROOT,
        env=dict(os.environ, DAGSTER_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert "All code locations passed validation" in answer.stdout + answer.stderr


@pytest.mark.slow
def test_materialize_all_through_the_uis_graphql_api_builds_what_the_command_line_builds(served) -> None:  # noqa: ANN001
    """The job the command line launches is the one the UI's "Materialize all" launches: started through the
    webserver's GraphQL API (as the button does: the code location's asset job, every asset selected that the raw
    store can feed, here the Missing Migrants and ministry fixtures) on a copy of the same raw store, it
    publishes the same curated and staging tables."""
    from dagster_graphql import DagsterGraphQLClient

    from pipelines.runner import _buildable
    from tests.reliability.support import table_digests

    port, cli, ui = served

    every_asset = sorted(_buildable(defs.resolve_asset_graph(), ui))
    assert dg.AssetKey(["publish", "evidence_duckdb"]) in every_asset
    client = DagsterGraphQLClient("127.0.0.1", port_number=port)
    run_id = client.submit_job_execution(
        defs.resolve_implicit_global_asset_job_def().name,
        run_config={"resources": {"warehouse": {"config": {"static_images": False}}}},
        asset_selection=every_asset,
    )
    deadline = time.monotonic() + 900
    status = client.get_run_status(run_id)
    while status.value not in ("SUCCESS", "FAILURE", "CANCELED"):
        assert time.monotonic() < deadline, f"the run is still {status.value}"
        time.sleep(2)
        status = client.get_run_status(run_id)
    assert status.value == "SUCCESS"
    assert ui.published_db.exists()
    schemas = ("curated", "staging")
    from_cli, from_ui = table_digests(cli.published_db, schemas), table_digests(ui.published_db, schemas)
    assert from_cli and set(from_cli) == set(from_ui)
    assert {name for name in from_cli if from_cli[name] != from_ui[name]} == set()
