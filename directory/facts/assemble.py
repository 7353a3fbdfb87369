"""Compute every fact of every hospital in the build and copy the chosen ones onto `hospitals`.

Order matters only where one fact checks another: the city is decided first (listings, then
reference rows), then the district from everything but points, then points (checked against the
city and district polygons), then a district from a point where none was known.
"""
from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from directory import provenance
from directory.facts import city_proper as proper_mod
from directory.facts import district as district_mod
from directory.facts import facility, grade, ownership, proper_rules
from directory.facts import point as point_mod
from directory.facts.knowledge import district_rules, district_weight
from directory.facts.known_addresses import ADDRESSES_FILE, KnownAddress, known_addresses
from directory.facts.known_facts import FACTS_FILE, known_facts
from directory.facts.names import leading_places, without_brackets
from directory.facts.place import PlaceEvidence, decide_city, source_of
from directory.facts.records import FACT_KINDS, Fact, FactsError, choose
from directory.facts.reference import (
    FEVER_FILE,
    FEVER_PROVENANCE,
    Link,
    PlacedRow,
    link_rows,
    place_row,
    read_fever_list,
    reference_rows,
    registry_index,
)
from directory.facts.reviewed_rows import ReviewedRow, cited_listing
from directory.facts.validation import validation
from directory.facts.wikidata import ITEMS_FILE, LINKS_FILE, WikidataLink, read_items, read_links, wanted_qids
from geodata.divisions import province_of
from geodata.place_index import place_index

# hospitals.<fact>_class / _source columns filled from the chosen facts.
SHORT = 200
# Address candidates: an import's address column, then a linked 2020 row's, then a reviewed one
# (knowledge/hospital_addresses.tsv), which is used only where no source gives an address.
W_ADDRESS_IMPORT, W_ADDRESS_REFERENCE, W_ADDRESS_KNOWLEDGE = 3, 2, 1
NOT_HOSPITALS = {"门诊部", "诊所", "体检机构", "防治所"}  # not graded as hospitals: no inferred grade
W_KNOWLEDGE = 0  # a reviewer's row (knowledge/hospital_facts.tsv): below every source's statement


class Candidates:
    """Every candidate fact, by hospital and kind."""

    def __init__(self) -> None:
        self._by: dict[tuple[str, str], list[Fact]] = defaultdict(list)

    def add(self, fact: Fact) -> None:
        self._by[(fact.hospital_id, fact.fact)].append(fact)

    def extend(self, facts) -> None:
        for f in facts:
            self.add(f)

    def of(self, hid: str, kind: str) -> list[Fact]:
        return self._by.get((hid, kind), [])


@dataclass
class FactsResult:
    facts: list[dict] = field(default_factory=list)
    reference_hospitals: list[dict] = field(default_factory=list)
    aliases: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    report: dict[str, str] = field(default_factory=dict)
    rules: list[dict] = field(default_factory=list)  # the `inference_rules` table: each rule's validation


def _short(f: Fact) -> str:
    text = provenance.with_evidence(f.source, f.evidence)
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def _mainland(h: dict) -> bool:
    return h["country"] == "中国" and (h.get("province_adcode") or "")[:2] not in ("71", "81", "82")


def _source_row(path: Path, title: str, date: str, origin: str) -> dict:
    data = path.read_bytes()
    return {"file": path.name, "insurer": None, "product": None, "title": title, "date": date, "origin": origin,
            "line_count": data.count(b"\n") + (0 if data.endswith(b"\n") else 1),
            "sha256": hashlib.sha256(data).hexdigest()}


@functools.lru_cache(maxsize=65536)
def _exact_key(name: str) -> str:
    from directory.names import clean_name

    return without_brackets(clean_name(name))


