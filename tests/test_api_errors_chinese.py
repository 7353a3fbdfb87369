"""Every error code the JSON API can return, over real HTTP to a real server: the message is Chinese an
agent can read out (CJK, and no English word outside the parameter names, the values sent, ids, paths
and HTTP methods), it names the parameter or the value it is about, and the code and the JSON shape are
the ones programs rely on. The list of codes is read from the source, so a new code without a case here
fails the completeness test."""
from __future__ import annotations

import ast
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import requests

from api.openapi import spec
from tests.servers import api_server

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 10
CJK = re.compile(r"[\u3400-\u9fff]")
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
SERVICE_ID = re.compile(r"\b\d{3}-[a-z0-9-]+\b")
HOSPITAL_ID = re.compile(r"\bh[0-9a-f]{10}\b")
PATH = re.compile(r"/[A-Za-z0-9_./-]*")
# Words a message may carry besides the request's own: the API's parameter names (a message names the
# parameter as it is written), "id" (服务 id), and the HTTP methods a 405 lists.
PARAMETERS = {p["name"] for item in spec()["paths"].values() for op in item.values()
              for p in op.get("parameters") or []}
TERMS = PARAMETERS | {"min_sum_insured"} | {"id", "GET", "HEAD", "OPTIONS", "POST"}  # min_sum_insured: sum_insured's
# other name (the OpenAPI document says so in sum_insured's description)

# (code, status, path, query, words the message must contain, further words it may contain)
CASES = [
    ("missing_parameter", 400, "/api/v1/nearest", {"service": "重疾绿通"}, ["参数 city"], []),
    ("missing_parameter", 400, "/api/v1/resolve", {}, ["参数 name"], []),
    ("invalid_parameter", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "温州", "limit": "ten"},
     ["参数 limit", "ten", "整数"], []),
    ("invalid_parameter", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "温州", "lat": "abc", "lon": "120"},
     ["参数 lat", "abc", "数字"], []),
    ("invalid_parameter", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "温州", "lat": "30"},
     ["lat", "lon"], []),
    ("invalid_parameter", 400, "/api/v1/nearest", {"service": "重" * 300, "city": "温州"},
     ["参数 service", "200"], []),
    ("invalid_parameter", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "温州", "min_grade": "特级"},
     ["参数 min_grade", "特级", "三级甲等"], []),
    ("invalid_parameter", 400, "/api/v1/hospitals", {"grade": "很好"}, ["参数 grade", "很好"], []),
    ("invalid_parameter", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "温州", "sum_insured": "50"},
     ["参数 sum_insured", "50", "单位"], []),
    ("invalid_parameter", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "温州", "min_sum_insured": "很多"},
     ["参数 min_sum_insured", "很多"], []),
    ("invalid_parameter", 400, "/api/v1/eligibility",
     {"service": "重疾绿通", "hospital": "北京协和医院", "policy_start": "去年"}, ["参数 policy_start", "去年", "日期"], []),
    ("invalid_parameter", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "温州", "diagnosed_on": "2024/13/01"},
     ["参数 diagnosed_on", "2024/13/01"], []),
    ("invalid_parameter", 400, "/api/v1/hospitals", {"service": "医疗垫付", "verdict": "maybe"},
     ["参数 verdict", "maybe", "eligible"], ["eligible", "likely", "unknown"]),
    ("invalid_parameter", 400, "/api/v1/hospitals", {"verdict": "eligible"}, ["参数 verdict", "service"], []),
    ("out_of_range", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "温州", "limit": "500"},
     ["参数 limit", "1", "100", "500"], []),
    ("out_of_range", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "温州", "lat": "100", "lon": "120"},
     ["参数 lat", "100"], []),
    ("out_of_range", 400, "/api/v1/cities", {"limit": "0"}, ["参数 limit", "500"], []),
    ("unknown_service", 400, "/api/v1/nearest", {"service": "重疾绿同", "city": "温州"}, ["“重疾绿同”", "服务"], []),
    ("unknown_service", 400, "/api/v1/nearest", {"service": "重疾绿同", "insurer": "众安", "city": "温州"},
     ["“重疾绿同”", "众安"], []),
    ("unknown_service", 404, "/api/v1/services/999-nothing", {}, ["999-nothing", "服务"], []),
    ("ambiguous_service", 400, "/api/v1/nearest", {"service": "MDT", "city": "深圳"}, ["MDT", "2 项服务"], []),
    ("unknown_insurer", 400, "/api/v1/nearest", {"service": "MDT", "insurer": "不存在保险", "city": "深圳"},
     ["不存在保险", "保险公司"], []),
    ("insurer_mismatch", 400, "/api/v1/nearest", {"service": "000-mdt", "insurer": "众安", "city": "深圳"},
     ["000-mdt", "众安"], ["MDT"]),  # the service's own name, MDT 多学科会诊
    ("unknown_city", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "火星城"}, ["“火星城”"], []),
    ("unknown_city", 400, "/api/v1/resolve", {"name": "协和医院", "city": "火星城"}, ["“火星城”"], []),
    ("ambiguous_city", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "朝阳区"},
     ["“朝阳区”", "北京市朝阳区", "吉林省长春市朝阳区"], []),
    ("city_required", 400, "/api/v1/nearest", {"service": "重疾绿通", "city": "广东"}, ["“广东”", "广东省"], []),
    ("unknown_province", 400, "/api/v1/hospitals", {"province": "火星"}, ["参数 province", "火星"], []),
    ("ambiguous_province", 400, "/api/v1/hospitals", {"province": "广"}, ["参数 province", "广东省", "广西"], []),
    ("unknown_hospital", 400, "/api/v1/eligibility", {"service": "000-mdt", "hospital": "绝对不存在的某某医院"},
     ["绝对不存在的某某医院"], []),
    ("unknown_hospital", 400, "/api/v1/eligibility", {"service": "002-green-channel", "hospital": "华西"},
     ["华西", "城市"], []),
    ("unknown_hospital", 404, "/api/v1/hospitals/h000000000", {}, ["h000000000", "医院"], []),
    ("ambiguous_hospital", 400, "/api/v1/eligibility", {"service": "002-green-channel", "hospital": "协和医院"},
     ["协和医院", "北京协和医院"], []),
    ("unknown_specialty", 400, "/api/v1/nearest", {"service": "重疾多学科会诊", "insurer": "众安", "city": "杭州",
                                                    "specialty": "火星病"}, ["“火星病”"], []),
    ("not_a_coverage_service", 400, "/api/v1/coverage", {"service": "002-green-channel", "city": "杭州"},
     ["002-green-channel", "/api/v1/nearest"], []),
    ("not_found", 404, "/api/v1/nope", {}, ["/api/v1/nope", "/api/v1/"], []),
    ("not_found", 404, "/nope", {}, ["/nope"], []),
]


