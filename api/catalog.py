"""What the API keeps in memory, loaded once from the (immutable) registry at start-up.

Services with their aliases and tables, regions, and a name index of every hospital with its
aliases in Chinese, full pinyin and pinyin initials (bjxh → 北京协和医院). The registry file never
changes while it is served — a rebuild writes a new file — so caching these is safe.
"""
from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process

from api.errors import bad_request
from geodata.places import resolve_city_query

GRADE_LEVEL = {"一级": 1, "二级": 2, "三级": 3}
GRADE_CLASS = {"特等": 4, "甲等": 3, "乙等": 2, "丙等": 1}
_MIN_GRADE = re.compile(r"^([一二三123])(?:级)?(特|甲|乙|丙)?(?:等)?(?:及以上|以上)?$")
_CN_LEVEL = {"一": 1, "二": 2, "三": 3, "1": 1, "2": 2, "3": 3}
_CN_CLASS = {"特": 4, "甲": 3, "乙": 2, "丙": 1}
_ASCII = re.compile(r"[^0-9a-z]")


def _abroad_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).lower().replace("（", "(").replace("）", ")")
_SPACE = re.compile(r"\s+")


def grade_parts(grade: str | None) -> tuple[int | None, int]:
    """'三级甲等' → (3, 3); '二级' → (2, 0); unknown → (None, 0)."""
    if not grade:
        return None, 0
    return GRADE_LEVEL.get(grade[:2]), GRADE_CLASS.get(grade[2:], 0)


def grade_rank(grade: str | None) -> int:
    """Sort rank: 三级特等 34, 三级甲等 33, 三级 30, … unknown 0 (higher is better)."""
    level, klass = grade_parts(grade)
    return 0 if level is None else level * 10 + klass


def parse_min_grade(text: str) -> tuple[int, int, str]:
    """A minimum grade as people write it: 二级, 二级及以上, 三甲, 三级甲等, 3 → (level, class, label)."""
    m = _MIN_GRADE.match(_SPACE.sub("", text))
    if not m:
        raise bad_request("invalid_parameter",
                          f"min_grade {text!r} is not a grade; use 一级, 二级, 三级, 三级乙等, 三级甲等 (or 1, 2, 3)")
    level, klass = _CN_LEVEL[m.group(1)], _CN_CLASS.get(m.group(2) or "", 0)
    label = "一二三"[level - 1] + "级" + ({4: "特等", 3: "甲等", 2: "乙等", 1: "丙等"}.get(klass, ""))
    return level, klass, label


def district_kind(adcode: str | None, name: str | None) -> str | None:
    """'district' (市辖区, city proper), 'county' or 'county_city' for a county-level unit.

    The unit's own name decides first (…区 / …县 / …旗 / …市); GB/T 2260's code convention
    (last two digits 01–20 districts, 21–80 counties, 81–99 county-level cities) is the fallback,
    because some municipalities number districts past 20 (上海 崇明区 310151, 重庆 500151).
    """
    if not adcode or len(adcode) != 6 or adcode[4:] == "00":
        return None
    if name:
        if name.endswith("区"):
            return "district"
        if name.endswith(("县", "旗")):
            return "county"
        if name.endswith("市"):
            return "county_city"
    tail = int(adcode[4:])
    return "district" if tail <= 20 else "county" if tail <= 80 else "county_city"


@dataclass
class Service:
    id: str
    name: str
    insurer: str
    product: str
    kind: str
    rule: str | None
    min_grade: str | None
    public_only: bool
    city_proper_only: bool
    aliases: list[str]
    source_file: str
    tables: list[str] = field(default_factory=list)
    areas: set[str] = field(default_factory=set)  # coverage adcodes (city or county level)

    def brief(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "insurer": self.insurer, "kind": self.kind}

    def full(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "insurer": self.insurer, "product": self.product,
                "kind": self.kind, "rule": self.rule or None, "min_grade": self.min_grade or None,
                "public_only": self.public_only, "city_proper_only": self.city_proper_only,
                "aliases": self.aliases, "source_file": self.source_file, "tables": self.tables}


@dataclass
class NameEntry:
    hospital_id: str
    text: str        # the name or alias, spaces removed
    pinyin: str      # full pinyin, letters and digits only
    initials: str    # pinyin initials
    is_name: bool


