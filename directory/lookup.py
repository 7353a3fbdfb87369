"""Match a hospital name as someone says or writes it (北医三院, 华西, 浙大二院, 北京协合医院) against a built
registry.

Used by `hospnet resolve`, the API's /resolve, /eligibility and /hospitals?q=, and the import benchmark.
The index is built once per registry file: every alias of every hospital, normalized, plus an inverted
index of character bigrams of the normalized cores so a query touches only hospitals that share text
with it. An answer is one of three (`status`):

- `matched` — one hospital, with score and reasons;
- `ambiguous` — two or more hospitals are equally good (协和医院 without a city, 附二院 in 广州); they are
  the first candidates, and nothing is chosen;
- `not_found` — no hospital is good enough; the candidates are suggestions only.

How a name is matched, strongest first: the same text or normalized name (renames applied both ways);
a fuzzy score on the normalized core; a typo that reads the same in pinyin (协合 for 协和) inside the
caller's city; a colloquial short form (directory/short_names.py) that exactly one hospital of the
caller's city admits. Fuzzy matches, typos and short forms never leave the caller's country, nor the
city when the caller gives one or the name states one.
"""
from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Literal

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from directory.kind_names import carried_kind, county_kinds, names_a_kind_only, spoken_kind
from directory.knowledge import (
    KNOWLEDGE_DIR,
    abbreviation_expansions,
    abbreviation_meanings,
    load_abbreviations,
    load_renames,
    read_tsv,
)
from directory.lookalike_chars import looks_alike
from directory.match_rules import compatible, identity, name_score, places_conflict, variants
from directory.names import (
    MAIN_CAMPUS_WORDS,
    NormalizedName,
    clean_name,
    from_json,
    institution_type,
    normalize_cached,
    normalize_name,
    outside_brackets,
    place_names,
    preload,
    split_brackets,
    split_campus,
)
from directory.short_names import INSTITUTION_FORMS, name_variants, query_form, says, segments
from directory.soundalike_chars import sounds_alike
from directory.text_fold import fold_text

Status = Literal["matched", "ambiguous", "not_found"]

MATCH_THRESHOLD = 85.0  # below this the best candidate is reported, not asserted
IDENTITY_SCORE = 95.0  # same normalized name: the tiers above fuzzy similarity
SHORT_SCORE = 90.0  # a short form that exactly one hospital of the caller's city admits
HOMOPHONE_SCORE = 90.0  # a typo that reads the same (协合 for 协和), inside the caller's city
UNPLACED_SCORE = 80.0  # a short form heard without a city: a candidate, never an answer
TIE_MARGIN = 1.0  # two different hospitals this close at the top are equally good: ambiguous
MAX_AMBIGUOUS = 5  # more equally good hospitals than this: the name is too general to name a few
# A kind alone said in a city (人民医院 in 深圳) names the city's hospitals of that kind: up to this many are
# still a list an agent can go through with the caller, district by district.
MAX_AMBIGUOUS_KIND = 10
FUZZY_TOP = 8  # candidates per query spelling taken from a city's fuzzy top-k
HOME_COUNTRY = "中国"


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
    parent_id: str | None = None
    norms: list[NormalizedName] = field(default_factory=list)
    # Names that hold only when the caller is in the hospital's city (a city's row in abbreviations.tsv)
    local_names: set[str] = field(default_factory=set)


@dataclass
class ShortNameIndex:
    """For short forms: which hospitals hold each character, and the names to parse for each hospital."""

    chars: dict[str, set[str]]
    names: dict[str, tuple[str, ...]]


