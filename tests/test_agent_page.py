"""The agent page in a real headless Chromium (Debian's chromium + chromium-driver, tests/browser.py),
against the real API server (gunicorn workers, `python -m api.serve`) on a registry built from the manuals.

An agent's calls, typed into the page as an agent would: 重疾绿通 (众安) in 温州; 医疗垫付 in 杭州; a
hospital's page; a pinyin search. The tests read what is on the page — names, verdict labels, evidence
lines with the manual's title — and check it against the JSON API's answer to the same question."""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
import requests
from selenium.webdriver.support.ui import Select, WebDriverWait

from api.pages import view
from directory.eligibility.vocabulary import FACT_LABELS, VERDICT_LABELS
from tests.browser import PHONE, By, browser, wait_for, wait_text

GREEN_002 = "002_e8b033acd9a55b94.txt"
ZHONGAN_MANUAL = "众安健康服务介绍"  # the manual's title as the page shows it (whole title in the tooltip)
XIEHE = "北京协和医院"
# The page labels verdicts with directory.eligibility's words (符合条件 / 可能符合 / 不符合 / 待核实).
LABELS = {kind: {label} for kind, label in VERDICT_LABELS.items()}


@pytest.fixture(scope="module")
def site(api):
    """The shared read-only API server (conftest): the agent pages are served by the same app."""
    return api


def api(site, path, **params):
    r = requests.get(site + path, params=params, timeout=15)
    assert r.status_code == 200, r.text[:300]
    return r.json()


def ask(driver, site, service: str, city: str, insurer: str | None = None) -> None:
    """Fill in the form as an agent does and submit it."""
    driver.get(site + "/")
    wait_for(driver, "form.ask")
    driver.find_element(By.ID, "service").send_keys(service)
    if insurer:
        Select(driver.find_element(By.ID, "insurer")).select_by_visible_text(insurer)
    driver.find_element(By.ID, "city").send_keys(city)
    driver.find_element(By.CSS_SELECTOR, "form.ask button[type=submit]").click()
    wait_for(driver, "section.answer, section.error")


def cards(driver) -> list[dict]:
    out = []
    for li in driver.find_elements(By.CSS_SELECTOR, "ol.results li.hospital"):
        out.append({"name": li.find_element(By.CSS_SELECTOR, ".h-name").text,
                    "verdict": li.get_attribute("data-verdict"),
                    "label": li.find_element(By.CSS_SELECTOR, ".h-head .badge").text,
                    "meta": li.find_element(By.CSS_SELECTOR, ".h-meta").text,
                    "why": li.find_element(By.CSS_SELECTOR, ".why").text,
                    "evidence": [e.text for e in li.find_elements(By.CSS_SELECTOR, "ul.evidence li")]})
    return out


def test_green_channel_of_zhongan_in_wenzhou(chrome, site):
    ask(chrome, site, "重疾绿通", "温州", insurer="众安保险")
    heading = chrome.find_element(By.CSS_SELECTOR, "section.answer h1").text
    assert "重疾绿通（众安保险）" in heading and "温州市" in heading
    expected = api(site, "/api/v1/nearest", service="重疾绿通", insurer="众安", city="温州")
    shown = cards(chrome)
    assert [c["name"] for c in shown] == [r["name"] for r in expected["results"]]
    assert "温州医科大学附属第一医院" in {c["name"] for c in shown} or len(shown) == 10
    for c, r in zip(shown, expected["results"], strict=True):
        assert c["label"] in LABELS[c["verdict"]], c
        assert c["verdict"] in ("eligible", "likely"), c  # listed in the manual: usable
        assert "温州市" in c["meta"]
        # a grade that is only inferred (二级及以上 by a rule) says so; a stated one does not
        if r["grade"]:
            assert (f"{r['grade']}（推断）" in c["meta"]) == (r["grade_class"] == "inferred"), (c, r)
        # evidence: the manual's title (not its hashed file name), the line, the name as printed
        assert c["evidence"] and all(re.match(rf"《{ZHONGAN_MANUAL}》第 (9[67]\d|98[0-3]) 行：“.+”", e)
                                     for e in c["evidence"]), c["evidence"]
        assert GREEN_002 not in " ".join(c["evidence"])
    page = chrome.find_element(By.TAG_NAME, "body").text
    assert "002_e8b033acd9a55b94" not in page
    # all 14 of the city, not only the first page
    chrome.find_element(By.CSS_SELECTOR, "p.more a").click()
    wait_for(chrome, "section.answer")
    everyone = cards(chrome)
    assert len(everyone) == expected["in_city_count"] == 14
    lines = {int(m) for c in everyone for e in c["evidence"] for m in re.findall(r"第 (\d+) 行", e)}
    assert set(range(970, 984)) <= lines  # the list's 14 rows for 浙江省/温州市


