"""The service catalog: how each service of the manuals is used (who, when, how often, from which sum
insured, how to apply, lead times, exclusions, provider), as statements cited to a manual line.

Statements come from `sources/catalog.toml`: entered by hand with the line they come from, or parsed
from a manual's regular overview table (`[[summary_tables]]`). Every cited line is checked: it must
contain the cited text exactly as printed, or loading fails with the file and line.

Pure module: `load_catalog` reads and checks; `how_to_use` turns a service's statements into a short
Chinese summary an agent can read out, each clause with its manual line cited by the manual's title
(《都汇康健增值服务手册》第 23 行; directory/manual_titles.py).
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from directory.manifest import Manifest, sources_dir
from directory.manual_titles import Titles, cite_line, manual_title
from directory.sources import read_source

Aspect = Literal[
    "what", "provider", "who", "age", "trigger", "waiting_period", "validity", "frequency", "sum_insured",
    "apply_phone", "apply_app", "apply_steps", "lead_time", "exclusion", "area", "hours", "cost", "limit",
    "list_note", "cancel", "materials",
]
ASPECTS: dict[str, str] = {  # aspect → the Chinese label an agent reads out
    "what": "服务内容", "provider": "服务商", "who": "使用人", "age": "年龄", "trigger": "使用条件",
    "waiting_period": "等待期", "validity": "有效期", "frequency": "次数", "sum_insured": "保额要求",
    "apply_phone": "电话申请", "apply_app": "线上申请", "apply_steps": "申请方式", "lead_time": "时效",
    "exclusion": "不适用", "area": "服务地域", "hours": "服务时间", "cost": "费用", "limit": "额度",
    "list_note": "名单说明", "cancel": "取消", "materials": "所需材料",
}
# The order of the spoken summary: first whether the caller may use it, then how to apply.
SUMMARY_ORDER: tuple[str, ...] = (
    "sum_insured", "who", "age", "trigger", "waiting_period", "frequency", "apply_phone", "apply_app",
    "apply_steps", "lead_time", "exclusion", "area",
)  # list notes are answered apart (`list_notes`)
SUMMARY_COLUMNS = {"name", "provider", "what", "sum_insured", "frequency", "trigger", "who", "start", "seq"}
Method = Literal["entered", "parsed"]

CATALOG_FILE = "catalog.toml"


class CatalogError(ValueError):
    """The catalog is malformed or cites a line that does not say what it claims; names file and line."""


@dataclass(frozen=True)
class Condition:
    """One statement about a service, cited to the manual line that prints it."""

    aspect: str
    text: str
    source_file: str
    line: int
    value: str | None = None
    unit: str | None = None
    offset: int = 0
    method: Method = "entered"
    scope: Literal["service", "document"] = "service"

    @property
    def doc_id(self) -> str:
        return self.source_file.split("_", 1)[0]

    def as_row(self, service_id: str) -> dict[str, Any]:
        return {"service_id": service_id, "aspect": self.aspect, "label": ASPECTS[self.aspect], "text": self.text,
                "value": self.value, "unit": self.unit, "offset_days": self.offset, "source_file": self.source_file,
                "line": self.line, "method": self.method, "scope": self.scope}


@dataclass(frozen=True)
class CatalogService:
    """A service's catalog entry. `name` is set for a service the manifest does not define (no list)."""

    file: str
    key: str
    name: str | None = None
    aliases: tuple[str, ...] = ()
    printed: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()

    @property
    def service_id(self) -> str:
        return f"{self.file.split('_', 1)[0]}-{self.key}"


@dataclass
class Catalog:
    services: list[CatalogService] = field(default_factory=list)

    def by_id(self) -> dict[str, CatalogService]:
        return {s.service_id: s for s in self.services}


# ---- reading and checking ------------------------------------------------------------------------

def _where(path: Path, what: str) -> str:
    return f"{path}: {what}"