def cross_city_evidence(placed: list[PlacedRow], hospitals: list[dict], aliases: list[dict]
                        ) -> tuple[dict[str, list[PlaceEvidence]], list[tuple[PlacedRow, str]]]:
    """Reference rows that name a registry hospital EXACTLY (same normalized name outside brackets,
    unique in the reference list and held by one registry hospital only) give city evidence even
    when the registry places the hospital elsewhere: a list cell shifted by a row is then outweighed.
    This is evidence for the city vote only; linking (facts, aliases) stays inside one city. Also returns
    the rows that write their own city before a registry name (濮阳市安阳地区医院): they link to that
    hospital once the vote has placed it in the row's city."""
    by_key: dict[str, list[PlacedRow]] = defaultdict(list)
    for p in placed:
        if p.city_adcode:
            by_key[_exact_key(p.row.name)].append(p)
    holders: dict[str, set[str]] = defaultdict(set)
    mainland = {h["id"] for h in hospitals if _mainland(h)}
    for a in aliases:
        if a["hospital_id"] in mainland:
            holders[_exact_key(a["alias"])].add(a["hospital_id"])
    out: dict[str, list[PlaceEvidence]] = defaultdict(list)
    for key, rows in by_key.items():
        ids = holders.get(key, set())
        if len(rows) != 1 or len(ids) != 1 or len(key) < 6:
            continue
        p = rows[0]
        out[next(iter(ids))].append(PlaceEvidence(
            "reference_row", province_of(p.city_adcode), p.city_adcode, None, p.row.ref,
            f"'{p.row.name}' 列在{p.row.province}{p.row.city}下（同名，在 {p.row.file} 中唯一）"))
    # A row that writes its own city before a registry name which itself opens with another place
    # (濮阳市安阳地区医院 for 安阳地区医院, named after a former prefecture): the same name, placed by the row.
    prefixed: dict[str, list[PlacedRow]] = defaultdict(list)
    for key, rows in by_key.items():
        if len(rows) != 1:
            continue
        rest, found = leading_places(key, max_places=2)
        if not found or not all(rows[0].city_adcode in codes or any(c[:4] == rows[0].city_adcode[:4] for c in codes)
                                for _head, codes in found):
            continue
        if len(rest) >= 6 and len(holders.get(rest, ())) == 1 and leading_places(rest, max_places=1)[1]:
            prefixed[rest].append(rows[0])
    pairs: list[tuple[PlacedRow, str]] = []
    for rest, rows in prefixed.items():
        hid = next(iter(holders[rest]))
        if len(rows) != 1 or out.get(hid):
            continue
        p = rows[0]
        out[hid].append(PlaceEvidence(
            "reference_row", province_of(p.city_adcode), p.city_adcode, None, p.row.ref,
            f"'{p.row.name}' 列在{p.row.province}{p.row.city}下：'{rest}' 前加了所在城市名（在 {p.row.file} 中唯一）"))
        pairs.append((p, hid))
    return out, pairs


def _apply_city(h: dict, evidence: list[PlaceEvidence]) -> list[Fact]:
    names = place_index().names
    d = decide_city(h["id"], evidence)
    if d.province:
        h.update(province_adcode=d.province, city_adcode=d.city, province=names.get(d.province),
                 city=names.get(d.city) if d.city else None, place_source=d.place_source,
                 place_conflict=d.conflict or None, adcode=d.city or d.province)
    return list(d.facts)


