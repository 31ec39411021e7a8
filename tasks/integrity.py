"""Evidence integrity: every stored file still hashes to the SHA-256 it is stored under.

Files are content-addressed (``tasks.evidence.storage_name``), so one stored file may back
several EvidenceFile rows; each stored file is read once. Reading is chunked: memory stays
constant whatever the size of the files or their number (rows are read in batches, the
problems alone are kept).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from django.core.files.storage import Storage, default_storage

from .evidence import storage_name
from .models import EvidenceFile

CHUNK_BYTES = 1 << 20
MISSING = "missing"
ALTERED = "altered"


@dataclass(frozen=True)
class Problem:
    """A stored file that is not there, or whose content no longer has its hash."""

    kind: str  # MISSING or ALTERED
    sha256: str
    name: str  # the storage name
    file_ids: tuple[int, ...]  # the EvidenceFile rows it backs
    actual_sha256: str | None = None


@dataclass
class IntegrityReport:
    files: int = 0  # EvidenceFile rows checked
    stored: int = 0  # distinct stored files read
    intact: int = 0  # stored files whose content has their hash
    problems: list[Problem] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return sum(p.kind == MISSING for p in self.problems)

    @property
    def altered(self) -> int:
        return sum(p.kind == ALTERED for p in self.problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, int]:
        return {
            "files": self.files,
            "stored": self.stored,
            "intact": self.intact,
            "missing": self.missing,
            "altered": self.altered,
        }


def file_sha256(storage: Storage, name: str) -> str | None:
    """The SHA-256 of a stored file, read in chunks; None when it is not there."""
    digest = hashlib.sha256()
    try:
        with storage.open(name, "rb") as stored:
            while chunk := stored.read(CHUNK_BYTES):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def check_files(rows: Iterable[tuple[int, str]], storage: Storage) -> IntegrityReport:
    """Check (EvidenceFile id, sha256) rows, given ordered by sha256, against ``storage``."""
    report = IntegrityReport()
    for sha256, group in groupby(rows, key=lambda row: row[1]):
        ids = tuple(pk for pk, _ in group)
        report.files += len(ids)
        report.stored += 1
        name = storage_name(sha256)
        actual = file_sha256(storage, name)
        if actual is None:
            report.problems.append(Problem(MISSING, sha256, name, ids))
        elif actual != sha256:
            report.problems.append(Problem(ALTERED, sha256, name, ids, actual_sha256=actual))
        else:
            report.intact += 1
    return report


def evidence_rows(using: str = "default") -> Iterator[tuple[int, str]]:
    return (
        EvidenceFile.objects.using(using)
        .order_by("sha256", "pk")
        .values_list("pk", "sha256")
        .iterator(chunk_size=2000)
    )


def verify_evidence(storage: Storage | None = None, *, using: str = "default") -> IntegrityReport:
    """Every evidence file of the database ``using`` checked against ``storage`` (default: the
    media storage)."""
    return check_files(evidence_rows(using), storage or default_storage)
