"""What each searchable kind of record is: its model, the columns shown as its title and searched in
its body, and how the portable path (SQLite) matches it."""

from dataclasses import dataclass

from django.db import connections

from timeline.models import Case, EnforcementAction, Entity, Event, Source
from timeline.selectors.search.documents import DocumentMatch, DocumentRank, has_documents
from timeline.selectors.search.ids import action_ids_matching, entity_ids_matching, ids_union


@dataclass(frozen=True)
class SearchKind:
    name: str
    model: type
    key: str  # the column that addresses a record (slug or key)
    title: str
    body: tuple  # columns quoted after the title in a snippet
    text_columns: tuple  # columns the portable path matches
    document_paths: tuple = ()  # paths from the model to the text its search document holds

    @property
    def table(self):
        return self.model._meta.db_table

    def ids_containing(self, text):
        """Ids of the records holding ``text`` (portable path: ``icontains``, one id query per column)."""
        if self.model is Entity:
            return entity_ids_matching(text)
        if self.model is EnforcementAction:
            return action_ids_matching(text)
        rows = self.model._default_manager
        return ids_union(*(rows.filter(**{f"{column}__icontains": text}).values("pk") for column in self.text_columns))


KINDS = {
    kind.name: kind
    for kind in (
        SearchKind(
            "entity",
            Entity,
            "slug",
            "name",
            ("description",),
            ("name",),
            ("name", "aliases__alias", "identifiers__value", "description"),
        ),
        SearchKind(
            "case", Case, "slug", "title", ("summary",), ("title", "summary"), ("title", "summary", "headline_text")
        ),
        SearchKind(
            "action",
            EnforcementAction,
            "slug",
            "caption",
            ("docket_number", "summary"),
            (),
            ("caption", "docket_number", "summary", "parties__entity__name", "parties__entity__aliases__alias"),
        ),
        SearchKind(
            "event", Event, "key", "title", ("description",), ("title", "description"), ("title", "description")
        ),
        SearchKind(
            "source",
            Source,
            "key",
            "title",
            ("publisher", "note"),
            ("title", "publisher", "note"),
            ("title", "publisher", "note"),
        ),
    )
}
KIND_OF_MODEL = {kind.model: kind for kind in KINDS.values()}


def search_kind(model):
    """The search kind of ``model``, or None for a model without a search document."""
    return KIND_OF_MODEL.get(model)


def matching(queryset, text, every_word=False):
    """``queryset`` narrowed to the records matching ``text``: their search document on PostgreSQL
    (``every_word`` a prefix, as an admin search types them), else ``icontains`` through id sets."""
    kind = KIND_OF_MODEL[queryset.model]
    if has_documents(connections[queryset.db]):
        return queryset.filter(DocumentMatch(text, every_word=every_word))
    return queryset.filter(pk__in=kind.ids_containing(text))


def matching_ids(model, text, every_word=False):
    """A subquery of the ids of the ``model`` records matching ``text``."""
    return matching(model._default_manager.all(), text, every_word).order_by().values("pk")


def matching_best_first(queryset, text, *then):
    """The records matching ``text``, best match first where ranks exist (PostgreSQL), then by ``then``."""
    queryset = matching(queryset, text)
    if has_documents(connections[queryset.db]):
        return queryset.order_by(DocumentRank(text).desc(), *then)
    return queryset.order_by(*then)
