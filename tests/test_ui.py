"""`migration-evidence ui` serves the Dagster UI on 127.0.0.1 with every asset of the code location."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

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


@pytest.mark.slow
def test_ui_serves_the_asset_graph_on_loopback(paths) -> None:  # noqa: ANN001
    port = _free_port()
    env = dict(os.environ, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "ui", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                answer = _graphql(port, "{ assetNodes { assetKey { path } } }")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(1)
        served = {"/".join(node["assetKey"]["path"]) for node in answer["data"]["assetNodes"]}
        expected = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
        assert served == expected
        assert _listening_addresses(port) == {"127.0.0.1"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