def compute_facts(hospitals: list[dict], listings: list[dict], origin_of: dict[str, str],
                  place_evidence: dict[str, list[PlaceEvidence]], aliases: list[dict], name_norms: list[dict],
                  reference_dir: Path, geocode: dict | None = None,
                  place_facts: dict[str, tuple[Fact, ...]] | None = None) -> FactsResult:
    """Compute all facts; update `hospitals` in place with the chosen values; return the new rows."""
    result = FactsResult()
    names = place_index().names
    by_id = {h["id"]: h for h in hospitals}
    members: dict[str, list[dict]] = defaultdict(list)
    for li in listings:
        members[li["hospital_id"]].append(li)
    cands = Candidates()

    # 1. Reference rows: city evidence (exact names, any city), then links inside a city.
    fever_path = reference_dir / FEVER_FILE
    placed: list[PlacedRow] = []
    links: list[Link] = []
    evidence = {hid: list(ev) for hid, ev in place_evidence.items()}
    if fever_path.exists():
        fever = read_fever_list(fever_path)
        result.sources.append(_source_row(fever_path, FEVER_PROVENANCE["title"], FEVER_PROVENANCE["date"],
                                          FEVER_PROVENANCE["origin"]))
        placed = [place_row(r) for r in fever.rows]
        cross, prefixed = cross_city_evidence(placed, hospitals, aliases)
        for hid, extra in cross.items():
            evidence.setdefault(hid, []).extend(extra)
            _apply_city(by_id[hid], evidence[hid])
        links = link_rows(placed, registry_index(hospitals, aliases, name_norms))
        linked_rows = {lk.placed.row.ref for lk in links}
        links += [Link(p, hid, 100.0, f"与 '{by_id[hid]['name']}' 同名，名称前加了所在城市 {p.row.city}")
                  for p, hid in prefixed
                  if p.row.ref not in linked_rows and by_id[hid].get("city_adcode") == p.city_adcode]
        cross_lines = {(e.source, hid) for hid, ev in cross.items() for e in ev}
        for lk in links:
            if (lk.placed.row.ref, lk.hospital_id) not in cross_lines:
                evidence.setdefault(lk.hospital_id, []).append(PlaceEvidence(
                    "reference_row", province_of(lk.placed.city_adcode), lk.placed.city_adcode, None,
                    lk.placed.row.ref, f"'{lk.placed.row.name}' 在{lk.placed.row.city}内对应到本院（{lk.reason}）"))
            result.aliases.append({"hospital_id": lk.hospital_id, "alias": lk.placed.row.name,
                                   "source": lk.placed.row.ref})
        result.reference_hospitals = reference_rows(placed, links, grade.reference_grade)
        registry_cities = {h["city_adcode"] for h in hospitals}
        result.report["reference rows linked"] = (
            f"{len(links)}/{len(placed)} rows of {FEVER_FILE} → {len({lk.hospital_id for lk in links})} hospitals "
            f"(resolve_name inside the row's city, score ≥ 98); rows whose city has no registry hospital: "
            f"{sum(1 for p in placed if p.city_adcode and p.city_adcode not in registry_cities)}")
        result.report["reference rows as cross-city evidence"] = str(sum(len(v) for v in cross.values()))
        unmapped = grade.unmapped_levels([r.level for r in fever.rows])
        result.report["reference level words not in grade_vocabulary.tsv"] = json.dumps(unmapped, ensure_ascii=False)
    more = {hid for hid, ev in evidence.items() if len(ev) != len(place_evidence.get(hid, ()))}
    for h in hospitals:
        if h["country"] != "中国":
            continue
        if h["id"] in more or place_facts is None:
            cands.extend(_apply_city(h, evidence.get(h["id"], [])))
        else:  # no reference evidence: the decision made when the hospital was resolved stands
            cands.extend(place_facts.get(h["id"], ()))
    links_of: dict[str, list[Link]] = defaultdict(list)
    for lk in links:
        links_of[lk.hospital_id].append(lk)

    # 2. District from everything but points; addresses.
    for h in hospitals:
        hid, city = h["id"], h.get("city_adcode")
        if h["country"] != "中国" or not city:
            continue
        dc = district_mod.name_candidates(hid, city, evidence.get(hid, []))
        dc += district_mod.campus_candidates(hid, h["name"], h.get("campus"), city)
        for lk in links_of[hid]:
            r = lk.placed.row
            if r.address:
                dc += district_mod.address_candidates(hid, r.address, city, r.ref, "reference_address")
                cands.add(Fact(hid, "address", r.address, "stated", r.ref,
                               f"{r.file} 的地址栏（{r.date}）", W_ADDRESS_REFERENCE))
            dc += district_mod.county_candidates(hid, r.county, lk.placed.county_adcode, lk.placed.county_reason,
                                                 r.ref)
        for li in members[hid]:
            if li.get("raw_address"):
                src = source_of(li, origin_of[li["source_file"]])
                dc += district_mod.address_candidates(hid, li["raw_address"], city, src, "import_address")
                cands.add(Fact(hid, "address", li["raw_address"], "stated", src, "地址栏", W_ADDRESS_IMPORT))
        cands.extend(dc)
    listing_at = {(li["source_file"][:3], li["line"]): li for li in listings}
    known = known_address_facts(known_addresses(), listing_at, by_id)
    for f in known:
        cands.add(f)
    result.report["reviewed addresses"] = (
        f"{sum(1 for f in known if f.fact == 'district')} rows of {ADDRESSES_FILE} → "
        f"{len({f.hospital_id for f in known if f.fact == 'district'})} hospitals")

    def source_district(hid: str, city: str | None) -> Fact | None:
        return choose([f for f in source_facts(cands.of(hid, "district")) if district_mod.in_city(f, city)])[1]

    # 2b. A county written without its suffix after the city (district_rules.tsv), validated like every rule
    # against the districts sources state (registry and 2020 rows; never a reviewer's address).
    stated_sites = proper_examples(hospitals, placed, links, source_district)
    for rule in district_rules():
        outcomes = []
        for ex in stated_sites:
            code = district_mod.county_after_city(ex.name, ex.city)
            if code:
                outcomes.append((code == ex.district, f"{ex.name}（{names.get(ex.district, ex.district)}，{ex.source}）"))
        check = validation(rule.rule_id, "district", "所写的县", rule.evidence, outcomes)
        result.report[f"district rule {rule.rule_id}"] = check.describe()
        result.rules.append(check.row())
        if check.enabled:
            for h in hospitals:
                if _mainland(h) and h.get("city_adcode"):
                    cands.extend(district_mod.stem_candidates(h["id"], h["name"], h["city_adcode"], rule.rule_id,
                                                              check.describe()))

    def district_choice(hid: str, city: str | None) -> Fact | None:
        pool = [f for f in cands.of(hid, "district") if district_mod.in_city(f, city)]
        return choose(pool)[1]

    # 3. Points.
    wd_links = _wikidata_links(reference_dir, result)
    exact: dict[str, list[point_mod.PointCandidate]] = defaultdict(list)
    from directory.facts.knowledge import wikidata_countries

    countries = wikidata_countries()
    for wl in wd_links:
        li = listing_at.get((wl.doc, wl.manual_line))
        if li is None:
            raise_missing(wl)
        hid = li["hospital_id"]
        kind = "同一院址" if wl.match == "same" else "本院的另一院区"
        cand = point_mod.PointCandidate(
            hid, wl.lat, wl.lon, "stated", provenance.wikidata_ref(wl.qid),
            f"「{wl.label}」（{wl.website or '无网址'}）经 {wl.file}:{wl.line} 审核与"
            f"{provenance.doc_ref(wl.doc, wl.manual_line)}「{wl.manual_name}」为{kind}（审核记录「{wl.evidence}」）",
            point_mod.W_WIKIDATA,
            countries.get(wl.country))
        if wl.match == "same":
            exact[hid].append(cand)
        else:
            cands.add(Fact(hid, "point", point_mod.fmt(wl.lat, wl.lon), "stated", cand.source,
                                        cand.evidence + "；未采用：院区条目是另一处院址", 0))
    for h in hospitals:
        hid = h["id"]
        for li in members[hid]:
            if li.get("raw_lat") not in (None, "") and li.get("raw_lon") not in (None, ""):
                c = _import_point(hid, li, origin_of)
                if c:
                    exact[hid].append(c)
        cached = (geocode or {}).get((h["name"], h.get("city_adcode") or ""))
        if cached:
            exact[hid].append(point_mod.PointCandidate(hid, cached.lat, cached.lon, "inferred",
                                                       provenance.geocode_ref(cached.source),
                                                       "地理编码缓存：在所在城市内按院名搜索地点的第一个结果",
                                                       point_mod.W_GEOCODE))
    usable_points: dict[str, list[Fact]] = defaultdict(list)
    margin_check: Counter = Counter()
    for h in hospitals:
        hid, city = h["id"], h.get("city_adcode")
        known = district_choice(hid, city)
        accepted = usable_points[hid]
        for c in exact.get(hid, []):
            # 台湾 (no city-level unit known for most rows) is checked against the province polygon
            unit = city or (h.get("province_adcode") if (h.get("province_adcode") or "")[:2] == "71" else None)
            checked = point_mod.check(c, h["country"], unit, known.value if known else None)
            fact = point_mod.candidate_fact(c, checked)
            if checked.accepted:
                accepted.append(fact)
            else:
                fact = Fact(fact.hospital_id, fact.fact, fact.value, fact.klass, fact.source, fact.evidence, 0)
            cands.add(fact)
        chosen_point = choose(accepted)[1]
        if chosen_point and city and h["country"] == "中国":
            lat, lon = (float(x) for x in chosen_point.value.split(","))
            found = point_mod.district_from_point(hid, lat, lon, city, chosen_point.source)
            if known is None and found:
                cands.add(found)
            elif known is not None:  # the margin rule checked against districts known otherwise
                margin_check["agree" if found and found.value == known.value else
                             "undecided" if found is None else "disagree"] += 1
        if chosen_point is None:
            d = district_choice(hid, city)
            cf = point_mod.centroid_fact(hid, d.value if d else None, city)
            if cf:
                cands.add(cf[0])
                accepted.append(cf[0])

    # 3b. In the city's 市辖区 or not: from the district, else an exact point, else the city's make-up,
    # else the name (city_proper_rules.tsv, each rule validated against the districts sources state).
    proper_checks = proper_rules.validate(stated_sites)
    for check in proper_checks.values():
        result.report[f"city_proper rule {check.rule_id}"] = check.describe()
        result.rules.append(check.row())
    for h in hospitals:
        hid, city = h["id"], h.get("city_adcode")
        if not _mainland(h) or not city:
            continue
        for lk in links_of[hid]:
            f = proper_mod.from_reference_county(hid, lk.placed.row.county, city, lk.placed.row.ref)
            if f:
                cands.add(f)
        d = district_choice(hid, city)
        if d:
            cands.add(proper_mod.from_district(hid, d))
            continue
        cands.extend(proper_rules.candidates(hid, h["name"], city, _is_campus(h), proper_checks))
        p = choose([f for f in usable_points.get(hid, []) if not provenance.is_kind(f.source, "rule")])[1]
        if p:
            lat, lon = (float(x) for x in p.value.split(","))
            f = proper_mod.from_point(hid, lat, lon, city, p.source)
            if f:
                cands.add(f)
        f = proper_mod.from_city(hid, city)
        if f:
            cands.add(f)

    result.report["point-in-district check"] = (
        f"hospitals with an exact point and a district known otherwise: agree {margin_check['agree']}, "
        f"disagree {margin_check['disagree']}, undecided (within {point_mod.BOUNDARY_KM} km of a boundary) "
        f"{margin_check['undecided']}")

    # 4. Grade, ownership, facility type, inpatient.
    alias_names: dict[str, dict[str, str]] = defaultdict(dict)
    for a in [*aliases, *result.aliases]:
        alias_names[a["hospital_id"]].setdefault(a["alias"], a["source"])
    for h in hospitals:
        hid = h["id"]
        for li in members[hid]:
            src = source_of(li, origin_of[li["source_file"]])
            cands.extend(grade.cell_candidates(hid, li, src))
            cands.extend(grade.statement_candidates(hid, li, src))
            cands.extend(ownership.stated_candidates(hid, li.get("raw_ownership"), src))
        for lk in links_of[hid]:
            cands.extend(grade.reference_candidates(hid, lk.placed.row.level, lk.placed.row.ref, lk.placed.row.date))
        if h["country"] == "中国":
            cands.extend(facility.candidates(hid, h["name"]))
            cands.extend(ownership.grammar_candidates(hid, h["name"]))
            for alias, src in sorted(alias_names[hid].items()):
                if alias != h["name"]:
                    cands.extend(ownership.grammar_candidates(hid, alias, f"（{src} 所写的名称）"))

    # 4'. Reviewed facts (knowledge/hospital_facts.tsv): stated, weighed below every source.
    reviewed = known_fact_candidates(known_facts(), listing_at, by_id)
    cands.extend(reviewed)
    result.report["reviewed facts"] = (
        f"{len(reviewed)} rows of {FACTS_FILE} → " + ", ".join(
            f"{kind} {n}" for kind, n in sorted(Counter(f.fact for f in reviewed).items())))
    result.report["reviewed grades checked"] = reviewed_grade_check(reviewed, cands)

    # 4a. Inferred grades, by rules that agree with the stated grades (registry and reference rows; never a
    # reviewer's row, which is knowledge, not a source).
    examples = [(r["name"], r["grade"], provenance.reference_ref(r['source_file'], r['line']), r["city_adcode"])
                for r in result.reference_hospitals if r["grade"]]
    for h in hospitals:
        stated = choose(source_facts(cands.of(h["id"], "grade")))[1]
        if stated and not provenance.is_kind(stated.source, "reference"):  # reference rows are counted above
            examples.append((h["name"], stated.value, stated.source, h.get("city_adcode")))
    checks = grade.validate_rules(examples)
    for check in checks.values():
        result.report[f"grade rule {check.rule.rule_id}"] = check.describe()
        result.rules.append(check.validation.row())
    campus_check = grade.validate_campus_rule(*campus_grade_examples(result.reference_hospitals, hospitals, cands,
                                                                      alias_names))
    if campus_check:
        result.report[f"grade rule {campus_check.rule_id}"] = campus_check.describe()
        result.rules.append(campus_check.row())
    for h in hospitals:
        kinds = {f.value for f in cands.of(h["id"], "facility_type")}
        if _mainland(h) and not kinds & NOT_HOSPITALS:
            cands.extend(grade.rule_candidates(h["id"], h["name"], h.get("city_adcode"), checks))
            parent = h.get("parent_id")
            parent_grade = choose(cands.of(parent, "grade"))[1] if parent else None
            if parent_grade:
                cands.extend(grade.campus_candidate(h["id"], h["name"], by_id[parent]["name"], parent_grade,
                                                    campus_check))

    # 4b. A campus without ownership evidence of its own belongs to its institution's owner.
    def own_choice(hid: str) -> Fact | None:
        facts = cands.of(hid, "ownership")
        return None if ownership.undecided(facts) else choose(facts)[1]

    for h in hospitals:
        parent = h.get("parent_id")
        if parent and not cands.of(h["id"], "ownership"):
            owner = own_choice(parent)
            if owner:
                cands.add(Fact(
                    h["id"], "ownership", owner.value, "inferred", provenance.rule_ref("campus-of-parent"),
                    f"是{by_id[parent]['name']}（{parent}）的院区，该院为{provenance.OWNERSHIP_WORDS.get(owner.value, owner.value)}"
                    f"（{provenance.CLASS_WORDS[owner.klass]}，{owner.source}）", 1))

    # 5. Choose, write back, keep every candidate.
    for h in hospitals:
        hid = h["id"]
        for kind in FACT_KINDS:
            facts = cands.of(hid, kind)
            if kind == "district":
                inside = [f for f in facts if district_mod.in_city(f, h.get("city_adcode"))]
                marked, chosen = choose(inside)
                facts = marked + [f for f in facts if not district_mod.in_city(f, h.get("city_adcode"))]
            elif kind == "point":
                usable = usable_points.get(hid, [])
                marked, chosen = choose(usable)
                ids = {id(u) for u in usable}
                facts = marked + [f for f in facts if id(f) not in ids]
            elif kind == "ownership" and ownership.undecided(facts):
                chosen = None
            elif kind == "city":
                chosen = next((f for f in facts if f.chosen), None)
            else:
                facts, chosen = choose(facts)
            _write_back(h, kind, chosen, facts, names)
            result.facts.extend(f.row() for f in facts)
    result.report.update(coverage_report(hospitals))
    return result


