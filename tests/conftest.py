"""Personas and a small world: bureau A (office, 社管办, 计财股) and bureau B (its own office).

``own_*`` objects belong to 社管办 of bureau A, ``foreign_*`` to 计财股 of A or to bureau B.
"""

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from org.models import Department, Unit, User
from org.services import standard_unit_groups
from plans.models import Plan
from tasks.models import Assignment, Task

from .factories import DepartmentFactory, PlanFactory, UnitFactory, UserFactory, make_task

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class World:
    department: Department
    office_unit: Unit
    own_unit: Unit
    other_unit: Unit
    plan: Plan
    own_task: Task
    foreign_task: Task
    own_assignment: Assignment
    foreign_assignment: Assignment
    other_department: Department
    other_plan: Plan
    other_task: Task
    other_assignment: Assignment


@pytest.fixture
def world(db) -> World:
    dept = DepartmentFactory(name="泉州市丰泽区教育局")
    standard_unit_groups(dept)
    office_unit = UnitFactory(department=dept, name="办公室", is_office=True, position=0)
    own_unit = UnitFactory(department=dept, name="社会事业管理办公室", short_name="社管办")
    other_unit = UnitFactory(department=dept, name="计财股")
    author = UserFactory(department=dept, unit=office_unit, role=User.Role.OFFICE)
    plan = PlanFactory(department=dept, status=Plan.Status.DRAFT)
    own_task = make_task(plan, lead=[own_unit], support=[office_unit], by=author)
    foreign_task = make_task(plan, lead=[other_unit], by=author)
    plan.status = Plan.Status.ISSUED
    plan.save()

    other_dept = DepartmentFactory(name="其他区教育局")
    other_office = UnitFactory(department=other_dept, name="办公室", is_office=True)
    other_author = UserFactory(department=other_dept, unit=other_office, role=User.Role.OFFICE)
    other_plan = PlanFactory(department=other_dept)
    other_task = make_task(other_plan, lead=[other_office], by=other_author)
    return World(
        department=dept,
        office_unit=office_unit,
        own_unit=own_unit,
        other_unit=other_unit,
        plan=plan,
        own_task=own_task,
        foreign_task=foreign_task,
        own_assignment=own_task.assignments.get(unit=own_unit),
        foreign_assignment=foreign_task.assignments.get(),
        other_department=other_dept,
        other_plan=other_plan,
        other_task=other_task,
        other_assignment=other_task.assignments.get(),
    )


@pytest.fixture
def office_staff(world) -> User:
    return UserFactory(
        username="office",
        department=world.department,
        unit=world.office_unit,
        role=User.Role.OFFICE,
    )


@pytest.fixture
def office_client(client, office_staff):
    """The test client logged in as the first bureau's office staff."""
    client.force_login(office_staff)
    return client


@pytest.fixture
def unit_head(world) -> User:
    return UserFactory(
        username="head",
        department=world.department,
        unit=world.own_unit,
        role=User.Role.UNIT_HEAD,
    )


@pytest.fixture
def unit_staff(world) -> User:
    return UserFactory(
        username="staff",
        department=world.department,
        unit=world.own_unit,
        role=User.Role.UNIT_STAFF,
    )


@pytest.fixture
def other_unit_head(world) -> User:
    return UserFactory(
        username="otherhead",
        department=world.department,
        unit=world.other_unit,
        role=User.Role.UNIT_HEAD,
    )


@pytest.fixture
def leader(world) -> User:
    return UserFactory(username="leader", department=world.department, role=User.Role.LEADER)


@pytest.fixture
def sysadmin(world) -> User:
    return UserFactory(username="admin", role=User.Role.ADMIN)


# --- A real Celery worker --------------------------------------------------------------------


@pytest.fixture
def celery_worker_env() -> dict[str, str]:
    """Extra environment for the worker process; a test module overrides it (e.g. SMTP)."""
    return {}


@pytest.fixture
def start_celery_worker(
    transactional_db, celery_worker_env
) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start real workers on the test database and the configured broker: ``options`` replace
    ``--pool=solo``, ``env`` adds to ``celery_worker_env``. Each worker leads its own process
    group, so a test can kill it with its pool processes; all are stopped after the test."""
    started: list[subprocess.Popen] = []

    def start(*options: str, **env: str) -> subprocess.Popen:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                *(options or ["--pool=solo"]),
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "DATABASE_URL": _url_of_test_database(),
                **celery_worker_env,
                **env,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


@pytest.fixture
def celery_worker_process(start_celery_worker) -> subprocess.Popen:
    """A real worker in its own process, on the test database and the configured broker."""
    return start_celery_worker()


@pytest.fixture
def database_url(transactional_db) -> str:
    """The test database as a DATABASE_URL, for the processes a test starts (which see what
    the test commits: hence transactional_db)."""
    return _url_of_test_database()


def _url_of_test_database() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def pytest_sessionfinish(session) -> None:
    """The run's own file-broker folder (embedded mode; see config/settings/test.py) goes with
    the run, as its test database does."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    folder = options.get("control_folder")
    if folder and f"test-broker-{settings.RUN}" in folder:
        shutil.rmtree(Path(folder).parent, ignore_errors=True)
