"""City tiers: the full 2025 ranking, generated from the vendored reference file."""

from pathlib import Path

from geodata.divisions import load_divisions
from geodata.make_tiers import EDITION, build_rows
from geodata.place_index import read_tsv
from geodata.tiers import tier_for, tier_source

REFERENCE = Path(__file__).resolve().parent.parent / "sources" / "reference" / "city_tiers_2025.tsv"


def test_first_tier() -> None:
    for code in ("110100", "310100", "440100", "440300"):
        assert tier_for(code) == "一线"


def test_new_first_tier_and_district_codes() -> None:
    assert tier_for("510100") == "新一线"
    assert tier_for("510104") == "新一线"  # a district of 成都
    assert tier_for("110105") == "一线"


def test_lower_tiers_are_ranked_too() -> None:
    assert tier_for("513400") == "四线"  # 凉山州
    assert tier_for("540100") == "四线"  # 拉萨
    assert tier_for("429004") is None  # 仙桃 (province-administered) is not in the ranking


def test_the_whole_2025_ranking_with_its_edition() -> None:
    rows = read_tsv("city_tiers.tsv")
    assert len(rows) == 337
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["tier"]] = counts.get(row["tier"], 0) + 1
    assert counts == {"一线": 4, "新一线": 15, "二线": 30, "三线": 70, "四线": 90, "五线": 128}
    assert tier_source() == EDITION == "第一财经·新一线城市研究所《2025城市商业魅力排行榜》(2025-05-28)"
    assert all(row["evidence"].startswith("city_tiers_2025.tsv:") for row in rows)


def test_every_adcode_is_a_2025_city() -> None:
    divisions = load_divisions()
    for row in read_tsv("city_tiers.tsv"):
        assert divisions[row["adcode"]].level == "city", row


def test_data_file_matches_the_vendored_reference() -> None:
    rows = [tuple(r.values()) for r in read_tsv("city_tiers.tsv")]
    assert rows == build_rows(REFERENCE)  # regenerate with: python -m geodata.make_tiers