def source_facts(facts: list[Fact]) -> list[Fact]:
    """The stated facts a source gives (a manual, a reference row, an import, Wikidata), not a reviewer's row."""
    return [f for f in facts if f.klass == "stated" and not provenance.is_kind(f.source, "knowledge")]


def known_fact_candidates(rows, listing_at: dict[tuple[str, int], dict], by_id: dict[str, dict]) -> list[Fact]:
    """Stated facts from the reviewed rows (knowledge/hospital_facts.tsv), each on the hospital its
    manual_ref's listing resolved to; the row must name a real listing and copy the name printed there."""
    out = []
    docs = {d for d, _line in listing_at}
    for kf in rows:
        li = reviewed_listing(kf, docs, listing_at, by_id)
        if li is None:
            continue  # the manual it cites is not among this build's sources
        out.append(Fact(li["hospital_id"], kf.fact, kf.value, "stated", kf.source,
                        f"审核记录：{kf.evidence}（{provenance.doc_ref(kf.doc, kf.manual_line)} 印作 "
                        f"'{kf.manual_name}'）",
                        W_KNOWLEDGE))
    return out


def reviewed_grade_check(reviewed: list[Fact], cands: Candidates) -> str:
    """How the reviewed grades agree with the grade a source states for the same hospital (the check rows)."""
    agree, disagree = 0, []
    for f in reviewed:
        if f.fact != "grade":
            continue
        stated = choose(source_facts(cands.of(f.hospital_id, "grade")))[1]
        if stated is None:
            continue
        if grade.consistent(f.value, stated.value):
            agree += 1
        else:
            disagree.append(f"{f.source} says {f.value}, {stated.source} says {stated.value}")
    n = agree + len(disagree)
    share = f"{agree / n:.1%}" if n else "–"
    return (f"{agree}/{n} agree ({share}) with the grade a source states"
            + (f"; disagree: {'; '.join(disagree)}" if disagree else ""))


