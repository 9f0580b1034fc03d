"""Keep the penalty totals table (models/totals.py) equal to what the settlement records add up to.

Each record adds to one key, (authority of the action, year, currency), the year being that of
the settlement's agreement, else its approval, else the action's resolution (``penalty_year``):
  - a top-level component (``part_of`` NULL): its amount, its suspended amount and a count of one;
  - a credit on a top-level component with a stated amount: that amount, in its own currency, to that
    component's key (a credit given as a bound, a share or no amount adds nothing here: the selectors
    read those few rows directly and give net as a range, selectors/credit_ranges.py);
  - parts, and credits on parts: nothing (a part is already counted in its whole).

Every ORM write applies its difference inside the write's transaction: the receivers below,
connected in apps.py, read what a row adds before the write, locking the rows that decide its
key so that concurrent writers queue, read it again after the write, and add the difference to
the locked table rows. The services, the admin, the API and the loader all write inside a
transaction; a bare save in autocommit mode has none to share, so its difference follows its
write unlocked, correct unless another writer races it.

A deleted row subtracts only itself: a cascade deletes credits and parts one by one, and each
subtracts its own share. Writes that send no signals rebuild instead: raw saves (``loaddata``)
schedule one rebuild when the transaction commits, the synthetic generator and ``sync_timeline``
call ``penalty_totals_rebuild()``, and bulk ``update()`` calls run inside
``penalty_totals_follow()``. A difference that would take a figure below zero means the table
has drifted from the records (say, a database written before the table existed): a rebuild is
scheduled rather than the write refused.
"""

import threading
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Count, F, Sum
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from timeline.models import Credit, CreditQuantum, EnforcementAction, PenaltyTotal, Settlement, SettlementComponent
from timeline.selectors.penalties import penalty_year

ZERO = Decimal("0.00")
FIGURES = ("gross", "suspended", "credited", "components")
# Fields whose change can move money between keys; a save of other fields only leaves the totals as they are.
KEY_FIELDS = {
    SettlementComponent: {"settlement", "part_of", "amount", "suspended_amount", "currency"},
    Credit: {"component", "quantum", "amount", "currency"},
    Settlement: {"action", "agreed_on", "approved_on"},
    EnforcementAction: {"authority", "resolved_on"},
}
# Where a receiver leaves, on the instance, what the row added before the write.
BEFORE = "_penalty_totals_before"
NOT_READ = object()


class Contribution:
    """Figures (gross, suspended, credited, components) per key (authority id, year, currency)."""

    def __init__(self):
        self.by_key = defaultdict(lambda: [ZERO, ZERO, ZERO, 0])

    def add(self, key, gross=ZERO, suspended=ZERO, credited=ZERO, components=0):
        figures = self.by_key[key]
        for position, value in enumerate((gross, suspended, credited, components)):
            figures[position] += value

    def __sub__(self, other):
        difference = Contribution()
        for key, figures in self.by_key.items():
            difference.add(key, *figures)
        for key, figures in other.by_key.items():
            difference.add(key, *(-value for value in figures))
        return difference

    def changes(self):
        """(key, {figure: change}) for every key that changes, in a fixed order so that locks queue alike."""
        for key in sorted(self.by_key, key=lambda key: (key[0], key[1] is not None, key[1] or 0, key[2])):
            change = {name: value for name, value in zip(FIGURES, self.by_key[key], strict=True) if value}
            if change:
                yield key, change


# Reading what records add


def _grouped(components, credits):
    """What ``components`` (top-level ones) and ``credits`` (on top-level components) add, per key."""
    contribution = Contribution()
    rows = (
        components.filter(part_of__isnull=True)
        .order_by()
        .values("currency", authority=F("settlement__action__authority_id"), year=penalty_year())
        .annotate(gross=Sum("amount"), suspended=Sum("suspended_amount"), count=Count("id"))
    )
    for row in rows:
        key = (row["authority"], row["year"], row["currency"])
        contribution.add(key, gross=row["gross"], suspended=row["suspended"], components=row["count"])
    rows = (
        credits.filter(component__part_of__isnull=True, quantum=CreditQuantum.STATED)
        .order_by()
        .values(
            "currency",
            authority=F("component__settlement__action__authority_id"),
            year=penalty_year("component__settlement__"),
        )
        .annotate(credited=Sum("amount"))
    )
    for row in rows:
        contribution.add((row["authority"], row["year"], row["currency"]), credited=row["credited"])
    return contribution


