"""Attack tests: every attempt is counted by its kind, and the run ends with the count per kind
(``pytest tests/attacks -rA`` or plain ``pytest tests/attacks`` prints the table)."""

from collections import Counter
from collections.abc import Callable

import pytest
from django.apps import apps

from tests.tasks.test_reminders import people  # noqa: F401 (a fixture used by name)

# The permission matrix's objects: a plan import, evidence and the registers in each bureau.
from tests.test_permission_matrix import (  # noqa: F401 (fixtures used by name)
    evidence_files,
    imports,
    personas,
    registers,
    tokens,
)

ATTEMPTS: Counter[str] = Counter()
APPS = ("org", "plans", "tasks", "reporting")


@pytest.fixture
def attempt() -> Callable[..., None]:
    """``attempt(kind)``: count one attack of the kind (``n=`` for several)."""

    def record(kind: str, n: int = 1) -> None:
        ATTEMPTS[kind] += n

    return record


def row_counts() -> dict[str, int]:
    """Rows of every model of the app: an attack that was refused changed none of them."""
    return {
        model._meta.label: model._default_manager.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
    }


def pytest_terminal_summary(terminalreporter) -> None:
    if not ATTEMPTS:
        return
    terminalreporter.section("attacks tried")
    for kind, count in sorted(ATTEMPTS.items()):
        terminalreporter.write_line(f"{kind:<16} {count:>6}")
    terminalreporter.write_line(f"{'total':<16} {sum(ATTEMPTS.values()):>6}")
