"""Table behaviour shared by every app."""

import django_tables2 as tables
from django.db.models import QuerySet

MAX_PER_PAGE = 100


class Table(tables.Table):
    """A list whose page size the request may choose, within bounds: ``?per_page=-1`` was a
    server error, and a huge one would render every row of the list at once."""

    def paginate(self, *args, per_page: int | None = None, **kwargs):
        if per_page is not None:
            per_page = min(max(per_page, 1), MAX_PER_PAGE)
        self._order_ties_by_pk()
        return super().paginate(*args, per_page=per_page, **kwargs)

    def _order_ties_by_pk(self) -> None:
        """Sorted on a column with equal values (many tasks share a deadline), the database may
        order the ties differently for each page's LIMIT … OFFSET: a row then shows on two pages
        and another on none. The primary key, last, makes the order total."""
        queryset = getattr(self.data, "data", None)
        if not isinstance(queryset, QuerySet):
            return
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
        if ordering and not {"pk", "-pk", "id", "-id"} & {str(o) for o in ordering}:
            self.data.data = queryset.order_by(*ordering, "pk")


class IsoDateColumn(tables.Column):
    """A date as 2026-11-11, on the page and in exports. django-tables2's DateColumn compiles
    a template for every cell it renders: a tenth of the task list's table time."""

    def render(self, value):
        return value.isoformat()