@dataclass
class NameIndex:
    hospitals: dict[str, HospitalEntry]
    by_identity: dict[tuple, set[str]]
    by_bigram: dict[str, set[str]]
    # Per city: the normalized cores of every alias there, for a fast fuzzy top-k (rapidfuzz, in C).
    city_cores: dict[str | None, tuple[list[str], list[str]]] = field(default_factory=dict)
    # Every name as written (cleaned) → hospitals: a name that is some hospital's own is never a typo of another.
    by_clean: dict[str, set[str]] = field(default_factory=dict)
    # Built on the first short-form query only: most lookups (imports of full names) never need it.
    _short: ShortNameIndex | None = None
    # (city adcode, kind) → main sites whose name is only that kind (kind_names.carried_kind); first use builds it.
    _kinds: dict[tuple[str | None, str], frozenset[str]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def build_index(conn: sqlite3.Connection) -> NameIndex:
    """Index every hospital's aliases from an open registry connection."""
    hospitals: dict[str, HospitalEntry] = {}
    for row in conn.execute(
        "SELECT id, name, province, city, city_adcode, province_adcode, country, grade, listing_count, parent_id "
        "FROM hospitals"
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
    names += _main_site_names(hospitals, names)
    local = _abbreviation_names(hospitals, names)
    for hid, alias in local:
        hospitals[hid].local_names.add(clean_name(alias))
    names += local
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
    by_clean: dict[str, set[str]] = defaultdict(set)
    for hid, alias in names:
        if hid in hospitals:
            by_clean[clean_name(alias)].add(hid)
    return NameIndex(hospitals, dict(by_identity), dict(by_bigram), dict(cores), dict(by_clean))


def _main_site_names(hospitals: dict[str, HospitalEntry], names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A main site's name without a bracket that only says it is the main site (厦门市第二医院（集美总部） is
    厦门市第二医院), so the plain name is found as the hospital's own."""
    out = []
    for hid, alias in names:
        if hospitals.get(hid) is None or hospitals[hid].parent_id:
            continue
        body, brackets = split_brackets(clean_name(alias))
        if brackets and all(b.endswith(MAIN_CAMPUS_WORDS) for b in brackets):
            out.append((hid, body))
    return out


def _abbreviation_names(hospitals: dict[str, HospitalEntry], names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A city's short names from abbreviations.tsv as names of the hospital they stand for (海慈医院 for
    青岛市海慈医疗集团), so that typos and short forms of them are found as of any other name."""
    from geodata.places import resolve_city_query

    by_clean: dict[str, set[str]] = defaultdict(set)
    for hid, alias in names:
        by_clean[clean_name(alias)].add(hid)
    out = []
    for a in load_abbreviations():
        if not a.city:
            continue
        city = resolve_city_query(a.city).city_adcode
        for hid in by_clean.get(clean_name(a.full_name), ()):
            if hospitals[hid].city_adcode == city:
                out.append((hid, a.abbreviation))
    return out


@lru_cache(maxsize=4)
def index_for(db_path: str, mtime: float) -> NameIndex:
    """Cached index of a registry file (the mtime in the key drops the cache after a rebuild)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return build_index(conn)
    finally:
        conn.close()


# ---- query spellings ------------------------------------------------------------------------------


def _reverse_renames(clean: str) -> list[str]:
    """The query with a current name put back to its old one (西部战区总医院 → 成都军区总医院), so a name the
    manuals print only in its old form is found even by a registry built before the rename was known."""
    return [clean.replace(r.new_name, r.old_name) for r in load_renames() if r.new_name in clean]


@lru_cache(maxsize=1 << 14)
def _renames_for(text: str) -> tuple[str, ...]:
    """Readable notes for every rename whose old or new name occurs in the text."""
    return tuple(f"更名：{r.old_name} → {r.new_name}（{r.year}）" if r.year else f"更名：{r.old_name} → {r.new_name}"
                 for r in load_renames() if r.old_name in text or r.new_name in text)


def _renames_in(*texts: str) -> list[str]:
    return list(dict.fromkeys(note for t in texts for note in _renames_for(t)))


def _query_variants(norm: NormalizedName, city_name: str | None) -> list[NormalizedName]:
    out = list(variants(norm))
    # a short name names a main site: 武汉协和医院西院 is a campus, whatever 协和医院 stands for
    for expanded in () if norm.campus else abbreviation_expansions(norm.clean, city_name):
        if expanded != norm.clean:
            out.extend(variants(normalize_name(expanded)))
    for old in _reverse_renames(norm.clean):
        out.extend(variants(normalize_name(old)))
    return out


def _stated_place(name: str) -> tuple[str | None, str | None]:
    """(province, city) adcodes a name states outright (广东省人民医院, 北京协合医院), not an institution's seat."""
    from geodata.name_places import place_from_name

    outside = outside_brackets(name)
    m = place_from_name(outside)
    if m.status in ("exact", "alias") and "(institution's seat)" not in m.reason:
        return m.province_adcode, m.city_adcode
    return None, None


@cache
def _countries() -> tuple[tuple[str, str], ...]:
    """(name as written, country) from knowledge/countries.tsv, longest name first."""
    rows = read_tsv(KNOWLEDGE_DIR / "countries.tsv", ("alias", "country", "evidence"), ("alias", "country"))
    return tuple(sorted(((r["alias"], r["country"]) for _, r in rows), key=lambda x: -len(x[0])))


def _query_country(clean: str, city_adcode: str | None) -> str | None:
    """The country a caller asks about: the one the name names (德国…), else China for a Chinese name or a
    city; None for a Latin-script name with no country (any country may hold it)."""
    for alias, country in _countries():
        if alias in clean:
            return country
    if city_adcode or any("\u3400" <= ch <= "\u9fff" for ch in clean):
        return HOME_COUNTRY
    return None


@lru_cache(maxsize=1 << 15)
def _reading(core: str) -> str:
    """Toneless pinyin of a core, syllables joined by spaces (digits and Latin kept as they are)."""
    return " ".join(lazy_pinyin(core))


def _homophone(q: NormalizedName, cand: NormalizedName) -> bool:
    """True when two different cores read the same and share at least half their characters: 协合医院 is a
    typo of 协和医院 (pinyin input), not a different hospital."""
    if q.core == cand.core or len(q.core) != len(cand.core) or len(q.core) < 3:
        return False
    same = sum(a == b for a, b in zip(q.core, cand.core, strict=True))
    return same * 2 >= len(q.core) and _reading(q.core) == _reading(cand.core)


def _one_character_typo(q: NormalizedName, cand: NormalizedName, similar: Callable[[str, str], bool],
                        province: str | None = None, in_kind: bool = False) -> tuple[str, str, int] | None:
    """(query text, candidate text, position) when a name of four or more characters has one character in
    place of a candidate's that is `similar` to it — in the cores (华西医阮 for 华西医院, 湘稚 for 湘雅) or in the
    whole names (中山大学付属第一医院, 哈尔宾医科大学…) — else None. Never inside the candidate's kind of hospital
    (胸科/肺科医院 are two hospitals) unless `in_kind` and the query's word is no kind at all (人名医院), nor where the changed place name is another place of the caller's province
    (天律 for 天津 is a typo; a real place nearby would be another hospital); the character modules keep
    numbers and directions out."""
    for a, b in ((q.core, cand.core), (q.clean, cand.clean)):
        if a == b or len(a) != len(b) or len(a) < 4:
            continue
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) != 1 or not similar(a[diff[0]], b[diff[0]]):
            continue
        i = diff[0]
        kind = institution_type(b)
        if kind and i >= len(b) - len(kind) and (not in_kind or institution_type(a) is not None):
            continue  # a kind is not corrected by shape, nor into another kind (胸科/肺科医院)
        if not _names_another_place(a, b, i, province):
            return a, b, i
    return None


def _names_another_place(a: str, b: str, i: int, province: str | None) -> bool:
    """True when the place name of `b` around position i reads, in `a`, as another place of the province
    (江宁 for 江阴 in 江苏; any place when no province is given)."""
    from geodata.place_index import place_index

    pi = place_index()
    names = place_names()

    def provinces(word: str) -> set[str]:
        entries = [e for table in (pi.province, pi.city, pi.district, pi.district_stem) for e in table.get(word, ())]
        return {e.adcode[:2] for e in entries}

    for n in range(2, min(len(b), 9) + 1):
        for k in range(max(0, i - n + 1), min(i, len(b) - n) + 1):
            if b[k:k + n] not in names and b[k:k + n] not in pi.district_stem:
                continue
            found = provinces(a[k:k + n])
            if found and (province is None or province[:2] in found):
                return True
    return False


def score_pair(q: NormalizedName, cand: NormalizedName, placed: bool = True) -> tuple[float, str]:
    """Score a query spelling against one alias: exact text > same identity and places > same identity
    > fuzzy core similarity (capped below the exact tiers); 0 when a hard rule forbids the match.
    `placed`: the caller gave a city or the name states one. Without, two place-less names agreeing on
    "no place" is no evidence (同仁医院 is 北京's, 上海's, 南京's and 武汉大学's alike)."""
    ok, reason = compatible(q, cand)
    if not ok:
        return 0.0, reason
    if q.clean == cand.clean:
        return 100.0, f"与 '{cand.clean}' 同名"
    # Only spellings whose places agree with the query's: 黑龙江省中医医院(祖研) is not 哈尔滨市阿城区中医医院
    # because its bracket 祖研 states no place.
    cand_ids = {(identity(v), v.places) for v in variants(cand) if not places_conflict(q, v)}
    if (identity(q), q.places) in cand_ids and (placed or q.places):
        return 98.0, f"规范化后名称和地名与 '{cand.clean}' 相同"
    if identity(q) in {i for i, _ in cand_ids}:
        return 95.0, f"规范化后名称与 '{cand.clean}' 相同（{reason}）"
    return min(name_score(q, cand), 94.0), f"名称相似（{reason}）"


# ---- short forms ----------------------------------------------------------------------------------


def _short_index(index: NameIndex) -> ShortNameIndex:
    """Characters → hospitals over every main-site name and its current form (built once, on first use)."""
    if index._short is not None:
        return index._short
    with index._lock:
        if index._short is None:
            chars: dict[str, set[str]] = defaultdict(set)
            names: dict[str, tuple[str, ...]] = {}
            for hid, h in index.hospitals.items():
                if h.parent_id:
                    continue  # a campus is said with its campus name; short forms name main sites
                texts: list[str] = []
                for norm in h.norms:
                    if norm.campus or norm.clean in h.local_names:
                        continue  # a knowledge short name (湘雅附二) is not shortened further
                    texts.extend(name_variants(norm.clean))
                texts = list(dict.fromkeys(texts))
                names[hid] = tuple(texts)
                for t in texts:
                    for ch in query_form(t):
                        chars[ch].add(hid)
            index._short = ShortNameIndex(dict(chars), names)
    return index._short


def _short_matches(index: NameIndex, spoken: str, city_adcode: str | None, imply_city: bool = True
                   ) -> dict[str, str]:
    """Main-site hospitals (in the city, when given) one of whose names can be said as `spoken` → that name.
    `imply_city`: the city's own hospital may go without the city's name (not after the caller said a
    province: 四川省第五人民医院 is not 成都市第五人民医院)."""
    q = query_form(spoken)
    if not q or names_a_kind_only(spoken):
        return {}
    si = _short_index(index)
    implied = _city_forms(city_adcode) if imply_city else frozenset()
    # Inside a city its own hospitals may be said without the city's name (二院 = 南京市第二医院 in 南京),
    # so they need not hold every character of the query's place.
    sets = sorted((si.chars.get(ch, set()) for ch in set(q)), key=len)
    pool = set(sets[0]).intersection(*sets[1:]) if sets else set()
    out: dict[str, str] = {}
    for hid in pool:
        h = index.hospitals[hid]
        if city_adcode and h.city_adcode != city_adcode:
            continue
        for text in si.names.get(hid, ()):
            if says(q, segments(text), implied if city_adcode else frozenset()):
                out[hid] = text
                break
    return out


def _kind_said(clean: str, scope_city: str | None) -> str | None:
    """The kind a query says alone within the caller's city, the city's own name allowed before it (重庆儿童医院
    in 重庆); None without a city or when the query says more."""
    if not scope_city:
        return None
    kind = spoken_kind(clean)
    lead = _leading_place(clean) if kind is None else None
    if lead and _city_of_place(lead[0])[1] == scope_city:
        kind = spoken_kind(lead[1])
    return kind


def _kind_carriers(index: NameIndex, kind: str, city_adcode: str) -> frozenset[str]:
    """Main sites of a city whose name is nothing but `kind` with places or an owner (kind_names.py)."""
    if index._kinds is None:
        with index._lock:
            if index._kinds is None:
                kinds: dict[tuple[str | None, str], set[str]] = defaultdict(set)
                numbered: dict[tuple[str | None, str], set[str]] = defaultdict(set)
                local = county_kinds()
                for hid, h in index.hospitals.items():
                    if h.parent_id:
                        continue
                    for norm in h.norms:
                        if norm.campus:
                            continue
                        carried = carried_kind(norm.clean)
                        named = carried_kind(norm.clean, "named")
                        if carried or (named and named in local):
                            kinds[(h.city_adcode, carried or named)].add(hid)
                        elif counted := carried_kind(norm.clean, "numbered"):
                            numbered[(h.city_adcode, counted)].add(hid)
                for key, ids in numbered.items():
                    kinds.setdefault(key, ids)  # only where no unnumbered hospital is of the kind
                index._kinds = {k: frozenset(v) for k, v in kinds.items()}
    return index._kinds.get((city_adcode, kind), frozenset())


@lru_cache(maxsize=1024)
def _city_forms(city_adcode: str | None) -> frozenset[str]:
    """The ways a hospital name writes the caller's city (南京市, 南京; 北京市, 北京)."""
    if not city_adcode:
        return frozenset()
    from geodata.divisions import load_regions

    r = load_regions().get(city_adcode)
    if r is None:
        return frozenset()
    from directory.names import short_place

    return frozenset({r.name, short_place(r.name)})


def _leading_place(clean: str) -> tuple[str, str] | None:
    """(place, rest) when the query opens with a place name and more follows (武汉协和 → 武汉, 协和)."""
    places = place_names()
    for n in range(min(9, len(clean) - 1), 1, -1):
        if clean[:n] in places:
            return clean[:n], clean[n:]
    return None


def _city_of_place(place: str) -> tuple[str | None, str | None]:
    """(province, city) adcodes of a place word that names a province or a city itself, or (None, None) when
    it names no single place — or a county inside a city (江阴市 is in 无锡 but is not 无锡: 江阴市第三人民医院
    is not 无锡市第三人民医院)."""
    from geodata.places import resolve_city_query

    m = resolve_city_query(place)
    if m.status in ("exact", "alias") and not m.district_adcode:
        return m.province_adcode, m.city_adcode
    return None, None


def _generic_rest(text: str) -> bool:
    """True when what follows a place says no name of its own: ordinals, types and generic words only."""
    return all(s.kind in ("ordinal", "type", "generic", "affiliation") for s in segments(text))


def _short_candidates(index: NameIndex, clean: str, city_adcode: str | None
                      ) -> tuple[dict[str, str], str | None, bool]:
    """Short-form matches for a query: (hospital id → name it shortens, city searched, placed).

    With a city, the query is tried as said and without a leading place that is that city or its province
    (武汉协和 in 武汉). Without one, a leading place that names a city scopes the search (武汉协和 → 武汉), but
    only when the query said whole matches nothing elsewhere (中山一院 is 中山大学's, in 广州, not 中山市's).
    `placed` is False when no city scoped the search: such matches are candidates, never an answer.
    """
    lead = _leading_place(clean)
    if lead and lead[1].startswith(tuple(INSTITUTION_FORMS)):
        lead = None  # 江苏大学, 武汉大学: the place is the university's name, not the caller's place said first
    if city_adcode:
        found = _short_matches(index, clean, city_adcode)
        if lead:
            prov, city = _city_of_place(lead[0])
            if city == city_adcode and not _generic_rest(lead[1]):
                # 武汉协和 in 武汉: the city's name before a hospital's own name; but 长春市第二医院 names the
                # city's own hospital, not a university's 第二医院 with the city said in front
                found.update(_short_matches(index, lead[1], city_adcode))
            elif prov and city is None and prov == city_adcode[:2] + "0000":
                found.update(_short_matches(index, lead[1], city_adcode, imply_city=False))
        return found, city_adcode, True
    nationwide = _short_matches(index, clean, None)
    if lead:
        _prov, city = _city_of_place(lead[0])
        if city:
            local = _short_matches(index, lead[1], city)
            local.update({h: t for h, t in nationwide.items() if index.hospitals[h].city_adcode == city})
            if local and set(nationwide) <= set(local):
                return local, city, True
            nationwide.update(local)
    return nationwide, None, False


# ---- the answer -----------------------------------------------------------------------------------


Method = Literal["exact", "normalized", "fuzzy", "homophone", "lookalike", "short_form", "kind"]


def _describe(h: HospitalEntry, score: float, reasons: list[str], method: Method) -> dict:
    return {"id": h.id, "name": h.name, "province": h.province, "city": h.city, "city_adcode": h.city_adcode,
            "country": h.country, "grade": h.grade, "listing_count": h.listing_count,
            "score": round(score, 1), "method": method, "reasons": reasons}


def _related(index: NameIndex, a: str, b: str) -> bool:
    """True when two hospitals are one institution's sites (a campus and its main site)."""
    pa, pb = index.hospitals[a].parent_id, index.hospitals[b].parent_id
    return pa == b or pb == a or (pa is not None and pa == pb)


def _place_label(h: dict) -> str:
    return h.get("city") or h.get("province") or h.get("country") or "城市未知"


def _foreign_substitution(a: str, b: str) -> bool:
    """True when turning core a into core b replaces a character by one that reads differently: 北部 vs
    西部 战区总医院 is another hospital, however high the fuzzy score (dropped or added words are not)."""
    return any(op == "replace" and _reading(a[i]) != _reading(b[j]) for op, i, j in Levenshtein.editops(a, b))


def _drops_a_place(a: str, b: str) -> bool:
    """True when turning core a into core b leaves out a run of characters that is a place name (武进第4人民医院
    vs 第4人民医院: 武进's hospital is not the city's), however high the fuzzy score."""
    from geodata.place_index import place_index

    stems = place_index().district_stem
    names = place_names()
    runs, run, last = [], "", -2
    for op, i, _j in Levenshtein.editops(a, b):
        if op != "delete":
            continue
        run = run + a[i] if i == last + 1 else a[i]
        last = i
        runs.append(run)
    return any(len(r) >= 2 and any(r[k:k + n] in names or r[k:k + n] in stems
                                   for n in range(2, len(r) + 1) for k in range(len(r) - n + 1)) for r in runs)


def _generic(norm: NormalizedName, in_city: bool) -> bool:
    """True when a name says only what kind of hospital it is (人民医院, 第一医院, 附属医院, 中心医院): no place,
    owner or proper name, no hospital number, in none of its spellings (第二医院(温医二院) is not generic).
    Even an identical alias does not make such a name one hospital. Within a city, a numbered 人民医院 or
    中心医院 is the city's own (第一人民医院 in 上海 = 上海市第一人民医院)."""
    if norm.distinctive or norm.places:
        return False  # a proper name or a place of its own: the usual case, decided without parsing
    def says_nothing(text: str) -> bool:
        segs = segments(split_campus(text)[0])  # 口腔医院总院: which site of a kind says no more than the kind
        if in_city and any(s.kind == "ordinal" for s in segs) and segs[-1].text in ("人民医院", "中心医院"):
            return False
        return bool(segs) and all(
            s.kind in ("type", "generic", "affiliation", "institution")
            or (s.kind == "ordinal" and len(s.forms[0]) < 3) for s in segs)

    return all(says_nothing(t) for t in (norm.clean, *norm.aliases, *norm.known_as))


def _score_hospital(h: HospitalEntry, query: list[NormalizedName], scope_city: str | None, generic: bool,
                    typos: bool = True) -> tuple[float, list[str], bool, Method]:
    """Best score of a hospital over its names, the reasons, whether it may be asserted, and how it matched
    (`generic`: the query names no hospital in particular, so nothing it matches is asserted; `typos`: whether
    a one-character typo may be read — not when the query is another hospital's own name)."""
    best, why, sure, how = 0.0, [], False, "fuzzy"
    in_scope = scope_city is not None and h.city_adcode == scope_city
    province = scope_city[:2] + "0000" if scope_city else None
    for q in query:
        for cand in h.norms:
            if not in_scope and cand.clean in h.local_names:
                continue  # 省妇保 is 杭州's said in 杭州 only
            score, reason = score_pair(q, cand, scope_city is not None)
            may_be_typo = typos and score < HOMOPHONE_SCORE and in_scope and not generic
            confident = score >= IDENTITY_SCORE and not generic
            method: Method = "exact" if score >= 100 else "normalized" if confident else "fuzzy"
            if may_be_typo and score > 0 and _homophone(q, cand):
                score, reason, confident = HOMOPHONE_SCORE, f"同音字：'{q.core}' 与 '{cand.core}' 读音相同，按笔误处理", True
                method = "homophone"
            elif may_be_typo and (typo := _one_character_typo(q, cand, looks_alike, province)):
                # also where a hard rule saw two names (哈尔宾医科大学 is no other university: one character off)
                said, meant, k = typo
                score, confident, method = HOMOPHONE_SCORE, True, "lookalike"
                reason = f"形近字：'{said}' 与 '{meant}' 只差一个字形相近的字（{said[k]}/{meant[k]}），按笔误处理"
            elif may_be_typo and (typo := _one_character_typo(q, cand, sounds_alike, province, in_kind=True)):
                said, meant, k = typo
                score, confident, method = HOMOPHONE_SCORE, True, "homophone"
                reason = (f"近音字：'{said}' 与 '{meant}' 只差一个读音相近的字（{said[k]}/{meant[k]}，"
                          f"拼音输入常混的音），按笔误处理")
            elif score > 0 and not confident:
                # A fuzzy score is believed only inside the caller's city, and only when no character
                # was swapped for one that reads differently.
                confident = in_scope and not generic and not _foreign_substitution(q.core, cand.core) \
                    and not _drops_a_place(q.core, cand.core)
            if score <= 0 or score < best:
                continue
            if score > best or (score == best and confident and not sure):
                best, why, sure, how = score, [reason, f"对照名称：'{cand.clean}'"], confident, method
    return best, why, sure, how


def resolve_name(index: NameIndex, name: str, city_adcode: str | None = None, city_name: str | None = None,
                 limit: int = 5) -> dict:
    """The hospital meant by `name` (optionally within a city): status matched / ambiguous / not_found,
    best (when matched), candidates with score and reasons, and a message an agent can read out."""
    name = fold_text(name)
    clean = clean_name(name)
    norm = normalize_name(name)
    query = _query_variants(norm, city_name)
    stated_province, stated_city = _stated_place(name)
    scope_city = city_adcode or stated_city  # typos stay inside the caller's city, or the one the name states
    country = _query_country(clean, scope_city)
    generic = _generic(norm, scope_city is not None)
    # 半山医院 is 杭州's name for 浙江省肿瘤医院: said in 上海 it is no typo of 华山医院
    typos = not any(index.hospitals[h].city_adcode != scope_city for h in index.by_clean.get(clean, ()))
    pool = set().union(*(index.by_identity.get(identity(v), set()) for v in query))
    if scope_city:
        # Within a city: the few closest cores by rapidfuzz (in C), then the full rules on those.
        city_names, city_ids = index.city_cores.get(scope_city, ([], []))
        for v in query:
            for _core, _score, k in process.extract(v.core, city_names, scorer=fuzz.ratio, limit=FUZZY_TOP):
                pool.add(city_ids[k])
    if not city_adcode:
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
    candidates: dict[str, tuple[float, list[str], bool, Method]] = {}
    for hid in pool:
        h = index.hospitals[hid]
        if city_adcode and h.city_adcode and h.city_adcode != city_adcode:
            continue
        best, why, sure, how = _score_hospital(h, query, scope_city, generic, typos)
        if 0 < best < IDENTITY_SCORE:
            # A near miss is only believable close to home: never abroad, never in a province or city other
            # than the one the caller or the name itself states (广东省人民医院 is not in 河南).
            if country and h.country and h.country != country:
                continue
            if stated_province and h.province_adcode and h.province_adcode != stated_province:
                continue
            if scope_city and h.city_adcode != scope_city:
                continue
        if best > 0:
            candidates[hid] = (best, why + _renames_in(clean, h.name), sure, how)
    if generic:
        # A name that says no hospital in particular (一附院, 人民医院): its same-identity spellings are no better
        # evidence than its short forms (西安市第一医院 is no more 一附院 than 西安交通大学第一附属医院 is).
        candidates = {hid: (min(c[0], SHORT_SCORE), *c[1:]) for hid, c in candidates.items()}
    placed_short = True
    if generic or not any(c[0] >= IDENTITY_SCORE for c in candidates.values()):
        found, searched, placed_short = _short_candidates(index, clean, city_adcode)
        score = SHORT_SCORE if placed_short else UNPLACED_SCORE
        if found and placed_short:
            # a near spelling is no better evidence than the grammar: 西医一附院 is 西安医学院's short form as much
            # as it is close to 西医大一附院
            candidates = {hid: (min(c[0], SHORT_SCORE) if c[3] == "fuzzy" else c[0], *c[1:])
                          for hid, c in candidates.items()}
        for hid, text in found.items():
            where = (index.hospitals[hid].city or "") if searched else "未指定城市"
            why = [f"简称：'{clean}' 是 '{text}' 的简称形式{'，' + where if where else ''}"]
            if hid not in candidates or candidates[hid][0] <= score:
                candidates[hid] = (score, why + _renames_in(clean, text), placed_short, "short_form")
    kind = _kind_said(clean, scope_city)
    if any(c[0] >= IDENTITY_SCORE for c in candidates.values()):
        kind = None  # 北京儿童医院, 北京胸科医院: one hospital's own name, stronger than being of the kind
    carriers = _kind_carriers(index, kind, scope_city) if kind and scope_city else frozenset()
    for hid in carriers:
        # 儿童医院 in 北京: the city's hospitals named only so are what the caller may mean, all equally; one of a
        # specialist kind is the one, but one 人民医院 may stand for a county's the lists do not print.
        sure_kind = len(carriers) == 1 and kind not in county_kinds()
        why = [f"类别名：'{clean}' 只说了医院类别；{index.hospitals[hid].city or '本市'}名单上名称只是“{kind}”"
               f"（前面只有地名或主办单位）的医院共 {len(carriers)} 家"]
        candidates[hid] = (IDENTITY_SCORE, why, sure_kind, "kind")
    cap = MAX_AMBIGUOUS_KIND if carriers else MAX_AMBIGUOUS
    ranked = sorted(candidates.items(), key=lambda kv: (
        -kv[1][0], not kv[1][2], -index.hospitals[kv[0]].listing_count, index.hospitals[kv[0]].name))
    sure = {hid: c[2] for hid, c in ranked}
    out = [_describe(index.hospitals[hid], s, why, how)
           for hid, (s, why, _c, how) in ranked[: max(limit, cap + 1)]]
    status: Status = "not_found"
    contenders: list[dict] = []
    too_general = False
    if out:
        top = out[0]["score"]
        contenders = [out[0]] + [c for c in out[1:] if top - c["score"] <= TIE_MARGIN
                                 and not _related(index, out[0]["id"], c["id"])]
        too_general = len(contenders) > cap  # 医院, 人民医院, 附一 nationwide: no "one of these"
        if too_general:
            pass
        elif len(contenders) > 1 and (top >= MATCH_THRESHOLD or (not placed_short and top >= UNPLACED_SCORE)):
            status = "ambiguous"
        elif top >= MATCH_THRESHOLD and sure[out[0]["id"]]:
            status = "matched"
    if status == "matched" and not city_adcode and len(abbreviation_meanings(norm.clean)) > 1:
        # knowledge says this short name means several hospitals (协和医院): a city must decide
        status = "ambiguous"
        contenders = [c for c in out if c["score"] >= IDENTITY_SCORE]
    if status == "ambiguous":
        ids = {c["id"] for c in contenders}
        out = contenders + [c for c in out if c["id"] not in ids]
    else:
        contenders = []
    out = out[: max(limit, len(contenders), 1)]
    best = out[0] if status == "matched" else None
    return {"query": name, "city_adcode": city_adcode, "status": status, "best": best, "candidates": out,
            "ambiguous_count": len(contenders), "threshold": MATCH_THRESHOLD,
            "message": _message(name, status, out, contenders, city_adcode, placed_short,
                                general=status == "not_found" and too_general,
                                kind=kind if carriers and status == "not_found" else None)}


def _message(name: str, status: Status, out: list[dict], contenders: list[dict], city_adcode: str | None,
             placed: bool, general: bool = False, kind: str | None = None) -> str:
    """What an agent reads out, in Chinese."""
    if kind and out and not general:
        return (f"「{name}」只说了医院类别：名单上{_place_label(out[0])}名为“{kind}”的只有 {out[0]['name']}；"
                f"来电人也可能指区、县自己的{kind}，请核对全称")
    if general:
        return f"「{name}」太笼统：多家医院都符合，请说明医院全称{'或城市' if not city_adcode else ''}"
    if status == "matched":
        return f"「{name}」即 {out[0]['name']}（{_place_label(out[0])}）"
    if status == "ambiguous":
        listed = "；".join(f"{c['name']}（{_place_label(c)}）" for c in contenders)
        hint = "请说明城市或医院全称" if not city_adcode else "请说明医院全称"
        return f"「{name}」可能指 {len(contenders)} 家医院：{listed}。{hint}"
    if out and not placed and out[0]["method"] == "short_form":
        return (f"「{name}」像是简称，简称只在同一城市内才能确定：请说明城市。"
                f"可能是：{out[0]['name']}（{_place_label(out[0])}）")
    if out:
        return f"没有把握确定「{name}」是哪家医院；最接近的是 {out[0]['name']}（{_place_label(out[0])}），请核对全称"
    return f"登记册中没有与「{name}」相符的医院"
