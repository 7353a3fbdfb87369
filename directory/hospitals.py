"""Turn parsed listings into canonical hospital rows, eligibility, aliases and the review queue."""
from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from functools import cache

from directory.context import (
    complete_district_stem,
    complete_name,
    correct_place_typo,
    county_in_city,
    is_place_note,
)
from directory.facts.place import PlaceEvidence, decide_city, listing_evidence
from directory.grades import normalize_grade
from directory.knowledge import KNOWLEDGE_DIR, read_tsv
from directory.locate import ListingPlace, locate_listing
from directory.match_rules import places_conflict, variants
from directory.names import current_name, normalize_cached, outside_brackets, to_json
from directory.resolve import (
    Row,
    campus_parent,
    canonical_name_with_source,
    hospital_id,
    linked_key,
    linked_keys,
    linked_names,
    resolve,
    site_campus,
)


@cache
def _countries() -> tuple[tuple[str, str], ...]:
    rows = read_tsv(KNOWLEDGE_DIR / "countries.tsv", ("alias", "country", "evidence"), ("alias", "country", "evidence"))
    return tuple((r["alias"], r["country"]) for _, r in rows)


def country_of(listing: dict) -> str:
    """Country of a listing: '中国' for domestic lists; for overseas tables, from group, place or name."""
    if listing.get("raw_country") is None:
        return "中国"
    for text in (listing["raw_country"], listing.get("raw_place") or "", listing["raw_name"]):
        for alias, country in _countries():
            if alias in text:
                return country
    return "未知"


def _regions():
    from geodata.divisions import load_regions

    return load_regions()


def region_rows() -> list[dict]:
    """The `regions` table: every division with its WGS-84 centroid and city tier."""
    from geodata.tiers import tier_for, tier_source

    rows = []
    for r in _regions().values():
        tier = tier_for(r.adcode) if r.level == "city" else None
        rows.append({"adcode": r.adcode, "name": r.name, "level": r.level, "parent_adcode": r.parent_adcode,
                     "lat": r.lat, "lon": r.lon, "coord_source": r.coord_source, "tier": tier,
                     "tier_source": tier_source() if tier else None})
    return rows


def _name(adcode: str | None) -> str | None:
    if not adcode:
        return None
    r = _regions().get(adcode)
    return r.name if r else None


def _locate(cell: tuple, norm) -> ListingPlace:
    """locate_listing, and when the name writes a district without its suffix after its city
    (宁波市鄞州人民医院, 深圳市宝安中医院), the district the normalized name read there."""
    place = locate_listing(*cell)
    if place.city and not place.district and norm.places and norm.places[-1].endswith(("区", "县", "旗")):
        from geodata.name_places import place_from_name

        again = place_from_name("".join(norm.places) + norm.core)
        if again.city_adcode == place.city and again.district_adcode:
            return dataclasses.replace(place, district=again.district_adcode,
                                       reason=f"{place.reason}; district {norm.places[-1]} read from the name")
    return place


def _with_county(place: ListingPlace, province: str | None, county: str) -> ListingPlace:
    """A list's county cell narrows a placed row to its district when it names one inside the city."""
    from dataclasses import replace

    from directory.locate import resolve_listed

    code = county_in_city(place.city, county)
    if code is not None:
        return replace(place, district=code, reason=f"{place.reason}; county cell {county}")
    m = resolve_listed(province, county)
    if m.status in ("exact", "alias") and m.district_adcode and m.city_adcode == place.city:
        return replace(place, district=m.district_adcode, reason=f"{place.reason}; county cell {county}")
    return place


def _doubtful_carried_city(li: dict, norm, place: ListingPlace) -> bool:
    """A city cell carried down from another line of a list whose labels are shifted (001 prints each city
    label one row early: 江苏大学附属医院 under 南通, 江南大学附属医院 under 镇江) is doubtful when the name's
    institution is seated in another city of the same province and the name states no place or campus of its
    own. Such a row is resolved against its whole province instead of the carried city."""
    if not place.city or place.source != "list" or norm.campus or "city carried from line" not in (li.get("note") or ""):
        return False
    from geodata.name_places import place_from_name

    named = place_from_name(outside_brackets(norm.clean))
    return ("(institution's seat)" in named.reason and named.city_adcode is not None
            and named.city_adcode != place.city and named.province_adcode == place.province)


