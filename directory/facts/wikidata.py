"""The reviewed mapping from registry hospitals to Wikidata items (sources/reference/wikidata_links.tsv).

Each row names a manual listing (`manual_ref` = NNN:LINE) and a Wikidata item with its label, official
website, point (WGS-84) and the reviewer's evidence; `match` says whether the item is this very site
(`same`) or another campus of it (`campus`). Only `same` rows give a hospital its point. Every row is
checked against the vendored Wikidata extract (the item exists and carries that point).
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from directory.facts.records import FactsError

LINKS_FILE = "wikidata_links.tsv"
ITEMS_FILE = "wikidata_hospitals.tsv"
LINK_COLUMNS = ("qid", "wikidata_label", "website", "lat", "lon", "manual_ref", "manual_name", "city", "match",
                "evidence")
ITEM_COLUMNS = ("qid", "label", "country", "websites", "lat", "lon")
_REF = re.compile(r"^(\d{3}):(\d+)$")
_QID = re.compile(r"^Q\d+$")
POINT_TOLERANCE_M = 50.0  # the mapping copies the item's point; more than this apart is an editing error


@dataclass(frozen=True)
class WikidataItem:
    qid: str
    label: str
    country: str
    websites: str
    lat: float
    lon: float


@dataclass(frozen=True)
class WikidataLink:
    file: str
    line: int
    qid: str
    label: str
    website: str
    lat: float
    lon: float
    doc: str  # '002'
    manual_line: int
    manual_name: str
    city: str
    match: Literal["same", "campus"]
    evidence: str
    country: str  # the item's country as Wikidata writes it


def _read(path: Path, columns: tuple[str, ...], wanted: set[str] | None = None) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FactsError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    lines = text.split("\n")
    header = tuple(lines[0].rstrip("\r").split("\t"))
    if header != columns:
        raise FactsError(f"{path}:1: header {header!r} != expected {columns!r}")
    out = []
    for lineno, cells in enumerate(csv.reader(lines[1:], delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
        if not cells or not any(c.strip() for c in cells):
            continue
        if wanted is not None and cells[0].strip() not in wanted:
            continue
        if len(cells) != len(columns):
            raise FactsError(f"{path}:{lineno}: {len(cells)} columns, expected {len(columns)}")
        out.append((lineno, {c: v.strip() for c, v in zip(columns, cells, strict=True)}))
    return out


def read_items(path: Path, wanted: set[str] | None = None) -> dict[str, list[WikidataItem]]:
    """The vendored extract: qid → its rows (an item may carry several points); only `wanted` qids
    when given (the extract has 28,000 rows, a mapping a few hundred)."""
    out: dict[str, list[WikidataItem]] = {}
    for lineno, r in _read(path, ITEM_COLUMNS, wanted):
        try:
            item = WikidataItem(r["qid"], r["label"], r["country"], r["websites"], float(r["lat"]), float(r["lon"]))
        except ValueError as exc:
            raise FactsError(f"{path}:{lineno}: lat/lon must be numbers") from exc
        out.setdefault(item.qid, []).append(item)
    return out


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    kx = 111_320.0 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot((lon1 - lon2) * kx, (lat1 - lat2) * 110_574.0)


def wanted_qids(path: Path) -> set[str]:
    """The qids a mapping file names (to read only those items of the extract)."""
    return {r["qid"] for _, r in _read(path, LINK_COLUMNS)}


def read_links(path: Path, items: dict[str, list[WikidataItem]]) -> list[WikidataLink]:
    """Read and check the mapping; any bad row is an error naming the file and line."""
    links = []
    for lineno, r in _read(path, LINK_COLUMNS):
        where = f"{path}:{lineno}"
        if not _QID.match(r["qid"]):
            raise FactsError(f"{where}: qid must look like Q123, got {r['qid']!r}")
        ref = _REF.match(r["manual_ref"])
        if not ref:
            raise FactsError(f"{where}: manual_ref must be NNN:LINE (e.g. 002:75), got {r['manual_ref']!r}")
        if r["match"] not in ("same", "campus"):
            raise FactsError(f"{where}: match must be 'same' or 'campus', got {r['match']!r}")
        if not r["evidence"]:
            raise FactsError(f"{where}: empty evidence")
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
        except ValueError as exc:
            raise FactsError(f"{where}: lat/lon must be numbers") from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise FactsError(f"{where}: lat/lon out of range ({lat}, {lon})")
        known = items.get(r["qid"])
        if not known:
            raise FactsError(f"{where}: {r['qid']} is not in {ITEMS_FILE}")
        near = [it for it in known if _metres(lat, lon, it.lat, it.lon) <= POINT_TOLERANCE_M]
        if not near:
            raise FactsError(f"{where}: point ({lat}, {lon}) is not {r['qid']}'s point in {ITEMS_FILE}")
        links.append(WikidataLink(path.name, lineno, r["qid"], r["wikidata_label"], r["website"], lat, lon,
                                  ref.group(1), int(ref.group(2)), r["manual_name"], r["city"],
                                  r["match"], r["evidence"], near[0].country))  # type: ignore[arg-type]
    return links
