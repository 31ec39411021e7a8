"""Settings shared by every environment.

Without DATABASE_URL / REDIS_URL the app runs embedded: SQLite and kombu's filesystem broker under
``var/``, so a fresh machine with nothing but Python can start it.
"""

import importlib.util
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "guardian",
    "simple_history",
    "django_tables2",
    "django_filters",
    "django_celery_beat",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API docs page's Swagger UI, served from our static files
    "core",
    "org",
    "plans",
    "tasks",
    "registers",
    "reporting",
    "assessment",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "org.middleware.AttachmentHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "org.middleware.SessionIdleExpiryMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "org.middleware.UnplacedPersonMiddleware",
    "org.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a login refused for lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tasks.context_processors.notifications",
            ],
        },
    },
]

# Widgets render through the project's templates, so templates/django/forms/ can override one.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: a transaction takes the write lock when it begins,
    # and waits for it rather than failing. SQLite locks no rows, so this is what keeps two
    # workers from both sending one digest (PostgreSQL locks the digest's row), and a
    # transaction that read first from failing when it comes to write. A delivery holds the lock
    # while it sends: wait longer than its network timeouts (EMAIL_TIMEOUT, a robot's 15 s).
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=30, transaction_mode="IMMEDIATE")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it starts on queries the planner thinks costly (a list page's counts
    # over a year of tasks) and spends 50 ms compiling what runs in 5 (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Client-side cursors for QuerySet.iterator(): every filter form reads its choice lists
    # (plans, 210 units) with iterator(), and a server-side cursor is three round trips
    # (DECLARE, FETCH, CLOSE) for a list of a few hundred rows. The one large iteration,
    # verify_evidence, reads ids, paths and hashes: a few MB for a hundred thousand files.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep a connection for the next request or job rather than connecting anew for each (a worker
# sending the morning's digests would spend as long connecting as sending); checked before use.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address before any password is checked. It needs
    # the request; a test logging in with client.login passes request=HttpRequest().
    "axes.backends.AxesStandaloneBackend",
    "org.backends.ModelBackend",  # Django's, with the person's unit (org/backends.py)
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous people see nothing.
GUARDIAN_RAISE_403 = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Security -----------------------------------------------------------------------------------
# Sessions end after SESSION_IDLE_MINUTES without a request and when the browser closes: office
# PCs are shared. A request moves the expiry on, at most once a minute
# (org.middleware.SessionIdleExpiryMiddleware says why not SESSION_SAVE_EVERY_REQUEST).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=120) * 60
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Django's defaults, stated because the deployment relies on them.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# How many proxies of ours stand in front of the app and append to X-Forwarded-For (deploy/:
# nginx, 1). 0: the header is ignored, anyone can write it. The client's address (security log,
# login lockout) is the hop the outermost of them saw (org/addresses.py).
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)

# Content-Security-Policy, in every environment so that the tests and the browser suite prove
# the pages need no inline script. Django has CSP of its own only from 6.0, which needs Python
# 3.12; on 5.2 and Python 3.11 it is django-csp (Mozilla's, well kept), whose 4.x dict of
# directives maps one to one onto Django 6.0's SECURE_CSP when we move. Scripts come from
# static/js/ only, data in data-* attributes. Styles from static/css/ only: no page has a style
# attribute (the SVG charts use presentation attributes, which CSP does not govern).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The REST API (api/): personal tokens for programs, the session (with CSRF) for the browser;
# JSON only (the docs page, /api/v1/docs/, is the browsable view); the lists' page size.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: its challenge makes a request without a login answer 401, not 403.
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Work-plan tracker API",
    "DESCRIPTION": "Plans, tasks, assignments, notifications, registers and report drafts, "
    "as the person whose token or session it is sees them.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,  # file uploads get multipart request bodies
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "plans.models.Plan.Status",
        "AssignmentStatusEnum": "tasks.models.Assignment.Status",
        "ReportStatusEnum": "reporting.models.ReportDraft.Status",
    },
}

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one username from
# one address, that pair is locked for LOGIN_LOCKOUT_MINUTES; another address, or the right
# password after the wait, still gets in. The administrator unlocks at once (admin: Access
# attempts, or `manage.py axes_reset_username NAME`).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/login_locked.html"
AXES_CLIENT_IP_CALLABLE = "org.addresses.client_address"
AXES_WHITELIST_CALLABLE = "org.sso.outside_login_throttle"

