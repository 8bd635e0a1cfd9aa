from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import time
import zipfile
from pathlib import Path

import pytest

from pipelines.lib.http_fetch import FetchError, FetchResult, fetch, head_validators
from tests.support.http_server import (
    Reply,
    ServerURL,
    http_server,  # noqa: F401
    ok,
    redirect,
    reset,
    serve,
    slow,
    status,
    trickle,
    truncated,
)

UA = "migration-evidence-tests/0.1 (+https://example.org/contact)"
CSV = b"country,year,arrivals\nItaly,2023,157651\nMalta,2023,380\n"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Access  Denied &amp; Blocked</title></head><body>no</body></html>"
)


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def get(base: ServerURL, path: str, dest: Path, **kw: object) -> FetchResult:
    options: dict[str, object] = {"expect": "csv", "user_agent": UA, "backoff": 0.01, "timeout": (2, 2)}
    options.update(kw)
    return fetch("testsrc", base.url(path), dest, **options)  # type: ignore[arg-type]


def fails(base: ServerURL, path: str, dest: Path, **kw: object) -> str:
    with pytest.raises(FetchError) as info:
        get(base, path, dest, **kw)
    message = str(info.value)
    assert "testsrc" in message
    assert info.value.url in message
    assert not dest.exists() or list(dest.iterdir()) == [], "temp file left behind"
    return message


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def test_plain_download_hashes_the_served_bytes(tmp_path: Path) -> None:
    headers = {"ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}
    with serve({"/data.csv": ok(CSV, headers=headers)}) as base:
        result = get(base, "/data.csv", tmp_path / "new")
        recorded = base.requests_for("/data.csv")
    assert result.status == "downloaded"
    assert result.http_status == 200
    assert result.url == base.url("/data.csv")
    assert result.path is not None and result.path.parent == tmp_path / "new"
    assert result.path.read_bytes() == CSV
    assert result.sha256 == hashlib.sha256(CSV).hexdigest()
    assert result.bytes == len(CSV)
    assert (result.etag, result.last_modified) == ('"v1"', "Wed, 01 May 2024 10:00:00 GMT")
    assert result.content_type == "text/csv; charset=utf-8"
    assert len(recorded) == 1
    assert recorded[0].headers["user-agent"] == UA
    assert "if-none-match" not in recorded[0].headers


def test_valid_json_xlsx_bom_csv_and_gzip_encoding(tmp_path: Path) -> None:
    workbook = xlsx_bytes()
    routes = {
        "/a.json": ok(b'{"rows": [1, 2]}', "application/json"),
        "/a.xlsx": ok(workbook, XLSX_TYPE),
        "/bom.csv": ok(b"\xef\xbb\xbfa;x,b\r\n1,2\r\n"),
        "/gz.csv": Reply(200, gzip.compress(CSV), {"Content-Type": "text/csv", "Content-Encoding": "gzip"}),
    }
    with serve(routes) as base:
        assert get(base, "/a.json", tmp_path, expect="json").bytes == 16
        assert get(base, "/a.xlsx", tmp_path, expect="xlsx").sha256 == hashlib.sha256(workbook).hexdigest()
        assert get(base, "/bom.csv", tmp_path).status == "downloaded"
        gz = get(base, "/gz.csv", tmp_path)
    assert gz.path is not None and gz.path.read_bytes() == CSV
    assert gz.sha256 == hashlib.sha256(CSV).hexdigest()


def test_fixture_server_and_head_validators(http_server: ServerURL) -> None:  # noqa: F811
    http_server.routes["/h.csv"] = ok(
        CSV, headers={"ETag": '"abc"', "Last-Modified": "Tue, 02 Jan 2024 00:00:00 GMT"}
    )
    http_server.routes["/moved"] = redirect("/h.csv", 301)
    info = head_validators(
        http_server.url("/moved"), user_agent=UA, timeout=(2, 2), allowed_hosts={"127.0.0.1"}
    )
    assert info == {
        "etag": '"abc"',
        "last_modified": "Tue, 02 Jan 2024 00:00:00 GMT",
        "content_length": len(CSV),
    }
    head = http_server.requests_for("/h.csv")[0]
    assert head.method == "HEAD" and head.headers["user-agent"] == UA
    with pytest.raises(FetchError, match="404"):
        head_validators(http_server.url("/missing"), user_agent=UA, timeout=(2, 2), allowed_hosts=None)


def test_503_with_retry_after_then_200(tmp_path: Path) -> None:
    with serve({"/r.csv": [status(503, retry_after="1"), ok(CSV)]}) as base:
        started = time.monotonic()
        result = get(base, "/r.csv", tmp_path, retries=3)
        elapsed = time.monotonic() - started
        assert base.hits("/r.csv") == 2
    assert result.status == "downloaded" and result.bytes == len(CSV)
    assert 0.9 <= elapsed < 5, "Retry-After: 1 should be honoured"


def test_429_then_200(tmp_path: Path) -> None:
    with serve({"/r.csv": [status(429, retry_after="0"), status(502), ok(CSV)]}) as base:
        assert get(base, "/r.csv", tmp_path, retries=3).status == "downloaded"
        assert base.hits("/r.csv") == 3


def test_500_forever_gives_up_after_retries_plus_one_attempts(tmp_path: Path) -> None:
    with serve({"/e.csv": status(500, b"boom")}) as base:
        message = fails(base, "/e.csv", tmp_path, retries=2)
        assert base.hits("/e.csv") == 3
    assert "500" in message and "gave up after 3 attempts" in message


def test_404_fails_fast_with_status(tmp_path: Path) -> None:
    with serve({}) as base:
        started = time.monotonic()
        with pytest.raises(FetchError) as info:
            get(base, "/nope.csv", tmp_path, retries=4, backoff=1.0)
        assert base.hits() == 1
    assert time.monotonic() - started < 1
    assert "HTTP 404" in str(info.value) and info.value.status == 404
    assert str(base) in str(info.value)


def test_read_timeout(tmp_path: Path) -> None:
    with serve({"/slow.csv": slow(5)}) as base:
        started = time.monotonic()
        message = fails(base, "/slow.csv", tmp_path, timeout=(2, 0.3), retries=1)
        assert base.hits("/slow.csv") == 2
    assert time.monotonic() - started < 2.5
    assert "timed out" in message


def test_connection_reset_retried_then_fails(tmp_path: Path) -> None:
    with serve({"/reset.csv": reset()}) as base:
        message = fails(base, "/reset.csv", tmp_path, retries=2)
        assert base.hits("/reset.csv") == 3
    assert "connection failed" in message and "gave up after 3 attempts" in message


def test_connection_reset_once_then_success(tmp_path: Path) -> None:
    with serve({"/flaky.csv": [reset(), ok(CSV)]}) as base:
        assert get(base, "/flaky.csv", tmp_path, retries=2).bytes == len(CSV)
        assert base.hits("/flaky.csv") == 2


def test_trickle_slower_than_deadline(tmp_path: Path) -> None:
    with serve({"/drip.csv": trickle(CSV * 20, interval=0.05)}) as base:
        started = time.monotonic()
        message = fails(base, "/drip.csv", tmp_path, timeout=(2, 1), deadline=0.5)
        elapsed = time.monotonic() - started
    assert "deadline" in message
    assert elapsed < 1.5


def test_not_modified_via_etag_and_last_modified(tmp_path: Path) -> None:
    lm = "Wed, 01 May 2024 10:00:00 GMT"
    with serve({"/c.csv": ok(CSV, headers={"ETag": '"v7"', "Last-Modified": lm})}) as base:
        by_etag = get(base, "/c.csv", tmp_path, etag='"v7"')
        by_date = get(base, "/c.csv", tmp_path, last_modified=lm)
        changed = get(base, "/c.csv", tmp_path, etag='"v6"')
        sent = base.requests_for("/c.csv")
    for result in (by_etag, by_date):
        assert result.status == "not_modified" and result.http_status == 304
        assert result.path is None and result.sha256 is None and result.bytes is None
        assert result.etag == '"v7"'
    assert changed.status == "downloaded"
    assert sent[0].headers["if-none-match"] == '"v7"'
    assert sent[1].headers["if-modified-since"] == lm
    assert list(tmp_path.iterdir()) == [changed.path]


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirect_followed(tmp_path: Path, code: int) -> None:
    with serve(
        {"/old.csv": redirect("/mid", code), "/mid": redirect("/new.csv", code), "/new.csv": ok(CSV)}
    ) as base:
        result = get(base, "/old.csv", tmp_path, allowed_hosts={"127.0.0.1"})
        assert result.url == base.url("/new.csv")
        assert base.requests_for("/new.csv")[0].headers["user-agent"] == UA
    assert result.sha256 == hashlib.sha256(CSV).hexdigest()


def test_redirect_loop_fails_clearly(tmp_path: Path) -> None:
    with serve({"/a": redirect("/b"), "/b": redirect("/a")}) as base:
        message = fails(base, "/a", tmp_path)
        assert base.hits() == 2
    assert "redirect loop" in message


def test_too_many_redirects(tmp_path: Path) -> None:
    routes = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(10)}
    with serve(routes) as base:
        message = fails(base, "/r0", tmp_path)
        assert base.hits() == 6
    assert "too many redirects" in message