def _is_campus(h: dict) -> bool:
    return bool(h.get("parent_id") or h.get("campus"))


def proper_examples(hospitals: list[dict], placed: list[PlacedRow], links: list[Link],
                    source_district) -> list[proper_rules.ProperExample]:
    """Sites whose district a source states: registry hospitals (the district a list, an import or a 2020
    row states — not a reviewer's address) and 2020 rows (their address read inside their city, else their
    county column), a row linked to a registry example counted once, as that hospital; each marked main
    site or campus."""
    from directory.names import normalize_cached

    out = []
    counted = set()
    for h in hospitals:
        city = h.get("city_adcode")
        if not _mainland(h) or not city:
            continue
        d = source_district(h["id"], city)
        if d:
            out.append(proper_rules.ProperExample(h["name"], city, d.value, d.source, _is_campus(h)))
            counted.add(h["id"])
    linked = {(lk.placed.row.file, lk.placed.row.line): lk.hospital_id for lk in links}
    for p in placed:
        if not p.city_adcode or linked.get((p.row.file, p.row.line)) in counted:
            continue
        district = None
        if p.row.address:
            district = district_mod.district_from_address(p.row.address, p.city_adcode).district
        district = district or p.county_adcode
        if not district:
            continue
        out.append(proper_rules.ProperExample(p.row.name, p.city_adcode, district, p.row.ref,
                                              normalize_cached(p.row.name).campus is not None))
    return out


