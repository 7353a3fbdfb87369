"""Unit tests for directory.names and directory.knowledge, on real names from the manuals."""

from pathlib import Path

import pytest

from directory import knowledge
from directory.knowledge import (
    KnowledgeError,
    expand_abbreviation,
    load_abbreviations,
    load_links,
    load_renames,
)
from directory.names import (
    campus_key,
    chinese_to_int,
    clean_name,
    digitize_ordinals,
    institution_type,
    normalize_name,
    strip_places,
    unify_affiliate_order,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("中国人民解放军第 302 医院", "中国人民解放军第302医院"),  # 002: spaces inside CJK
        ("哈尔滨 242 医院", "哈尔滨242医院"),
        ("中国人民解放军总医院（301 医院）", "中国人民解放军总医院(301医院)"),  # full-width brackets
        (
            "上海市奉贤区中心医院 (上海市奉贤县中心医院、上海 市 第六人民医院奉贤分院)",
            "上海市奉贤区中心医院(上海市奉贤县中心医院、上海市第六人民医院奉贤分院)",
        ),
        ("臺北榮民總醫院", "台北荣民总医院"),  # traditional → simplified
        ("Mayo Clinic 梅奥诊所", "Mayo Clinic梅奥诊所"),  # Latin spaces kept
    ],
)
def test_clean_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一一八", 118), ("三〇六", 306), ("八十八", 88), ("十", 10), ("三二零一", 3201), ("302", 302)],
)
def test_chinese_to_int(numeral: str, value: int) -> None:
    assert chinese_to_int(numeral) == value


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("中国人民解放军第一一八医院", "中国人民解放军第118医院"),
        ("中国人民解放军四五八医院", "中国人民解放军458医院"),
        ("中南大学湘雅二医院", "中南大学湘雅2医院"),
        ("四川省人民医院", "四川省人民医院"),  # 四川 is a place, not a number
        ("六安市人民医院", "六安市人民医院"),
        ("三门峡市中心医院", "三门峡市中心医院"),
        ("九江市第五人民医院", "九江市第5人民医院"),
    ],
)
def test_digitize_ordinals_leaves_places(text: str, out: str) -> None:
    assert digitize_ordinals(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [("温州医科大学第1附属医院", "温州医科大学附属第1医院"), ("西安交大1附院", "西安交大附属第1医院")],
)
def test_unify_affiliate_order(text: str, out: str) -> None:
    assert unify_affiliate_order(text) == out


