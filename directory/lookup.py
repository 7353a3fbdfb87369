"""Match a hospital name as someone writes it (北医三院, 瑞金医院) against a built registry.

Used by `hospnet resolve`, the API's /resolve and the import benchmark. The index is built once per
registry file: every alias of every hospital, normalized, plus an inverted index of character
bigrams of the normalized cores so a query touches only hospitals that share text with it.
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from directory.knowledge import abbreviation_meanings, expand_abbreviation
from directory.match_rules import compatible, identity, name_score, variants
from directory.names import NormalizedName, from_json, normalize_cached, normalize_name, preload

MATCH_THRESHOLD = 85.0  # below this the best candidate is reported, not asserted
FUZZY_TOP = 8  # candidates per query spelling taken from a city's fuzzy top-k


@dataclass
class HospitalEntry:
    id: str
    name: str
    province: str | None
    city: str | None
    city_adcode: str | None
    province_adcode: str | None
    country: str | None
    grade: str | None
    listing_count: int
    norms: list[NormalizedName] = field(default_factory=list)


@dataclass
class NameIndex:
    hospitals: dict[str, HospitalEntry]
    by_identity: dict[tuple, set[str]]
    by_bigram: dict[str, set[str]]
    # Per city: the normalized cores of every alias there, for a fast fuzzy top-k (rapidfuzz, in C).
    city_cores: dict[str | None, tuple[list[str], list[str]]] = field(default_factory=dict)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def build_index(conn: sqlite3.Connection) -> NameIndex:
    """Index every hospital's aliases from an open registry connection."""
    hospitals: dict[str, HospitalEntry] = {}
    for row in conn.execute(
        "SELECT id, name, province, city, city_adcode, province_adcode, country, grade, listing_count FROM hospitals"
    ):
        hospitals[row[0]] = HospitalEntry(*row)
    by_identity: dict[tuple, set[str]] = defaultdict(set)
    by_bigram: dict[str, set[str]] = defaultdict(set)
    seen: set[tuple[str, str]] = set()
    try:
        preload({alias: from_json(norm) for alias, norm in conn.execute("SELECT alias, norm FROM name_norms")})
    except sqlite3.OperationalError:
        pass  # a registry without the table: names are normalized here instead
    names = [(h.id, h.name) for h in hospitals.values()]
    names += list(conn.execute("SELECT DISTINCT hospital_id, alias FROM aliases"))
    memo: dict[str, NormalizedName] = {}
    cores: dict[str | None, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for hid, alias in names:
        if (hid, alias) in seen or hid not in hospitals:
            continue
        seen.add((hid, alias))
        norm = memo.get(alias) or memo.setdefault(alias, normalize_cached(alias))
        hospitals[hid].norms.append(norm)
        city_list = cores[hospitals[hid].city_adcode]
        for v in variants(norm):
            by_identity[identity(v)].add(hid)
            for bg in _bigrams(v.core):
                by_bigram[bg].add(hid)
            city_list[0].append(v.core)
            city_list[1].append(hid)
    return NameIndex(hospitals, dict(by_identity), dict(by_bigram), dict(cores))


@lru_cache(maxsize=4)
def index_for(db_path: str, mtime: float) -> NameIndex:
    """Cached index of a registry file (the mtime in the key drops the cache after a rebuild)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return build_index(conn)
    finally:
        conn.close()


def _query_variants(name: str, city_name: str | None) -> list[NormalizedName]:
    norm = normalize_name(name)
    out = list(variants(norm))
    expanded = expand_abbreviation(norm.clean, city_name)
    if expanded and expanded != norm.clean:
        out.extend(variants(normalize_name(expanded)))
    return out


def _stated_province(name: str) -> str | None:
    """The province a name states outright (广东省人民医院, 北京协和医院), not an institution's seat."""
    from geodata.name_places import place_from_name

    outside = name.split("(")[0].split("（")[0]
    m = place_from_name(outside)
    if m.status in ("exact", "alias") and "(institution's seat)" not in m.reason:
        return m.province_adcode
    return None


def score_pair(q: NormalizedName, cand: NormalizedName) -> tuple[float, str]:
    """Score a query spelling against one alias: exact text > same identity and places > same identity
    > fuzzy core similarity (capped below the exact tiers); 0 when a hard rule forbids the match."""
    ok, reason = compatible(q, cand)
    if not ok:
        return 0.0, reason
    if q.clean == cand.clean:
        return 100.0, f"same name as '{cand.clean}'"
    cand_ids = {(identity(v), v.places) for v in variants(cand)}
    if (identity(q), q.places) in cand_ids:
        return 98.0, f"same normalized name and places as '{cand.clean}'"
    if identity(q) in {i for i, _ in cand_ids}:
        return 95.0, f"same normalized core as '{cand.clean}' ({reason})"
    return min(name_score(q, cand), 94.0), f"similar core ({reason})"


def _describe(h: HospitalEntry, score: float, reasons: list[str]) -> dict:
    return {"id": h.id, "name": h.name, "province": h.province, "city": h.city, "city_adcode": h.city_adcode,
            "country": h.country, "grade": h.grade, "listing_count": h.listing_count,
            "score": round(score, 1), "reasons": reasons}


def resolve_name(index: NameIndex, name: str, city_adcode: str | None = None, city_name: str | None = None,
                 limit: int = 5) -> dict:
    """Best canonical hospital for `name` (optionally within a city), with score, reasons, runners-up."""
    query = _query_variants(name, city_name)
    candidates: dict[str, tuple[float, list[str]]] = {}
    pool = set().union(*(index.by_identity.get(identity(v), set()) for v in query))
    if city_adcode:
        # Within a city: the few closest cores by rapidfuzz (in C), then the full rules on those.
        city_names, city_ids = index.city_cores.get(city_adcode, ([], []))
        for v in query:
            for _core, _score, k in process.extract(v.core, city_names, scorer=fuzz.ratio, limit=FUZZY_TOP):
                pool.add(city_ids[k])
    else:
        # Nationwide: hospitals sharing the query's rarer bigrams (a bigram in most names, 医院, says nothing).
        cap = max(50, len(index.hospitals) // 50)
        for v in query:
            grams = [g for g in _bigrams(v.core) if len(index.by_bigram.get(g, ())) <= cap] or \
                sorted(_bigrams(v.core), key=lambda g: len(index.by_bigram.get(g, ())))[:1]
            counts: dict[str, int] = defaultdict(int)
            for bg in grams:
                for hid in index.by_bigram.get(bg, ()):
                    counts[hid] += 1
            pool.update(h for h, c in counts.items() if c * 2 >= len(grams))
    stated = _stated_province(name)
    for hid in pool:
        h = index.hospitals[hid]
        if city_adcode and h.city_adcode and h.city_adcode != city_adcode:
            continue
        if stated and h.province_adcode and h.province_adcode != stated:
            continue  # the name itself says another province (广东省人民医院 is not in 河南)
        best, why = 0.0, []
        for q in query:
            for cand in h.norms:
                score, reason = score_pair(q, cand)
                if score > best:
                    best, why = score, [reason, f"matched '{cand.clean}'"]
        if best > 0:
            candidates[hid] = (best, why)
    ranked = sorted(candidates.items(),
                    key=lambda kv: (-kv[1][0], -index.hospitals[kv[0]].listing_count, index.hospitals[kv[0]].name))
    out = [_describe(index.hospitals[hid], s, why) for hid, (s, why) in ranked[: max(limit, 1)]]
    best = out[0] if out and out[0]["score"] >= MATCH_THRESHOLD else None
    if best and len(out) > 1 and out[1]["score"] == best["score"]:
        best = None  # a tie between sites (e.g. 协和医院 in 北京 and 武汉) is reported, not decided
    meanings = abbreviation_meanings(normalize_name(name).clean)
    if best and len(meanings) > 1 and not city_adcode:
        best = None  # knowledge says this short name means several hospitals: a city must decide
    return {"query": name, "city_adcode": city_adcode, "best": best, "candidates": out,
            "threshold": MATCH_THRESHOLD}
