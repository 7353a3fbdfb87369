"""Entity resolution: listings → canonical hospital sites (campuses as sites of a parent).

Precision first: two rows merge only when no hard rule forbids it (numbers, campus, institution
type, places written in the names, cannot-link) and either their identities are equal, an alias
links them, a must-link says so, or the fuzzy core score clears a high threshold inside one city.
Candidates are blocked by place so the cost grows about linearly with rows.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from directory.dual_names import dual_name_pairs
from directory.knowledge import load_links
from directory.match_rules import (
    campus_conflict,
    compatible,
    identity,
    name_score,
    numbers_conflict,
    places_conflict,
    type_conflict,
    variants,
)
from directory.names import (
    NormalizedName,
    campus_key,
    chinese_part,
    clean_name,
    current_name,
    english_key,
    normalize_name,
    split_brackets,
)

_EMPTY: frozenset = frozenset()
FUZZY_THRESHOLD = 92.0  # core similarity needed for a fuzzy merge inside one city
REVIEW_FLOOR = 80.0  # compatible pairs scoring between this and the threshold go to the review queue


@dataclass
class Row:
    """What resolution needs to know about one listing."""

    listing_id: int
    order: tuple  # stable order: bundled sources first, then file, line
    raw_name: str
    norm: NormalizedName
    country: str  # '中国' for mainland/HK/MO/TW rows
    province: str | None  # adcodes
    city: str | None
    district: str | None = None


@dataclass
class Group:
    """Rows with the same identity in the same place: merged without question."""

    key: tuple
    rows: list[Row] = field(default_factory=list)
    norms: list[NormalizedName] = field(default_factory=list)
    keys: frozenset = frozenset()
    plain: bool = True

    @property
    def country(self) -> str:
        return self.rows[0].country

    @property
    def norm(self) -> NormalizedName:
        return self.rows[0].norm

    def freeze(self) -> None:
        """Compute what comparisons need once: distinct spellings and the full keys of their variants."""
        seen: dict[str, NormalizedName] = {}
        for r in self.rows:
            seen.setdefault(r.norm.clean, r.norm)
        self.norms = list(seen.values())
        self.keys = _group_keys(self.norms)
        # A spelling without brackets, plates or known expansions can skip the alias machinery.
        self.plain = all(not (n.aliases or n.former_names or n.known_as) for n in self.norms)

    @property
    def city(self) -> str | None:
        return self.rows[0].city

    @property
    def province(self) -> str | None:
        return self.rows[0].province


@dataclass(frozen=True)
class Decision:
    listing_id: int
    cluster: int
    method: str
    score: float


@dataclass
class Resolution:
    clusters: list[list[Row]]
    decisions: dict[int, Decision]
    review: list[dict]


class _UnionFind:
    """Union-find that also keeps each root's members (clusters stay small)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            keep, drop = min(ra, rb), max(ra, rb)
            self.parent[drop] = keep
            self.members[keep].extend(self.members.pop(drop))


def _full_key(norm: NormalizedName) -> tuple:
    """Identity plus the places written in the name: what a knowledge-file link names exactly."""
    return identity(norm), norm.places


def _link_partners(kind: str) -> dict[tuple, set[tuple]]:
    """Full key → full keys it is linked to, from must_link.tsv (with dual_names.tsv) or cannot_link.tsv."""
    partners: dict[tuple, set[tuple]] = defaultdict(set)
    links = load_links(kind) + (load_links("dual") if kind == "must" else ())
    for link in links:
        a, b = _full_key(normalize_name(link.name_a)), _full_key(normalize_name(link.name_b))
        partners[a].add(b)
        partners[b].add(a)
    return partners


def _group_keys(norms: list[NormalizedName]) -> frozenset[tuple]:
    return frozenset(_full_key(v) for n in norms for v in variants(n))


def _same_place(a: Group, b: Group) -> bool:
    """Rows can only be one site if their places agree where both are known."""
    if a.country != b.country:
        return False
    if a.province and b.province and a.province != b.province:
        return False
    return not (a.city and b.city and a.city != b.city)


