"""Place the hospitals the mainland pipeline leaves without a city (overseas lists, 台湾), give them
points, and their English names as aliases.

Overseas hospital, strongest evidence first:
  1. the place its row prints (000's 国家/城市 column: 洛杉矶, 英国伦敦, 佛罗里达州), refined to a city
     written in its name when the printed place is a state or a country (坦帕 (佛罗里达州) 综合医院);
  2. a city written in its name (King's College Hospital (London, England), 东京大学医学部附属医院);
  3. the gazetteer city within 40 km of its reviewed Wikidata point (inferred, and labelled so);
  4. its country.
Point: the reviewed Wikidata link's point (sources/reference/wikidata_links.tsv, `same` links) where
there is one, else the point of its place (city, state or country; geo_precision says which).
A hospital in China without a city (台湾童综合医院) takes the city of its reviewed Wikidata link.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from directory import provenance
from directory.manifest import sources_dir
from geodata.abroad import Place, country_code, load_places, lookup, nearest_city, place_in_text, within

LINKS = Path("reference") / "wikidata_links.tsv"
_BRACKETS = re.compile(r"[(（][^()（）]*[)）]")
_INSTITUTION_EN = re.compile(r"\b(Hospitals?|Clinic|Cent(?:er|re)|Institute|Medicine)\b", re.I)
_BILINGUAL = re.compile(r"^(?P<en>[A-Za-z][A-Za-z0-9 .,'’&/\-]*?)\s*(?P<zh>[\u4e00-\u9fff][^A-Za-z]*)$")


def bilingual_parts(name: str) -> tuple[str, str] | None:
    """'Massachusetts General Hospital 麻省总医院' → (English, Chinese); None for a name in one language."""
    m = _BILINGUAL.match(_BRACKETS.sub(" ", name).strip())
    # Each half must name an institution by itself ('UCSD 医疗中心' is one name, not two).
    if not m or not _INSTITUTION_EN.search(m.group("en")) or len(m.group("zh").strip()) < 4:
        return None
    return m.group("en").strip(), m.group("zh").strip()


@dataclass(frozen=True)
class WikidataLink:
    qid: str
    label: str
    lat: float
    lon: float
    manual_ref: str   # NNN:LINE
    city: str
    line: int         # line in wikidata_links.tsv


@cache
def wikidata_links(root: Path | None = None) -> tuple[WikidataLink, ...]:
    path = (root or sources_dir()) / LINKS
    if not path.exists():
        return ()
    out = []
    with path.open(encoding="utf-8") as f:
        for n, r in enumerate(csv.DictReader(f, delimiter="\t"), 2):
            if r.get("match") != "same" or not r.get("lat"):
                continue
            out.append(WikidataLink(r["qid"], r["wikidata_label"], float(r["lat"]), float(r["lon"]),
                                    r["manual_ref"], r.get("city") or "", n))
    return tuple(out)


def links_by_hospital(listings: list[dict[str, Any]], root: Path | None = None) -> dict[str, WikidataLink]:
    """hospital id → its reviewed Wikidata link (through the manual row the link names)."""
    hid_of = {f"{li['source_file'][:3]}:{li['line']}": li.get("hospital_id") for li in listings}
    out: dict[str, WikidataLink] = {}
    for link in wikidata_links(root):
        hid = hid_of.get(link.manual_ref)
        if hid and hid not in out:
            out[hid] = link
    return out


def _place_of(h: dict[str, Any], rows: list[dict[str, Any]], cc: str,
              link: WikidataLink | None) -> tuple[Place | None, str, dict[str, Any] | None]:
    """(place, how it was found, the listing row whose printed place it is when it is exactly that)."""
    country = load_places().get(cc)
    printed = next(((p, li) for li in rows for p in lookup(li.get("raw_place") or "", cc)[:1]), None)
    area, where = country, ""
    if printed:
        area, li = printed
        where = f"列表所印地点“{li['raw_place']}”（{li['source_file'][:3]} 第 {li['line']} 行）"
        if area.level == "city":
            return area, where, li
    for name in [h["name"], *(li["raw_name"] for li in rows)]:
        city = place_in_text(name, cc, inside=area)
        if city:
            return city, "；".join(filter(None, [where, f"院名写明{city.name}"])), None
    if link:
        near = nearest_city(link.lat, link.lon, cc)
        if near and (area is None or within(near[0], area)):
            return near[0], "；".join(filter(None, [where, (
                f"推断：Wikidata 点位（{link.qid}）距{near[0].name} {near[1]:.0f} 公里"
                f"（sources/reference/wikidata_links.tsv 第 {link.line} 行）")])), None
    return area, where or "只知国家", printed[1] if printed else None


def _fact(facts: list[dict[str, Any]], h: dict[str, Any], fact: str, value: str, klass: str, source: str,
          evidence: str) -> None:
    """Record a chosen fact (directory/facts conventions: an inferred value's source starts with 'rule ')."""
    for f in facts:
        if f["hospital_id"] == h["id"] and f["fact"] == fact:
            f["chosen"] = 0
    facts.append({"hospital_id": h["id"], "fact": fact, "value": value, "class": klass, "source": source,
                  "evidence": evidence, "chosen": 1})


def place_abroad(hospitals: list[dict[str, Any]], listings: list[dict[str, Any]], facts: list[dict[str, Any]],
                 root: Path | None = None) -> dict[str, Any]:
    """Set the place of non-mainland hospitals (and a point where the facts stage chose none) in place,
    recording each as a chosen fact; return English and bilingual aliases and stats."""
    rows_of: dict[str, list[dict[str, Any]]] = {}
    for li in listings:
        if li.get("hospital_id"):
            rows_of.setdefault(li["hospital_id"], []).append(li)
    links = links_by_hospital(listings, root)
    aliases, stats = [], {"placed_city": 0, "placed_region": 0, "country_only": 0, "place_points": 0}
    for h in hospitals:
        link = links.get(h["id"])
        country = h.get("country") or "中国"
        if country == "中国":
            if not h.get("city_adcode") and link and link.city:
                _place_by_link(h, link, facts)
            continue
        cc = country_code(country)
        if not cc:
            continue
        place, how, printed = _place_of(h, rows_of.get(h["id"], []), cc, link)
        if place is None:
            continue
        h.update(province_adcode=cc, province=None, place_source=how, adcode=place.code,
                 city_adcode=place.code if place.level != "country" else None,
                 city=place.name if place.level != "country" else None, city_class=None)
        if place.level != "country":
            # A place the row prints is stated; one read from the name or a Wikidata point is inferred.
            klass = "stated" if printed else "inferred"
            source = (provenance.manual_ref(printed['source_file'], printed['line']) if printed
                      else provenance.rule_ref("abroad-name-place" if "院名" in how else "abroad-nearest-city"))
            h["city_class"] = klass
            _fact(facts, h, "city", place.code, klass, source, how)
        stats["placed_city" if place.level == "city" else "placed_region" if place.level == "region"
              else "country_only"] += 1
        # A name printed in two languages is found by either half (麻省总医院, Massachusetts General Hospital).
        for li in rows_of.get(h["id"], []):
            for part in bilingual_parts(li["raw_name"]) or ():
                aliases.append({"hospital_id": h["id"], "alias": part,
                                "source": f"中英文名称 {li['source_file']}:{li['line']}"})
        if link:
            aliases.append({"hospital_id": h["id"], "alias": link.label,
                            "source": f"{provenance.wikidata_ref(link.qid)}（wikidata_links.tsv:{link.line}）"})
        if h.get("lat") is None:  # the facts stage chose no point (no reviewed Wikidata link): the place's
            where = f"{place.name} / {place.name_en}（{place.code}）的位置：{place.coord_source}"
            rule = provenance.rule_ref("place-point")
            h.update(lat=place.lat, lon=place.lon, geo_precision=place.level, point_class="inferred",
                     geo_source=provenance.with_evidence(rule, where))
            _fact(facts, h, "point", f"{place.lat:.6f},{place.lon:.6f}", "inferred", rule, where)
            stats["place_points"] += 1
    return {"aliases": aliases, "stats": stats}


def _place_by_link(h: dict[str, Any], link: WikidataLink, facts: list[dict[str, Any]]) -> None:
    """A hospital in China that no list places (台湾童综合医院): the city its reviewed Wikidata link states."""
    from geodata.divisions import load_regions
    from geodata.places import resolve_city_query

    m = resolve_city_query(link.city)
    if not m.city_adcode:
        return
    regions = load_regions()
    how = f"Wikidata 点位（{link.qid}）在{link.city}（sources/reference/wikidata_links.tsv 第 {link.line} 行）"
    h.update(city_adcode=m.city_adcode, province_adcode=m.province_adcode, adcode=m.city_adcode,
             city=regions[m.city_adcode].name, province=regions[m.province_adcode].name if m.province_adcode else None,
             place_source=how, city_class="stated")
    _fact(facts, h, "city", m.city_adcode, "stated", provenance.wikidata_ref(link.qid), how)
