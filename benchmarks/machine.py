"""What the figures were measured on: cores, memory, CPU model, Python, package versions, the code's commit."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata

from pipelines.settings import PROJECT_ROOT

PACKAGES = (
    "dagster", "duckdb", "pandas", "pyarrow", "great-expectations", "plotly", "kaleido", "choreographer",
    "python-calamine", "numpy", "openpyxl", "pyinstrument",
)  # fmt: skip


def _meminfo_mb(field: str) -> int | None:
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _command(*args: str) -> str | None:
    try:
        return subprocess.run(
            args, capture_output=True, text=True, timeout=20, cwd=PROJECT_ROOT
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def describe() -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    status = _command("git", "status", "--porcelain")
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "memory_mb": _meminfo_mb("MemTotal"),
        "memory_available_mb": _meminfo_mb("MemAvailable"),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": versions,
        "chromium": _command("chromium", "--version") or _command("/usr/bin/chromium", "--version"),
        "git_commit": _command("git", "rev-parse", "--short", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "load_average": os.getloadavg(),
    }


def one_line(machine: dict) -> str:
    return (
        f"{machine['cpu_model']}, {machine['cores_usable']} cores, {machine['memory_mb'] / 1024:.1f} GiB RAM, "
        f"{machine['os']}, Python {machine['python']}, chromium {machine['chromium'] or 'not found'}"
    )
