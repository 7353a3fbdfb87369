"""The eligibility rules, one class per module (see rules/base.py). A service's rule set is every rule
whose `for_service` accepts the service's terms — nothing here is written per service id.

To add a rule: write a module with a `Rule` subclass (key, title, for_service, check) and add it here.
"""
from __future__ import annotations

from directory.eligibility.rules.base import Rule, RuleResult, Subject
from directory.eligibility.rules.caller_facts import CallerFacts
from directory.eligibility.rules.city_proper import CityProperOnly
from directory.eligibility.rules.covered_area import CoveredArea
from directory.eligibility.rules.inpatient import InpatientNeedsHospital
from directory.eligibility.rules.listed import Listed
from directory.eligibility.rules.min_grade import MinimumGrade, RequestedGrade
from directory.eligibility.rules.public_only import PublicOnly
from directory.eligibility.rules.row_note import RowNoteRestriction

RULES: tuple[type[Rule], ...] = (Listed, RowNoteRestriction, CoveredArea, CityProperOnly, MinimumGrade, PublicOnly,
                                 InpatientNeedsHospital)

__all__ = ["RULES", "CallerFacts", "CityProperOnly", "CoveredArea", "InpatientNeedsHospital", "Listed", "MinimumGrade",
           "PublicOnly", "RequestedGrade", "Rule", "RowNoteRestriction", "RuleResult", "Subject", "rules_for"]


def rules_for(service) -> list[Rule]:
    """The rules that apply to a service, in a fixed order (where first, then what kind of hospital)."""
    return [r for cls in RULES if (r := cls.for_service(service)) is not None]
