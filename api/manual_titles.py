"""How pages name a manual: its title, shortened for display when it ends in a bracketed list or code."""
from __future__ import annotations

import functools
import re

_TRAILING_BRACKETS = re.compile(r"^(.*?)\s*[（(][^（）()]*[）)]$")
_QUOTED_TITLE = re.compile(r"《([^》]+)》")
_MANUAL_IN_TEXT = re.compile(r"\bmanual (?P<doc>\w{3}):(?P<line>\d+)")  # directory.facts: 'manual 002:75'
_DOC_LINE_IN_TEXT = re.compile(r"(?<![\w.])(?P<doc>\d{3}) 第 (?P<line>\d+) 行")  # the catalog: '001 第 23 行'


def short_title(title: str) -> str:
    """The title without a trailing bracketed list or code (众安健康服务介绍（重疾绿通、…）→ 众安健康服务介绍;
    平安…特药服务手册（PAHHS2023…）→ 平安…特药服务手册). Pages show it with the whole title in the tooltip;
    text meant to be copied keeps the whole title."""
    m = _TRAILING_BRACKETS.match(title)
    return m.group(1).strip() if m and len(m.group(1).strip()) >= 4 else title


def shorten_quoted_titles(text: str) -> str:
    """Every 《title》 in a text with its short form."""
    return _QUOTED_TITLE.sub(lambda m: f"《{short_title(m.group(1))}》", text)


def titled(text: str | None, titles: dict[str, str], short: bool = True) -> str:
    """Text that names manuals by file or number ('002_e8b0….txt 第 978 行', '002_e8b0….txt:978', 'manual 002:978',
    '002 第 978 行') with
    their titles instead (《众安健康服务介绍》第 978 行): agents cite a manual by its title, never by a hash."""
    if not text:
        return ""
    if not titles:
        return text

    def name(file: str) -> str:
        title = titles.get(file, file)
        return f"《{short_title(title) if short else title}》"

    out = _file_pattern(tuple(sorted(titles, key=len, reverse=True))).sub(lambda m: name(m.group(1)) + (f"第 {m.group(2)} 行" if m.group(2) else ""), text)

    def manual(m: re.Match) -> str:
        file = next((f for f in titles if f.startswith(m["doc"] + "_")), None)
        return name(file) + f"第 {m['line']} 行" if file else m.group(0)

    return _DOC_LINE_IN_TEXT.sub(manual, _MANUAL_IN_TEXT.sub(manual, out))


@functools.lru_cache(maxsize=8)
def _file_pattern(files: tuple[str, ...]) -> re.Pattern:
    """A manual's file name, with an optional ':line' after it (longest names first)."""
    return re.compile("(" + "|".join(re.escape(f) for f in files) + r")(?::(\d+))?")
