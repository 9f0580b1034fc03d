"""CSV pages read with ``.values()``: a list serializer's columns without a serializer per row.

The list serializer is compiled once per request into column paths (``authority__slug``), each
shown by the serializer field that would show it, so a CSV page costs one query for its rows plus
one per to-many column (``parties``, in the order the view's ``csv_children`` gives) and builds
no model instances (but one per row where a column is a property of the listed record). Columns,
their order and their cells are those the serializer path writes (``timeline.api.renderers``). A
serializer with a field that maps onto no column (a method field, a property of a related record,
a field class that reads or shows values its own way, a to-many column without its ordered
children) compiles to None, and that list keeps the serializer path.
"""

from types import SimpleNamespace
from urllib.parse import quote

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.utils.http import RFC3986_SUBDELIMS
from rest_framework import serializers
from rest_framework.relations import HyperlinkedIdentityField, ManyRelatedField, SlugRelatedField

from timeline.api.renderers import LIST_SEPARATOR, CSVTable, item_label

# Stands in for a row's lookup value while a list's URL pattern is built, once per request: digits,
# so it matches a numeric lookup pattern as well as a slug's.
URL_PLACEHOLDER = "9081726354"
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"


class NotFlat(Exception):
    """A serializer field with no column behind it."""


class Cell:
    """A stored column read from ``path``, shown by the field's ``to_representation`` (``show``; None: as stored)."""

    def __init__(self, header, path, show=None):
        self.header = header
        self.path = path
        self.show = show

    def value(self, row, record=None, lists=None):
        raw = row[self.path]
        return raw if raw is None or self.show is None else self.show(raw)


class PropertyCell:
    """A property of the listed record itself (``custody_display``), read from a record built from the row."""

    def __init__(self, header, attribute, show):
        self.header = header
        self.attribute = attribute
        self.show = show

    def value(self, row, record=None, lists=None):
        raw = getattr(record, self.attribute)
        return None if raw is None else self.show(raw)


class ListCell:
    """A to-many field in one cell: each row's children, labelled and joined as the serializer path does."""

    def __init__(self, header, lookup, children, cells):
        self.header = header
        self.lookup = lookup
        self.children = children
        self.cells = cells

    def value(self, row, record=None, lists=None):
        return lists[self.header].get(row["pk"], "")

    def labels(self, parent_ids):
        """One query: the cell of every parent on the page, keyed by the parent's primary key."""
        paths = [cell.path for cell in self.cells]
        rows = self.children().filter(**{f"{self.lookup}__in": parent_ids}).values(self.lookup, *paths)
        labels = {}
        for row in rows:
            labels.setdefault(row[self.lookup], []).append(item_label(self.item(row)))
        return {parent: LIST_SEPARATOR.join(items) for parent, items in labels.items()}

    def item(self, row):
        """The child as the serializer shows it: a value, or a dict nested by the dotted headers."""
        if len(self.cells) == 1 and not self.cells[0].header:
            return self.cells[0].value(row)
        item = {}
        for cell in self.cells:
            *parents, name = cell.header.split(".")
            target = item
            for parent in parents:
                target = target.setdefault(parent, {})
            target[name] = cell.value(row)
        return item


class FlatColumns:
    """The compiled columns of one list: what to select, and how a page of rows becomes CSV cells."""

    def __init__(self, model, columns):
        self.model = model
        self.columns = columns
        self.header = [column.header for column in columns]
        self.lists = [column for column in columns if isinstance(column, ListCell)]
        self.paths = ["pk", *(column.path for column in columns if isinstance(column, Cell))]
        self.record_fields = None
        if any(isinstance(column, PropertyCell) for column in columns):
            self.record_fields = [field.attname for field in model._meta.concrete_fields]
            self.paths.extend(self.record_fields)
        self.paths = list(dict.fromkeys(self.paths))

    def read(self, queryset):
        """The rows of ``queryset`` as dicts keyed by path: no model instances, no prefetches."""
        return queryset.prefetch_related(None).values(*self.paths)

    def table(self, rows):
        parent_ids = [row["pk"] for row in rows]
        lists = {column.header: column.labels(parent_ids) for column in self.lists} if rows else {}
        table = CSVTable(self.header)
        for row in rows:
            record = self.record(row) if self.record_fields else None
            table.append([column.value(row, record, lists) for column in self.columns])
        return table

    def record(self, row):
        return self.model.from_db(None, self.record_fields, [row[name] for name in self.record_fields])


def flat_columns(serializer, model, children):
    """Compile a list serializer bound to its request; None when a field maps onto no column."""
    try:
        return FlatColumns(model, list(Compiler(children).columns(serializer, model, top=True)))
    except NotFlat:
        return None


