"""Eligibility: may this hospital be used for this service, decided by rule objects from stated and
inferred facts (see DESIGN.md "Facts carry their evidence, and answers decide" and the README).

- rules/          one class per rule (listed, covered area, city proper only, minimum grade, public only,
                  inpatient needs a hospital); a service's rules come from its terms, never its id;
- verdict.py      rule results → eligible / likely / not_eligible / unknown, with a Chinese sentence;
- nearest.py      nearest hospitals for a service around a place, distances with their precision;
- coverage.py     what a coverage service means for a place (covered, not, or unknown);
- find.py         services and places as callers name them;
- precompute.py   the `verdicts` table written at build time.

The API (api/), Datasette (the verdicts table) and the CLI (hospnet eligibility / nearest) all call this.
"""
from __future__ import annotations

from directory.eligibility.context import EligibilityContext
from directory.eligibility.coverage import place_coverage
from directory.eligibility.find import LookupFailed, QueriedPlace, find_place, find_service
from directory.eligibility.grade_order import GradeRequirement, grade_parts, grade_rank, parse_min_grade
from directory.eligibility.nearest import (
    Origin,
    ServiceIndex,
    hospital_brief,
    nearest,
    origin_for,
    verdict_answer,
)
from directory.eligibility.rules import (
    RULES,
    CallerFacts,
    RequestedGrade,
    Rule,
    RuleResult,
    Subject,
    rules_for,
)
from directory.eligibility.services import Service, SourceNote
from directory.eligibility.subjects import candidates, subject
from directory.eligibility.verdict import Verdict, decide
from directory.eligibility.vocabulary import VERDICT_LABELS, VERDICTS

__all__ = [
    "RULES", "VERDICTS", "CallerFacts", "VERDICT_LABELS", "EligibilityContext", "GradeRequirement", "LookupFailed", "Origin",
    "QueriedPlace", "RequestedGrade", "Rule", "RuleResult", "Service", "ServiceIndex", "SourceNote", "Subject",
    "Verdict", "candidates", "decide", "find_place", "find_service", "grade_parts", "grade_rank", "hospital_brief",
    "nearest", "origin_for", "parse_min_grade", "place_coverage", "rules_for", "subject", "verdict_answer",
]
