"""Full-text search over hospital names that works for Chinese, for Datasette's search box.

SQLite's unicode61 tokenizer keeps a run of CJK characters as one token (北京协和医院 is one word)
and the trigram tokenizer needs at least three characters, so neither finds 北京协和医院 for 协和.
`add_search_index(db_path)` therefore writes, for every hospital, every substring of length 1–12
of its name and aliases, plus full pinyin (whole and per-syllable runs) and pinyin initials (and
their substrings), as space-separated tokens into `hospital_search.terms`, and indexes that column
with an FTS5 table (`hospital_search_fts`, external content, rowid = hospitals.rowid). Datasette is
pointed at it with fts_table/fts_pk in api/metadata.json, so /registry/hospitals?_search=协和 works.

It runs on a built registry file (the build calls it last; it can be re-run: it replaces its own
tables and touches nothing else).
"""
from __future__ import annotations

import json
import re
import sqlite3
import sys
import time
from pathlib import Path

MAX_LEN = 12
_SPACE = re.compile(r"\s+")
_ASCII = re.compile(r"[^0-9a-z]")
_PIECES = re.compile(r"[0-9A-Za-z]+|[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


def _pypinyin():
    """pypinyin, imported when first needed: servers read stored pinyin and never load it (0.4 s)."""
    import pypinyin

    return pypinyin


def _substrings(text: str, max_len: int = MAX_LEN) -> set[str]:
    out = set()
    for piece in _PIECES.findall(text):
        piece = piece.lower()
        n = len(piece)
        for i in range(n):
            for j in range(i + 1, min(n, i + max_len) + 1):
                out.add(piece[i:j])
    return out


def _pinyin_terms(text: str) -> set[str]:
    out: set[str] = set()
    for piece in re.findall(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+", text):
        sylls = [_ASCII.sub("", s.lower()) for s in _pypinyin().lazy_pinyin(piece)]
        sylls = [s for s in sylls if s]
        initials = "".join(s[0] for s in sylls)
        out.add("".join(sylls))
        # runs of whole syllables: xiehe, beijingxiehe, … (up to MAX_LEN syllables)
        for i in range(len(sylls)):
            for j in range(i + 1, min(len(sylls), i + MAX_LEN) + 1):
                out.add("".join(sylls[i:j]))
        for i in range(len(initials)):
            for j in range(i + 2, min(len(initials), i + MAX_LEN) + 1):
                out.add(initials[i:j])
    return out


def name_pinyin(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, letters and digits only: 北京协和医院 → ('beijingxieheyiyuan', 'bjxhyy')."""
    pypinyin = _pypinyin()
    full = "".join(pypinyin.lazy_pinyin(text)).lower()
    initials = "".join(s[:1] for s in pypinyin.lazy_pinyin(text, style=pypinyin.Style.FIRST_LETTER)).lower()
    return _ASCII.sub("", full), _ASCII.sub("", initials)


def name_entries(conn: sqlite3.Connection) -> list[tuple[str, str, bool]]:
    """(hospital id, name or alias without spaces, is the canonical name) for every distinct name."""
    rows = [(r[0], r[1], True) for r in conn.execute("select id, name from hospitals")]
    rows += [(r[0], r[1], False) for r in conn.execute("select hospital_id, alias from aliases")]
    seen: set[tuple[str, str]] = set()
    out = []
    for hid, text, is_name in rows:
        clean = _SPACE.sub("", text or "")
        if clean and (hid, clean) not in seen:
            seen.add((hid, clean))
            out.append((hid, clean, is_name))
    return out


def terms_for(names: list[str]) -> str:
    """Space-separated search tokens for a hospital's names and aliases (pinyin for the first name,
    the canonical one: pypinyin is the slow part at national scale)."""
    tokens: set[str] = set()
    for k, name in enumerate(names):
        clean = _SPACE.sub("", name or "")
        if not clean:
            continue
        tokens |= _substrings(clean)
        if k == 0:
            tokens |= _pinyin_terms(clean)
    return " ".join(sorted(tokens))


def add_search_index(db_path: str | Path) -> dict[str, float | int]:
    """(Re)create hospital_search + hospital_search_fts in a built registry; returns counts and seconds."""
    started = time.perf_counter()
    conn = sqlite3.connect(str(db_path))
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        aliases: dict[str, list[str]] = {}
        for hid, alias in conn.execute("select distinct hospital_id, alias from aliases order by hospital_id, alias"):
            aliases.setdefault(hid, []).append(alias)
        # Service names with their insurer (重疾绿通（众安保险）), not ids: Datasette's facet shows these values.
        services: dict[str, list[str]] = {}
        for hid, name, insurer in conn.execute(
                "select e.hospital_id, s.name, s.insurer from eligibility e join services s on s.id = e.service_id "
                "order by s.id"):
            services.setdefault(hid, []).append(f"{name}（{insurer}）" if insurer else name)
        rows = []
        for rowid, hid, name, province, city, grade, lat, lon in conn.execute(
                "select rowid, id, name, province, city, grade, lat, lon from hospitals order by rowid"):
            names = list(dict.fromkeys([name, *aliases.get(hid, [])]))
            rows.append((rowid, hid, name, province, city, grade, lat, lon,
                         json.dumps(services.get(hid, []), ensure_ascii=False),
                         " / ".join(dict.fromkeys(a for a in aliases.get(hid, []) if a != name)),
                         terms_for(names)))
        with conn:
            conn.execute("drop table if exists hospital_search_fts")
            conn.execute("drop table if exists hospital_search")
            conn.execute("""create table hospital_search (
                rowid integer primary key,  -- = hospitals.rowid
                id text references hospitals(id), name text, province text, city text, grade text,
                lat float, lon float, services text, aliases text, terms text)""")
            conn.executemany("insert into hospital_search values (?,?,?,?,?,?,?,?,?,?,?)", rows)
            conn.execute("create virtual table hospital_search_fts using fts5(terms, content='hospital_search', "
                         "content_rowid='rowid', tokenize='unicode61')")
            conn.execute("insert into hospital_search_fts(hospital_search_fts) values ('rebuild')")
            conn.execute("insert into hospital_search_fts(hospital_search_fts) values ('optimize')")
            # Every name's pinyin, so that servers load their name index without running pypinyin
            # (the slow part: ~20 s per server process at national scale).
            conn.execute("drop table if exists search_names")
            conn.execute("create table search_names (hospital_id text, text text, pinyin text, initials text, "
                         "is_name integer)")
            conn.executemany("insert into search_names values (?,?,?,?,?)",
                             ((hid, text, *name_pinyin(text), int(is_name))
                              for hid, text, is_name in name_entries(conn)))
        tokens = sum(len(r[-1].split()) for r in rows)
        return {"hospitals": len(rows), "tokens": tokens, "seconds": round(time.perf_counter() - started, 3)}
    finally:
        conn.close()


if __name__ == "__main__":  # python -m api.search_index registry.db
    print(add_search_index(sys.argv[1] if len(sys.argv) > 1 else "registry.db"))
