"""What the rules know besides the hospital itself: the regions, the services and the manuals' titles (for
citing a line as 《title》第 N 行), loaded once per registry."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from directory.eligibility.places import Regions
from directory.eligibility.services import Service, load_services
from directory.manual_titles import load_titles


@dataclass
class EligibilityContext:
    regions: Regions
    services: dict[str, Service]
    titles: dict[str, str] = field(default_factory=dict)  # source file → the manual's title
    data: dict[str, Any] = field(default_factory=dict)  # what a rule loaded for itself (Rule.prepare)

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> EligibilityContext:
        from directory.eligibility.rules import RULES

        titles = load_titles(conn)
        ctx = cls(Regions.load(conn), load_services(conn, titles), titles)
        for rule in RULES:
            rule.prepare(ctx, conn)
        return ctx
