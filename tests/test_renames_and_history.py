"""Renames, the GB/T 2260 code history and current names: on the knowledge files and the real registry."""
from __future__ import annotations

import pytest

from directory.knowledge import load_renames
from directory.match_rules import compatible, name_score
from directory.names import current_name
from directory.names import normalize_name as nn
from directory.resolve import FUZZY_THRESHOLD
from geodata import make_division_changes
from geodata.history import CHANGES_FILE, current_division, load_division_changes, old_division_names
from geodata.places import place_from_name, resolve_place


def test_division_changes_file_is_what_the_generator_derives(tmp_path, monkeypatch):
    out = tmp_path / "division_changes.tsv"
    monkeypatch.setattr(make_division_changes, "OUT", out)
    make_division_changes.main()
    assert out.read_text(encoding="utf-8") == CHANGES_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "new_code"),
    [
        ("海安县", "海安市", "320685"),  # 撤县设市 2018
        ("奉贤县", "奉贤区", "310120"),  # 撤县设区 2001
        ("崇明县", "崇明区", "310151"),
        ("蓟县", "蓟州区", "120119"),  # stem changed: matched as the one unit out and in
        ("莱芜市", "莱芜区", "370116"),  # a prefecture abolished into a district (2019)
        ("思茅市", "普洱市", "530800"),  # same code, new name
        ("思茅地区", "普洱市", "530800"),  # chained: 地区 → 思茅市 → 普洱市
    ],
)
def test_known_changes_are_derived(old, new, new_code):
    ch = current_division(old)
    assert ch is not None and (ch.new_name, ch.new_code) == (new, new_code)
    assert "GB/T 2260" in ch.evidence and ch.vintage_from < ch.vintage_to


def test_history_keeps_only_single_successors():
    changes = load_division_changes()
    assert len(changes) > 250
    # No generic names (城区, 郊区) and no name that is still somebody's official name.
    assert not {"城区", "郊区", "朝阳县"} & old_division_names()
    assert current_division("朝阳区") is None  # a current name is not an old one


