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

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from directory.facts.records import FactsError
from directory.knowledge import KNOWLEDGE_DIR, KnowledgeError, read_tsv
from geodata.place_index import place_index
from geodata.places import resolve_place

CITIES_FILE = "hospital_cities.tsv"
COLUMNS = ("manual_ref", "manual_name", "city", "evidence")
_REF = re.compile(r"^(\d{3}):(\d+)$")


@dataclass(frozen=True)
class KnownCity:
    """One reviewed row: the site listed at manual `doc`:`manual_line` is in `city` (a city-level adcode)."""

    file: str
    path: str
    line: int
    doc: str
    manual_line: int
    manual_name: str
    city: str
    evidence: str

    @property
    def source(self) -> str:
        return f"knowledge {self.file}:{self.line}"

    @property
    def manual_ref(self) -> str:
        return f"{self.doc}:{self.manual_line}"


def read_known_cities(path: Path = KNOWLEDGE_DIR / CITIES_FILE) -> tuple[KnownCity, ...]:
    """Read and check the file; a bad row is a FactsError naming the file and line."""
    try:
        rows = read_tsv(path, COLUMNS, COLUMNS)
    except KnowledgeError as exc:
        raise FactsError(str(exc)) from exc
    names = place_index().names
    seen: dict[str, int] = {}
    out = []
    for line, r in rows:
        where = f"{path}:{line}"
        ref = _REF.match(r["manual_ref"])
        if not ref:
            raise FactsError(f"{where}: manual_ref must be NNN:LINE (e.g. 002:75), got {r['manual_ref']!r}")
        if r["manual_ref"] in seen:
            raise FactsError(f"{where}: manual_ref {r['manual_ref']} already on line {seen[r['manual_ref']]}")
        seen[r["manual_ref"]] = line
        city = resolve_place(None, r["city"])
        if city.status != "exact" or not city.city_adcode or city.district_adcode \
                or names.get(city.city_adcode) != r["city"]:
            raise FactsError(f"{where}: city must be a city's official name (武汉市, 佛山市), got {r['city']!r}")
        out.append(KnownCity(path.name, str(path), line, ref.group(1), int(ref.group(2)), r["manual_name"],
                             city.city_adcode, r["evidence"]))
    return tuple(out)


@cache
def known_cities() -> tuple[KnownCity, ...]:
    """The bundled file, read once per process."""
    return read_known_cities()


def cited_listing(row: KnownCity, listing_at: dict[tuple[str, int], dict]) -> dict | None:
    """The listing a row cites, or None when its manual is not among this build's sources; a wrong line or a
    name other than the one printed there is an error naming the row."""
    docs = {d for d, _line in listing_at}
    if row.doc not in docs:
        return None
    li = listing_at.get((row.doc, row.manual_line))
    where = f"{row.path}:{row.line}"
    if li is None:
        raise FactsError(f"{where}: manual_ref {row.manual_ref} is not a listing of any manual "
                         f"(expected '{row.manual_name}')")
    if (li["raw_name"] or "").strip() != row.manual_name:
        raise FactsError(f"{where}: manual {row.manual_ref} prints '{li['raw_name']}', not '{row.manual_name}'")
    return li
