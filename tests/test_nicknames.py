"""Nicknames callers use for hospitals (directory/knowledge/abbreviations.tsv), checked on the real registry
built from the manuals: every row with a city names a hospital of that city that the registry holds, under
the row's full name, and a nickname means its hospital only in its own city. Expected hospitals are named by a
manual listing (file prefix:line) so the tests do not depend on ids or on which name is canonical."""
from __future__ import annotations

import os
import sqlite3

import pytest

from directory.knowledge import load_abbreviations
from directory.lookup import index_for, resolve_name
from geodata.places import resolve_city_query


@pytest.fixture(scope="module")
def index(registry):
    return index_for(str(registry), os.path.getmtime(registry))


@pytest.fixture(scope="module")
def names_of(registry):
    """hospital id → every name the registry holds for it (its name and its aliases)."""
    conn = sqlite3.connect(registry)
    out: dict[str, set[str]] = {}
    for hid, name in conn.execute("SELECT id, name FROM hospitals UNION SELECT hospital_id, alias FROM aliases"):
        out.setdefault(hid, set()).add(name)
    conn.close()
    return out


def ask(index, name, city=None):
    adcode = resolve_city_query(city).city_adcode if city else None
    return resolve_name(index, name, city_adcode=adcode, city_name=city)


def test_abbreviations_are_sorted_by_abbreviation_then_city():
    rows = [(a.abbreviation, a.city) for a in load_abbreviations()]
    assert rows == sorted(rows)
    # one short name may mean two hospitals of one city (then it answers "ambiguous"), never one hospital twice
    meanings = [(a.abbreviation, a.city, a.full_name) for a in load_abbreviations()]
    assert len(meanings) == len(set(meanings)), "a short name is listed twice for one hospital"


CITY_ROWS = [a for a in load_abbreviations() if a.city]


@pytest.mark.parametrize("row", CITY_ROWS, ids=[f"{a.abbreviation}@{a.city}" for a in CITY_ROWS])
def test_every_city_row_names_a_hospital_of_its_city_in_the_registry(index, names_of, row):
    """A row can never point at a hospital the registry does not hold, nor at one of another city."""
    r = ask(index, row.abbreviation, row.city)
    several = sum(a.abbreviation == row.abbreviation and a.city == row.city for a in CITY_ROWS)
    if several > 1:  # one name for two hospitals of the city: ambiguous between them, this one among them
        assert r["status"] == "ambiguous" and r["ambiguous_count"] == several, r["message"]
        hits = [c for c in r["candidates"][:several] if row.full_name in names_of[c["id"]]]
        assert len(hits) == 1, (row.full_name, [c["name"] for c in r["candidates"]])
        best = hits[0]
    else:
        assert r["status"] == "matched", (row.abbreviation, row.city, r["message"])
        best = r["best"]
    assert best["city_adcode"] == resolve_city_query(row.city).city_adcode, (best["name"], best["city"])
    assert row.full_name in names_of[best["id"]], (row.full_name, best["name"])


