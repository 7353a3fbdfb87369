"""OpenAPI 3.0 description of the API (served at /api/v1/openapi.json; validated in the tests)."""
from __future__ import annotations

import functools
from typing import Any


def _q(name: str, desc: str, required: bool = False, schema: dict[str, Any] | None = None,
       example: Any = None) -> dict[str, Any]:
    p: dict[str, Any] = {"name": name, "in": "query", "required": required, "description": desc,
                         "schema": schema or {"type": "string", "maxLength": 200}}
    if example is not None:
        p["example"] = example
    return p


SERVICE = _q("service", "Service id (002-green-channel) or a name as people say it: the service name or any "
             "alias (重疾绿通, 二次诊疗, MDT, 特药, 医疗垫付); substring of a name as fallback. Every text parameter "
             "is folded first: traditional → simplified, full-width → half-width (重疾綠通, ＭＤＴ).", True,
             example="重疾绿通")
INSURER = _q("insurer", "Narrows `service` to one insurer (substring: 众安, 中宏, 平安).", example="众安")
CITY = _q("city", "Where the caller is: a city in any form the manuals use (温州, 温州市, 凉山州, 北京 / 市辖区), a "
          "district (海淀区: the answer is for 北京市, distances from 海淀区's centre), a county or county-level city "
          "(彭州市, 昆山市: answered for that place itself), a 6-digit adcode, or an address "
          "(北京市海淀区中关村大街1号 → 海淀区's centre); abroad, a city, US state or country in Chinese or English "
          "(洛杉矶, London, 佛罗里达州, 日本, 首尔) or its code (US-5368361).", True,
          schema={"type": "string", "maxLength": 100}, example="温州")
SPECIALTY = _q("specialty", "Only hospitals with a team for this disease or field (胃癌, 肺部肿瘤, 乳腺癌): matched "
               "directly, by synonym, or by a broader or narrower field (胃癌 within 胃肠肿瘤 within 消化道肿瘤); "
               "the evidence names the team and its lines.", example="胃癌")
CALLER = [
    _q("sum_insured", "The caller's main-policy sum insured (50万, 500000元): decides a service's minimum sum "
       "insured. Without it the answer says what to ask. `min_sum_insured` is accepted as the same.",
       schema={"type": "string", "maxLength": 20}, example="50万"),
    _q("policy_start", "Policy effective date (YYYY-MM-DD); with diagnosed_on decides a counted waiting period.",
       schema={"type": "string", "maxLength": 20}, example="2024-01-01"),
    _q("diagnosed_on", "Date of diagnosis (YYYY-MM-DD).", schema={"type": "string", "maxLength": 20},
       example="2024-06-01"),
]
MIN_GRADE = _q("min_grade", "Minimum hospital grade: 一级, 二级, 三级, 三级乙等, 三级甲等 (or 1, 2, 3). A hospital "
               "of unknown grade stays in the answer with verdict 'unknown'.", example="三级")
VERDICT_ENUM = ["eligible", "likely", "not_eligible", "unknown"]


def _resp(desc: str, ref: str | None = None) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{ref}"} if ref else {"type": "object"}
    return {"description": desc, "content": {"application/json": {"schema": schema}}}


ERRORS = {"400": _resp("Invalid, ambiguous or unknown parameter (lists candidates); codes: missing_parameter, "
                       "invalid_parameter, out_of_range, unknown_service, ambiguous_service, unknown_insurer, "
                       "insurer_mismatch, unknown_city, ambiguous_city, city_required, unknown_province, "
                       "ambiguous_province, unknown_hospital, ambiguous_hospital, unknown_specialty, "
                       "not_a_coverage_service", "Error"),
          "404": _resp("Not found: unknown_hospital, unknown_service (by id), not_found (no such path)", "Error"),
          "405": _resp("Method not allowed: method_not_allowed (the API answers GET)", "Error"),
          "500": _resp("Internal error: internal_error", "Error")}


