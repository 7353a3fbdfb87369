"""Notes printed on a list row, and the ones that restrict which services the row is for.

A row can carry a remark in brackets after the name — `复旦大学附属质子重离子医院 (仅适用于特需或专家门诊
预约服务)` (seed 001 附录二, line 616). Every such remark is kept (`listings.row_note`). A remark whose
wording restricts services (phrases in directory/knowledge/row_note_phrases.tsv: 仅适用于…, 不适用于…)
is matched against the names and aliases of the services the row's table serves; the row then does not
count for the services it excludes. The rule is the phrase grammar plus the services' own names —
nothing here names a hospital or a service.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from directory.knowledge import KNOWLEDGE_DIR, KnowledgeError, read_tsv
from directory.manual_titles import Titles, cite_line

Effect = Literal["only", "except", "info"]
_BRACKET = re.compile(r"[(（]([^()（）]+)[)）]")
_SPLIT = re.compile(r"[或和及、/与,，]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Phrase:
    pattern: re.Pattern[str]
    effect: Effect
    evidence: str
    line: int


@dataclass(frozen=True)
class RowNote:
    text: str          # the remark as printed (inside its brackets)
    effect: Effect
    target: str        # the words that name what the remark is about
    phrase_line: int   # the line of row_note_phrases.tsv that read it


@cache
def phrases() -> tuple[Phrase, ...]:
    path = KNOWLEDGE_DIR / "row_note_phrases.tsv"
    out = []
    for n, r in read_tsv(path, ("pattern", "effect", "evidence"), ("pattern", "effect", "evidence")):
        if r["effect"] not in ("only", "except", "info"):
            raise KnowledgeError(f"{path}:{n}: effect must be only, except or info, got {r['effect']!r}")
        try:
            pattern = re.compile(r["pattern"])
        except re.error as exc:
            raise KnowledgeError(f"{path}:{n}: bad pattern {r['pattern']!r}: {exc}") from exc
        if "target" not in pattern.groupindex:
            raise KnowledgeError(f"{path}:{n}: pattern needs a (?P<target>…) group")
        out.append(Phrase(pattern, r["effect"], r["evidence"], n))  # type: ignore[arg-type]
    return tuple(out)


@cache
def filler_words() -> tuple[str, ...]:
    path = KNOWLEDGE_DIR / "service_words.tsv"
    words = [r["word"] for _, r in read_tsv(path, ("word", "kind", "evidence"), ("word", "kind", "evidence"))
             if r["kind"] == "filler"]
    return tuple(sorted(words, key=len, reverse=True))


def notes_in(raw_text: str) -> list[RowNote]:
    """The bracketed remarks of a row that read as notes (not aliases or places)."""
    out = []
    for m in _BRACKET.finditer(raw_text or ""):
        text = _SPACE.sub("", m.group(1))
        for p in phrases():
            hit = p.pattern.search(text)
            if hit:
                out.append(RowNote(m.group(1).strip(), p.effect, hit.group("target"), p.line))
                break
    return out


def notes_in_cell(text: str | None) -> list[RowNote]:
    """A notes column of an imported list: each clause that reads as a note (no brackets needed)."""
    out = []
    for clause in re.split(r"[；;。\n]", text or ""):
        clause = clause.strip()
        if not clause:
            continue
        found = notes_in(f"({clause})")
        out.extend(found or [RowNote(clause, "info", clause, 0)])
    return out


def row_notes(listing: dict[str, Any]) -> list[RowNote]:
    """Every note of a list row: bracketed remarks in its printed text, and its notes cell if it has one."""
    return notes_in(listing.get("raw_text") or listing.get("raw_name") or "") + notes_in_cell(listing.get("raw_notes"))


def _labels(service: dict[str, Any]) -> list[str]:
    return [_SPACE.sub("", x) for x in (service["name"], *service.get("aliases", ())) if x]


def services_named(target: str, services: Iterable[dict[str, Any]]) -> tuple[set[str], list[str]]:
    """Ids of the services the words name (a part names a service when one holds the other), and the
    parts that named none."""
    services = list(services)
    matched: set[str] = set()
    unmatched = []
    for part in _SPLIT.split(_SPACE.sub("", target)):
        core = part
        for w in filler_words():
            core = core.replace(w, "")
        if len(core) < 2:
            continue
        hits = {s["id"] for s in services for label in _labels(s) if core in label or label in core}
        if hits:
            matched |= hits
        else:
            unmatched.append(part)
    return matched, unmatched


def excluded_services(note: RowNote, services: list[dict[str, Any]]) -> tuple[set[str], str]:
    """The services of the row's table the note rules out, and how it was read (Chinese)."""
    if note.effect == "info":
        return set(), "说明，不限制服务"
    named, unmatched = services_named(note.target, services)
    if not named:
        return set(), f"未能对应到本表的服务（{note.target}），只作说明"
    names = "、".join(s["name"] for s in services if s["id"] in named)
    if note.effect == "only":
        return {s["id"] for s in services if s["id"] not in named}, f"仅适用于{names}"
    return named, f"不适用于{names}"


def restrictions(listings: list[dict[str, Any]], services_of_table: dict[str, list[dict[str, Any]]],
                 titles: Titles) -> list[dict[str, Any]]:
    """(service, hospital) pairs a hospital's rows rule out: every row naming the hospital in that
    service's tables carries a note that excludes the service. One row per pair, citing the note and its
    line by the manual's title (`titles`: source file → title)."""
    rows_of: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for li in listings:
        for s in services_of_table.get(li["table_id"], ()):
            if li.get("hospital_id"):
                rows_of.setdefault((s["id"], li["hospital_id"]), []).append(li)
    out = []
    for (sid, hid), rows in sorted(rows_of.items()):
        why = []
        for li in rows:
            excluded = [(n, how) for n in row_notes(li)
                        for ex, how in [excluded_services(n, services_of_table[li["table_id"]])] if sid in ex]
            if not excluded:
                break
            why.append((li, *excluded[0]))
        else:
            li, note, how = why[0]
            name = next(s["name"] for s in services_of_table[li["table_id"]] if s["id"] == sid)
            where = cite_line(li["source_file"], li["line"], titles)
            out.append({"service_id": sid, "hospital_id": hid, "listing_id": li["id"], "source_file": li["source_file"],
                        "line": li["line"], "note": note.text, "effect": note.effect,
                        "say": f"名单中该院注明“{note.text}”（{where}），即{how}，不能用于{name}"})
    return out
