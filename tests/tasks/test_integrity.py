"""Evidence files checked against their SHA-256 (``verify_evidence``): intact, deleted, altered."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tasks import integrity
from tasks.evidence import Upload
from tasks.models import EvidenceFile
from tasks.services import Report, record_progress

PDF = b"%PDF-1.4\n" + b"x" * (3 * integrity.CHUNK_BYTES // 2)  # read in more than one chunk


@pytest.fixture
def stored(world, office_staff, settings, tmp_path) -> dict[str, EvidenceFile]:
    """Three evidence files; the same content attached twice is stored once."""
    settings.MEDIA_ROOT = tmp_path
    first = record_progress(
        world.own_assignment,
        Report(files=[Upload("通知.pdf", PDF), Upload("说明.txt", "已公开".encode())]),
        by=office_staff,
    )
    again = record_progress(
        world.own_assignment, Report(files=[Upload("通知(再次).pdf", PDF)]), by=office_staff
    )
    return {
        "pdf": first.files.get(original_name="通知.pdf"),
        "txt": first.files.get(original_name="说明.txt"),
        "pdf again": again.files.get(),
    }


def path_of(evidence_file: EvidenceFile, settings) -> Path:
    return Path(settings.MEDIA_ROOT) / evidence_file.storage_name


def run(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("verify_evidence", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_intact_files_are_reported_intact(stored):
    # when
    output, status = run("--json")
    # then
    assert status == 0
    assert json.loads(output) == {
        "files": 3,
        "stored": 2,
        "intact": 2,
        "missing": 0,
        "altered": 0,
        "problems": [],
    }


def test_a_deleted_file_is_reported_missing_with_every_row_it_backs(stored, settings):
    # given
    path_of(stored["pdf"], settings).unlink()
    # when
    output, status = run("--json")
    # then
    assert status == 1
    result = json.loads(output)
    assert (result["intact"], result["missing"], result["altered"]) == (1, 1, 0)
    [problem] = result["problems"]
    assert problem["kind"] == "missing"
    assert problem["name"] == stored["pdf"].storage_name
    assert sorted(problem["file_ids"]) == sorted([stored["pdf"].pk, stored["pdf again"].pk])


def test_a_file_with_one_byte_altered_is_reported_altered(stored, settings):
    # given: one byte past the first chunk changed, the size kept
    path = path_of(stored["pdf"], settings)
    data = bytearray(path.read_bytes())
    data[integrity.CHUNK_BYTES + 7] ^= 1
    path.write_bytes(bytes(data))
    # when
    output, status = run()
    # then
    assert status == 1
    assert f"altered: {stored['pdf'].storage_name}" in output
    assert "files: 3, stored: 2, intact: 1, missing: 0, altered: 1" in output


def test_the_check_reads_a_file_in_chunks(stored, monkeypatch):
    reads: list[int] = []
    real_open = integrity.default_storage.open

    class Spy:
        def __init__(self, name, mode):
            self.file = real_open(name, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def read(self, size=-1):
            reads.append(size)
            return self.file.read(size)

    monkeypatch.setattr(integrity.default_storage, "open", Spy)
    assert integrity.verify_evidence().ok
    assert set(reads) == {integrity.CHUNK_BYTES}
