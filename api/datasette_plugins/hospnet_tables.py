"""Table pages as a reader expects them (settings in api/metadata.json, logic in api/datasette_support.py):

- default columns: a table page that does not choose its own (`_col=` / `_nocol=`) shows the `show`
  columns of its hospnet settings, in that order — the hospitals table fits 1,400 px and long cells
  (geo_source) stay on the row page; the cluster map's marker request gets the same columns;
- a stable sort: the first page of a sorted table is ordered like the following ones (sort column, then
  primary key), so paging and the map see every row exactly once (see first_page_token).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from api.datasette_support import config, default_columns_query, first_page_token, is_map_request

_TABLE_PATH = re.compile(r"^/(?P<database>[^/.]+)/(?P<table>[^/.]+)(?P<ext>\.json|\.csv)?$")


async def _with_first_page_token(datasette, database: str, table: str, qs: str) -> str:
    pairs = parse_qsl(qs, keep_blank_values=True)
    args = dict(pairs)
    if "_next" in args or "sql" in args:
        return qs
    db = datasette.get_database(database)
    if table not in await db.table_names():
        return qs  # a view or a canned query
    sort, sort_desc = args.get("_sort"), args.get("_sort_desc")
    if not sort and not sort_desc:
        meta = datasette.table_metadata(database, table) or {}
        sort, sort_desc = meta.get("sort"), meta.get("sort_desc")
    details = {c.name: c.type for c in await db.table_column_details(table)}
    pks = await db.primary_keys(table)
    token = first_page_token(sort, sort_desc, [details.get(p) for p in pks] if pks else ["INTEGER"], details)
    return urlencode(pairs + [("_next", token)]) if token else qs


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def tables(scope, receive, send):
            if scope.get("type") == "http" and scope.get("method") in ("GET", "HEAD"):
                m = _TABLE_PATH.match(scope.get("path", ""))
                if m and m["database"] in datasette.databases:
                    qs = scope.get("query_string", b"").decode("utf-8", "replace")
                    new = qs
                    if not m["ext"] or (m["ext"] == ".json" and is_map_request(qs)):
                        show = config(datasette, m["database"], m["table"]).get("show")
                        new = default_columns_query(new, show or []) or new
                    new = await _with_first_page_token(datasette, m["database"], m["table"], new)
                    if new != qs:
                        scope = {**scope, "query_string": new.encode("ascii")}
            await app(scope, receive, send)

        return tables

    return wrap
