"""The raw snapshot store: immutable publisher bytes under data/raw/<source>/, each with a provenance sidecar.

A snapshot is never overwritten: its stored name carries the access date and the first 12 hex digits
of its sha256, and landing the same bytes twice returns the snapshot already there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.lib.sources import SourceInfo

SIDECAR_SUFFIX = ".provenance.json"
# The largest file the store accepts (the largest real snapshot is under 10 MB); the HTTP fetch has the same limit.
MAX_SNAPSHOT_BYTES = 500_000_000
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "provenance.schema.json"


class RawStoreError(Exception):
    pass


@dataclass(frozen=True)
class Snapshot:
    path: Path
    provenance: dict

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def sample(self) -> bool:
        return bool(self.provenance.get("sample"))


@cache
def provenance_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def validate_provenance(record: dict) -> None:
    import jsonschema

    jsonschema.validate(record, provenance_schema(), format_checker=jsonschema.FormatChecker())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def safe_name(name: str) -> str:
    """A file name that cannot leave the store: base name only, conservative characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._-")
    return cleaned[:120] or "file"


def _head(path: Path, size: int) -> bytes:
    """The first `size` bytes (never the whole file: a snapshot may be hundreds of megabytes)."""
    with open(path, "rb") as handle:
        return handle.read(size)


def sniff_media_type(path: Path) -> str:
    head = _head(path, 512)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] in (b"{", b"["):
        return "json"
    return "csv"


def looks_like_html(path: Path) -> str | None:
    """Returns the page title (or a marker) when an HTML page stands where data should be."""
    head = _head(path, 4096).lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        match = re.search(rb"<title[^>]*>(.*?)</title>", _head(path, 65536), re.I | re.S)
        return match.group(1).decode("utf-8", "replace").strip() if match else "(untitled HTML page)"
    return None


def source_dir(raw_dir: Path, source: str) -> Path:
    return raw_dir / source


