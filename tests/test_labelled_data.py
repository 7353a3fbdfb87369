"""The independent evaluation data of issue 9 is well-formed and points at real printed lines.

Reads tests/data/er_seed_pairs.tsv, er_outside_pairs.tsv, colloquial_names.tsv,
colloquial_names_holdout.tsv and colloquial_names_holdout2.tsv with the loader in tests/data/labelled.py
and checks them against the real manuals, the real manifest and the vendored fever-clinic list. Uses no
code of the resolver, so it measures nothing about it.
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from tests.data.labelled import (
    NEGATIVE_CLASSES,
    POSITIVE_CLASSES,
    LabelledDataError,
    LabelledPair,
    Ref,
    colloquial_holdout,
    colloquial_holdout2,
    colloquial_names,
    outside_pairs,
    read_colloquial,
    read_pairs,
    seed_pairs,
)

ROOT = Path(__file__).resolve().parent.parent
HOSPITAL_LAYOUTS = {"columns", "overseas"}  # the layouts whose rows are hospitals (not covered cities)


@pytest.fixture(scope="module")
def manual_text() -> dict[str, list[str]]:
    return {
        p.name[:3]: p.read_text(encoding="utf-8").split("\n")
        for p in sorted((ROOT / "sources" / "manuals").glob("*.txt"))
    }


@pytest.fixture(scope="module")
def hospital_ranges() -> dict[str, list[tuple[int, int]]]:
    """Line ranges of the manifest tables that list hospitals, per manual prefix."""
    manifest = tomllib.loads((ROOT / "sources" / "manifest.toml").read_text(encoding="utf-8"))
    ranges: dict[str, list[tuple[int, int]]] = {}
    for doc in manifest["documents"]:
        for table in doc["tables"]:
            if table["layout"] in HOSPITAL_LAYOUTS:
                ranges.setdefault(doc["file"][:3], []).append(tuple(table["lines"]))
    return ranges


@pytest.fixture(scope="module")
def fever_rows() -> list[list[str]]:
    lines = (ROOT / "sources" / "reference" / "fever_clinics_2020.tsv").read_text(encoding="utf-8").split("\n")
    return [line.split("\t") for line in lines]


@pytest.fixture(scope="module")
def seed() -> list[LabelledPair]:
    return seed_pairs()


@pytest.fixture(scope="module")
def outside() -> list[LabelledPair]:
    return outside_pairs()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_manual_line(ref: Ref, name: str, manual_text, hospital_ranges, where: str) -> None:
    assert ref.file in manual_text, f"{where}: no manual {ref.file}"
    assert any(a <= ref.line <= b for a, b in hospital_ranges[ref.file]), (
        f"{where}: {ref} is outside every hospital table of the manifest"
    )
    printed = manual_text[ref.file][ref.line - 1]
    assert name in printed, f"{where}: {name!r} is not printed on {ref} ({printed!r})"
    assert name not in {"医院", "医院名称", "医院级别"}, f"{where}: {ref} is a header row"


def assert_fever_line(ref: Ref, name: str, fever_rows, where: str) -> None:
    assert ref.file == "fever" and 2 <= ref.line <= len(fever_rows), f"{where}: {ref} is not a data row"
    assert fever_rows[ref.line - 1][3].strip() == name, f"{where}: fever line {ref.line} name is not {name!r}"


def test_seed_refs_are_printed_hospital_rows(seed, manual_text, hospital_ranges):
    for p in seed:
        where = f"er_seed_pairs.tsv:{p.source_line}"
        assert_manual_line(p.a_ref, p.a_name, manual_text, hospital_ranges, where)
        assert_manual_line(p.b_ref, p.b_name, manual_text, hospital_ranges, where)


def test_outside_refs_are_fever_rows_and_printed_hospital_rows(outside, manual_text, hospital_ranges, fever_rows):
    for p in outside:
        where = f"er_outside_pairs.tsv:{p.source_line}"
        assert_fever_line(p.a_ref, p.a_name, fever_rows, where)
        assert_manual_line(p.b_ref, p.b_name, manual_text, hospital_ranges, where)


@pytest.mark.parametrize("which", ["seed", "outside"])
def test_counts_positive_share_and_splits(which, seed, outside):
    pairs = seed if which == "seed" else outside
    assert len(pairs) >= 360
    positives = [p for p in pairs if p.same]
    assert len(positives) / len(pairs) >= 0.40
    splits = Counter(p.split for p in pairs)
    assert set(splits) == {"dev", "test"}
    assert 0.35 <= splits["dev"] / len(pairs) <= 0.65
    # Both splits hold positives and negatives, so dev and test each give a precision and a recall.
    for split in ("dev", "test"):
        assert {p.same for p in pairs if p.split == split} == {True, False}


@pytest.mark.parametrize("which", ["seed", "outside"])
def test_no_duplicate_pairs_and_unique_ids(which, seed, outside):
    pairs = seed if which == "seed" else outside
    keys = Counter(frozenset((str(p.a_ref), str(p.b_ref))) for p in pairs)
    assert [k for k, n in keys.items() if n > 1] == []
    ids = Counter(p.pair_id for p in pairs)
    assert [i for i, n in ids.items() if n > 1] == []


@pytest.mark.parametrize("which", ["seed", "outside"])
def test_classes_are_from_the_vocabulary_and_rich(which, seed, outside):
    pairs = seed if which == "seed" else outside
    classes = Counter(p.pair_class for p in pairs)
    assert set(classes) <= POSITIVE_CLASSES | NEGATIVE_CLASSES
    # Hard classes are present, not only spelling variants and numbered look-alikes.
    for hard in ("dual_name", "rename", "place_dropped", "neg_campus", "neg_numbered", "neg_other_city"):
        assert classes[hard] >= 5, (which, hard, classes)
    # Identical printed names are easy positives: at most about a quarter of the positives.
    positives = [p for p in pairs if p.same]
    identical = [p for p in positives if squeeze(p.a_name) == squeeze(p.b_name)]
    assert len(identical) <= 0.26 * len(positives)


def test_seed_has_overseas_english_pairs(seed):
    assert sum(p.pair_class == "overseas_english" for p in seed) >= 5


def test_colloquial_names(manual_text, hospital_ranges):
    names = colloquial_names()
    assert len(names) >= 60
    kinds = Counter(n.kind for n in names)
    assert kinds["ambiguous"] >= 8
    assert {"colloquial", "typo", "traditional", "current_name"} <= set(kinds)
    for n in names:
        where = f"colloquial_names.tsv:{n.source_line}"
        if n.expected_ref is not None:
            assert_manual_line(n.expected_ref, n.expected_name, manual_text, hospital_ranges, where)
        for candidate in n.candidates:
            assert any(a <= candidate.line <= b for a, b in hospital_ranges[candidate.file]), (where, candidate)
    keys = Counter((n.query, n.city) for n in names)
    assert [k for k, c in keys.items() if c > 1] == []


def resolve_list_keys() -> set[tuple[str, str]]:
    """(name, city) of tests/data/colloquial_resolve.tsv, read by its header (it has its own columns)."""
    lines = (ROOT / "tests" / "data" / "colloquial_resolve.tsv").read_text(encoding="utf-8").split("\n")
    header = lines[0].split("\t")
    name_at, city_at = header.index("name"), header.index("city")
    return {(cells[name_at], cells[city_at]) for cells in (line.split("\t") for line in lines[1:] if line)}


def check_holdout(names, file_name, seen, manual_text, hospital_ranges) -> None:
    """What a holdout list must be: ≥ 80 rows of every kind (≥ 8 ambiguous), refs printed in hospital tables,
    candidates listed once on non-blank lines, no (query, city) twice and none of the lists already `seen`."""
    assert len(names) >= 80
    kinds = Counter(n.kind for n in names)
    assert kinds["ambiguous"] >= 8
    assert set(kinds) == {"colloquial", "typo", "traditional", "current_name", "ambiguous"}
    for n in names:
        where = f"{file_name}:{n.source_line}"
        if n.expected_ref is not None:
            assert_manual_line(n.expected_ref, n.expected_name, manual_text, hospital_ranges, where)
        for candidate in n.candidates:
            assert any(a <= candidate.line <= b for a, b in hospital_ranges[candidate.file]), (where, candidate)
            assert manual_text[candidate.file][candidate.line - 1].strip(), (where, candidate, "blank line")
        assert len(set(n.candidates)) == len(n.candidates), (where, "a candidate is listed twice")
    keys = Counter((n.query, n.city) for n in names)
    assert [k for k, c in keys.items() if c > 1] == []
    assert sorted(set(keys) & seen) == []


def test_colloquial_holdout(manual_text, hospital_ranges):
    # A holdout: no (query, city) of the lists the resolver was developed with.
    seen = {(n.query, n.city) for n in colloquial_names()} | resolve_list_keys()
    check_holdout(colloquial_holdout(), "colloquial_names_holdout.tsv", seen, manual_text, hospital_ranges)


def test_colloquial_holdout2(manual_text, hospital_ranges):
    names = colloquial_holdout2()
    assert len({n.city for n in names}) >= 30, "cities spread across China"
    # A second holdout: no (query, city) of the three lists the resolver was developed or scored with.
    seen = {(n.query, n.city) for n in (*colloquial_names(), *colloquial_holdout())} | resolve_list_keys()
    check_holdout(names, "colloquial_names_holdout2.tsv", seen, manual_text, hospital_ranges)


def test_loader_names_file_and_line_on_bad_rows(tmp_path):
    good = (ROOT / "tests" / "data" / "er_seed_pairs.tsv").read_text(encoding="utf-8").split("\n")
    bad = tmp_path / "er_seed_pairs.tsv"
    bad.write_text("\n".join([good[0], good[1], good[2].replace("\t", "\t\t", 1)]) + "\n", encoding="utf-8")
    with pytest.raises(LabelledDataError, match=r"er_seed_pairs\.tsv:3: 10 columns, expected 9"):
        read_pairs(bad, a_is_fever=False)
    cells = good[1].split("\t")
    cells[7] = "neg_campus" if cells[6] == "1" else "dual_name"
    bad.write_text("\n".join([good[0], "\t".join(cells)]) + "\n", encoding="utf-8")
    with pytest.raises(LabelledDataError, match=r"er_seed_pairs\.tsv:2: class .* not allowed"):
        read_pairs(bad, a_is_fever=False)
    bad.write_text("wrong\theader\n", encoding="utf-8")
    with pytest.raises(LabelledDataError, match=r"er_seed_pairs\.tsv:1: header"):
        read_pairs(bad, a_is_fever=False)
    outside_lines = (ROOT / "tests" / "data" / "er_outside_pairs.tsv").read_text(encoding="utf-8").split("\n")
    with pytest.raises(LabelledDataError, match=r"er_seed_pairs\.tsv:2: .*fever"):
        bad.write_text("\n".join([good[0], outside_lines[1]]) + "\n", encoding="utf-8")
        read_pairs(bad, a_is_fever=False)
    colloquial = tmp_path / "colloquial_names.tsv"
    colloquial.write_text("query\tcity\texpected_ref\texpected_name\tkind\tevidence\n华西\t成都\t\t\tambiguous\t只有 000:358\n",
                          encoding="utf-8")
    with pytest.raises(LabelledDataError, match=r"colloquial_names\.tsv:2: .*at least two"):
        read_colloquial(colloquial)
