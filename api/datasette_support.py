"""What hospnet's Datasette plugins (api/datasette_plugins/) need: labels and links that show people
names instead of ids, read from api/metadata.json and from the registry itself.

Configuration lives in the metadata, under a `hospnet` key of the database (shared labels) and of each
table (its own labels; `values`: words for coded values; `show`: the columns its table page shows by
default, in order):

    "tables": {"hospitals": {"hospnet": {"labels": {"name": "医院名称"}, "show": ["name", "city", "grade"],
                                         "values": {"ownership": {"public": "公立", "private": "民营"}}}}}

The plugins never change the data: labels and links are drawn at render time, and a page that asks
for its own columns (`_col=` / `_nocol=`) gets exactly those.
"""
from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from markupsafe import Markup, escape

PLUGIN = "hospnet"
# Columns that hold a service id / a manual's file name, in any table or canned query.
SERVICE_COLUMNS = frozenset({"service_id"})
SOURCE_COLUMNS = frozenset({"source_file"})
# The query string datasette-cluster-map 0.18 fetches its markers with (datasette-cluster-map.js).
MAP_REQUEST = {"_size": "max", "_labels": "on", "_shape": "objects"}


def config(datasette: Any, database: str | None, table: str | None = None) -> dict[str, Any]:
    """The hospnet settings of a database merged with those of one of its tables.

    They sit under a `hospnet` key of the database and table metadata, not under `plugins`: Datasette 0.65
    looks `plugins` up at the most specific level only, so a table's own `plugins` would hide the
    top-level datasette-cluster-map settings from it."""
    out: dict[str, Any] = {"labels": {}, "values": {}}
    if database:
        db_conf = datasette.metadata(PLUGIN, database=database, fallback=False) or {}
        out["labels"].update(db_conf.get("labels") or {})
        out["values"].update(db_conf.get("values") or {})
        if table:
            t_conf = (datasette.table_metadata(database, table) or {}).get(PLUGIN) or {}
            out["labels"].update(t_conf.get("labels") or {})
            out["values"].update(t_conf.get("values") or {})
            if t_conf.get("show"):
                out["show"] = list(t_conf["show"])
    return out


def value_label(conf: dict[str, Any], column: str, value: Any) -> str | None:
    """The Chinese word for a coded value (ownership public → 公立), or None when the column has none."""
    words = (conf.get("values") or {}).get(column)
    if not words or value is None:
        return None
    return words.get(str(value))


def column_label(conf: dict[str, Any], column: str) -> str:
    return (conf.get("labels") or {}).get(column, column)


def default_columns_query(query_string: str, show: list[str]) -> str | None:
    """The query string with `_col=` for each default column, or None when the page chose its own columns."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    keys = {k for k, _v in pairs}
    if not show or "_col" in keys or "_nocol" in keys:
        return None
    return urlencode(pairs + [("_col", c) for c in show])


def is_map_request(query_string: str) -> bool:
    args = dict(parse_qsl(query_string, keep_blank_values=True))
    return all(args.get(k) == v for k, v in MAP_REQUEST.items())


@dataclass
class Names:
    """Service and manual names of one registry, loaded once per Database object."""

    services: dict[str, tuple[str, str]]  # id → (name, insurer)
    sources: dict[str, str]               # file → title

    def service(self, sid: str) -> str:
        name, insurer = self.services.get(sid, (sid, ""))
        return f"{name}（{insurer}）" if insurer else name

    def source(self, file: str) -> str:
        return self.sources.get(file) or file


# One Names per Database object (a reloaded registry is a new object); refreshed after a minute anyway.
_NAMES: weakref.WeakKeyDictionary[Any, tuple[float, Names]] = weakref.WeakKeyDictionary()
_NAMES_TTL = 60.0


async def names(datasette: Any, database: str) -> Names:
    db = datasette.get_database(database)
    hit = _NAMES.get(db)
    if hit and time.monotonic() - hit[0] < _NAMES_TTL:
        return hit[1]
    services: dict[str, tuple[str, str]] = {}
    sources: dict[str, str] = {}
    tables = set(await db.table_names())
    if "services" in tables:
        for r in (await db.execute("select id, name, insurer from services")).rows:
            services[r[0]] = (r[1] or r[0], r[2] or "")
    if "sources" in tables:
        for r in (await db.execute("select file, title from sources")).rows:
            sources[r[0]] = r[1] or r[0]
    found = Names(services, sources)
    _NAMES[db] = (time.monotonic(), found)
    return found


def link(href: str, text: str, title: str | None = None, cls: str | None = None) -> Markup:
    attrs = f' title="{escape(title)}"' if title else ""
    attrs += f' class="{escape(cls)}"' if cls else ""
    return Markup(f'<a href="{escape(href)}"{attrs}>{escape(text)}</a>')


def row_url(datasette: Any, database: str, table: str, pk: str) -> str:
    return f"{datasette.urls.table(database, table)}/{quote(str(pk), safe='')}"


async def hospital_page_vars(datasette: Any, database: str, hid: str) -> dict[str, Any]:
    """Title, parent and campuses of a hospital's row page."""
    db = datasette.get_database(database)
    row = (await db.execute("select id, name, city, district, parent_id, campus from hospitals where id = ?",
                            [hid])).first()
    if row is None:
        return {}
    out: dict[str, Any] = {"title": row["name"], "subtitle": " ".join(x for x in (row["city"], row["district"]) if x)}
    if row["parent_id"]:
        p = (await db.execute("select id, name from hospitals where id = ?", [row["parent_id"]])).first()
        if p:
            out["parent"] = {"name": p["name"], "url": row_url(datasette, database, "hospitals", p["id"])}
    campuses = (await db.execute("select id, name, campus, district from hospitals where parent_id = ? order by name",
                                 [hid])).rows
    out["campuses"] = [{"name": c["name"], "campus": c["campus"], "district": c["district"],
                        "url": row_url(datasette, database, "hospitals", c["id"])} for c in campuses]
    out["listings_url"] = (f"{datasette.urls.database(database)}/hospital_listings?"
                           f"{urlencode({'hospital': hid})}")
    if "verdicts" in await db.table_names():
        out["verdicts_url"] = (f"{datasette.urls.database(database)}/hospital_verdicts?"
                               f"{urlencode({'hospital': hid})}")
    return out


