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

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from directory.facts.district import district_from_address
from directory.facts.records import FactsError
from directory.knowledge import KNOWLEDGE_DIR, KnowledgeError, read_tsv
from geodata.place_index import place_index
from geodata.places import resolve_place

ADDRESSES_FILE = "hospital_addresses.tsv"
COLUMNS = ("manual_ref", "manual_name", "city", "address", "district", "evidence")
_REF = re.compile(r"^(\d{3}):(\d+)$")


@dataclass(frozen=True)
class KnownAddress:
    """One reviewed row: the site listed at manual `doc`:`manual_line` is at `address`, in `district`."""

    file: str  # the file's name, as cited in `source`
    path: str  # the file read, for error messages
    line: int
    doc: str  # '002'
    manual_line: int
    manual_name: str
    city: str  # city-level adcode
    address: str
    district: str  # county-level adcode the address names
    reason: str  # how the place index read the address
    evidence: str

    @property
    def source(self) -> str:
        return f"knowledge {self.file}:{self.line}"

    @property
    def manual_ref(self) -> str:
        return f"{self.doc}:{self.manual_line}"


def read_known_addresses(path: Path = KNOWLEDGE_DIR / ADDRESSES_FILE) -> tuple[KnownAddress, ...]:
    """Read and check the file; any bad row is a FactsError naming the file and line."""
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
            raise FactsError(f"{where}: city must be a city's official name (北京市, 呼和浩特市), got {r['city']!r}")
        found = district_from_address(r["address"], city.city_adcode)
        if not found.district:
            raise FactsError(f"{where}: address {r['address']!r} names no county-level unit of {r['city']} "
                             f"({found.reason})")
        if names[found.district] != r["district"]:
            raise FactsError(f"{where}: district {r['district']!r} disagrees with the address, which names "
                             f"{names[found.district]} ({found.reason})")
        out.append(KnownAddress(path.name, str(path), line, ref.group(1), int(ref.group(2)), r["manual_name"],
                                city.city_adcode, r["address"], found.district, found.reason, r["evidence"]))
    return tuple(out)


@cache
def known_addresses() -> tuple[KnownAddress, ...]:
    """The bundled file, read once per process."""
    return read_known_addresses()
