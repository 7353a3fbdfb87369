"""`hospnet import` on the files users really have, made from the manuals' own lists: a GBK CSV with
extra columns, an XLSX with a cover sheet, a title row and merged province cells, Excel's UTF-16
"Unicode text"; one file for two services; a new version of a service's list; refusals that name
the file. Every import is built into a real registry and read back."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from directory.build import build
from directory.importer import ImportError_, import_list
from directory.manifest import load_manifest

ROOT = Path(__file__).resolve().parent.parent
MANUAL_002 = ROOT / "sources" / "manuals" / "002_e8b033acd9a55b94.txt"
GREEN = (75, 1001)  # 附件：重疾绿通医院名单: header 医院名称/省份/城市, 903 hospital rows, blank page breaks
SECOND_OPINION = (1625, 2554)
REGISTRATION = (3813, 4739)


def manual_rows(first: int, last: int) -> list[list[str]]:
    """The rows of a table of manual 002 (header first), blank lines as []."""
    lines = MANUAL_002.read_text(encoding="utf-8").split("\n")[first - 1 : last]
    return [line.split("\t") if line.strip() else [] for line in lines]


def data_rows(rows: list[list[str]]) -> int:
    return sum(1 for r in rows[1:] if r)


def write_csv(path: Path, rows: list[list[str]], encoding: str, delimiter: str = ",") -> None:
    path.write_bytes(("\r\n".join(delimiter.join(r) for r in rows) + "\r\n").encode(encoding))


def with_extra_columns(rows: list[list[str]]) -> list[list[str]]:
    """Add what real lists carry: an address, a note, and a hospital code no field claims."""
    out = [rows[0] + ["地址", "备注", "医院编码"]]
    for i, r in enumerate(rows[1:], 1):
        out.append(r + [f"{r[2]}人民路{i}号", "定点医院", f"H{i:05d}"] if r else [])
    return out


def write_registration_xlsx(path: Path) -> int:
    """The registration list as an insurer's workbook: a cover sheet, a title row merged over the
    columns, a blank row, the header on row 3, 序号 first, each province written once in a merged block."""
    import openpyxl

    rows = [r for r in manual_rows(*REGISTRATION)[1:] if r]
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    cover["A1"] = "众安保险 门诊挂号协助服务医院名单"
    cover["A3"] = "最新更新日期：2022 年 11 月 3 日"
    ws = wb.create_sheet("医院名单")
    ws.append(["门诊挂号协助服务医院名单（2022 版）"])
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["序号", "省份", "城市", "医院名称", "备注"])
    first = ws.max_row + 1
    for i, (name, province, city) in enumerate(rows, 1):
        ws.append([i, province, city, name, None])
    last = ws.max_row
    r = first
    while r <= last:
        end = r
        while end < last and ws.cell(end + 1, 2).value == ws.cell(r, 2).value:
            end += 1
        if end > r:
            for k in range(r + 1, end + 1):
                ws.cell(k, 2).value = None
            ws.merge_cells(start_row=r, start_column=2, end_row=end, end_column=2)
        r = end + 1
    wb.save(path)
    return len(rows)


@pytest.fixture(scope="module")
def green_version_2(registry, tmp_path_factory) -> dict:
    """Seed 002's green-channel list as its insurer might send it next year: five hospitals dropped,
    three from other manuals' lists added, one hospital no manual lists (from the 2020 fever-clinic list)."""
    rows = manual_rows(*GREEN)
    with sqlite3.connect(registry) as db:
        listed = {h for (h,) in db.execute("SELECT hospital_id FROM eligibility WHERE service_id = '002-green-channel'")}
        # Rows whose hospital appears once in the list, so dropping the row drops the hospital.
        once = db.execute(
            "SELECT l.line, h.name FROM listings l JOIN hospitals h ON h.id = l.hospital_id "
            "WHERE l.table_id = '002-green-channel-hospitals' GROUP BY l.hospital_id HAVING count(*) = 1 "
            "ORDER BY l.line LIMIT 5 OFFSET 40").fetchall()
        others = [(n, p, c, h, hid) for n, p, c, h, hid in db.execute(
            "SELECT l.raw_name, h.province, h.city, h.name, h.id FROM listings l JOIN hospitals h "
            "ON h.id = l.hospital_id WHERE l.source_file LIKE '004%' AND h.city IS NOT NULL ORDER BY l.line")
            if hid not in listed][:3]
    dropped_lines = {line for line, _ in once}
    new_rows = [r for k, r in enumerate(rows) if GREEN[0] + k not in dropped_lines]
    new_rows += [[n, p, c] for n, p, c, _, _ in others] + [["唐山市工人医院", "河北省", "唐山市"]]
    path = tmp_path_factory.mktemp("v2") / "重疾绿通医院名单2023.csv"
    write_csv(path, new_rows, "gbk")
    return {"path": path, "removed": sorted(name for _, name in once), "added": sorted(h for *_, h, _ in others),
            "new": "唐山市工人医院", "rows": data_rows(new_rows)}


