"""What the agent pages show, built from the answers the JSON API gives (the pages call the same
functions as the JSON routes, so a page and the API never disagree).

Pure functions over those answer dicts: verdicts with their Chinese labels, evidence as a manual's title,
line and printed text, facts with their class, distances with their precision, and the plain-text
answer an agent pastes into a ticket. Nothing here decides eligibility; it only words what the library
decided.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from api.manual_titles import short_title, titled

# The words of a verdict and of a fact's class are directory.eligibility's, so the page, the API's `say`
# sentences, the CLI and Datasette read the same.
from directory.eligibility.vocabulary import CLASS_LABELS, VERDICT_LABELS, FactClass, VerdictKind
from directory.eligibility.vocabulary import FACT_LABELS as _LIBRARY_FACT_LABELS

KIND_LABELS = {"hospital_list": "医院名单", "city_coverage": "覆盖城市", "overseas": "境外医院"}
PRECISION_LABELS = {"exact": "实际位置", "district": "区县中心点", "city": "城市中心点", "region": "州中心点",
                    "country": "国家中心点"}
_FILE_LINE = re.compile(r"(?P<prefix>.*?)(?P<file>[\w.-]+\.(?:txt|csv|tsv|xlsx)):(?P<line>\d+)$")


# ---- evidence ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """A manual line that says so: the manual's title (not its hashed file name), the line, the text."""

    manual: str
    file: str
    line: int | None
    text: str
    note: str = ""

    @property
    def short_manual(self) -> str:
        return short_title(self.manual)

    def where(self, short: bool = False) -> str:
        """《title》第 N 行, without the printed text."""
        return f"《{self.short_manual if short else self.manual}》" + (f"第 {self.line} 行" if self.line else "")

    def say(self, short: bool = False) -> str:
        where = self.where(short)
        parts = [where + (f"：“{self.text}”" if self.text else "")]
        if self.note:
            parts.append(f"（{self.note}）")
        return "".join(parts)


def evidence_item(e: dict[str, Any], titles: dict[str, str]) -> Evidence:
    file = e.get("source_file") or ""
    text = e.get("raw_name") or e.get("raw_city") or e.get("text") or ""
    team = e.get("team") or e.get("raw_team")
    return Evidence(titles.get(file, file), file, e.get("line"), text, f"团队：{team}" if team else "")


def evidence_list(items: list[dict[str, Any]] | None, titles: dict[str, str]) -> list[Evidence]:
    seen: set[tuple[str, int | None, str]] = set()
    out = []
    for e in items or []:
        ev = evidence_item(e, titles)
        key = (ev.file, ev.line, ev.text)
        if key not in seen:
            seen.add(key)
            out.append(ev)
    return out


_MANUAL_REF = re.compile(r"^manual (?P<doc>\w{3}):(?P<line>\d+)$")  # directory.facts: 'manual 002:75'
_OTHER_REF = re.compile(r"^(?P<kind>reference|import|geocode|knowledge) (?P<file>\S+?):(?P<line>\d+)$")
_OTHER_WORDS = {"reference": "参考数据", "import": "导入的名单", "geocode": "地理编码缓存", "knowledge": "审核过的知识文件"}


def cited_source(source: str | None, titles: dict[str, str], short: bool = False) -> str:
    """A source as the registry writes it ('002_….txt:151', 'bracket in 002_….txt:151', 'list 000_….txt:308',
    'manual 002:75', 'reference fever_clinics_2020.tsv:12', 'wikidata Q123', 'rule …') in words: a manual
    by its title and line, other sources by kind, file and line."""
    if not source:
        return ""
    text = source.strip()

    def manual(file: str, line: str) -> str:
        title = titles.get(file, file)
        return f"《{short_title(title) if short else title}》第 {line} 行"

    if m := _MANUAL_REF.match(text):
        file = next((f for f in titles if f.startswith(m["doc"] + "_")), m["doc"])
        return manual(file, m["line"])
    if m := _OTHER_REF.match(text):
        return f"{_OTHER_WORDS[m['kind']]} {m['file']} 第 {m['line']} 行"
    if text.startswith("wikidata "):
        return f"Wikidata {text.split(' ', 1)[1]}"
    if text.startswith("rule "):
        return f"规则 {text.split(' ', 1)[1]}"
    if m := _FILE_LINE.match(text):
        prefix = m["prefix"].strip()
        what = {"bracket in": "括号中的别称，", "list": "名单写明，", "": ""}.get(prefix, prefix + " ")
        return what + manual(m["file"], m["line"])
    return text