def test_old_names_place_hospitals():
    m = place_from_name("海安县人民医院")
    assert m.district_adcode == "320685" and "former name" in m.reason
    assert resolve_place("天津", "蓟县").district_adcode == "120119"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("海安县中医院", "海安市中医院"),
        ("上海市奉贤县中心医院", "上海市奉贤区中心医院"),
        ("天津市蓟县人民医院", "蓟州区人民医院"),
        ("海军总医院", "解放军总医院第六医学中心"),
        ("中国人民解放军成都军区总医院", "西部战区总医院"),
        ("南京总医院", "东部战区总医院"),
        ("中国人民解放军第 401 医院", "中国人民解放军海军第九七一医院"),
        ("解放军 94 医院", "中国联勤保障部队908医院"),
        ("中国人民解放军第 264 医院", "中国人民解放军联勤保障中心第九八五医院"),
        ("卫生部北京医院", "北京医院"),
        ("蚌埠医学院第一附属医院", "蚌埠医科大学第一附属医院"),
        ("第四军医大学西京医院", "空军军医大学西京医院"),
        # knowledge: universities merged or renamed, each with its own numbering kept or changed
        ("华西医科大学附属第一医院", "四川大学华西医院"),
        ("湖南医科大学附属第二医院", "中南大学湘雅二医院"),
        ("上海医科大学附属中山医院", "复旦大学附属中山医院"),
        ("北京医科大学第三医院", "北京大学第三医院"),
        ("河南中医学院第一附属医院", "河南中医药大学第一附属医院"),
        ("江西医学院第一附属医院", "南昌大学第一附属医院"),
        # knowledge: the 2018 PLA reform, numbered hospitals and campuses (医疗区) of a 战区总医院
        ("中国人民解放军第八二医院", "东部战区总医院淮安医疗区"),
        ("解放军第210医院", "中国人民解放军联勤保障部队第九六七医院"),
        ("中国人民解放军第一五三中心医院", "联勤保障部队第988医院"),
        ("南京军区福州总医院", "联勤保障部队第九〇〇医院"),
        ("第二炮兵总医院", "火箭军特色医学中心"),
        ("武警后勤学院附属医院", "中国人民武装警察部队特色医学中心"),
        ("煤炭总医院", "应急总医院"),
        ("中国人民解放军第四五五医院(上海 455 医院)", "中国人民解放军海军特色医学中心"),
    ],
)
def test_renamed_names_are_one_identity(a, b):
    na, nb = nn(a), nn(b)
    assert (na.core, na.numbers) == (nb.core, nb.numbers), (na, nb)
    assert compatible(na, nb)[0]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("中国人民解放军第 302 医院", "中国人民解放军第 307 医院"),  # both in 第五医学中心 today, two sites
        ("海军总医院", "解放军总医院第七医学中心"),  # 6th vs 7th medical centre
        ("中国人民解放军总医院", "中国人民解放军总医院第一附属医院"),  # 301 vs 304
        ("沈阳军区总医院附属北方医院", "北部战区总医院"),  # a hospital named after another is not renamed
        ("东部战区总医院", "东部战区空军医院"),
        ("海军第971医院", "海军第905医院"),
        ("中国人民解放军第 455 医院", "海军第905医院"),  # 455 became 海军特色医学中心, not 905
        ("海军特色医学中心", "空军特色医学中心"),
        ("空军军医大学西京医院", "空军军医大学唐都医院"),
        ("华西医科大学附属第一医院", "四川大学华西第二医院"),  # the university's first vs second hospital
        ("湖南医科大学附属第二医院", "中南大学湘雅医院"),
        ("中国人民解放军第八二医院", "东部战区总医院镇江医疗区"),  # two 医疗区 of one 战区总医院
        ("中国人民解放军第八二医院", "东部战区总医院"),  # a 医疗区 is not the main site
        ("山西省煤炭总医院", "应急总医院"),  # a hospital's rename is not a word inside another name
        ("解放军第210医院", "联勤保障部队第962医院"),
    ],
)
def test_renames_keep_look_alikes_apart(a, b):
    na, nb = nn(a), nn(b)
    assert not compatible(na, nb)[0] or name_score(na, nb) < FUZZY_THRESHOLD


def test_a_rename_is_not_applied_twice_or_inside_another_name():
    from directory.names import apply_renames

    # 南昌大学江西医学院 already carries the new owner: 江西医学院 → 南昌大学 must not repeat it
    assert "南昌大学南昌大学" not in apply_renames("南昌大学江西医学院第一附属医院")
    assert current_name("南昌大学江西医学院第一附属医院")[0] == "南昌大学江西医学院第一附属医院"
    assert current_name("江西医学院第一附属医院")[0] == "南昌大学第一附属医院"
    # a hospital's own rename names that hospital only (山西省煤炭总医院 is not 煤炭总医院)
    assert apply_renames("山西省煤炭总医院") == "山西省煤炭总医院"
    assert current_name("煤炭总医院")[0] == "应急总医院"


def test_current_name_rules():
    assert current_name("第四军医大学西京医院")[0] == "空军军医大学西京医院"
    assert current_name("沈阳军区总医院附属北方医院")[0] == "沈阳军区总医院附属北方医院"
    assert current_name("上海市奉贤县中心医院")[0] == "上海市奉贤区中心医院"
    assert current_name("卫生部北京医院")[0] == "北京医院"
    name, why = current_name("中国人民解放军海军总医院")
    assert name == "中国人民解放军总医院第六医学中心" and "renames.tsv" in why[0]
    assert current_name("空军军医大学西京医院") == ("空军军医大学西京医院", ())


def test_renames_have_evidence_and_years():
    for r in load_renames():
        assert r.evidence and r.year.isdigit(), r



