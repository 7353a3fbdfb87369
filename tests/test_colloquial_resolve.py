"""Names as callers say them, resolved against the real registry built from the manuals (issue 9):
short names within a city, typos within the caller's country and city, current names of renamed
hospitals, ambiguity as its own answer, traditional characters. Expected hospitals are named by a
manual listing (file prefix:line) so the tests do not depend on ids or on which name is canonical."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from directory.lookup import index_for, resolve_name
from geodata.places import resolve_city_query

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def index(registry):
    return index_for(str(registry), os.path.getmtime(registry))


def ask(index, name, city=None):
    adcode = resolve_city_query(city).city_adcode if city else None
    return resolve_name(index, name, city_adcode=adcode, city_name=city)


ISSUE_EXAMPLES = [  # (name, city, listing of the expected hospital)
    ("华西", "成都", "000:358"),  # today: no match (best 66.7)
    ("协和", "北京", "000:308"),  # today: no match (best 66.7)
    ("北京协合医院", None, "000:308"),  # today: suggests two German hospitals
    ("西部战区总医院", None, "000:353"),  # the current name; the manuals print 成都军区总医院
    ("西部战区总医院", "成都", "000:353"),
    ("湘雅三院", "长沙", "002:447"),
    ("浙大二院", "杭州", "001:618"),
    ("中大附一", "广州", "000:344"),
    ("附一", "南昌", "002:609"),  # 附一院 with the city's university
    ("附二院", "南昌", "002:607"),
    ("北医三院", None, "001:420"),
    ("北医三院", "北京", "001:420"),
    ("301", "北京", "000:313"),
    ("哈医大一院", None, "002:394"),  # X医大 = X医科大学
    ("昆医附一院", "昆明", "002:922"),  # 昆医 = 昆明医科大学
    ("華西醫院", "成都", "000:358"),  # traditional characters
    ("空军军医大学西京医院", None, "002:746"),  # the university's current name; the manual prints 第四军医大学
    ("武汉协和", None, "001:809"),  # the city said in the name
]


@pytest.mark.parametrize("name,city,ref", ISSUE_EXAMPLES)
def test_issue_examples_resolve_right(index, hospital_at, name, city, ref):
    r = ask(index, name, city)
    assert r["status"] == "matched", r["message"]
    assert r["best"]["id"] == hospital_at(ref), (r["best"]["name"], r["best"]["reasons"])


def test_typo_never_goes_abroad(index, hospital_at):
    r = ask(index, "北京协合医院")
    assert r["best"]["method"] == "homophone"
    assert all(c["country"] in (None, "中国") for c in r["candidates"])
    assert all(c["city"] == "北京市" for c in r["candidates"])  # the name states 北京: typos stay there


def test_a_character_swapped_for_another_sound_is_another_hospital(index, hospital_at):
    # 北部 vs 西部 战区总医院 scores 85.7 by rapidfuzz; it is never asserted as 成都军区总医院
    for city in (None, "成都", "沈阳"):
        r = ask(index, "北部战区总医院", city)
        assert not (r["best"] and r["best"]["id"] == hospital_at("000:353"))


def test_same_name_in_three_cities_is_ambiguous_without_a_city(index, hospital_at):
    r = ask(index, "协和医院")
    assert r["status"] == "ambiguous" and r["best"] is None
    tied = {c["id"] for c in r["candidates"][: r["ambiguous_count"]]}
    assert {hospital_at("000:308"), hospital_at("001:809"), hospital_at("002:157")} <= tied
    assert "城市" in r["message"]
    for city, ref in (("北京", "000:308"), ("武汉", "001:809"), ("福州", "002:157")):
        assert ask(index, "协和", city)["best"]["id"] == hospital_at(ref)


def test_two_universities_one_ordinal_in_one_city_is_ambiguous(index, hospital_at):
    r = ask(index, "附二院", "广州")
    assert r["status"] == "ambiguous"
    tied = {c["id"] for c in r["candidates"][: r["ambiguous_count"]]}
    assert {hospital_at("001:706"), hospital_at("001:359")} <= tied  # 中山大学附属第二医院, 广州医科大学第二附属医院


def test_short_names_need_a_city(index, hospital_at):
    r = ask(index, "华西")
    assert r["status"] == "not_found" and r["best"] is None
    assert r["candidates"][0]["id"] == hospital_at("000:358") and "城市" in r["message"]
    assert ask(index, "华西", "北京")["status"] == "not_found"  # never a hospital of another city


def test_ordinals_types_and_campuses_are_hard_limits(index, hospital_at):
    assert ask(index, "华西", "成都")["best"]["id"] != hospital_at("002:870")  # 华西第二医院
    assert ask(index, "浙大一院", "杭州")["best"]["id"] == hospital_at("001:617")
    assert ask(index, "湘雅", "长沙")["best"]["id"] == hospital_at("002:448")  # not 湘雅二/三医院
    r = ask(index, "协和", "北京")
    assert all("院区" not in c["name"] for c in r["candidates"][: 1])  # the main site, not 东单/西单院区
    for name, city in (("人民医院", "成都"), ("中医院", "杭州"), ("人民医院", None), ("儿童医院", None),
                       ("第一医院", None), ("医院", None), ("医院", "北京")):
        assert ask(index, name, city)["status"] != "matched", (name, city)


def test_a_kind_alone_in_a_city_names_the_citys_hospitals_of_that_kind(index, hospital_at):
    # 北京 has two hospitals named only 肿瘤医院 / 儿童医院 with an owner or place before it: both, equally
    for name, refs in (("肿瘤医院", ("000:311", "003:425")), ("儿童医院", ("001:423", "001:369"))):
        r = ask(index, name, "北京")
        assert r["status"] == "ambiguous" and r["ambiguous_count"] == 2, r["message"]
        assert {c["id"] for c in r["candidates"][:2]} == {hospital_at(x) for x in refs}
        assert all(c["method"] == "kind" for c in r["candidates"][:2])
    # a proper name or a number of its own is another hospital, not "the" kind
    r = ask(index, "人民医院", "深圳")
    assert r["status"] == "ambiguous" and 4 <= r["ambiguous_count"] <= 10, r["message"]
    contenders = {c["id"] for c in r["candidates"][: r["ambiguous_count"]]}
    assert {hospital_at(x) for x in ("001:768", "002:250", "002:261", "002:257")} <= contenders
    assert hospital_at("001:771") not in contenders  # 深圳市第二人民医院
    assert "深圳市人民医院" in r["message"] and "请说明医院全称" in r["message"]
    # one of a specialist kind in the city is the one people mean (南京市儿童医院 is 南医大附属儿童医院) …
    r = ask(index, "儿童医院", "南京")
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at("001:644")
    # … one of a kind every county has its own of is only a suggestion (county_kinds.tsv)
    r = ask(index, "人民医院", "成都")
    assert r["status"] == "not_found" and r["candidates"][0]["id"] == hospital_at("000:359")
    assert "区、县" in r["message"] and "四川省人民医院" in r["message"]


@pytest.mark.parametrize("name,city,ref", [
    ("华西医阮", "成都", "000:358"),  # 阮 for 院
    ("湘稚医院", "长沙", "002:448"),  # 稚 for 雅
])
def test_a_lookalike_character_is_a_typo_inside_the_city(index, hospital_at, name, city, ref):
    r = ask(index, name, city)
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at(ref), r["message"]
    assert r["best"]["method"] == "lookalike" and "形近字" in r["best"]["reasons"][0]
    assert ask(index, name, "北京")["status"] == "not_found"  # never another city's hospital
    assert ask(index, name)["status"] != "matched"  # without a city it is only a suggestion


def test_a_lookalike_never_changes_a_number_a_direction_or_a_kind(index, hospital_at):
    from directory.lookalike_chars import looks_alike
    from directory.lookalike_chars import looks_alike as shape
    from directory.lookup import _one_character_typo
    from directory.names import normalize_name

    assert looks_alike("阮", "院") and looks_alike("稚", "雅") and looks_alike("州", "洲")
    for a, b in ("济清", "江海", "胸脑", "肺胸", "协和", "一二", "二三", "东西", "省市", "区县"):
        assert not looks_alike(a, b), (a, b)
    # the kind of hospital is never corrected: 口腔医阮 is not read as another 口腔医院 by shape
    assert _one_character_typo(normalize_name("江苏省口腔医阮"), normalize_name("江苏省口腔医院"), shape) is None
    assert ask(index, "湘雅二医院", "长沙")["best"]["id"] != hospital_at("002:447")  # not 湘雅三医院


def test_no_real_name_of_the_2020_list_is_read_as_a_typo(db, index):
    """The 2020 fever-clinic list spells real hospitals rightly: none of its 4,476 names may be 'corrected' by
    shape or by sound into a registry hospital of its city (that would be another hospital, or a spelling the lists
    lack)."""
    fired = []
    rows = db.execute("SELECT name, city_adcode FROM reference_hospitals WHERE city_adcode IS NOT NULL").fetchall()
    assert len(rows) > 3000
    for name, city in rows:
        r = resolve_name(index, name, city_adcode=city)
        if r["status"] == "matched" and r["best"]["method"] in ("lookalike", "homophone"):
            fired.append((name, r["best"]["name"]))
    assert fired == []


def test_resolve_command_answers_in_chinese(registry):
    run = [sys.executable, "-m", "directory.cli", "resolve", "--db", str(registry)]
    done = subprocess.run(run + ["华西", "--city", "成都"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("四川大学华西医院") and "short_form" in done.stdout
    done = subprocess.run(run + ["附二院", "--city", "广州"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    # 中山大学附属第二医院 is shown by its first name 中山大学孙逸仙纪念医院 (dual_names.tsv)
    assert done.stdout.startswith("有歧义") and "中山大学孙逸仙纪念医院" in done.stdout
    done = subprocess.run(run + ["华西"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stdout.startswith("未确定") and "城市" in done.stdout
    done = subprocess.run(run + ["協和", "--city", "北京"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stdout.startswith("北京协和医院")


@pytest.mark.parametrize("name,city,ref", [
    ("304医院", "北京", "002:115"),  # not 301: the hospital numbers differ
    ("河医大一附院", "郑州", "002:364"),  # its former university's name (河南医科大学)
    ("湘雅附二", "长沙", "002:446"),  # its former name (湖南医科大学附属第二医院)
])
def test_knowledge_rows_where_grammar_cannot_see(index, hospital_at, name, city, ref):
    """directory/knowledge/abbreviations.tsv: short names the name grammar cannot derive, each with a city."""
    r = ask(index, name, city)
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at(ref)


def test_renames_are_read_both_ways(index, hospital_at):
    from directory.lookup import _reverse_renames

    # the current name is also tried as the old one, for a registry normalized before the rename was known
    assert "成都军区总医院" in _reverse_renames("西部战区总医院")
    for name in ("西部战区总医院", "成都军区总医院", "中国人民解放军成都军区总医院"):
        r = ask(index, name)
        assert r["best"]["id"] == hospital_at("000:353"), name
    assert any("更名：成都军区总医院 → 西部战区总医院" in why for why in ask(index, "西部战区总医院")["best"]["reasons"])


def _tied(r) -> set[str]:
    return {c["id"] for c in r["candidates"][: r["ambiguous_count"]]}


def test_n_yuan_is_the_citys_own_hospital_as_well_as_a_universitys(index, hospital_at):
    """二院 in a city can mean the city's own 第二医院 as well as a university's 附属第二医院: ambiguous unless
    only one exists there, never a confident wrong answer."""
    r = ask(index, "二院", "哈尔滨")
    assert r["status"] == "ambiguous"
    assert {hospital_at("002:393"), hospital_at("002:380")} <= _tied(r)  # 哈医大二院, 哈尔滨市第二医院
    r = ask(index, "二院", "南京")
    assert r["status"] == "ambiguous"
    assert {hospital_at("002:510"), hospital_at("002:500")} <= _tied(r)  # 南医大二附院, 南京市第二医院
    r = ask(index, "五院", "哈尔滨")  # only the city has a 第五医院 (黑龙江省第五医院 is the province's)
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at("002:382")
    # hard negatives: the city's district hospitals and a university's city-numbered hospital
    r = ask(index, "一院", "杭州")
    assert hospital_at("002:934") not in _tied(r)  # 杭州市萧山区第一人民医院 is 萧山's, not the city's
    r = ask(index, "浙大一院", "杭州")
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at("001:617")  # not 浙大's 杭州市第一人民医院
    r = ask(index, "附一院", "郑州")  # 附 says affiliated: the city's 第一人民医院 is not one of them
    assert hospital_at("002:369") not in _tied(r)


def test_yifuyuan_is_every_universitys_first_hospital_in_the_city(index, hospital_at):
    """一附院 / 附一院 in 郑州: 郑州大学's and 河南中医药大学's 第一附属医院 alike — a traditional-medicine
    university is one of them when nothing of the owner is said."""
    for said in ("一附院", "附一院"):
        r = ask(index, said, "郑州")
        assert r["status"] == "ambiguous", said
        assert {hospital_at("002:364"), hospital_at("002:360")} <= _tied(r)
    # hard negatives: once the owner is said, the answer is that owner's
    r = ask(index, "郑大一附院", "郑州")
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at("002:364")
    r = ask(index, "中医一附院", "郑州")
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at("002:360")


@pytest.mark.parametrize(("name", "city", "ref"), [
    ("湖北省人民医院", "武汉", "002:415"),  # dual_names.tsv: 武汉大学人民医院's provincial plate
    ("黑龙江省肿瘤医院", "哈尔滨", "002:395"),  # dual_names.tsv: 哈医大附属肿瘤医院 = 附属第三医院
    ("昆华医院", "昆明", "002:927"),  # dual_names.tsv: 云南省第一人民医院
    ("湖北省新华医院", "武汉", "002:406"),  # printed only in 002:3194, which resolution joins to 湖北省中西医结合医院
])
def test_a_sites_other_plate_finds_it_though_no_list_prints_it(index, hospital_at, name, city, ref):
    """The knowledge files' second names of a site are aliases of the hospital, for callers."""
    r = ask(index, name, city)
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at(ref)


