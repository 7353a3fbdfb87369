"""Tests for the hard constraints and the fuzzy score in directory.match_rules."""

import csv
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from directory.match_rules import compatible, name_score
from directory.names import normalize_name as nn

PAIRS = Path(__file__).parent / "data" / "er_pairs.tsv"


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("温州医科大学附属第一医院", "温州医科大学附属第二医院", "numbers"),
        ("中国人民解放军第 302 医院", "中国人民解放军第 307 医院", "numbers"),
        ("北京大学第一医院", "北京大学第三医院", "numbers"),
        ("四川省人民医院", "四川省第四人民医院", "numbers"),
        ("中南大学湘雅医院", "中南大学湘雅二医院", "numbers"),
        ("中国人民解放军总医院", "中国人民解放军总医院第一附属医院", "numbers"),
        ("中国人民解放军总医院（东院）", "中国人民解放军总医院（西院）", "campus"),
        ("北京大学第一医院", "北京大学第一医院密云院区", "campus"),
        ("华中科技大学附属同济医院（光谷）", "华中科技大学同济医学院附属同济医院（本部）", "campus"),
        ("广东省中医院", "广东省中医院芳村医院", "campus"),
        ("吉林省肿瘤医院", "吉林省人民医院", "type"),
        ("宝鸡市中心医院", "宝鸡市中医医院", "type"),
        ("南京市脑科医院", "南京市胸科医院", "type"),
        ("上海市第一人民医院", "杭州市第一人民医院", "places"),
        ("广州医科大学第一附属医院", "广州中医药大学第一附属医院", "universities"),
    ],
)
def test_incompatible(a: str, b: str, reason: str) -> None:
    ok, why = compatible(nn(a), nn(b))
    assert not ok
    assert reason in why


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("温州医科大学附属第一医院", "温州医科大学第一附属医院"),
        ("北京大学第三医院(北医三院)", "北京大学第三医院"),
        ("上海交通大学附属第六人民医院(上海市第六人民医院)", "上海市第六人民医院"),  # alias link
        ("上海市第十人民医院(同济大学附属第十人民医院)", "同济大学附属上海市第十人民医院"),
        ("华中科技大学同济医学院附属同济医院", "华中科技大学同济医学院附属同济医院（本部）"),  # 本部 = main
        ("兰州大学第二医院血液一区", "兰州大学第二医院"),  # a ward is the same site
        ("中山大学附属第三医院岭南分院", "中山大学附属第三医院岭南医院"),  # one campus, two spellings
        ("武汉协和医院西院", "武汉协和医院西区（原沌口神龙职工医院）"),
        ("第四军医大学西京医院", "空军军医大学西京医院"),
    ],
)
def test_compatible(a: str, b: str) -> None:
    ok, why = compatible(nn(a), nn(b))
    assert ok, why


def test_rapidfuzz_trap_is_real_on_raw_names() -> None:
    # The trap the cores fix: on raw strings the wrong hospital scores higher.
    assert fuzz.ratio("温州医科大学附属第一医院", "温州医科大学附属第二医院") > fuzz.ratio(
        "温州医科大学附属第一医院", "温州医科大学第一附属医院"
    )


def test_rapidfuzz_trap_handled() -> None:
    a = nn("温州医科大学附属第一医院")
    same = nn("温州医科大学第一附属医院")
    other = nn("温州医科大学附属第二医院")
    assert name_score(a, same) > name_score(a, other)
    assert not compatible(a, other)[0]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("上海交通大学附属瑞金医院", "上海交通大学医学院附属瑞金医院"),
        ("北京协和医院(协和医院)", "北京协和医院"),
    ],
)
def test_name_score_equal_cores(a: str, b: str) -> None:
    assert name_score(nn(a), nn(b)) == 100.0


def test_labelled_pairs_precision() -> None:
    # compatible + threshold 85 must stay precise on the labelled set, when city columns block.
    tp = fp = fn = 0
    with PAIRS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            a, b = nn(row["name_a"]), nn(row["name_b"])
            differ = row["city_a"] and row["city_b"] and row["city_a"] != row["city_b"]
            pred = not differ and compatible(a, b)[0] and name_score(a, b) >= 85
            gold = row["same"] == "1"
            tp += pred and gold
            fp += pred and not gold
            fn += gold and not pred
    assert tp / (tp + fp) >= 0.98
    assert tp / (tp + fn) >= 0.9


def test_labelled_pairs_file_shape() -> None:
    with PAIRS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) >= 300
    assert sum(r["same"] == "1" for r in rows) / len(rows) >= 0.4
    assert all(r["evidence"] and r["source_a"] and r["source_b"] for r in rows)
