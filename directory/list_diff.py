"""What changes when a service's list is replaced by a new version: hospitals added and removed.

Two ways to know: at import time, against a registry that exists (each new row is matched to the
registry's hospitals with the same matcher as `hospnet resolve`; a row that matches none is a
hospital new to the registry); at build time, exactly, since both versions are resolved in the same
build (directory/build.py writes it to the build report, section `service versions`).
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from directory.parse_tables import ListingRow


@dataclass(frozen=True)
class ListDiff:
    service_id: str
    basis: str  # what the new list was compared with
    before: int  # hospitals on the old list
    after: int  # hospitals on the new list
    added: tuple[str, ...]  # names of hospitals on the new list only (registry names, or as printed when new)
    removed: tuple[str, ...]  # names of hospitals on the old list only
    new_to_registry: int = 0  # of the added: rows that match no hospital of the registry

    def as_dict(self) -> dict:
        return {"service_id": self.service_id, "basis": self.basis, "before": self.before, "after": self.after,
                "added_count": len(self.added), "removed_count": len(self.removed),
                "new_to_registry": self.new_to_registry, "added": list(self.added), "removed": list(self.removed)}


def compare(service_id: str, basis: str, old: dict[str, str], new: dict[str, str], new_to_registry: int = 0) -> ListDiff:
    """Diff two {hospital id: name} maps."""
    added = sorted(new[h] for h in new.keys() - old.keys())
    removed = sorted(old[h] for h in old.keys() - new.keys())
    return ListDiff(service_id, basis, len(old), len(new), tuple(added), tuple(removed), new_to_registry)


def diff_against_registry(db: Path, service_id: str, rows: list[ListingRow]) -> ListDiff:
    """The new list's rows against the hospitals the registry lists for `service_id` today."""
    from directory.locate import locate_listing
    from directory.lookup import index_for, resolve_name

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        old = dict(conn.execute("SELECT h.id, h.name FROM eligibility e JOIN hospitals h ON h.id = e.hospital_id "
                                "WHERE e.service_id = ?", (service_id,)).fetchall())
        names = dict(conn.execute("SELECT id, name FROM hospitals").fetchall())
        # A row printed exactly as a row the registry already resolved is that hospital (the build
        # would decide the same); rows of this service's current list first.
        seen: dict[tuple, str] = {}
        for key_name, prov, city, hid, _serves in conn.execute(
                "SELECT l.raw_name, l.raw_province, l.raw_city, l.hospital_id, ts.service_id IS NOT NULL "
                "FROM listings l LEFT JOIN table_services ts ON ts.table_id = l.table_id AND ts.service_id = ? "
                "WHERE l.hospital_id IS NOT NULL ORDER BY 5", (service_id,)):
            seen[(key_name, prov or None, city or None)] = hid
    finally:
        conn.close()
    index = index_for(str(db.resolve()), os.path.getmtime(db))
    new: dict[str, str] = {}
    unmatched = 0
    for row in rows:
        hid = seen.get((row.raw_name, row.raw_province or None, row.raw_city or None))
        if hid:
            new[hid] = names[hid]
            continue
        place = locate_listing(row.raw_name, row.raw_province, row.raw_city)
        best = resolve_name(index, row.raw_name, city_adcode=place.city, city_name=row.raw_city, limit=2)["best"]
        if best:
            new[best["id"]] = best["name"]
        elif f"new:{row.raw_name}" not in new:
            new[f"new:{row.raw_name}"] = row.raw_name
            unmatched += 1
    return compare(service_id, f"the registry {db}", old, new, unmatched)
