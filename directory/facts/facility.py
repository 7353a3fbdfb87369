"""Facility type (综合 / 专科 / 中医 / 妇幼 / 口腔 / 门诊部 / 诊所 / 体检机构) and inpatient (does it admit
inpatients?) from name grammar (directory/knowledge/facility_types.tsv, ordered; first match decides).

门诊部, 诊所 and 体检机构 are not hospitals: inpatient = 0. A name with 医院 admits inpatients (a 医院
has beds by definition): inpatient = 1. Otherwise both stay unknown.
"""
from __future__ import annotations

from directory import provenance
from directory.facts.knowledge import facility_grammar
from directory.facts.names import without_brackets
from directory.facts.records import Fact


def candidates(hid: str, name: str) -> list[Fact]:
    """The facility type and inpatient facts the grammar gives a name (each at most once)."""
    text = without_brackets(name)
    out: list[Fact] = []
    type_done = inpatient_done = False
    for rule in facility_grammar():
        m = rule.pattern.search(text)
        if not m:
            continue
        why = f"'{text}' 中有 '{m.group(0)}'——{rule.evidence}"
        if not type_done and rule.values["facility_type"]:
            out.append(Fact(hid, "facility_type", rule.values["facility_type"], "inferred",
                            provenance.rule_ref(rule.rule_id), why))
            type_done = True
        if not inpatient_done and rule.values["inpatient"]:
            out.append(Fact(hid, "inpatient", rule.values["inpatient"], "inferred", provenance.rule_ref(rule.rule_id), why))
            inpatient_done = True
        if type_done and inpatient_done:
            break
    return out