@pytest.mark.parametrize(
    ("raw", "numbers"),
    [
        ("温州医科大学附属第一医院", ("1",)),
        ("中国人民解放军第 302 医院", ("302",)),
        ("中国人民解放军第一一八医院", ("118",)),
        ("中国人民解放军第八十五医院", ("85",)),
        ("中国人民解放军第八十八医院(解放军 88 医院)", ("960",)),  # renamed: part of 联勤保障部队第960医院
        ("三二零一医院", ("3201",)),
        ("四川省人民医院", ()),
        ("兰州大学第二医院血液一区", ("2",)),  # the ward number is not the hospital's
        ("北京大学口腔医院第一门诊部", ()),  # the clinic number belongs to the campus
        ("第二军医大学附属长海医院(上海长海医院)", ()),  # renamed to 海军军医大学 first
    ],
)
def test_numbers(raw: str, numbers: tuple[str, ...]) -> None:
    assert normalize_name(raw).numbers == numbers


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("温州医科大学附属第一医院", "温州医科大学第一附属医院"),  # ordering unified
        ("中国医科大学第一附属医院", "中国医科大学附属第一医院"),
        ("上海交通大学附属瑞金医院", "上海交通大学医学院附属瑞金医院"),  # affiliation prefix
        ("首都医科大学附属北京朝阳医院", "北京朝阳医院"),
        ("首都医科大学附属宣武医院", "首都医科大学宣武医院"),
        ("安康市中医院", "安康市中医医院"),  # 中医院 ≡ 中医医院
        ("南方医科大学中西医结合院", "南方医科大学中西医结合医院"),
        ("北京安康医院", "北京市安康医院"),  # 北京 ≡ 北京市
        ("成都第三人民医院", "成都市第三人民医院"),
        ("卫生部北京医院", "北京医院"),  # owner prefix
        ("中国人民解放军第 302 医院", "解放军第三〇二医院"),
        ("第四军医大学西京医院", "空军军医大学西京医院"),  # rename
        ("徐州医学院附属医院", "徐州医科大学附属医院"),
        (
            "上海交通大学医学院附属第九人民医院黄浦分院特需部",
            "上海交通大学医学院附属第九人民医院黄浦分院特需",
        ),
        ("浙江大学医学院附属第一医院", "浙江大学附属第一医院"),
        ("复旦大学附属上海市第五人民医院", "上海市第五人民医院"),
    ],
)
def test_same_core(a: str, b: str) -> None:
    assert normalize_name(a).core == normalize_name(b).core


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("北京大学深圳医院", "香港大学深圳医院"),  # place-only remainder keeps its university
        ("中山大学附属第一医院", "暨南大学附属第一医院"),  # numbered hospitals keep their university
        ("中山大学附属口腔医院", "广州医科大学附属口腔医院"),
        ("中南大学湘雅医院", "中南大学湘雅二医院"),
    ],
)
def test_different_core(a: str, b: str) -> None:
    assert normalize_name(a).core != normalize_name(b).core


@pytest.mark.parametrize(
    ("raw", "aliases"),
    [
        ("北京大学第三医院(北医三院)", ("北医三院",)),
        (
            "北京肿瘤医院(北京大学肿瘤医院、北京市肿瘤防治研究所)",
            ("北京大学肿瘤医院", "北京市肿瘤防治研究所"),
        ),
        ("深圳市第二人民医院/深圳大学第一附属医院", ("深圳大学第一附属医院",)),  # two plates
        ("常州市第六人民医院常州市儿童医院", ("常州市儿童医院",)),  # two plates, no separator
        ("首都医科大学附属北京妇产医院北京妇幼保健院东院", ("北京妇幼保健院",)),
        (
            "内蒙古自治区第四医院（内蒙古自治区胸科医院、内蒙古自治",
            ("内蒙古自治区胸科医院", "内蒙古自治"),
        ),  # cut cell
        ("中国中医科学院广安门医院", ()),  # 广安门 is not 广安市
    ],
)
def test_aliases(raw: str, aliases: tuple[str, ...]) -> None:
    assert normalize_name(raw).aliases == aliases


def test_former_names() -> None:
    n = normalize_name("武汉协和医院西区（原沌口神龙职工医院）")
    # a former name printed without a place is the same institution's: it shares the name's place
    assert n.former_names == ("武汉沌口神龙职工医院",)
    assert n.campus == "西区"


@pytest.mark.parametrize(
    ("raw", "campus", "main"),
    [
        ("中国人民解放军总医院（东院）", "东院", False),
        ("北京积水潭医院(回龙观院区)", "回龙观院区", False),
        ("北京积水潭医院回龙观院区", "回龙观院区", False),
        ("华中科技大学附属同济医院（光谷）", "光谷", False),
        ("华中科技大学同济医学院附属同济医院（本部）", None, True),
        ("苏州市立医院本部", None, True),
        ("广东省中医院芳村医院", "芳村医院", False),  # short name + 医院 after a full name
        ("南京市口腔医院第一门诊部", "第一门诊部", False),
        ("复旦大学附属中山医院南院虹口分部", "南院虹口分部", False),
        ("中国人民解放军总医院第一附属医院", None, False),  # 第一附属医院 is a hospital, not a campus
        ("北京大学第一医院", None, False),
    ],
)
def test_campus(raw: str, campus: str | None, main: bool) -> None:
    n = normalize_name(raw)
    assert (n.campus, n.main_campus) == (campus, main)


