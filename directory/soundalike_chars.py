"""Characters that sound alike to a pinyin typist who blurs the sounds many Chinese speakers blur (模糊音):
z/zh, c/ch, s/sh, l/n and the nasals in/ing, en/eng, an/ang (名 míng typed for 民 mín: 人名医院), any reading
of a character with several counting (长 is zhǎng and cháng: 常海医院 for 长海医院).

These are the fuzzy-sound settings every common pinyin input method offers, because the pairs are not kept
apart in many regional accents. Characters that tell sibling institutions apart (numbers, directions, levels
of government; lookalike_chars.DISTINGUISHING) are never a typo: 四/十 (si/shi) name different hospitals.
"""
from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, pinyin

from directory.lookalike_chars import DISTINGUISHING

_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


def _blur(syllable: str) -> str:
    for a, b in _INITIALS:
        if syllable.startswith(a):
            syllable = b + syllable[len(a):]
            break
    for a, b in _FINALS:
        if syllable.endswith(a):
            syllable = syllable[: -len(a)] + b
            break
    return syllable


@lru_cache(maxsize=1 << 14)
def blurred_readings(ch: str) -> frozenset[str]:
    """Every toneless reading of a character (长: zhang, chang) with the blurred sounds merged (民, 名 → lin)."""
    return frozenset(_blur(r) for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0])


def sounds_alike(a: str, b: str) -> bool:
    """True when two different characters share a reading once the blurred sounds are merged (常/长, 名/民)."""
    if a == b or a in DISTINGUISHING or b in DISTINGUISHING:
        return False
    return bool(blurred_readings(a) & blurred_readings(b))
