"""How outside lists write names and places (the 2020 fever-clinic list as the example of a health
commission's list): designation brackets, plates joined by 、, maternal and child health centres, second
names without a place, county cells and names that drop their city, brackets that only say where a
hospital is. Pure functions first, each with hard negatives; then the joint resolution of the manuals with
the fever-clinic list (sources/reference/fever_clinics_2020.tsv, rows cited by line)."""
from __future__ import annotations

import pytest

from directory.context import complete_district_stem, county_in_city, is_place_note
from directory.match_rules import compatible, identity
from directory.names import campus_key, classify_bracket, complete_alias, split_slash
from directory.names import normalize_name as nn

# ---- brackets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["救治定点医院", "定点医院", "发热门诊", "新冠肺炎定点救治医院"])
def test_designation_brackets_are_notes(content):
    assert classify_bracket(content)[0] == "note"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("蒲江县妇幼保健计划生育服务中心", "alias"),  # names an institution despite 服务 (row 3650)
        ("仅适用于特需或专家门诊预约服务", "note"),  # 002: a service note
        ("基本医疗服务的费用纳入医保联网结算", "note"),
        ("市传染病医院", "alias"),
    ],
)
def test_institution_brackets_are_names(content, kind):
    assert classify_bracket(content)[0] == kind


def test_designation_does_not_become_an_alias():
    n = nn("唐山市传染病医院(救治定点医院)")  # row 2
    assert n.aliases == () and n.notes == ("救治定点医院",)
    assert identity(n) == identity(nn("唐山市传染病医院"))


# ---- plates and second names ---------------------------------------------------------------------


def test_plates_joined_by_dun():
    assert split_slash("淮安市第三人民医院、淮安市精神病医院") == ("淮安市第三人民医院", ["淮安市精神病医院"])
    assert split_slash("金湖县人民医院、淮安市康复医院") == ("金湖县人民医院", ["淮安市康复医院"])
    # hard negatives: 、 inside one name, or a short piece that names nothing
    assert split_slash("中医、骨伤科医院") == ("中医、骨伤科医院", [])
    assert split_slash("眼科、口腔医院") == ("眼科、口腔医院", [])


@pytest.mark.parametrize(
    ("alias", "body", "expected"),
    [
        ("维吾尔医医院", "库车市中医医院", "库车市维吾尔医医院"),  # row 4359 ff.: (维吾尔医医院)
        ("西乡人民医院", "深圳市宝安区中心医院", "深圳市宝安区西乡人民医院"),  # (原西乡人民医院), row 3020
        ("市传染病医院", "扬州市第三人民医院", "扬州市传染病医院"),  # row 1735
        ("省新华医院", "浙江中医药大学附属第二医院", "浙江省新华医院"),  # row 1840
        # hard negatives: names of their own stay as printed
        ("北医三院", "北京大学第三医院", "北医三院"),  # a known short name
        ("南京医科大学附属南京儿童医院", "南京市儿童医院", "南京医科大学附属南京儿童医院"),  # a university's
        ("解放军 458 医院", "中国人民解放军四五八医院", "解放军 458 医院"),  # an owner's number
        ("深圳市福田区人民医院", "深圳市第四人民医院", "深圳市福田区人民医院"),  # has its own place
        ("祖研", "黑龙江省中医医院", "祖研"),  # not an institution's name
    ],
)
def test_second_names_share_the_names_place(alias, body, expected):
    assert complete_alias(alias, body) == expected


def test_a_second_name_without_place_links_nothing_elsewhere():
    """库车市中医医院(维吾尔医医院) must not be the 维吾尔医医院 of its prefecture (阿克苏地区维吾尔医医院)."""
    a, b = nn("库车市中医医院(维吾尔医医院)"), nn("阿克苏地区维吾尔医医院")
    assert not compatible(a, b)[0]


# ---- types ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["长子县妇幼保健计划生育服务中心", "长子县妇幼计生中心", "长子县妇幼计划生育中心", "长子县妇保院",
     "长子县妇幼保健计生服务中心", "长子县妇保计划生育服务中心", "长子县妇幼保健所"],
)
def test_maternal_and_child_health_centres_are_one_type(name):
    assert identity(nn(name)) == identity(nn("长子县妇幼保健院"))


@pytest.mark.parametrize(("a", "b"), [("长子县妇幼保健院", "长子县妇产医院"), ("上海市第一妇婴保健院", "上海市第一妇幼保健院"),
                                      ("长子县妇幼保健院", "长治市妇幼保健院")])
def test_maternal_health_look_alikes_stay_apart(a, b):
    assert identity(nn(a)) != identity(nn(b)) or nn(a).places != nn(b).places


def test_campus_named_after_its_street():
    assert campus_key("十梓街院区") == campus_key("十梓区院区") == "十梓"  # 001 prints 十梓区, row 1480 十梓街
    assert campus_key("景德路院区") == "景德"
    assert campus_key("东路院区") != campus_key("东院")  # too short to drop 路
    assert campus_key("三香路院区") != campus_key("十梓街院区")


# ---- places written by lists ------------------------------------------------------------------------