# ---- facts ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fact:
    label: str
    value: str | None
    klass: FactClass | None
    source: str = ""
    evidence: str = ""
    conflicting: int = 0  # other candidate values the sources give (kept in the `facts` table)

    @property
    def class_label(self) -> str:
        return CLASS_LABELS[self.klass if self.value not in (None, "") else None]

    @property
    def known(self) -> bool:
        return self.value not in (None, "") and self.klass is not None


# Facts the library has no word for yet (city_proper, address) are named here.
FACT_LABELS = {"city_proper": "是否在市辖区", "address": "地址", **_LIBRARY_FACT_LABELS}
_FACT_WORDS = {"ownership": {"public": "公立", "private": "民营"}, "inpatient": {"1": "能收治住院", "0": "不收治住院"},
               "city_proper": {"1": "在市辖区", "0": "在县或县级市"}}


def fact_from_answer(f: dict[str, Any], titles: dict[str, str], short: bool = True) -> Fact:
    """A fact as the API reports it: {fact, label?, value, shown?, class, source, evidence}."""
    name = f.get("fact") or ""
    shown = f.get("shown", f.get("value"))
    if shown is not None:
        shown = _FACT_WORDS.get(name, {}).get(str(shown), shown)
    klass = f.get("class") if f.get("class") in ("stated", "inferred") else None
    return Fact(f.get("label") or FACT_LABELS.get(name, name), None if shown in (None, "") else str(shown), klass,
                cited_source(f.get("source"), titles, short), titled(f.get("evidence"), titles, short),
                int(f.get("conflicting") or 0))


_PLACE_SOURCE_CLASS: dict[str, tuple[FactClass, str]] = {
    "list": ("stated", "名单所列的省/市栏"),
    "list_province": ("stated", "名单所列的省份栏"),
    "name": ("inferred", "医院名称中的地名"),
    "institution_seat": ("inferred", "所属院校的所在城市"),
}


def place_facts(h: dict[str, Any], titles: dict[str, str], short: bool = True) -> list[Fact]:
    """A hospital's place, grade and point with class and evidence: the registry's `facts` when the
    answer carries them, else what the hospital row's source columns say."""
    if h.get("facts"):
        return [fact_from_answer(f, titles, short) for f in h["facts"]]
    klass, why = _PLACE_SOURCE_CLASS.get(h.get("place_source") or "", (None, ""))
    out = []
    if h.get("country") and h.get("country") != "中国":
        out.append(Fact("国家/地区", h.get("country"), "stated", "名单所列"))
        if h.get("overseas_city"):
            out.append(Fact("城市", h["overseas_city"], "stated", "名单所列"))
    else:
        out.append(Fact("省份", h.get("province"), klass, why))
        out.append(Fact("城市", h.get("city"), klass, why))
        out.append(Fact("区县", h.get("district"), klass if h.get("district") else None, why if h.get("district") else ""))
    grade_src = h.get("grade_source") or ""
    out.append(Fact("医院等级", h.get("grade"), "stated" if h.get("grade") and grade_src else None,
                    cited_source(grade_src, titles, short)))
    precision = h.get("geo_precision")
    point = PRECISION_LABELS.get(precision or "", "未知")
    out.append(Fact("位置", point if precision == "exact" else None, "stated" if precision == "exact" else None,
                    "" if precision == "exact" else f"具体位置未知，地图按{point}显示"))
    return out


# ---- verdicts ------------------------------------------------------------------------------------------

@dataclass
class Rule:
    title: str
    outcome: str
    say: str
    facts: list[Fact]


@dataclass
class HospitalAnswer:
    id: str
    name: str
    verdict: VerdictKind
    verdict_label: str
    say: str
    reasons: list[str]
    grade: str | None
    grade_class: str | None
    place: str
    distance: str | None
    distance_note: str | None
    evidence: list[Evidence]
    rules: list[Rule] = field(default_factory=list)
    to_check: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    in_city: bool = True
    lat: float | None = None
    lon: float | None = None


def verdict_of(item: dict[str, Any]) -> tuple[VerdictKind, str]:
    kind = item.get("verdict") or "unknown"
    return kind, item.get("verdict_label") or VERDICT_LABELS.get(kind, kind)


def grade_text(grade: str | None, klass: str | None) -> str:
    """A grade as read out: an inferred one says so (二级及以上（推断）)."""
    if not grade:
        return ""
    return f"{grade}（{CLASS_LABELS['inferred']}）" if klass == "inferred" else grade


def place_text(h: dict[str, Any]) -> str:
    if h.get("country") and h.get("country") != "中国":
        return " · ".join(x for x in (h.get("country"), h.get("overseas_city") or h.get("city")) if x)
    return " · ".join(x for x in (h.get("city"), h.get("district")) if x) or (h.get("province") or "")


