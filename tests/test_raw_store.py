"""The raw snapshot store: immutable files, provenance sidecars valid against the schema, newest selection."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from pipelines.defs.iom_mmp.source import SOURCE
from pipelines.lib import raw_store

CSV = b'"Main ID","Incident ID"\n1,1\n'


def _file(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_land_writes_file_and_valid_sidecar(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    snap = raw_store.land(
        raw, SOURCE, _file(tmp_path, "MissingMigrants-Global-2021-09-05T18-37-06.csv", CSV), arrival="import"
    )
    assert snap.path.read_bytes() == CSV
    assert snap.path.parent == raw / "iom_mmp"
    sidecar = json.loads(Path(str(snap.path) + ".provenance.json").read_text())
    raw_store.validate_provenance(sidecar)
    assert sidecar["accessed"] == "2021-09-05"  # read from the portal's download name
    assert sidecar["bytes"] == len(CSV)
    import hashlib

    assert sidecar["sha256"] == hashlib.sha256(CSV).hexdigest()
    assert sidecar["licence"].startswith("CC BY-IGO")
    assert not os.access(snap.path, os.W_OK) or os.geteuid() == 0
    assert oct(snap.path.stat().st_mode & 0o777) == "0o444"


def test_same_bytes_land_once_and_nothing_is_overwritten(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    first = raw_store.land(raw, SOURCE, _file(tmp_path, "a.csv", CSV), arrival="import")
    again = raw_store.land(raw, SOURCE, _file(tmp_path, "b.csv", CSV), arrival="import")
    assert again.path == first.path
    assert len(raw_store.list_snapshots(raw, "iom_mmp")) == 1
    with pytest.raises(FileExistsError):
        raw_store._write_exclusive(_file(tmp_path, "c.csv", b"other"), first.path)
    assert first.path.read_bytes() == CSV


def test_newest_snapshot_wins_unless_pinned(tmp_path: Path) -> None:
    import datetime as dt

    raw = tmp_path / "raw"
    old = raw_store.land(
        raw, SOURCE, _file(tmp_path, "old.csv", CSV), arrival="import", accessed=dt.date(2020, 1, 1)
    )
    new = raw_store.land(
        raw,
        SOURCE,
        _file(tmp_path, "new.csv", CSV + b"2,2\n"),
        arrival="import",
        accessed=dt.date(2021, 1, 1),
    )
    assert raw_store.select_snapshot(raw, "iom_mmp").path == new.path
    assert raw_store.select_snapshot(raw, "iom_mmp", "old.csv").path == old.path
    assert raw_store.select_snapshot(raw, "iom_mmp", old.provenance["sha256"][:10]).path == old.path
    with pytest.raises(raw_store.RawStoreError, match="matches 0 snapshots"):
        raw_store.select_snapshot(raw, "iom_mmp", "nope.csv")


def test_rejected_snapshot_is_never_the_newest(tmp_path: Path) -> None:
    import datetime as dt

    raw = tmp_path / "raw"
    good = raw_store.land(
        raw, SOURCE, _file(tmp_path, "good.csv", CSV), arrival="import", accessed=dt.date(2020, 1, 1)
    )
    bad = raw_store.land(
        raw, SOURCE, _file(tmp_path, "bad.csv", CSV + b"x\n"), arrival="import", accessed=dt.date(2021, 1, 1)
    )
    raw_store.mark_rejected(bad, "row 3 has 1 field")
    assert raw_store.select_snapshot(raw, "iom_mmp").path == good.path
    kept = raw_store.list_snapshots(raw, "iom_mmp", include_rejected=True)
    assert {s.provenance["status"] for s in kept} == {"accepted", "rejected"}
    assert bad.path.exists()


def test_a_rejected_snapshot_is_put_back_only_by_accept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Importing the same bytes again does not revive a rejected file (it says so, exit 1); `accept` does, and
    the sidecar keeps why it was rejected."""
    from pipelines import cli

    data = tmp_path / "data"
    incoming = _file(tmp_path, "bad.csv", CSV + b"x\n")
    argv = ["--data-dir", str(data), "--reports-dir", str(tmp_path / "reports")]
    assert cli.main([*argv, "import", "iom_mmp", str(incoming)]) == 0
    (stored,) = raw_store.list_snapshots(data / "raw", "iom_mmp")
    raw_store.mark_rejected(stored, f"iom_mmp: {stored.name}, row 3: 1 field")
    capsys.readouterr()
    assert cli.main([*argv, "import", "iom_mmp", str(incoming)]) == 1
    err = capsys.readouterr().err
    assert "marked rejected" in err and f"accept iom_mmp {stored.name}" in err
    assert raw_store.list_snapshots(data / "raw", "iom_mmp") == []
    assert cli.main([*argv, "accept", "iom_mmp", stored.name]) == 0
    (back,) = raw_store.list_snapshots(data / "raw", "iom_mmp")
    assert back.provenance["status"] == "accepted" and back.provenance["rejection_reason"] is None
    assert back.provenance["previous_rejections"] == [f"iom_mmp: {stored.name}, row 3: 1 field"]
    raw_store.validate_provenance(back.provenance)
    assert cli.main([*argv, "accept", "iom_mmp", "no-such-file.csv"]) == cli.USAGE  # names nothing stored


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (
            b"<!DOCTYPE html><html><head><title>Access denied</title></head></html>",
            "HTML page \\('Access denied'\\)",
        ),
        (b"\xef\xbb\xbf  <html><body>error</body></html>", "HTML page"),
        (b'{"data": []}', "looks like json"),
    ],
)
def test_land_refuses_non_data(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(raw_store.RawStoreError, match=message):
        raw_store.land(tmp_path / "raw", SOURCE, _file(tmp_path, "x.csv", content), arrival="import")
    assert not list((tmp_path / "raw").rglob("*.csv"))


def test_stored_names_cannot_escape_the_store(tmp_path: Path) -> None:
    snap = raw_store.land(
        tmp_path / "raw",
        SOURCE,
        _file(tmp_path, "x.csv", CSV),
        arrival="import",
        original_name="../../etc/passwd",
    )
    assert snap.path.parent == tmp_path / "raw" / "iom_mmp"
    assert ".." not in snap.name and "/" not in snap.name
    assert raw_store.safe_name("..\\..\\a b?.csv") == "a_b_.csv"


def test_schema_rejects_an_incomplete_sidecar(tmp_path: Path) -> None:
    snap = raw_store.land(tmp_path / "raw", SOURCE, _file(tmp_path, "x.csv", CSV), arrival="import")
    broken = dict(snap.provenance)
    del broken["licence"]
    with pytest.raises(jsonschema.ValidationError, match="licence"):
        raw_store.validate_provenance(broken)
    with pytest.raises(jsonschema.ValidationError):
        raw_store.validate_provenance(dict(snap.provenance, sha256="not-a-hash"))


def test_every_sidecar_in_a_store_validates(tmp_path: Path) -> None:
    """Sample, import and live arrivals all write sidecars the schema accepts."""
    from pipelines.sample import write_sample

    raw = tmp_path / "raw"
    sampled = len(write_sample(raw))
    raw_store.land(raw, SOURCE, _file(tmp_path, "x.csv", CSV), arrival="import")
    raw_store.land(
        raw,
        SOURCE,
        _file(tmp_path, "y.csv", CSV + b"3,3\n"),
        arrival="live",
        http={"etag": '"abc"', "last_modified": None, "content_type": "text/csv", "status": 200},
    )
    sidecars = list(raw.rglob("*.provenance.json"))
    assert len(sidecars) == sampled + 2
    for sidecar in sidecars:
        raw_store.validate_provenance(json.loads(sidecar.read_text()))


def test_of_two_snapshots_landed_in_one_second_the_later_is_newest(tmp_path: Path) -> None:
    """An import and a download of the same day, landed within the same second: the second one is the newest,
    whatever the order of their names (the later file's name sorts first here)."""
    import hashlib

    raw = tmp_path / "raw"
    later = next(  # stored names start with the date and the digest: pick bytes whose name sorts first
        content
        for content in (CSV + f"{i},{i}\n".encode() for i in range(2, 200))
        if hashlib.sha256(content).hexdigest() < hashlib.sha256(CSV).hexdigest()
    )
    first = raw_store.land(raw, SOURCE, _file(tmp_path, "first.csv", CSV), arrival="import")
    second = raw_store.land(raw, SOURCE, _file(tmp_path, "second.csv", later), arrival="import")
    assert second.path.name < first.path.name
    assert first.provenance["accessed"] == second.provenance["accessed"]
    assert raw_store.landed_at(first) < raw_store.landed_at(second)
    assert raw_store.select_snapshot(raw, "iom_mmp").path == second.path
    # sidecars written with whole seconds still order by time, before a later one with microseconds
    old = dict(first.provenance, landed_at="2026-01-01T10:00:05+00:00")
    new = dict(second.provenance, landed_at="2026-01-01T10:00:05.000001+00:00")
    snapshots = [raw_store.Snapshot(second.path, new), raw_store.Snapshot(first.path, old)]
    assert sorted(snapshots, key=raw_store.landed_at)[0].provenance is old


def test_a_landing_time_without_a_time_zone_is_taken_as_utc(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    snap = raw_store.land(raw, SOURCE, _file(tmp_path, "a.csv", CSV), arrival="import")
    naive = raw_store.Snapshot(snap.path, dict(snap.provenance, landed_at="2026-01-01T10:00:05"))
    aware = raw_store.Snapshot(snap.path, dict(snap.provenance, landed_at="2026-01-01T10:00:04+00:00"))
    assert sorted([naive, aware], key=raw_store.landed_at) == [aware, naive]
