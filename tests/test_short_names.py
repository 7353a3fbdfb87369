"""The grammar of colloquial short names (directory/short_names.py) and input folding (directory/text_fold.py),
on real hospital names from the manuals. Every positive has hard negatives beside it: another ordinal,
another university in the same city, a specialist type, a traditional-medicine owner, a campus."""
from __future__ import annotations

import pytest

from directory.short_names import is_short_form, query_form, segments
from directory.text_fold import fold_text

SAID_AS = [
    ("华西", "四川大学华西医院"),
    ("华西二院", "四川大学华西第二医院"),
    ("协和", "北京协和医院"),
    ("协和", "华中科技大学同济医学院附属协和医院"),
    ("同济", "华中科技大学同济医学院附属同济医院"),
    ("湘雅", "中南大学湘雅医院"),
    ("湘雅三院", "中南大学湘雅三医院"),
    ("浙大二院", "浙江大学医学院附属第二医院"),
    ("浙二医院", "浙江大学医学院附属第二医院"),
    ("浙大儿院", "浙江大学医学院附属儿童医院"),
    ("邵医", "浙江大学医学院附属邵逸夫医院"),
    ("中大附一", "中山大学附属第一医院"),
    ("中山一院", "中山大学附属第一医院"),
    ("附一", "南昌大学第一附属医院"),
    ("南大一附院", "南昌大学第一附属医院"),
    ("郑大一附院", "郑州大学第一附属医院"),
    ("重医附一院", "重庆医科大学附属第一医院"),
    ("医大一院", "中国医科大学附属第一医院"),
    ("广医一院", "广州医科大学附属第一医院"),
    ("北大三院", "北京大学第三医院"),
    ("北大人民", "北京大学人民医院"),
    ("301", "301医院"),
    ("省人医", "江苏省人民医院"),
    ("省医", "广东省人民医院"),
    ("省中医", "广东省中医院"),
    ("市一", "南京市第一医院"),
    ("上海九院", "上海交通大学医学院附属第九人民医院"),
    ("西京", "第四军医大学西京医院"),  # renamed owner (空军军医大学): no ordinal 4 is left to agree on
    ("南方医院", "南方医科大学南方医院"),
    ("中山眼科", "中山大学中山眼科中心"),
    ("东方医院", "北京中医药大学东方医院"),  # a TCM owner may go when the hospital has a name of its own
    ("附一", "河南中医药大学第一附属医院"),  # nothing of the owner said: every university's 附一 (lookup decides)
]

NOT_SAID_AS = [
    ("华西", "四川大学华西第二医院"),  # ordinals must agree
    ("湘雅", "中南大学湘雅三医院"),
    ("浙大一院", "浙江大学医学院附属第二医院"),
    ("浙大二院", "浙江大学医学院附属儿童医院"),  # 儿院 is not 二院: a specialist type never goes
    ("浙大二院", "浙江中医药大学附属第二医院"),  # 浙大 is 浙江大学, not 浙江中医药大学
    ("中大附一", "广州中医药大学第一附属医院"),
    ("郑大一附院", "河南中医药大学第一附属医院"),  # once an owner is said, 中医 must be said too
    ("河南一附院", "河南中医药大学第一附属医院"),
    ("附一", "南昌市第一医院"),  # 附 comes from 附属
    ("同济", "华中科技大学同济医学院附属协和医院"),  # the owner's 同济 is not the hospital's own name
    ("南方医院", "南方医科大学珠江医院"),
    ("广医一院", "广东药学院附属第一医院"),
    ("301", "中国人民解放军总医院第一附属医院"),
    ("人民医院", "北京大学人民医院"),  # a type alone names no hospital
    ("人民医院", "四川省人民医院"),  # the hospital's place must be said when it has no other name
    ("中医院", "浙江省中医院"),
    ("宣武医院", "北京市宣武中医医院"),
    ("省医", "广东省中医院"),
]


@pytest.mark.parametrize("said,name", SAID_AS)
def test_short_forms_people_say(said, name):
    assert is_short_form(said, name), (query_form(said), segments(name))


@pytest.mark.parametrize("said,name", NOT_SAID_AS)
def test_hard_negatives(said, name):
    assert not is_short_form(said, name), (query_form(said), segments(name))


def test_query_form_puts_ordinals_in_one_spelling():
    assert query_form("湘雅三院") == "湘雅3院"
    assert query_form("中大附一") == "中大附1"
    assert query_form("南大一附院") == query_form("南大附一院") == "南大附1院"
    assert query_form("浙一") == "浙1"
    assert query_form("六安") == "六安"  # a place that starts with a numeral stays a place


def test_segments_split_owner_from_the_hospitals_own_name():
    segs = segments("华中科技大学同济医学院附属协和医院")
    own = [s.text for s in segs if s.own and s.kind == "proper"]
    owner = [s.text for s in segs if not s.own and s.kind == "proper"]
    assert own == ["协和"] and "同济" in owner


def test_fold_traditional_and_full_width():
    assert fold_text("華西醫院") == "华西医院"
    assert fold_text("重疾綠通") == "重疾绿通"
    assert fold_text("溫州") == "温州"
    assert fold_text("ＭＤＴ") == "MDT"
    assert fold_text("ｂｊｘｈ") == "bjxh"
    assert fold_text("眾安") == "众安"


def test_fold_keeps_simplified_characters_of_place_names():
    # OpenCC's t2s maps 乾 → 干, but 乾县 (陕西) and 乾安县 (吉林) are written with 乾 in GB/T 2260
    assert fold_text("乾县人民医院") == "乾县人民医院"
    assert fold_text("乾安縣") == "乾安县"
    assert fold_text("北京协和医院") == "北京协和医院"
