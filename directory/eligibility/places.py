"""Administrative units as the rules need them: names, parents, and which county-level units belong to
a city proper (市辖区) and which are counties or county-level cities."""
from __future__ import annotations

import sqlite3
from typing import Any, Literal

PlaceKind = Literal["district", "county", "county_city"]
KIND_LABELS = {"district": "市辖区", "county": "县", "county_city": "县级市"}


def district_kind(adcode: str | None, name: str | None) -> PlaceKind | None:
    """'district' (市辖区, city proper), 'county' or 'county_city' for a county-level unit.

    The unit's own name decides first (…区 / …县 / …旗 / …市); GB/T 2260's code convention
    (last two digits 01–20 districts, 21–80 counties, 81–99 county-level cities) is the fallback,
    because some municipalities number districts past 20 (上海 崇明区 310151, 重庆 500151).
    """
    if not adcode or len(adcode) != 6 or adcode[4:] == "00":
        return None
    if name:
        if name.endswith("区"):
            return "district"
        if name.endswith(("县", "旗")):
            return "county"
        if name.endswith("市"):
            return "county_city"
    tail = int(adcode[4:])
    return "district" if tail <= 20 else "county" if tail <= 80 else "county_city"


def abroad_key(text: str) -> str:
    """Compare place names abroad: one space, lower case, brackets of either width alike."""
    return " ".join(text.split()).lower().replace("（", "(").replace("）", ")")


class Regions:
    """The registry's `regions` table in memory (adcode → row)."""

    def __init__(self, rows: dict[str, dict[str, Any]]) -> None:
        self.rows = rows
        self.abroad_names: dict[str, list[str]] = {}
        self._has_children = {r["parent_adcode"] for r in rows.values() if r.get("parent_adcode")}
        self._all_districts: dict[str | None, bool] = {}

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Regions:
        cur = conn.execute("select adcode, name, level, parent_adcode, lat, lon, tier from regions")
        cols = [d[0] for d in cur.description]
        rows = {r[0]: dict(zip(cols, r, strict=True)) for r in cur}
        abroad: dict[str, list[str]] = {}
        if conn.execute("select 1 from sqlite_master where name = 'overseas_places'").fetchone():
            # Countries, US states and cities abroad (geodata/abroad.py): places like any other, never 6-digit.
            for code, name, name_en, level, country, parent, lat, lon, aliases in conn.execute(
                    "select code, name, name_en, level, country, parent_code, lat, lon, aliases from overseas_places"):
                rows[code] = {"adcode": code, "name": name, "level": level, "parent_adcode": parent, "lat": lat,
                              "lon": lon, "tier": None, "name_en": name_en, "country": country, "abroad": True}
                for label in (name, name_en, *(aliases or "").split("|")):
                    if label:
                        abroad.setdefault(abroad_key(label), []).append(code)
        regions = cls(rows)
        regions.abroad_names = abroad
        return regions

    def abroad(self, query: str) -> dict[str, Any] | None:
        """A city (else US state, else country) abroad by its Chinese or English name or code."""
        order = {"city": 0, "region": 1, "country": 2}
        codes = set(self.abroad_names.get(abroad_key(query), []))
        if query.strip() in self.rows and self.rows[query.strip()].get("abroad"):
            codes.add(query.strip())
        if not codes:
            return None
        return self.rows[min(codes, key=lambda c: (order[self.rows[c]["level"]], c))]

    def get(self, adcode: str | None) -> dict[str, Any] | None:
        return self.rows.get(adcode or "")

    def name_of(self, adcode: str | None) -> str | None:
        r = self.rows.get(adcode or "")
        return r["name"] if r else None

    def parent_of(self, adcode: str | None) -> str | None:
        r = self.rows.get(adcode or "")
        return r["parent_adcode"] if r else None

    def is_county_level(self, adcode: str | None) -> bool:
        r = self.rows.get(adcode or "")
        return bool(r) and r["level"] == "district"

    def kind(self, adcode: str | None) -> PlaceKind | None:
        """How a county-level unit relates to its city (None for a city or province)."""
        return district_kind(adcode, self.name_of(adcode)) if self.is_county_level(adcode) else None

    def has_subdivisions(self, adcode: str | None) -> bool:
        """False for a city-level unit without districts or counties (东莞, 中山, 仙桃)."""
        return (adcode or "") in self._has_children

    def all_city_proper(self, city: str | None) -> bool:
        """True when every county-level unit of the city is a 市辖区 (北京, 上海, 广州, 深圳 …) or it has none
        (东莞): anywhere in the city is then in its city proper."""
        if city not in self._all_districts:
            kids = [a for a, r in self.rows.items() if r["parent_adcode"] == city and r["level"] == "district"]
            self._all_districts[city] = all(self.kind(a) == "district" for a in kids)
        return self._all_districts[city]

    def brief(self, adcode: str | None) -> dict[str, Any] | None:
        r = self.rows.get(adcode or "")
        if not r:
            return None
        out = {"adcode": r["adcode"], "name": r["name"], "level": r["level"]}
        chain, parent = [], r["parent_adcode"]
        while parent and parent in self.rows and len(chain) < 3:
            chain.append(self.rows[parent]["name"])
            parent = self.rows[parent]["parent_adcode"]
        if chain:
            out["in"] = " ".join(reversed(chain))
        return out