def test_other_plates_keep_their_neighbours_apart(index, hospital_at):
    # hard negatives: the same place, another core or ordinal; a plate is no short form of another hospital
    for name, city, ref in (("湖北省中医院", "武汉", "002:415"), ("湖北省中医院", "武汉", "002:406"),
                            ("黑龙江省医院", "哈尔滨", "002:395"), ("云南省第二人民医院", "昆明", "002:927")):
        r = ask(index, name, city)
        assert r["status"] != "matched" or r["best"]["id"] != hospital_at(ref), (name, r["status"])


def test_overseas_names_keep_their_university(index, hospital_at):
    # 德国弗莱堡大学综合医院 and 德国海德堡大学综合医院 once normalized to the same core 综合医院
    freiburg, heidelberg = hospital_at("000:485"), hospital_at("000:484")
    assert freiburg != heidelberg
    for name, expected in (("弗莱堡大学综合医院", freiburg), ("德国弗莱堡大学综合医院", freiburg),
                           ("海德堡大学综合医院", heidelberg), ("德国海德堡大学综合医院", heidelberg)):
        res = ask(index, name)
        assert res["status"] == "matched" and res["best"]["id"] == expected, (name, res["message"])
    # another German university's 综合医院 is neither of them
    res = ask(index, "德国慕尼黑大学综合医院")
    assert res["status"] != "matched" and res["ambiguous_count"] == 0
    assert all(c["score"] < 95 for c in res["candidates"])


