"""The change history of a tracked object, as rows a page can show (django-simple-history)."""

import itertools
from dataclasses import dataclass
from typing import cast

from django.db import models
from django.utils.translation import gettext_lazy as _

KINDS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class HistoryRow:
    when: object
    who: object
    kind: str
    changes: list[Change]


def history_rows(obj: models.Model, limit: int = 50) -> list[HistoryRow]:
    """Newest first; each row lists the fields that changed against the row before it."""
    # simple_history adds the manager to each tracked model; django-stubs cannot see it.
    records = list(obj.history.select_related("history_user")[: limit + 1])  # type: ignore[attr-defined]
    rows: list[HistoryRow] = []
    # The oldest record (if any: rows bulk-made or with history pruned have none) against nothing.
    for newer, older in itertools.zip_longest(records, records[1:]):
        if len(rows) == limit:
            break
        changes = []
        if older is not None:
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            for c in delta.changes:
                # A tracked field: a concrete one of the model, never a reverse relation.
                field = cast(models.Field, obj._meta.get_field(c.field))
                changes.append(
                    Change(str(field.verbose_name), _display(field, c.old), _display(field, c.new))
                )
        rows.append(
            HistoryRow(
                newer.history_date, newer.history_user, str(KINDS[newer.history_type]), changes
            )
        )
    return rows


def _display(field: models.Field, value: object) -> object:
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value