def test_copy_answer_gives_plain_text_for_a_ticket(chrome, site):
    ask(chrome, site, "重疾绿通", "温州", insurer="众安保险")
    text = chrome.find_element(By.ID, "answer-text").get_attribute("value")
    assert text.startswith("【重疾绿通（众安保险） · 温州市】")
    names = [c["name"] for c in cards(chrome)]
    for i, name in enumerate(names, 1):
        assert f"\n{i}. {name}" in text
    assert "依据：《众安健康服务介绍（重疾绿通、" in text  # the whole title in the ticket
    assert "<" not in text and "&" not in text  # plain text, no markup
    chrome.execute_cdp_cmd("Browser.grantPermissions", {"origin": site, "permissions": [
        "clipboardReadWrite", "clipboardSanitizedWrite"]})
    chrome.find_element(By.CSS_SELECTOR, "button.copy-button").click()
    wait_text(chrome, ".copied", "已复制")
    pasted = chrome.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('ERR ' + e));")
    assert pasted == text


def test_medical_advance_in_hangzhou(chrome, site):
    ask(chrome, site, "医疗垫付", "杭州")
    heading = chrome.find_element(By.CSS_SELECTOR, "section.answer h1").text
    assert "医疗垫付（众安保险）" in heading and "杭州市" in heading
    expected = api(site, "/api/v1/nearest", service="医疗垫付", city="杭州")
    shown = cards(chrome)
    assert [c["name"] for c in shown] == [r["name"] for r in expected["results"]]
    for c, r in zip(shown, expected["results"], strict=True):
        assert c["label"] in LABELS[c["verdict"]], c
        assert "杭州市" in c["meta"]
        assert c["why"].strip(), c  # every hospital says why
        # a coverage service's evidence is the covered city as printed, with its line
        assert any(re.match(rf"《{ZHONGAN_MANUAL}》第 1019 行：“杭州市”", e) for e in c["evidence"]), c["evidence"]
        if r.get("verdict"):
            assert c["verdict"] == r["verdict"]
    coverage = chrome.find_element(By.CSS_SELECTOR, "details.coverage")
    coverage.click()
    assert "第 1019 行：“杭州市”" in coverage.text
    assert "0 家" not in chrome.find_element(By.CSS_SELECTOR, ".answer-head").text


def test_an_ambiguous_service_offers_the_candidates(chrome, site):
    ask(chrome, site, "特药", "广州")
    error = chrome.find_element(By.CSS_SELECTOR, "section.error")
    assert "“特药”对应多项服务" in error.text
    options = {a.text: a for a in error.find_elements(By.CSS_SELECTOR, "ul.candidates a")}
    assert {"特药（平安健康）", "肿瘤特药（众安保险）"} <= set(options)
    options["特药（平安健康）"].click()
    wait_for(chrome, "section.answer")
    assert "特药（平安健康） · 广州市" in chrome.find_element(By.CSS_SELECTOR, "section.answer h1").text
    assert any("中山大学附属肿瘤医院" == c["name"] for c in cards(chrome))


