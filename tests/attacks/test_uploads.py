"""Uploads: path traversal in names, wrong or broken content, oversized and empty files.

Each is a form error and saves nothing, or (for a path in the name) is stored under its hash
with the bare name as metadata. Nothing is ever written outside MEDIA_ROOT/evidence.
"""

import io
import zipfile

import pytest
from django.urls import reverse

from plans.models import PlanImport
from plans.readers.office import MAX_UNPACKED
from registers.models import DisclosureRequest
from registers.requests_io import MAX_BYTES as REGISTER_MAX_BYTES
from tasks.models import EvidenceFile, ProgressUpdate
from tests.plans.office_files import far_cell_xlsx, huge_span_docx

LIMIT = 2**20  # the size limits, made small to keep the tests fast
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
NOISE = bytes(range(256)) * 16


def zip_bomb(member: str) -> bytes:
    """A small Office-looking zip whose ``member`` unpacks to far more than the size limit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, b" " * (MAX_UNPACKED + LIMIT))
    return buffer.getvalue()


def multipart(fields: dict[str, str], name: str, data: bytes, field: str) -> tuple[bytes, str]:
    """A form post built by hand: Django's test client would strip the path from ``name``."""
    boundary = "attack-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '.encode()
        + b'filename="'
        + name.encode()
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + data
        + b"\r\n"
    )
    return b"".join(
        [*parts, f"--{boundary}--\r\n".encode()]
    ), f"multipart/form-data; boundary={boundary}"


# (file name, content, whether it may be stored: a path in the name is cut to the bare name)
TRAVERSAL = [
    ("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n", False),
    ("../../../../tmp/evil.txt", b"plain text\n", True),
    ("..\\..\\windows\\evil.txt", b"plain text\n", True),
    ("/etc/cron.d/evil.txt", b"plain text\n", True),
    ("C:\\Windows\\evil.txt", b"plain text\n", True),
    (".htaccess", b"Options +ExecCGI\n", False),
    ("evil\x00.txt.pdf", b"plain text\n", False),
    ("evil.txt\x00.exe", b"plain text\n", False),
    ("evil\r\nX-Injected: 1.txt", b"plain text\n", False),
    ("长" * 300 + ".txt", b"plain text\n", False),
]
BAD_FILES = [
    ("report.pdf", EXE),  # an executable renamed
    ("report.exe", EXE),
    ("page.html", b"<script>alert(1)</script>"),
    ("image.svg", b'<svg onload="alert(1)"/>'),
    ("scan.pdf", NOISE),
    ("minutes.docx", NOISE),
    ("register.xlsx", b"PK\x03\x04" + NOISE),  # a zip's signature, cut off
    ("empty.txt", b""),
    ("big.txt", b"a" * (LIMIT + 1)),
]


def _files_under(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_MAX_BYTES = settings.IMPORT_MAX_BYTES = LIMIT
    return tmp_path


def _post_evidence(client, assignment, name, data):
    fields = {
        "action": "report",
        "p-version": str(assignment.version),
        **{f"{p}-{k}": "0" for p in ("link", "fig") for k in ("TOTAL_FORMS", "INITIAL_FORMS")},
    }
    body, kind = multipart(fields, name, data, "p-files")
    url = reverse("tasks:assignment_detail", args=[assignment.pk])
    return client.post(url, body, content_type=kind)


@pytest.mark.parametrize(
    ("name", "data", "may_store"),
    TRAVERSAL + [(name, data, False) for name, data in BAD_FILES],
    ids=[f"upload-evidence-{n[:20]!r}" for n, _d, _s in TRAVERSAL]
    + [f"upload-evidence-{n}" for n, _d in BAD_FILES],
)
def test_evidence_upload_is_refused_or_stored_only_under_its_hash(
    client, world, unit_head, media, attempt, name, data, may_store
):
    # given
    client.force_login(unit_head)
    assignment = world.own_assignment
    # when
    response = _post_evidence(client, assignment, name, data)
    attempt("upload")
    # then
    assert response.status_code in (200, 302)
    assert _files_under(media) == [
        p.relative_to(media) for p in (media / "media" / "evidence").rglob("*") if p.is_file()
    ]
    stored = list(EvidenceFile.objects.all())
    if not may_store or response.status_code == 200:
        assert response.status_code == 200
        assert response.context["progress"].errors
        assert stored == []
        assert not ProgressUpdate.objects.exists()
        assert _files_under(media) == []
        return
    (evidence,) = stored
    assert evidence.original_name == "evil.txt"
    assert evidence.storage_name == f"evidence/{evidence.sha256[:2]}/{evidence.sha256}"


UPLOAD_KINDS = {
    # url name, form field, model counted, files
    "plan-import": (
        "tasks:import_start",
        "document",
        PlanImport,
        [
            ("plan.docx", NOISE),
            ("plan.xlsx", NOISE),
            ("plan.docx", EXE),
            ("plan.docx", b"PK\x03\x04broken"),
            ("plan.docx", zip_bomb("word/document.xml")),
            ("plan.xlsx", zip_bomb("xl/workbook.xml")),
            ("plan.xlsx", far_cell_xlsx(["序号", "工作任务", "责任单位"])),
            ("plan.docx", huge_span_docx()),
            ("plan.txt", b"\xff\xfe\x00\x00" + NOISE),
            ("plan.txt", b""),
            ("plan.txt", "一、任务\n".encode() * (LIMIT // 10)),
            ("plan.exe", EXE),
            ("../../etc/passwd", b"root:x:0:0"),
            ("plan\x00.docx", NOISE),
        ],
    ),
    "register-import": (
        "registers:request_import",
        "file",
        DisclosureRequest,
        [
            ("register.xlsx", NOISE),
            ("register.xlsx", EXE),
            ("register.xlsx", zip_bomb("xl/workbook.xml")),
            ("register.xlsx", far_cell_xlsx(["收到日期", "申请人类型", "申请方式", "申请内容"])),
            ("register.csv", b"\xff\xfe\x00\x00" + NOISE),
            ("register.csv", b""),
            ("register.csv", "收到日期,申请内容\n".encode() + b"x" * REGISTER_MAX_BYTES),
            ("register.csv", "收到日期,申请内容\n2026-13-45,' OR 1=1 --\n".encode()),
            ("register.exe", EXE),
            ("../../etc/passwd", b"root:x:0:0"),
            ("register\x00.xlsx", NOISE),
        ],
    ),
}
IMPORT_CASES = [
    (kind, url_name, field, model, name, data)
    for kind, (url_name, field, model, files) in UPLOAD_KINDS.items()
    for name, data in files
]


@pytest.mark.parametrize(
    ("kind", "url_name", "field", "model", "name", "data"),
    IMPORT_CASES,
    ids=[f"upload-{c[0]}-{c[4][:20]!r}-{len(c[5])}" for c in IMPORT_CASES],
)
def test_a_bad_import_file_is_a_form_error_and_saves_nothing(
    client, world, office_staff, media, attempt, kind, url_name, field, model, name, data
):
    # given
    client.force_login(office_staff)
    before = model.objects.count()
    body, content_type = multipart({}, name, data, field)
    # when
    response = client.post(reverse(url_name), body, content_type=content_type)
    attempt("upload")
    # then
    assert response.status_code == 200
    assert response.context["form"].errors
    assert model.objects.count() == before
    assert _files_under(media) == []
