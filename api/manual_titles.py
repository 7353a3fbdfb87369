"""How pages name a manual: its title, shortened for display when it ends in a bracketed list or code."""
from __future__ import annotations

import re

_TRAILING_BRACKETS = re.compile(r"^(.*?)\s*[（(][^（）()]*[）)]$")
_QUOTED_TITLE = re.compile(r"《([^》]+)》")


def short_title(title: str) -> str:
    """The title without a trailing bracketed list or code (众安健康服务介绍（重疾绿通、…）→ 众安健康服务介绍;
    平安…特药服务手册（PAHHS2023…）→ 平安…特药服务手册). Pages show it with the whole title in the tooltip;
    text meant to be copied keeps the whole title."""
    m = _TRAILING_BRACKETS.match(title)
    return m.group(1).strip() if m and len(m.group(1).strip()) >= 4 else title


def shorten_quoted_titles(text: str) -> str:
    """Every 《title》 in a text with its short form."""
    return _QUOTED_TITLE.sub(lambda m: f"《{short_title(m.group(1))}》", text)
