"""Services as the rules see them: kind, the manual's rule flags, tables, covered areas with the entries
that print them, and notes on source tables known to be incomplete."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from directory.manual_titles import Titles, cite_lines, cite_title, load_titles, manual_title, with_title


@dataclass(frozen=True)
class SourceNote:
    """A source table known to be incomplete (manifest `incomplete`): every answer for its service cites it."""

    table_id: str
    title: str
    source_file: str
    first_line: int
    last_line: int
    note: str
    manual_title: str = ""  # the title of source_file (the registry's `sources`)

    def say(self) -> str:
        where = cite_title(self.manual_title or self.source_file, f"{self.first_line}–{self.last_line}")
        return f"来源表格不完整：{where}的“{self.title}”——{self.note}"

    def as_dict(self) -> dict[str, Any]:
        return {"table_id": self.table_id, "title": self.title, "source_file": self.source_file,
                "manual_title": self.manual_title or self.source_file, "first_line": self.first_line,
                "last_line": self.last_line, "note": self.note, "say": self.say()}


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
    inpatient: bool = False
    tables: list[str] = field(default_factory=list)
    areas: set[str] = field(default_factory=set)  # coverage adcodes (city or county level)
    coverage_evidence: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # adcode → entries
    incomplete: list[SourceNote] = field(default_factory=list)
    table_lines: dict[str, tuple[str, int, int, str]] = field(default_factory=dict)  # id → file, first, last, title
    titles: Titles = field(default_factory=dict, repr=False)  # every source file of the registry → its title

    @property
    def manual_title(self) -> str:
        """The title of the manual that defines the service."""
        return manual_title(self.source_file, self.titles)

    def where_printed(self) -> str:
        """《众安健康服务介绍》第 1017–1019 行 for every table of the service (Chinese, for answers)."""
        return cite_lines([(f, f"{a}–{b}") for f, a, b, _t in self.table_lines.values()], self.titles) or "手册"

    def cite(self, item: dict[str, Any]) -> dict[str, Any]:
        """An evidence item of this service with its manual's title (`manual_title`)."""
        return with_title(item, self.titles)

    @property
    def coverage_incomplete(self) -> bool:
        return self.kind == "city_coverage" and bool(self.incomplete)

    def brief(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "insurer": self.insurer, "kind": self.kind}

    def full(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "insurer": self.insurer, "product": self.product,
                "kind": self.kind, "rule": self.rule or None, "min_grade": self.min_grade or None,
                "public_only": self.public_only, "city_proper_only": self.city_proper_only,
                "inpatient": self.inpatient, "aliases": self.aliases, "source_file": self.source_file,
                "manual_title": self.manual_title, "tables": self.tables, "source_notes": [n.as_dict() for n in self.incomplete]}


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"pragma table_info([{table}])")}


def load_services(conn: sqlite3.Connection, titles: Titles | None = None) -> dict[str, Service]:
    """Every service of the registry with its tables, covered areas, coverage entries and source notes;
    `titles` (file → title, default: the registry's `sources`) words their citations."""
    titles = load_titles(conn) if titles is None else titles
    cols = _columns(conn, "services")
    services: dict[str, Service] = {}
    cur = conn.execute("select * from services order by id")
    names = [d[0] for d in cur.description]
    for r in cur:
        row = dict(zip(names, r, strict=True))
        try:
            aliases = json.loads(row["aliases"] or "[]")
        except ValueError:
            aliases = []
        services[row["id"]] = Service(
            row["id"], row["name"], row["insurer"] or "", row["product"] or "", row["kind"], row["rule"],
            row["min_grade"], bool(row["public_only"]), bool(row["city_proper_only"]), list(aliases),
            row["source_file"], inpatient=bool(row["inpatient"]) if "inpatient" in cols else False, titles=titles)
    tables: dict[str, dict[str, Any]] = {}
    has_note = "incomplete" in _columns(conn, "source_tables")
    for r in conn.execute("select id, title, source_file, first_line, last_line"
                          f"{', incomplete' if has_note else ', null'} from source_tables"):
        tables[r[0]] = {"title": r[1], "source_file": r[2], "first_line": r[3], "last_line": r[4], "note": r[5]}
    for table_id, service_id in conn.execute("select table_id, service_id from table_services order by table_id"):
        s = services.get(service_id)
        if s is None:
            continue
        s.tables.append(table_id)
        t = tables.get(table_id)
        if t:
            s.table_lines[table_id] = (t["source_file"], t["first_line"], t["last_line"], t["title"] or table_id)
        if t and t["note"]:
            s.incomplete.append(SourceNote(table_id, t["title"] or table_id, t["source_file"], t["first_line"],
                                           t["last_line"], t["note"], manual_title(t["source_file"], titles)))
    for service_id, adcode in conn.execute("select service_id, adcode from coverage"):
        if service_id in services:
            services[service_id].areas.add(adcode)
    by_table: dict[str, list[Service]] = {}
    for s in services.values():
        if s.kind == "city_coverage":
            for t in s.tables:
                by_table.setdefault(t, []).append(s)
    for r in conn.execute("select id, adcode, source_file, line, raw_province, raw_city, table_id "
                          "from coverage_entries where adcode is not null order by source_file, line"):
        for s in by_table.get(r[6], ()):
            s.coverage_evidence.setdefault(r[1], []).append({
                "service_id": s.id, "source_file": r[2], "line": r[3], "raw_city": r[5], "raw_province": r[4],
                "adcode": r[1], "coverage_entry_id": r[0], "table_id": r[6],
                "manual_title": manual_title(r[2], titles)})
    return services
