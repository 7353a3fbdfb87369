"""Place resolution on the real strings printed in the vendored insurer manuals."""

import time
from pathlib import Path

import pytest

from geodata.places import place_from_name, resolve_city_query, resolve_place

MANUALS = Path(__file__).resolve().parent.parent / "sources" / "manuals"
# (file prefix, first line, last line, [(province col, city col), ...]) of the tables' place columns
TABLES = [
    ("000", 307, 362, [(0, 1)]),
    ("001", 368, 857, [(0, 1)]),
    ("002", 75, 1000, [(1, 2)]),
    ("002", 1625, 2200, [(1, 2)]),
    ("002", 1210, 1335, [(1, 2), (4, 5)]),
    ("003", 419, 530, [(0, 1)]),
]
KNOWN_BAD = {"邓煌市"}  # no such place (敦煌市?): must stay unknown, never guessed
PLACEHOLDERS = {"直辖县", "省份", "城市", "省", "市"}


def _lines(prefix: str, first: int, last: int) -> list[list[str]]:
    path = next(MANUALS.glob(f"{prefix}_*.txt"))
    lines = path.read_text(encoding="utf-8").splitlines()[first - 1 : last]
    return [line.split("\t") for line in lines if "\t" in line]


def manual_pairs() -> list[tuple[str, str]]:
    """Distinct (province, city) pairs from the manuals' tables, carrying merged cells down."""
    pairs: set[tuple[str, str]] = set()
    for prefix, first, last, cols in TABLES:
        for pc, cc in cols:
            prov = ""
            for cells in _lines(prefix, first, last):
                if len(cells) <= cc:
                    continue
                p, c = cells[pc].strip(), cells[cc].strip()
                prov = p or prov
                if c and c not in PLACEHOLDERS and not c.isdigit() and not any(w in c for w in ("院", "中心", "所")):
                    pairs.add((prov, c))
    return sorted(pairs)


def coverage_cells() -> list[str]:
    """Every place-looking cell of seed 003's shifted 就医陪诊 tables (lines 534-720)."""
    cells = {c.strip() for row in _lines("003", 534, 720) for c in row}
    return sorted(c for c in cells if c and c not in PLACEHOLDERS)


def prose_cities() -> list[str]:
    """The 83-city prose list of seed 002 (~line 1017)."""
    path = next(MANUALS.glob("002_*.txt"))
    text = "".join(path.read_text(encoding="utf-8").splitlines()[1016:1020])
    body = text.split("包括：", 1)[1]
    return [c for c in body.replace("\n", "").split("、") if c]


@pytest.mark.parametrize(("province", "city"), manual_pairs())
def test_manual_pairs_resolve(province: str, city: str) -> None:
    m = resolve_place(province, city)
    assert m.status in ("exact", "alias"), m
    assert m.province_adcode is not None
    assert m.city_adcode is not None or city == province.rstrip("省"), m


@pytest.mark.parametrize("cell", coverage_cells())
def test_coverage_cells_resolve_alone(cell: str) -> None:
    m = resolve_place(None, cell)
    if cell in KNOWN_BAD:
        assert m.status == "unknown" and m.city_adcode is None
    else:
        assert m.status in ("exact", "alias"), m
        assert m.province_adcode is not None


def test_prose_list_has_83_cities_all_resolving() -> None:
    cities = prose_cities()
    assert len(cities) == 83
    codes = {resolve_place(None, c).city_adcode for c in cities}
    assert None not in codes and len(codes) == 83


@pytest.mark.parametrize(
    ("province", "city", "district", "expected"),
    [
        ("北京", "北京", None, ("110000", "110100", None)),
        ("北京市", "北京市", None, ("110000", "110100", None)),
        ("北京市", "市辖区", None, ("110000", "110100", None)),
        ("重庆市", "县", None, ("500000", "500100", None)),
        ("天津市", "县", None, ("120000", "120100", None)),
        ("四川", "凉山州", None, ("510000", "513400", None)),
        ("四川", "凉山彝族自治州", None, ("510000", "513400", None)),
        ("云南", "大理州", None, ("530000", "532900", None)),
        ("湖南", "湘西州", None, ("430000", "433100", None)),
        ("云南", "文山州", None, ("530000", "532600", None)),
        ("吉林", "延边州", None, ("220000", "222400", None)),
        (None, "思茅", None, ("530000", "530800", None)),
        ("山东", "莱芜市", None, ("370000", "370100", "370116")),
        ("四川", "彭州市", None, ("510000", "510100", "510182")),
        ("四川", "邛崃市", None, ("510000", "510100", "510183")),
        ("四川", "都江堰市", None, ("510000", "510100", "510181")),
        ("山西", "霍州市", None, ("140000", "141000", "141082")),
        ("江苏", "东台市", None, ("320000", "320900", "320981")),
        (None, "温州", None, ("330000", "330300", None)),
        ("内蒙", "包头", None, ("150000", "150200", None)),
        ("广西壮族自治区", "南宁市", None, ("450000", "450100", None)),
        ("北京", "北京", "昌平区", ("110000", "110100", "110114")),
        ("湖北", "仙桃市", None, ("420000", "429004", None)),
        ("江苏", None, None, ("320000", None, None)),
    ],
)
def test_named_cases(province, city, district, expected) -> None:
    m = resolve_place(province, city, district)
    assert (m.province_adcode, m.city_adcode, m.district_adcode) == expected, m
    assert m.status in ("exact", "alias")
    assert m.reason


