"""Parse a list registered by `hospnet import` (stored as UTF-8 TSV, one line per row of the original).

The table spec says which line is the header and what each column means (directory/import_columns.py).
Every row after the header is a listing (or, for a coverage list with no name column, a covered
city), a reject with its reason (no name), or a counted skip (blank, a repeated header, a footnote).
Cells no field claims are kept in `raw_extra`; they are never a reason to reject a row.
"""
from __future__ import annotations

import json
import re

from directory.cells import is_blank_row, split_cells
from directory.manifest import TableSpec
from directory.parse_tables import CoverageRow, ListingRow, ParsedTable, Reject, _table_lines

EXTRA = "extra"
# A row holding only a footnote ("注：以上医院…") or a total ("合计 927") carries no hospital.
_FOOTNOTE = re.compile(r"^(注|说明|备注|数据来源|来源|资料来源)\s*\d*\s*[:：]")
_TOTAL = re.compile(r"^(合计|总计|小计|共计)\s*[:：]?\s*\d*\s*(家|个)?$")


def column_letter(index: int) -> str:
    """0-based column index → spreadsheet letters (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _extra_keys(header: list[str], roles: tuple[str, ...]) -> list[str]:
    """A key per column for raw_extra: its header, made unique by the column letter when needed."""
    keys = []
    for i, h in enumerate(header):
        key = h or f"column {column_letter(i)}"
        if key in keys or (h and header.count(h) > 1):
            key = f"{key} ({column_letter(i)})"
        keys.append(key)
    return keys


def _merged_notes(spec: TableSpec, header: list[str]) -> dict[int, list[str]]:
    """Line → notes on the cells filled from a merged range above them ("省份 filled from merged cells B4:B19")."""
    from openpyxl.utils.cell import range_boundaries

    notes: dict[int, list[str]] = {}
    for ref in spec.merged:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        cols = [header[c] or column_letter(c) for c in range(min_col - 1, max_col) if c < len(header)]
        for n in range(min_row + 1, max_row + 1):
            notes.setdefault(n, []).append(f"{'/'.join(cols)} filled from merged cells {ref}")
    return notes


def _coordinates(row: dict[str, str], crs: str) -> tuple[float | None, float | None, str]:
    """(lat, lon) in WGS-84 from the row's cells stated in `crs`, or Nones and why."""
    from geodata.coords import to_wgs84

    lat_text, lon_text = row.get("lat"), row.get("lon")
    if not lat_text and not lon_text:
        return None, None, ""
    try:
        lat, lon = float(lat_text or ""), float(lon_text or "")
    except ValueError:
        return None, None, f"coordinates not used: lat {lat_text!r}, lon {lon_text!r} are not both numbers"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None, f"coordinates not used: lat {lat_text}, lon {lon_text} are out of range"
    if abs(lat) > 60 and abs(lon) <= 60:
        return None, None, f"coordinates not used: lat {lat_text}, lon {lon_text} look swapped"
    if not crs:
        return None, None, "coordinates not used: their coordinate system was not stated"
    wlon, wlat = to_wgs84(lon, lat, crs)
    note = "" if crs == "wgs84" else f"coordinates converted from {crs} ({lat_text}, {lon_text})"
    return round(wlat, 7), round(wlon, 7), note


def parse_imported(lines: list[str], spec: TableSpec) -> ParsedTable:
    out = ParsedTable()
    rows = _table_lines(lines, spec)
    header = split_cells(rows[0][1])
    roles = spec.columns
    keys = _extra_keys(header, roles)
    merged = _merged_notes(spec, header)
    lists_hospitals = "name" in roles
    required = "name" if lists_hospitals else "city"
    required_at = roles.index(required)
    out.skip("header row")
    for n, line in rows[1:]:
        cells = split_cells(line)
        if is_blank_row(cells):
            out.skip("blank line")
            continue
        if cells == header:
            out.skip("repeated header row")
            continue
        filled = [c for c in cells if c]
        footnote = len(filled) == 1 and _FOOTNOTE.match(filled[0])
        total = any(_TOTAL.match(c) for c in filled) and all(_TOTAL.match(c) or c.isdigit() for c in filled)
        if footnote or total:
            out.skip("footnote or total row")
            continue
        row: dict[str, str] = {}
        extra: dict[str, str] = {}
        for i, text in enumerate(cells):
            if not text:
                continue
            role = roles[i] if i < len(roles) else EXTRA
            if role == EXTRA:
                extra[keys[i] if i < len(keys) else f"column {column_letter(i)}"] = text
            elif role != "seq":
                row[role] = text
        if required not in row:
            what = "hospital name" if lists_hospitals else "city"
            out.rejects.append(Reject(n, line, f"no {what} in column {column_letter(required_at)} "
                                               f"({header[required_at] or 'blank header'})"))
            continue
        notes = list(merged.get(n, ()))
        if not lists_hospitals:
            out.coverage.append(CoverageRow(n, row["city"], row.get("province"), line, "; ".join(notes)))
            continue
        lat, lon, coord_note = _coordinates(row, spec.crs)
        if coord_note:
            notes.append(coord_note)
        country = row.get("country")
        out.listings.append(ListingRow(
            line=n, raw_name=row["name"], raw_province=row.get("province"), raw_city=row.get("city"),
            raw_grade=row.get("grade"), raw_team=row.get("team"), raw_country=country,
            raw_place=row.get("city") if country else None, raw_text=line, note="; ".join(notes),
            raw_district=row.get("district"), raw_address=row.get("address"), raw_ownership=row.get("ownership"),
            raw_phone=row.get("phone"), raw_notes=row.get("notes"), raw_lat=lat, raw_lon=lon,
            raw_crs=spec.crs if lat is not None else None,
            raw_extra=json.dumps(extra, ensure_ascii=False) if extra else None,
        ))
    return out
