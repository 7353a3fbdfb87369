"""A kind of hospital said alone (儿童医院, 中医院): which names carry it, and the county-kinds knowledge file.

The resolver's answers on the real registry are in test_colloquial_resolve.py; these are the pure parts.
"""
from __future__ import annotations

import pytest

from directory.kind_names import carried_kind, county_kinds, names_a_kind_only, spoken_kind
from directory.knowledge import KnowledgeError


def test_a_kind_said_alone():
    assert spoken_kind("中医院") == "中医医院"  # one spelling of the kind
    assert spoken_kind("儿童医院") == "儿童医院"
    assert spoken_kind("肿瘤医院") == "肿瘤医院"
    for text in ("医院", "总医院", "华西医院", "北京儿童医院", "第一医院"):
        assert spoken_kind(text) is None, text
    assert names_a_kind_only("医院") and names_a_kind_only("人民医院") and not names_a_kind_only("华西")


@pytest.mark.parametrize("name,kind", [
    ("首都医科大学附属北京儿童医院", "儿童医院"),  # owner, 附属, place
    ("首都儿科研究所附属儿童医院", "儿童医院"),  # an institute as owner
    ("中国医学科学院附属肿瘤医院", "肿瘤医院"),
    ("北京大学肿瘤医院", "肿瘤医院"),
    ("深圳市宝安区人民医院", "人民医院"),  # a district is a place
    ("江苏省中医院", "中医医院"),
    ("北京新世纪儿童医院", None),  # a proper name of its own
    ("深圳市第二人民医院", None),  # a number of its own
    ("北京大学第一医院", None),  # no kind
    ("四川大学华西医院", None),
])
def test_which_names_carry_a_kind(name, kind):
    assert carried_kind(name) == kind


def test_county_kinds_file_holds_the_county_level_kinds_with_evidence():
    kinds = county_kinds()
    assert {"人民医院", "中医医院", "妇幼保健院"} <= set(kinds)
    assert "儿童医院" not in kinds and "肿瘤医院" not in kinds  # specialist kinds: one per city is the one
    assert all(k.evidence for k in kinds.values())


def test_a_bad_county_kinds_row_names_file_and_line(tmp_path):
    bad = tmp_path / "county_kinds.tsv"
    bad.write_text("kind\tevidence\n人民医院\t规划原则\n华西\t不是类别\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"county_kinds\.tsv:3: '华西' is not a hospital kind"):
        county_kinds.__wrapped__(bad)
    bad.write_text("kind\tevidence\n人民医院\t\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"county_kinds\.tsv:2"):
        county_kinds.__wrapped__(bad)
