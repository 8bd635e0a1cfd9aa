"""Live download of every source into the raw store, falling back to the last good snapshot on failure."""

from __future__ import annotations

import datetime as dt
import os
import sys
from urllib.parse import urlsplit

from pipelines.lib import raw_store
from pipelines.lib.http_fetch import FetchError, fetch
from pipelines.lib.sources import SourceInfo, registry
from pipelines.settings import USER_AGENT, Paths


class OfflineError(RuntimeError):
    pass


def source_url(info: SourceInfo) -> str | None:
    """The download address: MIGRATION_URL_<SOURCE> (e.g. a mirror) wins over the publisher's address."""
    return os.environ.get(f"MIGRATION_URL_{info.name.upper()}") or info.download_url


def refresh_source(paths: Paths, info: SourceInfo) -> raw_store.Snapshot | None:
    """Downloads one source; returns the new snapshot, or None when the server says nothing changed."""
    if os.environ.get("MIGRATION_OFFLINE") == "1":
        raise OfflineError(f"{info.name}: offline mode, no download attempted")
    url = source_url(info)
    if not url:
        raise FetchError(info.name, "", "no download address configured")
    previous = raw_store.list_snapshots(paths.raw_dir, info.name)
    validators = (previous[-1].provenance.get("http") or {}) if previous else {}
    allowed = {urlsplit(u).hostname for u in (url, info.download_url) if u}
    staging = paths.raw_dir / ".incoming"
    result = fetch(
        info.name,
        url,
        staging,
        expect=info.media_types[0],
        etag=validators.get("etag"),
        last_modified=validators.get("last_modified"),
        user_agent=USER_AGENT,
        allowed_hosts={h for h in allowed if h},
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
            original_name=os.path.basename(urlsplit(result.url).path) or f"{info.name}.{info.media_types[0]}",
            download_url=result.url,
            http={
                "etag": result.etag,
                "last_modified": result.last_modified,
                "content_type": result.content_type,
                "status": result.http_status,
            },
        )
    finally:
        result.path.unlink(missing_ok=True)


def refresh_all(paths: Paths, only: list[str] | None = None) -> list[str]:
    """Refreshes every source (or `only` these); prints what happened; returns the sources that failed."""
    failures = []
    for name, info in registry().items():
        if only and name not in only:
            continue
        try:
            snapshot = refresh_source(paths, info)
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
                    f"✘ {exc}\n  → no earlier snapshot of {name} exists; its assets will fail",
                    file=sys.stderr,
                )
            continue
        if snapshot is None:
            print(f"= {name}: not modified since the last download", file=sys.stderr)
        else:
            print(f"✔ {name}: {snapshot.path.name} ({snapshot.provenance['bytes']:,} bytes)", file=sys.stderr)
    return failures