@pytest.fixture(scope="module")
def imported(registry, green_version_2, tmp_path_factory) -> dict:
    """Several imports into one data folder, then one real build."""
    tmp = tmp_path_factory.mktemp("imports")
    home = tmp / "home"
    gbk = tmp / "重疾绿通名单.csv"
    green = with_extra_columns(manual_rows(*GREEN))
    write_csv(gbk, green, "gbk")
    xlsx = tmp / "门诊挂号协助.xlsx"
    xlsx_rows = write_registration_xlsx(xlsx)
    utf16 = tmp / "二次诊疗医院.txt"  # Excel: 另存为 → Unicode 文本 (UTF-16 with BOM, tab-separated)
    second = manual_rows(*SECOND_OPINION)
    write_csv(utf16, second, "utf-16", delimiter="\t")
    # 医疗垫付's 83 covered cities, printed in the manual as one sentence, as a table: two dropped, two added.
    with sqlite3.connect(registry) as db:
        cities = db.execute("SELECT raw_city FROM coverage_entries WHERE table_id = '002-medical-advance-cities' "
                            "ORDER BY line, id").fetchall()
    cities_csv = tmp / "垫付城市.csv"
    write_csv(cities_csv, [["序号", "城市"]] + [[str(i), c] for i, (c,) in enumerate(cities[2:] + [("拉萨市",),
                                                                                             ("三亚市",)], 1)], "gbk")
    results = {
        "cities": import_list(cities_csv, service_id="002-medical-advance", data_dir=home),
        "gbk_green": import_list(gbk, insurer="测试保险", service="重疾绿通", data_dir=home),
        "gbk_registration": import_list(gbk, insurer="测试保险", service="门诊挂号协助", data_dir=home),
        "xlsx": import_list(xlsx, insurer="测试保险", service="特需门诊预约", data_dir=home),
        "utf16": import_list(utf16, insurer="测试保险", service="二次诊疗意见", data_dir=home),
        "v2": import_list(green_version_2["path"], service_id="002-green-channel", data_dir=home, db=registry),
    }
    out = tmp / "registry.db"
    build(out, manifest=load_manifest(imports=home / "imported"))
    return {"results": results, "db": out, "home": home, "green_rows": data_rows(green), "xlsx_rows": xlsx_rows,
            "second_rows": data_rows(second), "gbk": gbk, "dropped_cities": [c for (c,) in cities[:2]]}


