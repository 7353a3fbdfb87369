"""Loader for the independent evaluation data of issue 9 (tests/data/README.md describes the files).

Pure functions: each reader takes a path, validates the header, the column count and every cell's form,
and returns dataclasses. A bad file raises LabelledDataError naming the file and the 1-based line.
Checking refs against the manuals and the manifest is left to the tests (tests/test_labelled_data.py),
so this module needs nothing but the files themselves.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

DATA_DIR = Path(__file__).resolve().parent

PAIR_COLUMNS = ("pair_id", "split", "a_ref", "b_ref", "a_name", "b_name", "same", "class", "evidence")
COLLOQUIAL_COLUMNS = ("query", "city", "expected_ref", "expected_name", "kind", "evidence")

Split = Literal["dev", "test"]
PositiveClass = Literal[
    "dual_name", "rename", "abbreviation", "place_dropped", "affiliation", "spelling", "overseas_english"
]
NegativeClass = Literal[
    "neg_numbered", "neg_campus", "neg_other_city", "neg_university", "neg_type", "neg_other"
]
PairClass = Literal[PositiveClass, NegativeClass]
Kind = Literal["colloquial", "typo", "traditional", "current_name", "ambiguous"]

POSITIVE_CLASSES: frozenset[str] = frozenset(get_args(PositiveClass))
NEGATIVE_CLASSES: frozenset[str] = frozenset(get_args(NegativeClass))
KINDS: frozenset[str] = frozenset(get_args(Kind))

MANUAL_REF = re.compile(r"^(\d{3}):([1-9]\d*)$")
FEVER_REF = re.compile(r"^fever:([1-9]\d*)$")
REF_IN_TEXT = re.compile(r"(?<![\d:])(\d{3}:[1-9]\d*)(?![\d:])")


class LabelledDataError(ValueError):
    """A labelled-data file does not have the documented form."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path.name}:{line}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True)
