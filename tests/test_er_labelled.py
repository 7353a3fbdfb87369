"""Entity resolution against the independently labelled pairs (tests/data/er_seed_pairs.tsv and
er_outside_pairs.tsv). Rules were tuned on the `dev` split only; the targets are asserted there. The `test`
split is reported by benchmarks/bench_er.py, never used for tuning."""
from __future__ import annotations

import pytest

from directory.evaluate import OUTSIDE_PAIRS, SEED_PAIRS, evaluate, evaluate_outside


@pytest.fixture(scope="module")
def joint(fever_joint):
    return fever_joint


def test_seed_pairs_dev(registry):
    s = evaluate(registry, SEED_PAIRS, "dev")
    assert s.pairs >= 300
    assert s.precision >= 0.995, s.errors
    assert s.recall >= 0.97, s.errors


def test_outside_pairs_dev(joint):
    s = evaluate_outside(joint, OUTSIDE_PAIRS, "dev")
    assert s.pairs >= 150
    assert s.precision >= 0.995, s.errors
    assert s.recall >= 0.97, s.errors


@pytest.mark.parametrize("split", ["dev", "test"])
def test_no_false_merge_on_either_split(registry, joint, split):
    """Precision first: no labelled different pair ends in one hospital, on dev or test."""
    assert evaluate(registry, SEED_PAIRS, split).fp == 0
    assert evaluate_outside(joint, OUTSIDE_PAIRS, split).fp == 0


def test_every_outside_row_is_resolved(joint):
    rows = [k for k in joint.hospital_of if k[0] == "fever_clinics_2020"]
    assert len(rows) == 4476
