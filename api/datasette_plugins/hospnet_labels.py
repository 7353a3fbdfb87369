"""Template variables for hospnet's Datasette templates (api/datasette_templates/): Chinese column
labels, service names in facets, and a row page titled by the row's name (a hospital's page also lists
its main hospital and its campuses)."""
from __future__ import annotations

from datasette import hookimpl
from datasette.utils import tilde_decode

from api.datasette_support import (
    SERVICE_COLUMNS,
    column_label,
    config,
    hospital_page_vars,
    label_row_title,
    names,
    value_label,
)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def inner():
        conf = config(datasette, database, table)
        n = await names(datasette, database) if database else None

        def label(column: str) -> str:
            return column_label(conf, column)

        def facet_label(column: str, value, shown) -> str:
            if n is not None and column in SERVICE_COLUMNS and value is not None:
                return n.service(str(value))
            return value_label(conf, column, value) or shown

        def table_title(name: str) -> str:
            return (datasette.table_metadata(database, name) or {}).get("title") or name

        out = {"hospnet_label": label, "hospnet_facet_label": facet_label, "hospnet_table_title": table_title,
               "hospnet_row": None}
        if view_name == "row" and database and table and request is not None:
            pks = [tilde_decode(p) for p in request.url_vars.get("pks", "").split(",")]
            if table == "hospitals":
                out["hospnet_row"] = await hospital_page_vars(datasette, database, pks[0])
            else:
                title = await label_row_title(datasette, database, table, pks)
                out["hospnet_row"] = {"title": title} if title else None
        return out

    return inner
