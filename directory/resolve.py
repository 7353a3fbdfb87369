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

from directory.knowledge import load_links
from directory.match_rules import compatible, identity, name_score, variants
from directory.names import NormalizedName, campus_key, normalize_name

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

    @property
    def country(self) -> str:
        return self.rows[0].country

    @property
    def norm(self) -> NormalizedName:
        return self.rows[0].norm

    @property
    def norms(self) -> list[NormalizedName]:
        """Distinct spellings in the group; their bracket aliases differ even when identities agree."""
        seen: dict[str, NormalizedName] = {}
        for r in self.rows:
            seen.setdefault(r.norm.clean, r.norm)
        return list(seen.values())

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


def _link_keys(kind: str) -> set[frozenset]:
    return {frozenset((_full_key(normalize_name(link.name_a)), _full_key(normalize_name(link.name_b))))
            for link in load_links(kind)}


def _linked(links: set[frozenset], a: NormalizedName, b: NormalizedName) -> bool:
    """True when some variant of a and some variant of b form a pair in the link file."""
    return any(frozenset((_full_key(va), _full_key(vb))) in links for va in variants(a) for vb in variants(b))


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
        key = (row.country, row.province, row.city, identity(row.norm), row.norm.places)
        groups.setdefault(key, Group(key)).rows.append(row)
    glist = list(groups.values())
    uf = _UnionFind(len(glist))
    cannot = _link_keys("cannot")
    must = _link_keys("must")
    method: dict[int, tuple[str, float]] = {}
    review: list[dict] = []

    # 2. Blocks: groups by country and province; candidates inside a block by city.
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, g in enumerate(glist):
        blocks[(g.country, g.province)].append(i)
    # Rows with no province (lists that give none and names that state none) join by identity.
    by_identity: dict[tuple, list[int]] = defaultdict(list)
    for i, g in enumerate(glist):
        by_identity[(g.country, identity(g.norm))].append(i)

    def cluster_ok(i: int, j: int) -> bool:
        """No member pair of the two clusters may be incompatible or cannot-linked."""
        for a in uf.members[uf.find(i)]:
            for b in uf.members[uf.find(j)]:
                ga, gb = glist[a], glist[b]
                if not _same_place(ga, gb):
                    return False
                if any(_linked(cannot, a, b) for a in ga.norms for b in gb.norms):
                    return False
                if not any(compatible(a, b)[0] or _linked(must, a, b) for a in ga.norms for b in gb.norms):
                    return False
        return True

    def try_merge(i: int, j: int, how: str, score: float) -> None:
        if uf.find(i) == uf.find(j):
            return
        if cluster_ok(i, j):
            uf.union(i, j)
            method.setdefault(j, (how, score))

    for (_, province), members in blocks.items():
        for x in range(len(members)):
            gi = glist[members[x]]
            for y in range(x + 1, len(members)):
                gj = glist[members[y]]
                if gi.city and gj.city and gi.city != gj.city:
                    continue
                if any(_linked(must, a, b) for a in gi.norms for b in gj.norms):
                    try_merge(members[x], members[y], "must_link", 100.0)
                    continue
                verdicts = [(compatible(a, b), a, b) for a in gi.norms for b in gj.norms]
                scored = [(name_score(a, b), why) for (ok, why), a, b in verdicts if ok]
                if not scored:
                    continue
                score, reason = max(scored)
                placed = bool(gi.city or gj.city or province)
                if score >= FUZZY_THRESHOLD and placed:
                    try_merge(members[x], members[y], "alias" if score == 100.0 else "fuzzy", score)
                elif score >= REVIEW_FLOOR and uf.find(members[x]) != uf.find(members[y]):
                    why = f"below threshold {FUZZY_THRESHOLD}" if placed else "no place to confirm the match"
                    review.append({"name_a": gi.rows[0].raw_name, "name_b": gj.rows[0].raw_name,
                                   "listing_a": gi.rows[0].listing_id, "listing_b": gj.rows[0].listing_id,
                                   "score": round(score, 1), "reason": f"{why}; {reason}"})
    # Province-less groups join a placed group of the same identity when exactly one such site exists.
    for members in by_identity.values():
        placed = {uf.find(i) for i in members if glist[i].province}
        for i in members:
            if glist[i].province is None and len(placed) == 1:
                try_merge(min(placed), i, "exact_unplaced", 100.0)

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
    """The fullest official name among the cluster's names: brackets, departments and campuses aside."""
    counts = Counter()
    if rows[0].country != "中国":  # overseas: keep the printed form (English and Chinese), spaces folded
        for r in rows:
            counts[" ".join(r.raw_name.replace("' s", "'s").split())] += 1
        return max(counts, key=lambda s: (counts[s], len(s), s))
    for r in rows:
        n = r.norm
        base = n.clean
        for sep in ("(", "（"):
            base = base.split(sep)[0]
        base = base.split("/")[0].strip()
        if n.department and base.endswith(n.department):
            base = base[: -len(n.department)]
        counts[base] += 1
    best = max(counts, key=lambda s: (len(s), counts[s], s))
    campus = rows[0].norm.campus
    if campus and campus_key(normalize_name(best).campus) != campus_key(campus):
        best = f"{best}（{campus}）"  # a campus printed in brackets stays part of the site's name
    return best


def campus_parent(clusters: list[list[Row]]) -> dict[int, int]:
    """Map a campus cluster to the main-site cluster of the same hospital in the same city."""
    main: dict[tuple, int] = {}
    for cid, rows in enumerate(clusters):
        n = rows[0].norm
        if campus_key(n.campus) is None:
            main.setdefault((rows[0].country, rows[0].city or rows[0].province, n.core, n.numbers), cid)
    parent: dict[int, int] = {}
    for cid, rows in enumerate(clusters):
        n = rows[0].norm
        if campus_key(n.campus) is not None:
            for v in variants(n):
                key = (rows[0].country, rows[0].city or rows[0].province, v.core, v.numbers)
                if key in main and main[key] != cid:
                    parent[cid] = main[key]
                    break
    return parent