def _get(summary: str, parameters: list[dict[str, Any]], ok: str, ref: str | None = None,
         op: str = "") -> dict[str, Any]:
    return {"get": {"summary": summary, "operationId": op, "parameters": parameters,
                    "responses": {"200": _resp(ok, ref), **ERRORS}}}


@functools.lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    evidence = {"type": "object", "description": "Where the manuals say so: a listing row (raw_name), a "
                "coverage entry (raw_city), a team or a catalog line (text). `source_file` and `line` are for "
                "machines; text for people cites the manual by `manual_title` (《众安健康服务介绍》第 413 行).",
                "properties": {"service_id": {"type": "string"}, "source_file": {"type": "string"},
                               "line": {"type": "integer"},
                               "manual_title": {"type": "string", "description": "The title of the manual (or "
                                                "imported list) `source_file` is, from the registry's `sources`."},
                               "raw_name": {"type": "string", "nullable": True},
                               "raw_city": {"type": "string", "nullable": True}}}
    hospital = {"type": "object", "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}, "province": {"type": "string", "nullable": True},
        "city": {"type": "string", "nullable": True}, "district": {"type": "string", "nullable": True},
        "grade": {"type": "string", "nullable": True},
        "grade_class": {"type": "string", "nullable": True, "enum": ["stated", "inferred", None],
                        "description": "stated (a source prints the grade) or inferred (a range such as 二级及以上 "
                                       "by a documented rule); null when the grade is unknown."},
        "geo_precision": {"type": "string", "nullable": True},
        "lat": {"type": "number", "nullable": True}, "lon": {"type": "number", "nullable": True},
        "country": {"type": "string", "nullable": True}, "parent_id": {"type": "string", "nullable": True}}}
    fact = {"type": "object", "description": "One fact a rule used: value, class (stated / inferred / null = "
            "unknown) and its evidence.",
            "properties": {"fact": {"type": "string"}, "label": {"type": "string"}, "value": {"nullable": True},
                           "class": {"type": "string", "enum": ["stated", "inferred", None], "nullable": True},
                           "class_label": {"type": "string"},
                           "source": {"type": "string", "nullable": True,
                                      "description": "Where the value comes from, worded to be read out (a manual "
                                                     "by its title and line); the registry's stored provenance "
                                                     "string is in GET /hospitals/{id} `facts`."},
                           "evidence": {"type": "string", "nullable": True}}}
    rule_result = {"type": "object", "description": "One rule's outcome on the hospital, with the facts it used.",
                   "properties": {"rule": {"type": "string"}, "title": {"type": "string"},
                                  "outcome": {"type": "string", "enum": ["pass", "fail", "unknown"]},
                                  "outcome_label": {"type": "string"}, "say": {"type": "string"},
                                  "facts": {"type": "array", "items": {"$ref": "#/components/schemas/Fact"}}}}
    verdict = {"type": "object", "properties": {
        "verdict": {"type": "string", "enum": VERDICT_ENUM,
                    "description": "eligible: every fact the rules need is stated and passes; likely: all pass, "
                                   "some only inferred (named in `inferred`); not_eligible: a fact fails (see "
                                   "`reasons`); unknown: a needed fact has no evidence (see `to_check`)."},
        "verdict_label": {"type": "string", "enum": ["符合条件", "可能符合", "不符合", "待核实"]},
        "say": {"type": "string", "description": "One Chinese sentence an agent can read out."},
        "reasons": {"type": "array", "items": {"type": "string"}, "description": "The deciding clauses (Chinese)."},
        "inferred": {"type": "array", "items": {"type": "string"}, "description": "Facts that are only inferred."},
        "to_check": {"type": "array", "items": {"type": "string"}, "description": "Facts without evidence."},
        "facts_used": {"type": "array", "items": {"$ref": "#/components/schemas/RuleResult"}},
        "evidence": {"type": "array", "items": {"$ref": "#/components/schemas/Evidence"}}}}
    nearest_item = {"allOf": [{"$ref": "#/components/schemas/Hospital"}, {"$ref": "#/components/schemas/Verdict"},
                              {"type": "object", "properties": {
        "distance_km": {"type": "number", "nullable": True, "description": "Great-circle km from the origin, "
                        "rounded to 1 km when either end is a centroid; null when the hospital has no coordinates "
                        "(listed last)."},
        "distance_precision": {"type": "string", "nullable": True,
                               "enum": ["exact", "to_centroid", "from_centroid", "centroid_to_centroid", None],
                               "description": "exact: both ends are points; to_centroid: the hospital is only "
                                              "known to its district's or city's centre; from_centroid: the caller "
                                              "is; centroid_to_centroid: both are (a rough comparison only)."},
        "distance_note": {"type": "string", "nullable": True, "description": "Chinese note when not exact."},
        "in_city": {"type": "boolean", "description": "Inside the place the answer is for (the county or "
                    "county-level city when one was named, else the city)."}}}]}
    error = {"type": "object", "required": ["error"], "description": "Every failure: a stable code, a Chinese "
             "message that names the parameter or value and what was expected, and candidates.",
             "properties": {"error": {
        "type": "object", "required": ["code", "message", "candidates"], "properties": {
            "code": {"type": "string", "description": "Machine-readable, stable (missing_parameter, "
                     "unknown_service …); the 400 / 404 / 405 / 500 responses list them."},
            "message": {"type": "string", "description": "In Chinese, for the agent to read out; names the "
                        "parameter (as written, in ASCII) or the value it is about and what was expected: "
                        "参数 city 必填; 参数 limit 须在 1 到 100 之间，收到 500; 没有名为“重疾绿同”的服务；服务 id 形如 "
                        "000-family-doctor，也可以写服务名称或别名."},
            "candidates": {"type": "array", "items": {"type": "object"},
                           "description": "What the caller may have meant: services, places, hospitals, "
                                          "insurers or specialties (empty when there is nothing to offer)."}}}},
        "example": {"error": {"code": "ambiguous_city", "message": "地点“朝阳区”可能指 2 个地方（北京市朝阳区、"
                              "吉林省长春市朝阳区），请写出所在的省市，或使用 6 位行政区划代码",
                              "candidates": [{"adcode": "110105", "name": "朝阳区", "level": "district",
                                              "in": "北京市 北京市"},
                                             {"adcode": "220104", "name": "朝阳区", "level": "district",
                                              "in": "吉林省 长春市"}]}}}
    page_params = [_q("page", "Page number (1–10000).", schema={"type": "integer", "minimum": 1, "maximum": 10000,
                                                                "default": 1}),
                   _q("per_page", "Results per page (1–100).", schema={"type": "integer", "minimum": 1,
                                                                       "maximum": 100, "default": 20})]
    return {
        "openapi": "3.0.3",
        "info": {"title": "hospnet API", "version": "1.0.0",
                 "description": "Which hospital can a policy holder use for service X in city Y — answered from "
                                "insurers' service manuals, with the file and line that say so."},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/nearest": _get(
                "Eligible hospitals for a service in a city, nearest first", [
                    SERVICE, INSURER, CITY,
                    _q("lat", "Origin latitude (WGS-84, −90…90); with lon. Default: the city centre.",
                       schema={"type": "number", "minimum": -90, "maximum": 90}),
                    _q("lon", "Origin longitude (WGS-84, −180…180); with lat.",
                       schema={"type": "number", "minimum": -180, "maximum": 180}),
                    _q("limit", "How many results (1–100).", schema={"type": "integer", "minimum": 1, "maximum": 100,
                                                                     "default": 10}),
                    MIN_GRADE, SPECIALTY, *CALLER],
                "Results; when none is in the city, the nearest elsewhere with in_city=false and a message; "
                "how_to_use (the service's conditions with their manual lines), list_notes and caller (what the "
                "caller's facts decide, or what to ask).",
                "NearestResponse", "nearest"),
            "/api/v1/eligibility": _get(
                "May one hospital be used for a service: eligible / likely / not_eligible / unknown, and why", [
                    _q("hospital", "Hospital id or name as a caller says it: full name, alias, short name (华西, "
                       "浙大二院 — decided only with `city`), old or current name, a typo that reads the same "
                       "(北京协合医院). Two equally good hospitals give the error `ambiguous_hospital` with both as "
                       "candidates; none gives `unknown_hospital`.", True, example="北医三院"),
                    _q("city", "The hospital's city (any form, or adcode): needed for short names.", example="北京"),
                    SERVICE, INSURER, MIN_GRADE, *CALLER],
                "The verdict with its label, a sentence to read out, the rules' facts and evidence; `matched` says "
                "how the hospital name was understood (score, method, reasons); how_to_use and caller as for "
                "nearest.", "EligibilityResponse",
                "eligibility"),
            "/api/v1/resolve": _get(
                "The hospital meant by a name as people say or write it", [
                    _q("name", "The name as said or written: full name, alias, short name (华西, 浙大二院, 中大附一, "
                       "301), old or current name (西部战区总医院), a same-sounding typo (北京协合医院); traditional "
                       "and full-width characters are folded.", True, example="瑞金医院"),
                    _q("city", "The caller's city (any form, or adcode). Short names and typos are only decided "
                       "within a city, and only when one hospital there fits.", example="成都"),
                    _q("limit", "Candidates to return (1–20).", schema={"type": "integer", "minimum": 1,
                                                                         "maximum": 20, "default": 5})],
                "status `matched` (best is the hospital), `ambiguous` (the first ambiguous_count candidates are "
                "equally good; best is null) or `not_found` (candidates are suggestions only); message is what an "
                "agent can read out.", "ResolveResponse", "resolve"),
            "/api/v1/hospitals": _get(
                "Search hospitals (paged); q matches names and aliases in Chinese, pinyin or initials (bjxh)", [
                    _q("q", "Name, alias, pinyin or pinyin initials; a short name, typo or old name is found as "
                       "/api/v1/resolve finds it (with `city` for short names). Traditional and full-width "
                       "characters are folded.", example="bjxh"),
                    _q("province", "Province name (广东) or adcode."), _q("city", "City, any form, or adcode."),
                    _q("grade", "Grade (三级甲等) or level (三级), or 'unknown'."),
                    _q("service", "Only hospitals this service may apply to (verdict eligible, likely or "
                       "unknown; id or name); each result then carries its verdict.", example="重疾绿通"), INSURER,
                    _q("verdict", "With service: keep only these verdicts (comma-separated: eligible, likely, "
                       "unknown).", example="eligible,likely"),
                    *page_params],
                "A page of hospitals.", "HospitalPage", "hospitals"),
            "/api/v1/hospitals/{hospital_id}": {"get": {
                "summary": "One hospital: aliases, campuses, parent, services with evidence, listings",
                "operationId": "hospital",
                "parameters": [{"name": "hospital_id", "in": "path", "required": True,
                                "description": "Hospital id (h + 10 hex digits).", "schema": {"type": "string"}}],
                "responses": {"200": _resp("The hospital."), **ERRORS}}},
            "/api/v1/services": _get("All services with kind, rule, aliases and counts", [], "Services.", None,
                                     "services"),
            "/api/v1/services/{service_id}": {"get": {
                "summary": "One service's catalog entry: what it is, who may use it, waiting period, how often, "
                           "sum insured, how to apply, lead times, exclusions, provider — each with its manual line",
                "operationId": "service",
                "parameters": [{"name": "service_id", "in": "path", "required": True,
                                "description": "Service id (002-green-channel); a service merged as printed twice "
                                               "answers under the one it was merged into.",
                                "schema": {"type": "string"}}],
                "responses": {"200": _resp("The service with how_to_use and conditions by aspect."), **ERRORS}}},
            "/api/v1/cities": _get("Cities (prefecture level) matching q, with tier and hospital count", [
                _q("q", "Part of a city name, any printed form, or an adcode."),
                _q("limit", "Maximum results (1–500).", schema={"type": "integer", "minimum": 1, "maximum": 500,
                                                                 "default": 50})],
                "Cities.", None, "cities"),
            "/api/v1/coverage": _get("Is a city covered by a city_coverage service, with the entries that say so",
                                     # a coverage service as the example (重疾绿通 is a hospital list)
                                     [{**SERVICE, "example": "医疗垫付"}, {**INSURER, "example": "众安"},
                                      {**CITY, "example": "杭州"}], "Coverage of the city.", None, "coverage"),
            "/api/v1/": _get("Every endpoint of the API with a one-line summary", [], "The endpoint list.", None,
                             "api_index"),
            "/api/v1/openapi.json": _get("This document", [], "OpenAPI 3.0 document.", None, "openapi"),
            "/healthz": _get("Liveness: the registry answers; counts, build time, which worker answered and "
                             "whether its service indexes are built", [], "Health.", None, "healthz"),
        },
        "components": {"schemas": {
            "Error": error, "Evidence": evidence, "Hospital": hospital, "NearestItem": nearest_item,
            "Fact": fact, "RuleResult": rule_result, "Verdict": verdict,
            "EligibilityResponse": {"allOf": [{"$ref": "#/components/schemas/Verdict"}, {"type": "object",
                                    "properties": {"hospital": {"$ref": "#/components/schemas/Hospital"},
                                                   "matched": {"type": "object", "nullable": True},
                                                   "service": {"type": "object"},
                                                   "notes": {"type": "array", "items": {"type": "string"}}}}]},
            "NearestResponse": {"type": "object", "properties": {
                "query": {"type": "object"}, "in_city_count": {"type": "integer"},
                "eligible_total": {"type": "integer"}, "count": {"type": "integer"},
                "verdict_counts": {"type": "object", "description": "In-place answers by verdict."},
                "message": {"type": "string", "description": "Chinese summary an agent can read out."},
                "nearest_covered_city": {"type": "string", "nullable": True},
                "coverage": {"type": "object", "description": "For city_coverage services: is the place covered "
                             "(city_covered true / false / null when the source table is incomplete), which entries "
                             "say so, the rule, `say` in Chinese, notes on incomplete source tables."},
                "notes": {"type": "array", "items": {"type": "string"}},
                "origin": {"type": "object", "nullable": True},
                "how_to_use": {"type": "object", "description": "say: one Chinese sentence to read out, each clause "
                               "citing its manual line by title (《都汇康健增值服务手册》第 23 行); items: each "
                               "condition (aspect, label, text as printed, source_file, line, manual_title, cite)."},
                "list_notes": {"type": "array", "items": {"type": "object"},
                               "description": "What the list itself says about its use (以实际预约页面为准 …)."},
                "caller": {"type": "object", "description": "outcome pass / fail / unknown of the caller's facts, "
                           "say, ask_caller (questions to ask), checks with evidence."},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/NearestItem"}}}},
            "ResolveCandidate": {"allOf": [{"$ref": "#/components/schemas/Hospital"}, {"type": "object", "properties": {
                "score": {"type": "number"}, "listing_count": {"type": "integer"},
                "method": {"type": "string", "enum": ["exact", "normalized", "fuzzy", "homophone", "lookalike", "short_form", "kind"],
                           "description": "How the name matched: same text; same normalized name (renames "
                           "applied); similar; a typo that reads the same; a short form unique in the city."},
                "reasons": {"type": "array", "items": {"type": "string"}}}}]},
            "ResolveResponse": {"type": "object", "required": ["query", "status", "message", "best", "candidates"],
                                "properties": {
                "query": {"type": "string"}, "city_adcode": {"type": "string", "nullable": True},
                "status": {"type": "string", "enum": ["matched", "ambiguous", "not_found"]},
                "message": {"type": "string", "description": "In Chinese, for the agent to read out."},
                "best": {"allOf": [{"$ref": "#/components/schemas/ResolveCandidate"}], "nullable": True},
                "ambiguous_count": {"type": "integer", "description": "When ambiguous: how many of the first "
                                    "candidates are equally good."},
                "candidates": {"type": "array", "items": {"$ref": "#/components/schemas/ResolveCandidate"}}}},
            "HospitalPage": {"type": "object", "properties": {
                "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"},
                "pages": {"type": "integer"},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hospital"}}}},
        }},
    }