def test_short_form_reason_is_readable() -> None:
    assert "凉山彝族自治州" in resolve_place("四川", "凉山州").reason
    assert resolve_place("四川", "凉山州").status == "alias"
    assert resolve_place("四川省", "成都市").status == "exact"


def test_city_under_wrong_province_is_conflict() -> None:
    m = resolve_place("广东", "鄂州市")
    assert m.status == "conflict" and m.city_adcode == "420700" and "广东" in m.reason


def test_ambiguous_returns_candidates_not_a_guess() -> None:
    m = resolve_place(None, "朝阳区")
    assert m.status == "ambiguous" and m.city_adcode is None and m.district_adcode is None
    assert set(m.candidates) == {"110105", "220104"}
    m = resolve_place("海南", "直辖县")
    assert m.status == "ambiguous" and "469002" in m.candidates


def test_unknown_stays_unknown() -> None:
    assert resolve_place("甘肃", "邓煌市").city_adcode is None
    assert resolve_place(None, "火星市").status == "unknown"


@pytest.mark.parametrize("query", ["北京", "北京市", "110000", "110100"])
def test_city_query_beijing_lands_on_one_code(query: str) -> None:
    assert resolve_city_query(query).city_adcode == "110100"


def test_city_query_forms() -> None:
    assert resolve_city_query("500200").city_adcode == "500100"
    assert resolve_city_query("500229").city_adcode == "500100"
    assert resolve_city_query("大理州").city_adcode == "532900"
    assert resolve_city_query("510182").district_adcode == "510182"
    assert resolve_city_query("999999").status == "unknown"
    assert resolve_place("北京", "市辖区").city_adcode == resolve_city_query("北京").city_adcode


@pytest.mark.parametrize(
    ("name", "city", "district", "status"),
    [
        ("北京市昌平区中医医院", "110100", "110114", "exact"),
        ("香港大学深圳医院", "440300", None, None),
        ("北京大学深圳医院", "440300", None, None),
        ("温州医科大学附属第一医院", "330300", None, "alias"),
        ("盐城市第一人民医院", "320900", None, "exact"),
        ("东台市人民医院", "320900", "320981", "exact"),
        ("诸城市人民医院", "370700", "370782", "exact"),
        ("中山大学附属肿瘤医院", "440100", None, "alias"),
        ("吉林大学第一医院", "220100", None, "alias"),
        ("复旦大学附属中山医院", "310100", None, "alias"),
        ("四川大学华西医院", "510100", None, "alias"),
        ("南方医科大学南方医院", "440100", None, "alias"),
        ("中国医科大学附属第一医院", "210100", None, "alias"),
        ("天津市蓟县人民医院", "120100", "120119", "alias"),
        ("凉山州第一人民医院", "513400", None, "alias"),
    ],
)
def test_place_from_name(name, city, district, status) -> None:
    m = place_from_name(name)
    assert m.city_adcode == city, m
    assert m.district_adcode == district, m
    if status:
        assert m.status == status, m


def test_place_from_name_traps() -> None:
    assert place_from_name("北京中医药大学东方医院").city_adcode == "110100"  # not 东方市
    assert place_from_name("四川省人民医院").city_adcode is None
    assert place_from_name("四川省人民医院").province_adcode == "510000"
    # 解放军总医院 is an institution whose seat (北京) is knowledge in institution_seats.tsv.
    assert place_from_name("中国人民解放军总医院").city_adcode == "110100"
    assert place_from_name("中国人民解放军总医院").status == "alias"
    assert place_from_name("吉林省吉林大学第一医院").city_adcode == "220100"


def test_resolve_place_is_fast() -> None:
    pairs = manual_pairs()
    for p, c in pairs:
        resolve_place(p, c)
    t = time.perf_counter()
    for _ in range(20):
        for p, c in pairs:
            resolve_place(p, c)
    per_call = (time.perf_counter() - t) / (20 * len(pairs))
    assert per_call < 50e-6
