"""What the rules know besides the hospital itself: the regions and the services, loaded once per registry."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from directory.eligibility.places import Regions
from directory.eligibility.services import Service, load_services


@dataclass
class EligibilityContext:
    regions: Regions
    services: dict[str, Service]
    data: dict[str, Any] = field(default_factory=dict)  # what a rule loaded for itself (Rule.prepare)

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> EligibilityContext:
        from directory.eligibility.rules import RULES

        ctx = cls(Regions.load(conn), load_services(conn))
        for rule in RULES:
            rule.prepare(ctx, conn)
        return ctx