def land(
    raw_dir: Path,
    info: SourceInfo,
    file: Path,
    *,
    arrival: str,
    accessed: dt.date | None = None,
    original_name: str | None = None,
    download_url: str | None = None,
    stands_for: str | None = None,
    http: dict | None = None,
    sample: bool = False,
) -> Snapshot:
    """Copies `file` into the store with its sidecar. Refuses up front, storing nothing: empty files, files larger
    than MAX_SNAPSHOT_BYTES, HTML pages, a media type the source does not publish, and workbooks that are not
    readable zip archives, would expand past the reader's limit (truncated downloads, zip bombs) or whose sheets
    exceed the reader's bounds: nothing is parsed before these checks. A file whose own dates cannot be read
    (a workbook the xlsx reader cannot open) is stored marked rejected, with the reason: never taken as a good
    snapshot with no date."""
    file = Path(file)
    original = original_name or file.name
    if not file.is_file():
        raise RawStoreError(f"{info.name}: {file} is not a file")
    size = file.stat().st_size
    if size == 0:
        raise RawStoreError(f"{info.name}: {original} is empty (0 bytes); nothing was stored")
    if size > MAX_SNAPSHOT_BYTES:
        raise RawStoreError(
            f"{info.name}: {original} is {size:,} bytes, larger than the limit of {MAX_SNAPSHOT_BYTES:,}; "
            "nothing was stored"
        )
    title = looks_like_html(file)
    if title:
        raise RawStoreError(
            f"{info.name}: {original} is an HTML page ({title!r}), not data; nothing was stored"
        )
    media_type = sniff_media_type(file)
    if media_type not in info.media_types:
        raise RawStoreError(
            f"{info.name}: {original} looks like {media_type}, expected one of {', '.join(info.media_types)}"
        )
    if media_type == "xlsx":
        from pipelines.lib.tabular import xlsx_problem

        problem = xlsx_problem(file)
        if problem:
            raise RawStoreError(f"{info.name}: {original} {problem}; nothing was stored")
    try:
        entity = info.entity_of(file, original, stands_for)
    except ValueError as exc:
        raise RawStoreError(str(exc)) from None
    from_name = None if accessed else info.accessed_from_name(original)
    accessed_basis = "stated" if accessed else ("file name" if from_name else "import date")
    accessed = accessed or from_name or dt.date.today()
    digest = sha256_of(file)
    stored = f"{accessed.isoformat()}_{digest[:12]}_{safe_name(original)}"
    try:
        published, basis = info.published_from_file(file)
        unreadable = None
    except Exception as exc:  # noqa: BLE001 - any failure reading the file is kept, marked rejected and named
        published, basis = None, None
        unreadable = f"{info.name}: {stored}: {getattr(exc, 'message', None) or exc} (at import)"
    target_dir = source_dir(raw_dir, info.name)
    target_dir.mkdir(parents=True, exist_ok=True)
    for existing in list_snapshots(raw_dir, info.name, include_rejected=True):
        if existing.provenance["sha256"] == digest:
            return existing
    target = target_dir / stored
    record = {
        "schema_version": 1,
        "source": info.name,
        "file": stored,
        "original_name": original,
        "producer": info.producer,
        "title": info.title if not sample else f"SAMPLE DATA — synthetic, not for citation: {info.title}",
        "download_url": download_url
        if download_url is not None
        else (
            stands_for or next((d.url for d in info.download_list() if d.entity == entity), info.download_url)
        ),
        "landing_page_url": info.landing_page_url,
        "accessed": accessed.isoformat(),
        "accessed_basis": accessed_basis,
        "published": published.isoformat() if published else None,
        "published_basis": basis,
        "licence": info.licence,
        "citation": info.citation,
        "sha256": digest,
        "bytes": size,
        "media_type": media_type,
        "arrival": arrival,
        # to the microsecond: a download landed a moment after an import of the same day is the newer snapshot
        "landed_at": _now(),
        "sample": sample,
        "status": "rejected" if unreadable else "accepted",
        "rejection_reason": unreadable,
        **({"rejected_at": _now()} if unreadable else {}),
        "stands_for": stands_for,
        "entity": entity,
    }
    if http:
        record["http"] = http
    validate_provenance(record)
    _write_exclusive(file, target)
    _write_json_atomic(target.with_name(stored + SIDECAR_SUFFIX), record)
    return Snapshot(target, record)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _write_exclusive(src: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".landing-")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o444)
        os.link(tmp, target)  # fails if the target exists: never overwrite a snapshot
    finally:
        os.unlink(tmp)


def _write_json_atomic(path: Path, record: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sidecar-")
    with os.fdopen(fd, "w") as handle:
        json.dump(record, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    os.replace(tmp, path)


def list_snapshots(raw_dir: Path, source: str, *, include_rejected: bool = False) -> list[Snapshot]:
    """Snapshots of a source, oldest first (by access date, then landing time)."""
    folder = source_dir(raw_dir, source)
    found = []
    for sidecar in sorted(folder.glob(f"*{SIDECAR_SUFFIX}")) if folder.is_dir() else []:
        record = json.loads(sidecar.read_text())
        data = sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)])
        if not data.is_file():
            raise RawStoreError(f"{source}: sidecar {sidecar.name} has no data file beside it")
        if record.get("status") == "rejected" and not include_rejected:
            continue
        found.append(Snapshot(data, record))
    return sorted(found, key=lambda s: (s.provenance["accessed"], landed_at(s), s.name))


def landed_at(snapshot: Snapshot) -> dt.datetime:
    """When the snapshot entered the store (sidecars written before microseconds were kept have whole seconds)."""
    landed = dt.datetime.fromisoformat(snapshot.provenance["landed_at"])
    return landed if landed.tzinfo else landed.replace(tzinfo=dt.UTC)  # a hand-written sidecar: taken as UTC


def newest_by_entity(raw_dir: Path, source: str) -> dict[str, Snapshot]:
    """The newest accepted snapshot of each of the source's entities."""
    newest: dict[str, Snapshot] = {}
    for snapshot in list_snapshots(raw_dir, source):
        newest[snapshot.provenance.get("entity", "all")] = snapshot
    return newest


