"""The service catalog (sources/catalog.toml → service_conditions): every service of the five manuals has
an entry; for each manual, the conditions of at least three services are checked against the manual
lines they cite, read here independently; a catalog that cites a line wrongly is refused with file:line."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from directory.manifest import load_manifest
from directory.manual_titles import load_titles
from directory.service_catalog import CatalogError, how_to_use, load_catalog

ROOT = Path(__file__).resolve().parent.parent
FILES = {"000": "000_6009e8a10b4647f4.txt", "001": "001_d348e788b07f099c.txt", "002": "002_e8b033acd9a55b94.txt",
         "003": "003_7863e0c3ac0521b1.txt", "004": "004_b427b5be98ff1c70.txt"}

# Every service each manual describes, with the line that introduces it (its heading or overview row),
# written down from reading the manuals — not from the catalog.
SERVICES = {
    "000": {"电话健康咨询": 34, "好大夫家庭医生（名医版）": 64, "MDT 多学科会诊": 124, "重疾康复支持": 167,
            "海外二次诊疗": 215, "海外就医安排": 251},
    "001": {"全球会诊协调": 29, "专家或特需门诊陪诊预约": 59, "住院协调": 86, "手术协调": 127, "海外就医安排": 169},
    "002": {"重疾绿通": 3, "医疗垫付": 1003, "质子重离子就医协助": 1069, "术后家庭护理": 1100, "视频问诊": 1338,
            "癌症早筛": 1366, "二次诊疗意见": 1580, "图文咨询": 2555, "重疾多学科会诊": 2579, "药惠购": 2800,
            "肿瘤特药": 3106, "罕见病特药": 3203, "海南博鳌国际特药": 3243, "重大疾病住院护工服务": 3296,
            "重疾住院护工服务": 3532, "门诊挂号协助": 3768, "药费直赔": 4741},
    "003": {"COC 肿瘤随访服务": 30, "门诊绿通": 31, "影像检查绿通": 32, "住院/手术绿通": 33, "专家线上/书面诊疗意见": 34,
            "肿瘤多学科会诊（MDT）": 35, "病理专家会诊": 36, "就医陪诊": 37, "复发术后康复服务": 38, "肿瘤心理咨询": 39,
            "复发肿瘤基因检测": 40},
    "004": {"特药": 3},
}


def _fold(text: str) -> str:
    return text.replace(" ", "").replace("（", "(").replace("）", ")")



@pytest.fixture(scope="module")
def lines():
    return {k: (ROOT / "sources" / "manuals" / f).read_text(encoding="utf-8").split("\n") for k, f in FILES.items()}


def test_every_service_of_the_five_manuals_has_an_entry(db, lines):
    services = [dict(r) for r in db.execute("select id, name, aliases, source_file from services")]
    merged = {r["name"]: r["merged_into"] for r in db.execute("select name, merged_into from service_merges")}
    with_conditions = {r[0] for r in db.execute("select distinct service_id from service_conditions")}
    for doc, names in SERVICES.items():
        mine = [s for s in services if s["source_file"] == FILES[doc]]
        for name, line in names.items():
            # the service is introduced on that line of the manual …
            assert _fold(name.split("（")[0])[:4] in _fold(lines[doc][line - 1]), (doc, line, name)
            # … and it is a service of the registry (by name or alias), or one printed twice and merged
            hits = [s for s in mine if _fold(name) in {_fold(s["name"]), *(_fold(a) for a in eval_list(s["aliases"]))}
                    or _fold(s["name"]).startswith(_fold(name))]
            if not hits and name in merged:
                hits = [s for s in mine if s["id"] == merged[name]]
            assert len(hits) == 1, (doc, name, [s["name"] for s in mine])
            assert hits[0]["id"] in with_conditions, (doc, name, "has no catalog statements")
    counted = sum(len(v) for v in SERVICES.values()) - len(merged)
    assert db.execute("select count(*) from services").fetchone()[0] == counted == 39


def eval_list(text: str | None) -> list[str]:
    import json

    return json.loads(text or "[]")


def conditions(db, service_id: str, aspect: str) -> list[dict]:
    return [dict(r) for r in db.execute("select * from service_conditions where service_id = ? and aspect = ? "
                                        "order by id", (service_id, aspect))]


def cited(db, lines, service_id: str, aspect: str, line: int, *, value: str | None = None, has: str = "") -> dict:
    """The service has a statement of this aspect citing `line`, whose text is on that line of the manual."""
    doc = service_id[:3]
    found = [c for c in conditions(db, service_id, aspect) if c["line"] == line]
    assert found, (service_id, aspect, line, [(c["line"], c["text"]) for c in conditions(db, service_id, aspect)])
    c = found[0]
    assert c["source_file"] == FILES[doc]
    assert c["text"] in lines[doc][line - 1]
    assert has in lines[doc][line - 1] and has in c["text"]
    if value is not None:
        assert c["value"] == value, (service_id, aspect, c["value"])
    return c


def test_manual_000(db, lines):
    cited(db, lines, "000-overseas-second-opinion", "sum_insured", 29, value="50", has="50万元")
    cited(db, lines, "000-overseas-treatment", "sum_insured", 30, value="50")
    cited(db, lines, "000-family-doctor", "sum_insured", 23, value="20")
    cited(db, lines, "000-family-doctor", "age", 109, value="75", has="75 周岁以下")
    cited(db, lines, "000-family-doctor", "frequency", 77, value="1", has="1 次/人/年")
    cited(db, lines, "000-family-doctor", "apply_app", 107, has="MOVE App")
    cited(db, lines, "000-mdt", "waiting_period", 159, has="等待期内确诊的疾病，不可使用服务")
    cited(db, lines, "000-mdt", "sum_insured", 24, value="0", has="无保额要求")
    # the provider is parsed from the overview table (服务提供方 column)
    c = cited(db, lines, "000-phone-consultation", "provider", 22, has="好人生(上海)健康科技有限公司")
    assert c["method"] == "parsed"
    # the manual-wide condition (line 15) applies to every service of the manual
    for sid in ("000-mdt", "000-rehab-support", "000-overseas-treatment"):
        cited(db, lines, sid, "sum_insured", 15, has="达到表格中所列保额要求")


def test_manual_001(db, lines):
    for sid in ("001-global-consultation", "001-specialist-outpatient", "001-inpatient-coordination",
                "001-surgery-coordination", "001-overseas-treatment"):
        cited(db, lines, sid, "apply_phone", 23, value="400-620-1800")
        cited(db, lines, sid, "waiting_period", 15, value="30", has="30个自然日")
        cited(db, lines, sid, "who", 211, has="被保险人")
        cited(db, lines, sid, "provider", 19, has="好人生")
    cited(db, lines, "001-specialist-outpatient", "lead_time", 65, value="5", has="提前 5 个工作日")
    cited(db, lines, "001-specialist-outpatient", "exclusion", 78, has="不适用于产科、急诊科及医技科室")
    cited(db, lines, "001-inpatient-coordination", "lead_time", 107, value="8-10", has="8-10 个工作日内")
    cited(db, lines, "001-overseas-treatment", "lead_time", 184, has="提前 1-3 月")


def test_manual_002(db, lines):
    cited(db, lines, "002-green-channel", "apply_phone", 65, value="10109955")
    cited(db, lines, "002-green-channel", "who", 17, has="仅限客户（被保险人）本人使用")
    cited(db, lines, "002-green-channel", "frequency", 44, value="1")
    cited(db, lines, "002-registration-assist", "frequency", 3797, value="3", has="3 次")
    cited(db, lines, "002-registration-assist", "exclusion", 3781, has="急诊、产科、口腔科、医美")
    cited(db, lines, "002-medical-advance", "limit", 1037, value="10", has="10 万为限")
    cited(db, lines, "002-cancer-screening", "list_note", 1457, has="以实际预约页面为准")
    cited(db, lines, "002-cancer-screening", "age", 1378, value="18")
    # printed twice (lines 3296… and 3532…): one service, both printings cited
    cited(db, lines, "002-critical-care-aide", "area", 3302)
    cited(db, lines, "002-critical-care-aide", "area", 3538)
    cited(db, lines, "002-critical-care-aide", "frequency", 3304, value="30")


def test_manual_003(db, lines):
    # the overview table (lines 29–40) is parsed: times, trigger, who, start
    c = cited(db, lines, "003-outpatient-green", "frequency", 31, value="3")
    assert c["method"] == "parsed"
    cited(db, lines, "003-outpatient-green", "waiting_period", 31, value="90", has="90 天等待期后")
    cited(db, lines, "003-escort", "frequency", 37, value="4")
    cited(db, lines, "003-escort", "trigger", 37, has="因特定妇科癌症就医")
    cited(db, lines, "003-coc-followup", "validity", 30, has="15 天犹豫期后")
    cited(db, lines, "003-tumor-mdt", "area", 239, has="北京、上海、广州")
    cited(db, lines, "003-gene-test", "who", 40, has="被保险人本人")


def test_manual_004(db, lines):
    cited(db, lines, "004-special-drug", "waiting_period", 23, value="90", has="90日为等待期")
    cited(db, lines, "004-special-drug", "provider", 13, has="上海镁信健康科技有限公司")
    cited(db, lines, "004-special-drug", "apply_app", 107, has="平安健康 APP")
    cited(db, lines, "004-special-drug", "lead_time", 160, value="5")


def test_how_to_use_is_short_chinese_with_lines(db):
    rows = [dict(r) for r in db.execute("select * from service_conditions where service_id = '001-specialist-outpatient'")]
    titles = load_titles(db)
    guide = how_to_use(rows, titles)
    assert "400-620-1800（《都汇康健增值服务手册》第 23 行）" in guide["say"]
    assert "提前 5 个工作日" in guide["say"] and "《都汇康健增值服务手册》第 65 行" in guide["say"]
    assert all(i["line"] and i["source_file"] == FILES["001"] and i["manual_title"] == "都汇康健增值服务手册"
               for i in guide["items"])
    for (sid,) in db.execute("select id from services"):
        g = how_to_use([dict(r) for r in db.execute("select * from service_conditions where service_id = ?", (sid,))],
                       titles)
        assert g["say"] and re.search(r"《[^》]+》第 \d+ 行", g["say"]), sid
        assert not re.search(r"\d{3}_[0-9a-f]{16}|(?<![\w.])\d{3} 第", g["say"]), g["say"]


def _copy_sources(tmp_path: Path) -> Path:
    dst = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", dst)
    return dst


def test_a_wrong_citation_is_refused_with_file_and_line(tmp_path):
    src = _copy_sources(tmp_path)
    cat = src / "catalog.toml"
    text = cat.read_text(encoding="utf-8")
    cat.write_text(text.replace('line = 78, text = "本项服务不适用于产科', 'line = 79, text = "本项服务不适用于产科'),
                   encoding="utf-8")
    with pytest.raises(CatalogError, match=r"001_d348e788b07f099c\.txt:79: cited text"):
        load_catalog(load_manifest(src / "manifest.toml"), cat)


def test_a_service_without_entry_is_refused(tmp_path):
    src = _copy_sources(tmp_path)
    cat = src / "catalog.toml"
    text = cat.read_text(encoding="utf-8")
    start = text.index('[[services]]\nfile = "004_b427b5be98ff1c70.txt"')
    cat.write_text(text[:start], encoding="utf-8")
    with pytest.raises(CatalogError, match="no catalog entry for manifest service.*special-drug"):
        load_catalog(load_manifest(src / "manifest.toml"), cat)


def test_bad_aspect_and_unknown_summary_row_are_refused(tmp_path):
    src = _copy_sources(tmp_path)
    cat = src / "catalog.toml"
    text = cat.read_text(encoding="utf-8")
    cat.write_text(text.replace('aspect = "exclusion", line = 78', 'aspect = "excluded", line = 78'), encoding="utf-8")
    with pytest.raises(CatalogError, match="aspect 'excluded' is not one of"):
        load_catalog(load_manifest(src / "manifest.toml"), cat)
    cat.write_text(text.replace('printed = ["MDT 多学科会诊 (无忧版)"]', 'printed = []'), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"000_6009e8a10b4647f4\.txt:24: summary row names"):
        load_catalog(load_manifest(src / "manifest.toml"), cat, merged={"002-critical-care-aide-2": "002-critical-care-aide"})