def test_an_owner_with_only_a_kind_after_it_stays_part_of_the_name(index, hospital_at):
    # 解放军胸科医院 (a plate of 阜外医院, 002:142) is not any city's 胸科医院
    fuwai, beijing_chest = hospital_at("002:142"), hospital_at("002:136")
    res = ask(index, "解放军胸科医院")
    assert res["status"] == "matched" and res["best"]["id"] == fuwai
    res = ask(index, "北京胸科医院", "北京")
    assert res["status"] == "matched" and res["best"]["id"] == beijing_chest
    assert all(c["id"] != fuwai or c["score"] < 95 for c in res["candidates"])


def test_yangzhou_first_peoples_hospital_is_not_subei(index, hospital_at):
    # two institutions (cannot_link.tsv): 苏北人民医院 = 扬州大学临床医学院; 扬州市第一人民医院 = 扬州大学附属医院
    subei, first = hospital_at("002:589"), hospital_at("002:595")
    assert subei != first
    res = ask(index, "扬州大学附属医院", "扬州")
    assert res["status"] == "matched" and res["best"]["id"] == first
    res = ask(index, "苏北人民医院", "扬州")
    assert res["status"] == "matched" and res["best"]["id"] == subei


@pytest.mark.parametrize("name, city, not_ref", [
    ("江阴市第三人民医院", "无锡", "002:561"),  # a county-level city of 无锡 is not 无锡 itself
    ("余杭区第一人民医院", "杭州", "001:625"),  # a district's hospital is not the city's
    ("四川省第五人民医院", "成都", "000:362"),  # the province's hospital is not the city's
    ("嘉兴市第一医院", "嘉兴", "001:631"),  # 嘉善县's hospital needs 嘉善 said
    ("哈尔滨市阿城区中医医院", "哈尔滨", "002:400"),  # 黑龙江省中医医院(祖研): the bracket states no place
    ("深圳市盐田区人民医院", "深圳", "001:776"),  # (原深圳市南山区人民医院) names another district
    ("武进第四人民医院", "常州", "002:472"),  # a fuzzy match may not leave out a place (武进)
    ("庄河市中医院", "大连", "002:617"),  # 中医院 is a kind, not 中(山)医院 said short
    ("中医院", "大连", "002:617"),
    ("郑州大学医院", "郑州", "002:356"),  # not 郑州大学人民医院 said without 人民
])
def test_a_name_that_says_another_place_or_kind_is_never_asserted_as_this_hospital(index, hospital_at, name, city,
                                                                                   not_ref):
    res = ask(index, name, city)
    assert not (res["status"] == "matched" and res["best"]["id"] == hospital_at(not_ref)), res["message"]


