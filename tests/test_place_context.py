"""Places dropped or shortened in names: the row's own list cells fill the prefix, never another city's."""
from __future__ import annotations

import pytest

from directory.context import complete_name
from directory.hospitals import resolve_hospitals


def one_hospital(a: tuple, b: tuple) -> bool:
    """Resolve two rows of two imported lists together; True when they end in one hospital."""
    listings = [{"id": i, "source_file": f"list{i}.tsv", "line": 2, "table_id": "t", "raw_name": n,
                 "raw_province": p, "raw_city": c, "raw_country": None, "raw_grade": None}
                for i, (n, p, c) in enumerate((a, b), 1)]
    resolve_hospitals(listings, [{"table_id": "t", "service_id": "s"}],
                      {"list1.tsv": "imported", "list2.tsv": "imported"})
    return listings[0]["hospital_id"] == listings[1]["hospital_id"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("奉贤区中心医院", "上海", None), ("上海市奉贤区中心医院", "上海市", "市辖区")),  # district without its city
        (("省人民医院", "四川", "成都"), ("四川省人民医院", "四川", "成都")),  # province only in the cell
        (("省人民医院", "四川省", None), ("四川省人民医院", "四川", "成都")),
        (("市中心医院", "辽宁", "大连"), ("大连市中心医院", "辽宁", "大连")),
        (("区中心医院", "上海", "奉贤区"), ("上海市奉贤区中心医院", "上海市", "市辖区")),
        (("自治区人民医院", "广西", "南宁"), ("广西壮族自治区人民医院", "广西", "南宁")),
        (("县人民医院", "江苏", "海安县"), ("海安市人民医院", "江苏", "南通")),  # old county in the cell
        (("第一人民医院", "浙江", "杭州"), ("杭州市第一人民医院", "浙江", "杭州")),  # city prefix dropped
        (("成都第二人民医院", "四川", "成都"), ("成都市第二人民医院", "四川", "成都")),
        (("省肿瘤医院", "河南", "郑州"), ("河南省肿瘤医院", "河南", "郑州")),
    ],
)
def test_dropped_places_are_filled_from_the_row(a, b):
    assert one_hospital(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("省人民医院", "四川", None), ("四川省第四人民医院", "四川", "成都")),
        (("市人民医院", "四川", "成都"), ("四川省人民医院", "四川", "成都")),  # city's ≠ province's
        (("省人民医院", "广东", "广州"), ("广东省第二人民医院", "广东", "广州")),
        (("第一人民医院", "浙江", "杭州"), ("宁波市第一人民医院", "浙江", "宁波")),  # never across cities
        (("市中心医院", "辽宁", "大连"), ("庄河市中心医院", "辽宁", "大连")),  # a county-level city's
        (("闵行区中心医院", "上海", None), ("上海市奉贤区中心医院", "上海市", "市辖区")),
        (("省人民医院", "四川", None), ("广东省人民医院", "广东", "广州")),
    ],
)
def test_filled_places_keep_hospitals_apart(a, b):
    assert not one_hospital(a, b)


def test_complete_name_needs_the_level_in_the_cells():
    assert complete_name("省人民医院", "510000", None, None) == "四川省人民医院"
    assert complete_name("市第一人民医院", "110000", "110100", None) == "北京市第一人民医院"
    assert complete_name("区中心医院", "310000", "310100", None) == "区中心医院"  # no district known
    assert complete_name("市立医院", "370000", "370200", None) == "青岛市立医院"
    assert complete_name("人民医院", "510000", "510100", None) == "人民医院"
    assert complete_name("县人民医院", "320000", "320600", "320685", (None, "海安县")) == "海安县人民医院"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("鄞州区人民医院", "浙江省", "宁波市"), ("浙江省宁波市鄞州人民医院", "浙江省", "宁波市")),  # district stem after its city
        (("深圳市宝安中医院", "广东省", "深圳市"), ("宝安区中医院", "广东省", "深圳市")),
        (("新疆自治区人民医院", "新疆", "乌鲁木齐"), ("新疆维吾尔自治区人民医院", "新疆", "乌鲁木齐")),
        (("苏州市第九人民医院", "江苏", "苏州"), ("苏州市吴江区第一人民医院", "江苏", "苏州")),  # placed by its current name
    ],
)
def test_district_and_region_short_forms(a, b):
    assert one_hospital(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("鄞州区人民医院", "浙江省", "宁波市"), ("宁波市海曙区人民医院", "浙江省", "宁波市")),
        (("宁波市鄞州第二医院", "浙江省", "宁波市"), ("宁波市第二医院", "浙江省", "宁波市")),
        (("北京朝阳医院", "北京", "北京"), ("北京市朝阳区人民医院", "北京", "北京")),  # a proper name, not a district's
    ],
)
def test_district_stems_keep_hospitals_apart(a, b):
    assert not one_hospital(a, b)


def test_place_typo_corrected_only_from_the_rows_own_cells():
    from directory.context import correct_place_typo

    assert correct_place_typo("祠乡市第二人民医院", ("嘉兴市", "桐乡市")) == "桐乡市第二人民医院"
    assert correct_place_typo("祠乡市第二人民医院", ("嘉兴市", None)) == "祠乡市第二人民医院"  # no cell to trust
    assert correct_place_typo("海宁市第二人民医院", ("嘉兴市", "桐乡市")) == "海宁市第二人民医院"  # a real place
