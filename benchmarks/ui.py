"""How long the UI takes to show the asset graph: `python -m benchmarks.ui [--runs 3]`.

Starts `dagster-webserver` on the code location (as `make ui` does, on loopback, a fresh DAGSTER_HOME) and times
from the process start until its GraphQL API answers the asset graph the UI draws (every asset node of the code
location). Prints the median with min and max.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from pipelines.settings import PROJECT_ROOT

QUERY = "{ assetNodes { assetKey { path } } }"
TIMEOUT = 120.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _expected_assets() -> int:
    from pipelines.definitions import defs

    return len(defs.resolve_asset_graph().get_all_asset_keys())


def time_to_graph(expected: int, env: dict[str, str] | None = None) -> float:
    """Seconds from starting the webserver until its GraphQL API lists `expected` asset nodes."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as home:
        environment = {**(env or os.environ), "DAGSTER_HOME": home}
        webserver = Path(sys.executable).with_name("dagster-webserver")
        started = time.monotonic()
        process = subprocess.Popen(
            [str(webserver), "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)],
            cwd=PROJECT_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            while time.monotonic() - started < TIMEOUT:
                if process.poll() is not None:
                    raise RuntimeError(f"dagster-webserver exited with {process.returncode}")
                try:
                    answer = requests.post(
                        f"http://127.0.0.1:{port}/graphql", json={"query": QUERY}, timeout=10
                    )
                    nodes = (answer.json().get("data") or {}).get("assetNodes") or []
                    if len(nodes) >= expected:
                        return time.monotonic() - started
                except (requests.RequestException, ValueError):
                    pass
                time.sleep(0.1)
            raise TimeoutError(f"the UI did not list {expected} assets within {TIMEOUT:.0f} s")
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def measure(runs: int = 3, env: dict[str, str] | None = None) -> dict:
    expected = _expected_assets()
    seconds = [time_to_graph(expected, env) for _ in range(runs)]
    return {
        "assets": expected,
        "runs": seconds,
        "n": len(seconds),
        "median": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    found = measure(args.runs)
    print(
        f"UI shows the asset graph ({found['assets']} assets): {found['median']:.1f} s "
        f"(min {found['min']:.1f}, max {found['max']:.1f}; goal ≤ 10 s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