@pytest.mark.parametrize("name, city, ref", [
    ("萧山三院", "杭州", "002:933"),  # a district's hospital said by its district's stem
    ("上海九院", "上海", None),
    ("省医", "广州", None),
])
def test_short_forms_that_still_name_one_hospital(index, hospital_at, name, city, ref):
    res = ask(index, name, city)
    assert res["status"] == "matched", res["message"]
    if ref:
        assert res["best"]["id"] == hospital_at(ref)


@pytest.mark.parametrize("name, city, ref", [
    ("陆军军医大学第一附属医院", "重庆", "002:3180"),  # dual_names.tsv names it without a place: 重庆西南医院
    ("海军军医大学第二附属医院", "上海", "002:806"),
    ("解放军总医院第一医学中心", "北京", "000:313"),  # the 301 main site's name since 2018 (dual_names.tsv)
    ("四川省医学科学院四川省人民医院", "成都", "000:359"),  # an academy before a hospital named by its place
    ("常州市肿瘤医院", "常州", "002:472"),  # 常州市肿瘤(第四人民)医院
])
def test_current_names_and_other_plates(index, hospital_at, name, city, ref):
    res = ask(index, name, city)
    assert res["status"] == "matched" and res["best"]["id"] == hospital_at(ref), res["message"]


