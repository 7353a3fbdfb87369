"""Teams of a hospital and what they treat, and matching a caller's specialty against them.

A list with a `team` column (seed 002 附件二《21家医院及团队擅长清单》) names, row by row, a team of the
hospital and its field: `肺癌 胸腺癌 胸膜肿瘤`, `胃肠肿瘤多学科门诊`, `多学科联合胃癌`. Each distinct team of a
hospital is one `teams` row with every line that prints it. Its specialties are the team text without
the words that say what kind of team it is (directory/knowledge/team_words.tsv), split at separators.

A query (胃癌) matches a team directly, through a synonym, a broader field (胃癌 within 胃肠肿瘤 within
消化道肿瘤) or a narrower one — relations in directory/knowledge/specialty_terms.tsv, with evidence.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from directory.knowledge import KNOWLEDGE_DIR, KnowledgeError, read_tsv
from directory.names import to_half_width, to_simplified

MatchKind = Literal["exact", "broader", "narrower"]
MATCH_LABELS: dict[str, str] = {"exact": "专长直接对应", "broader": "团队专长范围更广，包含所问病种",
                                "narrower": "团队专长是所问病种的一部分"}
_RANK = {"exact": 0, "broader": 1, "narrower": 2}
_SPLIT = re.compile(r"[\s、/，,;；及和与]+")
_BRACKETS = re.compile(r"[()（）]")
_PUNCT = re.compile(r"[“”\"'‘’·•：:]")


@cache
def _affixes() -> tuple[str, ...]:
    path = KNOWLEDGE_DIR / "team_words.tsv"
    words = [r["word"] for _, r in read_tsv(path, ("word", "role", "evidence"), ("word", "role", "evidence"))
             if r["role"] == "affix"]
    return tuple(sorted(words, key=len, reverse=True))


def normalize_term(text: str) -> str:
    """Simplified characters, half-width, no spaces or quotes: how terms are compared."""
    return _PUNCT.sub("", re.sub(r"\s+", "", to_simplified(to_half_width(text or "")))).lower()


def team_specialties(team: str) -> list[str]:
    """The fields a team's printed text names: `中枢神经肿瘤（胶质瘤）多学科门诊` → [中枢神经肿瘤, 胶质瘤]."""
    text = to_simplified(team or "")
    for w in _affixes():
        text = text.replace(w, " ")
    text = _BRACKETS.sub(" ", to_half_width(text))
    out = []
    for part in _SPLIT.split(text):
        term = normalize_term(part)
        if len(term) >= 2 and term not in out:
            out.append(term)
    return out


@dataclass(frozen=True)
class Terms:
    group: dict[str, frozenset[str]]          # term → its synonyms (itself included)
    parents: dict[str, frozenset[str]]        # term → the fields it lies within (direct)

    def synonyms(self, term: str) -> frozenset[str]:
        return self.group.get(term, frozenset({term}))

    def _closure(self, term: str, edges: dict[str, set[str]]) -> set[str]:
        seen: set[str] = set()
        todo = list(self.synonyms(term))
        while todo:
            t = todo.pop()
            for nxt in edges.get(t, ()):
                for s in self.synonyms(nxt):
                    if s not in seen:
                        seen.add(s)
                        todo.append(s)
        return seen

    def broader(self, term: str) -> set[str]:
        return self._closure(term, {k: set(v) for k, v in self.parents.items()})

    def narrower(self, term: str) -> set[str]:
        children: dict[str, set[str]] = {}
        for child, ps in self.parents.items():
            for p in ps:
                children.setdefault(p, set()).add(child)
        return self._closure(term, children)


