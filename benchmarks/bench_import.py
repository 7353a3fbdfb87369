"""Time and memory of `hospnet import` on large files: a GBK CSV at the row limit, an XLSX with merged cells.

Rows are the manuals' own hospital rows (seed 002's 903-row list), repeated with a row number in the
name so every row is distinct, plus an address and a note column. Each import runs in its own
process so its peak memory (max RSS) is its own. No target is asserted; figures are printed.

    .venv/bin/python benchmarks/bench_import.py [--short]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANUAL = ROOT / "sources" / "manuals" / "002_e8b033acd9a55b94.txt"


def manual_rows() -> list[list[str]]:
    lines = MANUAL.read_text(encoding="utf-8").split("\n")[75:1001]
    return [line.split("\t") for line in lines if line.strip()]


def make_csv(path: Path, n: int) -> None:
    rows = manual_rows()
    out = ["医院名称,省份,城市,地址,备注"]
    for i in range(n):
        name, province, city = rows[i % len(rows)]
        out.append(f"{name}（{i}）,{province},{city},{city}人民路{i}号,定点医院")
    path.write_bytes(("\r\n".join(out) + "\r\n").encode("gbk"))


def make_xlsx(path: Path, n: int) -> None:
    import openpyxl

    rows = manual_rows()
    wb = openpyxl.Workbook()
    wb.active.title = "封面"
    wb.active["A1"] = "医院名单"
    ws = wb.create_sheet("名单")
    ws.append(["医院名单"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "省份", "城市", "医院名称", "地址"])
    for i in range(n):
        name, province, city = rows[i % len(rows)]
        ws.append([i + 1, province if i % 50 == 0 else None, city, f"{name}（{i}）", f"{city}人民路{i}号"])
    for first in range(3, ws.max_row + 1, 50):  # the province written once per block of 50 rows
        ws.merge_cells(start_row=first, start_column=2, end_row=min(first + 49, ws.max_row), end_column=2)
    wb.save(path)


CHILD = """
import json, resource, sys, time
from pathlib import Path
from directory.importer import import_list
from directory.table_files import Limits
t0 = time.perf_counter()
r = import_list(Path(sys.argv[1]), insurer="测试保险", service="测试服务", data_dir=Path(sys.argv[2]),
                limits=Limits(max_mb=500, max_rows=1_000_000))
print(json.dumps({"rows": r.rows, "seconds": time.perf_counter() - t0, "encoding": r.encoding,
                  "merged": len(r.merged), "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(path: Path, home: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(home)], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    return json.loads(done.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--short", action="store_true", help="20,000 CSV rows and 5,000 XLSX rows instead of 200,000 / 50,000")
    args = ap.parse_args()
    csv_rows, xlsx_rows = (20_000, 5_000) if args.short else (200_000, 50_000)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        cases = [("GBK CSV", tmp_path / "list.csv", make_csv, csv_rows),
                 ("XLSX, merged cells", tmp_path / "list.xlsx", make_xlsx, xlsx_rows)]
        for label, path, make, n in cases:
            t0 = time.perf_counter()
            make(path, n)
            made = time.perf_counter() - t0
            r = run(path, tmp_path / f"home-{path.suffix[1:]}")
            merged = f", {r['merged']} merged ranges" if r["merged"] else ""
            print(f"{label}: {r['rows']:,} rows, {path.stat().st_size / 1e6:.1f} MB ({r['encoding']}{merged}; "
                  f"made in {made:.1f} s): "
                  f"import {r['seconds']:.1f} s ({r['rows'] / r['seconds']:,.0f} rows/s), "
                  f"peak memory {r['max_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