def test_a_place_less_plate_names_one_hospital_only(db):
    # 武汉大学附属同仁医院 (= 武汉市第三医院, dual_names.tsv) is not an alias of 北京's, 上海's or 南京's 同仁医院
    rows = db.execute("SELECT h.name FROM aliases a JOIN hospitals h ON h.id = a.hospital_id "
                      "WHERE a.alias = '武汉大学附属同仁医院'").fetchall()
    assert [r[0] for r in rows] == ["武汉市第三医院"]


def test_a_proper_name_shared_by_several_cities_is_ambiguous_without_a_city(index):
    res = ask(index, "同仁医院")
    assert res["status"] == "ambiguous" and res["ambiguous_count"] >= 3
    cities = {c["city"] for c in res["candidates"][: res["ambiguous_count"]]}
    assert {"北京市", "上海市", "武汉市"} <= cities
    res = ask(index, "同仁医院", "武汉")
    assert res["status"] == "matched" and res["best"]["name"] == "武汉市第三医院"


@pytest.mark.parametrize("name,city,ref", [
    ("北京潮阳医院", "北京", "000:314"),  # 潮 for 朝: 潮阳 is a place, but in 广东, not near the caller
    ("中山大学付属第一医院", "广州", "000:344"),  # 付 for 附, in the whole name rather than the core
    ("北京大学深训医院", "深圳", "000:341"),  # 训 for 圳
    ("哈尔宾医科大学附属第一医院", "哈尔滨", "002:394"),  # the hard rule 'different universities' is one typo off
    ("天律医科大学总医院", "天津", "001:849"),
])
def test_lookalike_typos_in_places_and_owners(index, hospital_at, name, city, ref):
    r = ask(index, name, city)
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at(ref), r["message"]
    assert r["best"]["method"] == "lookalike"


