"""Dual names (一院两名): the grammar rule with its hard negatives, the knowledge file, the real registry."""
from __future__ import annotations

import pytest

from directory.dual_names import dual_form, dual_name_pairs
from directory.knowledge import load_links
from directory.names import normalize_name as nn


def pairs(city_names: dict[str, list[str]]) -> set[frozenset[str]]:
    """Run the rule on one name per cluster: {city: [names]} → the pairs it links."""
    clusters, label = {}, {}
    for city, names in city_names.items():
        for name in names:
            cid = len(clusters)
            clusters[cid] = [(city, nn(name))]
            label[cid] = name
    return {frozenset((label[a], label[b])) for a, b, _ in dual_name_pairs(clusters)}


def test_forms():
    assert dual_form(nn("苏州大学附属儿童医院")).kind == "university"
    assert dual_form(nn("苏州市儿童医院")).kind == "government"
    assert dual_form(nn("江苏省口腔医院")).owner == "江苏"
    assert dual_form(nn("上海市浦东新区肺科医院")) is None  # a district's hospital is another owner
    assert dual_form(nn("四川大学华西口腔医院")) is None  # a proper name (华西), not the bare core
    assert dual_form(nn("苏州大学附属第一医院")) is None  # numbered: no specialty core
    assert dual_form(nn("南京市人民医院")) is None  # a general core pairs with nothing
    assert dual_form(nn("首都医科大学附属北京口腔医院")) is None  # already names its place and university
    assert dual_form(nn("上海市儿童医院（普陀新院）")).campus == "普陀"  # a campus pairs with the same campus


@pytest.mark.parametrize(
    ("city", "names"),
    [
        ("320500", ["苏州大学附属儿童医院", "苏州市儿童医院"]),  # the example
        ("320100", ["南京医科大学附属儿童医院", "南京市儿童医院"]),
        ("310100", ["同济大学附属肺科医院", "上海市肺科医院", "上海市浦东新区肺科医院"]),
        ("500100", ["重庆大学附属肿瘤医院", "重庆市肿瘤医院"]),
        ("330100", ["中国科学院大学附属肿瘤医院", "浙江省肿瘤医院"]),  # a university named after no place
        ("330100", ["浙江大学医学院附属儿童医院", "浙江省儿童医院"]),
        ("320100", ["南京医科大学附属儿童医院河西院区", "南京市儿童医院河西院区"]),  # fever-clinic list row 1302
    ],
)
def test_dual_names_link(city, names):
    assert frozenset(names[:2]) in pairs({city: names})


@pytest.mark.parametrize(
    ("city", "names"),
    [
        # Two universities' 儿童医院 in one city: which one is the city's is not grammar.
        ("320100", ["南京医科大学附属儿童医院", "东南大学附属儿童医院", "南京市儿童医院"]),
        # Two government hospitals of the core: 南京市口腔医院 and 江苏省口腔医院.
        ("320100", ["南京医科大学附属口腔医院", "南京市口腔医院", "江苏省口腔医院"]),
        # The university is not named after the government's place: 辽宁省口腔医院 ≠ 沈阳市口腔医院.
        ("210100", ["中国医科大学附属口腔医院", "沈阳市口腔医院"]),
        ("330100", ["浙江大学医学院附属儿童医院", "杭州市儿童医院"]),
        ("320100", ["南京医科大学附属口腔医院", "江苏省口腔医院"]),  # true, but only knowledge can say so
        # Different cores never pair; numbered university hospitals are no specialty core.
        ("320500", ["苏州大学附属儿童医院", "苏州市妇幼保健院"]),
        ("330300", ["温州医科大学附属第二医院", "温州市儿童医院"]),
        # A campus never pairs with a main site or another campus.
        ("320100", ["南京医科大学附属儿童医院河西院区", "南京市儿童医院"]),
        ("320100", ["南京医科大学附属儿童医院河西院区", "南京市儿童医院广州路院区"]),
    ],
)
def test_dual_name_hard_negatives(city, names):
    assert not pairs({city: names})


def test_other_cities_do_not_count():
    assert not pairs({"320500": ["苏州大学附属儿童医院"], "320100": ["苏州市儿童医院"]})


def test_dual_names_file_has_evidence():
    links = load_links("dual")
    assert any({"温州医科大学附属第二医院", "育英儿童医院"} == {x.name_a, x.name_b} for x in links)
    assert all(len(x.evidence) > 40 for x in links)



def _ids(db, *names: str) -> set[str]:
    marks = ",".join("?" * len(names))
    return {r[0] for r in db.execute(f"SELECT DISTINCT hospital_id FROM listings WHERE raw_name IN ({marks})", names)}