def resolve(rows: list[Row]) -> Resolution:
    """Cluster rows into hospital sites."""
    # 1. Groups: same identity (core, numbers, campus) and same places written in the name, in the
    #    same country and city. A generic core (中医医院) differs only by its written place.
    groups: dict[tuple, Group] = {}
    for row in sorted(rows, key=lambda r: r.order):
        key = (row.country, row.province, row.city, row.district, identity(row.norm), row.norm.places)
        groups.setdefault(key, Group(key)).rows.append(row)
    glist = list(groups.values())
    for g in glist:
        g.freeze()
    uf = _UnionFind(len(glist))
    cannot = _link_partners("cannot")
    must = _link_partners("must")
    method: dict[int, tuple[str, float]] = {}
    review: list[dict] = []

    def linked(links: dict[tuple, set[tuple]], ga: Group, gb: Group) -> bool:
        if any(links.get(k, _EMPTY) & gb.keys for k in ga.keys):
            return True
        if links is not must:
            return False
        # Two names of one hospital (a must-link or dual name) with the same campus name one campus:
        # 扬州大学附属医院（西区） = 扬州市第一人民医院西区分部.
        for (core, numbers, campus), places in ga.keys:
            if campus is None:
                continue
            for (p_core, p_numbers, p_campus), p_places in links.get(((core, numbers, None), places), _EMPTY):
                if p_campus is None and ((p_core, p_numbers, campus), p_places) in gb.keys:
                    return True
        return False

    def must_linked_somehow(g: Group) -> bool:
        return any(k in must or ((k[0][0], k[0][1], None), k[1]) in must for k in g.keys)

    def judge(ga: Group, gb: Group) -> tuple[float, str] | None:
        """Best score over compatible spelling pairs, or None when every pair is forbidden."""
        if ga.country != "中国":
            ea, eb = english_key(ga.rows[0].raw_name), english_key(gb.rows[0].raw_name)
            if ea and eb:
                # overseas: the English name decides, whatever the translations say
                return (100.0, f"same English name {ea}") if ea == eb else None
            za, zb = chinese_part(ga.rows[0].raw_name), chinese_part(gb.rows[0].raw_name)
            if len(za) >= 5 and za == zb:
                return 100.0, f"same Chinese name {za}"
            if min(len(za), len(zb)) >= 8 and (za in zb or zb in za):
                return 95.0, f"one Chinese name contains the other ({za} / {zb})"
        da, db = ga.rows[0].district, gb.rows[0].district
        if da and db and da != db:
            return None  # one site is not in two counties/districts
        if da != db and not (ga.norm.distinctive or gb.norm.distinctive):
            return None  # a generic name (人民医院) with a county stated is not the prefecture's hospital
        if ga.plain and gb.plain and len(ga.norms) == 1 and len(gb.norms) == 1:
            a, b = ga.norms[0], gb.norms[0]
            if numbers_conflict(a, b) or campus_conflict(a, b) or type_conflict(a, b) or places_conflict(a, b):
                return None
        scored = [(name_score(a, b), why) for a in ga.norms for b in gb.norms
                  for ok, why in (compatible(a, b),) if ok]
        return max(scored) if scored else None

    # 2. Blocks: a city's groups are compared with each other; groups without a city with every
    #    group of their province. Cost grows with the size of the largest city, not the country.
    by_city: dict[tuple, list[int]] = defaultdict(list)
    unplaced_city: dict[tuple, list[int]] = defaultdict(list)
    for i, g in enumerate(glist):
        by_city[(g.country, g.province, g.city)].append(i)
        if g.city is None:
            unplaced_city[(g.country, g.province)].append(i)
    by_identity: dict[tuple, list[int]] = defaultdict(list)
    for i, g in enumerate(glist):
        by_identity[(g.country, identity(g.norm))].append(i)

    def cluster_ok(i: int, j: int) -> bool:
        """No member pair of the two clusters may be incompatible or cannot-linked."""
        for a in uf.members[uf.find(i)]:
            for b in uf.members[uf.find(j)]:
                ga, gb = glist[a], glist[b]
                if not _same_place(ga, gb) or linked(cannot, ga, gb):
                    return False
                if judge(ga, gb) is None and not linked(must, ga, gb):
                    return False
        return True

    def try_merge(i: int, j: int, how: str, score: float) -> None:
        if uf.find(i) != uf.find(j) and cluster_ok(i, j):
            uf.union(i, j)
            method.setdefault(j, (how, score))

    def consider(i: int, j: int) -> None:
        gi, gj = glist[i], glist[j]
        if linked(must, gi, gj):
            try_merge(i, j, "must_link", 100.0)
            return
        verdict = judge(gi, gj)
        if verdict is None:
            return
        score, reason = verdict
        placed = bool(gi.city or gj.city or gi.province)
        if score >= FUZZY_THRESHOLD and placed:
            try_merge(i, j, "alias" if score == 100.0 else "fuzzy", score)
        elif score >= REVIEW_FLOOR and uf.find(i) != uf.find(j):
            why = f"below threshold {FUZZY_THRESHOLD}" if placed else "no place to confirm the match"
            review.append({"name_a": gi.rows[0].raw_name, "name_b": gj.rows[0].raw_name,
                           "listing_a": gi.rows[0].listing_id, "listing_b": gj.rows[0].listing_id,
                           "score": round(score, 1), "reason": f"{why}; {reason}"})

    seen_pairs: set[tuple[int, int]] = set()

    def pair(i: int, j: int) -> None:
        key = (min(i, j), max(i, j))
        if key not in seen_pairs:
            seen_pairs.add(key)
            consider(*key)

    for (country, province, city), members in by_city.items():
        # Two groups can only merge when some spelling of each (bracket aliases included) has the
        # same numbers and campus, so compare pairs inside such buckets; within a bucket, plain groups
        # that both state an institution type must state the same one. Must-linked groups meet all.
        buckets: dict[tuple, list[int]] = defaultdict(list)
        open_ended: list[int] = []
        for i in members:
            g = glist[i]
            if must_linked_somehow(g):
                open_ended.append(i)
                continue
            for key in {(tuple(sorted(v.numbers)), campus_key(v.campus)) for n in g.norms for v in variants(n)}:
                buckets[key].append(i)
        for bucket in buckets.values():
            by_type: dict[str | None, list[int]] = defaultdict(list)
            for i in bucket:
                g = glist[i]
                by_type[g.norm.institution_type if g.plain else None].append(i)
            loose = by_type.pop(None, [])
            for same in [*by_type.values(), loose]:
                for x in range(len(same)):
                    for y in range(x + 1, len(same)):
                        pair(same[x], same[y])
            for i in loose:
                for same in by_type.values():
                    for j in same:
                        pair(i, j)
        for i in open_ended:
            for j in members:
                if j != i:
                    pair(i, j)
        if city is not None:
            for i in unplaced_city.get((country, province), ()):
                for j in members:
                    consider(min(i, j), max(i, j))
    # Province-less groups join a placed group of the same identity when exactly one such site exists.
    for members in by_identity.values():
        placed = {uf.find(i) for i in members if glist[i].province}
        for i in members:
            if glist[i].province is None and len(placed) == 1:
                try_merge(min(placed), i, "exact_unplaced", 100.0)

    # Overseas: the English name decides (two manuals translate it differently); a row printed without
    # English joins by its exact Chinese name. Different English names never merge (judge), and a key
    # seen in two cities (Mayo Clinic in 罗切斯特 and 凤凰城) links nothing.
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for i, g in enumerate(glist):
        if g.country == "中国":
            continue
        en = english_key(g.rows[0].raw_name)
        if en:
            by_key[(g.country, "en", en)].append(i)
        zh = chinese_part(g.rows[0].raw_name)
        if len(zh) >= 5:
            by_key[(g.country, "zh", zh)].append(i)
    # A Chinese name that contains another whole (罗纳德里根加州大学洛杉矶分校医学中心 ⊃ 加州大学洛杉矶分校医学中心)
    # names the same hospital when it is long enough to be a name and not a type word.
    zh_by_country: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (country, kind, text), members in by_key.items():
        if kind == "zh" and len(text) >= 8:
            zh_by_country[country].extend((text, i) for i in members)
    for entries in zh_by_country.values():
        for text, i in entries:
            for other, j in entries:
                if other != text and other in text:
                    by_key[("contains", text, other)].extend((i, j))
    for members in by_key.values():
        members = list(dict.fromkeys(members))
        cities = {glist[i].city for i in members if glist[i].city}
        if len(members) > 1 and len(cities) <= 1:
            for j in members[1:]:
                try_merge(members[0], j, "english_name", 100.0)

    # Dual names (一院两名): a university's and a government's name for the only such hospital in a city.
    spellings: dict[int, list[tuple[str | None, NormalizedName]]] = defaultdict(list)
    for i, g in enumerate(glist):
        if g.country == "中国":
            spellings[uf.find(i)].extend((g.city, v) for n in g.norms for v in variants(n))
    for u_cid, g_cid, _why in dual_name_pairs(spellings):
        try_merge(min(u_cid, g_cid), max(u_cid, g_cid), "dual_name", 100.0)

    # 3. Clusters and decisions.
    clusters: list[list[Row]] = []
    decisions: dict[int, Decision] = {}
    for members in sorted(uf.members.values(), key=lambda m: min(glist[i].rows[0].order for i in m)):
        cid = len(clusters)
        clusters.append(sorted((r for i in members for r in glist[i].rows), key=lambda r: r.order))
        for i in members:
            how, score = method.get(i, ("exact", 100.0))
            for r in glist[i].rows:
                decisions[r.listing_id] = Decision(r.listing_id, cid, how, score)
    return Resolution(clusters=clusters, decisions=decisions, review=review)


