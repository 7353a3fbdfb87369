"""Teams and specialties (seed 002's 21家医院及团队擅长清单), row notes and the restrictions they state,
services printed twice, and places abroad — on the real registry."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from directory.row_notes import excluded_services, notes_in
from directory.teams import expand, match_specialties, team_specialties
from geodata.abroad import load_places, lookup, place_in_text

ROOT = Path(__file__).resolve().parent.parent
F001, F002 = "001_d348e788b07f099c.txt", "002_e8b033acd9a55b94.txt"



# ---- teams -------------------------------------------------------------------------------------------

def test_team_text_to_specialties():
    assert team_specialties("肺癌 胸腺癌 胸膜肿瘤") == ["肺癌", "胸腺癌", "胸膜肿瘤"]
    assert team_specialties("中枢神经肿瘤（胶质瘤）多学科门诊") == ["中枢神经肿瘤", "胶质瘤"]
    assert team_specialties("多学科联合前列腺癌/肾癌") == ["前列腺癌", "肾癌"]
    assert team_specialties("胃肠肿瘤多学科门诊") == ["胃肠肿瘤"]
    assert team_specialties("乳房重建多学科（新成立）") == ["乳房重建"]


def test_specialty_synonyms_and_broader_terms():
    stomach = expand("胃癌")
    assert stomach["胃癌"] == "exact" and stomach["消化道肿瘤"] == "broader" and stomach["胃肠肿瘤"] == "broader"
    assert match_specialties(["消化系统肿瘤"], stomach) == ("broader", "消化系统肿瘤")  # a synonym of 消化道肿瘤
    assert match_specialties(["胃癌"], stomach) == ("exact", "胃癌")
    assert match_specialties(["肺癌"], stomach) is None
    assert match_specialties(["肿瘤"], stomach) is None  # a generic tumour team is not read as every cancer
    lung = expand("肺部肿瘤")
    assert lung["肺癌"] == "exact"  # 肺癌 = 肺部肿瘤
    assert match_specialties(["肺癌肺结核"], lung) == ("exact", "肺癌肺结核")
    assert match_specialties(["胃癌"], expand("消化道肿瘤")) == ("narrower", "胃癌")
    assert match_specialties(["甲状腺"], expand("甲状腺癌")) == ("broader", "甲状腺")


def test_teams_table(db):
    hospitals = db.execute("select count(distinct hospital_id) from teams").fetchone()[0]
    assert hospitals == 21  # 21家医院及团队擅长清单
    ruijin = [dict(r) for r in db.execute(
        "select t.* from teams t join hospitals h on h.id = t.hospital_id where h.name like '%瑞金医院'")]
    rows = db.execute("select count(*) from listings where table_id = '002-critical-mdt-teams' and hospital_id = ?",
                      (ruijin[0]["hospital_id"],)).fetchone()[0]
    assert rows == 45 and len(ruijin) == 44  # 妇科肿瘤多学科门诊 is printed twice: one team, two lines
    gyn = [t for t in ruijin if t["team"] == "妇科肿瘤多学科门诊"]
    assert len(gyn) == 1 and json.loads(gyn[0]["lines"]) == [2729, 2755]
    # a team printed under the name column (shifted row) is still a team of the hospital above it
    huaxi = {t["team"] for t in db.execute(
        "select t.team from teams t join hospitals h on h.id = t.hospital_id where h.name = '四川大学华西医院'")}
    assert {"多学科联合癫痫", "多学科联合胃癌", "脑起搏器程控多学科联合门诊"} <= huaxi
    for t in db.execute("select * from teams"):
        assert t["source_file"] == F002 and 2633 <= t["line"] <= 2792


# ---- row notes ---------------------------------------------------------------------------------------

def test_row_note_phrases():
    [note] = notes_in("\t\t复旦大学附属质子重离子医院 (仅适用于特需或专家门诊预约服务)")
    assert note.effect == "only" and note.text == "仅适用于特需或专家门诊预约服务"
    services = [{"id": "a", "name": "专家或特需门诊陪诊预约", "aliases": ["专家门诊", "特需门诊"]},
                {"id": "b", "name": "住院协调", "aliases": ["住院安排"]}, {"id": "c", "name": "手术协调", "aliases": []}]
    assert excluded_services(note, services)[0] == {"b", "c"}
    [info] = notes_in("某医院（以实际预约页面为准）")
    assert info.effect == "info" and excluded_services(info, services)[0] == set()
    [exc] = notes_in("某医院（不适用于手术协调）")
    assert excluded_services(exc, services)[0] == {"c"}
    assert notes_in("北京大学第三医院(北医三院)") == [] and notes_in("King's (London, England)") == []


def test_every_row_note_is_kept(db):
    # every list row printing a bracketed note phrase keeps it in listings.row_note
    rows = db.execute("select raw_text, raw_name, row_note from listings").fetchall()
    noted = [r for r in rows if notes_in(r["raw_text"] or r["raw_name"])]
    assert noted and all(r["row_note"] for r in noted)
    r = db.execute("select row_note from listings where source_file = ? and line = 616", (F001,)).fetchone()
    assert r["row_note"] == "仅适用于特需或专家门诊预约服务"


def test_restriction_rows(db):
    rows = [dict(r) for r in db.execute("select * from row_restrictions")]
    assert {r["service_id"] for r in rows} == {"001-inpatient-coordination", "001-surgery-coordination"}
    assert all(r["line"] == 616 and r["source_file"] == F001 and "仅适用于" in r["say"]
               and "（《都汇康健增值服务手册》第 616 行）" in r["say"] for r in rows)


def test_service_printed_twice_is_one(db):
    merges = [dict(r) for r in db.execute("select * from service_merges")]
    assert [(m["service_id"], m["merged_into"]) for m in merges] == [("002-critical-care-aide-2", "002-critical-care-aide")]
    aliases = json.loads(db.execute("select aliases from services where id = '002-critical-care-aide'").fetchone()[0])
    assert "重疾住院护工服务" in aliases
    tables = {r[0] for r in db.execute("select table_id from table_services where service_id = '002-critical-care-aide'")}
    assert tables == {"002-critical-care-aide-cities", "002-critical-care-aide-2-cities"}


# ---- places abroad -----------------------------------------------------------------------------------

def test_gazetteer_names():
    london = lookup("伦敦")[0]
    assert london.name_en == "London" and london.country == "GB" and lookup("London")[0] is london
    assert lookup("英国伦敦")[0] is london and lookup("洛杉矶")[0].name_en == "Los Angeles"
    assert lookup("首尔")[0].country == "KR" and lookup("Seoul")[0].name == "首尔"
    assert lookup("休斯敦")[0] is lookup("休斯顿")[0]
    assert place_in_text("坦帕 (佛罗里达州) 综合医院", "US").name_en == "Tampa"
    for p in load_places().values():
        assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180 and p.coord_source and p.evidence


def _centres() -> dict[str, dict]:
    with (ROOT / "tests" / "data" / "overseas_place_centres.tsv").open(encoding="utf-8") as f:
        return {r["place"]: r for r in csv.DictReader(f, delimiter="\t")}


def _km(a, b, c, d):
    p1, p2 = math.radians(a), math.radians(c)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_every_printed_place_abroad_is_placed_and_points_are_real(db):
    centres = _centres()  # typed independently (tests/data/README.md), with a radius per place
    rows = db.execute("select l.raw_place, h.* from listings l join hospitals h on h.id = l.hospital_id "
                      "where l.raw_place is not null and l.raw_place != ''").fetchall()
    assert len(rows) >= 150
    checked = 0
    for r in rows:
        assert r["province_adcode"] and r["lat"] is not None, (r["name"], r["raw_place"])
        c = centres.get(r["raw_place"])
        if c is None:
            continue  # the centres file covers the places of linked hospitals only
        checked += 1
        assert _km(r["lat"], r["lon"], float(c["lat"]), float(c["lon"])) <= float(c["radius_km"]), (r["name"], r["raw_place"])
    assert checked >= 120
    # distances between foreign hospitals are real: reviewed Wikidata points where linked
    exact = db.execute("select count(*) from hospitals where country != '中国' and geo_precision = 'exact'").fetchone()[0]
    assert exact >= 80


def test_non_mainland_hospitals(db):
    tw = db.execute("select * from hospitals where name = '台湾童综合医院'").fetchone()
    assert tw["city"] == "台中市" and tw["city_adcode"] == "710400" and "wikidata" in tw["place_source"].lower()
    kch = db.execute("select * from hospitals where name like 'King%s College Hospital%'").fetchone()
    assert kch["city"] == "伦敦" and kch["city_adcode"] == "GB-2643743"
    tokyo = {r[0] for r in db.execute("select name from hospitals where city = '东京'")}
    assert {"东京大学医学部附属医院", "圣路加国际医院"} <= tokyo  # by name; by Wikidata point (inferred)
    english = db.execute("select count(*) from aliases a join hospitals h on h.id = a.hospital_id "
                         "where h.country != '中国' and a.source like 'Wikidata%'").fetchone()[0]
    assert english >= 40
    assert db.execute("select count(*) from overseas_places").fetchone()[0] == len(load_places())


def test_restrictions_generalize_to_a_new_list():
    """A list never seen before: a notes column (imported) or a bracket, on rows of a table serving two services."""
    from directory.row_notes import restrictions

    services = {"t1": [{"id": "x-outpatient", "name": "门诊预约", "aliases": ["门诊"]},
                       {"id": "x-surgery", "name": "手术安排", "aliases": ["手术"]}]}
    rows = [
        {"id": 1, "table_id": "t1", "hospital_id": "hA", "source_file": "new.csv", "line": 2, "raw_name": "甲医院",
         "raw_text": "甲医院", "raw_notes": "仅限门诊使用"},
        {"id": 2, "table_id": "t1", "hospital_id": "hB", "source_file": "new.csv", "line": 3, "raw_name": "乙医院",
         "raw_text": "乙医院（不适用于手术安排）"},
        {"id": 3, "table_id": "t1", "hospital_id": "hC", "source_file": "new.csv", "line": 4, "raw_name": "丙医院",
         "raw_text": "丙医院（不适用于手术安排）"},
        {"id": 4, "table_id": "t1", "hospital_id": "hC", "source_file": "new.csv", "line": 9, "raw_name": "丙医院",
         "raw_text": "丙医院"},  # printed again without the note: the restriction does not hold
    ]
    got = {(r["service_id"], r["hospital_id"]): r for r in restrictions(rows, services, {"new.csv": "乙公司名单"})}
    assert set(got) == {("x-surgery", "hA"), ("x-surgery", "hB")}
    assert "（《乙公司名单》第 3 行）" in got[("x-surgery", "hB")]["say"]  # the note's line, by the list's title


def test_bilingual_names_split_only_into_two_names():
    from directory.abroad_hospitals import bilingual_parts

    assert bilingual_parts("Massachusetts General Hospital 麻省总医院") == ("Massachusetts General Hospital", "麻省总医院")
    assert bilingual_parts("King' s College Hospital (London, England) 英国皇家学院医院 (伦敦, 英国)")[1] == "英国皇家学院医院"
    assert bilingual_parts("UCSD 医疗中心") is None  # one name in two scripts, not two names
    assert bilingual_parts("UPMC 匹兹堡儿童医院") is None and bilingual_parts("东京大学医学部附属医院") is None