def test_dual_names_on_the_registry(db):
    assert len(_ids(db, "南京市儿童医院", "南京医科大学附属儿童医院")) == 1
    assert len(_ids(db, "上海市肺科医院", "同济大学附属肺科医院")) == 1
    assert len(_ids(db, "上海市精神卫生中心", "上海交通大学附属精神卫生中心")) == 1
    assert len(_ids(db, "江苏省口腔医院", "南京医科大学附属口腔医院")) == 1  # dual_names.tsv
    # Hard negatives in the real lists.
    assert len(_ids(db, "沈阳市口腔医院", "中国医科大学附属口腔医院")) == 2
    assert len(_ids(db, "南京市口腔医院", "南京医科大学附属口腔医院")) == 2
    assert len(_ids(db, "上海市浦东新区肺科医院", "上海市肺科医院")) == 2
    assert len(_ids(db, "中山大学附属肿瘤医院", "广东省肿瘤医院")) == 2  # two universities in 广州
    assert len(_ids(db, "北京大学口腔医院", "首都医科大学附属北京口腔医院")) == 2
    # dual_names.tsv rows, each with a public source, and hard negatives next to them
    assert len(_ids(db, "暨南大学附属第一医院", "广州华侨医院")) == 1
    assert len(_ids(db, "中山大学孙逸仙纪念医院", "中山大学附属第二医院")) == 1
    assert len(_ids(db, "中山大学附属第一医院", "中山大学孙逸仙纪念医院")) == 2  # 附属第一 vs 第二
    assert len(_ids(db, "湖北省中西医结合医院", "湖北省新华医院")) == 1
    assert len(_ids(db, "湖北省中西医结合医院", "湖北省中医院")) == 2
    method = db.execute("SELECT count(*) FROM listings WHERE match_method = 'dual_name'").fetchone()[0]
    assert method >= 4


def test_campus_under_the_other_plate(db):
    """上海市第一妇婴保健院's 南院/西院/浦东分院 are campuses of the site 001/002 list under its university plate
    (同济大学附属第一妇婴保健院, dual_names.tsv); the campus finds its main site through that link."""
    main = db.execute("SELECT id FROM hospitals WHERE name LIKE '同济大学附属第一妇婴保健%' AND campus IS NULL").fetchall()
    assert len(main) == 1
    rows = db.execute("SELECT name, parent_id FROM hospitals WHERE name LIKE '上海市第一妇婴保健院%'").fetchall()
    assert rows and all(parent == main[0][0] for _, parent in rows)
    # Hard negatives: a district's 妇婴保健院 and the other university's 妇产科医院 (复旦, while 同济's plate has
    # read 同济大学附属妇产科医院 since 2023) stay apart, and so do their campuses.
    for like in ("上海市普陀区妇婴保健院", "复旦大学附属妇产科医院%"):
        others = db.execute("SELECT id, parent_id FROM hospitals WHERE name LIKE ?", (like,)).fetchall()
        assert others and all(main[0][0] not in (i, p) for i, p in others)


def test_a_main_site_printed_under_its_campus_name(db):
    """must_link.tsv: a list that names the main site by its campus (积水潭医院新街口院区, 协和医院东单院区 — one
    published address) joins the hospital; the cluster stays the main site, named as the hospital, and the
    other campuses keep it as their parent."""
    main = _ids(db, "北京积水潭医院新街口院区", "北京市积水潭医院")
    assert len(main) == 1
    (hid,) = main
    name, campus, parent = db.execute("SELECT name, campus, parent_id FROM hospitals WHERE id = ?", (hid,)).fetchone()
    assert "院区" not in name and campus is None and parent is None
    # hard negatives: the other campuses are sites of their own, children of the main site
    for other in ("北京积水潭医院回龙观院区", "北京积水潭医院新龙泽院区"):
        (oid,) = _ids(db, other)
        assert oid != hid
        assert db.execute("SELECT parent_id FROM hospitals WHERE id = ?", (oid,)).fetchone()[0] == hid
    assert len(_ids(db, "北京协和医院", "中国医学科学院北京协和医院东单院区")) == 1
    assert len(_ids(db, "北京协和医院", "中国医学科学院北京协和医院西单院区")) == 2
    assert len(_ids(db, "首都医科大学附属北京同仁医院", "首都医科大学附属北京同仁医院西区")) == 2
    assert len(_ids(db, "首都医科大学附属北京同仁医院南区", "北京同仁医院南苑(亦庄院区)")) == 1
    assert len(_ids(db, "首都医科大学附属北京同仁医院", "首都医科大学附属北京同仁医院南区")) == 2
