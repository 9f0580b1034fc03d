"""Screening writes: the screening role, lists from an upload, screening rows in batches, decisions."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from timeline.screening.matching import MatchQuery, match_queries
from timeline.screening.models import ScreeningDecision, ScreeningRow, ScreeningStatus
from timeline.screening.names import name_key

SCREENING_ROLE = "screening"
# Rows screened per request of the admin's progress loop: a few seconds of work at most.
SCREEN_BATCH = 100


@transaction.atomic
def screening_role_ensure():
    """The 'screening' group: upload lists, see every list and decision, record decisions."""
    group, _ = Group.objects.get_or_create(name=SCREENING_ROLE)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="timeline_screening").exclude(
            codename__in=["add_namekey", "change_namekey", "delete_namekey", "view_namekey"]
        )
    )
    return group


@transaction.atomic
def screening_list_create(screening_list, rows):
    """Save an unsaved list (uploader set) and its rows, parsed by timeline.screening.uploads; all or nothing."""
    screening_list.file_name = screening_list.file_name[:255]
    screening_list.full_clean()
    screening_list.save()
    objects = []
    for row in rows:
        obj = ScreeningRow(screening_list=screening_list, name_key=name_key(row["name"]), **row)
        obj.full_clean(exclude=["screening_list"])
        objects.append(obj)
    ScreeningRow.objects.bulk_create(objects, batch_size=500)
    return screening_list


def row_query(row):
    properties = {"name": [row.name]}
    if row.country:
        properties["country"] = [row.country]
    if row.identifier:
        properties["registrationNumber"] = [row.identifier]
    if row.birth_date:
        properties["birthDate"] = [row.birth_date]
    return MatchQuery.from_properties(row.schema, properties)


def _stored_result(result):
    entity = result.entity
    return {
        "entity_id": entity.pk,
        "id": entity.slug,
        "caption": entity.name,
        "score": result.score,
        "match": result.match,
        "features": result.features,
        "explanation": result.explanation,
        "enforcement": result.enforcement,
    }


@transaction.atomic
def screening_list_screen_next(screening_list, batch=SCREEN_BATCH):
    """Screen the next ``batch`` pending rows; returns (rows screened so far, rows in the list).

    Rows keep every candidate at or above the cutoff, rejected ones included, so a decision taken
    later can still be shown or hidden without screening again.
    """
    pending = list(
        ScreeningRow.objects.select_for_update()
        .filter(screening_list=screening_list, status=ScreeningStatus.PENDING)
        .order_by("number")[:batch]
    )
    if pending:
        answers = match_queries(
            {row.pk: row_query(row) for row in pending},
            threshold=float(screening_list.threshold),
            include_rejected=True,
        )
        now = timezone.now()
        for row in pending:
            row.results = [_stored_result(result) for result in answers[row.pk]]
            row.status = ScreeningStatus.DONE
            row.screened_at = now
        ScreeningRow.objects.bulk_update(pending, ["results", "status", "screened_at"], batch_size=500)
    rows = ScreeningRow.objects.filter(screening_list=screening_list)
    return rows.filter(status=ScreeningStatus.DONE).count(), rows.count()


@transaction.atomic
def screening_decision_record(user, name, entity, verdict, note="", row=None):
    """Record (or revise) the verdict on ``name`` and ``entity``; the audit trail keeps every version."""
    key = name_key(name)
    if not key:
        raise ValidationError({"name": ["The name has no letters or digits."]})
    decision = ScreeningDecision.objects.filter(name_key=key, entity=entity).first() or ScreeningDecision(
        name_key=key, entity=entity
    )
    decision.name = name
    decision.verdict = verdict
    decision.note = note
    decision.decided_by = user
    decision.row = row
    decision.full_clean()
    decision.save()
    return decision
