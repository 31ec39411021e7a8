"""Production: secrets and hosts must come from the environment."""

import copy
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.logs import JSON_FORMATTER

from .base import *  # noqa: F403
from .base import LOGGING, MIDDLEWARE, STATIC_ROOT, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Scaling out (deploy/README.md) -------------------------------------------------------------
# Collected by `collectstatic` on each web machine and served by whitenoise through gunicorn.
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(STATIC_ROOT)))
# Evidence files: a folder every web and worker machine mounts at the same path (NFS …), or an
# S3-compatible bucket (private: downloads go through the permission-checked view).
STORAGE_BACKEND = env("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "location": env("AWS_LOCATION", default=""),
            # Content-addressed names: a second upload of the same name is the same content,
            # and tasks.evidence.store() keeps one copy.
            "file_overwrite": False,
        },
    }
elif STORAGE_BACKEND == "filesystem":
    MEDIA_ROOT = Path(env("MEDIA_ROOT"))
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be filesystem or s3, not {STORAGE_BACKEND}")
# The load balancer asks over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Logs: one JSON object a line on standard output/error (journald, or any collector), with the
# request's id (nginx's X-Request-ID) or the job's id and name.
MIDDLEWARE = ["config.logs.RequestIdMiddleware", *MIDDLEWARE]
LOGGING = copy.deepcopy(LOGGING)
LOGGING.setdefault("formatters", {})["json"] = JSON_FORMATTER
LOGGING.setdefault("filters", {})["context"] = {"()": "config.logs.ContextFilter"}
for _handler in LOGGING["handlers"].values():
    _handler.update(formatter="json", filters=[*_handler.get("filters", []), "context"])
# Celery's loggers propagate to the root logger above instead of Celery's own plain format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