def _lines_of(file: str, root: Path, cache: dict[str, list[str]], where: str) -> list[str]:
    if file not in cache:
        path = root / "manuals" / file
        if not path.exists():
            raise CatalogError(f"{where}: manual {file} not found in {root / 'manuals'}")
        cache[file] = read_source(path).lines
    return cache[file]


def _condition(entry: Any, file: str, lines: list[str], where: str, scope: str) -> Condition:
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: a condition must be a table, got {entry!r}")
    aspect, text, line = entry.get("aspect"), entry.get("text"), entry.get("line")
    if aspect not in ASPECTS:
        raise CatalogError(f"{where}: aspect {aspect!r} is not one of {sorted(ASPECTS)}")
    if not isinstance(text, str) or not text.strip():
        raise CatalogError(f"{where}: condition {aspect} needs the cited text")
    if not isinstance(line, int) or not 1 <= line <= len(lines):
        raise CatalogError(f"{where}: line {line!r} is not a line of {file} (1–{len(lines)})")
    if text not in lines[line - 1]:
        raise CatalogError(f"{file}:{line}: cited text {text!r} is not on that line "
                           f"(the line reads {lines[line - 1][:120]!r}) — {where}")
    unknown = set(entry) - {"aspect", "text", "line", "value", "unit", "offset"}
    if unknown:
        raise CatalogError(f"{where}: unknown condition fields {sorted(unknown)}")
    value = entry.get("value")
    return Condition(aspect, text, file, line, None if value is None else str(value), entry.get("unit"),
                     int(entry.get("offset", 0)), "entered", scope)  # type: ignore[arg-type]


_SPACE = re.compile(r"\s+")
_SUM = re.compile(r"[^，,。；;]*?(?:大于等于|不低于|≥)\s*(\d+(?:\.\d+)?)\s*万元")
_TIMES = re.compile(r"(\d+)\s*次")
_DAYS = re.compile(r"(\d+)\s*天")


def name_key(text: str) -> str:
    """Compare service names as printed: no spaces, brackets of either width alike."""
    return _SPACE.sub("", text).replace("（", "(").replace("）", ")").lower()


def _summary_cell(column: str, text: str, file: str, line: int) -> list[Condition]:
    """The conditions a summary-table cell states (parsed, so each keeps the exact printed text)."""
    def cond(aspect: str, cited: str, value: Any = None, unit: str | None = None) -> Condition:
        return Condition(aspect, cited, file, line, None if value is None else str(value), unit, 0, "parsed")

    if column in ("provider", "what", "trigger", "who"):
        return [cond(column, text)]
    if column == "sum_insured":
        if "无保额要求" in text:
            return [cond("sum_insured", "无保额要求", 0, "万元")]
        m = _SUM.search(text)
        if not m:
            raise CatalogError(f"{file}:{line}: sum-insured cell {text!r} states no amount in 万元")
        return [cond("sum_insured", m.group(0).strip(), m.group(1), "万元（主险保额，最低）")]
    if column == "frequency":
        if "不限" in text:
            return [cond("frequency", text, None, "不限次")]
        m = _TIMES.search(text)
        if not m:
            raise CatalogError(f"{file}:{line}: frequency cell {text!r} states no number of times")
        return [cond("frequency", text, m.group(1), "次（保险合同有效期内）")]
    if column == "start":
        m = _DAYS.search(text)
        if "等待期" in text and m:
            return [cond("waiting_period", text, m.group(1), "天（自保单生效）")]
        return [cond("validity", text)]
    return []


def _summary_rows(entry: dict, root: Path, cache: dict[str, list[str]], where: str
                  ) -> list[tuple[str, int, list[Condition]]]:
    file = entry.get("file")
    if not isinstance(file, str):
        raise CatalogError(f"{where}: summary table needs `file`")
    lines = _lines_of(file, root, cache, where)
    span, columns = entry.get("lines"), tuple(entry.get("columns", ()))
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(n, int) for n in span)
            and 1 <= span[0] <= span[1] <= len(lines)):
        raise CatalogError(f"{where}: lines must be [first, last] within {file}, got {span!r}")
    bad = set(columns) - SUMMARY_COLUMNS
    if bad or "name" not in columns:
        raise CatalogError(f"{where}: columns must include name and only {sorted(SUMMARY_COLUMNS)}; bad {sorted(bad)}")
    rows = []
    for n in range(span[0], span[1] + 1):
        cells = [c.strip() for c in lines[n - 1].split("\t")]
        if not any(cells):
            continue
        if len(cells) < len(columns):
            raise CatalogError(f"{file}:{n}: summary row has {len(cells)} cells, expected {len(columns)}")
        row = dict(zip(columns, cells, strict=False))
        conds = [c for col, text in row.items() if col != "name" and text for c in _summary_cell(col, text, file, n)]
        rows.append((row["name"], n, conds))
    return rows


