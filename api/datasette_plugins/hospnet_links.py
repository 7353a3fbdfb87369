"""Datasette plugin (loaded with --plugins-dir api/datasette_plugins): links between registry rows.

The registry does not declare listings.hospital_id as a foreign key, so Datasette would not link
them by itself. This links hospitals.listing_count to the `hospital_listings` canned query (every
listing of the hospital across all manuals), listings/review_queue hospital ids and
hospitals.parent_id to the hospital's row page; on a hospital's row page its id links to its listings.
"""
from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup, escape

_HOSPITAL_ID_COLUMNS = {
    "hospitals": ("parent_id",),
    "listings": ("hospital_id",),
    "review_queue": ("hospital_a", "hospital_b"),
}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if value in (None, ""):
        return None
    base = datasette.urls.database(database)
    if table == "hospitals" and column == "id":  # the row page (the table view renders its own pk link)
        return Markup(f'{escape(value)}<br><a href="{base}/hospital_listings?hospital_id={quote(str(value))}" '
                      f'title="every listing of this hospital, with file and line">all listings →</a>')
    if table == "hospitals" and column == "listing_count":
        hid = row["id"]
        return Markup(f'<a href="{base}/hospital_listings?hospital_id={quote(str(hid))}" '
                      f'title="every listing of this hospital, with file and line">{escape(value)} listings</a>')
    if column in _HOSPITAL_ID_COLUMNS.get(table, ()):
        return Markup(f'<a href="{base}/hospitals/{quote(str(value))}">{escape(value)}</a>')
    return None
