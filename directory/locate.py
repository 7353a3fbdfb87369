"""Where a listed hospital is: the list's own columns, the place its name states, and which wins.

Evidence order (strongest first): a place written in the hospital's name (北京市昌平区中医医院,
濮阳市油田总医院); the list's province/city cells; the seat city of an institution prefix (中山大学 →
广州). A list cell that contradicts the name is kept visible as a conflict.
"""
from __future__ import annotations

from dataclasses import dataclass

from directory.names import outside_brackets
from geodata.match import PlaceMatch
from geodata.name_places import place_from_name
from geodata.places import resolve_place

_OK = ("exact", "alias", "conflict")


@dataclass(frozen=True)
class ListingPlace:
    province: str | None
    city: str | None
    district: str | None
    source: str  # 'name', 'list', 'institution_seat', 'list_province', 'none'
    reason: str
    conflict: str = ""


def resolve_listed(province: str | None, city: str | None) -> PlaceMatch:
    """A list's province/city cells; a city that is not in the printed province (a shifted row) is
    looked up alone and kept as a conflict when that finds exactly one unit of its name."""
    match = resolve_place(province, city)
    if match.status in ("ambiguous", "unknown") and province and city:
        alone = resolve_place(None, city)
        if alone.status in ("exact", "alias") and not alone.candidates and alone.city_adcode:
            return PlaceMatch(alone.province_adcode, alone.city_adcode, alone.district_adcode, "conflict",
                              f"{city} is not in {province}; {alone.reason} (one unit of that name; province cell ignored)")
    return match


def _is_seat(m: PlaceMatch) -> bool:
    return "(institution's seat)" in m.reason


def locate_listing(name: str, raw_province: str | None, raw_city: str | None) -> ListingPlace:
    """Combine the list's cells and the name's own place into one place with its source."""
    listed = resolve_listed(raw_province, raw_city) if (raw_province or raw_city) else None
    # Bracket contents are aliases (中山一院 is not in 中山市): read the place from the name outside them.
    outside = outside_brackets(name)
    named = place_from_name(outside)
    listed_ok = listed is not None and listed.status in _OK and listed.province_adcode
    named_ok = named.status in _OK and named.city_adcode is not None
    # A place written with its suffix (濮阳市…, 北京市昌平区…) beats the list's cells; a bare name
    # (岳阳医院, 北京协和医院) only fills in when the list gives no city.
    explicit = named_ok and named.status == "exact" and not _is_seat(named)
    if explicit or named_ok and not _is_seat(named) and not (listed_ok and listed.city_adcode):
        conflict = ""
        if listed_ok and listed.city_adcode and listed.city_adcode != named.city_adcode:
            conflict = (f"list says {raw_province or ''}{raw_city or ''} ({listed.city_adcode}) but the name "
                        f"states {named.city_adcode}; the name wins")
        elif listed_ok and listed.province_adcode != named.province_adcode:
            conflict = f"list says province {raw_province} but the name states {named.province_adcode}; the name wins"
        district = named.district_adcode
        if district is None and listed_ok and listed.city_adcode == named.city_adcode:
            district = listed.district_adcode
        return ListingPlace(named.province_adcode, named.city_adcode, district, "name", named.reason, conflict)
    if listed_ok and listed.city_adcode and named_ok and not _is_seat(named) and named.city_adcode != listed.city_adcode:
        return ListingPlace(listed.province_adcode, listed.city_adcode, listed.district_adcode, "list", listed.reason,
                            f"the name's bare place {named.city_adcode} differs; the list's city wins")
    if listed_ok and listed.city_adcode:
        return ListingPlace(listed.province_adcode, listed.city_adcode, listed.district_adcode, "list", listed.reason)
    if named_ok:  # an institution's seat city: used when the list gives no city and no other province
        if listed_ok and listed.province_adcode != named.province_adcode:
            return ListingPlace(listed.province_adcode, None, None, "list_province", listed.reason,
                                f"institution seat {named.city_adcode} lies outside the listed province")
        return ListingPlace(named.province_adcode, named.city_adcode, None, "institution_seat", named.reason)
    if listed_ok:
        return ListingPlace(listed.province_adcode, None, None, "list_province", listed.reason)
    reason = listed.reason if listed is not None else named.reason
    return ListingPlace(None, None, None, "none", reason)