def _tuple_of_str(entry: dict, key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def load_catalog(manifest: Manifest, path: Path | None = None, merged: dict[str, str] | None = None) -> Catalog:
    """Read and check the catalog against the manifest and the manuals' lines.

    `merged` maps the id of a service printed twice to the one it was merged into (see
    directory/service_merge.py); such a service needs no entry of its own.
    """
    merged = merged or {}
    path = path or sources_dir() / CATALOG_FILE
    if not path.exists():
        # A sources folder without a catalog (a synthetic or third-party set of lists) has no prose to cite:
        # its services answer without "how to use". The bundled folder ships one, checked by the tests.
        return Catalog([])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read catalog: {exc}") from exc
    root = path.parent
    cache: dict[str, list[str]] = {}
    known = {(d.file, s.key): s for d in manifest.documents for s in d.services}
    doc_files = {d.file for d in manifest.documents}

    doc_conditions: dict[str, list[Condition]] = {}
    for i, d in enumerate(data.get("documents", []), 1):
        where = _where(path, f"documents[{i}]")
        file = d.get("file")
        if file not in doc_files:
            raise CatalogError(f"{where}: file {file!r} is not a document of the manifest")
        lines = _lines_of(file, root, cache, where)
        doc_conditions[file] = [_condition(c, file, lines, f"{where} condition[{j}]", "document")
                                for j, c in enumerate(d.get("conditions", []), 1)]

    services: list[CatalogService] = []
    seen: set[tuple[str, str]] = set()
    for i, s in enumerate(data.get("services", []), 1):
        where = _where(path, f"services[{i}] {s.get('key', '?')}")
        file, key = s.get("file"), s.get("key")
        if file not in doc_files or not isinstance(key, str):
            raise CatalogError(f"{where}: needs `file` (a manifest document) and `key`")
        if (file, key) in seen:
            raise CatalogError(f"{where}: {file} {key} has two catalog entries")
        seen.add((file, key))
        name = s.get("name")
        if (file, key) not in known and not name:
            raise CatalogError(f"{where}: {key} is not a service of {file} in the manifest; give it a `name`")
        if (file, key) in known and name:
            raise CatalogError(f"{where}: {key} is defined by the manifest; its name comes from there")
        lines = _lines_of(file, root, cache, where)
        conds = tuple(_condition(c, file, lines, f"{where} condition[{j}]", "service")
                      for j, c in enumerate(s.get("conditions", []), 1))
        services.append(CatalogService(file, key, name, _tuple_of_str(s, "aliases", where),
                                       _tuple_of_str(s, "printed", where), conds))

    ids = {d.file: d for d in manifest.documents}
    # Every service of a bundled manual needs an entry; an imported list brings no prose to cite.
    missing = sorted(f"{f} {k}" for f, k in known
                     if (f, k) not in seen and ids[f].service_id(k) not in merged and ids[f].origin == "bundled")
    if missing:
        raise CatalogError(f"{path}: no catalog entry for manifest service(s): {', '.join(missing)}")

    # Parsed overview tables: each row's statements go to the service it names.
    for i, t in enumerate(data.get("summary_tables", []), 1):
        where = _where(path, f"summary_tables[{i}]")
        file = t.get("file")
        by_name: dict[str, int] = {}
        for k, s in enumerate(services):
            if s.file != file:
                continue
            spec = known.get((s.file, s.key))
            for label in (s.name, spec.name if spec else None, *s.printed, *s.aliases):
                if label:
                    by_name.setdefault(name_key(label), k)
        for printed, line, conds in _summary_rows(t, root, cache, where):
            k = by_name.get(name_key(printed))
            if k is None:
                raise CatalogError(f"{file}:{line}: summary row names {printed!r}, which matches no catalog service "
                                   f"of {file} (add it to `printed` of the right entry) — {where}")
            services[k] = replace(services[k], conditions=services[k].conditions + tuple(conds))

    for k, s in enumerate(services):
        services[k] = replace(s, conditions=s.conditions + tuple(doc_conditions.get(s.file, ())))
    return Catalog(services)


# ---- answering -----------------------------------------------------------------------------------

def _ordered(conditions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Service statements before document-wide ones, then parsed before entered, then by line."""
    return sorted(conditions, key=lambda c: (c.get("scope") == "document", c.get("method") != "parsed",
                                             c.get("value") is None, c.get("line") or 0))


SPOKEN_MAX = 30  # characters of printed text in the spoken sentence; the items keep the whole text


def spoken(c: dict[str, Any]) -> str:
    """A condition as a short phrase to read out: its number where it has one, else its text (shortened)."""
    value, unit, aspect = c.get("value"), c.get("unit") or "", c["aspect"]
    if value not in (None, ""):
        if aspect == "sum_insured":
            return "无保额要求" if float(value) == 0 else f"主险保额不低于 {value} 万元"
        if aspect == "apply_phone":
            return f"拨打 {value}"
        if aspect in ("waiting_period", "frequency", "age", "limit"):
            return f"{value} {unit}".strip()
    if aspect == "frequency" and unit == "不限次":
        return "不限次"
    text = c["text"].strip("，。；; ")
    return text if len(text) <= SPOKEN_MAX else text[:SPOKEN_MAX] + "…"


def how_to_use(conditions: list[dict[str, Any]], titles: Titles, max_items: int = 8) -> dict[str, Any]:
    """A short Chinese summary an agent can read out, one clause per aspect with its manual line
    (《title》第 N 行: `titles` maps a source file to its manual's title, directory.manual_titles.load_titles).

    `conditions` are rows of the `service_conditions` table (or Condition.as_row dicts). Each item keeps
    `source_file` and `line` for machines and adds `manual_title`.
    """
    by_aspect: dict[str, list[dict[str, Any]]] = {}
    for c in _ordered(conditions):
        by_aspect.setdefault(c["aspect"], []).append(c)
    items = []
    for aspect in SUMMARY_ORDER:
        if aspect not in by_aspect or len(items) >= max_items:
            continue
        if aspect == "apply_steps" and ("apply_phone" in by_aspect or "apply_app" in by_aspect):
            continue  # a phone number or an app is what to read out; the steps stay on the service page
        first = by_aspect[aspect][0]
        cite = cite_line(first["source_file"], first["line"], titles)
        items.append({"aspect": aspect, "label": ASPECTS[aspect], "text": first["text"], "say": spoken(first),
                      "source_file": first["source_file"], "line": first["line"],
                      "manual_title": manual_title(first["source_file"], titles), "cite": cite})
    say = "；".join(f"{i['label']}：{i['say']}（{i['cite']}）" for i in items)
    return {"say": say + ("。" if say else ""), "items": items}


def grouped(conditions: list[dict[str, Any]], titles: Titles) -> dict[str, list[dict[str, Any]]]:
    """Every statement of a service by aspect (catalog order), for the service page; each with its manual's
    title and the line cited as an agent reads it (`cite`)."""
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in ASPECTS}
    for c in _ordered(conditions):
        out[c["aspect"]].append({**{k: c.get(k) for k in ("text", "value", "unit", "offset_days", "source_file",
                                                          "line", "method", "scope")},
                                 "manual_title": manual_title(c["source_file"], titles),
                                 "cite": cite_line(c["source_file"], c["line"], titles)})
    return {a: v for a, v in out.items() if v}
