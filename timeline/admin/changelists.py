"""What keeps a changelist fast over a million rows: search by sets of ids, a case filter that lists
one case rather than all of them, years read from the ends of an index, and per-row figures
computed for the page shown only.

Django's own search ORs every search field in one WHERE over LEFT JOINs to the related tables, then
makes the rows distinct: no index serves it. Here each search field is its own id query, which
reads its trigram index (migration 0006), and ``pk__in`` their UNION selects the same rows, each once.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import F, Func, IntegerField, Max, Min, Q, Subquery
from django.db.models.constants import LOOKUP_SEP
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal

from timeline.models import Case
from timeline.selectors.search import ids_union

# A changelist counts its rows exactly up to this many; past it, pages run to the cap.
COUNT_CAP = 10_000

# Django's search_fields prefixes and the lookup each stands for; no prefix means icontains.
PREFIX_LOOKUPS = {"^": "istartswith", "=": "iexact", "@": "search"}


def search_lookup(opts, field_name):
    """The lookup Django's search builds for a ``search_fields`` entry, and whether it crosses a relation;
    None for an entry that names its own lookup (left to Django's search)."""
    lookup = PREFIX_LOOKUPS.get(field_name[:1])
    path = field_name[1:] if lookup else field_name
    for part in path.split(LOOKUP_SEP):
        try:
            field = opts.get_field(opts.pk.name if part == "pk" else part)
        except FieldDoesNotExist:
            return None
        if hasattr(field, "path_infos"):
            opts = field.path_infos[-1].to_opts
    return f"{path}__{lookup or 'icontains'}", LOOKUP_SEP in path


def search_bits(search_term):
    """The words of a search, quoted phrases kept whole, as Django's admin splits them."""
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        yield bit


def any_of(lookups, bit):
    return Q.create([(lookup, bit) for lookup in lookups], connector=Q.OR)


class CappedCountPaginator(Paginator):
    """Counts the rows up to ``COUNT_CAP`` (a COUNT over a LIMIT subquery): an exact count of a
    million filtered rows is a scan of them all, for a figure nobody pages through."""

    @cached_property
    def count(self):
        return self.object_list.order_by()[:COUNT_CAP].count()


class IdSearchMixin:
    """ModelAdmin search returning the rows Django's returns, each once, without DISTINCT.

    Every word must match one of the search fields; each field is its own id query, so each reads
    its own index (a field without one costs a scan of its table, not of the join). When several
    words match through a relation to many rows, Django asks that one and the same related row match
    them all; the candidates the id queries leave are checked for that with Django's own condition.
    """

    show_full_result_count = False
    paginator = CappedCountPaginator

    def get_search_results(self, request, queryset, search_term):
        search_fields = self.get_search_fields(request)
        lookups = [search_lookup(self.opts, str(field)) for field in search_fields]
        if not search_fields or not search_term or None in lookups:
            return super().get_search_results(request, queryset, search_term)
        bits = list(search_bits(search_term))
        every = [lookup for lookup, _ in lookups]
        related = [lookup for lookup, crosses in lookups if crosses]
        every_word = Q.create([any_of(every, bit) for bit in bits])
        if not related:
            return queryset.filter(every_word), False
        rows = self.model._default_manager
        matches = [
            Q(pk__in=ids_union(*(rows.filter(**{lookup: bit}).values("pk") for lookup in every))) for bit in bits
        ]
        if len(bits) > 1 and any(lookup_spawns_duplicates(self.opts, lookup) for lookup in related):
            candidates = rows.filter(*matches).filter(every_word)
            return queryset.filter(pk__in=candidates.values("pk")), False
        return queryset.filter(*matches), False


class CaseFilter(admin.SimpleListFilter):
    """Rows of one case, named by its slug in a text box: a link per case would be one per row of a
    table of hundreds of thousands. The case chosen is listed, so the page says which it is."""

    title = "case"
    parameter_name = "case"
    field_path = "case"
    template = "admin/timeline/filters/slug.html"

    def lookups(self, request, model_admin):
        slug = self.value()
        if not slug:
            return []
        return Case.objects.filter(slug=slug).values_list("slug", "title")

    def has_output(self):
        return True

    def value(self):
        return (super().value() or "").strip() or None

    def queryset(self, request, queryset):
        slug = self.value()
        if not slug:
            return queryset
        return queryset.filter(**{f"{self.field_path}__slug": slug})

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        # The text box submits the other parameters of the page along with the slug.
        choices[0]["hidden_params"] = [
            (name, value) for name, value in changelist.params.items() if name != self.parameter_name
        ]
        return choices


class YearFilter(admin.SimpleListFilter):
    """Rows of one year of ``date_field``, in place of date_hierarchy.

    date_hierarchy lists the years holding the filtered rows with MIN/MAX and a DISTINCT over all of
    them, each a scan of the table (and a rerun of any search). The years here run from the table's
    first date to its last, two reads at the ends of the date index; choosing one filters a range
    of that index. Links made by date_hierarchy (``<field>__year``) keep working.
    """

    date_field = None

    def __init__(self, request, params, model, model_admin):
        self.parameter_name = f"{self.date_field}__year"
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        bounds = model_admin.model._default_manager.aggregate(first=Min(self.date_field), last=Max(self.date_field))
        if bounds["first"] is None:
            return []
        return [(str(year), str(year)) for year in range(bounds["last"].year, bounds["first"].year - 1, -1)]

    def queryset(self, request, queryset):
        year = self.value()
        if year is None:
            return queryset
        try:
            return queryset.filter(**{f"{self.date_field}__year": int(year)})
        except ValueError as error:  # not a number, or beyond the calendar: the admin's "?e=1" page
            raise IncorrectLookupParameters(error) from error


def year_filter(date_field, title):
    return type(
        f"{date_field.title().replace('_', '')}YearFilter", (YearFilter,), {"date_field": date_field, "title": title}
    )


def per_row(queryset, function="COUNT", field="pk", output_field=None):
    """``function`` over ``queryset`` (correlated with OuterRef) as a subquery of each row shown.

    Count() over a join groups every matching row before the page's LIMIT; a subquery in the
    select list is computed only for the rows the page returns, and never for the row count.
    """
    output_field = output_field or IntegerField()
    aggregate = Func(F(field), function=function, output_field=output_field)
    return Subquery(queryset.order_by().annotate(per_row=aggregate).values("per_row"), output_field=output_field)
