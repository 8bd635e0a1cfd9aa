"""Security: text from the sources never runs in charts or the brief (checked in headless Chromium); stored file
names cannot leave the raw store; only the configured hosts are fetched; xlsx reading is bounded; the UI listens
on 127.0.0.1 by default; no credential is needed, read or stored."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines import cli
from pipelines.defs.iom_mmp.source import SOURCE as IOM_MMP
from pipelines.lib import raw_store, tabular
from pipelines.lib.http_fetch import FetchError, fetch
from pipelines.settings import USER_AGENT, Paths
from tests.conftest import ROOT
from tests.reliability import corpus, support
from tests.reliability.conftest import GoodBuild, Recorder
from tests.reliability.support import build
from tests.support.http_server import ok, redirect, serve

pytestmark = pytest.mark.reliability

IMG = "<img src=x onerror=\"document.title='pwned'\">"
SCRIPT = "<script>document.title='pwned'</script>"
# A file name cannot hold "/", so the stored file's original name carries the element without a closing tag.
HOSTILE_NAME = "<img src=x onerror=\"document.title='pwned'\">.csv"
SENTINEL = "sentinel-credential-7f3a9c"
SECRET_ENV = {"MIGRATION_API_TOKEN": SENTINEL, "AWS_SECRET_ACCESS_KEY": SENTINEL, "GITHUB_TOKEN": SENTINEL}
CREDENTIAL = re.compile(
    r"(?i)passw(or)?d|secret|api[_-]?key|authorization|bearer|\btoken\b|cookie|://[^/\s\"']*:[^/\s\"']*@"
)


@dataclass(frozen=True)
class HostileBuild:
    paths: Paths
    snapshot: raw_store.Snapshot


def _hostile_mmp() -> bytes:
    """The sample with script in incident ids (the map's hover text), route labels (the flows chart's nodes)
    and a place name."""
    rows = corpus.rows_of(corpus.sample_mmp())
    header = rows[0]
    central = [
        i for i, r in enumerate(rows) if i and r[header.index("Migration Route")] == "Central Mediterranean"
    ]
    other = [
        i for i, r in enumerate(rows) if i and r[header.index("Migration Route")] == "Eastern Mediterranean"
    ]
    rows[central[0]][header.index("Incident ID")] = IMG
    rows[central[1]][header.index("Incident ID")] = SCRIPT
    rows[central[2]][header.index("Location of Incident")] = SCRIPT + IMG
    rows[other[0]][header.index("Migration Route")] = SCRIPT
    rows[other[1]][header.index("Migration Route")] = IMG
    return corpus.csv_bytes(rows)


@pytest.fixture(scope="module")
def hostile_build(good_build: GoodBuild, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileBuild]:
    """The good build, then a Missing Migrants file carrying HTML and script (in cells and in its name) built
    with secrets in the environment that nothing may read."""
    root = tmp_path_factory.mktemp("hostile")
    paths = support.clone(good_build.root, root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MIGRATION_DATA_DIR", str(paths.data_dir))
        patch.setenv("MIGRATION_REPORTS_DIR", str(paths.reports_dir))
        for name, value in SECRET_ENV.items():
            patch.setenv(name, value)
        snapshot = support.land_bytes(paths, "iom_mmp", HOSTILE_NAME, _hostile_mmp(), root / "in")
        ok, report = build(paths)
        assert ok, report.failures
    yield HostileBuild(paths, snapshot)


def _chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing; `make setup` installs it")
        pytest.skip("chromium not installed")
    return path


def _dump_dom(page: Path, profile: Path) -> str:
    command = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}", "--enable-logging=stderr",
               "--v=0", "--virtual-time-budget=10000", "--dump-dom", page.as_uri()]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "</html>" in done.stdout, done.stderr[-2000:]
    return done.stdout


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    return match.group(1) if match else ""


def _injected_elements(dom: str) -> list[str]:
    """Elements the payloads would have created, outside script bodies (which hold the chart data as JSON)."""
    outside = re.sub(r"<script\b[^>]*>.*?</script>", "", dom, flags=re.S | re.I)
    return re.findall(r"<img\b[^>]*onerror[^>]*>|<script>document\.title", outside, re.I)


def test_html_and_script_from_sources_never_run_in_charts_or_the_brief(
    hostile_build: HostileBuild, tmp_path: Path, recorder: Recorder
) -> None:
    paths = hostile_build.paths
    reports = paths.reports_dir
    pages = {
        "brief": reports / "index.html",
        "map": reports / "charts" / "central_med_incident_map" / "central_med_incident_map.html",
        "sankey": reports / "charts" / "central_med_flows_sankey" / "central_med_flows_sankey.html",
    }
    with recorder.case("security", "HTML/JS in source text never runs"):
        # the payloads did reach the outputs (so this test is not vacuous)...
        caption = (
            reports / "charts" / "central_med_incident_map" / "central_med_incident_map.caption.txt"
        ).read_text()
        assert HOSTILE_NAME in caption  # a plain-text caption carries the original file name as it is
        brief = pages["brief"].read_text(encoding="utf-8")
        assert "&lt;img src=x onerror=" in brief  # the brief lists the file name, escaped
        chart = pages["map"].read_text(encoding="utf-8")
        assert "onerror=" in chart and "document.title=" in chart  # the hover data, as JSON
        assert "pwned" in pages["sankey"].read_text(encoding="utf-8")  # the unknown route labels, as nodes
        # ...and none of them ran in a real browser
        for name, page in pages.items():
            source_title = _title(page.read_text(encoding="utf-8"))
            dom = _dump_dom(page, tmp_path / f"profile-{name}")
            assert _title(dom) == source_title and "pwned" not in _title(dom), (name, _title(dom))
            assert _injected_elements(dom) == [], (name, _injected_elements(dom))


def test_stored_file_names_cannot_leave_the_raw_store(tmp_path: Path, recorder: Recorder) -> None:
    raw = tmp_path / "raw"
    file = tmp_path / "in" / "data.csv"
    file.parent.mkdir()
    with recorder.case("security", "file names stay in the raw store"):
        for index, name in enumerate(
            ["../../etc/passwd", "..\\..\\windows\\evil.csv", "/etc/cron.d/x", "..", ".hidden"]
        ):
            file.write_bytes(corpus.sample_mmp()[:20_000].rsplit(b"\n", 1)[0] + f"\n{index}".encode())
            snapshot = raw_store.land(raw, IOM_MMP, file, arrival="live", original_name=name)
            assert snapshot.path.parent == raw / "iom_mmp", snapshot.path
            assert snapshot.path.resolve().is_relative_to((raw / "iom_mmp").resolve())
            assert "/" not in snapshot.name and not snapshot.name.startswith(".")
            assert snapshot.provenance["original_name"] == name  # kept as provenance, never used as a path
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "raw"]
        assert sorted(p.name for p in raw.iterdir()) == ["iom_mmp"]


def test_only_configured_hosts_are_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with (
        recorder.case("security", "only configured hosts"),
        serve(
            {"/data.csv": redirect("http://downloads.example.invalid/data.csv"), "/ok.csv": ok(b"a,b\n1,2\n")}
        ) as base,
    ):
        with pytest.raises(FetchError, match=r"host 'downloads\.example\.invalid' is not in allowed hosts"):
            fetch("iom_mmp", f"{base}/data.csv", tmp_path, expect="csv", user_agent=USER_AGENT,
                  allowed_hosts={"127.0.0.1"}, retries=0)  # fmt: skip
        with pytest.raises(FetchError, match="not in allowed hosts"):
            fetch("iom_mmp", "http://downloads.example.invalid/x.csv", tmp_path, expect="csv",
                  user_agent=USER_AGENT, allowed_hosts={"127.0.0.1"}, retries=0)  # fmt: skip
        assert base.hits() == 1  # the redirect was read, never followed; nothing else was contacted
        fetched = fetch("iom_mmp", f"{base}/ok.csv", tmp_path, expect="csv", user_agent=USER_AGENT,
                        allowed_hosts={"127.0.0.1"}, retries=0)  # fmt: skip
        assert fetched.status == "downloaded"
        assert not {"authorization", "cookie"} & set(base.requests_for("/ok.csv")[0].headers)


def test_xlsx_reading_is_bounded_in_uncompressed_size(tmp_path: Path, recorder: Recorder) -> None:
    with recorder.case("security", "xlsx reading bounded"):
        bomb = tmp_path / "bomb.xlsx"
        bomb.write_bytes(corpus.zip_bomb(declared=50 * tabular.MAX_XLSX_UNCOMPRESSED))
        assert bomb.stat().st_size < 100_000
        with pytest.raises(tabular.SourceFormatError, match="would expand to"):
            tabular.read_xlsx_strict(bomb, "unodc_glotip")
        with pytest.raises(raw_store.RawStoreError, match="would expand to"):
            raw_store.land(tmp_path / "raw", IOM_MMP, bomb, arrival="import")
        workbook = tmp_path / "data_glotip.xlsx"
        workbook.write_bytes(corpus.glotip_xlsx(corpus.glotip_rows()))
        assert tabular.xlsx_problem(workbook) is None
        assert "would expand to" in tabular.xlsx_problem(workbook, limit=1_000)


def test_the_ui_listens_on_loopback_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    launched: list[list[str]] = []

    def _execv(_program: str, argv: list[str]) -> None:
        launched.append(list(argv))

    monkeypatch.setattr(os, "execv", _execv)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    with recorder.case("security", "UI on 127.0.0.1"):
        assert cli.parser().parse_args(["ui"]).host == "127.0.0.1"
        help_text = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "ui", "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        assert "--host" in help_text
        cli.main(["--data-dir", str(tmp_path / "data"), "--reports-dir", str(tmp_path / "reports"), "ui"])
        (argv,) = launched
        assert argv[argv.index("--host") + 1] == "127.0.0.1"


def test_no_credentials_are_needed_read_or_stored(
    good_build: GoodBuild, hostile_build: HostileBuild, recorder: Recorder
) -> None:
    with recorder.case("security", "no credentials"):
        # the code reads only these settings from the environment (none of them a secret)
        read = set()
        for file in (ROOT / "pipelines").rglob("*.py"):
            read |= set(
                re.findall(
                    r"""(?:environ\.get|environ\[|getenv)\(?\s*f?["']([A-Z_{}.a-z]+)""", file.read_text()
                )
            )
        assert not {
            name for name in read if re.search(r"(?i)secret|token|passw|key|credential|auth", name)
        }, read
        # nothing that looks like a credential is stored in the sidecars or the published database...
        for paths in (good_build.paths, hostile_build.paths):
            for sidecar in paths.raw_dir.rglob(f"*{raw_store.SIDECAR_SUFFIX}"):
                text = sidecar.read_text(encoding="utf-8")
                assert not CREDENTIAL.search(text), (sidecar.name, CREDENTIAL.search(text))
            con = duckdb.connect(str(paths.published_db), read_only=True)
            try:
                columns = con.execute("select column_name from duckdb_columns()").fetchall()
                assert not [c for (c,) in columns if CREDENTIAL.search(c)]
                snapshot_text = " ".join(
                    str(v)
                    for row in con.execute("select * from curated.source_snapshots").fetchall()
                    for v in row
                )
                assert not CREDENTIAL.search(snapshot_text)
            finally:
                con.close()
        # ...and the secrets in the build's environment reached no output
        paths = hostile_build.paths
        outputs = [*paths.data_dir.rglob("*"), *paths.reports_dir.rglob("*")]
        leaked = [p for p in outputs if p.is_file() and SENTINEL.encode() in p.read_bytes()]
        assert leaked == []