def test_hospital_page(chrome, site):
    ask(chrome, site, "门诊绿通", "北京", insurer="太平洋健康")
    link = next(a for a in chrome.find_elements(By.CSS_SELECTOR, "a.h-name") if a.text == XIEHE)
    link_id = link.get_attribute("href").rsplit("/", 1)[1]
    link.click()
    wait_for(chrome, "section.hospital-head h1")
    assert chrome.find_element(By.CSS_SELECTOR, "section.hospital-head h1").text == XIEHE
    assert chrome.title.startswith(XIEHE)
    names = chrome.find_element(By.CSS_SELECTOR, "section.names").text
    # another name with its source: the bracket alias of 002 line 151
    assert "协和医院" in names and "括号中的别称，《众安健康服务介绍》第 151 行" in names
    campuses = {a.text: a.get_attribute("href") for a in chrome.find_elements(By.CSS_SELECTOR, "section.campuses a")}
    expected_campuses = {c["name"] for c in api(site, f"/api/v1/hospitals/{link_id}")["campuses"]}
    assert expected_campuses and expected_campuses <= set(campuses)  # 西单院区
    services = chrome.find_element(By.CSS_SELECTOR, "section.services").text
    assert "重疾绿通（众安保险）" in services and "《众安健康服务介绍》第 151 行：“北京协和医院(协和医院)”" in services
    assert "MDT 多学科会诊（中宏保险）" in services and "《中宏保险健康管理服务手册》第 308 行" in services
    # services without any hospital list are set apart, not listed as verdicts on this hospital
    detail = api(site, f"/api/v1/hospitals/{link_id}")
    no_list = [s for s in detail["services"] if s["kind"] == "no_list"]
    listed = [s for s in detail["services"] if s["kind"] != "no_list"]
    assert len(chrome.find_elements(By.CSS_SELECTOR, "ul.service-list > li")) == len(listed)
    if no_list:
        assert f"不按医院提供的服务（{len(no_list)} 项）" in services
    facts = {tr.find_element(By.TAG_NAME, "th").text: tr.text
             for tr in chrome.find_elements(By.CSS_SELECTOR, "table.facts tbody tr")}
    assert "三级甲等" in facts[FACT_LABELS["grade"]] and "来源载明" in facts[FACT_LABELS["grade"]]
    assert "《中宏保险健康管理服务手册》第 308 行" in facts[FACT_LABELS["grade"]]
    assert "北京市" in facts[FACT_LABELS["city"]]
    # place facts from the facts stage, each with its class and source
    assert "东城区" in facts[FACT_LABELS["district"]] and re.search("来源载明|推断", facts[FACT_LABELS["district"]])
    assert "来源载明" in facts[FACT_LABELS["point"]] and "Wikidata Q" in facts[FACT_LABELS["point"]]
    assert "公立" in facts[FACT_LABELS["ownership"]] and "推断" in facts[FACT_LABELS["ownership"]]
    # a campus names its main hospital
    chrome.get(campuses[sorted(expected_campuses)[0]])
    wait_for(chrome, "p.parent a")
    assert chrome.find_element(By.CSS_SELECTOR, "p.parent a").text == XIEHE


def test_pinyin_and_initials_search(chrome, site):
    for query in ("bjxh", "xiehe", "协和"):
        chrome.get(site + "/search")
        box = wait_for(chrome, "#q")
        box.send_keys(query)
        box.submit()
        wait_for(chrome, "ol.search-results, p.empty")
        names = [a.text for a in chrome.find_elements(By.CSS_SELECTOR, "ol.search-results a.h-name")]
        assert XIEHE in names[:3], (query, names[:5])
    chrome.find_element(By.LINK_TEXT, XIEHE).click()
    wait_for(chrome, "section.hospital-head h1")
    assert chrome.find_element(By.CSS_SELECTOR, "section.hospital-head h1").text == XIEHE


