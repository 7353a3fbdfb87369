"""Entity resolution on the real registry: merge every alias, never merge look-alikes."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from directory.evaluate import evaluate
from directory.knowledge import load_links

ROOT = Path(__file__).resolve().parent.parent



def hospital_of(db, doc: str, line: int) -> str:
    return db.execute("SELECT hospital_id FROM listings WHERE source_file LIKE ? AND line = ?",
                      (f"{doc}_%", line)).fetchone()[0]


def test_labelled_pairs_precision_and_recall(registry):
    s = evaluate(registry)
    assert s.pairs >= 300 and s.positives / s.pairs >= 0.40
    assert s.precision >= 0.99, s.errors
    assert s.recall >= 0.95, s.errors


def test_known_duplicates_collapse(db):
    ruijin = {hospital_of(db, "000", 328), hospital_of(db, "002", 2723), hospital_of(db, "002", 3163),
              hospital_of(db, "003", 421), hospital_of(db, "004", 398)}
    assert len(ruijin) == 1  # 上海交通大学附属瑞金医院 / …医学院附属… / 瑞金医院
    pla301 = {hospital_of(db, "000", 313), hospital_of(db, "002", 147), hospital_of(db, "003", 428)}
    assert len(pla301) == 1  # 中国人民解放军总医院 / …(301 医院) / …（301 医院）
    # A renamed institution: 广州医学院第一附属医院 (001:358) = 广州医科大学第一附属医院 (001:720).
    assert hospital_of(db, "001", 358) == hospital_of(db, "001", 720)
    # Same site under a department suffix: 兰州大学第二医院血液一区 (004:384).
    assert db.execute("SELECT count(DISTINCT hospital_id) FROM listings WHERE raw_name IN "
                      "('兰州大学第二医院', '兰州大学第二医院血液一区')").fetchone()[0] == 1


def test_look_alikes_stay_apart(db):
    assert hospital_of(db, "000", 309) != hospital_of(db, "001", 420)  # 北京大学第一医院 vs 第三医院
    assert hospital_of(db, "001", 814) != hospital_of(db, "001", 818)  # 四川省人民医院 vs 四川省第四人民医院
    assert hospital_of(db, "002", 111) != hospital_of(db, "002", 113)  # 第 302 医院 vs 第 307 医院
    assert hospital_of(db, "000", 355) != hospital_of(db, "000", 361)  # 成都市第二 vs 第六人民医院


def test_no_cluster_holds_a_cannot_link_pair(db):
    checked = 0
    for link in load_links("cannot"):
        a = {r[0] for r in db.execute("SELECT hospital_id FROM listings WHERE raw_name = ?", (link.name_a,))}
        b = {r[0] for r in db.execute("SELECT hospital_id FROM listings WHERE raw_name = ?", (link.name_b,))}
        assert not (a & b), link
        checked += bool(a and b)
    assert checked >= 3


def test_must_links_hold(db):
    for link in load_links("must"):
        ids = {r[0] for r in db.execute("SELECT hospital_id FROM listings WHERE raw_name IN (?, ?)",
                                        (link.name_a, link.name_b))}
        assert len(ids) <= 1, link


def test_the_three_zhongan_lists_land_on_the_same_hospitals(db):
    sets = [{r[0] for r in db.execute("SELECT hospital_id FROM listings WHERE table_id = ?", (t,))}
            for t in ("002-green-channel-hospitals", "002-second-opinion-hospitals", "002-registration-hospitals")]
    assert sets[0] == sets[1] == sets[2]


def test_team_list_names_21_hospitals(db):
    n = db.execute("SELECT count(DISTINCT hospital_id) FROM listings WHERE table_id = '002-critical-mdt-teams'")
    assert n.fetchone()[0] == 21


def test_campuses_are_sites_of_their_parent(db):
    miyun, parent = db.execute(
        "SELECT h.name, p.name FROM hospitals h JOIN hospitals p ON p.id = h.parent_id WHERE h.id = ?",
        (hospital_of(db, "001", 394),)).fetchone()
    assert (miyun, parent) == ("北京大学第一医院密云院区", "北京大学第一医院")
    # 002's 重疾绿通 names the main hospital; the campus is not made eligible by it.
    assert db.execute("SELECT count(*) FROM eligibility WHERE service_id = '002-green-channel' AND hospital_id = ?",
                      (hospital_of(db, "001", 394),)).fetchone()[0] == 0
    # （本部） is the main site: 华中科技大学同济医学院附属同济医院（本部） is not a campus.
    assert db.execute("SELECT campus FROM hospitals WHERE id = ?", (hospital_of(db, "004", 380),)).fetchone()[0] is None


def test_every_raw_name_is_kept_as_an_alias(db):
    missing = db.execute("SELECT count(*) FROM listings l WHERE NOT EXISTS (SELECT 1 FROM aliases a "
                         "WHERE a.hospital_id = l.hospital_id AND a.alias = l.raw_name)").fetchone()[0]
    assert missing == 0


def test_every_listing_has_a_match_decision(db):
    rows = db.execute("SELECT count(*) FROM listings WHERE hospital_id IS NULL OR match_method IS NULL "
                      "OR match_score IS NULL").fetchone()[0]
    assert rows == 0
    methods = {r[0] for r in db.execute("SELECT DISTINCT match_method FROM listings")}
    assert {"exact", "alias"} <= methods


def test_review_queue_has_scores_and_reasons(db):
    rows = db.execute("SELECT score, reason, hospital_a, hospital_b FROM review_queue").fetchall()
    assert rows and all(s >= 80 and r and a != b for s, r, a, b in rows)


def test_ids_are_stable_when_an_unrelated_list_is_added(registry, tmp_path):
    src = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", src, ignore=shutil.ignore_patterns("imported"))
    csv = tmp_path / "西藏名单.csv"
    csv.write_text("医院名称,省份,城市\n那曲市人民医院,西藏,那曲\n林芝市人民医院,西藏,林芝\n", encoding="utf-8")  # in no manual
    env = {**os.environ, "HOSPNET_SOURCES": str(src)}
    run = [sys.executable, "-m", "directory.cli"]
    assert subprocess.run(run + ["import", str(csv), "--insurer", "测试保险", "--service", "重疾绿通"],
                          env=env, cwd=ROOT, capture_output=True, timeout=120).returncode == 0
    out = tmp_path / "r.db"
    assert subprocess.run(run + ["build", "--out", str(out)], env=env, cwd=ROOT, capture_output=True,
                          timeout=120).returncode == 0
    query = "SELECT source_file, line, hospital_id FROM listings WHERE source_file NOT LIKE 'imp%' ORDER BY 1, 2"
    with sqlite3.connect(registry) as a, sqlite3.connect(out) as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        assert b.execute("SELECT count(*) FROM hospitals").fetchone()[0] == \
            a.execute("SELECT count(*) FROM hospitals").fetchone()[0] + 2


def test_resolve_command(registry):
    done = subprocess.run([sys.executable, "-m", "directory.cli", "resolve", "北医三院", "--db", str(registry)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("北京大学第三医院")
    done = subprocess.run([sys.executable, "-m", "directory.cli", "resolve", "协和医院", "--db", str(registry)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    # three hospitals print 协和医院: without a city the answer is ambiguous, with all three
    assert done.stdout.startswith("有歧义") and "北京协和医院" in done.stdout and "福建医科大学附属协和医院" in done.stdout
    done = subprocess.run([sys.executable, "-m", "directory.cli", "resolve", "协和医院", "--city", "武汉",
                           "--db", str(registry)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stdout.startswith("华中科技大学同济医学院附属协和医院")
    done = subprocess.run([sys.executable, "-m", "directory.cli", "resolve", "x", "--city", "不存在市",
                           "--db", str(registry)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode != 0 and "--city" in done.stderr


def test_campuses_hang_under_the_hospital_their_name_states(db):
    """A campus's parent shares its core and, for a generic core (中医医院), the place written in the name."""
    parent = dict(db.execute("SELECT h.name, p.name FROM hospitals h JOIN hospitals p ON p.id = h.parent_id"))
    assert parent["北京中医医院顺义医院"] == "首都医科大学附属北京中医医院"  # not 北京市昌平区中医医院
    assert parent["广东省中医院芳村医院"] == "广东省中医院"  # not 广州市番禺区中医院
    assert parent["江苏省口腔医院第一门诊部"] == "南京医科大学附属口腔医院"  # its dual name, not 南京市口腔医院
    assert parent["上海市肺科医院延庆路门诊部"] == "同济大学附属肺科医院"  # not 浦东新区肺科医院
