"""Characters that sound alike to a pinyin typist who blurs the sounds many Chinese speakers blur (模糊音):
z/zh, c/ch, s/sh, l/n and the nasals in/ing, en/eng, an/ang (名 míng typed for 民 mín: 人名医院).

These are the fuzzy-sound settings every common pinyin input method offers, because the pairs are not kept
apart in many regional accents. Characters that tell sibling institutions apart (numbers, directions, levels
of government; lookalike_chars.DISTINGUISHING) are never a typo: 四/十 (si/shi) name different hospitals.
"""
from __future__ import annotations

from functools import lru_cache

from pypinyin import lazy_pinyin

from directory.lookalike_chars import DISTINGUISHING

_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


@lru_cache(maxsize=1 << 14)
def blurred_reading(ch: str) -> str:
    """A character's toneless pinyin with the blurred sounds merged (民 and 名 → lin)."""
    syllable = lazy_pinyin(ch)[0]
    for a, b in _INITIALS:
        if syllable.startswith(a):
            syllable = b + syllable[len(a):]
            break
    for a, b in _FINALS:
        if syllable.endswith(a):
            syllable = syllable[: -len(a)] + b
            break
    return syllable


def sounds_alike(a: str, b: str) -> bool:
    """True when two different characters read the same once the blurred sounds are merged."""
    if a == b or a in DISTINGUISHING or b in DISTINGUISHING:
        return False
    return blurred_reading(a) == blurred_reading(b)