def vintage(snapshot: Snapshot) -> tuple[str, str, dt.datetime]:
    """When a snapshot's figures were current: the publication date the file states, else its access date (then
    the access date and landing time break ties). Ordering by it, the newest vintage does not depend on the order
    files were imported in."""
    provenance = snapshot.provenance
    return (
        str(provenance.get("published") or provenance["accessed"]),
        provenance["accessed"],
        landed_at(snapshot),
    )


def select_snapshot(
    raw_dir: Path, source: str, pin: str | None = None, entity: str | None = None, *, by_vintage: bool = False
) -> Snapshot:
    """The newest accepted snapshot (of `entity`, when given), or the one named by `pin` (stored name, original
    name or sha256 prefix). A pin naming a file of another entity of the same source leaves this entity on
    its newest snapshot. Newest: the latest access date; with `by_vintage`, the latest `vintage` (a colleague's
    older copy imported today does not replace a newer release)."""
    every = list_snapshots(raw_dir, source)
    snapshots = [s for s in every if entity is None or s.provenance.get("entity", "all") == entity]
    if pin:
        matches = [
            s
            for s in every
            if pin in (s.name, s.provenance["original_name"]) or s.provenance["sha256"].startswith(pin)
        ]
        if len(matches) != 1:
            names = ", ".join(s.name for s in every) or "none"
            raise RawStoreError(
                f"{source}: snapshot {pin!r} matches {len(matches)} snapshots (have: {names})"
            )
        if entity is None or matches[0].provenance.get("entity", "all") == entity:
            return matches[0]
    if not snapshots:
        what = f"{source} ({entity})" if entity else source
        raise RawStoreError(
            f"{what}: no snapshot in {source_dir(raw_dir, source)}; "
            f"run `migration-evidence import {source} FILE` or `migration-evidence refresh`"
        )
    return max(snapshots, key=vintage) if by_vintage else snapshots[-1]


def select_snapshots(raw_dir: Path, source: str, pin: str | None = None) -> list[Snapshot]:
    """Every accepted snapshot of a source whose vintages are combined by what each covers (oldest landing first),
    or only the one named by `pin` (stored name, original name or sha256 prefix)."""
    if pin:
        return [select_snapshot(raw_dir, source, pin)]
    every = list_snapshots(raw_dir, source)
    if not every:
        select_snapshot(raw_dir, source)  # raises naming the folder and how to fill it
    return every


def mark_rejected(snapshot: Snapshot, reason: str) -> Snapshot:
    """Keeps the bytes apart from the good snapshots: marked rejected (with the reason and when), never selected
    as newest."""
    record = dict(snapshot.provenance, status="rejected", rejection_reason=reason[:2000], rejected_at=_now())
    _write_json_atomic(snapshot.path.with_name(snapshot.name + SIDECAR_SUFFIX), record)
    return Snapshot(snapshot.path, record)


def mark_accepted(snapshot: Snapshot) -> Snapshot:
    """Puts a rejected snapshot back among the good ones (after someone checked it), keeping why it was rejected."""
    previous = snapshot.provenance.get("rejection_reason")
    history = list(snapshot.provenance.get("previous_rejections") or [])
    if previous:
        history.append(previous[:2000])
    record = dict(snapshot.provenance, status="accepted", rejection_reason=None, previous_rejections=history)
    record.pop("rejected_at", None)
    validate_provenance(record)
    _write_json_atomic(snapshot.path.with_name(snapshot.name + SIDECAR_SUFFIX), record)
    return Snapshot(snapshot.path, record)


def find_snapshot(raw_dir: Path, source: str, stored_name: str) -> Snapshot:
    for snapshot in list_snapshots(raw_dir, source, include_rejected=True):
        if snapshot.name == stored_name:
            return snapshot
    raise RawStoreError(f"{source}: no snapshot named {stored_name!r}")
