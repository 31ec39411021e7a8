"""5,000 reminder digests delivered by one real Celery worker through Redis to an SMTP server.

The day's sweep decides the digests (one per person: 40 units of 125 people, each unit with
work due, overdue or coming up among 15,000 assignments); then, as the morning job does, a
delivery job per digest is queued, and one worker delivers them to a local aiosmtpd server:
once as deployed (``Procfile.dev``: two pool processes), once as a single process
(``--pool=solo``). Measured: from the first job queued to the last digest recorded as sent.
Goal: under 60 s, as deployed.
"""

import datetime
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import harness

DAY = datetime.date(2026, 6, 10)
UNITS, PEOPLE_PER_UNIT, ASSIGNMENTS = 40, 125, 15_000
GOAL_SECONDS = 60.0
ROOT = Path(__file__).resolve().parent.parent


class CountingMailbox:
    """An aiosmtpd handler that counts what it accepts, and for whom."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted = 0
        self.recipients: set[str] = set()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.accepted += 1
            self.recipients.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


# One worker, run twice: as deployed (Procfile.dev: two pool processes) and as a single process.
WORKERS = {
    "prefork, 2 pool processes (as Procfile.dev)": ["--concurrency=2"],
    "solo (one process)": ["--pool=solo"],
}


def main() -> None:
    harness.setup()
    from bench import data
    from tasks import reminders

    # given: the bureau, its plan, and the day's digests
    bureau = data.make_bureau(units=UNITS, people_per_unit=PEOPLE_PER_UNIT)
    plan = data.make_plan(bureau, year=DAY.year)
    data.make_assignments(plan, bureau.units, ASSIGNMENTS, as_of=DAY)
    with harness.stopwatch() as swept:
        digests = reminders.sweep(DAY).digests
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    runs = {name: deliver(digests, options) for name, options in WORKERS.items()}
    deployed = runs[next(iter(WORKERS))]
    harness.record(
        "bench_email",
        {
            "day": DAY.isoformat(),
            "assignments": ASSIGNMENTS,
            "people": UNITS * PEOPLE_PER_UNIT + 2,
            "digests": len(digests),
            "sweep_seconds": swept["seconds"],
            "worker": "one celery worker, Redis broker, aiosmtpd on 127.0.0.1",
            "runs": runs,
            "goal": f"{len(digests)} digests in under {GOAL_SECONDS} s",
            "met": deployed["seconds"] < GOAL_SECONDS,
        },
    )


def deliver(digests: tuple[int, ...], options: list[str]) -> dict:
    """Queue a delivery job per digest, as the morning job does, and time one worker sending
    them all; the digests are pending again afterwards."""
    from aiosmtpd.controller import Controller

    from config.celery_app import app
    from tasks.jobs import deliver_digest
    from tasks.models import Digest

    mailbox = CountingMailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    app.control.purge()
    sent = Digest.objects.filter(pk__in=digests, status=Digest.Status.SENT)
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        worker = start_worker(options, smtp.port, log)
        try:
            wait_until_ready(app, worker)
            with harness.stopwatch() as delivered:
                with harness.stopwatch() as queued:
                    for pk in digests:
                        deliver_digest.delay(pk)
                deadline = time.monotonic() + 20 * GOAL_SECONDS
                while sent.count() < len(digests):
                    if worker.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise SystemExit(f"The worker stopped or stalled:\n{log.read()[-5000:]}")
                    time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
            smtp.stop()
    assert mailbox.accepted == len(digests) == len(mailbox.recipients), mailbox.accepted
    Digest.objects.filter(pk__in=digests).update(
        status=Digest.Status.PENDING, attempts=0, sent_at=None
    )
    return {
        "seconds": delivered["seconds"],
        "queueing_seconds": queued["seconds"],
        "digests_per_second": round(len(digests) / delivered["seconds"], 1),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_worker(options: list[str], smtp_port: int, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", *options]
    command += ["--loglevel=WARNING", "--without-gossip", "--without-mingle"]
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_ready(app, worker: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("The worker did not start.")


if __name__ == "__main__":
    main()
