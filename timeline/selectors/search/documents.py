"""Matching and ranking against the stored search documents (PostgreSQL; migration 0010).

A query is the reader's text through ``websearch_to_tsquery`` (quotes, ``or``, ``-word``), ORed
with the same words as a prefix query on the weight-A lexemes, so a name can be found as it is
typed ("changp" finds Changpeng Zhao) without letting prefixes flood the descriptions. Documents
and queries share one configuration, so stemming is the same on both sides.
"""

import re

from django.db import connection
from django.db.models import BooleanField, Expression, FloatField

CONFIG = "english"
# Words past this many add nothing to the prefix query but its cost.
MAX_PREFIX_WORDS = 12
WORD = re.compile(r"\w+")
# websearch_to_tsquery's operators: a phrase, an exclusion, an alternative. A text using them means
# exactly what it says, so no prefix query is added to it.
OPERATORS = re.compile(r'"|(?:^|\s)-|\bor\b', re.IGNORECASE)
DOCUMENT_COLUMN = "search_document"


def has_documents(using=None):
    """Whether the database keeps search documents (PostgreSQL), rather than matching text as is."""
    return (connection if using is None else using).vendor == "postgresql"


def prefix_query_text(text, every_word=False):
    """``to_tsquery`` text for the words of ``text``: the last one (or, with ``every_word``, each) a
    prefix of a weight-A lexeme. Only ``\\w`` runs reach it, quoted, so no input is a syntax error."""
    words = WORD.findall(text)[:MAX_PREFIX_WORDS]
    if not words or OPERATORS.search(text):
        return ""
    terms = [f"'{word}':*A" if every_word else f"'{word}'" for word in words]
    terms[-1] = f"'{words[-1]}':*A"
    return " & ".join(terms)


def tsquery_sql(text, prefix=True, every_word=False):
    """SQL and params of the tsquery for ``text``."""
    sql = f"websearch_to_tsquery('{CONFIG}', %s)"
    params = [text]
    if prefix and (prefix_text := prefix_query_text(text, every_word)):
        sql = f"({sql} || to_tsquery('{CONFIG}', %s))"
        params.append(prefix_text)
    return sql, params


class _DocumentExpression(Expression):
    """An expression over the row's ``search_document``, which is not a model field: the table alias
    is taken from the query it is resolved in, and follows it when the query is relabelled as a
    subquery."""

    template = None

    def __init__(self, text, prefix=True, every_word=False, alias=None):
        super().__init__()
        self.text, self.prefix, self.every_word, self.alias = text, prefix, every_word, alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def get_group_by_cols(self):
        return []

    def as_sql(self, compiler, connection):
        query_sql, params = tsquery_sql(self.text, self.prefix, self.every_word)
        column = f"{compiler.quote_name_unless_alias(self.alias)}.{DOCUMENT_COLUMN}"
        return self.template.format(column=column, query=query_sql), params


class DocumentMatch(_DocumentExpression):
    """True for rows whose search document matches the text (read through the GIN index)."""

    conditional = True
    output_field = BooleanField()
    template = "{column} @@ {query}"


class DocumentRank(_DocumentExpression):
    """``ts_rank`` of the row's document for the text: weight A counts most."""

    output_field = FloatField()
    template = "ts_rank({column}, {query})"