def campus_grade_examples(reference: list[dict], hospitals: list[dict], cands: Candidates,
                          alias_names: dict[str, dict[str, str]]):
    """Examples for the campus grade rule: campuses with a stated grade of their own (2020 rows whose name
    carries a campus; registry campuses), and the institutions with a stated grade they may belong to
    (2020 rows without a campus; registry main sites by every name), keyed by grade.institution_key in
    their city. A key two different institutions share is dropped (no guessing which is meant)."""
    from directory.names import normalize_cached

    campuses: list[tuple[str, str, str, str]] = []
    found: dict[tuple[str, tuple[str, bool]], set[tuple[str, str, str, str]]] = defaultdict(set)
    for r in reference:
        if not r["grade"] or not r["city_adcode"]:
            continue
        ref = provenance.reference_ref(r['source_file'], r['line'])
        if normalize_cached(r["name"]).campus is not None:
            campuses.append((r["name"], r["grade"], ref, r["city_adcode"]))
            continue
        key = grade.institution_key(r["name"], r["city_adcode"])
        if key:
            found[(r["city_adcode"], key)].add((r["hospital_id"] or ref, r["name"], r["grade"], ref))
    for h in hospitals:
        city = h.get("city_adcode")
        stated = choose(source_facts(cands.of(h["id"], "grade")))[1]
        if not _mainland(h) or not city or stated is None:
            continue
        if _is_campus(h):
            if not provenance.is_kind(stated.source, "reference"):  # reference rows are counted above
                campuses.append((h["name"], stated.value, stated.source, city))
            continue
        for name in {h["name"], *alias_names.get(h["id"], {})}:
            key = grade.institution_key(name, city)
            if key:
                found[(city, key)].add((h["id"], h["name"], stated.value, stated.source))
    institutions = {k: min(v)[1:] for k, v in found.items() if len({x[0] for x in v}) == 1}
    return campuses, institutions



