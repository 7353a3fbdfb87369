"""What a table cell holds: a number, a grade, a place, an institution name, a header word."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

# Words that make up table headers in the manuals; a row made only of these is a (repeated) header.
HEADER_WORDS = frozenset(
    {
        "序号", "序列", "序", "号", "省份", "省", "市", "城市", "地区", "区域", "医院", "医院名称", "医院级别",
        "级别", "国家/城市", "国家", "团队擅长", "平台名称", "医院列表", "名称", "机构名称", "医疗机构",
    }
)

# Markers of an institution (a hospital, clinic, institute, medical centre) in Chinese or English.
_INSTITUTION = re.compile(
    r"院|中心|研究所|门诊部|诊所|卫生所|防治所|保健所|疗养|clinic|hospital|cent(er|re)|institute|medical|health",
    re.IGNORECASE,
)
_GRADE = re.compile(r"^(三|二|一)(级)?(甲|乙|丙)?(等)?$|^(三|二|一)级(特等)?$|^未定级$")
_SEQ = re.compile(r"^\d{1,5}$")
_SEPARATOR_ROW = re.compile(r"^[-—:|\s]+$")

PlaceRoles = Callable[[str], frozenset[str]]


def clean_cell(text: str) -> str:
    """Trim a cell and fold full-width spaces; keep inner characters as printed."""
    return text.replace("\u3000", " ").strip()


def split_cells(line: str) -> list[str]:
    """Split a tab-separated source line into trimmed cells."""
    return [clean_cell(c) for c in line.rstrip("\r\n").split("\t")]


def is_blank_row(cells: list[str]) -> bool:
    return all(not c for c in cells)


def is_separator_row(cells: list[str]) -> bool:
    """A markdown-style rule row such as '--\t----\t--'."""
    joined = "".join(cells)
    return bool(joined) and bool(_SEPARATOR_ROW.match(joined))


def is_header_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and all(c in HEADER_WORDS for c in filled)


def is_seq(text: str) -> bool:
    return bool(_SEQ.match(text))


def is_grade(text: str) -> bool:
    return bool(text) and bool(_GRADE.match(text.replace(" ", "")))


def looks_like_institution(text: str) -> bool:
    """True when the text names an institution rather than a place, grade or team."""
    return bool(_INSTITUTION.search(text))


def has_latin(text: str) -> bool:
    return any("a" <= ch.lower() <= "z" for ch in text)


_MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: a province and a city at once
_RESOLVED = ("exact", "alias", "conflict")


@lru_cache(maxsize=8192)
def default_place_roles(text: str) -> frozenset[str]:
    """Roles a cell can play as a place: 'province' and/or 'city' (empty when not a known place)."""
    from geodata.places import resolve_place

    if not text or looks_like_institution(text) or len(text) > 16:
        return frozenset()
    roles = set()
    as_province = resolve_place(text, None)
    if as_province.status in _RESOLVED and as_province.province_adcode and (
        as_province.city_adcode is None or as_province.province_adcode[:2] in _MUNICIPALITIES
    ):
        roles.add("province")
    as_city = resolve_place(None, text)
    if as_city.status in _RESOLVED and (as_city.city_adcode or as_city.district_adcode):
        roles.add("city")
    return frozenset(roles)