def known_city_evidence(listings: list[dict]) -> dict[int, list[PlaceEvidence]]:
    """Listing id → the reviewed city its row of knowledge/hospital_cities.tsv states (one piece of stated
    evidence, weighed with the others)."""
    from directory.facts.known_cities import known_cities
    from directory.facts.reviewed_rows import cited_listing
    from geodata.divisions import province_of

    listing_at = {(li["source_file"][:3], li["line"]): li for li in listings}
    docs = {d for d, _line in listing_at}

    from directory.locate import resolve_listed
    from directory.names import clean_name

    def printing(li: dict) -> tuple:
        if not (li.get("raw_province") or li.get("raw_city")):
            return li["source_file"], li["line"]
        listed = resolve_listed(li.get("raw_province"), li.get("raw_city"))
        return clean_name(li["raw_name"] or ""), listed.city_adcode or listed.province_adcode

    copies: dict[tuple, list[dict]] = {}
    for li in listings:
        copies.setdefault(printing(li), []).append(li)
    out: dict[int, list[PlaceEvidence]] = {}
    for row in known_cities():
        cited = cited_listing(row, listing_at, docs)
        if cited is None:
            continue
        # The row cites one line; a manual that prints its table again (002, three times), or another list
        # printing the same name under the same city, names the same site with the same error: every such
        # row is placed alike (the reviewed evidence weighs once, place.py).
        for li in copies[printing(cited)]:
            out.setdefault(li["id"], []).append(PlaceEvidence(
                "knowledge_city", province_of(row.city), row.city, None, row.source,
                f"审核过的 '{row.manual_name}'（{row.manual_ref}）所在城市：{row.evidence}", row.source))
    return out


