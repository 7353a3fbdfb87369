"""How the registry writes where a fact comes from: one short Chinese word for the kind of source, then what
makes it citable (a manual's number and line, a file and line, a rule id, a Wikidata item).

The agents who read these strings (Datasette, the hospital page) are Chinese speakers, so the stored strings
are Chinese; file names, line numbers, rule ids, Q-ids and adcodes stay as they are, so that a string can be
looked up. The words are here once: code that writes a source uses these helpers, code that reads one back
(the facts stage choosing between candidates, directory.manual_titles wording it for reading out) uses the
prefixes and `is_kind`.

    名单 002:75                            a manual's line (its file is `002_….txt`)
    参考数据 fever_clinics_2020.tsv:12     a row of a bundled reference register
    知识文件 hospital_facts.tsv:5          a row of a reviewed knowledge file (directory/knowledge/)
    导入名单 list.csv:3                    a row of an imported list
    地理编码缓存 cache.tsv:7               a cached geocoder answer
    Wikidata Q30254053                     a Wikidata item linked by review
    规则 city-centroid                     a documented rule (an id, or `file.tsv:LINE id` for a rule of a data file)

A stored `*_source` column is the source, a full-width colon, and the evidence text: `名单 000:308：等级栏 '三甲'`.
"""
from __future__ import annotations

from typing import Literal

SourceKind = Literal["manual", "reference", "knowledge", "import", "geocode", "wikidata", "rule"]

PREFIX: dict[SourceKind, str] = {
    "manual": "名单 ",
    "reference": "参考数据 ",
    "knowledge": "知识文件 ",
    "import": "导入名单 ",
    "geocode": "地理编码缓存 ",
    "wikidata": "Wikidata ",
    "rule": "规则 ",
}
CLASS_WORDS = {"stated": "来源载明", "inferred": "推断"}  # as directory.eligibility.vocabulary.CLASS_LABELS
OWNERSHIP_WORDS = {"public": "公立", "private": "民营"}
OWNER_KIND_WORDS = {"government": "政府办", "military": "军队", "university": "高校附属", "academy": "医学科学院所属",
                    "state_enterprise": "国有企业办", "private": "民营"}  # ownership_rules.tsv `kind`
SEPARATOR = "："  # between a source and its evidence text in a stored *_source column


def manual_ref(source_file: str, line: int | str) -> str:
    """'002_e8b0….txt', 75 → '名单 002:75' (a manual's short id is its first three characters)."""
    return f"{PREFIX['manual']}{source_file[:3]}:{line}"


def doc_ref(doc: str, line: int | str) -> str:
    """'002', 75 → '名单 002:75'."""
    return f"{PREFIX['manual']}{doc}:{line}"


def reference_ref(file: str, line: int | str) -> str:
    return f"{PREFIX['reference']}{file}:{line}"


def knowledge_ref(file: str, line: int | str) -> str:
    return f"{PREFIX['knowledge']}{file}:{line}"


def import_ref(file: str, line: int | str) -> str:
    return f"{PREFIX['import']}{file}:{line}"


def geocode_ref(where: str) -> str:
    return f"{PREFIX['geocode']}{where}"


def wikidata_ref(qid: str) -> str:
    return f"{PREFIX['wikidata']}{qid}"


def rule_ref(rule_id: str) -> str:
    """'city-centroid' → '规则 city-centroid'; 'grade_rules.tsv:2 university' → '规则 grade_rules.tsv:2 university'."""
    return f"{PREFIX['rule']}{rule_id}"


def is_kind(source: str | None, kind: SourceKind) -> bool:
    """Whether a stored source (or a whole `*_source` column) is of that kind."""
    return bool(source) and source.startswith(PREFIX[kind])  # type: ignore[union-attr]


def rule_id(source: str) -> str:
    """'规则 city-centroid' → 'city-centroid' (the source itself when it is not a rule)."""
    return source.removeprefix(PREFIX["rule"])


def with_evidence(source: str, evidence: str | None) -> str:
    """A stored `*_source` column: '名单 000:308' + "等级栏 '三甲'" → "名单 000:308：等级栏 '三甲'"."""
    return f"{source}{SEPARATOR}{evidence}" if evidence else source
