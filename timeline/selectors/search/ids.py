"""Text search as sets of ids, the portable path (SQLite; PostgreSQL reads the search documents):
each place a term can match is its own query, and the ids are UNIONed.

ORing a column match with an EXISTS over a related table leaves PostgreSQL one plan: read every
row and test both. Asked apart, each match reads its own trigram index (migration 0006), and
``pk__in`` the UNION selects the same rows, each once.
"""

from django.db.models import Q

from timeline.models import ActionParty, EnforcementAction, Entity, EntityAlias


def ids_union(*querysets):
    """One subquery of the ids the ``values()`` querysets select (orderings dropped: SQLite refuses them)."""
    first, *rest = (queryset.order_by() for queryset in querysets)
    return first.union(*rest)


def entity_ids_matching(text):
    """Ids of the entities whose name or one of whose aliases contains ``text``, ignoring case."""
    return ids_union(
        Entity.objects.filter(name__icontains=text).values("pk"),
        EntityAlias.objects.filter(alias__icontains=text).values("entity_id"),
    )


def action_ids_matching(text):
    """Ids of the actions whose caption, docket number or summary, or one of whose parties' names,
    contains ``text``, ignoring case."""
    own = EnforcementAction.objects.filter(
        Q(caption__icontains=text) | Q(docket_number__icontains=text) | Q(summary__icontains=text)
    )
    return ids_union(
        own.values("pk"),
        ActionParty.objects.filter(entity__name__icontains=text).values("action_id"),
    )
