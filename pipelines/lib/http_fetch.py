"""Live downloads: retries, conditional requests, host allow-list, body validation."""

from __future__ import annotations

import codecs
import csv
import hashlib
import html
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, ReadTimeoutError, ResponseError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util.retry import Retry

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
EXPECTED_KINDS = frozenset({"csv", "json", "xlsx"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
HTML_PREFIXES = (b"<!doctype html", b"<html", b"<head")
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 16
ERROR_KINDS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((ConnectTimeoutError, requests.ConnectTimeout), "connect timed out"),
    ((ReadTimeoutError, TimeoutError, requests.ReadTimeout), "read timed out"),
    ((ResponseError,), "server kept failing"),
)


class FetchError(Exception):
    """A download failed; the message names the source, the URL and the problem."""

    def __init__(self, source: str, url: str, problem: str, status: int | None = None) -> None:
        super().__init__(f"{source}: {problem} [{url}]")
        self.source, self.url, self.problem, self.status = source, url, problem, status

    def __reduce__(self) -> tuple[type[FetchError], tuple[str, str, str, int | None]]:
        return (FetchError, (self.source, self.url, self.problem, self.status))


@dataclass
class FetchResult:
    status: str
    url: str
    path: Path | None
    sha256: str | None
    bytes: int | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    http_status: int


@dataclass
class _Call:
    source: str
    session: requests.Session
    timeout: tuple[float, float]
    allowed: set[str] | None
    attempts: int
    deadline: float
    deadline_at: float

    def fail(self, url: str, problem: str, status: int | None = None) -> FetchError:
        return FetchError(self.source, url, problem, status)


def _call(
    source: str,
    user_agent: str,
    timeout: tuple[float, float],
    retries: int,
    backoff: float,
    allowed_hosts: set[str] | None,
    deadline: float,
) -> _Call:
    retry = Retry(
        total=retries,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        retry_after_max=max(1, int(min(deadline, Retry.DEFAULT_RETRY_AFTER_MAX))),
        raise_on_status=True,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    allowed = {h.lower() for h in allowed_hosts} if allowed_hosts is not None else None
    return _Call(source, session, timeout, allowed, retries + 1, deadline, time.monotonic() + deadline)


def _describe(exc: BaseException, attempts: int) -> str:
    chain = [exc]
    while len(chain) < 10:
        nxt = getattr(chain[-1], "reason", None)
        if not isinstance(nxt, BaseException):
            nxt = next((a for a in chain[-1].args if isinstance(a, BaseException)), chain[-1].__cause__)
        if nxt is None or nxt in chain:
            break
        chain.append(nxt)
    kind = next(
        (k for types, k in ERROR_KINDS if any(isinstance(e, types) for e in chain)), "connection failed"
    )
    gave_up = any(isinstance(e, MaxRetryError) for e in chain)
    return f"{kind}: {chain[-1]}" + (f" (gave up after {attempts} attempts)" if gave_up else "")


def _check_url(call: _Call, url: str, origin: str | None) -> None:
    host = urlsplit(url).hostname
    via = f" (redirected from {origin})" if origin else ""
    if urlsplit(url).scheme not in ("http", "https") or not host:
        raise call.fail(url, f"unsupported URL{via}")
    if call.allowed is not None and host.lower() not in call.allowed:
        raise call.fail(url, f"host {host!r} is not in allowed hosts {sorted(call.allowed)}{via}")


def _open(call: _Call, method: str, url: str, headers: dict[str, str]) -> requests.Response:
    chain = [url]
    while True:
        current = chain[-1]
        _check_url(call, current, url if len(chain) > 1 else None)
        if time.monotonic() > call.deadline_at:
            raise call.fail(current, f"the {call.deadline:g}s deadline passed while following redirects")
        try:
            resp = call.session.request(
                method, current, headers=headers, timeout=call.timeout, stream=True, allow_redirects=False
            )
        except (requests.RequestException, Urllib3Error) as exc:
            raise call.fail(current, _describe(exc, call.attempts)) from exc
        if resp.status_code not in REDIRECT_STATUSES:
            if resp.status_code not in (200, 304):
                resp.close()
                raise call.fail(
                    current, f"HTTP {resp.status_code} {resp.reason or ''}".rstrip(), resp.status_code
                )
            return resp
        location = resp.headers.get("Location")
        resp.close()
        if not location:
            raise call.fail(current, f"HTTP {resp.status_code} redirect without a Location header")
        target = urljoin(current, location)
        if target in chain:
            raise call.fail(url, "redirect loop: " + " -> ".join([*chain, target]))
        if len(chain) > MAX_REDIRECTS:
            raise call.fail(url, f"too many redirects (more than {MAX_REDIRECTS})")
        chain.append(target)


def _content_length(resp: requests.Response) -> int | None:
    value = resp.headers.get("Content-Length", "").strip()
    return int(value) if value.isdigit() else None


def _meta(resp: requests.Response) -> dict[str, str | None]:
    h = resp.headers
    return {
        "etag": h.get("ETag"),
        "last_modified": h.get("Last-Modified"),
        "content_type": h.get("Content-Type"),
    }


def _html_title(head: bytes) -> str | None:
    match = re.search(rb"<title[^>]*>(.*?)</title", head, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    title = " ".join(html.unescape(match.group(1).decode("utf-8", "replace")).split())
    return title[:200] or None


def _looks_like_html(head: bytes) -> bool:
    return head.removeprefix(codecs.BOM_UTF8).lstrip()[:16].lower().startswith(HTML_PREFIXES)


def _check_csv(path: Path, head: bytes) -> str | None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(CHUNK * 16), b""):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return f"CSV is not valid UTF-8: {exc.reason} at {exc.object[exc.start : exc.start + 4]!r}"
    header = re.split(r"\r\n?|\n", head.decode("utf-8-sig", "ignore"), maxsplit=1)[0]
    fields = next(csv.reader([header]), [])
    if len(fields) < 2:
        return f"CSV header has {len(fields)} field(s), expected at least 2: {header[:120]!r}"
    return None


def _validate(path: Path, expect: str, content_type: str | None) -> str | None:
    if path.stat().st_size == 0:
        return "empty body"
    with path.open("rb") as fh:
        head = fh.read(CHUNK)
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in HTML_TYPES or _looks_like_html(head):
        title = _html_title(head)
        return f"got an HTML page instead of {expect}" + (f" (title: {title!r})" if title else "")
    if expect == "xlsx" and not head.startswith(ZIP_MAGIC):
        return f"not an xlsx workbook: body starts with {head[:8]!r}, expected zip magic {ZIP_MAGIC!r}"
    if expect == "json":
        try:
            json.loads(path.read_bytes().decode("utf-8-sig"))
        except ValueError as exc:
            return f"invalid JSON: {exc}"
    if expect == "csv":
        return _check_csv(path, head)
    return None


def _download(
    call: _Call, resp: requests.Response, dest_dir: Path, expect: str, max_bytes: int
) -> FetchResult:
    url, length = resp.url, _content_length(resp)
    if length is not None and length > max_bytes:
        raise call.fail(url, f"Content-Length {length} exceeds the limit of {max_bytes} bytes")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", call.source)[:40]
    fd, name = tempfile.mkstemp(dir=dest_dir, prefix=f".{safe}-", suffix=".part")
    path = Path(name)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as fh:
            while True:
                if time.monotonic() > call.deadline_at:
                    raise call.fail(
                        url, f"download exceeded the {call.deadline:g}s deadline after {size} bytes"
                    )
                try:
                    chunk = resp.raw.read1(CHUNK, decode_content=True)
                except (requests.RequestException, Urllib3Error, OSError) as exc:
                    described = _describe(exc, 1)
                    if length is not None and resp.raw.tell() < length:
                        cause = described.split(":", 1)[0]  # e.g. "read timed out", "connection failed"
                        raise call.fail(
                            url, f"truncated: got {resp.raw.tell()} of {length} bytes ({cause})"
                        ) from exc
                    raise call.fail(url, described) from exc
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise call.fail(url, f"body exceeds the limit of {max_bytes} bytes")
                digest.update(chunk)
                fh.write(chunk)
        if length is not None and resp.raw.tell() != length:
            raise call.fail(url, f"truncated: got {resp.raw.tell()} of {length} bytes")
        problem = _validate(path, expect, resp.headers.get("Content-Type"))
        if problem:
            raise call.fail(url, problem)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FetchResult("downloaded", url, path, digest.hexdigest(), size, http_status=200, **_meta(resp))


def fetch(
    source: str,
    url: str,
    dest_dir: Path,
    *,
    expect: str,
    etag: str | None = None,
    last_modified: str | None = None,
    user_agent: str,
    timeout: tuple[float, float] = (10, 60),
    retries: int = 4,
    backoff: float = 1.0,
    max_bytes: int = 500_000_000,
    allowed_hosts: set[str] | None = None,
    deadline: float = 600,
) -> FetchResult:
    """GET `url` into a temp file in `dest_dir`, validated as `expect`; a 304 gives "not_modified"."""
    if expect not in EXPECTED_KINDS:
        raise ValueError(f"expect must be one of {sorted(EXPECTED_KINDS)}, not {expect!r}")
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    call = _call(source, user_agent, timeout, retries, backoff, allowed_hosts, deadline)
    with call.session, _open(call, "GET", url, headers) as resp:
        if resp.status_code == 200:
            return _download(call, resp, dest_dir, expect, max_bytes)
        if not headers:
            raise call.fail(resp.url, "HTTP 304 Not Modified to an unconditional request", 304)
        meta = _meta(resp)
        meta["etag"] = meta["etag"] or etag
        meta["last_modified"] = meta["last_modified"] or last_modified
        return FetchResult("not_modified", resp.url, None, None, None, http_status=304, **meta)


def head_validators(
    url: str,
    *,
    user_agent: str,
    timeout: tuple[float, float] = (10, 30),
    allowed_hosts: set[str] | None = None,
    source: str = "head",
    retries: int = 2,
    backoff: float = 1.0,
) -> dict[str, str | int | None]:
    """HEAD `url` (following allowed redirects); returns its etag, last_modified and content_length."""
    call = _call(source, user_agent, timeout, retries, backoff, allowed_hosts, 120.0)
    with call.session, _open(call, "HEAD", url, {}) as resp:
        if resp.status_code != 200:
            raise call.fail(resp.url, f"HTTP {resp.status_code} to an unconditional HEAD", resp.status_code)
        h = resp.headers
        return {
            "etag": h.get("ETag"),
            "last_modified": h.get("Last-Modified"),
            "content_length": _content_length(resp),
        }
