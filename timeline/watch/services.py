"""Inbox writes: storing what a watch run read, and the editor's accept, merge and reject.

Accept and merge write timeline records only through timeline's own services (entity_write,
action_write, settlement_write) inside one transaction, so the validation, the audit trail and the
mirrored events are the same as in the admin and the API, and a refused write leaves nothing behind.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from timeline.models import Case, Event, EventType, Source, SourceKind
from timeline.services.actions import action_write
from timeline.services.entities import entity_write
from timeline.services.nested import InvalidWrite, clean_errors
from timeline.services.settlements import settlement_write
from timeline.watch.extraction import extract
from timeline.watch.models import DECIDED, InboxItem, ItemStatus
from timeline.watch.publishers.base import Failure, Release, Unchanged


@dataclass
class RunSummary:
    """What one run found, per publisher and in all."""

    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (publisher, release id or "", reason)
    requests: int = 0

    @property
    def read(self):
        return len(self.new) + len(self.changed) + len(self.unchanged)


def content_hash(release):
    text = "\n".join((release.title, release.published_on.isoformat() if release.published_on else "", release.text))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def inbox_item_record(publisher, release, known_names=()):
    """Store one release; returns "new", "changed" or "unchanged".

    A release already in the inbox with other content is flagged as changed and its new text kept
    beside the one read first, never written over it: the editor compares them.
    """
    digest = content_hash(release)
    item = InboxItem.objects.select_for_update().filter(publisher=publisher, release_id=release.release_id).first()
    if item is None or (item.status == ItemStatus.FAILED and not item.content_hash):
        item = item or InboxItem(publisher=publisher, release_id=release.release_id)
        _fill(item, release, digest, known_names)
        item.status, item.failure = ItemStatus.NEW, ""
        _save(item)
        return "new"
    if digest in (item.content_hash, item.changed_hash):
        return "unchanged"
    item.is_changed = True
    item.changed_text = f"{release.title}\n{release.text}"
    item.changed_hash = digest
    _save(item)
    return "changed"


def _fill(item, release, digest, known_names):
    item.url = release.url[: InboxItem._meta.get_field("url").max_length]
    item.title = release.title[: InboxItem._meta.get_field("title").max_length]
    item.published_on = release.published_on
    item.text = f"{release.title}\n{release.text}"
    item.content_hash = digest
    item.candidates = extract(item.text, known_names)
    item.has_amounts = bool(item.candidates["amounts"])


def _save(item):
    errors = clean_errors(item, exclude=["source", "action", "decided_by"])
    if errors:
        raise InvalidWrite(errors)
    item.save()


@transaction.atomic
def inbox_item_fail(publisher, failure):
    """Mark a release that could not be read as failed, with the reason; decided items are left alone."""
    if not failure.release_id:
        return
    item = InboxItem.objects.select_for_update().filter(publisher=publisher, release_id=failure.release_id).first()
    if item is not None and (item.status in DECIDED or item.content_hash):
        return  # read before: a failed re-read does not undo what was read
    item = item or InboxItem(publisher=publisher, release_id=failure.release_id)
    item.url = item.url or failure.url[:500]
    item.status, item.failure = ItemStatus.FAILED, failure.reason
    _save(item)


def watch_run(publishers, fetchers, since=None, progress=None):
    """Read every publisher given (slug -> Publisher, slug -> Fetcher) into the inbox.

    Each release is stored in its own transaction, so a failure part way leaves what was read and
    nothing half-saved. ``progress`` is called once per release with its publisher. Job engines and
    cron call this same function (manage.py watch_agencies is its face).
    """
    from timeline.watch.selectors import known_party_names

    summary, known = RunSummary(), known_party_names()
    for slug, publisher in publishers.items():
        fetcher = fetchers[slug]
        for outcome in publisher.read(fetcher, since):
            if isinstance(outcome, Release):
                try:
                    result = inbox_item_record(slug, outcome, known)
                except (InvalidWrite, IntegrityError) as exc:
                    summary.failed.append((slug, outcome.release_id, f"not stored: {exc}"))
                else:
                    getattr(summary, result).append((slug, outcome.release_id))
            elif isinstance(outcome, Unchanged):
                summary.unchanged.append((slug, outcome.release_id))
            elif isinstance(outcome, Failure):
                inbox_item_fail(slug, outcome)
                summary.failed.append((slug, outcome.release_id, outcome.reason))
            if progress:
                progress(slug)
        summary.requests += fetcher.requests
    return summary


# --- The editor's decisions --------------------------------------------------------------------------


def _source_for(item, publisher_name):
    key = slugify(f"{item.publisher}-{item.release_id}")[:80]
    source = Source.objects.filter(key=key).first()
    if source is not None:
        return source
    source = Source(
        key=key,
        url=item.url,
        title=item.title or item.release_id,
        publisher=publisher_name,
        published_on=item.published_on,
        kind=SourceKind.AGENCY_RELEASE,
        note=f"Read by the agency watch as {item.publisher.upper()} {item.release_id}.",
    )
    errors = clean_errors(source)
    if errors:
        raise InvalidWrite({"source": errors})
    source.save()
    return source


def _open(item):
    locked = InboxItem.objects.select_for_update().get(pk=item.pk)
    if locked.status in DECIDED:
        raise InvalidWrite({"__all__": [f"This release was already {locked.get_status_display().lower()}."]})
    if locked.status == ItemStatus.FAILED:
        raise InvalidWrite({"__all__": ["This release could not be read; there is nothing to accept."]})
    return locked


def _decided(item, status, user, **fields):
    for name, value in fields.items():
        setattr(item, name, value)
    item.status, item.decided_by, item.decided_at = status, user, timezone.now()
    item.save()
    return item


@transaction.atomic
def inbox_item_accept(item, decision, publisher_name, user=None):
    """Create the records a release states, citing it; returns the action.

    ``decision``: ``case`` (a Case) or ``new_case`` ({slug, title}); ``action`` (action_write's fields
    without sources or parties); ``parties`` ([{entity} or {new: {slug, name, kind}}, role]);
    ``settlement`` (settlement_write's fields, its components naming their payer by party position,
    or None). Raises InvalidWrite with the errors by part; nothing is written then.
    """
    item = _open(item)
    source = _source_for(item, publisher_name)
    errors, parties = {}, []
    for position, party in enumerate(decision["parties"]):
        entity = party.get("entity")
        if entity is None:
            try:
                entity = entity_write(None, {**party["new"], "sources": [source]})
            except InvalidWrite as exc:
                errors.setdefault("parties", {})[str(position)] = exc.errors
                continue
        parties.append({"entity": entity, "role": party["role"]})
    if errors:
        raise InvalidWrite(errors)
    case = decision.get("case") or _case_create(decision["new_case"], source)
    action_data = {**decision["action"], "case": case, "sources": [source], "parties": parties}
    try:
        action = action_write(None, action_data)
    except InvalidWrite as exc:
        raise InvalidWrite({"action": exc.errors}) from exc
    settlement = decision.get("settlement")
    if settlement:
        components = [
            {**component, "payer": parties[component.pop("payer_position")]["entity"], "sources": [source]}
            for component in [dict(c) for c in settlement["components"]]
        ]
        try:
            settlement_write(None, {**settlement, "action": action, "components": components, "sources": [source]})
        except InvalidWrite as exc:
            raise InvalidWrite({"settlement": exc.errors}) from exc
    if source not in case.sources.all():
        case.sources.add(source)
    _decided(item, ItemStatus.ACCEPTED, user, source=source, action=action)
    return action


def _case_create(data, source):
    case = Case(slug=data.get("slug", ""), title=data.get("title", ""))
    errors = clean_errors(case)
    if errors:
        raise InvalidWrite({"case": errors})
    case.save()
    case.sources.set([source])
    return case


@transaction.atomic
def inbox_item_merge(item, action, event, publisher_name, user=None, status_change=None):
    """Attach a follow-up release (a judgment, a sentence, a dismissal) to an existing action: the
    release becomes one of its sources and its event goes on the case's timeline, citing it.

    ``event``: {date, event_type, title}; ``status_change``: optional action_write fields such as
    {status, resolved_on}. Raises InvalidWrite; nothing is written then.
    """
    item = _open(item)
    source = _source_for(item, publisher_name)
    if status_change:
        try:
            action_write(action, status_change)
        except InvalidWrite as exc:
            raise InvalidWrite({"action": exc.errors}) from exc
    action.sources.add(source)
    new_event = Event(
        key=slugify(f"{item.publisher}-{item.release_id}-{event.get('event_type', '')}")[:150],
        date=event.get("date"),
        event_type=event.get("event_type") or EventType.OTHER,
        title=(event.get("title") or item.title)[:300],
        description=event.get("description", ""),
        case=action.case,
    )
    errors = clean_errors(new_event)
    if errors:
        raise InvalidWrite({"event": errors})
    new_event.save()
    new_event.sources.set([source])
    new_event.entities.set(action.parties.values_list("entity", flat=True))
    _decided(item, ItemStatus.MERGED, user, source=source, action=action)
    return new_event


@transaction.atomic
def inbox_item_reject(item, reason, user=None):
    """Keep the release out of timeline, with the editor's reason."""
    item = _open(item)
    if not reason.strip():
        raise InvalidWrite({"reason": ["Say why the release is rejected."]})
    return _decided(item, ItemStatus.REJECTED, user, reject_reason=reason.strip())
