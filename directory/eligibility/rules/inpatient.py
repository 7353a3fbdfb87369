"""Inpatient needs a hospital: a service used during a hospital stay (manifest `inpatient = true`) cannot be
used at an outpatient department (门诊部), a clinic (诊所) or a health-check centre (体检机构)."""
from __future__ import annotations

from directory.eligibility.facts import HOSPITAL_TYPES, NOT_INPATIENT_TYPES, Fact
from directory.eligibility.rules.base import Rule, RuleResult, Subject, with_class

TYPE_LABELS = {"综合": "综合医院", "专科": "专科医院", "中医": "中医医院", "妇幼": "妇幼保健院", "口腔": "口腔医院",
               "门诊部": "门诊部", "诊所": "诊所", "体检机构": "体检机构", "防治所": "防治所、保健所"}


def _admits(f: Fact) -> bool | None:
    if not f.known:
        return None
    if f.name == "inpatient":
        return bool(f.value)
    if f.value in NOT_INPATIENT_TYPES:
        return False
    return True if f.value in HOSPITAL_TYPES else None


class InpatientNeedsHospital(Rule):
    key = "inpatient"
    title = "需能收治住院"

    @classmethod
    def for_service(cls, service):
        return cls(service) if service.inpatient else None

    def check(self, subject: Subject, ctx) -> RuleResult:
        s, h = self.service, subject.hospital
        ip, ft = h.fact("inpatient"), h.fact("facility_type")
        # A stated fact beats an inferred one; among facts of the same class, one that says the place does not
        # admit patients decides (a 门诊部 is not made a hospital by another fact of equal weight).
        known = [f for f in (ip, ft) if _admits(f) is not None]
        if not known:
            return self.result("unknown", [ip], f"不知道是能收治住院的医院还是门诊部、诊所，{s.name}是住院服务")
        strongest = [f for f in known if f.klass == "stated"] or known
        f = min(strongest, key=lambda x: (bool(_admits(x)), x.name != "inpatient"))
        kind = TYPE_LABELS.get(ft.value, "") if ft.known else ""
        if _admits(f):
            return self.result("pass", [f], f"{kind or '医院'}{with_class(f)}，能收治住院")
        return self.result("fail", [f], f"{kind or '该机构'}{with_class(f)}不收治住院病人，{s.name}是住院服务")
