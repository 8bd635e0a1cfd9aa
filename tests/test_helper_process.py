"""The build's helper process: calls run there and answer as the function would here (values and exceptions);
a helper that dies or is switched off leaves the work to the caller; it ignores Ctrl-C and ends with its
caller. (A build no longer starts it: the command line and the UI run the same job in one process.)"""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.lib import helper_process
from pipelines.lib.tabular import SourceFormatError

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def helper(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv(helper_process.ENV, "1")
    helper_process.start()
    running = helper_process.running()
    assert running is not None
    yield running
    helper_process.stop(wait=True)
    assert running.process.poll() is not None


class Unrebuildable(Exception):
    """Pickles, but cannot be rebuilt from its pickle (its constructor needs two arguments)."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} and {second}")


def raise_unrebuildable() -> None:
    raise Unrebuildable("one", "two")


def pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_calls_run_in_the_helper_and_answer_as_here(helper: helper_process.Helper) -> None:
    assert helper_process.call("os:getpid") == helper.process.pid != os.getpid()
    frame = pd.DataFrame({"a": pd.array(["x", None], dtype="string"), "b": [1, 2]})
    assert helper_process.call("pandas:concat", [frame, frame], ignore_index=True).equals(
        pd.concat([frame, frame], ignore_index=True)
    )


def test_an_exception_comes_back_as_itself_naming_the_helper(helper: helper_process.Helper) -> None:
    with pytest.raises(ValueError, match="invalid literal") as raised:
        helper_process.call("builtins:int", "not a number")
    assert any("helper process" in note for note in raised.value.__notes__)
    with pytest.raises(SourceFormatError) as raised:  # the project's own, rebuilt from its parts
        helper_process.call("pipelines.lib.tabular:read_xlsx_strict", PROJECT / "README.md", "unodc_glotip")
    assert raised.value.source == "unodc_glotip" and raised.value.file == "README.md"
    assert "not a valid xlsx workbook" in str(raised.value)


def test_an_exception_that_cannot_be_rebuilt_comes_back_as_text(helper: helper_process.Helper) -> None:
    with pytest.raises(helper_process.HelperError, match="Unrebuildable: one and two"):
        helper_process.call("tests.test_helper_process:raise_unrebuildable")
    assert helper_process.call("os:getpid") == helper.process.pid  # and the helper goes on


def test_a_helper_that_dies_leaves_the_call_to_the_caller(
    helper: helper_process.Helper, capfd: pytest.CaptureFixture
) -> None:
    answers: list[int] = []
    caller = threading.Thread(
        target=lambda: answers.append(helper_process.call("tests.test_helper_process:pid_after", 2.0))
    )
    caller.start()
    time.sleep(0.5)
    os.kill(helper.process.pid, signal.SIGKILL)
    caller.join(30)
    assert answers == [os.getpid()]  # run again here
    assert "ended before answering (signal 9)" in capfd.readouterr().err
    assert helper_process.running() is None
    assert helper_process.call("os:getpid") == os.getpid()


def test_switched_off_or_misspelt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(helper_process.ENV, "0")
    helper_process.start()
    assert helper_process.running() is None
    assert helper_process.call("os:getpid") == os.getpid()
    monkeypatch.setenv(helper_process.ENV, "yes")
    with pytest.raises(SystemExit, match=helper_process.ENV):
        helper_process.start()


def test_ctrl_c_is_left_to_the_caller(helper: helper_process.Helper) -> None:
    assert os.getpgid(helper.process.pid) != os.getpgid(0)  # the terminal's Ctrl-C does not reach it
    assert helper_process.call("os:getpid") == helper.process.pid
    os.kill(helper.process.pid, signal.SIGINT)  # nor one sent to it alone
    time.sleep(0.3)
    assert helper.process.poll() is None
    assert helper_process.call("os:getpid") == helper.process.pid


def test_the_helper_ends_when_its_caller_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys, time
        from pipelines.lib import helper_process
        helper_process.start()
        print(helper_process.running().process.pid, flush=True)
        time.sleep(60)
        """
    )
    caller = subprocess.Popen(
        [sys.executable, "-c", script], cwd=PROJECT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, helper_process.ENV: "1"},
    )  # fmt: skip
    pid = int(caller.stdout.readline())
    caller.kill()
    caller.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":  # exited, waiting to be reaped by init
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the helper outlived its caller by 20 s")


def test_a_large_table_goes_to_the_helper_as_parquet_with_the_same_results(
    helper: helper_process.Helper, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above SPLIT_ROWS a check writes each column group to a Parquet file for the helper (removed after): the
    suite's results are those of the same suite run in this process on `.df()` frames."""
    import dagster as dg

    from pipelines.lib import checks, gx_runner
    from pipelines.lib.gx_runner import Expectation

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema meta")  # where validate records the results
    con.execute(
        "create table t as select range as id, (range % 7)::integer as small, "
        "case when range % 5 = 0 then null else 'v' || (range % 3) end as label, "
        "date '2020-01-01' + (range % 400)::integer as day from range(3000)"
    )
    expectations = [
        Expectation("ExpectColumnValuesToBeUnique", {"column": "id"}),
        Expectation("ExpectColumnValuesToBeBetween", {"column": "small", "min_value": 0, "max_value": 5}),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "label", "value_set": ["v0", "v1"]}, "warn"),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "label"}),
        Expectation("ExpectColumnValuesToBeBetween", {"column": "day", "min_value": "2020-01-01", "max_value": "2020-12-31"}),
    ]  # fmt: skip
    monkeypatch.setattr(checks, "SPLIT_ROWS", 1000)
    monkeypatch.setattr(gx_runner, "SPLIT_ROWS", 1000)
    written: list[str] = []
    real_run_suite = gx_runner.run_suite

    def watched(name: str, data: object, items: list) -> object:  # noqa: ANN001
        if isinstance(data, gx_runner.ParquetRows):
            written.append(data.path)
            assert Path(data.path).is_file()
        return real_run_suite(name, data, items)

    monkeypatch.setattr(gx_runner, "run_suite", watched)
    key = dg.AssetKey(["staging", "t"])
    via_helper = checks.validate(con, key, "suite", "select * from t", expectations)
    assert len(written) == 4 and not any(Path(p).exists() for p in written)  # one file per column group
    assert not list(tmp_path.glob(f"{gx_runner.HANDOVER_PREFIX}*"))
    frame = con.execute("select * from t").df()
    here = gx_runner.run_suite_here("suite", frame, expectations)
    got = via_helper.metadata["failed_expectations"].data
    assert not via_helper.passed and not here.success
    assert got == [
        {k: r[k] for k in ("expectation", "kwargs", "unexpected_count", "partial_unexpected", "observed_value", "exception")}
        for r in here.failures()
    ]  # fmt: skip
    assert [e["expectation"] for e in got] == [
        "ExpectColumnValuesToBeBetween", "ExpectColumnValuesToBeInSet", "ExpectColumnValuesToNotBeNull",
        "ExpectColumnValuesToBeBetween",
    ]  # fmt: skip
