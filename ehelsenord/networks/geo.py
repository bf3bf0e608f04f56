"""Places on a flat map: longitude and latitude to SVG coordinates. Pure module.

An equirectangular projection around the points' mean latitude: simple, and true enough for a
sketch of one region (it is not for measuring; the optimizer measures great-circle distances).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Projection:
    points: dict[str, tuple[float, float]]
    width: float
    height: float


def project(coordinates: Mapping[str, tuple[float, float]], *, width: float = 640, margin: float = 16) -> Projection:
    """Map (latitude, longitude) per key to (x, y) inside width × height, north up."""
    if not coordinates:
        return Projection({}, width, width / 2)
    latitudes = [lat for lat, _lon in coordinates.values()]
    longitudes = [lon for _lat, lon in coordinates.values()]
    squeeze = math.cos(math.radians(sum(latitudes) / len(latitudes)))
    span_x = max((max(longitudes) - min(longitudes)) * squeeze, 1e-6)
    span_y = max(max(latitudes) - min(latitudes), 1e-6)
    scale = (width - 2 * margin) / max(span_x, span_y)
    height = span_y * scale + 2 * margin
    points = {
        key: (
            round(margin + (lon - min(longitudes)) * squeeze * scale, 1),
            round(margin + (max(latitudes) - lat) * scale, 1),
        )
        for key, (lat, lon) in coordinates.items()
    }
    return Projection(points, width, round(height, 1))