def hospital_id(source_key: str) -> str:
    """Stable id: derived from the earliest listing of the cluster (its file and line)."""
    return "h" + hashlib.sha1(source_key.encode("utf-8")).hexdigest()[:10]


def canonical_name(rows: list[Row]) -> str:
    """The hospital's current name (see canonical_name_with_source)."""
    return canonical_name_with_source(rows)[0]


def _printed(row: Row) -> str:
    where = f"名单所印 {row.order[1]}:{row.order[2]}"
    if row.country == "中国" and clean_name(row.raw_name).split("(")[0] != row.norm.clean.split("(")[0]:
        where += f"，印作 {row.raw_name}，地名按名单的省/市栏补全"
    return where


def canonical_name_with_source(rows: list[Row]) -> tuple[str, str]:
    """The hospital's CURRENT name and where it comes from.

    Among the names the sources print (brackets, departments and campuses aside), names that a rename
    or a division change makes stale are passed over; of the rest the fullest official one wins. When
    every printed name is stale, the best one is brought up to date by the renames and division
    changes, which are then its source (the old names stay aliases with their own sources)."""
    counts: Counter = Counter()
    first_seen: dict[str, Row] = {}
    if rows[0].country != "中国":  # overseas: keep the printed form (English and Chinese), spaces folded
        for r in rows:
            form = " ".join(r.raw_name.replace("' s", "'s").split())
            counts[form] += 1
            first_seen.setdefault(form, r)
        best = max(counts, key=lambda s: (counts[s], len(s), s))
        return best, _printed(first_seen[best])
    campus = site_campus(rows)
    for r in rows:
        n = r.norm
        if campus is None and campus_key(n.campus) is not None:
            continue  # the main site, also printed as its campus (积水潭医院新街口院区): named as the hospital
        # Trailing brackets are aliases and notes; a bracket inside the name is part of it (焦作煤业(集团)中央医院
        # is shown as 焦作煤业集团中央医院, not cut to 焦作煤业).
        base = split_brackets(n.clean)[0]
        base = base.split("/")[0].strip()
        if n.department and base.endswith(n.department):
            base = base[: -len(n.department)]
        counts[base] += 1
        first_seen.setdefault(base, r)
    current = {b: c for b, c in counts.items() if current_name(b)[0] == b}
    pool = current or counts
    best = max(pool, key=lambda s: (len(s), pool[s], s))
    source = _printed(first_seen[best])
    if not current:
        best, reasons = current_name(best)
        source = f"由 {max(pool, key=lambda s: (len(s), pool[s], s))} 更名：" + "；".join(reasons)
    if campus and campus_key(normalize_name(best).campus) != campus_key(campus):
        best = f"{best}（{campus}）"  # a campus printed in brackets stays part of the site's name
    return best, source


