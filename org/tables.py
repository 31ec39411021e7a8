"""Table behaviour shared by every app."""

import django_tables2 as tables

MAX_PER_PAGE = 100


class Table(tables.Table):
    """A list whose page size the request may choose, within bounds: ``?per_page=-1`` was a
    server error, and a huge one would render every row of the list at once."""

    def paginate(self, *args, per_page: int | None = None, **kwargs):
        if per_page is not None:
            per_page = min(max(per_page, 1), MAX_PER_PAGE)
        return super().paginate(*args, per_page=per_page, **kwargs)
