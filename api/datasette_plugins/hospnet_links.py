"""Datasette cells that show people names, not ids, and link where a reader would click:

- a service id (listings, eligibility, coverage, …) shows the service's name and insurer and links to it;
- a manual's file name shows the manual's title (the file name in the tooltip) and links to it;
- hospitals.parent_id shows the main hospital's name; review_queue ids link to the hospitals;
- hospitals.listing_count and a hospital row's id link to every listing of the hospital;
- hospital_search.services (a JSON list) reads as a list;
- a stored provenance string that names a manual by its file ('002_….txt:978', 'manual 000:308', a fact's
  evidence) names it by its title (the original text in the tooltip; directory.manual_titles.cite_source).
  Sentences the library writes (verdicts.say, row_restrictions.say) already cite manuals by title;
- coded values read as words where the metadata gives them (ownership public → 公立, class stated → 来源载明);
- canned queries: a 服务手册 (manual title) cell stays one line, a 依据 cell names manuals by their short
  title (the whole text in the tooltip), a 医院 cell links to the hospital when the row has its 医院编号, and 医院编号* cells link.

Foreign keys that Datasette expands itself (listings.hospital_id → the hospital's name) are left to it.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

from api.datasette_support import SERVICE_COLUMNS, SOURCE_COLUMNS, config, link, names, row_url, value_label
from directory.manual_titles import cite_source, shorten_quoted_titles
from directory.provenance import PREFIX

_HOSPITAL_ID_COLUMNS = {"review_queue": ("hospital_a", "hospital_b")}


def _listings_url(datasette, database, hid) -> str:
    return f"{datasette.urls.database(database)}/hospital_listings?{urlencode({'hospital': hid})}"


def _get(row, key):
    try:
        return row[key]
    except (KeyError, IndexError, TypeError):
        return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    raw = value.get("value") if isinstance(value, dict) else value
    if raw in (None, ""):
        return None

    async def inner():
        if column in SERVICE_COLUMNS:
            n = await names(datasette, database)
            return link(row_url(datasette, database, "services", raw), n.service(str(raw)), title=str(raw))
        if column in SOURCE_COLUMNS:
            n = await names(datasette, database)
            return link(row_url(datasette, database, "sources", raw), n.source(str(raw)), title=str(raw),
                        cls="manual-title")
        if table == "hospitals" and column == "parent_id":
            db = datasette.get_database(database)
            parent = (await db.execute("select name from hospitals where id = ?", [raw])).first()
            return link(row_url(datasette, database, "hospitals", raw), parent[0] if parent else str(raw), title=str(raw))
        if table == "hospitals" and column == "listing_count":
            return link(_listings_url(datasette, database, row["id"]), f"{raw} 条",
                        title="这家医院在各服务手册中的全部记录（手册、行号）")
        if table == "hospitals" and column == "id":
            # Only reached on the row page: the table page renders its own primary-key link.
            return Markup(f'{escape(raw)}<br>') + link(_listings_url(datasette, database, raw), "全部名单记录 →",
                                                       title="这家医院在各服务手册中的全部记录（手册、行号）")
        if table == "hospital_search" and column == "services":
            try:
                items = json.loads(raw)
            except ValueError:
                return None
            return "、".join(str(x) for x in items) if isinstance(items, list) else None
        word = value_label(config(datasette, database, table), column, raw) if table else None
        if word:
            return Markup(f'<span title="{escape(raw)}">{escape(word)}</span>')
        if column in _HOSPITAL_ID_COLUMNS.get(table, ()):
            return link(row_url(datasette, database, "hospitals", raw), str(raw))
        if table is None and column == "服务手册":
            return Markup(f'<span class="manual-title" title="{escape(raw)}">{escape(raw)}</span>')
        if table is None and column == "依据" and "《" in str(raw):
            return Markup(f'<span title="{escape(raw)}">{escape(shorten_quoted_titles(str(raw)))}</span>')
        if table is None and column == "医院" and _get(row, "医院编号"):
            return link(row_url(datasette, database, "hospitals", _get(row, "医院编号")), str(raw))
        if table is None and column.startswith("医院编号"):
            return link(row_url(datasette, database, "hospitals", raw), str(raw), cls="hospital-id")
        if isinstance(raw, str) and (".txt" in raw or PREFIX["manual"] in raw):
            # stored provenance that names a manual by its file or number ("002_….txt:978", "名单 000:308：等级栏 …")
            n = await names(datasette, database)
            words = cite_source(raw, n.sources, short=True)
            if words != raw:
                return Markup(f'<span title="{escape(raw)}">{escape(words)}</span>')
        return None

    return inner
