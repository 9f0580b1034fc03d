"""One ranked answer across entities, cases, actions, events and sources, with highlighted snippets.

PostgreSQL: each kind's best ``limit`` matches by ``ts_rank`` come from its GIN index, the kinds are
merged and cut to ``limit``, and ``ts_headline`` (the costly part) runs on those rows only, all in
one statement. When no entity's document matches, entity names are tried by trigram similarity
(the ``upper(name)`` trigram index), so a misspelt name still finds its entity. SQLite: the kinds'
``icontains`` matches, title matches first.
"""

import html
import re
from dataclasses import dataclass

from django.db import connection

from timeline.selectors.search.documents import CONFIG, has_documents, tsquery_sql
from timeline.selectors.search.kinds import KINDS, matching

DEFAULT_LIMIT = 20
MAX_LIMIT = 50
# Markers ts_headline puts around matches; control characters never occur in searched text.
START, STOP = "\x02", "\x03"
HEADLINE_OPTIONS = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2"
SNIPPET_CHARACTERS = 240
# Below this similarity a name is not offered as what the reader meant.
FUZZY_THRESHOLD = 0.3


@dataclass
class SearchHit:
    kind: str
    key: str
    title: str
    rank: float
    snippet: str  # HTML: the text escaped, matches in <mark>
    match: str  # "text" (the search document) or "fuzzy" (name similarity)


def marked(text):
    """Escaped HTML of ``text`` with the marked matches in <mark>."""
    escaped = html.escape(text, quote=False)
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>")


def search_ranked(text, kinds=None, limit=DEFAULT_LIMIT):
    """The ``limit`` best matches of ``text`` among ``kinds`` (every kind by default), best first."""
    kinds = [KINDS[name] for name in (kinds or KINDS)]
    if has_documents():
        hits = _ranked_documents(text, kinds, limit)
        if any(kind.name == "entity" for kind in kinds) and not any(hit.kind == "entity" for hit in hits):
            hits = sorted(hits + _fuzzy_names(text, limit), key=lambda hit: -hit.rank)[:limit]
        return hits
    return _ranked_portable(text, kinds, limit)


def _ranked_documents(text, kinds, limit):
    query_sql, query_params = tsquery_sql(text)
    branches, params, joins, keys, titles, bodies = [], [], [], [], [], []
    for index, kind in enumerate(kinds):
        branches.append(
            f"(SELECT %s::text AS kind, t.id, ts_rank(t.search_document, query.q) AS rank FROM {kind.table} t, query "
            "WHERE t.search_document @@ query.q ORDER BY rank DESC, t.id LIMIT %s)"
        )
        params += [kind.name, limit]
        alias = f"k{index}"
        joins.append(f"LEFT JOIN {kind.table} {alias} ON hits.kind = '{kind.name}' AND {alias}.id = hits.id")
        keys.append(f"WHEN '{kind.name}' THEN {alias}.{kind.key}")
        titles.append(f"WHEN '{kind.name}' THEN {alias}.{kind.title}")
        columns = ", ".join(f"{alias}.{column}" for column in (kind.title, *kind.body))
        bodies.append(f"WHEN '{kind.name}' THEN concat_ws(' — ', {columns})")
    key_sql, title_sql, body_sql = (f"CASE hits.kind {' '.join(cases)} END" for cases in (keys, titles, bodies))
    sql = (
        f"WITH query AS (SELECT {query_sql} AS q) "
        f"SELECT hits.kind, {key_sql}, {title_sql}, hits.rank, ts_headline('{CONFIG}', {body_sql}, query.q, %s) "
        f"FROM (SELECT * FROM ({' UNION ALL '.join(branches)}) ranked ORDER BY rank DESC, kind, id LIMIT %s) hits "
        f"CROSS JOIN query {' '.join(joins)} ORDER BY hits.rank DESC, hits.kind, hits.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*query_params, HEADLINE_OPTIONS, *params, limit])
        return [
            SearchHit(kind, key, title, rank, marked(headline), "text") for kind, key, title, rank, headline in cursor
        ]


def _fuzzy_names(text, limit):
    """Entities whose name is like ``text`` letter for letter (trigram similarity), rank scaled below
    any text match of a name."""
    sql = (
        "SELECT slug, name, similarity(upper(name::text), upper(%s)) AS score FROM timeline_entity "
        "WHERE upper(name::text) %% upper(%s) ORDER BY score DESC, id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(FUZZY_THRESHOLD)])
        cursor.execute(sql, [text, text, limit])
        rows = cursor.fetchall()
    return [
        SearchHit("entity", slug, name, score * 0.01, html.escape(name, quote=False), "fuzzy")
        for slug, name, score in rows
    ]


def _portable_snippet(text, values):
    """The first stretch of ``values`` holding ``text``, escaped, with each occurrence in <mark>."""
    whole = " — ".join(value for value in values if value)
    found = re.search(re.escape(text), whole, re.IGNORECASE)
    start = max(0, found.start() - SNIPPET_CHARACTERS // 3) if found else 0
    part = whole[start : start + SNIPPET_CHARACTERS]
    pattern = re.compile(re.escape(text), re.IGNORECASE)
    return pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", part) if text else part


def _ranked_portable(text, kinds, limit):
    hits = []
    for kind in kinds:
        columns = (kind.key, kind.title, *kind.body)
        rows = matching(kind.model._default_manager.all(), text).values_list(*columns)
        for key, title, *body in rows.order_by("pk")[: limit * 4]:
            rank = 1.0 if text.lower() in title.lower() else 0.5
            hits.append(SearchHit(kind.name, key, title, rank, marked(_portable_snippet(text, [title, *body])), "text"))
    hits.sort(key=lambda hit: (-hit.rank, hit.kind, hit.title))
    return hits[:limit]
