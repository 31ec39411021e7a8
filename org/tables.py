"""Table behaviour shared by every app."""

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

MAX_PER_PAGE = 100


class Table(tables.Table):
    """A list whose page size the request may choose, within bounds: ``?per_page=-1`` was a
    server error, and a huge one would render every row of the list at once.

    On a phone its rows show as cards (the ``cards`` class, static/css/app.css), each cell
    under its column's name: every ``<td>`` carries the header as ``data-label``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attrs["class"] = " ".join(filter(None, (self.attrs.get("class"), "cards")))
        for bound in self.columns:
            # Each table has its own deep copy of its columns: this changes no other table.
            attrs = bound.column.attrs
            td = attrs.get("td", attrs.get("cell", {}))
            bound.column.attrs = {**attrs, "td": {**td, "data-label": bound.header}}

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


class WrittenRowsTable(Table):
    """A table whose rows are written by ``cells(record, number)``, one ``format_html`` a row,
    rather than cell by cell through django-tables2's accessors, render methods and a template
    loop (two thirds of a list page's time). The columns still make the header, the ordering
    and the pagination; ``cells`` writes the ``<td>``s in the columns' order, each with its
    ``data-label`` (``labels``). A row's class is ``row_class(record)`` and, as django-tables2
    adds, even or odd (its ``row_attrs`` bind each callable's arguments by signature for every
    row: a tenth of the rows' time)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("template_name", "partials/table.html")
        super().__init__(*args, **kwargs)

    @cached_property
    def labels(self) -> dict[str, SafeString]:
        """Each column's header, escaped once a page, as ``<name>_label``: ``cells`` writes
        ``<td data-label="{lead_label}">``."""
        return {f"{bound.name}_label": conditional_escape(bound.header) for bound in self.columns}

    def row_class(self, record) -> str:
        return ""

    def cells(self, record, number: int) -> SafeString:
        raise NotImplementedError

    def read_for(self, records: list) -> None:
        """Read, once for the page's records, what their rows show besides them."""

    def written_rows(self) -> list[SafeString]:
        # Numbered down the page, as the task list numbers its rows.
        start = self.page.start_index() if hasattr(self, "page") else 1
        records = [row.record for row in self.paginated_rows]
        self.read_for(records)
        rows = []
        for index, record in enumerate(records):
            own = self.row_class(record)
            parity = "odd" if index % 2 else "even"
            rows.append(
                format_html(
                    '<tr class="{}">{}</tr>',
                    f"{own} {parity}" if own else parity,
                    self.cells(record, start + index),
                )
            )
        return rows


class IsoDateColumn(tables.Column):
    """A date as 2026-11-11, on the page and in exports. django-tables2's DateColumn compiles
    a template for every cell it renders: a tenth of the task list's table time."""

    def render(self, value):
        return value.isoformat()
