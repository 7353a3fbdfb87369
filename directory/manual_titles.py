"""How every surface names a manual: by its title, never by its hashed file name.

A manual's file is `002_e8b033acd9a55b94.txt`; people call it 《众安健康服务介绍》. The registry's `sources`
table holds each file's title (`load_titles`). Answers word their Chinese text with `cite_line`
(《众安健康服务介绍》第 413 行) and keep `source_file` and `line` as structured fields for machines.

Provenance strings the registry stores as data (Chinese, directory/provenance.py: '名单 002:75',
'括号中的别称 002_….txt:151', '规则 …', '参考数据 fever_clinics_2020.tsv:12') stay as they are in its tables;
a surface that shows one words it with `cite_source` (a whole source) or `titled` (any text that names
manuals by file or number), which put the manual's title in place of its number or file.

Short titles: a title ending in a bracketed list or code is shortened where it is read out
(众安健康服务介绍（重疾绿通、…）→ 众安健康服务介绍); text meant to be copied into a ticket keeps the
whole title (`short=False`).
"""
from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from directory.provenance import PREFIX, SEPARATOR

Titles = Mapping[str, str]  # manual file name → its title

_TRAILING_BRACKETS = re.compile(r"^(.*?)\s*[（(][^（）()]*[）)]$")
_QUOTED_TITLE = re.compile(r"《([^》]+)》")
_MANUAL = PREFIX["manual"]  # '名单 '
_MANUAL_IN_TEXT = re.compile(_MANUAL + r"(?P<doc>\w{3}):(?P<line>\d+)")  # directory.facts: '名单 002:75'
_DOC_LINE_IN_TEXT = re.compile(r"(?<![\w.])(?P<doc>\d{3}) 第 (?P<line>\d+) 行")  # an older wording: '001 第 23 行'
_REST = rf"(?:{SEPARATOR}(?P<rest>.*))?$"  # the evidence after a source
_MANUAL_REF = re.compile(rf"^{_MANUAL}(?P<doc>\w{{3}}):(?P<line>\d+){_REST}")
_OTHER_KINDS = ("reference", "import", "geocode", "knowledge")
_OTHER_REF = re.compile(rf"^(?P<kind>{'|'.join(PREFIX[k].strip() for k in _OTHER_KINDS)}) (?P<file>\S+?):(?P<line>\d+)"
                        + _REST)
_OTHER_WORDS = {PREFIX["reference"].strip(): "参考数据", PREFIX["import"].strip(): "导入的名单",
                PREFIX["geocode"].strip(): "地理编码缓存", PREFIX["knowledge"].strip(): "审核过的知识文件"}
_FILE_LINE = re.compile(r"(?P<prefix>.*?)(?P<file>[\w.-]+\.(?:txt|csv|tsv|xlsx)):(?P<line>\d+)$")
_FILE_PREFIX_WORDS = {"括号中的别称": "括号中的别称，", "中英文名称": "中英文名称，", "名单写明": "名单写明，",
                      "名单所印": "名单所印，", "": ""}  # directory.hospitals / resolve / abroad_hospitals
_SAME_SITE = re.compile(rf"^(?P<file>[\w.-]+\.tsv){SEPARATOR}与 (?P<name>.+) 为同一院址$")  # directory.hospitals
_WIKIDATA_LINK = re.compile(rf"^{PREFIX['wikidata']}(?P<item>Q\d+)（(?P<file>[\w.-]+\.tsv):(?P<line>\d+)）$")


def load_titles(conn: sqlite3.Connection) -> dict[str, str]:
    """Every source file of the registry → its title (the file name itself when it has none)."""
    return {r[0]: r[1] or r[0] for r in conn.execute("select file, title from sources")}


def short_title(title: str) -> str:
    """The title without a trailing bracketed list or code (众安健康服务介绍（重疾绿通、…）→ 众安健康服务介绍;
    平安…特药服务手册（PAHHS2023…）→ 平安…特药服务手册). Pages show it with the whole title in the tooltip;
    text meant to be copied keeps the whole title."""
    m = _TRAILING_BRACKETS.match(title)
    return m.group(1).strip() if m and len(m.group(1).strip()) >= 4 else title


def manual_title(file: str, titles: Titles, short: bool = False) -> str:
    """The title of a source file (the file name when the registry has no title for it)."""
    title = titles.get(file) or file
    return short_title(title) if short else title


def cite_title(title: str, line: int | str | None, short: bool = True) -> str:
    """《title》第 N 行, the title shortened unless `short` is False (see `cite_line`)."""
    where = f"《{short_title(title) if short else title}》"
    return where + (f"第 {line} 行" if line not in (None, "") else "")


def cite_line(file: str, line: int | str | None, titles: Titles, short: bool = True) -> str:
    """A manual line as an agent reads it out: 《众安健康服务介绍》第 413 行. `line` may be one line, a span
    ('1494–1578') or several lines ('141、142'); without a line, only the title."""
    return cite_title(manual_title(file, titles), line, short)


