"""Live download of every source into the raw store, falling back to the last good snapshot on failure."""

from __future__ import annotations

import datetime as dt
import os
import sys
from urllib.parse import urlsplit

from pipelines.lib import raw_store
from pipelines.lib.http_fetch import FetchError, fetch
from pipelines.lib.sources import Download, SourceInfo, registry
from pipelines.settings import USER_AGENT, Paths


class OfflineError(RuntimeError):
    pass


def mirror(info: SourceInfo, url: str) -> str:
    """MIGRATION_URL_<SOURCE> (e.g. a mirror or a test server) replaces the scheme and host of the
    publisher's address; the path and query are kept. A value with a path replaces a single-file address whole."""
    base = os.environ.get(f"MIGRATION_URL_{info.name.upper()}")
    if not base:
        return url
    target, original = urlsplit(base), urlsplit(url)
    if target.path not in ("", "/") and len(info.download_list()) <= 1:
        return base
    return original._replace(scheme=target.scheme, netloc=target.netloc).geturl()


# Settings of the HTTP client, read at call time (tests and slow mirrors): retries after the first attempt, the
# backoff factor in seconds, the connect and read timeout in seconds, and the deadline of one download.
HTTP_SETTINGS = {
    "MIGRATION_HTTP_RETRIES": ("retries", int),
    "MIGRATION_HTTP_BACKOFF": ("backoff", float),
    "MIGRATION_HTTP_TIMEOUT": ("timeout", float),
    "MIGRATION_HTTP_DEADLINE": ("deadline", float),
}


def http_settings() -> dict:
    """Keyword arguments for `fetch` from the MIGRATION_HTTP_* variables that are set (the defaults otherwise)."""
    found: dict = {}
    for variable, (argument, kind) in HTTP_SETTINGS.items():
        value = os.environ.get(variable, "").strip()
        if not value:
            continue
        try:
            number = kind(value)
        except ValueError:
            raise ValueError(f"{variable}={value!r} is not a number") from None
        if number < 0:
            raise ValueError(f"{variable}={value!r} must not be negative")
        found[argument] = (number, number) if argument == "timeout" else number
    return found


def _previous_validators(paths: Paths, info: SourceInfo, spec: Download) -> dict:
    newest = raw_store.newest_by_entity(paths.raw_dir, info.name).get(spec.entity)
    return (newest.provenance.get("http") or {}) if newest else {}


def fetch_one(paths: Paths, info: SourceInfo, spec: Download) -> raw_store.Snapshot | None:
    """Downloads one file; returns the new snapshot, or None when the server says nothing changed."""
    if os.environ.get("MIGRATION_OFFLINE") == "1":
        raise OfflineError(f"{info.name}: offline mode, no download attempted")
    url = mirror(info, spec.url)
    validators = _previous_validators(paths, info, spec)
    allowed = {urlsplit(u).hostname for u in (url, spec.url)} - {None}
    result = fetch(
        info.name,
        url,
        paths.raw_dir / ".incoming",
        expect=spec.expect,
        etag=validators.get("etag"),
        last_modified=validators.get("last_modified"),
        user_agent=USER_AGENT,
        allowed_hosts=allowed,
        **http_settings(),
    )
    if result.status == "not_modified":
        return None
    try:
        return raw_store.land(
            paths.raw_dir,
            info,
            result.path,
            arrival="live",
            accessed=dt.date.today(),
            original_name=spec.original_name,
            download_url=result.url,
            stands_for=spec.stands_for,
            http={
                "etag": result.etag,
                "last_modified": result.last_modified,
                "content_type": result.content_type,
                "status": result.http_status,
            },
        )
    finally:
        result.path.unlink(missing_ok=True)


def refresh_source(paths: Paths, info: SourceInfo) -> list[raw_store.Snapshot | None]:
    """Downloads every file of a source; the first failure raises (files already landed stay landed)."""
    specs = info.download_list()
    if not specs:
        raise FetchError(info.name, "", "no download address configured")
    return [fetch_one(paths, info, spec) for spec in specs]


def refresh_all(paths: Paths, only: list[str] | None = None) -> list[str]:
    """Refreshes every source (or `only` these); prints what happened; returns the sources that failed."""
    failures = []
    for name, info in registry().items():
        if only and name not in only:
            continue
        if (
            not info.download_list()
        ):  # a list kept in the project (published_figures): imported, never downloaded
            print(
                f"– {name}: no live address; import it (`migration-evidence import {name} FILE`)",
                file=sys.stderr,
            )
            continue
        try:
            results = refresh_source(paths, info)
        except (FetchError, raw_store.RawStoreError, OfflineError) as exc:
            failures.append(name)
            fallback = raw_store.list_snapshots(paths.raw_dir, name)
            if fallback:
                last = fallback[-1].provenance
                print(
                    f"✘ {exc}\n  → building from the last good snapshot {last['file']} (accessed {last['accessed']})",
                    file=sys.stderr,
                )
            else:
                print(
                    f"✘ {exc}\n  → no earlier snapshot of {name} exists: the build leaves {name} out",
                    file=sys.stderr,
                )
            continue
        for snapshot in results:
            if snapshot is None:
                print(f"= {name}: not modified since the last download", file=sys.stderr)
            else:
                print(
                    f"✔ {name}: {snapshot.path.name} ({snapshot.provenance['bytes']:,} bytes)",
                    file=sys.stderr,
                )
    return failures
