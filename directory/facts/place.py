"""Where a hospital is at city level: every piece of place evidence a listing gives, weighed.

Evidence kinds and their weights are data (directory/knowledge/place_weights.tsv). The province is
decided first (each city's evidence counts for its province too), then the city inside it by summed
weight; ties go to the single strongest piece. Disagreeing evidence is kept visible as a conflict.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from directory import provenance
from directory.facts.knowledge import place_weights
from directory.facts.records import Fact, manual_ref
from directory.names import outside_brackets
from geodata.divisions import city_of, province_of
from geodata.place_index import place_index
from geodata.places import place_from_name

EvidenceKind = Literal["name_explicit", "name_bare", "name_campus", "list_cell", "import_cell", "reference_row",
                       "institution_seat", "knowledge_city"]
_OK = ("exact", "alias", "conflict")
# Old place_source labels the API and tests read: which kind of evidence decided the city.
_PLACE_SOURCE = {"name_explicit": "name", "name_bare": "name", "name_campus": "name", "list_cell": "list",
                 "import_cell": "list", "reference_row": "list", "institution_seat": "institution_seat",
                 "knowledge_city": "knowledge"}


@dataclass(frozen=True)
class PlaceEvidence:
    """One statement of where a listed hospital is (any of province / city / district may be None)."""

    kind: EvidenceKind
    province: str | None
    city: str | None
    district: str | None
    source: str
    evidence: str
    # The printed row within its document (name and cells): a manual that prints one table several times
    # (002's list for three services) states each row once, so its copies weigh once.
    printing: str = ""

    @property
    def klass(self) -> str:
        return place_weights()[self.kind][0]

    @property
    def weight(self) -> int:
        return place_weights()[self.kind][1]


@dataclass(frozen=True)
class CityDecision:
    province: str | None
    city: str | None
    place_source: str
    conflict: str
    facts: tuple[Fact, ...]


def _names() -> dict[str, str]:
    return place_index().names


def source_of(listing: dict, origin: str) -> str:
    return (provenance.import_ref(listing['source_file'], listing['line']) if origin == "imported"
            else manual_ref(listing["source_file"], listing["line"]))


def listing_evidence(listing: dict, clean_name: str, origin: str, located=None,
                     campus: str | None = None) -> list[PlaceEvidence]:
    """The place evidence of one mainland listing: its name (outside brackets) and its cells. `located` is
    the listing's place as resolution read it (directory.locate / hospitals._locate): a district it found
    that the name and cells here do not give (a county's stem after the city in the name, a county cell)
    is added as district-only evidence. `campus` is the campus the name states (顺德分院): a campus named
    after a county-level unit is there (name_campus), and its institution's seat says nothing about it."""
    from directory.locate import resolve_listed  # locate.py holds the list-cell reading rules
    from geodata.places import resolve_place

    out: list[PlaceEvidence] = []
    src = source_of(listing, origin)
    prov, city = listing.get("raw_province"), listing.get("raw_city")
    district = listing.get("raw_district") or listing.get("raw_county")
    printing = "|".join((listing["source_file"], listing.get("raw_name") or "", prov or "", city or "", district or ""))
    outside = outside_brackets(clean_name)
    named = place_from_name(outside)
    listed = None
    if prov or city or district:
        listed = resolve_place(prov, city, district) if district else resolve_listed(prov, city)
    listed_city = listed is not None and listed.status in _OK and listed.city_adcode
    if named.status in _OK and named.province_adcode:
        seat = "(institution's seat)" in named.reason
        kind = "institution_seat" if seat else "name_explicit" if named.status == "exact" else "name_bare"
        # A university's seat is not where its hospital's branch is: for a campus it only fills in a city
        # the row's cells do not give (华中科技大学附属同济医院（光谷）under 湖北 alone).
        if not (seat and campus and listed_city):
            out.append(PlaceEvidence(kind, named.province_adcode, named.city_adcode, named.district_adcode,
                                     provenance.rule_ref("institution-seat" if seat else "name-place"),
                                     f"院名 '{outside}'（{src}）：{named.reason}", printing))
    if listed is not None and listed.status in _OK and listed.province_adcode:
        kind = "import_cell" if origin == "imported" else "list_cell"
        cells = " / ".join(c for c in (prov, city, district) if c)
        out.append(PlaceEvidence(kind, listed.province_adcode, listed.city_adcode, listed.district_adcode,
                                 src, f"名单栏 '{cells}'：{listed.reason}", printing))
    if campus:
        province = (listed.province_adcode if listed is not None and listed.status in _OK else None) \
            or (named.province_adcode if named.status in _OK else None)
        unit = campus_unit(campus, province)
        if unit:
            code, text = unit
            out.append(PlaceEvidence("name_campus", province_of(code), city_of(code), code,
                                     provenance.rule_ref("campus-place"),
                                     f"'{outside}' 的院区 '{campus}'（{src}）：'{text}' 指"
                                     f"{_names().get(code, code)}", printing))
    district_found = getattr(located, "district", None)
    if district_found and all(e.district != district_found for e in out):
        # only the district: the city weights above already count this listing
        from_cell = "county cell" in (located.reason or "")
        kind = ("import_cell" if origin == "imported" else "list_cell") if from_cell else "name_explicit"
        out.append(PlaceEvidence(kind, None, None, district_found, src if from_cell else provenance.rule_ref("name-place"),
                                 f"院名 '{clean_name}'（{src}）：{located.reason}", printing))
    return out


_CAMPUS_WORDS = re.compile(r"(院区|医疗区|分院|分部|总部|新院|医院|院|部|区)$")


def campus_unit(campus: str, province: str | None) -> tuple[str, str] | None:
    """(county-level adcode, text) when a campus is named after a county-level unit (顺德分院 → 顺德区,
    增城分院 → 增城区): one unit of that name in the province (or in the country when the province is not
    known), by its full name or its stem."""
    idx = place_index()
    text = _CAMPUS_WORDS.sub("", campus.strip())
    if len(text) < 2:
        return None
    found: set[str] = set()
    for form in (text, text + "区", text + "县", text + "市", text + "旗"):
        found.update(e.adcode for e in idx.district.get(form, ()))
    found.update(e.adcode for e in idx.district_stem.get(text, ()))
    if province:
        found = {c for c in found if province_of(c) == province}
    return (found.pop(), text) if len(found) == 1 else None


def decide_city(hospital_id: str, evidence: list[PlaceEvidence]) -> CityDecision:
    """Weigh the evidence: province first, then the city inside it. Returns the facts (chosen flagged)."""
    names = _names()
    weights = place_weights()
    weight = []
    counted: set[tuple] = set()
    for e in evidence:
        # Copies of one printed row (a manual printing its table again for another service) weigh once.
        key = (e.kind, e.province, e.city, e.printing) if e.printing else None
        weight.append(0 if key in counted else weights[e.kind][1])
        if key:
            counted.add(key)
    prov_total: dict[str, int] = {}
    strongest: dict[str, int] = {}
    for e, w in zip(evidence, weight, strict=True):
        if e.province:
            prov_total[e.province] = prov_total.get(e.province, 0) + w
            strongest[e.province] = max(strongest.get(e.province, 0), w)
    if not prov_total:
        return CityDecision(None, None, "none", "", ())
    province = max(prov_total, key=lambda p: (prov_total[p], strongest[p]))
    city_total: dict[str, int] = {}
    top: dict[str, int] = {}
    for e, w in zip(evidence, weight, strict=True):
        if e.city and province_of(e.city) == province:
            city_total[e.city] = city_total.get(e.city, 0) + w
            top[e.city] = max(top.get(e.city, 0), w)
    city = max(city_total, key=lambda c: (city_total[c], top[c])) if city_total else None
    # The chosen fact is the strongest STATED piece supporting the city when there is one (the city is
    # then stated even if a name rule weighed most), else the strongest piece.
    support = sorted((e for e in evidence if city and e.city == city),
                     key=lambda e: (e.klass == "stated", e.weight), reverse=True)
    chosen = support[0] if support else None
    facts = tuple(Fact(hospital_id, "city", e.city, e.klass, e.source,  # type: ignore[arg-type]
                       f"{names.get(e.city, e.city)}：{e.evidence}", e.weight, e is chosen)
                  for e in evidence if e.city)
    best = max(support, key=lambda e: e.weight) if support else None
    conflict = ""
    others = {c: n for c, n in city_total.items() if c != city}
    other_provs = {p for p in prov_total if p != province}
    if others or other_provs:
        parts = [f"{names.get(c, c)}（{n}）" for c, n in sorted(city_total.items(), key=lambda kv: -kv[1])]
        parts += [f"省 {names.get(p, p)}（{prov_total[p]}）" for p in sorted(other_provs)]
        conflict = ("各项证据所指城市不一致，权重合计（place_weights.tsv）：" + "、".join(parts)
                    + f"；选定{names.get(city or province, city or province)}")
    kind = best.kind if best else max((e for e in evidence if e.province == province), key=lambda e: e.weight).kind
    place_source = _PLACE_SOURCE.get(kind, "list") if city else "list_province"
    return CityDecision(province, city, place_source, conflict, facts)
