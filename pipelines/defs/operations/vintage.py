"""Does the publisher's server hold a newer file than the newest snapshot? Asked with a HEAD request: the
ETag, else Last-Modified, else Content-Length, compared with what the snapshot's sidecar recorded when it was
downloaded (its `http` block) or with what the sensor last saw (its cursor). No Dagster here."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pipelines.download import mirror
from pipelines.lib import raw_store
from pipelines.lib.http_fetch import FetchError, head_validators
from pipelines.lib.sources import SourceInfo
from pipelines.settings import USER_AGENT, Paths


@dataclass
class Look:
    changed: list[str] = field(default_factory=list)  # entities with a new vintage on the server
    unchanged: list[str] = field(default_factory=list)
    undecidable: list[str] = field(default_factory=list)  # the server gives no validator
    errors: list[str] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)  # url -> version token, for the cursor


def token(validators: dict) -> str | None:
    """The strongest version marker the server gave: ETag, else Last-Modified, else Content-Length."""
    if validators.get("etag"):
        return f"etag:{validators['etag']}"
    if validators.get("last_modified"):
        return f"last-modified:{validators['last_modified']}"
    if validators.get("content_length") is not None:
        return f"bytes:{validators['content_length']}"
    return None


def recorded_token(snapshot: raw_store.Snapshot | None, like: str) -> str | None:
    """The same kind of marker for the stored snapshot, from its sidecar."""
    if snapshot is None:
        return None
    http = snapshot.provenance.get("http") or {}
    kind = like.split(":", 1)[0]
    if kind == "etag" and http.get("etag"):
        return f"etag:{http['etag']}"
    if kind == "last-modified" and http.get("last_modified"):
        return f"last-modified:{http['last_modified']}"
    if kind == "bytes":
        return f"bytes:{snapshot.provenance['bytes']}"
    return None


def look(paths: Paths, info: SourceInfo, cursor: dict[str, str], *, timeout: float = 15) -> Look:
    """HEADs every file of the source; an entity is new when its marker matches neither its newest snapshot
    nor the marker the sensor already acted on."""
    newest = raw_store.newest_by_entity(paths.raw_dir, info.name)
    found = Look()
    for spec in info.download_list():
        url = mirror(info, spec.url)
        hosts = {urlsplit(u).hostname for u in (url, spec.url)} - {None}
        try:
            validators = head_validators(
                url,
                user_agent=USER_AGENT,
                timeout=(5, timeout),
                allowed_hosts=hosts,
                source=info.name,
                retries=0,
            )
        except FetchError as exc:
            found.errors.append(str(exc))
            continue
        marker = token(validators)
        if marker is None:
            found.undecidable.append(spec.entity)
            continue
        found.seen[spec.url] = marker
        if marker in (recorded_token(newest.get(spec.entity), marker), cursor.get(spec.url)):
            found.unchanged.append(spec.entity)
        else:
            found.changed.append(spec.entity)
    return found