def cite_lines(spans: list[tuple[str, int | str | None]], titles: Titles, short: bool = True) -> str:
    """Several (file, line or span) as one citation, lines of one manual together:
    《众安健康服务介绍》第 1017–1019、1020–1030 行；《…》第 5 行."""
    by_file: dict[str, list[str]] = {}
    for file, line in spans:
        lines = by_file.setdefault(file, [])
        if line not in (None, "") and str(line) not in lines:
            lines.append(str(line))
    return "；".join(cite_line(f, "、".join(lines) or None, titles, short) for f, lines in by_file.items())


def with_title(item: dict[str, Any], titles: Titles) -> dict[str, Any]:
    """An evidence item ({source_file, line, …}) with its manual's title added as `manual_title`."""
    file = item.get("source_file")
    if not file or "manual_title" in item:
        return item
    return {**item, "manual_title": manual_title(file, titles)}


def shorten_quoted_titles(text: str) -> str:
    """Every 《title》 in a text with its short form."""
    return _QUOTED_TITLE.sub(lambda m: f"《{short_title(m.group(1))}》", text)


def _file_of_doc(doc: str, titles: Titles) -> str | None:
    return next((f for f in titles if f.startswith(doc + "_")), None)


def cite_source(source: str | None, titles: Titles, short: bool = False) -> str:
    """A provenance string as the registry stores it ('002_….txt:151', '括号中的别称 002_….txt:151',
    '名单写明 000_….txt:308', '名单 002:75', "名单 000:308：等级栏 '三甲'", '参考数据
    fever_clinics_2020.tsv:12', 'Wikidata Q123', '规则 …') in words for reading out: a manual by its title and
    line, other sources by kind, file and line; anything else with the manuals in it named by title."""
    if not source:
        return ""
    text = source.strip()
    if m := _MANUAL_REF.match(text):
        file = _file_of_doc(m["doc"], titles)
        if file:
            return cite_line(file, m["line"], titles, short) + (f"：{titled(m['rest'], titles, short)}"
                                                                 if m["rest"] else "")
    if m := _OTHER_REF.match(text):
        word, file = _OTHER_WORDS[m["kind"]], m["file"]
        where = (word + cite_line(file, m["line"], titles, short) if file in titles
                 else f"{word} {file} 第 {m['line']} 行")
        return where + (f"：{titled(m['rest'], titles, short)}" if m["rest"] else "")
    if m := _SAME_SITE.match(text):
        return f"{_OTHER_WORDS[PREFIX['knowledge'].strip()]} {m['file']}：与“{m['name']}”是同一家医院"
    if m := _WIKIDATA_LINK.match(text):
        where = cite_line(m["file"], m["line"], titles, short) if m["file"] in titles else \
            f"审核过的对应表 {m['file']} 第 {m['line']} 行"
        return f"Wikidata {m['item']}（{where}）"
    if text.startswith((PREFIX["wikidata"], PREFIX["rule"])):
        return titled(text, titles, short)
    if m := _FILE_LINE.match(text):
        prefix = m["prefix"].strip()
        what = _FILE_PREFIX_WORDS.get(prefix, prefix + " ")
        return what + cite_line(m["file"], m["line"], titles, short)
    return titled(text, titles, short)


def titled(text: str | None, titles: Titles, short: bool = True) -> str:
    """Text that names manuals by file or number ('002_e8b0….txt 第 978 行', '002_e8b0….txt:978',
    '名单 002:978', '002 第 978 行') with their titles instead (《众安健康服务介绍》第 978 行). For stored
    provenance shown on a page; answers are worded with titles from the start (`cite_line`)."""
    if not text:
        return ""
    if not titles:
        return text

    def name(file: str) -> str:
        return f"《{manual_title(file, titles, short)}》"

    out = text
    if any(f in text for f in titles):
        out = _file_pattern(tuple(sorted(titles, key=len, reverse=True))).sub(
            lambda m: name(m.group(1)) + (f"第 {m.group(2)} 行" if m.group(2) else ""), text)
    if _MANUAL not in out and " 第 " not in out:
        return out  # nothing else to word (most stored evidence)

    def manual(m: re.Match) -> str:
        file = _file_of_doc(m["doc"], titles)
        return name(file) + f"第 {m['line']} 行" if file else m.group(0)

    return _DOC_LINE_IN_TEXT.sub(manual, _MANUAL_IN_TEXT.sub(manual, out))


@functools.lru_cache(maxsize=8)
def _file_pattern(files: tuple[str, ...]) -> re.Pattern:
    """A manual's file name, with an optional ':line' after it, or the space before '第 N 行' (longest names
    first)."""
    return re.compile("(" + "|".join(re.escape(f) for f in files) + r")(?::(\d+)| (?=第 \d))?")