async def label_row_title(datasette: Any, database: str, table: str, pks: list[str]) -> str | None:
    """The label column's value of a row (its name or title), when the table has a label column."""
    db = datasette.get_database(database)
    label = await db.label_column_for_table(table)
    table_pks = await db.primary_keys(table)
    if not label or len(table_pks) != 1 or len(pks) != 1:
        return None
    row = (await db.execute(f"select [{label}] from [{table}] where [{table_pks[0]}] = ?", [pks[0]])).first()
    return row[0] if row and row[0] else None


# ---- a stable first page ------------------------------------------------------------------------
# Datasette 0.65.5 orders a sorted table's first page by the sort column alone and adds the primary-key
# tie-breaker only from the second page on (views/table.py: `order_by = f"{order_by}, {order_by_pks}"`
# sits inside `if _next:`). Rows that tie on the sort column at a page boundary are then skipped or
# repeated: sorted by listing_count, 271 of 1,416 hospitals never appeared, in the table pages or on the
# map. Giving the first page a `_next` that every row passes makes it use the same order as the others.
_NUMERIC = ("INT", "REAL", "FLOA", "DOUB", "NUM", "DEC")
_TEXT = ("CHAR", "CLOB", "TEXT")
_MIN_INTEGER = "-9223372036854775808"
_ABOVE_ANY_NUMBER = "1e308"
_ABOVE_ANY_TEXT = "\U0010ffff" * 4  # SQLite compares text bytewise; U+10FFFF encodes as the largest UTF-8


def _kind(declared: str | None) -> str | None:
    t = (declared or "").upper()
    if any(k in t for k in _NUMERIC):
        return "number"
    if any(k in t for k in _TEXT):
        return "text"
    return None


def first_page_token(sort: str | None, sort_desc: str | None, pk_types: list[str | None],
                     column_types: dict[str, str | None]) -> str | None:
    """A `_next` token that selects every row and makes Datasette order the first page by the sort column
    and then the primary key(s); None when no sort applies or a type is not one we can bound."""
    from datasette.utils import tilde_encode

    column = sort or sort_desc
    if not column:
        return None
    if sort:
        head = "$null"  # Datasette's own token for "from the NULLs on": every row of an ascending sort
    else:
        kind = _kind(column_types.get(column))
        if kind is None:
            return None
        head = tilde_encode(_ABOVE_ANY_NUMBER if kind == "number" else _ABOVE_ANY_TEXT)
    tail = []
    for declared in pk_types:
        kind = _kind(declared)
        if kind is None:
            return None
        tail.append(tilde_encode(_MIN_INTEGER) if kind == "number" else "")
    return ",".join([head, *tail])
