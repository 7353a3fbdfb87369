"""What every eligibility rule is: built from a service's terms, it checks one hospital and returns
pass / fail / unknown with the facts it used (value, class, evidence) and a Chinese sentence."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from directory.eligibility.facts import Fact, Hospital
from directory.eligibility.vocabulary import CLASS_LABELS, OUTCOME_LABELS, Outcome
from directory.manual_titles import Titles

if TYPE_CHECKING:
    from directory.eligibility.context import EligibilityContext
    from directory.eligibility.services import Service


@dataclass
class Subject:
    """The hospital being judged for one service, with the service's listing rows that name it (each with
    file, line, the name as printed and the row's `note`, for rules that read per-row restrictions)."""

    hospital: Hospital
    listings: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class RuleResult:
    rule: str
    title: str              # Chinese name of the rule
    outcome: Outcome
    facts: tuple[Fact, ...]  # the facts that decided the outcome
    say: str                # one Chinese clause an agent can read out
    evidence: tuple[dict[str, Any], ...] = ()  # manual lines: listing rows or coverage entries
    areas: tuple[str, ...] = ()               # covered units that apply to the hospital

    @property
    def inferred(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.known and f.klass == "inferred")

    @property
    def missing(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if not f.known)

    def as_dict(self, titles: Titles | None = None) -> dict[str, Any]:
        return {"rule": self.rule, "title": self.title, "outcome": self.outcome,
                "outcome_label": OUTCOME_LABELS[self.outcome], "say": self.say,
                "facts": [f.as_dict(titles) for f in self.facts]}


def with_class(f: Fact) -> str:
    """'（推断）' after an inferred fact, '' after a stated one — so a sentence never reads a guess as fact. The
    rule that inferred it (source, evidence) is in the answer's facts_used, not in the sentence read out."""
    return f"（{CLASS_LABELS['inferred']}）" if f.known and f.klass == "inferred" else ""


class Rule:
    """One condition of a service. Subclasses set `key` and `title` and implement `for_service` and `check`.

    `for_service` reads the service's terms (manifest flags, kind) and returns a rule instance, or None
    when the condition does not apply; `prepare` may load data the rule needs once per registry into
    ctx.data[key]. A new rule is a module with one such class, added to `RULES` in rules/__init__.py.
    """

    key: ClassVar[str]
    title: ClassVar[str]

    def __init__(self, service: Service) -> None:
        self.service = service

    @classmethod
    def for_service(cls, service: Service) -> Rule | None:
        raise NotImplementedError

    @classmethod
    def prepare(cls, ctx: EligibilityContext, conn: sqlite3.Connection) -> None:
        """Load what the rule needs from the registry once (default: nothing)."""

    def check(self, subject: Subject, ctx: EligibilityContext) -> RuleResult | None:
        """The outcome on one hospital; None when the rule has nothing to say about it."""
        raise NotImplementedError

    def result(self, outcome: Outcome, facts: tuple[Fact, ...] | list[Fact], say: str,
               evidence: tuple[dict[str, Any], ...] | list[dict[str, Any]] = (),
               areas: tuple[str, ...] | list[str] = ()) -> RuleResult:
        return RuleResult(self.key, self.title, outcome, tuple(facts), say, tuple(evidence), tuple(areas))
