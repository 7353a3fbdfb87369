"""The public SQLite schema (see DESIGN.md "Contracts"): tables, columns, keys and indexes."""
from __future__ import annotations

import sqlite_utils

SCHEMA_VERSION = 1

TABLES: dict[str, dict] = {
    "sources": dict(
        columns={"file": str, "insurer": str, "product": str, "title": str, "date": str, "origin": str,
                 "line_count": int, "sha256": str, "original_file": str, "encoding": str},
        pk="file",
    ),
    "source_tables": dict(
        columns={"id": str, "source_file": str, "key": str, "title": str, "first_line": int, "last_line": int,
                 "layout": str, "rows_parsed": int, "rows_rejected": int, "incomplete": str},
        pk="id",
        foreign_keys=[("source_file", "sources", "file")],
    ),
    "services": dict(
        columns={"id": str, "name": str, "insurer": str, "product": str, "source_file": str, "kind": str,
                 "rule": str, "min_grade": str, "public_only": int, "city_proper_only": int, "inpatient": int,
                 "aliases": str},
        pk="id",
        foreign_keys=[("source_file", "sources", "file")],
    ),
    "table_services": dict(
        columns={"table_id": str, "service_id": str},
        pk=("table_id", "service_id"),
        foreign_keys=[("table_id", "source_tables", "id"), ("service_id", "services", "id")],
    ),
    "regions": dict(
        columns={"adcode": str, "name": str, "level": str, "parent_adcode": str, "lat": float, "lon": float,
                 "coord_source": str, "tier": str, "tier_source": str},
        pk="adcode",
    ),
    "hospitals": dict(
        columns={"id": str, "name": str, "province": str, "city": str, "district": str, "adcode": str,
                 "province_adcode": str, "city_adcode": str, "lat": float, "lon": float, "geo_precision": str,
                 "geo_source": str, "place_source": str, "place_conflict": str, "grade": str,
                 "grade_source": str, "grade_conflict": str, "parent_id": str, "campus": str, "country": str,
                 "listing_count": int, "overseas_city": str, "name_source": str,
                 # Facts (directory/facts/): the chosen value's class ('stated' | 'inferred' | NULL) and a
                 # short evidence string; every candidate is in `facts`.
                 "city_class": str, "district_class": str, "district_source": str, "point_class": str,
                 "city_proper": int, "city_proper_class": str, "city_proper_source": str,
                 "grade_class": str, "ownership": str, "ownership_class": str, "ownership_source": str,
                 "facility_type": str, "facility_type_class": str, "facility_type_source": str,
                 "inpatient": int, "inpatient_class": str, "inpatient_source": str,
                 "address": str, "address_source": str},
        pk="id",
    ),
    "facts": dict(
        columns={"id": int, "hospital_id": str, "fact": str, "value": str, "class": str, "source": str,
                 "evidence": str, "chosen": int},
        pk="id",
        foreign_keys=[("hospital_id", "hospitals", "id")],
    ),
    "reference_hospitals": dict(
        columns={"source_file": str, "line": int, "name": str, "province": str, "city": str, "county": str,
                 "city_adcode": str, "county_adcode": str, "level": str, "grade": str, "designated": str,
                 "address": str, "tel": str, "issuer": str, "date": str, "hospital_id": str,
                 "link_score": float, "link_reason": str},
        pk=("source_file", "line"),
        foreign_keys=[("hospital_id", "hospitals", "id")],
    ),
    "inference_rules": dict(
        columns={"rule": str, "fact": str, "conclusion": str, "applicable": int, "agree": int, "disagree": int,
                 "agreement": float, "used": int, "rationale": str, "disagreements": str},
        pk="rule",
    ),
    "verdicts": dict(
        columns={"service_id": str, "hospital_id": str, "verdict": str, "verdict_label": str, "say": str,
                 "reasons": str, "facts_used": str, "to_check": str, "inferred": str, "evidence": str},
        pk=("service_id", "hospital_id"),
        foreign_keys=[("service_id", "services", "id"), ("hospital_id", "hospitals", "id")],
    ),
    "listings": dict(
        columns={"id": int, "source_file": str, "line": int, "table_id": str, "service_id": str,
                 "raw_name": str, "raw_province": str, "raw_city": str, "raw_grade": str, "raw_team": str,
                 "raw_country": str, "raw_place": str, "raw_text": str, "note": str, "row_note": str, "hospital_id": str,
                 "match_method": str, "match_score": float, "province_adcode": str, "city_adcode": str,
                 "place_status": str, "place_reason": str,
                 # Cells imported lists carry (directory/parse_imported.py): lat/lon in WGS-84, raw_crs
                 # what they were stated in; raw_extra a JSON object of the columns no field claims.
                 "raw_district": str, "raw_address": str, "raw_ownership": str, "raw_phone": str,
                 "raw_notes": str, "raw_lat": float, "raw_lon": float, "raw_crs": str, "raw_extra": str},
        pk="id",
        foreign_keys=[("source_file", "sources", "file"), ("service_id", "services", "id"),
                      ("table_id", "source_tables", "id"), ("hospital_id", "hospitals", "id")],
    ),
    "coverage_entries": dict(
        columns={"id": int, "source_file": str, "line": int, "table_id": str, "raw_province": str,
                 "raw_city": str, "raw_text": str, "note": str, "adcode": str, "status": str, "reason": str,
                 "candidates": str},
        pk="id",
        foreign_keys=[("source_file", "sources", "file"), ("table_id", "source_tables", "id")],
    ),
    "coverage": dict(
        columns={"service_id": str, "adcode": str},
        pk=("service_id", "adcode"),
        foreign_keys=[("service_id", "services", "id")],
    ),
    "eligibility": dict(
        columns={"service_id": str, "hospital_id": str},
        pk=("service_id", "hospital_id"),
        foreign_keys=[("service_id", "services", "id"), ("hospital_id", "hospitals", "id")],
    ),
    "aliases": dict(
        columns={"hospital_id": str, "alias": str, "source": str},
        pk=("hospital_id", "alias", "source"),
        foreign_keys=[("hospital_id", "hospitals", "id")],
    ),
    "review_queue": dict(
        columns={"hospital_a": str, "hospital_b": str, "name_a": str, "name_b": str, "listing_a": int,
                 "listing_b": int, "score": float, "reason": str},
        pk=("listing_a", "listing_b"),
    ),
    "name_norms": dict(
        columns={"alias": str, "norm": str},
        pk="alias",
    ),
    "rejects": dict(
        columns={"id": int, "source_file": str, "line": int, "table_id": str, "raw_text": str, "reason": str},
        pk="id",
    ),
    # The service catalog (directory/service_catalog.py): statements per service with their manual line.
    "service_conditions": dict(
        columns={"id": int, "service_id": str, "aspect": str, "label": str, "text": str, "value": str, "unit": str,
                 "offset_days": int, "source_file": str, "line": int, "method": str, "scope": str},
        pk="id",
        foreign_keys=[("service_id", "services", "id"), ("source_file", "sources", "file")],
    ),
    "service_merges": dict(
        columns={"service_id": str, "merged_into": str, "name": str, "source_file": str, "reason": str,
                 "evidence": str},
        pk="service_id",
    ),
    # A row whose printed note rules a service out (directory/row_notes.py).
    "row_restrictions": dict(
        columns={"service_id": str, "hospital_id": str, "listing_id": int, "source_file": str, "line": int,
                 "note": str, "effect": str, "say": str},
        pk=("service_id", "hospital_id"),
        foreign_keys=[("service_id", "services", "id"), ("hospital_id", "hospitals", "id"),
                      ("listing_id", "listings", "id")],
    ),
    # Teams of a hospital and their specialties (directory/teams.py), one row per distinct team.
    "teams": dict(
        columns={"id": int, "hospital_id": str, "team": str, "specialties": str, "service_ids": str, "table_id": str,
                 "source_file": str, "line": int, "lines": str, "listing_ids": str, "printed_under": str},
        pk="id",
        foreign_keys=[("hospital_id", "hospitals", "id")],
    ),
    # Countries, US states and cities abroad (geodata/abroad.py); codes are ISO or country-GeoNames id.
    "overseas_places": dict(
        columns={"code": str, "name": str, "name_en": str, "level": str, "country": str, "parent_code": str,
                 "lat": float, "lon": float, "aliases": str, "coord_source": str, "evidence": str},
        pk="code",
    ),
    "build_report": dict(
        columns={"section": str, "item": str, "value": str},
        pk=("section", "item"),
    ),
}

INDEXES = [
    ("listings", ["hospital_id"]),
    ("listings", ["source_file", "line"]),
    ("listings", ["service_id"]),
    ("hospitals", ["city_adcode"]),
    ("hospitals", ["parent_id"]),
    ("eligibility", ["hospital_id"]),
    ("coverage", ["adcode"]),
    ("aliases", ["alias"]),
    ("coverage_entries", ["adcode"]),
    ("service_conditions", ["service_id"]),
    ("teams", ["hospital_id"]),
    ("facts", ["hospital_id", "fact"]),
    ("verdicts", ["hospital_id"]),
    ("reference_hospitals", ["city_adcode"]),
    ("reference_hospitals", ["hospital_id"]),
]


def create_schema(db: sqlite_utils.Database) -> None:
    """Create every public table (empty) with its keys and indexes."""
    for name, spec in TABLES.items():
        db[name].create(spec["columns"], pk=spec["pk"], foreign_keys=spec.get("foreign_keys"), not_null=None)
    for table, cols in INDEXES:
        db[table].create_index(cols, if_not_exists=True)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