def _query(db: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def test_a_gbk_csv_with_extra_columns_imports_every_row(imported):
    r = imported["results"]["gbk_green"]
    assert (r.encoding, r.rows, r.rejects, r.header_line) == ("gb18030", imported["green_rows"], [], 1)
    assert r.columns == {"name": "医院名称", "province": "省份", "city": "城市", "address": "地址", "notes": "备注"}
    assert r.extra_columns == ["医院编码"]
    rows = _query(imported["db"], "SELECT line, raw_name, raw_address, raw_notes, raw_extra FROM listings "
                                  "WHERE source_file = ? ORDER BY line", r.tsv_path.name)
    assert len(rows) == 903
    green = manual_rows(*GREEN)
    for line, name, address, notes, extra in rows:  # line k of the listing is row k of the user's file
        assert green[line - 1][0] == name
        assert address.endswith("号") and notes == "定点医院" and json.loads(extra)["医院编码"].startswith("H")
    # The header row is never a reject, nor any row with filled columns no field claims.
    assert _query(imported["db"], "SELECT count(*) FROM rejects WHERE source_file LIKE 'imp%'") == [(0,)]
    sources = _query(imported["db"], "SELECT original_file, encoding, origin FROM sources WHERE file = ?",
                     r.tsv_path.name)
    assert sources == [("重疾绿通名单.csv", "gb18030", "imported")]


def test_one_file_serves_two_services(imported):
    a, b = imported["results"]["gbk_green"], imported["results"]["gbk_registration"]
    assert a.import_id != b.import_id and a.service_id != b.service_id
    services = dict(_query(imported["db"], "SELECT id, name FROM services WHERE insurer = '测试保险'"))
    assert services[a.service_id] == "重疾绿通" and services[b.service_id] == "门诊挂号协助"
    manual = _query(imported["db"], "SELECT count(*) FROM eligibility WHERE service_id = '002-registration-assist'")
    for sid in (a.service_id, b.service_id):
        assert _query(imported["db"], "SELECT count(*) FROM eligibility WHERE service_id = ?", sid) == [(900,)]
        assert _query(imported["db"], "SELECT count(*) FROM listings l JOIN table_services t ON t.table_id = "
                                      "l.table_id WHERE t.service_id = ?", sid) == [(903,)]
    assert manual == [(900,)]  # the same 903-row list, as the manual prints it for three services


def test_a_workbook_with_a_cover_sheet_title_row_and_merged_provinces(imported):
    r = imported["results"]["xlsx"]
    assert (r.sheet, r.header_line, r.rows, r.rejects) == ("医院名单", 3, imported["xlsx_rows"], [])
    assert r.encoding == "xlsx" and len(r.merged) > 20 and "A1:E1" in r.merged
    rows = _query(imported["db"], "SELECT raw_province, raw_city, note FROM listings WHERE source_file = ?",
                  r.tsv_path.name)
    assert len(rows) == imported["xlsx_rows"] and all(p and c for p, c, _ in rows)
    assert sum("省份 filled from merged cells" in n for _, _, n in rows) > 800
    # Placed like the manual's own rows: every row has its province's adcode.
    assert _query(imported["db"], "SELECT count(*) FROM listings WHERE source_file = ? AND province_adcode IS NULL",
                  r.tsv_path.name) == [(0,)]


def test_excel_unicode_text_is_read_as_utf16(imported):
    r = imported["results"]["utf16"]
    assert (r.encoding, r.rows, r.rejects) == ("utf-16", imported["second_rows"], [])


def test_a_new_version_replaces_the_list_and_reports_the_change(imported, green_version_2):
    r = imported["results"]["v2"]
    assert r.service_id == "002-green-channel" and r.replaces == "002_e8b033acd9a55b94.txt"
    d = r.diff  # at import time, against the registry built from the manuals
    assert sorted(d.removed) == green_version_2["removed"]
    assert sorted(d.added) == sorted([*green_version_2["added"], green_version_2["new"]])
    assert d.new_to_registry == 1 and (d.before, d.after) == (900, 899)

    db = imported["db"]
    report = json.loads(_query(db, "SELECT value FROM build_report WHERE section = 'service versions' "
                                   "AND item = '002-green-channel'")[0][0])
    assert report["removed"] == green_version_2["removed"]
    assert sorted(report["added"]) == sorted([*green_version_2["added"], green_version_2["new"]])
    assert (report["previous"], report["current"]) == ("002_e8b033acd9a55b94.txt", r.tsv_path.name)
    # Eligibility now follows the new list only; the manual stays a source and keeps its rows, marked.
    eligible = {n for (n,) in _query(db, "SELECT h.name FROM eligibility e JOIN hospitals h ON h.id = e.hospital_id "
                                         "WHERE e.service_id = '002-green-channel'")}
    assert len(eligible) == 899 and not eligible & set(green_version_2["removed"])
    assert set(green_version_2["added"]) | {green_version_2["new"]} <= eligible
    assert _query(db, "SELECT source_file FROM services WHERE id = '002-green-channel'") == \
        [("002_e8b033acd9a55b94.txt",)]
    old = _query(db, "SELECT count(*), min(note) FROM listings WHERE table_id = '002-green-channel-hospitals'")
    assert old[0][0] == 903 and "superseded for 002-green-channel" in old[0][1]
    assert _query(db, "SELECT count(*) FROM table_services WHERE service_id = '002-green-channel'") == [(1,)]


def test_a_new_version_of_a_coverage_list_changes_the_covered_cities(imported, registry):
    r = imported["results"]["cities"]
    assert (r.rows, r.rejects, r.columns) == (83, [], {"seq": "序号", "city": "城市"})
    assert r.diff is None and "a list of cities" in r.diff_note
    report = json.loads(_query(imported["db"], "SELECT value FROM build_report WHERE section = 'service versions' "
                                               "AND item = '002-medical-advance'")[0][0])
    assert report["added"] == ["三亚市", "拉萨市"] and report["removed"] == sorted(imported["dropped_cities"])
    covered = {n for (n,) in _query(imported["db"], "SELECT r.name FROM coverage c JOIN regions r ON r.adcode = "
                                                     "c.adcode WHERE c.service_id = '002-medical-advance'")}
    with sqlite3.connect(registry) as before:
        was = {n for (n,) in before.execute("SELECT r.name FROM coverage c JOIN regions r ON r.adcode = c.adcode "
                                            "WHERE c.service_id = '002-medical-advance'")}
    assert covered == was - set(imported["dropped_cities"]) | {"拉萨市", "三亚市"}


# --- the command line: list, remove, versions, refusals ------------------------------------------------


def hospnet(home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOSPNET_HOME": str(home)}
    env.pop("HOSPNET_SOURCES", None)
    return subprocess.run([sys.executable, "-m", "directory.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=180, stdin=subprocess.DEVNULL)


def test_imports_are_listed_versioned_and_removed(green_version_2, tmp_path):
    home = tmp_path / "home"
    v2 = hospnet(home, "import", str(green_version_2["path"]), "--service-id", "002-green-channel",
                 "--db", str(tmp_path / "none.db"))
    assert v2.returncode == 0, v2.stderr
    assert "replaces the list from 002_e8b033acd9a55b94.txt" in v2.stdout
    assert "build report will show what it adds and removes" in v2.stdout
    v3_file = tmp_path / "v3.csv"
    write_csv(v3_file, manual_rows(*GREEN)[:50], "utf-8-sig")
    v3 = hospnet(home, "import", str(v3_file), "--service-id", "002-green-channel", "--db", str(tmp_path / "none.db"))
    assert v3.returncode == 0 and "encoding utf-8-sig" in v3.stdout
    listed = json.loads(hospnet(home, "imports", "--json").stdout)
    assert [(i["file"], i["service_id"], i["rows"], i["encoding"]) for i in listed] == [
        (green_version_2["path"].name, "002-green-channel", green_version_2["rows"], "gb18030"),
        ("v3.csv", "002-green-channel", 48, "utf-8-sig")]
    v2_id, v3_id = listed[0]["id"], listed[1]["id"]
    assert (listed[0]["status"], listed[1]["status"]) == (f"superseded by {v3_id}", "in force")
    text = hospnet(home, "imports").stdout
    assert v2_id in text and "重疾绿通 [002-green-channel]" in text and "gb18030" in text

    again = hospnet(home, "import", str(green_version_2["path"]), "--service-id", "002-green-channel")
    assert again.returncode != 0 and f"already imported as {v2_id}" in again.stderr

    unconfirmed = hospnet(home, "imports", "remove", v3_id)
    assert unconfirmed.returncode != 0 and "--yes" in unconfirmed.stderr
    removed = hospnet(home, "imports", "remove", v3_id, "--yes")
    assert removed.returncode == 0 and f"Removed import {v3_id}" in removed.stdout
    listed = json.loads(hospnet(home, "imports", "--json").stdout)
    assert [(i["id"], i["status"]) for i in listed] == [(v2_id, "in force")]
    assert sorted(p.name.split("_")[0].split(".")[0] for p in (home / "imported").iterdir()) == [v2_id, v2_id]
    missing = hospnet(home, "imports", "remove", "imp00000000", "--yes")
    assert missing.returncode != 0 and "no import 'imp00000000'" in missing.stderr


def test_a_second_service_of_the_same_name_needs_a_choice(tmp_path):
    path = tmp_path / "list.csv"
    write_csv(path, manual_rows(*GREEN)[:20], "utf-8")
    done = hospnet(tmp_path / "home", "import", str(path), "--insurer", "众安", "--service", "重疾绿通")
    assert done.returncode != 0
    assert "list.csv" in done.stderr and "--service-id 002-green-channel" in done.stderr
    assert not (tmp_path / "home").exists()


def _xlsx_without_list(path: Path) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "本名单每季度更新"
    wb.save(path)
    return path.read_bytes()


@pytest.mark.parametrize(
    "name, content, args, message",
    [
        ("junk.csv", bytes(range(256)) * 4, (), "looks like a binary file"),
        ("empty.csv", b"", (), "file is empty"),
        ("blank.csv", b" \r\n\r\n", (), "file is empty"),
        ("nonames.csv", "省份,城市\n北京,北京\n".encode(), (), "has a hospital-name column"),
        ("header.csv", "医院名称\n".encode(), (), "header only, no data rows"),
        ("big.csv", ("医院名称\n" + "某医院\n" * 20).encode(), ("--max-rows", "10"), "more than 10 rows"),
        ("big2.csv", ("医院名称\n" + "某医院\n" * 2000).encode(), ("--max-mb", "0.001"), "over the import limit of 0.001 MB"),
        ("junk.xlsx", b"PK\x03\x04 not really a workbook", (), "not a readable .xlsx workbook"),
        ("list.pdf", b"%PDF-1.4", (), "unsupported file type '.pdf'"),
        ("list.xls", b"\xd0\xcf\x11\xe0", (), "save .xls workbooks as .xlsx"),
        ("nolist.xlsx", None, (), "no sheet has a header row with a hospital-name column"),
        ("badcol.csv", "医院名称\n北京医院\n".encode(), ("--columns", "hospital=医院名称"),
         "--columns: unknown field 'hospital'"),
        ("coords.csv", "医院名称,经度,纬度\n北京医院,116.42,39.91\n".encode(), (), "--crs wgs84|gcj02|bd09"),
        ("sheet.xlsx", None, ("--sheet", "名单"), "--sheet '名单': no such sheet"),
    ],
)
def test_refusals_name_the_file_and_write_nothing(tmp_path, name, content, args, message):
    path = tmp_path / name
    if content is None:
        _xlsx_without_list(path)
    else:
        path.write_bytes(content)
    home = tmp_path / "home"
    done = hospnet(home, "import", str(path), "--insurer", "测试保险", "--service", "测试服务", *args)
    assert done.returncode != 0
    assert message in done.stderr, done.stderr
    assert name in done.stderr or args and args[0] == "--columns"
    assert not home.exists()


def test_import_command_reports_what_it_read(imported, tmp_path):
    done = hospnet(tmp_path / "home", "import", str(imported["gbk"]), "--insurer", "测试保险", "--service", "重疾绿通")
    assert done.returncode == 0, done.stderr
    assert "Imported 903 rows" in done.stdout and "encoding gb18030" in done.stdout
    assert "kept as they are: 医院编码" in done.stdout and "address=地址" in done.stdout


def test_coordinates_are_converted_to_wgs84_from_the_stated_system(tmp_path):
    from directory.parse_tables import parse_table
    from geodata.coords import bd09_to_wgs84

    path = tmp_path / "百度坐标.csv"
    path.write_text("医院名称,城市,经度,纬度\n北京协和医院,北京,116.42306,39.91855\n某医院,北京,abc,39.9\n",
                    encoding="utf-8")
    result = import_list(path, insurer="测试保险", service="测试服务", crs="bd09", data_dir=tmp_path / "home")
    assert result.columns["lon"] == "经度" and result.columns["lat"] == "纬度"
    doc = next(d for d in load_manifest(imports=tmp_path / "home" / "imported").documents if d.origin == "imported")
    rows = parse_table(doc.path.read_text(encoding="utf-8").split("\n"), doc.tables[0]).listings
    lon, lat = bd09_to_wgs84(116.42306, 39.91855)
    assert (rows[0].raw_lat, rows[0].raw_lon, rows[0].raw_crs) == (round(lat, 7), round(lon, 7), "bd09")
    assert rows[1].raw_lat is None and "not both numbers" in rows[1].note
    with pytest.raises(ImportError_, match="no latitude/longitude columns"):
        import_list(ROOT / "sources" / "reference" / "city_tiers_2025.tsv", insurer="x", service="y", crs="gcj02",
                    columns="name=name", data_dir=tmp_path / "home2")


def test_cells_beyond_the_header_are_kept_not_rejected(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("医院名称,省份,城市\n北京协和医院,北京,北京,东城区帅府园1号,定点医院\n"
                    "温州医科大学附属第一医院,浙江,温州,,三甲\n", encoding="utf-8")
    result = import_list(path, insurer="测试保险", service="测试服务", data_dir=tmp_path / "home")
    assert (result.rows, result.rejects) == (2, [])
    doc = next(d for d in load_manifest(imports=tmp_path / "home" / "imported").documents if d.origin == "imported")
    from directory.parse_tables import parse_table

    rows = parse_table(doc.path.read_text(encoding="utf-8").split("\n"), doc.tables[0]).listings
    assert json.loads(rows[0].raw_extra) == {"column D": "东城区帅府园1号", "column E": "定点医院"}


def test_the_fever_clinic_list_imports_as_a_reference_list(registry, tmp_path):
    """The 2020 fever-clinic list is no service's list: imported as --kind reference its 4,476 rows
    become listings with county and address kept, and make nobody eligible for anything."""
    import csv

    source = ROOT / "sources" / "reference" / "fever_clinics_2020.tsv"
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    home = tmp_path / "home"
    result = import_list(source, insurer="各省卫健委", kind="reference", data_dir=home)
    assert (result.rows, result.rejects, result.service_id) == (4476, [], None)
    assert result.columns == {"province": "province", "city": "city", "district": "county", "name": "name",
                              "grade": "level", "address": "address", "phone": "tel"}
    assert result.extra_columns == ["designated", "source", "date"]
    out = tmp_path / "r.db"
    build(out, manifest=load_manifest(imports=home / "imported"))
    got = _query(out, "SELECT line, raw_name, raw_district, raw_address, raw_phone, raw_extra, service_id "
                      "FROM listings WHERE source_file = ? ORDER BY line", result.tsv_path.name)
    assert len(got) == 4476
    for k, ((line, name, district, address, phone, extra, service), row) in enumerate(zip(got, rows, strict=True)):
        assert (line, name, district or "", address or "", phone or "") == \
            (k + 2, *(" ".join(row[c].split()) for c in ("name", "county", "address", "tel")))  # spaces folded
        assert json.loads(extra)["source"] == row["source"] and service is None
    with sqlite3.connect(registry) as before:
        assert _query(out, "SELECT count(*) FROM eligibility") == before.execute(
            "SELECT count(*) FROM eligibility").fetchall()
        assert _query(out, "SELECT count(*) FROM services") == before.execute("SELECT count(*) FROM services").fetchall()


def test_a_later_version_stands_alone_when_the_first_is_removed(tmp_path):
    from directory.build import parse_sources
    from directory.imports import list_imports, remove_import, status
    from directory.service_versions import apply_versions

    home = tmp_path / "home"
    first, second = tmp_path / "v1.csv", tmp_path / "v2.csv"
    write_csv(first, manual_rows(*GREEN)[:30], "utf-8")
    write_csv(second, manual_rows(*GREEN)[:60], "gbk")
    v1 = import_list(first, insurer="测试保险", service="测试服务", data_dir=home)
    v2 = import_list(second, service_id=v1.service_id, data_dir=home)
    assert v2.service_id == v1.service_id and v2.replaces == f"import {v1.import_id} (v1.csv)"
    records = list_imports(home / "imported")
    assert [status(r, records) for r in records] == [f"superseded by {v2.import_id}", "in force"]

    def services_of(manifest):
        parsed = parse_sources(manifest)
        kept, versions = apply_versions(manifest, parsed.table_services)
        return ({s["id"]: (s["name"], s["insurer"], s["source_file"]) for s in parsed.services},
                sorted(t["table_id"] for t in kept if t["service_id"] == v1.service_id), versions)

    services, tables, versions = services_of(load_manifest(imports=home / "imported"))
    assert services[v1.service_id] == ("测试服务", "测试保险", v1.tsv_path.name)
    assert tables == [f"{v2.import_id}-csfw-list"] and [v.service_id for v in versions] == [v1.service_id]
    remove_import(v1.import_id, home / "imported")
    services, tables, versions = services_of(load_manifest(imports=home / "imported"))
    assert services[v1.service_id] == ("测试服务", "测试保险", v2.tsv_path.name)
    assert tables == [f"{v2.import_id}-csfw-list"] and versions == []
