"""The evidence brief: escaping of source text, and the page in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pandas as pd
import pytest

from pipelines.defs.curated import brief_page

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_text_from_the_data_is_escaped() -> None:
    snapshots = pd.DataFrame({"source": ["iom_mmp"], "original_name": [HOSTILE], "accessed": ["2025-05-05"],
                              "published": [None], "licence": [HOSTILE], "data_label": ["real"], "sha256": ["ab" * 32]})  # fmt: skip
    page = brief_page.index_html(
        figures=[{"label": HOSTILE, "value": "1", "citation": HOSTILE}], fragments=[], scripts=["assets/plotly.min.js"],
        snapshots=snapshots, sample=False, built_at="now", checks_summary="",
    )  # fmt: skip
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "SAMPLE DATA" not in page
    results = pd.DataFrame({"asset": [HOSTILE], "check_name": ["c"], "expectation": ["e"], "kwargs": [HOSTILE],
                            "success": [False], "severity": ["warn"], "unexpected_count": [1], "element_count": [2],
                            "checked_at": ["t"]})  # fmt: skip
    validation = brief_page.validation_html(results, sample=True, built_at="now")
    assert "<script>alert" not in validation and "warning" in validation and "SAMPLE DATA" in validation
    # a table of an older build (expectation rows only): its failed check is still counted and named
    assert brief_page.validation_summary(results).startswith(
        "1 validation checks (1 validation expectations, 1 not met): 0 failed, 1 warnings."
    )
    checks = results.assign(level="check", outcome="failed", summary=HOSTILE, in_last_build=True)
    shown = brief_page.validation_html(checks, sample=False, built_at="now")
    assert "<script>alert" not in shown and "&lt;script&gt;" in shown


def chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing; `make setup` installs it")
        pytest.skip("chromium not installed")
    return path


def render(url: str, profile, screenshot=None) -> tuple[str, str]:  # noqa: ANN001
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={profile}",
               "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000", "--window-size=1100,2400"]  # fmt: skip
    if screenshot:
        command.append(f"--screenshot={screenshot}")
    else:
        command.append("--dump-dom")
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=120)
    return done.stdout, done.stderr


@pytest.mark.slow
def test_demo_brief_renders_every_chart_without_console_errors(sample_everything_built, tmp_path) -> None:  # noqa: ANN001
    paths, printed = (
        sample_everything_built  # `migration-evidence sample` + `build --offline`, as `make demo`
    )
    index = paths.reports_dir / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "SAMPLE DATA — synthetic, not for citation" in html and 'class="banner"' in html
    assert "https://" not in "".join(re.findall(r'<script[^>]+src="([^"]+)"', html))
    charts = sorted(p.name for p in paths.charts_dir.iterdir() if p.is_dir())
    for chart in charts:
        for suffix in (".html", ".fragment.html", ".png", ".svg", ".csv", ".caption.txt"):
            assert (paths.charts_dir / chart / f"{chart}{suffix}").stat().st_size > 0, (chart, suffix)
    dom, log = render(index.as_uri(), tmp_path / "profile")
    assert len(re.findall(r'class="[^"]*js-plotly-plot', dom)) == len(charts) >= 8
    console = [line for line in log.splitlines() if "CONSOLE" in line]
    assert console == []
    render(index.as_uri(), tmp_path / "profile2", screenshot=tmp_path / "brief_screenshot.png")
    assert (tmp_path / "brief_screenshot.png").stat().st_size > 10_000
    validation = (paths.reports_dir / "validation" / "index.html").read_text(encoding="utf-8")
    summary = printed[printed.index("\nSummary: ") :]
    failed = re.findall(r"^  check ([a-z_]+/[a-z0-9_]+:[a-z0-9_]+): FAILED", summary, flags=re.MULTILINE)
    assert failed and "Every check" in validation and "Every expectation" in validation
    for check in failed:  # every check the build reported as not passed is named in the brief and the report
        assert f"{check} (" in html and check.split(":")[1] in validation
    dictionary = pd.read_csv(paths.reports_dir / "data_dictionary.csv")
    assert {"mmp_incidents", "sea_arrivals_monthly", "central_med_monthly"} <= set(dictionary["table"])
    assert dictionary["description"].notna().mean() > 0.5
