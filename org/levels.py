"""The tree of departments: who is below whom.

A tree is a few levels deep (a city, its districts, their departments), so one query per level
is cheaper and clearer than a recursive CTE, and works the same on SQLite and PostgreSQL.
"""

from .models import Department, superiors


def below(department_id: int) -> list[int]:
    """Every department under this one, at any depth (children first), not itself."""
    found: list[int] = []
    level = [department_id]
    while level:
        level = [
            pk
            for pk in Department.objects.filter(parent__in=level).values_list("pk", flat=True)
            if pk not in found and pk != department_id
        ]
        found.extend(level)
    return found


above = superiors  # the chain up, nearest first