@pytest.mark.parametrize(
    ("a", "b"), [("西院区", "西院"), ("西区", "西部"), ("岭南分院", "岭南医院"), ("番禺院区", "番禺分院")]
)
def test_campus_key(a: str, b: str) -> None:
    assert campus_key(a) == campus_key(b)


@pytest.mark.parametrize(
    ("raw", "department"),
    [
        ("兰州大学第二医院血液一区", "血液一区"),
        ("上海复旦大学附属眼耳鼻喉科医院宝庆分院特需部", "特需部"),
        ("北京大学第一医院", None),
    ],
)
def test_department(raw: str, department: str | None) -> None:
    assert normalize_name(raw).department == department


@pytest.mark.parametrize(
    ("raw", "itype"),
    [
        ("吉林省肿瘤医院", "肿瘤医院"),
        ("四川省第四人民医院", "人民医院"),
        ("嘉兴市中医院", "中医医院"),
        ("上海市中西医结合医院", "中西医结合医院"),
        ("南京市妇幼保健院", "妇幼保健院"),
        ("首都医科大学附属北京儿童医院", "儿童医院"),
        ("上海交通大学附属精神卫生中心", "精神卫生中心"),
        ("天津市传染病医院", "传染病医院"),
        ("北京大学第一医院", None),
    ],
)
def test_institution_type(raw: str, itype: str | None) -> None:
    assert normalize_name(raw).institution_type == itype
    assert institution_type(normalize_name(raw).core) == itype


@pytest.mark.parametrize(
    ("text", "rest", "places"),
    [
        ("上海市嘉定区南翔医院", "南翔医院", ("上海", "嘉定区")),
        ("北京医院", "北京医院", ()),  # the place is the name
        ("吉林省吉林大学第一医院", "吉林大学第一医院", ("吉林",)),  # 吉林 before 大学 is the university
        ("上海东方肝胆医院", "东方肝胆医院", ("上海",)),  # 东方市 only as a first, short form
        ("福建省立医院", "省立医院", ("福建",)),
    ],
)
def test_strip_places(text: str, rest: str, places: tuple[str, ...]) -> None:
    assert strip_places(text) == (rest, places)


def test_notes_are_not_aliases() -> None:
    n = normalize_name("复旦大学附属质子重离子医院 (仅适用于特需或专家门诊预约服务)")
    assert n.aliases == () and n.notes


def test_known_as_expands_abbreviation() -> None:
    assert "北京大学第三医院" in normalize_name("北京大学第三医院(北医三院)").known_as


def test_knowledge_files_load() -> None:
    assert any(r.old_name == "第四军医大学" and r.new_name == "空军军医大学" for r in load_renames())
    assert len(load_abbreviations()) >= 20
    assert load_links("must") and load_links("cannot")


