"""Nearest coast from coordinates on a small fixture of points with known answers (the vendored world_50m
country shapes)."""

from __future__ import annotations

import pytest

from pipelines.lib.nearest_coast import nearest_coast

# (latitude, longitude) of points at sea a few km to tens of km off a known coast, and the country of that coast
KNOWN = {
    "off Tripoli": ((32.95, 13.15), "LBY"),
    "off Sfax": ((34.60, 10.90), "TUN"),
    "near Valletta": ((35.92, 14.55), "MLT"),
    "off Zuwara": ((33.10, 12.05), "LBY"),
    "south of Crete": ((34.90, 24.50), "GRC"),
    "off Annaba": ((37.05, 7.80), "DZA"),
    "off Porto Empedocle, Sicily": ((37.20, 13.45), "ITA"),
}


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_nearest_coast_of_known_points(name: str) -> None:
    (lat, lon), iso3 = KNOWN[name]
    found = nearest_coast(lat, lon)
    assert found is not None and found[0] == iso3, (name, found)
    assert 0 < found[1] < 60  # at sea, within tens of km of the coast


def test_a_point_on_land_is_in_its_country_and_a_far_point_is_not_attributed() -> None:
    assert nearest_coast(28.0, 17.0) == ("LBY", 0.0)
    assert nearest_coast(-40.0, -30.0, max_km=300) is None  # mid South Atlantic


def test_off_lampedusa_is_italy() -> None:
    """Lampedusa is not among Natural Earth's 1:50m shapes (a point off it is nearer Tunisia's coast than
    Sicily's): islands.csv adds it."""
    assert nearest_coast(35.45, 12.55)[0] == "ITA"
    assert nearest_coast(35.508, 12.597) == ("ITA", 0.0)  # on the island
    assert nearest_coast(35.87, 12.87)[0] == "ITA"  # Linosa