def english_words(message: str, sent: list[str]) -> list[str]:
    """ASCII words of `message` that are none of: a value sent, a parameter name, an id, a path, a method."""
    text = message
    for value in sorted(sent, key=len, reverse=True):
        text = text.replace(value, " ")
    text = PATH.sub(" ", HOSPITAL_ID.sub(" ", SERVICE_ID.sub(" ", text)))
    return [w for w in ASCII_WORD.findall(text) if w not in TERMS]


def check_message(err: dict, code: str, names: list[str], sent: list[str]) -> None:
    assert set(err) >= {"code", "message", "candidates"} and isinstance(err["candidates"], list), err
    assert err["code"] == code, err
    message = err["message"]
    assert CJK.search(message), message
    assert english_words(message, sent) == [], message
    missing = [n for n in names if n not in message]
    assert not missing, (missing, message)


@pytest.mark.parametrize("code, status, path, query, names, allowed", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_error_message_is_chinese_and_names_what_it_is_about(api, code, status, path, query, names, allowed):
    r = requests.get(api + path, params=query, timeout=TIMEOUT)
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    check_message(r.json()["error"], code, names, [*query.values(), *allowed])


def test_method_not_allowed_is_chinese(api):
    r = requests.post(api + "/api/v1/nearest", data={"service": "x"}, timeout=TIMEOUT)
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    check_message(r.json()["error"], "method_not_allowed", ["/api/v1/nearest", "POST", "GET"], [])


def test_internal_error_is_chinese(registry, tmp_path):
    """A registry whose listings lack a column the hospital page reads (loads and passes /healthz, fails on
    /hospitals/<id>): the server answers a JSON 500 in Chinese, not a traceback."""
    db = tmp_path / "registry.db"
    shutil.copy(registry, db)
    conn = sqlite3.connect(db)
    try:
        hid = conn.execute("select hospital_id from listings limit 1").fetchone()[0]
        conn.execute("alter table listings drop column match_score")
        conn.commit()
    finally:
        conn.close()
    with api_server(db) as base:
        r = requests.get(f"{base}/api/v1/hospitals/{hid}", timeout=TIMEOUT)
    assert r.status_code == 500 and r.headers["Content-Type"].startswith("application/json"), r.text
    check_message(r.json()["error"], "internal_error", ["服务器内部出错"], [])
    assert "Traceback" not in r.text and "match_score" not in r.text


def _codes_in_source() -> set[str]:
    """Every error code the API's code raises: first-argument strings of bad_request / not_found / ApiError
    (api/) and LookupFailed (directory/eligibility/find.py), and the codes api/app.py gives HTTP errors."""
    codes: set[str] = set()
    files = [*sorted((ROOT / "api").rglob("*.py")), ROOT / "directory" / "eligibility" / "find.py"]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            arg = {"bad_request": 0, "not_found": 0, "LookupFailed": 0, "ApiError": 1}.get(name or "")
            if arg is None or len(node.args) <= arg:
                continue
            codes |= {c.value for c in ast.walk(node.args[arg])
                      if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    app = (ROOT / "api" / "app.py").read_text(encoding="utf-8")
    codes |= set(re.findall(r'"(not_found|method_not_allowed|internal_error)"', app))
    return codes


def test_every_error_code_has_a_chinese_case():
    covered = {c[0] for c in CASES} | {"method_not_allowed", "internal_error"}
    in_source = _codes_in_source()
    assert {"missing_parameter", "unknown_city", "not_found", "internal_error"} <= in_source  # the scan works
    assert in_source - covered == set()