def site_campus(rows: list[Row]) -> str | None:
    """The campus a cluster is: none when some row names the hospital without a campus — a main site that a
    list prints under its campus name (北京协和医院东单院区, must_link.tsv) is still the main site."""
    if any(campus_key(r.norm.campus) is None for r in rows):
        return None
    return rows[0].norm.campus


def _parent_key(country: str, place: str | None, n: NormalizedName) -> tuple:
    """What a campus shares with its main site: the core, numbers and — for a generic core (中医医院,
    人民医院) — the most local place written in the name (广东省中医院芳村医院 is 广东's, not 番禺区's)."""
    local = None if n.distinctive else (n.places[-1] if n.places else None)
    return country, place, n.core, n.numbers, local


def linked_names() -> dict[tuple, list[tuple[str, NormalizedName, str]]]:
    """Full key (identity and written places) → (name, its normalized form, file) for every other name the
    knowledge files (must_link.tsv, dual_names.tsv) give the same site."""
    names: dict[tuple, list[tuple[str, NormalizedName, str]]] = defaultdict(list)
    for kind, file in (("must", "must_link.tsv"), ("dual", "dual_names.tsv")):
        for link in load_links(kind):
            a, b = normalize_name(link.name_a), normalize_name(link.name_b)
            names[_full_key(a)].append((link.name_b, b, file))
            names[_full_key(b)].append((link.name_a, a, file))
    return names


