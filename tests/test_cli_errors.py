"""Command-line misuse and failures end in one line on stderr and a documented exit code (README, "Exit
codes"), never a traceback: 1 data refused or build failed, 2 usage error (nothing done), 3 the environment
(a data directory that cannot be written), 4 an internal error (its traceback saved to a file)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.sample.unodc_glotip import xlsx_bytes
from tests.support.workbooks import far_cell, with_sheet_xml

USAGE = [
    (["import", "nosuch", "file.csv"], "unknown source 'nosuch'"),
    (["import", "iom_mmp", "f.csv", "--accessed", "2026-02-30"], "'2026-02-30' is not a calendar date"),
    (["import", "iom_mmp", "f.csv", "--accessed", "yesterday"], "'yesterday' is not a calendar date"),
    (["import", "iom_mmp"], "nothing to import"),
    (
        ["import", "unhcr_odp", "a.json", "b.json", "--url", "https://data.unhcr.org/x"],
        "--url describes one file",
    ),
    (["build", "--snapshot", "bogus"], "'bogus' is not SOURCE=FILE"),
    (["build", "--snapshot", "nosuch=file.csv"], "unknown source 'nosuch'"),
    (["build", "--snapshot", "iom_mmp=no-such-file.csv"], "snapshot 'no-such-file.csv' matches 0 snapshots"),
    (["build", "--source", "nosuch"], "unknown source 'nosuch'"),
    (["build", "--source", "iom_mmp", "--select", "group:iom_mmp"], "choose the assets in two ways"),
    (["refresh", "--source", "nosuch"], "unknown source 'nosuch'"),
    (["accept", "nosuch", "file"], "unknown source 'nosuch'"),
    (["accept", "iom_mmp", "no-such-file.csv"], "no snapshot named 'no-such-file.csv'"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["ui", "--port", "http"], "'http' is not a port number"),
    ([], "the following arguments are required: command"),
]


def _run(argv: list[str], paths, capsys) -> tuple[int, str]:  # noqa: ANN001
    code = cli.main(["--data-dir", str(paths.data_dir), "--reports-dir", str(paths.reports_dir), *argv])
    captured = capsys.readouterr()
    return code, captured.err


@pytest.mark.parametrize(("argv", "expected"), USAGE, ids=[" ".join(a) or "(none)" for a, _ in USAGE])
def test_misuse_is_a_usage_error_in_one_line(argv: list[str], expected: str, paths, capsys) -> None:  # noqa: ANN001
    code, err = _run(argv, paths, capsys)
    assert code == cli.USAGE, err
    assert err.count("\n") == 1 and err.startswith("✘ usage: ") and expected in err, err
    assert not paths.data_dir.exists() or not (paths.data_dir / "curated").exists(), "nothing may be built"


def test_a_data_directory_that_cannot_be_written_is_an_environment_error(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    monkeypatch.setenv("MIGRATION_OFFLINE", "1")  # `build --offline` sets it; restored for the next tests
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    data = tmp_path / "a-file" / "data"
    source = tmp_path / "mmp.csv"
    source.write_bytes(b"a,b\n1,2\n")
    for argv in (["build", "--offline", "--no-images"], ["import", "iom_mmp", str(source)]):
        code = cli.main(["--data-dir", str(data), *argv])
        err = capsys.readouterr().err
        assert code == cli.ENVIRONMENT, err
        lines = [line for line in err.splitlines() if line.startswith("✘")]
        assert len(lines) == 1 and "Not a directory" in lines[0] and "Traceback" not in err, err


def test_an_unexpected_error_is_one_line_and_its_traceback_is_saved(
    paths, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    def broken(_args: object) -> int:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(cli, "cmd_status", broken)
    code, err = _run(["status"], paths, capsys)
    assert code == cli.INTERNAL and err.count("\n") == 1, err
    assert "internal error: RuntimeError: something nobody expected" in err
    saved = Path(err.rsplit("details in ", 1)[1].rstrip(")\n"))
    assert "Traceback" in saved.read_text() and "something nobody expected" in saved.read_text()
    saved.unlink()


def test_import_refuses_a_hostile_workbook_in_one_line(paths, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    book = tmp_path / "data_glotip.xlsx"
    book.write_bytes(far_cell(xlsx_bytes([["UNODC"], ["14/04/2025"], ["a"], ["1"]])))
    code, err = _run(["import", "unodc_glotip", str(book)], paths, capsys)
    assert code == cli.FAILED and err.count("\n") == 1, err
    assert "column 16,384" in err and "refused before reading it" in err, err


def test_import_of_an_unreadable_workbook_stores_it_rejected_and_says_so(
    paths, tmp_path: Path, capsys
) -> None:  # noqa: ANN001
    book = tmp_path / "data_glotip.xlsx"
    book.write_bytes(with_sheet_xml(xlsx_bytes([["UNODC"], ["14/04/2025"]]), lambda xml: xml[:-40]))
    code, err = _run(["import", "unodc_glotip", str(book)], paths, capsys)
    assert code == cli.FAILED, err
    assert err.count("\n") == 1 and "marked rejected" in err and "cannot be read as xlsx" in err, err


@pytest.mark.slow
def test_the_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    """The same through the real entry point in a fresh process (the exit codes survive `run`)."""
    for argv, code in (
        (["import", "nosuch", "x"], cli.USAGE),
        (["import", "iom_mmp", "x", "--accessed", "2026-02-30"], cli.USAGE),
        (["build", "--snapshot", "bogus"], cli.USAGE),
    ):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "from pipelines.cli import run; run()",
                "--data-dir",
                str(tmp_path),
                *argv,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == code and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.count("\n") == 1, done.stderr