def test_redirect_to_non_allowed_host_refused(tmp_path: Path) -> None:
    with serve({}) as base:
        port = base.rsplit(":", 1)[1]
        base.routes["/go"] = redirect(f"http://localhost:{port}/data.csv")
        base.routes["/data.csv"] = ok(CSV)
        message = fails(base, "/go", tmp_path, allowed_hosts={"127.0.0.1"})
        assert base.hits("/data.csv") == 0
    assert "'localhost' is not in allowed hosts" in message and "redirected from" in message


def test_start_url_with_non_allowed_host_refused(tmp_path: Path) -> None:
    with serve({"/data.csv": ok(CSV)}) as base:
        message = fails(base, "/data.csv", tmp_path, allowed_hosts={"data.example.org"})
        assert base.hits() == 0
    assert "not in allowed hosts" in message


def test_truncated_body_detected(tmp_path: Path) -> None:
    body = CSV * 30
    with serve({"/t.csv": truncated(body, 100)}) as base:
        message = fails(base, "/t.csv", tmp_path)
    assert f"truncated: got 100 of {len(body)} bytes" in message


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/csv"])
def test_html_served_as_csv(tmp_path: Path, content_type: str) -> None:
    with serve({"/x.csv": ok(HTML_PAGE, content_type)}) as base:
        message = fails(base, "/x.csv", tmp_path)
    assert "HTML page instead of csv" in message and "Access Denied & Blocked" in message


