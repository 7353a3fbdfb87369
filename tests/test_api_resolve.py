"""Names and parameters as callers type them, over real HTTP (gunicorn workers in a subprocess, tests/servers.py):
/api/v1/resolve's three answers, /eligibility's ambiguous_hospital, /hospitals?q= with short names, and
traditional / full-width folding of every text parameter (issue 9)."""
from __future__ import annotations

import csv
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
COLLOQUIAL = ROOT / "tests" / "data" / "colloquial_resolve.tsv"
TIMEOUT = 10


def get(api, path, status=200, **params):
    r = requests.get(api + path, params=params, timeout=TIMEOUT)
    assert r.status_code == status, r.text[:500]
    assert r.headers["Content-Type"].startswith("application/json")
    return r.json()


def test_resolve_answers_matched_ambiguous_or_not_found(api, hospital_at):
    body = get(api, "/api/v1/resolve", name="华西", city="成都")
    assert body["status"] == "matched" and body["best"]["id"] == hospital_at("000:358")
    assert body["best"]["method"] == "short_form" and body["message"].startswith("「华西」即 四川大学华西医院")
    body = get(api, "/api/v1/resolve", name="协和医院")
    assert body["status"] == "ambiguous" and body["best"] is None and body["ambiguous_count"] == 3
    tied = {c["id"] for c in body["candidates"][:3]}
    assert tied == {hospital_at("000:308"), hospital_at("001:809"), hospital_at("002:157")}
    body = get(api, "/api/v1/resolve", name="华西")
    assert body["status"] == "not_found" and body["candidates"][0]["id"] == hospital_at("000:358")
    body = get(api, "/api/v1/resolve", name="北京协合医院")
    assert body["status"] == "matched" and body["best"]["id"] == hospital_at("000:308")
    assert all(c["country"] == "中国" for c in body["candidates"])


def test_colloquial_names_people_say(api, hospital_at):
    """tests/data/colloquial_resolve.tsv: ≥ 95 % right, none confidently wrong, ambiguous ones ambiguous."""
    rows = list(csv.DictReader(COLLOQUIAL.open(encoding="utf-8"), delimiter="\t"))
    assert len(rows) >= 50
    right, wrong = 0, []
    for row in rows:
        expected = {hospital_at(ref) for ref in row["expected"].split(";")}
        body = get(api, "/api/v1/resolve", name=row["name"], **({"city": row["city"]} if row["city"] else {}))
        tied = {c["id"] for c in body["candidates"][: body["ambiguous_count"]]}
        if row["answer"] == "ambiguous":
            right += body["status"] == "ambiguous" and expected <= tied
        else:
            right += body["status"] == "matched" and body["best"]["id"] in expected
        if body["status"] == "matched" and body["best"]["id"] not in expected:
            wrong.append((row["name"], row["city"], body["best"]["name"]))
    assert not wrong
    assert right >= 0.95 * len(rows), f"{right}/{len(rows)}"


def test_eligibility_takes_a_city_and_reports_ambiguity(api, hospital_at):
    err = get(api, "/api/v1/eligibility", 400, hospital="协和医院", service="002-green-channel")["error"]
    assert err["code"] == "ambiguous_hospital" and len(err["candidates"]) == 3
    assert hospital_at("001:809") in {c["id"] for c in err["candidates"]}
    err = get(api, "/api/v1/eligibility", 400, hospital="华西", service="002-green-channel")["error"]
    assert err["code"] == "unknown_hospital" and "城市" in err["message"]
    body = get(api, "/api/v1/eligibility", hospital="华西", city="成都", service="002-green-channel")
    assert body["hospital"]["id"] == hospital_at("000:358") and body["verdict"] == "eligible"
    assert body["matched"]["method"] == "short_form"
    body = get(api, "/api/v1/eligibility", hospital="协和", city="武汉", service="重疾绿通", insurer="众安")
    assert body["hospital"]["id"] == hospital_at("001:809")


def test_every_text_parameter_is_folded(api):
    plain = get(api, "/api/v1/nearest", service="重疾绿通", insurer="众安", city="温州", limit=5)
    folded = get(api, "/api/v1/nearest", service="重疾綠通", insurer="眾安", city="溫州", limit=5)
    assert [r["id"] for r in folded["results"]] == [r["id"] for r in plain["results"]]
    assert get(api, "/api/v1/nearest", service="ＭＤＴ", insurer="中宏", city="深圳")["query"]["service"]["id"] == "000-mdt"
    assert get(api, "/api/v1/coverage", service="醫療墊付", city="成都")["service"]["id"] == "002-medical-advance"
    assert get(api, "/api/v1/cities", q="溫州")["results"][0]["name"] == "温州市"
    body = get(api, "/api/v1/eligibility", hospital="北京協和醫院", service="002-green-channel")
    assert body["hospital"]["name"] == "北京协和医院"
    assert get(api, "/api/v1/resolve", name="華西醫院", city="成都")["status"] == "matched"


def test_hospital_search_finds_what_callers_say(api, hospital_at):
    names = [r["name"] for r in get(api, "/api/v1/hospitals", q="華西醫院")["results"]]
    assert names[0] == "四川大学华西医院"
    ids = [r["id"] for r in get(api, "/api/v1/hospitals", q="浙大二院", city="杭州")["results"]]
    assert ids == [hospital_at("001:618")]
    ids = [r["id"] for r in get(api, "/api/v1/hospitals", q="北京协合医院")["results"]]
    assert ids[0] == hospital_at("000:308")
    ids = [r["id"] for r in get(api, "/api/v1/hospitals", q="西部战区总医院")["results"]]
    assert ids == [hospital_at("000:353")]