def reviewed_listing(row: ReviewedRow, docs: set[str], listing_at: dict[tuple[str, int], dict],
                     by_id: dict[str, dict]) -> dict | None:
    """The mainland listing a reviewed knowledge row cites (reviewed_rows.cited_listing), or None when that
    manual is not among this build's sources; a listing abroad is an error naming the row."""
    li = cited_listing(row, listing_at, docs)
    if li is not None and by_id[li["hospital_id"]]["country"] != "中国":
        raise FactsError(f"{row.path}:{row.line}: manual {row.manual_ref} '{row.manual_name}' is not a hospital "
                         "in mainland China")
    return li


def known_address_facts(rows: Iterable[KnownAddress], listing_at: dict[tuple[str, int], dict],
                        by_id: dict[str, dict]) -> list[Fact]:
    """District and address facts from the reviewed addresses (knowledge/hospital_addresses.tsv), each on
    the hospital its manual_ref's listing resolved to. The row must name a real listing and copy the
    name printed there. A row whose city is not the hospital's city still gives its district (kept
    visible as a place conflict, never chosen) but not its address."""
    names = place_index().names
    klass, weight = district_weight("knowledge_address")
    out: list[Fact] = []
    docs = {d for d, _line in listing_at}
    for ka in rows:
        li = reviewed_listing(ka, docs, listing_at, by_id)
        if li is None:
            continue  # the manual it cites is not among this build's sources (another sources folder)
        hid = li["hospital_id"]
        h = by_id[hid]
        text = f"地址 '{ka.address}'（{ka.evidence}）：{ka.reason}"
        out.append(Fact(hid, "district", ka.district, klass, ka.source, text, weight))
        if h.get("city_adcode") == ka.city:
            out.append(Fact(hid, "address", ka.address, "stated", ka.source,
                            f"审核过的{names[ka.district]}地址：{ka.evidence}", W_ADDRESS_KNOWLEDGE))
    return out


def raise_missing(wl: WikidataLink) -> None:
    raise FactsError(f"{wl.file}:{wl.line}: manual_ref {wl.doc}:{wl.manual_line} is not a listing of any manual "
                     f"(expected '{wl.manual_name}')")


def _wikidata_links(reference_dir: Path, result: FactsResult) -> list[WikidataLink]:
    links_path = reference_dir / LINKS_FILE
    if not links_path.exists():
        result.report["wikidata links"] = f"no {LINKS_FILE}: no exact points from Wikidata"
        return []
    items_path = reference_dir / ITEMS_FILE
    links = read_links(links_path, read_items(items_path, wanted_qids(links_path)))
    result.sources.append(_source_row(items_path, "Wikidata 医院条目（有坐标的医院，CC0）", "2024-08-10",
                                      "参考数据：Wikidata（CC0），取自 fititnt/sdm-test-data "
                                      "d/hospital.001.wikidata.tsv（commit 2cb19854）"))
    result.sources.append(_source_row(links_path, "登记册医院与 Wikidata 条目的审核对应表", "",
                                      "参考数据：审核过的对应表（每行有 Wikidata 标签、官方网址和依据）"))
    result.report["wikidata links"] = (f"{len(links)} rows ({sum(1 for x in links if x.match == 'same')} same site, "
                                       f"{sum(1 for x in links if x.match == 'campus')} campus)")
    return links


