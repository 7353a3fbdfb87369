"""Property tests: the name normalizer and the table parsers never crash and keep their promises."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.manifest import TableSpec
from directory.names import normalize_name
from directory.parse_tables import parse_table

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
NAME_CHARS = st.one_of(CJK, st.sampled_from(list("()（）、/ 0123456789第附属医院院区分院东西南北一二三四五六七八九十〇")),
                       st.characters(codec="utf-8"))
names = st.text(NAME_CHARS, min_size=0, max_size=40)
hospital_like = st.builds(lambda a, n, b: f"{a}第{n}人民医院{b}", st.text(CJK, min_size=2, max_size=6),
                          st.integers(1, 999), st.sampled_from(["", "东院", "（北院）", "分院"]))


@given(names)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_normalize_never_crashes_and_is_stable(raw):
    n = normalize_name(raw)
    assert isinstance(n.core, str)
    again = normalize_name(n.clean)
    assert again.clean == n.clean  # cleaning is idempotent


@given(hospital_like)
def test_widths_and_spaces_do_not_change_identity(name):
    n = normalize_name(name)
    wide = name.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789()"})
    spaced = " ".join(name)
    assert normalize_name(wide).core == n.core
    assert normalize_name(spaced).core == n.core
    assert normalize_name(wide).numbers == n.numbers


@given(st.integers(1, 999), st.integers(1, 999))
def test_different_numbers_never_share_an_identity(a, b):
    x, y = normalize_name(f"温州市第{a}人民医院"), normalize_name(f"温州市第{b}人民医院")
    assert (x.numbers == y.numbers) == (a == b)


CELL = st.one_of(st.just(""), st.sampled_from(["北京", "上海市", "四川", "成都", "三甲", "12", "凉山州"]), names)
ROW = st.lists(CELL, min_size=0, max_size=5).map("\t".join)


@given(st.lists(ROW, min_size=1, max_size=30), st.sampled_from(["columns", "side_by_side", "overseas", "city_matrix"]),
       st.booleans())
@settings(max_examples=150, deadline=None)
def test_every_line_is_accounted_for(lines, layout, typed):
    columns = {"columns": ("province", "city", "name"), "side_by_side": ("province", "city"),
               "overseas": ("seq", "name", "place"), "city_matrix": ()}[layout]
    spec = TableSpec(key="t", title="", first_line=1, last_line=len(lines), services=("s",), layout=layout,
                     columns=columns, carry=("province", "city") if layout == "columns" else (),
                     typed_cells=typed, halves=2)
    out = parse_table(lines, spec)
    rows = {r.line for r in out.listings} | {c.line for c in out.coverage} | {r.line for r in out.rejects}
    assert rows <= set(range(1, len(lines) + 1))
    # No line vanishes: each yields data or a reject, or is counted as skipped (blank, header, label…).
    assert len(rows) + sum(out.skipped.values()) == len(lines)
    for r in out.rejects:
        assert r.reason
