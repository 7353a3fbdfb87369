"""City tiers from the checked-in ranking file."""

from geodata.place_index import read_tsv
from geodata.tiers import tier_for


def test_first_tier() -> None:
    for code in ("110100", "310100", "440100", "440300"):
        assert tier_for(code) == "一线"


def test_new_first_tier_and_district_codes() -> None:
    assert tier_for("510100") == "新一线"
    assert tier_for("510104") == "新一线"  # a district of 成都
    assert tier_for("110105") == "一线"


def test_unranked_is_none() -> None:
    assert tier_for("513400") is None
    assert tier_for("429004") is None


def test_every_row_has_evidence_and_a_city_code() -> None:
    rows = read_tsv("city_tiers.tsv")
    assert len(rows) >= 4
    for row in rows:
        assert row["evidence"] and row["year"].isdigit() and row["adcode"].endswith("00")