NANJING, TANGSHAN, XUZHOU, LHASA, WUXI, CHANGZHOU, SHENZHEN = "320100", "130200", "320300", "540100", "320200", \
    "320400", "440300"


@pytest.mark.parametrize(
    ("city", "cell", "expected"),
    [
        (NANJING, "秦准区", "320104"),  # a mistyped character (秦淮区), rows 1298–1300
        (TANGSHAN, "乐亭具", "130225"),  # 县 mistyped as 具, row 25
        (TANGSHAN, "古治区", "130204"),  # 古冶区, row 54
        (TANGSHAN, "玉田县.", "130229"),  # a stray full stop, row 32
        (XUZHOU, "丰 县", "320321"),  # a stray space, row 1401
        (LHASA, "拉萨市城关区", "540102"),  # the city written before the district
        (NANJING, "溧水", "320117"),  # without its suffix
        (NANJING, "鼓楼区", "320106"),  # 鼓楼区 is in 南京 and 徐州: the row's city decides
        (XUZHOU, "鼓楼区", "320302"),
        ("320600", "海门市", "320614"),  # an old name (海门市 → 海门区, GB/T 2260 history)
        # hard negatives: no unit of that city
        (NANJING, "江北新区", None),
        ("330200", "市本级", None),
        (TANGSHAN, "深州市", None),  # a unit of 衡水, not of 唐山 (row 27)
        (NANJING, "", None),
    ],
)
def test_county_cells(city, cell, expected):
    assert county_in_city(city, cell) == expected


@pytest.mark.parametrize(
    ("name", "city", "county", "expected"),
    [
        ("宜兴人民医院", WUXI, None, "宜兴市人民医院"),  # row 1388
        ("武进人民医院", CHANGZHOU, None, "武进区人民医院"),  # row 1465
        ("武进中医医院", CHANGZHOU, None, "武进区中医医院"),  # row 1466
        ("龙华新区中心医院", SHENZHEN, None, "龙华区中心医院"),  # 龙华新区 became 龙华区 (2016)
        ("宜兴人民医院", WUXI, "320282", "宜兴市人民医院"),  # the county cell agrees
        # hard negatives
        ("宜兴人民医院", WUXI, "320281", "宜兴人民医院"),  # the county cell says another unit (江阴市)
        ("普陀医院", "330900", None, "普陀医院"),  # a name of its own, not a type
        ("宜兴康华医院", WUXI, None, "宜兴康华医院"),  # a private hospital's own name
        ("鼓楼医院", NANJING, None, "鼓楼医院"),  # 南京鼓楼医院 is no district's hospital
        ("南昌大学第一附属医院", "360100", None, "南昌大学第一附属医院"),  # 南昌 is the city, not 南昌县
        ("淮安中山医院", "320800", None, "淮安中山医院"),  # 淮安 is the city as well as 淮安区
        ("中山骨科医院", "210200", None, "中山骨科医院"),  # 中山 is 中山市 too, not only 大连's 中山区
        ("宜兴市人民医院", WUXI, None, "宜兴市人民医院"),  # already complete
    ],
)
def test_names_that_drop_their_city(name, city, county, expected):
    assert complete_district_stem(name, city, county) == expected


@pytest.mark.parametrize(
    ("campus", "places", "expected"),
    [
        ("深圳福田", (SHENZHEN, "440304"), True),  # 中山大学附属第八医院(深圳福田), row 3007
        ("深圳", (SHENZHEN, None), True),  # 中山大学附属第七医院（深圳）, row 3042
        ("光明", (SHENZHEN, "440311"), True),  # (光明), row 3043
        ("龙岗", (SHENZHEN, "440307"), True),
        # hard negatives: a campus named after another place, or a proper campus name
        ("绥德", ("610800", None), False),  # 榆林市第一医院(绥德): a campus in 绥德县
        ("龙岗", (SHENZHEN, "440304"), False),  # a 龙岗 campus of a hospital listed in 福田
        ("岭南", ("440100", None), False),
        ("东区", (SHENZHEN, None), False),
    ],
)
def test_brackets_that_only_say_where(campus, places, expected):
    assert is_place_note(campus, places) is expected


def test_district_stem_after_the_city_and_new_districts():
    assert nn("深圳市龙华新区中心医院").places == nn("深圳市龙华区中心医院").places
    assert identity(nn("深圳市龙华新区中心医院")) == identity(nn("深圳市龙华区中心医院"))
    assert nn("宁波市鄞州人民医院").places == nn("鄞州区人民医院").places[-1:] or \
        nn("宁波市鄞州人民医院").places[-1] == nn("鄞州区人民医院").places[-1]
    # the stem after a city is recorded like a suffixed unit: 宜兴 = 宜兴市
    assert nn("无锡市宜兴人民医院").places[-1] == nn("宜兴市人民医院").places[-1]


# ---- the fever-clinic list resolved with the manuals -----------------------------------------------


def _hospital(joint, ref: str) -> str:
    doc, line = ref.split(":")
    return joint.hospital_of[("fever_clinics_2020" if doc == "fever" else doc, int(line))]