def test_a_lookalike_place_of_the_callers_province_is_another_place():
    from directory.lookup import _names_another_place

    # 江阴 and 江宁 are both places of 江苏: one is never a typo of the other …
    assert _names_another_place("江宁人民医院", "江阴人民医院", 1, "320000")
    # … but 深训 is no place, and 潮阳 is 广东's, not 北京's
    assert not _names_another_place("北京大学深训医院", "北京大学深圳医院", 5, "440000")
    assert not _names_another_place("北京潮阳医院", "北京朝阳医院", 2, "110000")


def test_kind_names_said_short_or_after_the_city(index, hospital_at):
    r = ask(index, "妇幼", "南京")  # the stem of 妇幼保健院
    assert r["status"] == "ambiguous"
    assert {hospital_at("001:669"), hospital_at("001:678")} <= {c["id"] for c in r["candidates"][:r["ambiguous_count"]]}
    r = ask(index, "重庆儿童医院", "重庆")  # the city's name before the kind: still the kind
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at("002:999")
    r = ask(index, "北京儿童医院", "北京")  # one hospital's own name beats being of the kind
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at("001:423")


def test_a_generic_name_lets_short_forms_compete_with_same_identity_names(index, hospital_at):
    # 一附院 in 西安: 西安市第一医院 has the same normalized identity, but says no more than the universities'
    r = ask(index, "一附院", "西安")
    assert r["status"] == "ambiguous", r["message"]
    contenders = {c["id"] for c in r["candidates"][:r["ambiguous_count"]]}
    assert {hospital_at("002:753"), hospital_at("002:766")} <= contenders


def test_a_citys_short_name_after_the_citys_name(index, hospital_at):
    for name, city in (("五官科医院", "上海"), ("上海五官科医院", None), ("上海五官科医院", "上海")):
        r = ask(index, name, city)
        assert r["status"] == "matched" and r["best"]["id"] == hospital_at("002:825"), (name, city)
    assert ask(index, "五官科医院", "北京")["status"] != "matched"  # 上海's name, not 北京's


