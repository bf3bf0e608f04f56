"""The equal-area hexagon map: every municipality gets one hexagon of the same size.

Pure module: plain data in, plain data out. The layout keeps the map's shape by an optimal
assignment: the points are projected, a hexagon grid is laid over them, and each point gets the
cell that keeps the sum of squared distances from points to their cells smallest
(scipy.optimize.linear_sum_assignment, over the cells within REACH of some point). Small
municipalities are then as visible as large ones, and a crowded area spreads into the cells
around it instead of swapping places with far ones.

The grid is pointy-top (a vertex at the top) with "odd-r" offset coordinates: (column, row),
rows counted from the top, and every odd row shifted half a cell to the right. North is up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

# In a hexagon grid every cell has six neighbours one spacing away, so the spacing is taken as the
# median distance from a point to its sixth-nearest neighbour: points already on a hexagon lattice
# keep exactly that lattice, and scattered points get a grid about as dense as they are (for the
# municipalities about twice the median distance to the nearest neighbour): compact, without holes
# in the dense parts, and with the sparse parts (Finnmark) still recognisable.
NEIGHBOURS = 6
# Candidate cells: those within this many spacings of some point. The assignment moves a point
# at most a few cells; a wider reach only makes the cost matrix larger.
REACH = 3.0
ROW_HEIGHT = math.sqrt(3) / 2  # vertical distance between rows, in spacings

Cell = tuple[int, int]


@dataclass(frozen=True)
class HexPoint:
    key: str  # municipality number
    latitude: float
    longitude: float


@dataclass(frozen=True)
class HexShape:
    key: str
    x: float  # centre in SVG units
    y: float
    points: str  # the polygon's "x1,y1 x2,y2 ..." (rounded to 1 decimal)


@dataclass(frozen=True)
class HexMap:
    shapes: list[HexShape]  # in key order
    width: float  # for the SVG viewBox "0 0 width height"
    height: float
    radius: float


def hex_layout(points: Sequence[HexPoint]) -> dict[str, Cell]:
    """Key -> (column, row) on the odd-r pointy-top grid; the smallest column and row are 0.

    The same points in any order give the same layout: they are sorted by key first, so ties
    are broken by key.
    """
    ordered = sorted(points, key=lambda point: point.key)
    keys = [point.key for point in ordered]
    if len(set(keys)) != len(keys):
        raise ValueError("hex_layout: the keys must be unique")
    if not ordered:
        return {}
    if len(ordered) == 1:
        return {keys[0]: (0, 0)}
    projected = _project(ordered)
    scaled = projected / _spacing(projected)
    cells, centres = _candidates(scaled, len(ordered))
    cost = cdist(scaled, centres, "sqeuclidean")
    rows, columns = linear_sum_assignment(cost)
    chosen = {keys[i]: (int(cells[j, 0]), int(cells[j, 1])) for i, j in zip(rows, columns, strict=True)}
    return _normalised(chosen)


def hex_map(points: Sequence[HexPoint], *, radius: float = 18.0) -> HexMap:
    """The layout as SVG shapes: hexagons of circumradius `radius`, with a small gap between them."""
    layout = hex_layout(points)
    if not layout:
        return HexMap(shapes=[], width=0.0, height=0.0, radius=radius)
    half_width = radius * ROW_HEIGHT  # a pointy-top hexagon is sqrt(3) * radius wide
    margin = radius / 4  # room for the focus outline
    drawn = radius * 0.9  # the gap keeps each hexagon's border apart from its neighbours'
    corners = [(drawn * math.cos(a), drawn * math.sin(a)) for a in (math.radians(-90 + 60 * i) for i in range(6))]
    keys = sorted(layout)
    # Centres in units of half a hexagon's width (x) and of its radius (y).
    units = {key: (2 * column + (row & 1), 1.5 * row) for key, (column, row) in ((k, layout[k]) for k in keys)}
    left = min(x for x, _y in units.values())
    shapes = []
    for key in keys:
        x = margin + half_width * (1 + units[key][0] - left)
        y = margin + radius * (1 + units[key][1])
        polygon = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in corners)
        shapes.append(HexShape(key=key, x=round(x, 1), y=round(y, 1), points=polygon))
    width = 2 * margin + half_width * (2 + max(x for x, _y in units.values()) - left)
    height = 2 * margin + radius * (2 + max(y for _x, y in units.values()))
    return HexMap(shapes=shapes, width=round(width, 1), height=round(height, 1), radius=radius)


def hex_distance(a: Cell, b: Cell) -> int:
    """Steps between two cells of the odd-r grid (neighbours are 1 apart)."""
    (qa, ra), (qb, rb) = _axial(a), _axial(b)
    return (abs(qa - qb) + abs(ra - rb) + abs(qa + ra - qb - rb)) // 2


def _project(points: Sequence[HexPoint]) -> np.ndarray:
    """Equirectangular around the mean latitude, y growing southwards; units are degrees of latitude."""
    latitudes = np.array([point.latitude for point in points], dtype=float)
    longitudes = np.array([point.longitude for point in points], dtype=float)
    shrink = math.cos(math.radians(float(latitudes.mean())))
    return np.column_stack((longitudes * shrink, -latitudes))


def _spacing(projected: np.ndarray) -> float:
    neighbours = min(NEIGHBOURS, len(projected) - 1)
    distances, _ = cKDTree(projected).query(projected, k=neighbours + 1)
    apart = distances[:, neighbours][distances[:, neighbours] > 0]
    if not len(apart):  # every point in the same place: any spacing will do
        return 1.0
    return float(np.median(apart))


def _candidates(scaled: np.ndarray, needed: int) -> tuple[np.ndarray, np.ndarray]:
    """Cells (column, row) near the points, sorted, and their centres; at least `needed` of them."""
    reach = REACH
    while True:
        across = math.ceil(reach) + 1
        down = math.ceil(reach / ROW_HEIGHT) + 1
        row_grid, column_grid = np.meshgrid(np.arange(-down, down + 1), np.arange(-across, across + 1), indexing="ij")
        row_offsets, column_offsets = row_grid.ravel(), column_grid.ravel()
        rows = np.rint(scaled[:, 1] / ROW_HEIGHT).astype(int)[:, None] + row_offsets[None, :]
        columns = np.rint(scaled[:, 0]).astype(int)[:, None] + column_offsets[None, :]
        # One integer per cell (row-major) makes np.unique fast and sorts the cells by row, then column.
        row_low, column_low = int(rows.min()), int(columns.min())
        stride = int(columns.max()) - column_low + 1
        codes = np.unique((rows.ravel() - row_low) * stride + (columns.ravel() - column_low))
        cells = np.column_stack((codes % stride + column_low, codes // stride + row_low))
        centres = _centres(cells)
        near, _ = cKDTree(scaled).query(centres)
        kept = cells[near <= reach]
        if len(kept) >= needed:
            return kept, _centres(kept)
        reach *= 2


def _centres(cells: np.ndarray) -> np.ndarray:
    columns, rows = cells[:, 0], cells[:, 1]
    return np.column_stack((columns + 0.5 * (rows & 1), rows * ROW_HEIGHT))


def _axial(cell: Cell) -> Cell:
    column, row = cell
    return column - (row - (row & 1)) // 2, row


def _offset(axial: Cell) -> Cell:
    q, row = axial
    return q + (row - (row & 1)) // 2, row


def _normalised(layout: dict[str, Cell]) -> dict[str, Cell]:
    """Moved (a move of the whole grid, so shapes are kept) until the smallest row and column are 0."""
    top = min(row for _column, row in layout.values())
    moved = {key: _offset((q, row - top)) for key, (q, row) in ((k, _axial(c)) for k, c in layout.items())}
    left = min(column for column, _row in moved.values())
    return {key: (column - left, row) for key, (column, row) in moved.items()}