def test_ambiguous_abbreviation_needs_city() -> None:
    assert expand_abbreviation("协和医院") is None
    assert expand_abbreviation("协和医院", "武汉市") == "华中科技大学同济医学院附属协和医院"
    assert expand_abbreviation("北医三院") == "北京大学第三医院"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("old\tnew\tevidence\n", "header"),
        ("old_name\tnew_name\tyear\tevidence\n广州医学院\t广州医科大学\t2013\t\n", ":2: empty 'evidence'"),
        ("old_name\tnew_name\tyear\tevidence\n广州医学院\t广州医科大学\n", ":2: 2 columns"),
    ],
)
def test_bad_knowledge_file_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "renames.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="renames.tsv") as exc:
        knowledge.load_renames.__wrapped__(path)
    assert message in str(exc.value)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("宁波市医疗中心李惠利医院东部院区", "宁波市医疗中心李惠利东部医院"),  # X东部医院 = X医院东部院区
        ("盐城市第一人民医院（主院区、北院区）", "盐城市第一人民医院"),  # a bracket naming all campuses = the hospital
        ("云南省传染病医院", "云南省传染病专科医院"),
        ("中国医学科学院血液学研究所血液病医院", "中国医学科学院血液病医院(血液研究所)"),
        ("黑龙江省农垦总医院", "黑龙江省农垦总局总医院"),
        ("上海市中医医院石门路门诊部", "上海中医药大学附属市中医医院石门路门诊部"),  # 上海…大学附属市… = 上海市…
        ("上海市东方医院", "同济大学附属东方医院"),  # 东方 is a county-level city, not what 东方医院 names
        ("东部战区总医院秦淮医疗区", "中国人民解放军第八一医院(81 医院)"),  # a rename into a campus
    ],
)
def test_same_identity_spellings(a, b):
    from directory.match_rules import compatible, identity

    na, nb = normalize_name(a), normalize_name(b)
    assert identity(na) == identity(nb) or compatible(na, nb)[0] and na.core == nb.core, (na, nb)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("宁波市医疗中心李惠利东部医院", "宁波市医疗中心李惠利医院"),  # campus vs main
        ("扬州市第一人民医院西区分部", "扬州市第一人民医院东区"),
        ("北京大学深圳医院", "香港大学深圳医院"),  # a prefecture is still a place
        ("东部战区总医院秦淮医疗区", "东部战区总医院"),
    ],
)
def test_campus_spellings_stay_apart(a, b):
    from directory.match_rules import compatible

    assert not compatible(normalize_name(a), normalize_name(b))[0]


def test_campus_key_strips_repeatedly():
    assert campus_key("西区分部") == campus_key("西区") == campus_key("西院") == "西"


@pytest.mark.parametrize("raw, body, core", [
    # a bracket inside a name is part of it; one naming another institution is a plate
    ("焦作煤业(集团) 中央医院", "焦作煤业集团中央医院", "煤业集团中央医院"),
    ("南方医科大学口腔医院（广东省口腔医院）顺德分院", "南方医科大学口腔医院顺德分院", "南方医科大学口腔医院"),
    ("阜外心血管病医院(解放军胸科医院、北京阜外医院)", "阜外心血管病医院", "阜外心血管病医院"),
])
def test_brackets_inside_a_name(raw, body, core):
    from directory.names import outside_brackets

    assert outside_brackets(raw) == body
    assert normalize_name(raw).core == core


@pytest.mark.parametrize("raw, core, places", [
    ("解放军胸科医院", "解放军胸科医院", ()),  # a kind alone after an owner keeps the owner
    ("中国人民解放军总医院", "解放军总医院", ()),
    ("中国人民解放军第306医院", "战略支援部队特色医学中心", ()),  # a number still names the hospital alone
    ("北京胸科医院", "胸科医院", ("北京",)),
    ("德国弗莱堡大学综合医院", "弗莱堡大学综合医院", ("德国",)),  # 综合医院 is a kind, the university stays
    ("德国海德堡大学综合医院", "海德堡大学综合医院", ("德国",)),
    ("安阳地区医院", "安阳地区医院", ()),  # a prefecture's name is a word of the name
    ("濮阳市安阳地区医院", "安阳地区医院", ("濮阳",)),
    ("阿克苏地区第一人民医院", "第1人民医院", ("阿克苏",)),  # a current 地区 is a place
])
def test_cores_keep_what_names_the_hospital(raw, core, places):
    n = normalize_name(raw)
    assert (n.core, n.places) == (core, places)


def test_an_academy_before_a_hospital_named_by_its_place():
    assert (normalize_name("四川省医学科学院四川省人民医院").core, normalize_name("四川省医学科学院四川省人民医院").places) \
        == (normalize_name("四川省人民医院").core, normalize_name("四川省人民医院").places)
    # a university's hospital named after another city keeps the university (北京大学深圳医院 ≠ 香港大学深圳医院)
    assert normalize_name("北京大学深圳医院").core != normalize_name("香港大学深圳医院").core
