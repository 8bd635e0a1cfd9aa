"""Which source an asset reads, and the assets a refresh of some sources rebuilds: each source's group and
everything downstream of it."""

from __future__ import annotations

from collections.abc import Mapping

import dagster as dg

SOURCES_TAG = "migration-evidence/sources"
ARRIVAL_SOURCES = ("unhcr_odp", "italy_moi")


def raw_source(key: dg.AssetKey, metadata: Mapping | None) -> tuple[str, str | None]:
    """(source, entity prefix) of a raw asset: its `source` and `entity_prefix` metadata, else the source named
    at the start of its key (`raw/<source>__<table>`) and no prefix (every file of the source)."""
    metadata = metadata or {}
    prefix = metadata.get("entity_prefix")
    return str(metadata.get("source") or key.path[1].split("__")[0]), str(prefix) if prefix else None


def for_sources(sources: list[str] | tuple[str, ...]) -> dg.AssetSelection:
    return dg.AssetSelection.groups(*sources).downstream()


def keys_for_sources(graph: dg.AssetGraph, sources: list[str] | tuple[str, ...]) -> set[dg.AssetKey]:
    return set(for_sources(sources).resolve(graph))


def refresh_run_config(sources: list[str] | tuple[str, ...]) -> dict:
    """Run config of the refresh_and_build job for these sources (none: every source)."""
    return {"ops": {"download_sources": {"config": {"sources": list(sources)}}}}