def test_no_hospital_is_shown_under_an_old_name(db):
    """Over the whole registry: no name a rename or a division change makes stale."""
    owners = [r.old_name for r in load_renames() if not r.old_name.endswith(("医院", "中心"))]
    olds = old_division_names()
    checked = 0
    for name, source in db.execute("SELECT name, name_source FROM hospitals WHERE country = '中国'"):
        assert current_name(name)[1] == (), (name, current_name(name))
        assert not any(o in name for o in owners), name
        assert not any(name.startswith(o) or f"市{o}" in name or f"省{o}" in name for o in olds), name
        assert source
        checked += 1
    assert checked > 1000


def test_current_names_on_the_registry(db):
    def name_of(doc: str, line: int) -> tuple[str, str]:
        return db.execute("SELECT h.name, h.name_source FROM listings l JOIN hospitals h ON h.id = l.hospital_id "
                          "WHERE l.source_file LIKE ? AND l.line = ?", (f"{doc}_%", line)).fetchone()

    assert name_of("002", 746)[0] == "空军军医大学西京医院"  # printed by 004:397, chosen over the old 002:746
    assert name_of("002", 746)[1].startswith("名单所印 004")
    assert name_of("000", 353)[0] == "西部战区总医院"  # derived: no manual prints the current name
    assert "renames.tsv" in name_of("000", 353)[1]
    assert name_of("002", 152)[0] == name_of("002", 2637)[0]  # 海军总医院 = 解放军总医院第六医学中心
    assert name_of("002", 111)[0] != name_of("002", 113)[0]  # 302 vs 307
    old = db.execute("SELECT a.source FROM aliases a JOIN listings l ON l.hospital_id = a.hospital_id "
                     "WHERE l.source_file LIKE '000_%' AND l.line = 353 AND a.alias = '中国人民解放军成都军区总医院'")
    assert old.fetchone() is not None  # the old name stays an alias with its source


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("海南省医学院第一附属医院", "海南医学院第一附属医院"),  # fever-clinic list row 3054 vs the manuals
        ("哈尔滨市医科大学附属第一医院", "哈尔滨医科大学附属第一医院"),  # row 788
        ("黑龙江省中医药大学附属第二医院", "黑龙江中医药大学附属第二医院"),
        ("温州医大附一院", "温州医科大学附属第一医院"),  # X医大 = X医科大学, 附一院 = 附属第一医院
        ("广州医科大学附属二院", "广州医科大学第二附属医院"),
        ("962医院", "联勤保障部队第962医院"),  # fever-clinic list row 794
    ],
)
def test_list_spellings_of_universities_and_numbers(a, b):
    na, nb = nn(a), nn(b)
    assert (na.core, na.numbers) == (nb.core, nb.numbers)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("海南省医学院第一附属医院", "海南医学院第二附属医院"),
        ("吉林省吉林大学第一医院", "吉林大学第二医院"),
        ("温州医大附一院", "温州医科大学附属第二医院"),
        ("河南大学附属人民医院", "开封市人民医院"),  # a university's un-numbered 人民医院 is not the city's
    ],
)
def test_list_spellings_keep_look_alikes_apart(a, b):
    na, nb = nn(a), nn(b)
    assert not compatible(na, nb)[0] or name_score(na, nb) < FUZZY_THRESHOLD


def test_a_merged_hospital_becomes_a_campus():
    """广州市妇婴医院 is the 妇婴院区 of 广州市妇女儿童医疗中心 since 2006 (renames.tsv): a campus, not the centre."""
    a, b = nn("广州市妇婴医院"), nn("广州市妇女儿童医疗中心妇婴院区")
    assert (a.core, a.numbers, a.campus) == (b.core, b.numbers, b.campus)
    assert compatible(a, b)[0]
    c = nn("广州市妇女儿童医疗中心")
    assert not compatible(a, c)[0]  # the centre's main site is another site
