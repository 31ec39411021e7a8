"""The demo's schemes: the catalogue's defaults saved for the year, for the bureau's units and
for the district government's office (its own units and the departments below it), so
``office`` and ``district`` find scores after ``make run``."""

from org.models import Department, User

from .catalogue import Scope, defaults
from .models import Scheme
from .services import save_scheme


def load_demo_schemes(year: int) -> list[Scheme]:
    """Save the default schemes where the demo has none yet (an edited one is left as it is)."""
    saved = []
    for office in User.objects.filter(username__in=["office", "district"]).select_related(
        "department"
    ):
        department: Department = office.department  # type: ignore[assignment]
        scopes = [Scope.UNITS] + ([Scope.DEPARTMENTS] if department.children.exists() else [])
        for scope in scopes:
            found = Scheme.objects.filter(department=department, year=year, scope=scope).first()
            saved.append(found or save_scheme(department, year, scope, defaults(scope), by=office))
    return saved
