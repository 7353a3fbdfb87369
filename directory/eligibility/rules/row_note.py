"""Row note: a list row may restrict itself — 复旦大学附属质子重离子医院 (仅适用于特需或专家门诊预约服务), seed 001
附录二 line 616. When every row naming the hospital in the service's tables carries a note that rules the
service out, the hospital fails, and the answer quotes the note and its line.

The note's wording is read by directory/row_notes.py (phrases in directory/knowledge/row_note_phrases.tsv:
仅适用于…, 不适用于…) and matched against the names and aliases of the services the row's table serves —
nothing here names a hospital or a service."""
from __future__ import annotations

from directory.eligibility.facts import Fact
from directory.eligibility.rules.base import Rule, RuleResult, Subject
from directory.manual_titles import cite_line
from directory.row_notes import excluded_services, notes_in


class RowNoteRestriction(Rule):
    key = "row_note"
    title = "名单行备注"

    @classmethod
    def for_service(cls, service):
        return cls(service) if service.kind not in ("city_coverage", "no_list") else None

    def _table_services(self, ctx, table_id: str) -> list[dict]:
        cache = ctx.data.setdefault("row_note_services", {})
        if table_id not in cache:
            cache[table_id] = [{"id": s.id, "name": s.name, "aliases": s.aliases}
                               for s in ctx.services.values() if table_id in s.tables]
        return cache[table_id]

    def check(self, subject: Subject, ctx) -> RuleResult | None:
        s = self.service
        why = []
        for row in subject.listings:
            notes = [n for text in (row.get("row_note") or "").split("; ") if text for n in notes_in(f"({text})")]
            ruled_out = [(n, how) for n in notes
                         for ex, how in [excluded_services(n, self._table_services(ctx, row["table_id"]))] if s.id in ex]
            if not ruled_out:
                return None  # a row without such a note keeps the hospital on the list
            why.append((row, *ruled_out[0]))
        if not why:
            return None
        row, note, how = why[0]
        where = cite_line(row["source_file"], row["line"], ctx.titles)
        fact = Fact("row_note", note.text, "stated", where, row.get("raw_name"))
        return self.result("fail", [fact], f"名单中该院注明“{note.text}”（{where}），即{how}，不能用于{s.name}", [row])
