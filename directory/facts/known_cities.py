"""Reviewed hospital cities (directory/knowledge/hospital_cities.tsv): the city of a listed site where a list
places it elsewhere and the site's own published facts say otherwise (002:434 prints 武汉科技大学附属天佑医院
under 咸宁; a list files a branch under its parent's city: 001:704 广东省人民医院平洲分院 in 广州's block).

One row per site: `manual_ref` (NNN:LINE of a manual listing, stable across rebuilds), `manual_name` (the name
printed there), `city` (official name) and `evidence`. Each row is one piece of **stated** city evidence, source
`knowledge FILE:LINE`, weighed with every other piece by directory/facts/place.py (place_weights.tsv:
knowledge_city): it outweighs one list's cell, not two independent lists nor a place written with its suffix in
the name, and the disagreement stays visible in `hospitals.place_conflict` and the `facts` table.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from directory.facts.reviewed_rows import ReviewedRow, official_city, once_per_ref, read_reviewed
from directory.knowledge import KNOWLEDGE_DIR

CITIES_FILE = "hospital_cities.tsv"
COLUMNS = ("manual_ref", "manual_name", "city", "evidence")


@dataclass(frozen=True)
class KnownCity(ReviewedRow):
    """One reviewed row: the site listed at manual `doc`:`manual_line` is in `city` (a city-level adcode)."""

    city: str
    evidence: str


def read_known_cities(path: Path = KNOWLEDGE_DIR / CITIES_FILE) -> tuple[KnownCity, ...]:
    """Read and check the file; a bad row is a FactsError naming the file and line."""
    seen: dict[str, int] = {}
    out = []
    for row in read_reviewed(path, COLUMNS):
        once_per_ref(row, seen)
        out.append(KnownCity(*row.head, official_city(row, "武汉市, 佛山市"), row.cells["evidence"]))
    return tuple(out)


@cache
def known_cities() -> tuple[KnownCity, ...]:
    """The bundled file, read once per process."""
    return read_known_cities()
