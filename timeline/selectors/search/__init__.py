"""Search: ranked full text over stored documents (PostgreSQL), ``icontains`` id sets elsewhere.

The API's ``/search/``, the lists' ``q=``, the public search page and the admin's search box all
come through here, so one query finds the same records everywhere.
"""

from timeline.selectors.search.documents import DocumentMatch, DocumentRank, has_documents
from timeline.selectors.search.ids import action_ids_matching, entity_ids_matching, ids_union
from timeline.selectors.search.kinds import KINDS, SearchKind, matching, matching_best_first, matching_ids, search_kind
from timeline.selectors.search.ranked import DEFAULT_LIMIT, MAX_LIMIT, SearchHit, search_ranked

__all__ = [
    "DEFAULT_LIMIT",
    "KINDS",
    "MAX_LIMIT",
    "DocumentMatch",
    "DocumentRank",
    "SearchHit",
    "SearchKind",
    "action_ids_matching",
    "entity_ids_matching",
    "has_documents",
    "ids_union",
    "matching",
    "matching_best_first",
    "matching_ids",
    "search_kind",
    "search_ranked",
]