# --- Single sign-on (deploy/sso.md) --------------------------------------------------------------
# Each off by default. A first login places the person by the directory's department, unit and
# role (org/sso.py); without a unit they get no access until the office assigns one.
# The department everyone signing in belongs to, when the directory sends none (one bureau).
SSO_DEPARTMENT = env("SSO_DEPARTMENT", default="")
# The directory's role values → ours (office, unit_head, unit_staff, leader); never admin.
SSO_ROLE_VALUES = env.dict("SSO_ROLE_VALUES", default={})

OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
# Turned on, these must be set: the app refuses to start without them (django-environ says which).
_oidc = {} if OIDC_ENABLED else {"default": ""}
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="")  # the login page's "Log in with …"
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", **_oidc)
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", **_oidc)
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", **_oidc)
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", **_oidc)
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", **_oidc)
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", **_oidc)
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True  # the code is worth nothing to whoever intercepts the redirect
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"  # the login page, which says why (org.views)
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", default="preferred_username")
# Off: a first login under the login of a person here is refused until the admin links them.
# On only where the claim above is one people cannot choose themselves (deploy/sso.md).
OIDC_LINK_EXISTING_BY_USERNAME = env.bool("OIDC_LINK_EXISTING_BY_USERNAME", default=False)
OIDC_NAME_CLAIM = env("OIDC_NAME_CLAIM", default="name")
OIDC_DEPARTMENT_CLAIM = env("OIDC_DEPARTMENT_CLAIM", default="")
OIDC_UNIT_CLAIM = env("OIDC_UNIT_CLAIM", default="")
OIDC_ROLE_CLAIM = env("OIDC_ROLE_CLAIM", default="")

LDAP_ENABLED = env.bool("LDAP_ENABLED", default=False)
if LDAP_ENABLED and importlib.util.find_spec("django_auth_ldap") is None:
    raise ImproperlyConfigured(
        "LDAP_ENABLED is on but django-auth-ldap is not installed: "
        "apt-get install libldap2-dev libsasl2-dev gcc python3-dev, then "
        "pip install -r requirements-ldap.txt (deploy/sso.md)."
    )
_ldap = {} if LDAP_ENABLED else {"default": ""}
AUTH_LDAP_SERVER_URI = env("LDAP_SERVER_URI", **_ldap)
AUTH_LDAP_START_TLS = env.bool("LDAP_START_TLS", default=False)
AUTH_LDAP_BIND_DN = env("LDAP_BIND_DN", default="")
AUTH_LDAP_BIND_PASSWORD = env("LDAP_BIND_PASSWORD", default="")
LDAP_USER_SEARCH_BASE = env("LDAP_USER_SEARCH_BASE", **_ldap)
LDAP_USER_FILTER = env("LDAP_USER_FILTER", default="(uid=%(user)s)")
LDAP_NAME_ATTRIBUTE = env("LDAP_NAME_ATTRIBUTE", default="cn")
LDAP_EMAIL_ATTRIBUTE = env("LDAP_EMAIL_ATTRIBUTE", default="mail")
LDAP_DEPARTMENT_ATTRIBUTE = env("LDAP_DEPARTMENT_ATTRIBUTE", default="")
LDAP_UNIT_ATTRIBUTE = env("LDAP_UNIT_ATTRIBUTE", default="")
LDAP_ROLE_ATTRIBUTE = env("LDAP_ROLE_ATTRIBUTE", default="")
# A directory that does not answer within this many seconds fails the login, not the worker.
LDAP_TIMEOUT = env.int("LDAP_TIMEOUT", default=10)