class Compiler:
    """Walks a serializer's fields in order, yielding one column per CSV column."""

    def __init__(self, children):
        self.children = children

    def columns(self, serializer, model, header_prefix="", path_prefix=(), top=False):
        for name, field in serializer.fields.items():
            header = f"{header_prefix}{name}"
            if field.write_only or not reads_as_drf_does(field):
                raise NotFlat(header)
            if isinstance(field, HyperlinkedIdentityField):
                yield url_cell(header, field, path_prefix)
            elif isinstance(field, (serializers.ListSerializer, ManyRelatedField)):
                if not top:
                    raise NotFlat(header)
                yield self.list_cell(header, field, model)
            elif isinstance(field, serializers.Serializer):
                related, path = follow(model, path_prefix, field.source_attrs)
                yield from self.columns(field, related, f"{header}.", path)
            elif isinstance(field, SlugRelatedField):
                related, path = follow(model, path_prefix, field.source_attrs)
                yield Cell(header, column_path(related, path, field.slug_field.split("__")))
            elif isinstance(field, (serializers.SerializerMethodField, serializers.RelatedField)):
                raise NotFlat(header)
            else:
                yield value_cell(header, field, model, path_prefix, top)

    def list_cell(self, header, field, model):
        children = self.children.get(field.field_name)
        relation = model_field(model, field.source)
        if children is None or not (relation.one_to_many or relation.many_to_many):
            raise NotFlat(header)
        # The name the child model uses for the parent: the foreign key, or the many-to-many's query name.
        lookup = relation.related_query_name() if relation.concrete else relation.field.name
        child_model = relation.related_model
        if isinstance(field, ManyRelatedField):
            slug = field.child_relation
            if not isinstance(slug, SlugRelatedField):
                raise NotFlat(header)
            cells = [Cell("", column_path(child_model, (), slug.slug_field.split("__")))]
        else:
            cells = list(Compiler({}).columns(field.child, child_model))
        if not all(isinstance(cell, Cell) for cell in cells):
            raise NotFlat(header)
        return ListCell(header, lookup, children, cells)


def value_cell(header, field, model, path_prefix, top):
    try:
        return Cell(header, column_path(model, path_prefix, field.source_attrs), shown_by(field))
    except NotFlat:
        attribute = field.source_attrs[-1]
        if top and len(field.source_attrs) == 1 and isinstance(getattr(model, attribute, None), property):
            return PropertyCell(header, attribute, field.to_representation)
        raise


def url_cell(header, field, path_prefix):
    """The detail URL of each row: reversed once with a stand-in lookup value, then filled in per row."""
    lookup = field.lookup_field
    try:
        url = field.to_representation(SimpleNamespace(**{"pk": URL_PLACEHOLDER, lookup: URL_PLACEHOLDER}))
    except ImproperlyConfigured:
        raise NotFlat(header) from None
    if url is None or str(url).count(URL_PLACEHOLDER) != 1:
        raise NotFlat(header)
    before, after = str(url).split(URL_PLACEHOLDER)

    def show(value):
        # Quoted as reverse() quotes a URL argument.
        return f"{before}{quote(str(value), safe=URL_SAFE)}{after}"

    return Cell(header, "__".join([*path_prefix, lookup]), show)


def model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        raise NotFlat(name) from None


def follow(model, path_prefix, attrs):
    """Follow forward to-one relations only: anything else would repeat or drop rows."""
    path = list(path_prefix)
    for attr in attrs:
        field = model_field(model, attr)
        if not (field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)):
            raise NotFlat(attr)
        model = field.related_model
        path.append(attr)
    return model, path


def column_path(model, path_prefix, attrs):
    """The ``values()`` path of a stored, non-relational column reached through forward to-one relations."""
    *relations, last = attrs
    model, path = follow(model, path_prefix, relations)
    field = model_field(model, last)
    if field.is_relation or not field.concrete:
        raise NotFlat(last)
    return "__".join([*path, last])


def reads_as_drf_does(field):
    """False for a field class that reads or shows its value its own way (a custom list, a computed field)."""
    if isinstance(field, serializers.ListSerializer):
        return type(field) is serializers.ListSerializer
    if isinstance(field, serializers.Serializer):
        return type(field).to_representation is serializers.Serializer.to_representation
    if isinstance(field, HyperlinkedIdentityField | ManyRelatedField):
        return True
    if isinstance(field, SlugRelatedField):
        return type(field).to_representation is SlugRelatedField.to_representation
    return type(field).get_attribute is serializers.Field.get_attribute


# Text and choices come back from the database as these fields show them (a slug too: SlugRelatedField).
AS_STORED = (serializers.CharField, serializers.ChoiceField)


def shown_by(field):
    """The field's ``to_representation``, or None where it gives back a stored text or choice unchanged."""
    if type(field) in AS_STORED:
        return None
    return field.to_representation
