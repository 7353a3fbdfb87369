"""Name -> adcode indexes built once from the divisions, the derived short forms and the alias file."""

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from geodata.divisions import MUNICIPALITIES, load_divisions
from geodata.names import district_stem, short_forms

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class Entry:
    """One way a name points at a unit; how == 'official' for the unit's own GB/T name."""

    adcode: str
    how: str


@dataclass(frozen=True, slots=True)
class PlaceIndex:
    """Lookup tables per level; values are tuples so callers cannot mutate the shared index."""

    province: dict[str, tuple[Entry, ...]]
    city: dict[str, tuple[Entry, ...]]
    district: dict[str, tuple[Entry, ...]]
    district_stem: dict[str, tuple[Entry, ...]]
    names: dict[str, str]  # adcode -> official name (municipality cities use the municipality name)


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a data file under geodata/data/."""
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))


def _add(table: dict[str, list[Entry]], name: str, entry: Entry) -> None:
    bucket = table.setdefault(name, [])
    if all(e.adcode != entry.adcode for e in bucket):
        bucket.append(entry)


@functools.cache
def place_index() -> PlaceIndex:
    """Build (once) the name indexes used by the resolvers."""
    divisions = load_divisions()
    tables: dict[str, dict[str, list[Entry]]] = {"province": {}, "city": {}, "district": {}}
    stems: dict[str, list[Entry]] = {}
    # Official names first so they sort ahead of derived forms in every bucket.
    for code, div in divisions.items():
        _add(tables[div.level], div.name, Entry(code, "official"))
    for code, div in divisions.items():
        for alias, rule in short_forms(div.name, div.level):
            _add(tables[div.level], alias, Entry(code, rule))
        if div.level == "district":
            stem = district_stem(div.name)
            if stem:
                _add(stems, stem, Entry(code, f"{div.name} without suffix"))
    for pp in MUNICIPALITIES:  # 北京/北京市 as a city mean the municipality's single city unit
        prov = divisions[pp + "0000"].name
        _add(tables["city"], prov, Entry(pp + "0100", "official"))
        _add(tables["city"], prov[:-1], Entry(pp + "0100", "city name without suffix"))
    for row in read_tsv("place_aliases.tsv"):
        code = row["adcode"]
        how = f"{row['kind']}: {row['evidence']}"
        _add(tables[divisions[code].level], row["alias"], Entry(code, how))
    # Old names from the GB/T 2260 code history (海安县 → 海安市): derived, so listed after the hand-kept aliases.
    from geodata.history import current_division, load_division_changes

    for ch in load_division_changes():
        if ch.new_code in divisions and current_division(ch.old_name) is not None:
            how = f"former name: {ch.old_name} became {ch.new_name} between GB/T 2260 tables {ch.vintage_from} and {ch.vintage_to}"
            _add(tables[divisions[ch.new_code].level], ch.old_name, Entry(ch.new_code, how))
    names = {code: div.name for code, div in divisions.items()}
    freeze = lambda t: {k: tuple(v) for k, v in t.items()}  # noqa: E731
    return PlaceIndex(freeze(tables["province"]), freeze(tables["city"]), freeze(tables["district"]),
                      freeze(stems), names)
