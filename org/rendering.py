"""Keys that name what a fragment of a page shows, for Django's ``{% cache %}`` tag.

A list's table and its filter form cost most of a list page (django-tables2 renders 175 cells
one by one; the unit filter lists every unit of a province), and office staff open the same
lists again and again. Rather than invalidating on every write, which a missed write path would
turn into stale pages, the key is made from everything the fragment is rendered from: the rows
as the database has them now (read as tuples, so that a hit makes no objects), the URL, the
language and the day. Changed data is a new key, and a per-process cache (Django's default) is
as correct as a shared one. Only the rendering is saved: the queries still run on every request.

One window is left: a miss reads the rows again to render them, a few milliseconds after the
key's read. A write landing in between and then undone exactly, every column as it was, would
show the written rows under the old key until the fragment expires (ten minutes,
templates/partials/filtered_list.html). Assignments carry ``updated_at``, so their writes are
never undone exactly.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Any, cast

import django_tables2 as tables
from django import forms
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone, translation


def _state(value: Any, seen: frozenset[int] = frozenset()) -> Any:
    """A model instance as its loaded values, with the related objects read with it
    (select_related and prefetch_related): whatever a cell could show. An object met again
    on the way down (a prefetched assignment points back to its task) is named, not expanded."""
    if not isinstance(value, Model):
        return value
    if id(value) in seen:
        return (type(value).__name__, value.pk)
    seen |= {id(value)}
    values = []
    for name, item in value.__dict__.items():
        if name == "_state":
            related = item.fields_cache.items()
            values += [(f, _state(obj, seen)) for f, obj in sorted(related)]
        elif name == "_prefetched_objects_cache":
            for f, objects in sorted(item.items()):
                values.append((f, [_state(obj, seen) for obj in objects]))
        else:
            values.append((name, item))
    return (type(value).__name__, values)


def _columns(model: type[Model], related: dict, prefix: str = "") -> list[str]:
    """Every column a row of ``model`` loads, with those of the rows selected with it."""
    columns = [prefix + field.attname for field in model._meta.concrete_fields]
    for name, deeper in related.items():
        field = model._meta.get_field(name)
        columns += _columns(cast(type[Model], field.related_model), deeper, f"{prefix}{name}__")
    return columns


def _rows(queryset: QuerySet) -> list | None:
    """What ``queryset`` loads, read as tuples rather than made into objects: its rows' own
    columns and annotations, the rows it selects related and the rows it prefetches (one level
    of a reverse foreign key). None where it loads something else: made into objects then."""
    related = queryset.query.select_related
    if related is True:
        return None
    columns = ["pk", *_columns(queryset.model, related or {}), *queryset.query.annotation_select]
    rows: list = list(queryset.values_list(*columns))
    for lookup in queryset._prefetch_related_lookups:  # type: ignore[attr-defined]  # not in the stubs
        through = lookup.prefetch_through if isinstance(lookup, Prefetch) else lookup
        field = queryset.model._meta.get_field(through.split("__")[0])
        if "__" in through or not field.one_to_many or getattr(lookup, "to_attr", None):
            return None
        prefetched = getattr(lookup, "queryset", None)
        if prefetched is None:
            prefetched = field.related_model._default_manager.all()
        keys = [row[0] for row in rows]
        children = _rows(prefetched.filter(**{f"{field.field.name}__in": keys}))
        if children is None:
            return None
        rows.append((through, children))
    return rows


def _table_state(table: tables.Table) -> tuple:
    # The page's rows read as tuples: on a hit no row is made into an object (the module's
    # docstring says what a miss's second read leaves open). Rows already read, or read in a
    # way _rows cannot follow, are taken from their objects.
    data = table.paginated_rows.data
    data = getattr(data, "data", data)  # TableQuerysetData, when not paginated
    rows = None
    if isinstance(data, QuerySet) and data._result_cache is None:
        rows = _rows(data)
    if rows is None:
        rows = [_state(row.record) for row in table.paginated_rows]
    page = getattr(table, "page", None)
    return (
        type(table).__module__,
        type(table).__qualname__,
        tuple(table.sequence),
        page is not None and (page.number, table.paginator.count, table.paginator.per_page),
        rows,
    )


def _form_state(form: forms.BaseForm) -> tuple:
    choices = []
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            # The rows' own columns, as tuples: a choice's label is made from them (Unit and
            # Plan name themselves by their fields), and 200 units need not be made into
            # objects for a form that is not rendered. A miss reads them again to render.
            queryset = field.queryset
            assert queryset is not None  # every model choice field here is given one
            columns = [f.attname for f in queryset.model._meta.concrete_fields]
            choices.append((name, field.empty_label, list(queryset.values_list(*columns))))
    data = sorted(form.data.lists()) if hasattr(form.data, "lists") else sorted(form.data.items())
    errors = form.errors.get_json_data() if form.is_bound else {}
    return (type(form).__module__, type(form).__qualname__, form.is_bound, data, errors, choices)


def content_key(*parts: Any) -> str:
    """A hash of what ``parts`` render from: tables by their page of rows, forms by their data
    and choices, anything else by its value; with the language and the local date, which
    labels and overdue marks depend on."""
    state: list[Any] = [translation.get_language(), timezone.localdate()]
    for part in parts:
        if isinstance(part, tables.Table):
            state.append(_table_state(part))
        elif isinstance(part, forms.BaseForm):
            state.append(_form_state(part))
        else:
            state.append(_state(part))
    # pickle, not repr: a third of the time. Equal content pickled with other sharing of
    # objects would only make another key (a miss), never one key for two contents.
    return hashlib.blake2b(pickle.dumps(state, protocol=5), digest_size=16).hexdigest()