def _import_point(hid: str, li: dict, origin_of: dict[str, str]) -> point_mod.PointCandidate | None:
    """An imported list's coordinates: the importer already converted them to WGS-84 (raw_crs says from what)."""
    src = source_of(li, origin_of[li["source_file"]])
    try:
        lat, lon = float(li["raw_lat"]), float(li["raw_lon"])
    except (TypeError, ValueError):
        return None  # the importer refuses bad coordinates with file and line; nothing to add here
    crs = li.get("raw_crs") or "wgs84"
    note = "按名单所列" if crs == "wgs84" else f"由导入程序从 {crs} 换算"
    return point_mod.PointCandidate(hid, lat, lon, "stated", src, f"坐标（{lat:.6f}, {lon:.6f}）WGS-84，{note}",
                                    point_mod.W_IMPORT)


def _write_back(h: dict, kind: str, chosen: Fact | None, facts: list[Fact], names: dict[str, str]) -> None:
    klass = chosen.klass if chosen else None
    src = _short(chosen) if chosen else None
    if kind == "city":
        h["city_class"] = klass
    elif kind == "district":
        if chosen:
            h.update(district=names.get(chosen.value), adcode=chosen.value)
        else:
            h.update(district=None, adcode=h.get("city_adcode") or h.get("province_adcode"))
        h.update(district_class=klass, district_source=src)
    elif kind == "point":
        if chosen:
            lat, lon = (float(x) for x in chosen.value.split(","))
            precision = ("exact" if not provenance.is_kind(chosen.source, "rule")
                         else "district" if chosen.source == provenance.rule_ref("district-centroid") else "city")
            h.update(lat=lat, lon=lon, geo_precision=precision, geo_source=src, point_class=klass)
        else:
            h.update(lat=None, lon=None, geo_precision=None, geo_source=None, point_class=None)
    elif kind == "city_proper":
        h.update(city_proper=int(chosen.value) if chosen else None, city_proper_class=klass, city_proper_source=src)
    elif kind == "address":
        h.update(address=chosen.value if chosen else None, address_source=src)
    elif kind == "grade":
        h.update(grade=chosen.value if chosen else None, grade_class=klass, grade_source=src)
        values = Counter(f.value for f in facts)
        h["grade_conflict"] = ("；".join(f"{f.value}（{f.source}）" for f in facts if f.value != chosen.value)
                               if chosen and len(values) > 1 else None)
    elif kind == "ownership":
        h.update(ownership=chosen.value if chosen else None, ownership_class=klass, ownership_source=src)
    elif kind == "facility_type":
        h.update(facility_type=chosen.value if chosen else None, facility_type_class=klass, facility_type_source=src)
    elif kind == "inpatient":
        h.update(inpatient=int(chosen.value) if chosen else None, inpatient_class=klass, inpatient_source=src)
    if kind == "district":
        others = [f for f in facts if not district_mod.in_city(f, h.get("city_adcode"))]
        if others:
            note = "区县证据不在所在城市内：" + "；".join(
                f"{names.get(f.value, f.value)}（{f.source}）" for f in others)
            h["place_conflict"] = f"{h['place_conflict']}；{note}" if h.get("place_conflict") else note


def coverage_report(hospitals: list[dict]) -> dict[str, str]:
    """Share of mainland hospitals with each fact, by class (the build report's 'facts' section)."""
    mainland = [h for h in hospitals if _mainland(h)]
    n = max(len(mainland), 1)
    out = {"mainland hospitals": str(len(mainland))}
    for kind, col, cls in (("district", "district", "district_class"), ("city proper", "city_proper", "city_proper_class"),
                           ("exact point", "geo_precision", "point_class"),
                           ("grade", "grade", "grade_class"), ("ownership", "ownership", "ownership_class"),
                           ("facility type", "facility_type", "facility_type_class"),
                           ("inpatient", "inpatient", "inpatient_class")):
        if kind == "exact point":
            have = [h for h in mainland if h.get(col) == "exact"]
        else:
            have = [h for h in mainland if h.get(col) is not None]
        by = Counter(h.get(cls) for h in have)
        out[kind] = (f"{len(have)}/{len(mainland)} ({len(have) / n:.1%}); stated {by.get('stated', 0)}, "
                     f"inferred {by.get('inferred', 0)}")
    return out

