"""What every nearest / eligibility answer adds for the agent on the phone: how the service is used
(from the catalog), what the caller's own facts decide (sum insured, waiting period) or what to ask,
a specialty filter over the hospitals' teams, and the answer for a service that has no list.
The logic lives in directory/ (service_catalog, request_checks, teams); this module reads parameters."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import request
from rapidfuzz import fuzz, process

from api import params
from api.catalog import Catalog, Service
from api.errors import bad_request
from directory.eligibility.vocabulary import VERDICT_LABELS
from directory.manual_titles import cite_line, with_title
from directory.request_checks import RequestFactError, check_caller, parse_date, parse_sum_insured
from directory.teams import MATCH_LABELS, expand, match_specialties, normalize_term, team_evidence

_RANK = {"exact": 0, "broader": 1, "narrower": 2}


_FACTS = ("sum_insured", "min_sum_insured", "policy_start", "diagnosed_on")


def caller_facts() -> dict[str, Any]:
    """The optional caller facts: sum_insured (or min_sum_insured), policy_start, diagnosed_on."""
    if not any(k in request.args for k in _FACTS):
        return {"sum_insured": None, "policy_start": None, "diagnosed_on": None, "query": {}}
    sum_param = "sum_insured" if params.text("sum_insured", max_len=20) else "min_sum_insured"
    raw_sum = params.text(sum_param, max_len=20)
    start = params.text("policy_start", max_len=20)
    diagnosed = params.text("diagnosed_on", max_len=20)
    out = {"sum_insured": _fact(sum_param, parse_sum_insured, raw_sum),
           "policy_start": _fact("policy_start", lambda t: parse_date(t, "保单生效日"), start),
           "diagnosed_on": _fact("diagnosed_on", lambda t: parse_date(t, "确诊日期"), diagnosed)}
    query = {k: v for k, v in (("sum_insured", raw_sum), ("policy_start", start), ("diagnosed_on", diagnosed)) if v}
    return {**out, "query": query}


def _fact(param: str, parse: Callable[[str], Any], text: str | None) -> Any:
    """One caller fact read by the library, or a 400 naming the parameter and what was expected."""
    if not text:
        return None
    try:
        return parse(text)
    except RequestFactError as exc:
        raise bad_request("invalid_parameter", f"参数 {param}：{exc}") from None


def service_guide(cat: Catalog, s: Service) -> dict[str, Any]:
    def build() -> list[dict[str, Any]]:
        return [with_title({"text": c["text"], "source_file": c["source_file"], "line": c["line"],
                            "cite": cite_line(c["source_file"], c["line"], cat.titles)}, cat.titles)
                for c in cat.conditions.get(s.id, []) if c["aspect"] == "list_note"]

    return {"how_to_use": cat.how_to_use(s.id), "list_notes": cat.service_index(s.id + "#list_notes", build)}


def caller_questions(cat: Catalog, s: Service) -> dict[str, Any]:
    """The caller check when the caller gave no facts: what to ask (the same for every answer of the service)."""
    return cat.service_index(s.id + "#caller",
                             lambda: check_caller(cat.conditions.get(s.id, []), cat.titles).as_dict())


def apply_caller(cat: Catalog, s: Service, facts: dict[str, Any], body: dict[str, Any], decided: bool = False) -> None:
    """Add the caller check; when a given fact fails, no hospital can be used and every answer says why.
    `decided`: the verdict already holds the caller's facts (rule caller_facts), only the check is added."""
    if not facts["query"]:  # nothing given: the same questions for every answer of this service
        body["caller"] = caller_questions(cat, s)
        return
    check = check_caller(cat.conditions.get(s.id, []), cat.titles, facts["sum_insured"], facts["policy_start"],
                         facts["diagnosed_on"])
    body["caller"] = check.as_dict()
    if check.outcome != "fail" or decided:
        return
    failed = [c.say for c in check.checks if c.outcome == "fail"]
    for item in [*body.get("results", []), *([body] if "verdict" in body else [])]:
        item.update(verdict="not_eligible", verdict_label=VERDICT_LABELS["not_eligible"],
                    reasons=failed + [r for r in item.get("reasons") or [] if r],
                    say=f"{item.get('name') or body.get('hospital', {}).get('name', '')}不能使用{s.name}："
                        f"{'；'.join(failed)}。")
    if "message" in body:
        body["message"] = body["caller"]["say"] + " " + body["message"]


def no_list_answer(cat: Catalog, s: Service) -> dict[str, Any]:
    area = [c for c in cat.conditions.get(s.id, []) if c["aspect"] == "area"]
    where = (f"服务地域：{area[0]['text']}（{cite_line(area[0]['source_file'], area[0]['line'], cat.titles)}）。"
             if area else "")
    return {"in_city_count": 0, "eligible_total": 0, "count": 0, "notes": [],
            "message": f"{s.name}不按医院名单提供，手册没有印医院或城市名单；{where}请按“使用方式”申请。",
            "origin": None, "results": []}


def specialty_filter(cat: Catalog) -> tuple[dict[str, list[dict[str, Any]]] | None, dict[str, Any] | None]:
    """hospital id → the team evidence matching `specialty` (best match first), or (None, None) without it."""
    q = params.text("specialty", max_len=40)
    if not q:
        return None, None
    terms = expand(q)
    only: dict[str, list[dict[str, Any]]] = {}
    for hid, teams in cat.teams.items():
        hits = []
        for t in teams:
            m = match_specialties(json.loads(t["specialties"]), terms)
            if m:
                hits.append((m, t))
        if hits:
            hits.sort(key=lambda mt: (_RANK[mt[0][0]], mt[1]["line"]))
            only[hid] = [with_title(team_evidence(t, m), cat.titles) for m, t in hits]
    if not only:
        known = sorted({sp for teams in cat.teams.values() for t in teams for sp in json.loads(t["specialties"])})
        close = process.extract(normalize_term(q), known, scorer=fuzz.WRatio, limit=8)
        raise bad_request("unknown_specialty", f"名单中没有擅长“{q}”的团队（也没有其同义词、上位或下位病种）",
                          [{"specialty": name, "score": round(score, 1)} for name, score, _ in close if score >= 50])
    tables = sorted({t["table_id"] for teams in cat.teams.values() for t in teams})
    return only, {"query": q, "terms": {t: MATCH_LABELS[k] for t, k in terms.items()},
                  "hospitals_with_team": len(only),
                  "note": f"专科按医院团队名单筛选（{'、'.join(tables)}），同义词与上下位病种见 "
                          "directory/knowledge/specialty_terms.tsv"}


def team_grouped(cat: Catalog, s: Service, hospital_id: str, evidence: list[dict]) -> list[dict]:
    """Rows of a team list as one evidence item per team (naming it), not one per printed row."""
    teams = [t for t in cat.teams.get(hospital_id, []) if t["table_id"] in s.tables]
    if not teams:
        return evidence
    covered = {lid for t in teams for lid in json.loads(t["listing_ids"])}
    return [with_title(team_evidence(t), cat.titles) for t in teams] + [e for e in evidence
                                                                       if e.get("listing_id") not in covered]