def test_how_to_use_and_what_to_ask_the_caller(chrome, site):
    ask(chrome, site, "专家门诊", "上海")
    assert "专家或特需门诊陪诊预约（大都会人寿）" in chrome.find_element(By.CSS_SELECTOR, "section.answer h1").text
    how = {li.find_element(By.TAG_NAME, "b").text: li.text
           for li in chrome.find_elements(By.CSS_SELECTOR, "section.how-to:not(.list-notes) li")}
    phone = next(text for label, text in how.items() if "400-620-1800" in text)  # how to apply, from the catalog
    assert "《都汇康健增值服务手册》第 23 行" in phone
    assert any("30 自然日" in text and "第 15 行" in text for text in how.values())  # the waiting period
    assert "《都汇康健增值服务手册》第 366 行" in chrome.find_element(By.CSS_SELECTOR, "section.list-notes").text
    asked = chrome.find_element(By.CSS_SELECTOR, "section.caller-check").text
    assert asked.startswith("请向客户确认") and "保单生效日" in asked
    text = chrome.find_element(By.ID, "answer-text").get_attribute("value")
    assert "使用方法：" in text and "400-620-1800" in text and "请向客户确认" in text
    assert "001 第" not in chrome.find_element(By.TAG_NAME, "body").text  # manuals by title, not by number


def test_the_callers_dates_decide_the_waiting_period(chrome, site):
    chrome.get(site + "/")
    wait_for(chrome, "form.ask")
    chrome.find_element(By.ID, "service").send_keys("专家门诊")
    chrome.find_element(By.ID, "city").send_keys("上海")
    chrome.find_element(By.XPATH, "//summary[contains(., '病种和客户情况')]").click()
    for field, value in (("policy_start", "2024-01-01"), ("diagnosed_on", "2024-01-10")):
        chrome.execute_script("arguments[0].value = arguments[1]", chrome.find_element(By.ID, field), value)
    chrome.find_element(By.CSS_SELECTOR, "form.ask button[type=submit]").click()
    wait_for(chrome, "section.answer")
    assert "等待期内" in chrome.find_element(By.CSS_SELECTOR, "section.caller-check").text
    shown = cards(chrome)
    assert shown and all(c["verdict"] == "not_eligible" and c["label"] == VERDICT_LABELS["not_eligible"] for c in shown)
    assert all("等待期内" in c["why"] for c in shown)


def test_a_specialty_names_the_team(chrome, site):
    chrome.get(site + "/?" + urlencode({"service": "重疾多学科会诊", "city": "上海", "specialty": "胃癌"}))
    wait_for(chrome, "section.answer")
    shown = cards(chrome)
    expected = api(site, "/api/v1/nearest", service="重疾多学科会诊", city="上海", specialty="胃癌")
    assert [c["name"] for c in shown] == [r["name"] for r in expected["results"]] and shown
    for c, r in zip(shown, expected["results"], strict=True):
        teams = {e["team"] for e in r["evidence"] if e.get("team")}
        assert teams and all(any(f"团队：{t}" in e for e in c["evidence"]) for t in teams), (c, teams)


def test_hospital_page_lists_its_teams(chrome, site):
    hid = api(site, "/api/v1/hospitals", q="瑞金医院", city="上海")["results"][0]["id"]
    expected = api(site, f"/api/v1/hospitals/{hid}")["teams"]
    chrome.get(site + f"/hospital/{hid}")
    section = wait_for(chrome, "section.teams")
    section.find_element(By.TAG_NAME, "summary").click()
    items = [li.text for li in section.find_elements(By.TAG_NAME, "li")]
    assert len(items) == len(expected) > 8
    for li, t in zip(items, expected, strict=True):
        assert li.startswith(t["team"]) and f"第 {t['line']}" in li and "《众安健康服务介绍》" in li


