"""What the API keeps in memory, loaded once from the (immutable) registry at start-up.

The eligibility context (services with their terms, tables and covered areas; regions — from
directory.eligibility), per-service indexes for nearest, and a name index of every hospital with its
aliases in Chinese, full pinyin and pinyin initials (bjxh → 北京协和医院). The registry file never
changes while it is served — a rebuild writes a new file — so caching these is safe.
"""
from __future__ import annotations

import gc
import re
import sqlite3
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from api.errors import bad_request
from api.search_index import name_entries, name_pinyin
from directory.eligibility import (
    EligibilityContext,
    GradeRequirement,
    LookupFailed,
    QueriedPlace,
    Service,
    find_place,
    find_service,
)
from directory.eligibility import parse_min_grade as _parse_min_grade

__all__ = ["Catalog", "NameEntry", "Service", "parse_min_grade"]

_ASCII = re.compile(r"[^0-9a-z]")
_SPACE = re.compile(r"\s+")


def parse_min_grade(text: str, param: str = "min_grade") -> GradeRequirement:
    """A grade parameter (`param`: min_grade, or grade on /hospitals), or a 400 naming it and the accepted forms."""
    try:
        return _parse_min_grade(text)
    except ValueError as exc:
        raise bad_request("invalid_parameter", f"参数 {param}：{exc}") from None


@dataclass
class NameEntry:
    hospital_id: str
    text: str        # the name or alias, spaces removed
    pinyin: str      # full pinyin, letters and digits only
    initials: str    # pinyin initials
    is_name: bool


def _freeze_long_lived() -> None:
    """Move what is alive now (a new per-service index, built once per build) out of the garbage
    collector's reach: unfrozen, every full collection scanned these indexes too and each one
    stalled a worker for 150-250 ms (measured with gc.callbacks; wrk saw p99 of 65-260 ms at 1 and
    8 clients). A young collection first, so no cyclic garbage of the request is frozen with them."""
    gc.collect(1)
    gc.freeze()


class Catalog:
    def __init__(self, conn: sqlite3.Connection) -> None:
        conn.row_factory = sqlite3.Row
        self.eligibility = EligibilityContext.load(conn)
        self.regions: dict[str, dict[str, Any]] = self.eligibility.regions.rows
        self.services: dict[str, Service] = self.eligibility.services
        self.insurers = sorted({s.insurer for s in self.services.values() if s.insurer})
        self._service_indexes: dict[Hashable, Any] = {}
        self._index_lock = threading.Lock()
        self._load_names(conn)
        self._load_extras(conn)

    # ---- the service catalog, teams, row notes (tables an older registry may lack) ------------------
    def _load_extras(self, conn: sqlite3.Connection) -> None:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        self.conditions: dict[str, list[dict[str, Any]]] = {}
        self.merged: dict[str, str] = {}
        self.restrictions: dict[tuple[str, str], dict[str, Any]] = {}
        self.teams: dict[str, list[dict[str, Any]]] = {}
        if "service_conditions" in tables:
            for r in conn.execute("select * from service_conditions order by id"):
                self.conditions.setdefault(r["service_id"], []).append(dict(r))
        if "service_merges" in tables:
            self.merged = {r["service_id"]: r["merged_into"] for r in conn.execute("select * from service_merges")}
        if "row_restrictions" in tables:
            self.restrictions = {(r["service_id"], r["hospital_id"]): dict(r)
                                 for r in conn.execute("select * from row_restrictions")}
        if "teams" in tables:
            for r in conn.execute("select * from teams order by id"):
                self.teams.setdefault(r["hospital_id"], []).append(dict(r))

    def how_to_use(self, service_id: str) -> dict[str, Any]:
        """The service's spoken summary (computed once per registry: the catalog does not change)."""
        from directory.service_catalog import how_to_use

        return self.service_index(service_id + "#how_to_use",
                                  lambda: how_to_use(self.conditions.get(service_id, []), self.titles))

    @property
    def titles(self) -> dict[str, str]:
        """Source file → the manual's title (the registry's `sources`): answers cite manuals by title."""
        return self.eligibility.titles

    # ---- names -------------------------------------------------------------------------------
    def _load_names(self, conn: sqlite3.Connection) -> None:
        """Names and aliases with their pinyin: read from `search_names`, written by the build
        (api/search_index.py), or computed here for a registry that lacks it (slow at scale)."""
        self.listing_count = {r[0]: r[1] or 0 for r in conn.execute("select id, listing_count from hospitals")}
        stored = conn.execute("select 1 from sqlite_master where name = 'search_names'").fetchone()
        if stored:
            rows = conn.execute("select hospital_id, text, pinyin, initials, is_name from search_names order by rowid")
            self.names = [NameEntry(hid, text, full, initials, bool(is_name))
                          for hid, text, full, initials, is_name in rows]
        else:
            self.names = [NameEntry(hid, text, *name_pinyin(text), is_name)
                          for hid, text, is_name in name_entries(conn)]

    def service_index(self, key: Service | Hashable, build: Callable[[], Any]) -> Any:
        """A per-service precomputed structure, built on first use (once, even under concurrent requests)."""
        key = key.id if isinstance(key, Service) else key
        idx = self._service_indexes.get(key)
        if idx is None:
            with self._index_lock:
                idx = self._service_indexes.get(key)
                if idx is None:
                    idx = self._service_indexes[key] = build()
                    _freeze_long_lived()
        return idx

    def indexes_built(self) -> int:
        """How many services' own nearest indexes are built (all of them once `hospnet serve` warmed the build)."""
        return sum(1 for key in list(self._service_indexes) if key in self.services)

    def search_names(self, q: str) -> dict[str, int]:
        """hospital id → match score for a name query in Chinese, pinyin or pinyin initials."""
        q = _SPACE.sub("", q)
        scores: dict[str, int] = {}
        ascii_q = q.isascii()
        ql = _ASCII.sub("", q.lower()) if ascii_q else q
        if not ql:
            return scores
        for e in self.names:
            s = 0
            if ascii_q:
                if e.initials == ql or e.pinyin == ql:
                    s = 95
                elif e.initials.startswith(ql) or e.pinyin.startswith(ql):
                    s = 85
                elif len(ql) >= 2 and (ql in e.initials or ql in e.pinyin):
                    s = 70
                elif ql in e.text.lower():
                    s = 70
            else:
                if e.text == ql:
                    s = 100
                elif e.text.startswith(ql):
                    s = 90
                elif ql in e.text:
                    s = 80
            if s:
                s -= 0 if e.is_name else 2
                if s > scores.get(e.hospital_id, 0):
                    scores[e.hospital_id] = s
        return scores

    # ---- services and places (directory.eligibility.find; failures become 400s with candidates) -----
    def resolve_service(self, query: str, insurer: str | None = None) -> Service:
        query = self.merged.get(query.strip(), query)  # a service printed twice answers as the one it is
        try:
            return find_service(self.services, query, insurer)
        except LookupFailed as exc:
            raise bad_request(exc.code, exc.message, exc.candidates) from None

    def region_brief(self, adcode: str | None) -> dict[str, Any] | None:
        return self.eligibility.regions.brief(adcode)

    def name_of(self, adcode: str | None) -> str | None:
        return self.eligibility.regions.name_of(adcode)

    def resolve_city(self, query: str) -> QueriedPlace:
        """A city, district, county, adcode or address as the caller gives it."""
        try:
            return find_place(self.eligibility.regions, query)
        except LookupFailed as exc:
            raise bad_request(exc.code, exc.message, exc.candidates) from None