def test_a_new_name_for_two_merged_hospitals_is_ambiguous_between_them(index, hospital_at):
    # abbreviations.tsv: 解放军总医院第五医学中心 is the 302 and the 307 hospital (PLA reform 2018), both still listed
    for name in ("解放军总医院第五医学中心", "中国人民解放军总医院第五医学中心"):
        r = ask(index, name, "北京")
        assert r["status"] == "ambiguous" and r["ambiguous_count"] == 2, r["message"]
        assert {c["id"] for c in r["candidates"][:2]} == {hospital_at("002:111"), hospital_at("002:113")}
    from directory.knowledge import expand_abbreviation

    assert expand_abbreviation("解放军总医院第五医学中心", "北京") is None  # no single meaning for the matcher


def test_no_two_hospitals_of_a_city_are_one_typo_apart(index):
    """Over the whole registry: no name of one hospital is a one-character look-alike or sound-alike typo of a
    name of another hospital in its city — else a caller saying one could be answered with the other."""
    import itertools
    from collections import defaultdict

    from directory.lookalike_chars import looks_alike
    from directory.lookup import _one_character_typo
    from directory.soundalike_chars import sounds_alike

    by_city = defaultdict(list)
    for h in index.hospitals.values():
        if h.city_adcode:
            by_city[h.city_adcode] += [(h.id, n) for n in h.norms]
    fired = []
    for city, names in by_city.items():
        for (a, na), (b, nb) in itertools.permutations(names, 2):
            ha, hb = index.hospitals[a], index.hospitals[b]
            if a == b or ha.parent_id == b or hb.parent_id == a:
                continue
            for similar, in_kind in ((looks_alike, False), (sounds_alike, True)):
                if _one_character_typo(na, nb, similar, city[:2] + "0000", in_kind=in_kind):
                    fired.append((na.clean, nb.clean))
    assert sum(len(v) for v in by_city.values()) > 2000  # every placed name of the registry
    assert fired == []


@pytest.mark.parametrize("name,city,ref", [
    ("湖南省人名医院", "长沙", "002:440"),  # 名 míng for 民 mín: in/ing blurred by many speakers
    ("西北妇儿", "西安", "002:767"),  # 妇女儿童 said 妇儿
    ("区医院", "南宁", "002:282"),  # the autonomous region's own hospital, as 省医 in a province
])
def test_blurred_sounds_contracted_kinds_and_regions(index, hospital_at, name, city, ref):
    r = ask(index, name, city)
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at(ref), r["message"]


def test_blurred_sounds_never_change_a_number():
    from directory.soundalike_chars import sounds_alike

    assert sounds_alike("名", "民") and sounds_alike("深", "申")
    assert not sounds_alike("四", "十") and not sounds_alike("南", "兰") and not sounds_alike("三", "山")


def test_kinds_every_county_has_count_hospitals_with_a_word_of_their_own(index, hospital_at):
    r = ask(index, "人民医院", "东莞")  # 东莞市太平人民医院: 太平 is a town the gazetteer lacks
    assert r["status"] == "ambiguous"
    assert {c["name"] for c in r["candidates"][:r["ambiguous_count"]]} >= {"东莞市人民医院", "东莞市太平人民医院"}


def test_a_character_with_several_readings_counts_each(index):
    # 长 is zhǎng and cháng: 常海医院 is a typo of 长海医院 (海军军医大学第一附属医院)
    r = ask(index, "常海医院", "上海")
    assert r["status"] == "matched" and "长海" in " ".join(r["best"]["reasons"]), r["message"]


def test_numbered_hospitals_carry_a_kind_where_the_city_has_no_other(index):
    r = ask(index, "中心医院", "天津")  # 天津 has only 第一/第三/第四/第五中心医院
    assert r["status"] == "ambiguous" and r["ambiguous_count"] >= 4
    assert all("中心医院" in c["name"] for c in r["candidates"][:r["ambiguous_count"]])
    r = ask(index, "人民医院", "深圳")  # 深圳 has an unnumbered one: its numbered ones stay out
    assert "深圳市第二人民医院" not in {c["name"] for c in r["candidates"][:r["ambiguous_count"]]}


