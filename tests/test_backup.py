"""Backup and restore as deploy/README.md documents them (deploy/backup.sh, deploy/restore.sh):
a backup restored into a fresh database and media folder holds every plan, update and file."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.db.models import Model

from org.models import User
from plans.models import Heading, Plan
from tasks.evidence import Upload
from tasks.models import Assignment, EvidenceFile, EvidenceLink, ProgressUpdate, Task
from tasks.services import Report, record_progress

from .factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"

pytestmark = [
    pytest.mark.skipif(
        "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="backup and restore are of PostgreSQL: set DATABASE_URL=postgres://… "
        "(CI's second run does)",
    ),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]

KEPT = [Plan, Heading, Task, Assignment, ProgressUpdate, EvidenceFile, EvidenceLink]
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64


@pytest.fixture
def fresh_database(database_url) -> Iterator[str]:
    """An empty database of a unique name beside the test database; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield database_url.rsplit("/", 1)[0] + f"/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def reported(world, office_staff, settings, tmp_path) -> None:
    """Updates with evidence in both bureaus: files (one content attached twice), a link."""
    settings.MEDIA_ROOT = tmp_path / "media"
    other_office = UserFactory(
        department=world.other_department,
        unit=world.other_assignment.unit,
        role=User.Role.OFFICE,
    )
    record_progress(
        world.own_assignment,
        Report(
            text="已在门户网站公开。",
            files=[Upload("通知.pdf", PDF), Upload("说明.txt", "已公开".encode())],
            links=[("https://www.example.gov.cn/notice/1.html", "公告")],
        ),
        by=office_staff,
    )
    record_progress(world.own_assignment, Report(text="继续推进。"), by=office_staff)
    record_progress(
        world.other_assignment, Report(files=[Upload("同一通知.pdf", PDF)]), by=other_office
    )


def rows(model: type[Model], database_url: str | None = None) -> list[tuple]:
    """Every row of the model's table, every column, by id: from the test database through the
    ORM, or from another database directly."""
    fields = model._meta.concrete_fields
    if database_url is None:
        return list(model.objects.order_by("pk").values_list(*(f.attname for f in fields)))
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with psycopg.connect(database_url) as restored:
        return restored.execute(
            f'SELECT {columns} FROM "{model._meta.db_table}" ORDER BY "id"'
        ).fetchall()


def script(name: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(DEPLOY / name), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_backup_restored_into_a_fresh_database_holds_every_plan_update_and_file(
    reported, database_url, fresh_database, settings, tmp_path
):
    # given: the plans, updates and files of both bureaus, backed up
    backup = script(
        "backup.sh", str(tmp_path / "backups"), DATABASE_URL=database_url,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )  # fmt: skip
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip())
    assert sorted(p.name for p in folder.iterdir()) == ["MANIFEST", "database.dump", "media.tar"]
    # when: restored into a fresh database and an empty media folder
    restored_media = tmp_path / "restored-media"
    restore = script(
        "restore.sh", str(folder), DATABASE_URL=fresh_database, MEDIA_ROOT=str(restored_media)
    )
    assert restore.returncode == 0, restore.stderr
    # then: every row of every plan, task, assignment, update and evidence is there, as it was
    for model in KEPT:
        assert rows(model, fresh_database) == rows(model), model.__name__
    assert EvidenceFile.objects.count() == 3
    assert ProgressUpdate.objects.count() == 3
    # and every evidence file is there with its content (its SHA-256), checked as in production
    check = subprocess.run(
        [sys.executable, "manage.py", "verify_evidence", "--json"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": fresh_database, "MEDIA_ROOT": str(restored_media)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads(check.stdout) | {"problems": None} == {
        "files": 3,
        "stored": 2,
        "intact": 2,
        "missing": 0,
        "altered": 0,
        "problems": None,
    }


def test_restore_refuses_a_database_that_is_not_empty(reported, database_url, settings, tmp_path):
    # given
    backup = script(
        "backup.sh", str(tmp_path), DATABASE_URL=database_url, MEDIA_ROOT=str(settings.MEDIA_ROOT)
    )
    # when: restored over the live database
    restore = script(
        "restore.sh", backup.stdout.strip(), DATABASE_URL=database_url,
        MEDIA_ROOT=str(tmp_path / "empty"),
    )  # fmt: skip
    # then
    assert restore.returncode == 1
    assert "is not empty" in restore.stderr
    assert Plan.objects.count() == 2


def test_restore_refuses_a_backup_that_does_not_match_its_manifest(
    reported, database_url, fresh_database, settings, tmp_path
):
    # given: a backup whose media archive was damaged
    backup = script(
        "backup.sh", str(tmp_path), DATABASE_URL=database_url, MEDIA_ROOT=str(settings.MEDIA_ROOT)
    )
    folder = Path(backup.stdout.strip())
    with (folder / "media.tar").open("ab") as archive:
        archive.write(b"\0")
    # when
    restore = script(
        "restore.sh", str(folder), DATABASE_URL=fresh_database, MEDIA_ROOT=str(tmp_path / "m")
    )
    # then
    assert restore.returncode == 1
    assert "does not match its MANIFEST" in restore.stderr
