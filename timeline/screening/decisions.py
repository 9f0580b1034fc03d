"""Who sees which screening lists and decisions: the uploader or decider, and staff holding ``screen_all``."""

from timeline.screening.models import ScreeningDecision, ScreeningList
from timeline.screening.names import name_key

SCREEN_ALL = "timeline_screening.screen_all"


def may_screen(user):
    """Signed in and allowed to upload lists or record decisions."""
    return bool(user and user.is_authenticated and user.is_active) and (
        user.has_perm("timeline_screening.add_screeninglist") or user.has_perm(SCREEN_ALL)
    )


def visible_lists(user):
    lists = ScreeningList.objects.select_related("uploaded_by")
    return lists if user.has_perm(SCREEN_ALL) else lists.filter(uploaded_by=user)


def visible_decisions(user):
    decisions = ScreeningDecision.objects.select_related("entity", "decided_by")
    return decisions if user.has_perm(SCREEN_ALL) else decisions.filter(decided_by=user)


def decisions_for(user, names, entity_ids):
    """{(name as given, entity id): decision} for these screened names and candidates, as ``user`` may see them."""
    keys = {}
    for name in names:
        if key := name_key(name):
            keys.setdefault(key, []).append(name)
    if not keys:
        return {}
    found = {}
    for decision in visible_decisions(user).filter(name_key__in=list(keys), entity_id__in=list(entity_ids)):
        for name in keys[decision.name_key]:
            found[(name, decision.entity_id)] = decision
    return found
