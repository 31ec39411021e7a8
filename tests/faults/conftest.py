"""The delivery tests' real parts, for the faults too: an SMTP mailbox that worker processes send
through, people with addresses, a private Redis."""

from tests.tasks.conftest import celery_worker_env, mailbox, people, redis_server  # noqa: F401