@cache
def terms() -> Terms:
    path = KNOWLEDGE_DIR / "specialty_terms.tsv"
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    within: list[tuple[str, str]] = []
    for n, r in read_tsv(path, ("term", "relation", "other", "evidence"), ("term", "relation", "other", "evidence")):
        a, b = normalize_term(r["term"]), normalize_term(r["other"])
        if r["relation"] == "synonym":
            parent[find(a)] = find(b)
        elif r["relation"] == "within":
            within.append((a, b))
        else:
            raise KnowledgeError(f"{path}:{n}: relation must be synonym or within, got {r['relation']!r}")
    groups: dict[str, set[str]] = {}
    for t in list(parent):
        groups.setdefault(find(t), set()).add(t)
    group = {t: frozenset(g) for g in groups.values() for t in g}
    parents: dict[str, set[str]] = {}
    for a, b in within:
        parents.setdefault(a, set()).add(b)
    return Terms(group, {k: frozenset(v) for k, v in parents.items()})


def expand(query: str) -> dict[str, MatchKind]:
    """The terms a query stands for: itself and synonyms (exact), fields it lies in (broader), parts (narrower)."""
    q = normalize_term(query)
    for w in _affixes():
        q = q.replace(normalize_term(w), "") if len(q) > len(normalize_term(w)) + 1 else q
    t = terms()
    out: dict[str, MatchKind] = {}
    for term in t.narrower(q):
        out[term] = "narrower"
    for term in t.broader(q):
        out[term] = "broader"
    for term in t.synonyms(q):
        out[term] = "exact"
    return out


def match_specialties(specialties: Iterable[str], query_terms: dict[str, MatchKind]
                      ) -> tuple[MatchKind, str] | None:
    """The best way a team's specialties answer a query (its expansion), with the specialty that does."""
    best: tuple[MatchKind, str] | None = None
    exact = {t for t, k in query_terms.items() if k == "exact"}
    for s in specialties:
        for term, kind in query_terms.items():
            if s == term or (len(term) >= 2 and term in s):
                # A longer wording of the query itself (晚期甲状腺癌 for 甲状腺癌) is still a direct match.
                found: MatchKind = kind
            elif len(s) >= 2 and any(s in e for e in exact):
                found = "broader"  # the team's field is written inside the query (甲状腺 for 甲状腺癌)
            else:
                continue
            if best is None or _RANK[found] < _RANK[best[0]]:
                best = (found, s)
    return best


def build_teams(listings: list[dict[str, Any]], table_services: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per distinct team of a hospital, with every line that prints it."""
    services_of: dict[str, list[str]] = {}
    for ts in table_services:
        services_of.setdefault(ts["table_id"], []).append(ts["service_id"])
    teams: dict[tuple[str, str], dict[str, Any]] = {}
    for li in listings:
        team = (li.get("raw_team") or "").strip()
        if not team or not li.get("hospital_id"):
            continue
        key = (li["hospital_id"], normalize_term(team))
        row = teams.get(key)
        if row is None:
            row = teams[key] = {
                "id": len(teams) + 1, "hospital_id": li["hospital_id"], "team": team,
                "specialties": team_specialties(team), "service_ids": list(services_of.get(li["table_id"], [])),
                "table_id": li["table_id"], "source_file": li["source_file"], "line": li["line"], "lines": [],
                "listing_ids": [], "printed_under": li["raw_name"]}
        row["lines"].append(li["line"])
        row["listing_ids"].append(li["id"])
    out = []
    for row in teams.values():
        out.append({**row, "specialties": json.dumps(row["specialties"], ensure_ascii=False),
                    "service_ids": json.dumps(row["service_ids"]), "lines": json.dumps(row["lines"]),
                    "listing_ids": json.dumps(row["listing_ids"])})
    return out


def team_evidence(team: dict[str, Any], match: tuple[MatchKind, str] | None = None) -> dict[str, Any]:
    """One evidence item for a team (not one per printed row), naming the team and its lines."""
    lines = json.loads(team["lines"]) if isinstance(team["lines"], str) else team["lines"]
    specs = json.loads(team["specialties"]) if isinstance(team["specialties"], str) else team["specialties"]
    item = {"kind": "team", "team": team["team"], "specialties": specs, "source_file": team["source_file"],
            "line": lines[0], "lines": lines, "raw_name": team.get("printed_under"), "table_id": team["table_id"]}
    if match:
        item.update(match=match[0], match_label=MATCH_LABELS[match[0]], matched_specialty=match[1])
    return item