def test_a_traditional_medicine_universitys_hospital_is_a_tcm_hospital(index):
    r = ask(index, "中医院", "太原")
    assert r["status"] == "ambiguous"
    assert "山西中医药大学附属医院" in {c["name"] for c in r["candidates"][:r["ambiguous_count"]]}


def test_a_citys_knowledge_name_takes_typos_but_only_in_its_city(index):
    r = ask(index, "海磁医院", "青岛")  # 磁 for 慈 in 海慈医院 (abbreviations.tsv, 青岛)
    assert r["status"] == "matched" and r["best"]["name"] == "青岛市海慈医疗集团", r["message"]
    assert ask(index, "省妇保", "杭州")["status"] == "matched"
    for name in ("省妇保", "空总"):  # without the caller's city a city's nickname is a suggestion only
        r = ask(index, name)
        assert r["status"] != "matched", (name, r["message"])
    assert ask(index, "湘雅", "长沙")["status"] == "matched"  # knowledge names (湘雅附二) are not shortened further


def test_a_campus_is_never_read_as_the_short_name_of_its_main_site(index):
    # 协和医院 is 武汉's short name for 华中科技大学同济医学院附属协和医院 (abbreviations.tsv); its 西院 is a campus
    for name in ("武汉协和医院西院", "武汉协和医院西区"):
        r = ask(index, name, "武汉")
        assert r["best"] is None or r["best"]["name"] != "华中科技大学同济医学院附属协和医院", (name, r["message"])
    from directory.knowledge import expand_abbreviation

    assert expand_abbreviation("武汉协和医院") is None  # lists' names are not read as a city's short name
    assert ask(index, "武汉协和医院", "武汉")["best"]["name"] == "华中科技大学同济医学院附属协和医院"  # callers' are


def test_a_place_before_daxue_is_the_universitys_name_not_the_callers_place(index):
    # 江苏大学 is a university of 镇江: in 南通 its name is not 南通大学附属医院 with the province said first
    r = ask(index, "江苏大学附属医院", "南通")
    assert r["best"] is None or r["best"]["name"] != "南通大学附属医院", r["message"]
    assert ask(index, "武汉协和", "武汉")["best"]["name"] == "华中科技大学同济医学院附属协和医院"  # a place still is


def test_a_kind_with_a_site_word_is_still_only_a_kind(index):
    r = ask(index, "口腔医院总院", "广州")  # three universities' 口腔医院 in 广州: which one's 总院?
    assert r["status"] != "matched", r["message"]


def test_another_hospitals_own_name_is_never_read_as_a_typo(index):
    # 半山医院 is 杭州's name for 浙江省肿瘤医院 (abbreviations.tsv): in 上海 it is no look-alike of 华山医院
    r = ask(index, "半山医院", "上海")
    assert r["status"] != "matched", r["message"]
    assert ask(index, "半山医院", "杭州")["status"] == "matched"


def test_a_near_spelling_does_not_outrank_the_grammar(index):
    # 西医一附院 is 西安医学院第一附属医院 said short, and close to 西医大一附院 (西安交通大学第一附属医院): both
    r = ask(index, "西医一附院", "西安")
    assert r["status"] == "ambiguous", r["message"]
    assert {"西安医学院第一附属医院", "西安交通大学第一附属医院"} <= {c["name"] for c in r["candidates"][:r["ambiguous_count"]]}


def test_a_main_site_bracket_does_not_hide_the_plain_name(index, hospital_at):
    r = ask(index, "厦门市第二医院", "厦门")  # printed only as 厦门市第二医院（集美总部）
    assert r["status"] == "matched" and r["best"]["id"] == hospital_at("002:173"), r["message"]