def _locked(queryset):
    """Lock the rows read (and the settlement and action rows joined) until the transaction ends."""
    return queryset.select_for_update() if connections[queryset.db].in_atomic_block else queryset


def _component_row(pk, using):
    rows = SettlementComponent.objects.using(using).filter(pk=pk).order_by()
    fields = ("part_of_id", "currency", "amount", "suspended_amount")
    values = _locked(rows).values(*fields, authority=F("settlement__action__authority_id"), year=penalty_year())
    return next(iter(values), None)


def _component_share(row, credits=()):
    """What a component adds (``credits``: (currency, sum) of its credits, when they move with it)."""
    contribution = Contribution()
    if row is not None and row["part_of_id"] is None:
        contribution.add(
            (row["authority"], row["year"], row["currency"]),
            gross=row["amount"],
            suspended=row["suspended_amount"],
            components=1,
        )
        for currency, amount in credits:
            contribution.add((row["authority"], row["year"], currency), credited=amount)
    return contribution


def _credit_row(pk, using):
    rows = Credit.objects.using(using).filter(pk=pk).order_by()
    values = _locked(rows).values(
        "amount",
        "currency",
        "quantum",
        whole=F("component__part_of_id"),
        authority=F("component__settlement__action__authority_id"),
        year=penalty_year("component__settlement__"),
    )
    return next(iter(values), None)


def _credit_share(row):
    contribution = Contribution()
    if row is not None and row["whole"] is None and row["quantum"] == CreditQuantum.STATED:
        contribution.add((row["authority"], row["year"], row["currency"]), credited=row["amount"])
    return contribution


def _key(row):
    return None if row is None else (row["authority"], row["year"], row["currency"], row["part_of_id"] is None)


# Writing the table


class PenaltyTotalsRebuild:
    """The on_commit callback of a scheduled rebuild; a class, so that a pending one is recognised.

    It rebuilds only if the table still lags the records (an explicit rebuild may have run since).
    """

    def __init__(self, using):
        self.using = using

    def __call__(self):
        if self.using in _stale():
            penalty_totals_rebuild(using=self.using)


_state = threading.local()


def _stale():
    """Aliases, on this thread's connections, whose table is known to lag the records until a rebuild."""
    if not hasattr(_state, "stale"):
        _state.stale = set()
    return _state.stale


def _rebuild_pending(using):
    # Django drops the callbacks of a rolled-back transaction or savepoint from this list, so a
    # rebuild lost with its transaction is never taken for a pending one.
    return any(isinstance(entry[1], PenaltyTotalsRebuild) for entry in connections[using].run_on_commit)


def penalty_totals_schedule_rebuild(using=DEFAULT_DB_ALIAS):
    """Rebuild the table once the current transaction commits (at once outside a transaction)."""
    _stale().add(using)
    if not _rebuild_pending(using):
        transaction.on_commit(PenaltyTotalsRebuild(using), using=using)


def _skipping(using):
    """While a rebuild is due at commit, differences would only be overwritten by it."""
    return using in _stale() and _rebuild_pending(using)


def _apply(contribution, using):
    with transaction.atomic(using=using, savepoint=False):
        for key, change in contribution.changes():
            if not _apply_change(key, change, using):
                penalty_totals_schedule_rebuild(using)
                return


