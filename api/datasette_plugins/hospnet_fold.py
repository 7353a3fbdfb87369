"""Datasette plugin (loaded with --plugins-dir api/datasette_plugins): fold search queries.

The search index (api/search_index.py) holds names as the registry writes them: simplified characters,
half-width. A search for 華西醫院 or ｂｊｘｈ would find nothing, so Datasette's own `escape_fts()` SQL
function — which wraps every `?_search=` query in the default (escaped) search mode — is replaced on
each connection by one that first folds the query (NFKC, traditional → simplified; directory.text_fold).
`trylast` makes this run after Datasette's built-in plugin has registered the original.
"""
from datasette import hookimpl
from datasette.utils import escape_fts

from directory.text_fold import fold_text


def folded_escape_fts(query: str | None) -> str | None:
    return escape_fts(fold_text(query)) if query else query


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, folded_escape_fts)
