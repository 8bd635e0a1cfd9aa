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


def _session(user_agent: str, retries: int, backoff: float, deadline: float) -> requests.Session:
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
    return session


def _describe(exc: BaseException, attempts: int) -> str:
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 10 and cur not in chain:
        chain.append(cur)
        nxt = getattr(cur, "reason", None)
        if not isinstance(nxt, BaseException):
            nxt = next((a for a in cur.args if isinstance(a, BaseException)), None) or cur.__cause__
        cur = nxt
    if any(isinstance(e, (ConnectTimeoutError, requests.ConnectTimeout)) for e in chain):
        kind = "connect timed out"
    elif any(isinstance(e, (ReadTimeoutError, TimeoutError, requests.ReadTimeout)) for e in chain):
        kind = "read timed out"
    elif any(isinstance(e, ResponseError) for e in chain):
        kind = "server kept failing"
    else:
        kind = "connection failed"
    text = f"{kind}: {chain[-1]}"
    if any(isinstance(e, MaxRetryError) for e in chain):
        text += f" (gave up after {attempts} attempts)"
    return text


def _check_url(source: str, url: str, allowed: set[str] | None, origin: str | None) -> None:
    parts = urlsplit(url)
    via = f" (redirected from {origin})" if origin else ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(source, url, f"unsupported URL{via}")
    if allowed is not None and parts.hostname.lower() not in allowed:
        raise FetchError(source, url, f"host {parts.hostname!r} is not in allowed hosts {sorted(allowed)}{via}")


def _open(
    session: requests.Session,
    source: str,
    method: str,
    url: str,
    headers: dict[str, str],
    timeout: tuple[float, float],
    allowed: set[str] | None,
    attempts: int,
    deadline_at: float,
) -> requests.Response:
    chain = [url]
    while True:
        current = chain[-1]
        _check_url(source, current, allowed, url if len(chain) > 1 else None)
        if time.monotonic() > deadline_at:
            raise FetchError(source, current, "deadline exceeded while following redirects")
        try:
            resp = session.request(
                method, current, headers=headers, timeout=timeout, stream=True, allow_redirects=False
            )
        except (requests.RequestException, Urllib3Error) as exc:
            raise FetchError(source, current, _describe(exc, attempts)) from exc
        if resp.status_code not in REDIRECT_STATUSES:
            return resp
        location = resp.headers.get("Location")
        resp.close()
        if not location:
            raise FetchError(source, current, f"HTTP {resp.status_code} redirect without a Location header")
        target = urljoin(current, location)
        if target in chain:
            raise FetchError(source, url, "redirect loop: " + " -> ".join([*chain, target]))
        if len(chain) > MAX_REDIRECTS:
            raise FetchError(source, url, f"too many redirects (more than {MAX_REDIRECTS})")
        chain.append(target)


def _content_length(resp: requests.Response) -> int | None:
    value = resp.headers.get("Content-Length", "").strip()
    return int(value) if value.isdigit() else None


def _html_title(head: bytes) -> str | None:
    match = re.search(rb"<title[^>]*>(.*?)</title", head, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    title = " ".join(html.unescape(match.group(1).decode("utf-8", "replace")).split())
    return title[:200] or None


def _looks_like_html(head: bytes) -> bool:
    start = head.removeprefix(codecs.BOM_UTF8).lstrip()[:32].lower()
    return start.startswith(HTML_PREFIXES)


def _check_csv(path: Path) -> str | None:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pieces: list[str] = []
    header: str | None = None
    offset = 0
    with path.open("rb") as fh:
        while block := fh.read(CHUNK * 16):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                return f"CSV is not valid UTF-8 near byte {offset + exc.start}"
            offset += len(block)
            if header is None:
                pieces.append(text)
                lines = re.split(r"\r\n?|\n", "".join(pieces), maxsplit=1)
                header = lines[0] if len(lines) > 1 else None
        try:
            pieces.append(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            return "CSV is not valid UTF-8 (truncated multi-byte sequence at the end)"
    if header is None:
        header = "".join(pieces)
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
        return _check_csv(path)
    return None


def _download(
    resp: requests.Response, source: str, url: str, dest_dir: Path, expect: str, max_bytes: int, deadline: float, deadline_at: float
) -> tuple[Path, str, int]:
    length = _content_length(resp)
    if length is not None and length > max_bytes:
        raise FetchError(source, url, f"Content-Length {length} exceeds the limit of {max_bytes} bytes")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", source)[:40]
    fd, name = tempfile.mkstemp(dir=dest_dir, prefix=f".{safe}-", suffix=".part")
    path = Path(name)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as fh:
            while True:
                if time.monotonic() > deadline_at:
                    raise FetchError(source, url, f"download exceeded the {deadline:g}s deadline after {size} bytes")
                try:
                    chunk = resp.raw.read1(CHUNK, decode_content=True)
                except (requests.RequestException, Urllib3Error, OSError) as exc:
                    if length is not None and resp.raw.tell() < length:
                        raise FetchError(source, url, f"truncated: got {resp.raw.tell()} of {length} bytes") from exc
                    raise FetchError(source, url, _describe(exc, 1)) from exc
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(source, url, f"body exceeds the limit of {max_bytes} bytes")
                digest.update(chunk)
                fh.write(chunk)
        if length is not None and resp.raw.tell() != length:
            raise FetchError(source, url, f"truncated: got {resp.raw.tell()} of {length} bytes")
        problem = _validate(path, expect, resp.headers.get("Content-Type"))
        if problem:
            raise FetchError(source, url, problem)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest(), size


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
    """GET `url` into a temp file in `dest_dir`, validated as `expect`; 304 gives "not_modified"."""
    if expect not in EXPECTED_KINDS:
        raise ValueError(f"expect must be one of {sorted(EXPECTED_KINDS)}, not {expect!r}")
    allowed = {h.lower() for h in allowed_hosts} if allowed_hosts is not None else None
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline_at = time.monotonic() + deadline
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    with _session(user_agent, retries, backoff, deadline) as session:
        resp = _open(session, source, "GET", url, headers, timeout, allowed, retries + 1, deadline_at)
        with resp:
            code, final = resp.status_code, resp.url
            new_etag, new_lm = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
            content_type = resp.headers.get("Content-Type")
            if code == 304 and headers:
                return FetchResult(
                    "not_modified", final, None, None, None, new_etag or etag, new_lm or last_modified, content_type, code
                )
            if code != 200:
                raise FetchError(source, final, f"HTTP {code} {resp.reason or ''}".rstrip(), status=code)
            path, sha256, size = _download(resp, source, final, dest_dir, expect, max_bytes, deadline, deadline_at)
    return FetchResult("downloaded", final, path, sha256, size, new_etag, new_lm, content_type, code)


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
    """HEAD `url` (following allowed redirects) and return its etag, last_modified and content_length."""
    allowed = {h.lower() for h in allowed_hosts} if allowed_hosts is not None else None
    deadline = 120.0
    with _session(user_agent, retries, backoff, deadline) as session:
        resp = _open(session, source, "HEAD", url, {}, timeout, allowed, retries + 1, time.monotonic() + deadline)
        with resp:
            if resp.status_code != 200:
                raise FetchError(source, resp.url, f"HTTP {resp.status_code} {resp.reason or ''}".rstrip(), status=resp.status_code)
            return {
                "etag": resp.headers.get("ETag"),
                "last_modified": resp.headers.get("Last-Modified"),
                "content_length": _content_length(resp),
            }