def test_a_place_abroad(chrome, site):
    ask(chrome, site, "海外就医安排", "洛杉矶", insurer="中宏保险")
    assert "海外就医安排（中宏保险） · 洛杉矶" in chrome.find_element(By.CSS_SELECTOR, "section.answer h1").text
    shown = cards(chrome)
    expected = api(site, "/api/v1/nearest", service="海外就医安排", insurer="中宏", city="洛杉矶")
    assert [c["name"] for c in shown] == [r["name"] for r in expected["results"]]
    assert shown and all("美国" in c["meta"] and "洛杉矶" in c["meta"] for c in shown)
    assert all(re.match(r"《中宏保险健康管理服务手册》第 \d+ 行", e) for c in shown for e in c["evidence"])


def test_map_shows_markers_without_tiles(chrome, site):
    ask(chrome, site, "重疾绿通", "温州", insurer="众安保险")
    WebDriverWait(chrome, 20).until(lambda d: d.find_element(By.ID, "map").get_attribute("data-markers"))
    shown = len(cards(chrome))
    assert int(chrome.find_element(By.ID, "map").get_attribute("data-markers")) == shown
    assert len(chrome.find_elements(By.CSS_SELECTOR, "#map path.hospital-marker")) == shown
    assert len(chrome.find_elements(By.CSS_SELECTOR, "#map path.origin-marker")) == 1  # where distances start
    assert chrome.find_elements(By.CSS_SELECTOR, "#map img.leaflet-tile") == []  # no tile URL set: no tiles
    # everything the page loads is served by the app itself (no CDN)
    urls = chrome.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert urls and all(u.startswith(site) or u.startswith("data:") for u in urls), urls


def test_usable_at_phone_width(site):
    with browser(PHONE) as phone:
        for path in ("/?service=医疗垫付&city=杭州", "/search?q=bjxh", "/"):
            phone.get(site + path)
            wait_for(phone, "main")
            width = phone.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
            assert width[0] == PHONE[0] and width[1] <= PHONE[0], (path, width)
        phone.get(site + "/?service=医疗垫付&city=杭州")
        wait_for(phone, "section.answer")
        for css in ("#service", "#city", "form.ask button[type=submit]", "li.hospital", "button.copy-button"):
            box = phone.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.right]",
                                       phone.find_element(By.CSS_SELECTOR, css))
            assert 0 <= box[0] and box[1] <= PHONE[0], (css, box)
        hid = phone.find_element(By.CSS_SELECTOR, "li.hospital").get_attribute("data-id")
        phone.get(site + f"/hospital/{hid}")
        wait_for(phone, "section.hospital-head")
        assert phone.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]


def test_verdict_vocabulary_is_the_librarys():
    assert view.VERDICT_LABELS is VERDICT_LABELS
    assert VERDICT_LABELS == {"eligible": "符合条件", "likely": "可能符合", "not_eligible": "不符合", "unknown": "待核实"}


def test_tile_url_and_credit_come_from_the_environment(registry, monkeypatch):
    from api.app import create_app

    monkeypatch.setenv("HOSPNET_TILE_URL", "https://tiles.example.test/{z}/{x}/{y}.png")
    monkeypatch.setenv("HOSPNET_TILE_ATTRIBUTION", "© 示例地图")
    page = create_app(str(registry)).test_client().get(
        "/", query_string={"service": "重疾绿通", "insurer": "众安", "city": "温州"}).get_data(as_text=True)
    assert 'data-tiles="https://tiles.example.test/{z}/{x}/{y}.png"' in page
    assert 'data-attribution="© 示例地图"' in page
    monkeypatch.delenv("HOSPNET_TILE_URL")
    page = create_app(str(registry)).test_client().get(
        "/", query_string={"service": "重疾绿通", "insurer": "众安", "city": "温州"}).get_data(as_text=True)
    assert 'data-tiles=""' in page
