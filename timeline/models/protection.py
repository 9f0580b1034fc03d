"""Refuse to delete a source or entity still cited through a many-to-many relation.

Django deletes the rows of an auto-created many-to-many table along with either side, which
would silently strip citations from facts. Foreign keys use PROTECT; these relations get the
same rule here, in the model layer, so the admin, the API and the shell all obey it.
"""

from django.db import models
from django.db.models.deletion import ProtectedError


def many_to_many_dependents(model, pks):
    """Objects that reach ``model`` rows ``pks`` through a many-to-many field declared on them."""
    dependents = []
    for relation in model._meta.related_objects:
        if not relation.many_to_many:
            continue
        through = relation.through
        target_column = relation.field.m2m_reverse_field_name()
        owner_column = relation.field.m2m_field_name()
        owner_ids = through.objects.filter(**{f"{target_column}__in": pks}).values(f"{owner_column}_id")
        dependents.extend(relation.related_model.objects.filter(pk__in=owner_ids)[:20])
    return dependents


def refuse_if_cited(model, pks):
    dependents = many_to_many_dependents(model, list(pks))
    if dependents:
        names = ", ".join(str(obj) for obj in dependents[:5])
        raise ProtectedError(
            f"Cannot delete {model._meta.verbose_name}: still cited by {len(dependents)} record(s), e.g. {names}.",
            set(dependents),
        )


class ProtectedQuerySet(models.QuerySet):
    def delete(self):
        refuse_if_cited(self.model, self.values_list("pk", flat=True))
        return super().delete()


class ProtectedDeleteMixin:
    """Model mixin: ``instance.delete()`` refuses while many-to-many citations remain."""

    def delete(self, *args, **kwargs):
        refuse_if_cited(type(self), [self.pk])
        return super().delete(*args, **kwargs)