class Ref:
    """A printed line: a manual (`file` '000'…'004') or the fever list (`file` 'fever')."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class LabelledPair:
    pair_id: str
    split: Split
    a_ref: Ref
    b_ref: Ref
    a_name: str
    b_name: str
    same: bool
    pair_class: PairClass
    evidence: str
    source_line: int  # line of this pair in its TSV (header is line 1)


@dataclass(frozen=True)
class ColloquialName:
    query: str
    city: str
    expected_ref: Ref | None  # None when the right answer is `ambiguous`
    expected_name: str
    kind: Kind
    evidence: str
    candidates: tuple[Ref, ...]  # refs named in the evidence of an ambiguous query
    source_line: int


def split_for(a_ref: str, b_ref: str) -> Split:
    """The documented split rule: parity of SHA-256 over 'a_ref|b_ref' (as written in the file)."""
    return "dev" if int(hashlib.sha256(f"{a_ref}|{b_ref}".encode()).hexdigest(), 16) % 2 == 0 else "test"


def parse_ref(text: str, *, allow_fever: bool) -> Ref:
    """`NNN:LINE` for a manual line or (when allowed) `fever:LINE`; raises ValueError otherwise."""
    m = MANUAL_REF.match(text)
    if m:
        return Ref(m.group(1), int(m.group(2)))
    m = FEVER_REF.match(text)
    if m and allow_fever:
        return Ref("fever", int(m.group(1)))
    expected = "NNN:LINE or fever:LINE" if allow_fever else "NNN:LINE"
    raise ValueError(f"bad ref {text!r}, expected {expected}")


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelledDataError(path, 0, f"cannot read: {exc}") from exc
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or tuple(lines[0].split("\t")) != columns:
        raise LabelledDataError(path, 1, f"header must be {' '.join(columns)} (tab-separated)")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise LabelledDataError(path, number, f"{len(cells)} columns, expected {len(columns)}")
        if any(c != c.strip() for c in cells):
            raise LabelledDataError(path, number, "a cell has leading or trailing white space")
        rows.append((number, cells))
    return rows


def read_pairs(path: Path, *, a_is_fever: bool) -> list[LabelledPair]:
    """er_seed_pairs.tsv (a_is_fever=False) or er_outside_pairs.tsv (a_is_fever=True)."""
    pairs = []
    for number, cells in _rows(path, PAIR_COLUMNS):
        pair_id, split, a_text, b_text, a_name, b_name, same, pair_class, evidence = cells

        def fail(message: str, number: int = number) -> LabelledDataError:
            return LabelledDataError(path, number, message)

        try:
            a_ref = parse_ref(a_text, allow_fever=a_is_fever)
            b_ref = parse_ref(b_text, allow_fever=False)
        except ValueError as exc:
            raise fail(str(exc)) from exc
        if (a_ref.file == "fever") != a_is_fever:
            raise fail(f"a_ref {a_text} must be {'a fever:LINE' if a_is_fever else 'a manual NNN:LINE'} ref")
        if a_ref == b_ref:
            raise fail("a_ref and b_ref are the same line")
        if split not in ("dev", "test"):
            raise fail(f"split {split!r}, expected dev or test")
        if split != split_for(a_text, b_text):
            raise fail(f"split {split} does not follow the hash rule (expected {split_for(a_text, b_text)})")
        if same not in ("0", "1"):
            raise fail(f"same {same!r}, expected 0 or 1")
        allowed = POSITIVE_CLASSES if same == "1" else NEGATIVE_CLASSES
        if pair_class not in allowed:
            raise fail(f"class {pair_class!r} not allowed with same={same}; expected one of {sorted(allowed)}")
        if not a_name or not b_name or not evidence or not pair_id:
            raise fail("pair_id, names and evidence must not be empty")
        pairs.append(
            LabelledPair(pair_id, split, a_ref, b_ref, a_name, b_name, same == "1", pair_class, evidence, number)
        )
    return pairs


def read_colloquial(path: Path) -> list[ColloquialName]:
    """colloquial_names.tsv or colloquial_names_holdout.tsv (same columns)."""
    names = []
    for number, cells in _rows(path, COLLOQUIAL_COLUMNS):
        query, city, ref_text, expected_name, kind, evidence = cells
        if kind not in KINDS:
            raise LabelledDataError(path, number, f"kind {kind!r}, expected one of {sorted(KINDS)}")
        if not query or not city or not evidence:
            raise LabelledDataError(path, number, "query, city and evidence must not be empty")
        if kind == "ambiguous":
            if ref_text or expected_name:
                raise LabelledDataError(path, number, "an ambiguous query has empty expected_ref and expected_name")
            ref = None
            candidates = tuple(parse_ref(r, allow_fever=False) for r in REF_IN_TEXT.findall(evidence))
            if len(candidates) < 2:
                raise LabelledDataError(path, number, "an ambiguous query lists at least two candidate refs in evidence")
        else:
            try:
                ref = parse_ref(ref_text, allow_fever=False)
            except ValueError as exc:
                raise LabelledDataError(path, number, str(exc)) from exc
            if not expected_name:
                raise LabelledDataError(path, number, "expected_name must not be empty")
            candidates = ()
        names.append(ColloquialName(query, city, ref, expected_name, kind, evidence, candidates, number))  # type: ignore[arg-type]
    return names


def seed_pairs(data_dir: Path = DATA_DIR) -> list[LabelledPair]:
    return read_pairs(data_dir / "er_seed_pairs.tsv", a_is_fever=False)


def outside_pairs(data_dir: Path = DATA_DIR) -> list[LabelledPair]:
    return read_pairs(data_dir / "er_outside_pairs.tsv", a_is_fever=True)


def colloquial_names(data_dir: Path = DATA_DIR) -> list[ColloquialName]:
    return read_colloquial(data_dir / "colloquial_names.tsv")


def colloquial_holdout(data_dir: Path = DATA_DIR) -> list[ColloquialName]:
    """The blind holdout list of colloquial names (labelled from the manuals only; README says how)."""
    return read_colloquial(data_dir / "colloquial_names_holdout.tsv")


def colloquial_holdout2(data_dir: Path = DATA_DIR) -> list[ColloquialName]:
    """The second blind holdout of colloquial names (labelled from the manuals only; README says how)."""
    return read_colloquial(data_dir / "colloquial_names_holdout2.tsv")