def _apply_change(key, change, using):
    """Add ``change`` to the row of ``key``; False when the table has drifted from the records."""
    authority_id, year, currency = key
    rows = PenaltyTotal.objects.using(using).filter(authority_id=authority_id, year=year, currency=currency)
    total = rows.select_for_update().order_by().first()
    if total is None:
        if any(value < 0 for value in change.values()):
            return False
        try:
            with transaction.atomic(using=using):
                PenaltyTotal.objects.using(using).create(
                    authority_id=authority_id, year=year, currency=currency, **change
                )
            return True
        except IntegrityError:
            # Another transaction added the row since: add to it.
            total = rows.select_for_update().order_by().first()
            if total is None:
                return False
    for name, value in change.items():
        setattr(total, name, getattr(total, name) + value)
    if any(getattr(total, name) < 0 for name in FIGURES):
        return False
    if not any(getattr(total, name) for name in FIGURES):
        rows.filter(pk=total.pk).delete()
    else:
        total.save(using=using, update_fields=list(change))
    return True


def penalty_totals_rebuild(using=DEFAULT_DB_ALIAS):
    """Recompute the whole table from the records; returns the number of rows written.

    Two grouped queries over the components and credits; the table holds one row per
    (authority, year, currency), so its rows are few whatever the number of records.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            # Writers queue until the rebuild commits: a difference applied meanwhile would be lost,
            # or counted twice. Readers are not blocked.
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(PenaltyTotal._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        contribution = _grouped(SettlementComponent.objects.using(using).all(), Credit.objects.using(using).all())
        PenaltyTotal.objects.using(using).all().delete()
        rows = [
            PenaltyTotal(authority_id=authority_id, year=year, currency=currency, **change)
            for (authority_id, year, currency), change in contribution.changes()
        ]
        PenaltyTotal.objects.using(using).bulk_create(rows, batch_size=1000)
        _stale().discard(using)
    return len(rows)


def penalty_totals_fill(using=DEFAULT_DB_ALIAS):
    """Build the table if it is empty while there are components to add up (run after every migrate)."""
    if PenaltyTotal.objects.using(using).exists():
        return False
    if not SettlementComponent.objects.using(using).filter(part_of__isnull=True).exists():
        return False
    penalty_totals_rebuild(using=using)
    return True


def penalty_totals_repair(using=DEFAULT_DB_ALIAS):
    """Rebuild the table; return how many of its rows the rebuild added, removed or corrected."""

    def table():
        rows = PenaltyTotal.objects.using(using).values_list("authority_id", "year", "currency", *FIGURES)
        return {tuple(row[:3]): tuple(row[3:]) for row in rows}

    with transaction.atomic(using=using):
        before = table()
        penalty_totals_rebuild(using)
        after = table()
    return sum(before.get(key) != after.get(key) for key in before.keys() | after.keys())


@contextmanager
def penalty_totals_follow(queryset):
    """Apply to the table what a bulk write does to ``queryset``'s rows (``update()`` sends no signals).

    ``queryset`` holds settlement components or credits; what they add is read before and after.
    """
    using = queryset.db
    ids = list(queryset.values_list("pk", flat=True))
    if queryset.model is SettlementComponent:

        def share():
            return _grouped(
                SettlementComponent.objects.using(using).filter(pk__in=ids),
                Credit.objects.using(using).filter(component__in=ids),
            )

    else:

        def share():
            return _grouped(SettlementComponent.objects.none(), Credit.objects.using(using).filter(pk__in=ids))

    before = share()
    yield
    _apply(share() - before, using)


# Receivers


def _wanted(sender, update_fields):
    if update_fields is None:
        return True
    fields = KEY_FIELDS[sender]
    return any(name in fields or name.removesuffix("_id") in fields for name in update_fields)


def _row_pre_save(sender, instance, raw, using, update_fields=None, **kwargs):
    """Components and credits: read what the row adds before the write (None for a new row)."""
    setattr(instance, BEFORE, NOT_READ)
    if raw:
        penalty_totals_schedule_rebuild(using)
    elif not _skipping(using) and _wanted(sender, update_fields):
        setattr(instance, BEFORE, None if instance.pk is None else ROWS[sender].read(instance.pk, using))


def _row_pre_delete(sender, instance, using, **kwargs):
    if not _skipping(using):
        setattr(instance, BEFORE, ROWS[sender].read(instance.pk, using))


def _row_post_delete(sender, instance, using, **kwargs):
    """A deleted component or credit subtracts its own share (a component's credits subtract themselves)."""
    before = instance.__dict__.pop(BEFORE, NOT_READ)
    if before is not NOT_READ:
        _apply(Contribution() - ROWS[sender].share(before), using)


def _component_post_save(sender, instance, using, **kwargs):
    before = instance.__dict__.pop(BEFORE, NOT_READ)
    if before is NOT_READ:
        return
    if instance.part_of_id is not None and (before is None or before["part_of_id"] is not None):
        return  # a part before and after: it adds nothing either way
    after = _component_row(instance.pk, using)
    credits = ()
    if before is not None and _key(before) != _key(after):
        # Moved to another key, or into or out of a breakdown: its credits move with it.
        rows = Credit.objects.using(using).filter(component=instance.pk, quantum=CreditQuantum.STATED)
        rows = rows.order_by().values("currency")
        credits = [(row["currency"], row["total"]) for row in rows.annotate(total=Sum("amount"))]
    _apply(_component_share(after, credits) - _component_share(before, credits), using)


def _credit_post_save(sender, instance, using, **kwargs):
    before = instance.__dict__.pop(BEFORE, NOT_READ)
    if before is not NOT_READ:
        _apply(_credit_share(_credit_row(instance.pk, using)) - _credit_share(before), using)


class _Rows(NamedTuple):
    read: Callable
    share: Callable


# How each money row is read as stored, and what it adds.
ROWS = {
    SettlementComponent: _Rows(_component_row, _component_share),
    Credit: _Rows(_credit_row, _credit_share),
}


def _holder_pre_save(sender, instance, raw, using, update_fields=None, **kwargs):
    """A settlement's dates or action, or an action's authority or resolution, may move its money."""
    setattr(instance, BEFORE, NOT_READ)
    if raw:
        penalty_totals_schedule_rebuild(using)
        return
    if instance.pk is None or _skipping(using) or not _wanted(sender, update_fields):
        return
    names = sorted(KEY_FIELDS[sender])
    attnames = [sender._meta.get_field(name).attname for name in names]
    stored = next(iter(_locked(sender.objects.using(using).filter(pk=instance.pk).order_by()).values(*attnames)), None)
    if stored is not None and any(stored[name] != getattr(instance, name) for name in attnames):
        setattr(instance, BEFORE, _holder_share(sender, instance.pk, using))


def _holder_post_save(sender, instance, using, **kwargs):
    before = instance.__dict__.pop(BEFORE, NOT_READ)
    if before is not NOT_READ:
        _apply(_holder_share(sender, instance.pk, using) - before, using)


def _holder_share(sender, pk, using):
    """What the components of a settlement, or of an action's settlements, add (with their credits)."""
    path = "settlement" if sender is Settlement else "settlement__action"
    return _grouped(
        SettlementComponent.objects.using(using).filter(**{path: pk}),
        Credit.objects.using(using).filter(**{f"component__{path}": pk}),
    )


RECEIVERS = [
    *[
        receiver
        for model, post_save_receiver in ((SettlementComponent, _component_post_save), (Credit, _credit_post_save))
        for receiver in (
            (pre_save, model, _row_pre_save),
            (post_save, model, post_save_receiver),
            (pre_delete, model, _row_pre_delete),
            (post_delete, model, _row_post_delete),
        )
    ],
    (pre_save, Settlement, _holder_pre_save),
    (post_save, Settlement, _holder_post_save),
    (pre_save, EnforcementAction, _holder_pre_save),
    (post_save, EnforcementAction, _holder_post_save),
]


def penalty_totals_connect():
    """Connect the receivers that keep the table current (called once, from the app's ready())."""
    for signal, sender, receiver in RECEIVERS:
        uid = f"timeline.penalty_totals.{sender.__name__}.{receiver.__name__}"
        signal.connect(receiver, sender=sender, dispatch_uid=uid)