def linked_key(n: NormalizedName) -> tuple:
    """The key `linked_names` is indexed by."""
    return _full_key(n)


def linked_keys(n: NormalizedName) -> tuple[tuple, ...]:
    """Keys under which knowledge files may name this spelling's site: its full key and, for a proper name
    printed with its city (重庆西南医院), the same name written without a place (陆军军医大学西南医院)."""
    if n.places and n.distinctive:
        return _full_key(n), (identity(n), ())
    return (_full_key(n),)


def campus_parent(clusters: list[list[Row]]) -> dict[int, int]:
    """Map a campus cluster to the main-site cluster of the same hospital in the same city.

    A campus may be written under the hospital's other plate (上海市第一妇婴保健院（西院） of the site listed as
    同济大学附属第一妇婴保健院): the main site is also found under the names knowledge files link to it."""
    main: dict[tuple, int] = {}
    # A branch may stand in another city of the province (中山大学附属第三医院粤东医院 in 梅州, 南方医科大学口腔医院
    # 顺德分院 in 佛山) or be compared province-wide (a branch filed under its parent's city): its main site is
    # then the one main site of that name in the province.
    in_province: dict[tuple, set[int]] = defaultdict(set)
    linked = linked_names()
    for cid, rows in enumerate(clusters):
        if campus_key(site_campus(rows)) is None:
            for r in rows:
                for v in variants(r.norm):
                    main.setdefault(_parent_key(r.country, r.city or r.province, v), cid)
                    in_province[_parent_key(r.country, r.province, v)].add(cid)
    for cid, rows in enumerate(clusters):
        if campus_key(site_campus(rows)) is None:
            for r in rows:
                for v in variants(r.norm):
                    for _name, other, _file in linked.get(_full_key(v), ()):
                        main.setdefault(_parent_key(r.country, r.city or r.province, other), cid)
                        in_province[_parent_key(r.country, r.province, other)].add(cid)
    parent: dict[int, int] = {}
    for cid, rows in enumerate(clusters):
        if campus_key(site_campus(rows)) is None:
            continue
        found = None
        for r in rows:
            for v in variants(r.norm):
                key = _parent_key(r.country, r.city or r.province, v)
                if key in main and main[key] != cid:
                    found = main[key]
                    break
            if found is not None:
                break
        if found is None:
            for r in rows:
                cands = {c for v in variants(r.norm) for c in in_province.get(_parent_key(r.country, r.province, v), ())
                         if c != cid} if (r.norm.distinctive or r.norm.places) and r.province else set()
                if len(cands) == 1:
                    found = cands.pop()
                    break
        if found is not None:
            parent[cid] = found
    return parent