def test_html_served_as_xlsx_after_bom_and_whitespace(tmp_path: Path) -> None:
    page = b"\xef\xbb\xbf \n\t<hTmL><HEAD><TITLE>Maintenance</TITLE></HEAD></hTmL>"
    with serve(
        {"/x.xlsx": ok(page, XLSX_TYPE), "/y.xlsx": ok(b"\n<head><title>Login</title></head>", XLSX_TYPE)}
    ) as base:
        assert "title: 'Maintenance'" in fails(base, "/x.xlsx", tmp_path, expect="xlsx")
        assert "title: 'Login'" in fails(base, "/y.xlsx", tmp_path, expect="xlsx")


def test_html_content_type_without_title(tmp_path: Path) -> None:
    with serve({"/z.json": ok(b'{"a": 1}', "text/html")}) as base:
        assert "HTML page instead of json" in fails(base, "/z.json", tmp_path, expect="json")


@pytest.mark.parametrize("expect", ["csv", "json", "xlsx"])
def test_empty_body(tmp_path: Path, expect: str) -> None:
    with serve({"/empty": ok(b"")}) as base:
        assert "empty body" in fails(base, "/empty", tmp_path, expect=expect)


def test_non_zip_xlsx(tmp_path: Path) -> None:
    with serve({"/w.xlsx": ok(CSV, XLSX_TYPE)}) as base:
        assert "not an xlsx workbook" in fails(base, "/w.xlsx", tmp_path, expect="xlsx")


def test_invalid_json(tmp_path: Path) -> None:
    with serve({"/j.json": ok(b'{"a": 1,', "application/json")}) as base:
        assert "invalid JSON" in fails(base, "/j.json", tmp_path, expect="json")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"onlyone\n1\n2\n", "at least 2"),
        (b"a,b\n1,\xff\xfe\n", "not valid UTF-8"),
        (b"a,b\n\xc3", "not valid UTF-8"),
    ],
)
def test_bad_csv(tmp_path: Path, body: bytes, problem: str) -> None:
    with serve({"/b.csv": ok(body)}) as base:
        assert problem in fails(base, "/b.csv", tmp_path)


def test_body_larger_than_max_bytes(tmp_path: Path) -> None:
    body = CSV * 50
    no_length = Reply(200, body, {"Content-Type": "text/csv"}, content_length=False)
    with serve({"/big.csv": ok(body), "/stream.csv": no_length}) as base:
        assert "exceeds the limit of 1000 bytes" in fails(base, "/big.csv", tmp_path, max_bytes=1000)
        assert "exceeds the limit of 1000 bytes" in fails(base, "/stream.csv", tmp_path, max_bytes=1000)
        assert get(base, "/stream.csv", tmp_path).bytes == len(body)


def test_dest_dir_created_and_only_result_file_remains(tmp_path: Path) -> None:
    dest = tmp_path / "a" / "b"
    with serve({"/ok.csv": ok(CSV), "/bad.csv": ok(HTML_PAGE)}) as base:
        with pytest.raises(FetchError):
            get(base, "/bad.csv", dest)
        result = get(base, "/ok.csv", dest)
    assert list(dest.iterdir()) == [result.path]


def test_fetch_error_pickles() -> None:
    err = pickle.loads(pickle.dumps(FetchError("src", "http://h/x", "HTTP 404", status=404)))
    assert (str(err), err.status) == ("src: HTTP 404 [http://h/x]", 404)


def test_unknown_expect_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        fetch("s", "http://127.0.0.1:9/x", tmp_path, expect="html", user_agent=UA)