def _pinyin(text: str) -> tuple[str, str]:
    full = "".join(lazy_pinyin(text)).lower()
    initials = "".join(s[:1] for s in lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()
    return _ASCII.sub("", full), _ASCII.sub("", initials)


class Catalog:
    def __init__(self, conn: sqlite3.Connection) -> None:
        conn.row_factory = sqlite3.Row
        self.regions: dict[str, dict[str, Any]] = {
            r["adcode"]: dict(r) for r in conn.execute(
                "select adcode, name, level, parent_adcode, lat, lon, tier from regions")}
        self.services: dict[str, Service] = {}
        for r in conn.execute("select * from services order by id"):
            try:
                aliases = json.loads(r["aliases"] or "[]")
            except ValueError:
                aliases = []
            self.services[r["id"]] = Service(
                r["id"], r["name"], r["insurer"] or "", r["product"] or "", r["kind"], r["rule"],
                r["min_grade"], bool(r["public_only"]), bool(r["city_proper_only"]), list(aliases),
                r["source_file"])
        for table_id, service_id in conn.execute("select table_id, service_id from table_services"):
            if service_id in self.services:
                self.services[service_id].tables.append(table_id)
        for service_id, adcode in conn.execute("select service_id, adcode from coverage"):
            if service_id in self.services:
                self.services[service_id].areas.add(adcode)
        self.insurers = sorted({s.insurer for s in self.services.values() if s.insurer})
        self._load_extras(conn)
        self._service_indexes: dict[str, Any] = {}
        self._index_lock = threading.Lock()
        self._load_names(conn)

    # ---- catalog, teams, row notes, places abroad (tables that an older registry may lack) --------
    def _load_extras(self, conn: sqlite3.Connection) -> None:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        self.conditions: dict[str, list[dict[str, Any]]] = {}
        self.merged: dict[str, str] = {}
        self.restrictions: dict[tuple[str, str], dict[str, Any]] = {}
        self.teams: dict[str, list[dict[str, Any]]] = {}
        self.abroad_names: dict[str, list[str]] = {}
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
        if "overseas_places" in tables:
            for r in conn.execute("select * from overseas_places"):
                level = r["level"]
                self.regions[r["code"]] = {"adcode": r["code"], "name": r["name"], "level": level,
                                           "parent_adcode": r["parent_code"], "lat": r["lat"], "lon": r["lon"],
                                           "tier": None, "name_en": r["name_en"], "country": r["country"],
                                           "abroad": True}
                for label in (r["name"], r["name_en"], *(r["aliases"] or "").split("|")):
                    if label:
                        self.abroad_names.setdefault(_abroad_key(label), []).append(r["code"])

    def how_to_use(self, service_id: str) -> dict[str, Any]:
        """The service's spoken summary (computed once per registry: the catalog does not change)."""
        from directory.service_catalog import how_to_use

        return self.service_index(service_id + "#how_to_use", lambda: how_to_use(self.conditions.get(service_id, [])))

    def resolve_abroad(self, query: str) -> dict[str, Any] | None:
        """A country, US state or city abroad by its Chinese or English name (cities first)."""
        order = {"city": 0, "region": 1, "country": 2}
        codes = sorted(set(self.abroad_names.get(_abroad_key(query), [])), key=lambda c: order[self.regions[c]["level"]])
        if not codes:
            return None
        r = self.regions[codes[0]]
        country = r["country"]
        country_name = (self.regions.get(country) or {}).get("name", country)
        how = f"{query} = {r['name']} / {r['name_en']}（{country_name}，境外地点）"
        return {"city_adcode": r["adcode"], "district_adcode": None, "province_adcode": country, "status": "abroad",
                "reason": how, "abroad": True, "level": r["level"]}

    # ---- names -------------------------------------------------------------------------------
    def _load_names(self, conn: sqlite3.Connection) -> None:
        self.names: list[NameEntry] = []
        self.listing_count: dict[str, int] = {}
        seen: set[tuple[str, str]] = set()
        rows = [(r[0], r[1], True, r[2]) for r in conn.execute("select id, name, listing_count from hospitals")]
        rows += [(r[0], r[1], False, None) for r in conn.execute("select hospital_id, alias from aliases")]
        for hid, text, is_name, count in rows:
            if is_name:
                self.listing_count[hid] = count or 0
            clean = _SPACE.sub("", text or "")
            if not clean or (hid, clean) in seen:
                continue
            seen.add((hid, clean))
            full, initials = _pinyin(clean)
            self.names.append(NameEntry(hid, clean, full, initials, is_name))

    def service_index(self, key: Service | str, build: Callable[[], Any]) -> Any:
        """A per-service precomputed structure, built on first use (once, even under concurrent requests)."""
        key = key if isinstance(key, str) else key.id
        idx = self._service_indexes.get(key)
        if idx is None:
            with self._index_lock:
                idx = self._service_indexes.get(key)
                if idx is None:
                    idx = self._service_indexes[key] = build()
        return idx

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

    # ---- services ----------------------------------------------------------------------------
    def _insurer_ok(self, service: Service, insurer: str | None) -> bool:
        if not insurer:
            return True
        a, b = insurer.lower(), service.insurer.lower()
        return bool(b) and (a in b or b in a)

    def resolve_service(self, query: str, insurer: str | None = None) -> Service:
        q = _SPACE.sub(" ", query.strip())
        ql = q.lower()
        q = self.merged.get(q, q)  # a service printed twice answers under the one it was merged into
        if q in self.services:
            s = self.services[q]
            if not self._insurer_ok(s, insurer):
                raise bad_request("insurer_mismatch", f"service {q} belongs to {s.insurer}, not {insurer}",
                                  [s.brief()])
            return s
        pool = [s for s in self.services.values() if self._insurer_ok(s, insurer)]
        if insurer and not pool:
            raise bad_request("unknown_insurer", f"no insurer matches {insurer!r}",
                              [{"insurer": i} for i in self.insurers])
        compact = ql.replace(" ", "")
        tiers = [
            lambda s: s.name.lower() == ql or s.name.lower().replace(" ", "") == compact
            or compact in {a.lower().replace(" ", "") for a in s.aliases},
            lambda s: compact in s.name.lower().replace(" ", ""),
            lambda s: any(compact in a.lower().replace(" ", "") for a in s.aliases),
        ]
        for test in tiers:
            hits = [s for s in pool if test(s)]
            if len(hits) == 1:
                return hits[0]
            if hits:
                insurers = sorted({s.insurer for s in hits})
                hint = "add insurer=… or use the service id" if len(insurers) > 1 else "use the service id"
                raise bad_request("ambiguous_service",
                                  f"service {q!r} matches {len(hits)} services ({', '.join(insurers)}); {hint}",
                                  [s.brief() for s in hits])
        choices = {}
        for s in pool or self.services.values():
            for label in [s.name, s.id, *s.aliases]:
                choices[(s.id, label)] = label.lower()
        close = process.extract(ql, choices, scorer=fuzz.WRatio, limit=15)
        cands, seen = [], set()
        for _label, score, key in close:
            if key[0] not in seen and score >= 40:
                seen.add(key[0])
                cands.append({**self.services[key[0]].brief(), "score": round(score, 1)})
        scope = f" from an insurer matching {insurer!r}" if insurer else ""
        raise bad_request("unknown_service", f"no service{scope} is called {q!r}", cands[:5])

    # ---- places ------------------------------------------------------------------------------
    def region_brief(self, adcode: str | None) -> dict[str, Any] | None:
        r = self.regions.get(adcode or "")
        if not r:
            return None
        out = {"adcode": r["adcode"], "name": r["name"], "level": r["level"]}
        chain, parent = [], r["parent_adcode"]
        while parent and parent in self.regions and len(chain) < 3:
            chain.append(self.regions[parent]["name"])
            parent = self.regions[parent]["parent_adcode"]
        if chain:
            out["in"] = " ".join(reversed(chain))
        return out

    def name_of(self, adcode: str | None) -> str | None:
        r = self.regions.get(adcode or "")
        return r["name"] if r else None

    def resolve_city(self, query: str) -> dict[str, Any]:
        m = resolve_city_query(query)
        if not (m.city_adcode or m.province_adcode or m.candidates):
            abroad = self.resolve_abroad(query)
            if abroad:
                return abroad
        if m.candidates and not m.city_adcode:
            raise bad_request("ambiguous_city", f"city {query!r} is ambiguous: {m.reason}",
                              [c for c in (self.region_brief(a) for a in m.candidates) if c])
        if m.status == "conflict":
            raise bad_request("ambiguous_city", f"city {query!r} could not be placed: {m.reason}",
                              [c for c in (self.region_brief(a) for a in m.candidates) if c])
        if not m.city_adcode:
            if m.province_adcode:
                cities = [self.region_brief(a) for a, r in self.regions.items()
                          if r["level"] == "city" and r["parent_adcode"] == m.province_adcode]
                raise bad_request("city_required",
                                  f"{query!r} is a province ({self.name_of(m.province_adcode)}); name a city in it",
                                  [c for c in cities if c])
            names = {a: r["name"] for a, r in self.regions.items() if r["level"] in ("city", "district")}
            close = process.extract(query, names, scorer=fuzz.WRatio, limit=5)
            raise bad_request("unknown_city", f"no city called {query!r}: {m.reason}",
                              [c for c in (self.region_brief(a) for _n, sc, a in close if sc >= 50) if c])
        return {"city_adcode": m.city_adcode, "district_adcode": m.district_adcode,
                "province_adcode": m.province_adcode, "status": m.status, "reason": m.reason}