NICKNAMES = [  # (what the caller says, the caller's city, listing of the hospital meant)
    ("儿研所", "北京", "001:369"),  # 首都儿科研究所附属儿童医院, not 北京儿童医院
    ("首儿所", "北京", "001:369"),
    ("红房子", "上海", "002:813"),  # 复旦大学附属妇产科医院 (上海市红房子妇产科医院)
    ("宛平南路600号", "上海", "001:510"),  # 上海市精神卫生中心, by its address
    ("儿中心", "上海", "002:858"),  # 上海儿童医学中心
    ("一妇婴", "上海", "001:451"),
    ("陆总", "广州", "002:238"),  # 广州军区广州总医院, now 南部战区总医院
    ("呼研所", "广州", "001:358"),  # 广州医科大学附属第一医院
    ("儿保", "杭州", "002:938"),  # 浙江大学医学院附属儿童医院 (浙江省儿童保健院)
    ("省中医院", "杭州", "002:943"),  # 浙江省中医院, not 浙江省中山医院
    ("省中医院", "武汉", "002:407"),  # 湖北省中医院, not 湖北省中山医院
    ("河医", "郑州", "002:364"),  # 郑州大学第一附属医院, not 河南省人民医院
    ("总医院", "天津", "001:849"),  # 天津医科大学总医院
    ("血研所", "天津", "002:901"),
    ("医大二院", "沈阳", "002:648"),  # 中国医科大学附属盛京医院 (its former name)
    ("山大一院", "太原", "002:721"),  # 山西医科大学第一医院
    ("自治区人民医院", "南宁", "002:282"),
    ("自治区人民医院", "乌鲁木齐", "002:909"),
    ("云南大学附属医院", "昆明", "002:924"),  # 云南省第二人民医院, not 云南省第一人民医院
    ("南医大一附院", "南京", "001:649"),  # 江苏省人民医院
    # second pass (branch nicknames2): provincial capitals and big prefecture cities
    ("省二院", "石家庄", "002:304"),  # 河北医科大学第二医院
    ("省三院", "石家庄", "002:305"),  # 河北医科大学第三医院
    ("红会医院", "沈阳", "002:639"),  # 沈阳市红十字会医院
    ("医大口腔", "沈阳", "002:647"),  # 中国医科大学附属口腔医院, not 沈阳市口腔医院
    ("血研所", "哈尔滨", "004:383"),  # 哈尔滨血液病肿瘤研究所, not 天津's
    ("白求恩第二医院", "长春", "002:450"),  # 吉林大学第二医院
    ("内蒙古医院", "呼和浩特", "002:657"),  # 内蒙古自治区人民医院 (its first name)
    ("省二中医院", "南京", "002:493"),  # 江苏省第二中医院
    ("半山医院", "杭州", "002:944"),  # 浙江省肿瘤医院 (半山东路)
    ("红会医院", "杭州", "002:932"),  # 杭州市红十字会医院 = 浙江省中西医结合医院
    ("安医附院", "合肥", "002:88"),  # 安徽医科大学第一附属医院, not its 巢湖医院
    ("福州市传染病医院", "福州", "002:158"),  # 福建医科大学孟超肝胆医院 (its former name)
    ("中肿", "广州", "000:346"),  # 中山大学附属肿瘤医院
    ("急救中心", "重庆", "002:996"),  # 重庆市急救医疗中心
    ("宁医附院", "银川", "002:663"),  # 宁夏医科大学总医院
]


@pytest.mark.parametrize("name,city,ref", NICKNAMES)
def test_nicknames_resolve_in_their_city(index, hospital_at, name, city, ref):
    r = ask(index, name, city)
    assert r["status"] == "matched", r["message"]
    assert r["best"]["id"] == hospital_at(ref), (r["best"]["name"], r["best"]["reasons"])


@pytest.mark.parametrize("name,city,ref", NICKNAMES)
def test_nicknames_mean_nothing_in_another_city(index, hospital_at, name, city, ref):
    """A local nickname said in another city is not that city's hospital: never the expected one there."""
    other = "上海" if city != "上海" else "北京"
    r = ask(index, name, other)
    assert not (r["best"] and r["best"]["id"] == hospital_at(ref)), (name, other, r["best"]["name"])


def test_city_said_before_a_nickname(index, hospital_at):
    """上海红房子, 佛山市顺德区第一人民医院: the city's name before a local nickname states the city."""
    for name, ref in (("上海红房子医院", "002:813"), ("佛山市顺德区第一人民医院", "002:197")):
        r = ask(index, name)
        assert r["status"] == "matched" and r["best"]["id"] == hospital_at(ref), (name, r["message"])


def test_hard_negatives_next_to_nicknames(index, hospital_at):
    # 医大二院 is each city's own university's second hospital: 大连医科大学 in 大连, 盛京 only in 沈阳
    r = ask(index, "医大二院", "大连")
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at("002:629")
    # 总医院 without a city is no hospital for sure
    assert ask(index, "总医院")["status"] != "matched"


def test_second_plates_resolve(index, hospital_at):
    """dual_names.tsv: a university plate no manual prints names its hospital — and not the university's other
    hospital the name resembles (贵州医科大学附属肿瘤医院 was matched, fuzzy, to 贵州医科大学附属医院)."""
    for name, city, ref in (
        ("贵州医科大学附属肿瘤医院", "贵阳", "000:351"),  # 贵州省肿瘤医院
        ("山东第一医科大学第一附属医院", "济南", "002:684"),  # 山东省千佛山医院
        ("南京医科大学附属肿瘤医院", "南京", "000:332"),  # 江苏省肿瘤医院
        ("广西医科大学第四附属医院", "柳州", "003:526"),  # 柳州市工人医院
        ("新疆医科大学附属肿瘤医院", "乌鲁木齐", "002:915"),
        ("重庆大学附属中心医院", "重庆", "002:996"),  # 重庆市急救医疗中心
    ):
        r = ask(index, name, city)
        assert r["status"] == "matched" and r["best"]["id"] == hospital_at(ref), (name, r["message"])
    r = ask(index, "贵医附院", "贵阳")  # hard negative: the university's general hospital stays itself
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at("002:295")