@pytest.mark.parametrize(
    ("fever", "manual"),
    [
        ("fever:1388", "002:559"),  # 宜兴人民医院 [宜兴市] = 宜兴市人民医院
        ("fever:1465", "002:474"),  # 武进人民医院 (常州, no county cell) = 常州市武进人民医院
        ("fever:3041", "002:260"),  # 深圳市龙华区中心医院 = 深圳市龙华新区中心医院
        ("fever:1624", "002:477"),  # 淮安市第三人民医院、淮安市精神病医院 = 淮安市第三人民医院
        ("fever:3007", "002:272"),  # 中山大学附属第八医院(深圳福田)(原福田区人民医院) = 深圳市第四人民医院 (福田人民医院)
        ("fever:1887", "001:628"),  # 中国科学院大学宁波华美医院 = 宁波第二医院 (dual_names.tsv)
        ("fever:790", "000:324"),  # 哈尔滨市医科大学附属第三医院 = 哈尔滨医科大学附属肿瘤医院 (dual_names.tsv)
        ("fever:2484", "002:355"),  # 郑州大学第三附属医院 = 河南省妇幼保健院 (dual_names.tsv)
        # a county cell says where a city's hospital stands, it does not make it the county's: 第二人民医院 in
        # a 深圳 row of 福田区 is 深圳市第二人民医院, not a 福田区第二人民医院
        ("fever:3004", "001:771"),
        # 001 prints each city label one row early: its carried city is doubtful for a university seated
        # elsewhere in the province (江南大学 is in 无锡, 江苏大学 in 镇江)
        ("fever:1363", "001:689"),  # 江南大学附属医院（无锡市第四人民医院） = 江南大学附属医院 (001, under 镇江)
        ("fever:1363", "002:555"),  # … = 无锡市第四人民医院
        ("fever:1753", "001:687"),  # 江苏大学附属医院 (镇江) = 江苏大学附属医院 (001, under 南通)
        # a main site printed under its campus name, at the main site's published address (must_link.tsv)
        ("fever:1481", "002:531"),  # 苏州大学附属第二医院（三香路院区）, 三香路1055号
        ("fever:1731", "002:595"),  # 扬州大学附属医院（东区）, 泰州路45号 = 扬州市第一人民医院
        ("fever:1732", "002:596"),  # 扬州大学附属医院（西区） = 扬州市第一人民医院西区分部
        # other plates (dual_names.tsv, each with the hospital's published name)
        ("fever:1459", "002:472"),  # 常州市肿瘤医院 = 常州市第四人民医院
        ("fever:2971", "002:438"),  # 湖南省脑科医院 = 湖南省第二人民医院
        ("fever:3456", "002:867"),  # 成都市中西医结合医院 = 成都市第一人民医院
        ("fever:2736", "002:316"),  # 濮阳市安阳地区医院 = 安阳地区医院 (placed in 濮阳 by hospital_cities.tsv)
    ],
)
def test_fever_rows_join_their_manual_hospital(fever_joint, fever, manual):
    assert _hospital(fever_joint, fever) == _hospital(fever_joint, manual)


@pytest.mark.parametrize(
    ("fever", "manual"),
    [
        ("fever:1390", "002:559"),  # 宜兴市第二人民医院 ≠ 宜兴市人民医院
        ("fever:1467", "002:474"),  # 武进第四人民医院 ≠ 常州市武进人民医院
        ("fever:1467", "002:472"),  # … ≠ 常州市第四人民医院
        ("fever:3011", "002:272"),  # 深圳市福田区第二人民医院 ≠ 深圳市第四人民医院 (福田区人民医院)
        ("fever:1502", "002:531"),  # 苏州大学附属第二医院（浒墅关院区）: a campus, not the listed main site
        ("fever:1502", "fever:1481"),  # … nor its 三香路 main site
        ("fever:1732", "002:595"),  # 扬州大学附属医院（西区） is 扬州市第一人民医院's 西区分部, not its main site
        ("fever:1729", "002:595"),  # 苏北人民医院 ≠ 扬州市第一人民医院 (cannot_link.tsv)
        ("fever:2489", "002:356"),  # 河南省第二人民医院 ≠ 河南省人民医院
        ("fever:1753", "001:689"),  # 江苏大学附属医院 ≠ 江南大学附属医院
    ],
)
def test_fever_rows_keep_look_alikes_apart(fever_joint, fever, manual):
    assert _hospital(fever_joint, fever) != _hospital(fever_joint, manual)


def test_a_carried_city_is_doubtful_only_for_a_university_seated_elsewhere(fever_joint):
    """Only the two shifted 001 rows lose their carried city; a university's hospital printed under its own
    city (中山大学附属第五医院 in 珠海, 003:488) keeps it."""
    by_ref = {(li["source_file"][:3], li["line"]): li for li in fever_joint.listings}
    assert by_ref[("003", 488)]["city_adcode"] == "440400"
    hospital = {h["id"]: h for h in fever_joint.hospitals}
    assert hospital[_hospital(fever_joint, "001:689")]["city_adcode"] == "320200"  # 无锡
    assert hospital[_hospital(fever_joint, "001:687")]["city_adcode"] == "321100"  # 镇江