def _km(d: float) -> str:
    if d < 1:
        return "不到 1 公里"
    return f"{d:.1f} 公里" if d < 10 else f"{d:.0f} 公里"


def _approx(d: float, exact: bool) -> str:
    return _km(d) if exact or d < 1 else f"约 {_km(d)}"


def distance_text(item: dict[str, Any], origin: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """(distance as read out, how precise it is) for one hospital of an answer: the answer's own
    distance_precision and distance_note (directory.eligibility words them)."""
    d = item.get("distance_km")
    note = item.get("distance_note")
    if d is None:
        return None, note or ("没有计算距离的起点" if not origin else "医院没有坐标，无法计算距离")
    if item.get("distance_precision") == "centroid_to_centroid" and d < 1:
        return None, note  # both ends are the same centre: no distance to read out
    return _approx(d, item.get("distance_precision") == "exact"), note


def hospital_answer(item: dict[str, Any], origin: dict[str, Any] | None, titles: dict[str, str]) -> HospitalAnswer:
    kind, label = verdict_of(item)
    distance, note = distance_text(item, origin)
    rules = [Rule(r.get("title") or r.get("rule") or "", r.get("outcome_label") or r.get("outcome") or "",
                  titled(r.get("say"), titles), [fact_from_answer(f, titles) for f in r.get("facts") or []])
             for r in item.get("facts_used") or []]
    return HospitalAnswer(
        id=item["id"], name=item["name"], verdict=kind, verdict_label=label, say=titled(item.get("say"), titles),
        reasons=[titled(r, titles) for r in item.get("reasons") or []], grade=item.get("grade"),
        grade_class=item.get("grade_class"), place=place_text(item),
        distance=distance, distance_note=note, evidence=evidence_list(item.get("evidence"), titles), rules=rules,
        to_check=list(item.get("to_check") or []), inferred=list(item.get("inferred") or []),
        in_city=bool(item.get("in_city", True)), lat=item.get("lat"), lon=item.get("lon"))


# ---- the whole answer ----------------------------------------------------------------------------------

@dataclass
class HowTo:
    """One statement of the service catalog ("how to use": how to apply, who may, waiting period …, or a
    note the list prints), with the manual line it comes from."""

    text: str
    label: str = ""
    evidence: Evidence | None = None


@dataclass
class Answer:
    service_id: str
    service: str          # 重疾绿通（众安保险）
    kind: str
    place: str            # 温州市
    message: str
    notes: list[str]
    hospitals: list[HospitalAnswer]
    how_to_use: list[HowTo]
    coverage: list[Evidence]
    origin: str | None
    total_in_place: int
    counts: dict[str, int]
    origin_point: dict[str, float] | None = None  # where distances are measured from
    list_notes: list[HowTo] = field(default_factory=list)
    caller_say: str = ""                 # what the caller's own facts decide, or what to ask
    ask_caller: list[str] = field(default_factory=list)

    def count_badges(self) -> list[tuple[str, str, int]]:
        """(verdict, label, how many) in reading order, labelled as the hospitals are."""
        shown = {h.verdict: h.verdict_label for h in self.hospitals}
        return [(k, shown.get(k) or VERDICT_LABELS[k], self.counts[k])
                for k in ("eligible", "likely", "unknown", "not_eligible") if self.counts.get(k)]


def _statements(raw: Any, titles: dict[str, str]) -> list[HowTo]:
    """Catalog statements as answers carry them: a sentence, {"say", "items": [...]}, or a list of
    {label?, say?/text, source_file, line}."""
    if not raw:
        return []
    if isinstance(raw, str):
        return [HowTo(titled(raw, titles))]
    if isinstance(raw, dict):
        raw = raw.get("items") or ([raw["say"]] if raw.get("say") else [])
    out = []
    for x in raw:
        if isinstance(x, str):
            out.append(HowTo(titled(x, titles)))
            continue
        ev = Evidence(titles.get(x["source_file"], x["source_file"]), x["source_file"], x.get("line"),
                      x.get("text") or "") if x.get("source_file") else None
        out.append(HowTo(titled(x.get("say") or x.get("text") or "", titles), x.get("label") or "", ev))
    return [h for h in out if h.text]


def service_label(s: dict[str, Any]) -> str:
    return f"{s['name']}（{s['insurer']}）" if s.get("insurer") else s["name"]


def answer_view(body: dict[str, Any], titles: dict[str, str]) -> Answer:
    q = body.get("query") or {}
    s = q.get("service") or {}
    city = q.get("city") or {}
    district = city.get("district") or {}
    place = (city.get("answered_for") or {}).get("name") or district.get("name") or city.get("name") or ""
    if district.get("name") and city.get("name") and district["name"] != city["name"]:
        place = f"{city['name']}{district['name']}"
    origin = body.get("origin")
    hospitals = [hospital_answer(item, origin, titles) for item in body.get("results") or []]
    coverage = evidence_list((body.get("coverage") or {}).get("evidence"), titles)
    # Counts of the whole place (not only the hospitals shown), as the answer gives them.
    counts: dict[str, int] = dict(body.get("verdict_counts") or {})
    if origin:
        origin_text = origin.get("say") or ("按来电者给出的位置计算距离" if origin.get("source") == "caller"
                                            else "来电者位置按所在城市或区县的中心点估算")
    else:
        origin_text = None
    return Answer(service_id=s.get("id", ""), service=service_label(s) if s else "", kind=s.get("kind", ""),
                  place=place, message=titled(body.get("message"), titles),
                  notes=[titled(n, titles) for n in body.get("notes") or []],
                  hospitals=hospitals,
                  how_to_use=_statements(body.get("how_to_use") or s.get("how_to_use"), titles), coverage=coverage,
                  origin=origin_text, total_in_place=int(body.get("in_city_count") or 0), counts=counts,
                  origin_point={"lat": origin["lat"], "lon": origin["lon"]}
                  if origin and origin.get("lat") is not None and origin.get("lon") is not None else None,
                  list_notes=_statements(body.get("list_notes"), titles),
                  caller_say=titled((body.get("caller") or {}).get("say"), titles),
                  ask_caller=[titled(q, titles) for q in (body.get("caller") or {}).get("ask_caller") or []])


def plain_text(a: Answer) -> str:
    """The answer as plain text for a ticket: service and place, the summary, each hospital with its
    verdict, distance, grade, reasons and evidence lines, and how to use the service."""
    lines = [f"【{a.service} · {a.place}】"]
    if a.message:
        lines.append(a.message)
    lines += a.notes
    for i, h in enumerate(a.hospitals, 1):
        head = f"{i}. {h.name}"
        extra = "，".join(x for x in (grade_text(h.grade, h.grade_class), h.place) if x)
        lines.append(f"{head}（{extra}）— {h.verdict_label}" if extra else f"{head} — {h.verdict_label}")
        if h.distance:
            lines.append(f"   距离：{h.distance}" + (f"（{h.distance_note}）" if h.distance_note else ""))
        if h.say:
            lines.append(f"   说明：{h.say}")
        elif h.reasons:
            lines.append(f"   原因：{'；'.join(h.reasons)}")
        for ev in h.evidence[:3]:
            lines.append(f"   依据：{ev.say()}")
        if len(h.evidence) > 3:
            lines.append(f"   （另有 {len(h.evidence) - 3} 条依据）")
    if a.coverage:
        lines.append("覆盖城市依据：" + "；".join(ev.say() for ev in a.coverage[:3]))
    if a.caller_say:
        lines.append(a.caller_say)
    if a.how_to_use:
        lines.append("使用方法：")
        for h in a.how_to_use:
            lines.append(f"- {h.label + '：' if h.label else ''}{h.text}" + (f"（{h.evidence.where()}）" if h.evidence else ""))
    if a.list_notes:
        lines.append("名单说明：")
        for h in a.list_notes:
            lines.append(f"- {h.text}" + (f"（{h.evidence.where()}）" if h.evidence else ""))
    return "\n".join(lines)


# ---- errors --------------------------------------------------------------------------------------------

_ERROR_TEXT = {
    "missing_parameter": "请填写{what}。",
    "unknown_service": "没有找到名为“{value}”的服务。",
    "ambiguous_service": "“{value}”对应多项服务，请选择一项（或选择保险公司）：",
    "unknown_insurer": "没有找到保险公司“{value}”。",
    "insurer_mismatch": "这项服务不属于所选的保险公司。",
    "unknown_city": "没有找到地点“{value}”。",
    "ambiguous_city": "“{value}”可能指多个地点，请选择一个：",
    "city_required": "“{value}”是一个省份，请填写城市或区县：",
    "unknown_hospital": "没有找到医院“{value}”。",
    "ambiguous_hospital": "“{value}”可能指多家医院，请选择：",
    "invalid_parameter": "输入有误：{message}",
    "out_of_range": "输入超出范围：{message}",
}


def error_text(code: str, value: str | None, what: str = "", message: str = "") -> str:
    return _ERROR_TEXT.get(code, "无法回答：{message}").format(value=value or "", what=what, message=message)