def resolve_hospitals(listings: list[dict], table_services: list[dict], origin_of: dict[str, str]) -> dict:
    """Resolve listings in place (hospital_id, match fields, place) and return the hospital tables."""
    rows: list[Row] = []
    places: dict[int, ListingPlace] = {}
    # Lists repeat the same names and cells many times: normalize and locate each distinct one once.
    norm_of: dict[str, object] = {}
    place_of: dict[tuple, ListingPlace] = {}
    evidence_of: dict[int, list] = {}
    reviewed_cities = known_city_evidence(listings)
    for li in listings:
        country = country_of(li)
        # Overseas names carry their city and country in brackets ((London, England)): not aliases.
        raw = li["raw_name"] if country == "中国" else re.sub(r"[(（][^)）]*[)）]", "", li["raw_name"])
        norm = norm_of.get(raw)
        if norm is None:
            norm = norm_of[raw] = normalize_cached(raw)
        if country == "中国":
            fixed = correct_place_typo(norm.clean, (li.get("raw_city"), li.get("raw_county")))
            if fixed != norm.clean:
                norm = normalize_cached(fixed)
            # Placed by its current name (苏州市吴江区第一人民医院 is now 苏州市第九人民医院, no longer a district's).
            cell = (current_name(norm.clean)[0], li.get("raw_province"), li.get("raw_city"))
            place = place_of.get(cell)
            if place is None:
                place = place_of[cell] = _locate(cell, norm)
            # 省人民医院 in a 四川 row is 四川省人民医院: the row's own place fills a dropped prefix.
            cells = (li.get("raw_province"), li.get("raw_city"), li.get("raw_county"))
            full = complete_name(norm.clean, place.province, place.city, place.district, cells)
            # 宜兴人民医院 in a 无锡 row (county 宜兴市) is 宜兴市人民医院: a county-level unit's bare stem.
            if place.city and not place.district:
                stemmed = complete_district_stem(full, place.city, county_in_city(place.city, li.get("raw_county")))
                if stemmed != full:
                    full = stemmed
                    cell = (current_name(full)[0], li.get("raw_province"), li.get("raw_city"))
                    place = place_of.get(cell) or place_of.setdefault(cell, _locate(cell, normalize_cached(full)))
            if full != norm.clean:
                norm = normalize_cached(full)
            # The district a row is compared by is the one its name or city cell states; a county cell
            # only says where the site stands (四川省人民医院 in 青羊区 is still the province's hospital).
            compare_district = place.district
            if place.city and not place.district and li.get("raw_county"):
                place = _with_county(place, li.get("raw_province"), li["raw_county"])
            # (龙岗), (深圳福田) after a 深圳 hospital in a row of that district say where it is, not which campus.
            if place.city and norm.campus and is_place_note(norm.campus, (place.city, place.district)):
                norm = dataclasses.replace(norm, campus=None)
            # A reviewed city (knowledge/hospital_cities.tsv) is where the site stands: the row is compared with
            # the hospitals of that city (002:316 安阳地区医院 with 濮阳's), whatever city its cells print.
            reviewed = next(iter(reviewed_cities.get(li["id"], ())), None)
            if reviewed is not None and reviewed.city != place.city:
                place = dataclasses.replace(place, province=reviewed.province, city=reviewed.city, district=None,
                                            reason=f"{place.reason}; reviewed city {reviewed.source}")
                compare_district = None
        else:
            place = ListingPlace(None, None, None, "none", f"overseas ({country})")
            compare_district = None
        places[li["id"]] = place
        if country == "中国":
            evidence_of[li["id"]] = listing_evidence(li, norm.clean, origin_of[li["source_file"]], place, norm.campus)
        li.update(province_adcode=place.province, city_adcode=place.city, place_status=place.source,
                  place_reason=place.reason + (f"; CONFLICT: {place.conflict}" if place.conflict else ""))
        order = (0 if origin_of[li["source_file"]] == "bundled" else 1, li["source_file"], li["line"])
        key_city = place.city if country == "中国" else (li.get("raw_place") or None)
        if country == "中国" and _doubtful_carried_city(li, norm, place):
            key_city = None  # compared with its whole province; the hospital's city is weighed afterwards
        rows.append(Row(li["id"], order, li["raw_name"], norm, country, place.province, key_city, compare_district))
    res = resolve(rows)
    parents = campus_parent(res.clusters)
    by_id = {li["id"]: li for li in listings}
    cluster_ids = [hospital_id(f"{c[0].order[1]}:{c[0].order[2]}") for c in res.clusters]
    hospitals, aliases = [], set()
    linked = linked_names()
    placeless: dict[tuple, set[tuple[str, str, str]]] = {}
    # Where each hospital is: every listing's evidence weighed (directory/facts/place.py); the district
    # is decided with the other facts (directory/facts/district.py).
    place_evidence: dict[str, list] = {}
    place_facts: dict[str, tuple] = {}
    for cid, members in enumerate(res.clusters):
        hid = cluster_ids[cid]
        place_evidence[hid] = [e for r in members for e in evidence_of.get(r.listing_id, ())]
        place_evidence[hid] += [e for r in members for e in reviewed_cities.get(r.listing_id, ())]
        decision = decide_city(hid, place_evidence[hid])
        place_facts[hid] = decision.facts
        grades = Counter()
        grade_src: dict[str, str] = {}
        for r in members:
            g = normalize_grade(by_id[r.listing_id].get("raw_grade"))
            if g:
                grades[g] += 1
                grade_src.setdefault(g, f"{by_id[r.listing_id]['source_file']}:{by_id[r.listing_id]['line']}")
        grade = grades.most_common(1)[0][0] if grades else None
        country = members[0].country
        name, name_source = canonical_name_with_source(members)
        prov, city = decision.province, decision.city
        hospitals.append({
            "id": hid, "name": name, "name_source": name_source, "country": country,
            "province": _name(prov), "city": _name(city), "district": None, "adcode": city or prov,
            "province_adcode": prov, "city_adcode": city,
            "place_source": decision.place_source if country == "中国" else "overseas",
            "place_conflict": decision.conflict or None,
            "grade": grade, "grade_source": f"名单写明 {grade_src[grade]}" if grade else None,
            "grade_conflict": ", ".join(f"{g} ({grade_src[g]})" for g in grades) if len(grades) > 1 else None,
            "parent_id": cluster_ids[parents[cid]] if cid in parents else None,
            "campus": site_campus(members), "listing_count": len(members),
            "overseas_city": members[0].city if country != "中国" else None,
        })
        for r in members:
            li = by_id[r.listing_id]
            src = f"{li['source_file']}:{li['line']}"
            aliases.add((hid, r.raw_name, src))
            for extra in (*r.norm.aliases, *r.norm.former_names):
                aliases.add((hid, extra, f"括号中的别称 {src}"))
            # The site's other plate from the knowledge files, though no list prints it (湖北省人民医院 for
            # 武汉大学人民医院): a caller may say it. Overseas links only join printed names.
            for v in variants(r.norm) if country == "中国" else ():
                for key in linked_keys(v):
                    for other, other_norm, file in linked.get(key, ()):
                        if key == linked_key(v):
                            aliases.add((hid, other, f"{file}：与 {v.clean} 为同一院址"))
                        elif not places_conflict(v, other_norm):
                            placeless.setdefault(key, set()).add((hid, other, f"{file}：与 {v.clean} 为同一院址"))
    # A knowledge name without a place (陆军军医大学西南医院) names the one registry hospital printed with that
    # proper name and a place (重庆西南医院) — never several (同仁医院 is 北京's, 上海's and 南京's).
    for found in placeless.values():
        if len({h for h, _a, _s in found}) == 1:
            aliases.update(found)
    for li in listings:
        d = res.decisions[li["id"]]
        li.update(hospital_id=cluster_ids[d.cluster], match_method=d.method, match_score=d.score)
    services_of: dict[str, list[str]] = {}
    for ts in table_services:
        services_of.setdefault(ts["table_id"], []).append(ts["service_id"])
    eligibility = sorted({(s, li["hospital_id"]) for li in listings for s in services_of.get(li["table_id"], ())})
    review = [{**r, "hospital_a": by_id[r["listing_a"]]["hospital_id"], "hospital_b": by_id[r["listing_b"]]["hospital_id"]}
              for r in res.review]
    names = {h["name"] for h in hospitals} | {a for _, a, _ in aliases}
    return {
        "name_norms": [{"alias": a, "norm": to_json(normalize_cached(a))} for a in sorted(names)],
        "hospitals": hospitals,
        "eligibility": [{"service_id": s, "hospital_id": h} for s, h in eligibility],
        "aliases": [{"hospital_id": h, "alias": a, "source": s} for h, a, s in sorted(aliases)],
        "review_queue": [r for r in review if r["hospital_a"] != r["hospital_b"]],
        "place_evidence": place_evidence,
        "place_facts": place_facts,
    }


def place_stats(listings: list[dict], hospitals: list[dict]) -> dict[str, str]:
    """Share of mainland listings and hospitals with a city, for the build report."""
    mainland = [li for li in listings if country_of(li) == "中国"]
    with_city = sum(1 for li in mainland if li.get("city_adcode"))
    hosp = [h for h in hospitals if h["country"] == "中国"]
    return {
        "mainland listings with a city": f"{with_city}/{len(mainland)} ({with_city / max(len(mainland), 1):.2%})",
        "mainland hospitals with a city": f"{sum(1 for h in hosp if h['city_adcode'])}/{len(hosp)}",
        "listings without a city": json.dumps(
            [f"{li['source_file']}:{li['line']} {li['raw_name']}" for li in mainland if not li.get("city_adcode")],
            ensure_ascii=False),
    }
