"""Reviewed hospital addresses (directory/knowledge/hospital_addresses.tsv): what reviewers know for sure
about where a listed hospital's site is, for hospitals whose sources give no district.

One row per site: `manual_ref` (NNN:LINE of a manual listing of the hospital, stable across rebuilds)
and `manual_name` (the name printed on that line), the `city`, the `address` of that very site (a
campus has its own address, never its parent's), the county-level unit (`district`) the address lies in,
and the `evidence` (the hospital's published address, a well-known location, a campus distinction).

The address is read with the project's own place index scoped to the city
(`district.district_from_address`), and the `district` column must be what it names: a row whose
address names another unit, or none, is refused with its file and line. The build turns each row into
a stated district and a stated address of the listing's hospital, source `knowledge FILE:LINE`, weighed
below every source's own cells and addresses (place_weights.tsv: district_knowledge_address).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from directory.facts.district import district_from_address
from directory.facts.records import FactsError
from directory.facts.reviewed_rows import ReviewedRow, official_city, once_per_ref, read_reviewed
from directory.knowledge import KNOWLEDGE_DIR
from geodata.place_index import place_index

ADDRESSES_FILE = "hospital_addresses.tsv"
COLUMNS = ("manual_ref", "manual_name", "city", "address", "district", "evidence")


@dataclass(frozen=True)
class KnownAddress(ReviewedRow):
    """One reviewed row: the site listed at manual `doc`:`manual_line` is at `address`, in `district`."""

    city: str  # city-level adcode
    address: str
    district: str  # county-level adcode the address names
    reason: str  # how the place index read the address
    evidence: str


def read_known_addresses(path: Path = KNOWLEDGE_DIR / ADDRESSES_FILE) -> tuple[KnownAddress, ...]:
    """Read and check the file; any bad row is a FactsError naming the file and line."""
    names = place_index().names
    seen: dict[str, int] = {}
    out = []
    for row in read_reviewed(path, COLUMNS):
        r, where = row.cells, row.where
        once_per_ref(row, seen)
        city = official_city(row, "北京市, 呼和浩特市")
        found = district_from_address(r["address"], city)
        if not found.district:
            raise FactsError(f"{where}: address {r['address']!r} names no county-level unit of {r['city']} "
                             f"({found.reason})")
        if names[found.district] != r["district"]:
            raise FactsError(f"{where}: district {r['district']!r} disagrees with the address, which names "
                             f"{names[found.district]} ({found.reason})")
        out.append(KnownAddress(*row.head, city, r["address"], found.district, found.reason, r["evidence"]))
    return tuple(out)


@cache
def known_addresses() -> tuple[KnownAddress, ...]:
    """The bundled file, read once per process."""
    return read_known_addresses()