# After the password backend, before guardian's: a local password is tried first.
AUTHENTICATION_BACKENDS[-1:-1] = [
    *(["org.ldap_backend.LDAPBackend"] if LDAP_ENABLED else []),
    *(["org.backends.OIDCBackend"] if OIDC_ENABLED else []),
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Group-robot webhooks may only point at the robots' own hosts.
WEBHOOK_HOSTS = {
    "wecom": ["qyapi.weixin.qq.com"],
    "dingtalk": ["oapi.dingtalk.com"],
}
# The hosts an office's webhooks may be sent to (core.hosts), as in ALLOWED_HOSTS:
# ".example.gov.cn" is the domain and its subdomains. Empty: no webhook can be registered.
OUTGOING_WEBHOOK_HOSTS = env.list("OUTGOING_WEBHOOK_HOSTS", default=[])
# Links in e-mails and robot messages (`make run` sets it to the address it serves).
# A filter left empty shows "All" (全部), not django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("All")

SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="政务公开工作提醒 <noreply@localhost>")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_TIMEOUT = 20
# The daily reminder sweep (Asia/Shanghai; it does nothing on days that are not working days).
REMINDER_SWEEP_HOUR, REMINDER_SWEEP_MINUTE = (
    int(x) for x in env("REMINDER_SWEEP_TIME", default="08:30").split(":")
)

# Largest plan document (.txt/.docx/.xlsx) the importer reads.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=20) * 2**20
# An uploaded plan or register is read in a process of its own (plans/readers/isolated.py):
# what it may take before it is stopped and the person told the file is too complex or slow.
IMPORT_READ_SECONDS = env.int("IMPORT_READ_SECONDS", default=120)
IMPORT_READ_MEMORY_MB = env.int("IMPORT_READ_MEMORY_MB", default=1536)
# Most tasks one import may hold: a provincial plan has a few hundred; a document read as more is
# not one plan, and its preview page would hold a worker for minutes.
IMPORT_MAX_TASKS = env.int("IMPORT_MAX_TASKS", default=2000)
# The import preview posts seven fields a task (Django's default of 1,000 stops it at ~140 tasks).
DATA_UPLOAD_MAX_NUMBER_FIELDS = IMPORT_MAX_TASKS * 8 + 200

# Largest evidence file a unit may attach (issue: 20 MB by default).
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_MB", default=20) * 2**20
# Uploads above this go to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# --- Celery -------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")


def file_broker_options(folder: Path) -> dict:
    """kombu's filesystem transport: a broker that needs no server, shared through files."""
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A job a worker took and never acknowledged (acks_late: it died running it) goes back to
    # the queue after this many seconds; kombu looks for such jobs every 10 s at most. A retry
    # waiting for its countdown (up to an hour, tasks/jobs.py) is unacknowledged too: a shorter
    # timeout hands it out twice (harmless, a delivery being idempotent, but wasted).
    VISIBILITY_TIMEOUT = env.int("BROKER_VISIBILITY_TIMEOUT", default=3600)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": VISIBILITY_TIMEOUT,
        "unacked_restore_interval": min(10, VISIBILITY_TIMEOUT),
        "unacked_restore_throttle": 1,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = file_broker_options(VAR_DIR / "broker")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection after every job unless this is set;
# config/celery_app.py closes old and broken ones around each job instead, as Django does
# around a request (CONN_MAX_AGE, CONN_HEALTH_CHECKS).
CELERY_DB_REUSE_MAX = 1000
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # 08:30 Asia/Shanghai (REMINDER_SWEEP_TIME) every day: the one sweep of every deadline
    # (assignments, disclosure requests' replies), one digest per person. It skips non-working
    # days, since a make-up Saturday (调休) is a working day and a holiday Monday is not.
    "send-due-reminders": {
        "task": "tasks.jobs.send_due_reminders",
        "schedule": crontab(hour=REMINDER_SWEEP_HOUR, minute=REMINDER_SWEEP_MINUTE),
    },
    # 08:00 Asia/Shanghai, every day: a year-end report's deadline task (1月31日) is filed in
    # next year's plan as soon as that plan exists, before the 08:30 sweep reminds it.
    "file-report-deadline-tasks": {
        "task": "reporting.jobs.file_report_deadline_tasks",
        "schedule": crontab(hour=8, minute=0),
    },
    # 03:15 Asia/Shanghai, every day: drop expired login sessions.
    "purge-expired-sessions": {
        "task": "org.jobs.purge_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # One line per event, key=value (org/signals.py), with the time in ISO 8601.
        "security": {
            "format": "time=%(asctime)s logger=%(name)s level=%(levelname)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security": {"class": "logging.StreamHandler", "formatter": "security"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Logins, logouts, failed logins and lockouts: kept whatever LOG_LEVEL is.
        "security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # django-axes repeats each login at INFO; the security log has them. Its warnings stay.
        "axes": {"level": "WARNING"},
    },
}
