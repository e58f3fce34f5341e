"""Highlight settings: one file, every value read from the environment with a safe default.

With nothing set (and DEBUG=1, as `make run` does) Highlight runs on SQLite with Celery
tasks executed in-process. Set DATABASE_URL, REDIS_URL (or CELERY_BROKER_URL), SECRET_KEY
and ALLOWED_HOSTS to run on PostgreSQL, Redis and real workers.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config import signin

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

# Nothing here asks whether it runs under test: a test run sets its environment
# (tests/settings.py), so what it tests is what production reads.
DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY, or DEBUG=1 for local development.")
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"  # noqa: S105 (DEBUG only, refused above otherwise)  # nosec B105

# Old keys, still read (sessions, reset links, second-factor secrets) after SECRET_KEY changes.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "simple_history",
    "axes",
    # Single sign-on (off unless OIDC_ISSUER is set) and second factors (config/signin.py).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "projects",
    "reports",
    "risks",
    "businessplan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # runserver serves static files itself when DEBUG is on.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    # Above whatever may answer early (the body limits), so every answer carries them.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A session past its limits ends here, before anything is done for it.
    "projects.sessions.SessionLimits",
    "allauth.account.middleware.AccountMiddleware",
    # Before anything reads a body (CSRF's check reads request.POST): too large, without a
    # length, or from someone not signed in to a view that does not take it, it is refused
    # unread (config/middleware.py).
    "config.middleware.RequestBodyLimits",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # The audit learns who acted, and from where, from the request being served.
    "projects.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the models' history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.roles",
                "projects.context_processors.organisation",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer) each transaction may run
# in a different server session: no server-side cursors (iterator() keeps one open across
# transactions) and no startup options, which PgBouncer refuses (README, Scaling out).
DATABASE_POOLER = env("DATABASE_POOLER", default="")
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured(
        f"DATABASE_POOLER={DATABASE_POOLER!r}: leave it unset, or set pgbouncer (transaction mode)."
    )
if DATABASE_POOLER:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
elif "sqlite" in DATABASES["default"]["ENGINE"]:
    # make run's database, with tasks run in-process (a month's run writes for 20 s or more):
    # a transaction takes the write lock when it begins, and waits for it, rather than
    # failing with "database is locked" half-way (Django's advice for SQLite).
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=30)
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # PostgreSQL's JIT compiles the dashboard's query afresh on every request: 300 ms of
    # a 500 ms query at 1,400 projects. Short web queries never repay it. (Behind PgBouncer:
    # ALTER DATABASE … SET jit = off.)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The largest request body taken (config/middleware.py): above the largest upload a page
# accepts (a 10 MB workbook, projects/spreadsheets.py) and its form, far below what would
# fill a disk. Django's own limit on the fields of a form stays within it.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=20_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = min(2_621_440, MAX_UPLOAD_BYTES)  # Django's default, or less
FILE_UPLOAD_MAX_MEMORY_SIZE = min(2_621_440, MAX_UPLOAD_BYTES)
# The views that take a body from someone not signed in, by URL name: signing in and
# resetting a password, single sign-on's button, the second factor's code.
ANONYMOUS_POST_VIEWS = [
    "login", "break-glass", "second-factor", "second-factor-set-up", "password_reset",
    "password_reset_confirm", "openid_connect_login", "invitation",
]  # fmt: skip
# At most one password-reset email per address in this many seconds; an imported person's
# invitation to set their password lasts this many days (projects/onboarding/invitations.py).
RESET_EMAIL_INTERVAL = env.int("RESET_EMAIL_INTERVAL", default=120)
INVITATION_DAYS = env.int("INVITATION_DAYS", default=14)
# The organisation's email domains: the PMO's people import adds accounts only there.
PEOPLE_EMAIL_DOMAINS = [
    d.strip().lower() for d in env.list("PEOPLE_EMAIL_DOMAINS", default=[]) if d.strip()
]
# What a signed-out visitor may send to those views: a form of a few fields.
ANONYMOUS_MAX_BODY_BYTES = env.int("ANONYMOUS_MAX_BODY_BYTES", default=64_000)

AUTH_USER_MODEL = "projects.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# django-axes counts failed sign-ins (in the database, so every web process sees them) and
# refuses an account after AXES_FAILURE_LIMIT in a row, for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Signing in (issue 18): single sign-on, passwords, second factors, session lengths ---
vars().update(signin.settings(env))

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# By account, not by address: an office signs in from behind one address, and a lockout by
# address would shut everyone out for one person's typing; the address behind a proxy is
# also not ours to trust.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "projects.passwords.typed_username"
# The audit (projects/audit.py): events are kept this long, then removed by a daily task.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)
if AUDIT_RETENTION_DAYS < 90:  # a typo (0, -1) would empty the audit on the next night
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 90 (days).")
# Proxies of our own in front of Highlight (e.g. 1 behind nginx): the audit then takes the
# client's address from X-Forwarded-For, as the nearest proxy wrote it.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # aaaaaaaaaaaa, abcdefghijkl and qwertyuiopas pass the list above (issue 17).
    {"NAME": "projects.passwords.RepeatedOrSequentialValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy everywhere (config/formats/en_GB overrides the locale's "j M Y").
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Generated documents are served only through the access-checked download view, so
# there is deliberately no public MEDIA_URL route.
MEDIA_URL = "/media/"
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")  # make backup writes here
# A backup made before manifests listed their files' sizes unpacks to at most this.
RESTORE_MAX_BYTES = env.int("RESTORE_MAX_BYTES", default=20 * 1024**3)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves static files under hashed names from collectstatic's manifest;
    # without collectstatic (DEBUG, or the tests with STATICFILES_MANIFEST=0) they are
    # served as they are.
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATICFILES_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = 10  # seconds: a mail server that hangs must not hold a worker, or a page
# Links in emails point here (no request to take the host from in a Celery task).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Highlight <highlight@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security: safe defaults whenever DEBUG is off -----------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and container health checks call /healthz over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# /healthz tells each service's state only to a caller sending this token (monitoring);
# anyone else gets "ok" or "unavailable". Unset: nobody gets the detail.
HEALTHZ_TOKEN = env("HEALTHZ_TOKEN", default="")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # HSTS preloading covers every subdomain and takes months to undo: the domain's owner
    # opts in with SECURE_HSTS_PRELOAD=1.
    "security.W021",
    # Failures are counted by account on purpose (AXES_LOCKOUT_PARAMETERS): by address would
    # lock a whole office out behind its one address.
    "axes.W006",
]

# No inline scripts or styles, from the first page on.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # The SSO button is answered by a redirect to the provider: browsers check it here.
        "form-action": ["'self'", *signin.origin(env("OIDC_ISSUER", default=""))],
        "frame-ancestors": ["'none'"],
    }
}

# --- Celery and the cache ------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")

# The dashboard's workings and the API's request counts live here: every web process must
# share one cache (Redis), or each would show its own stale portfolio and count requests
# alone. CACHE_URL chooses another (the tests give each process its own).
if env("CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CACHE_URL")}
elif REDIS_URL:
    CACHES = {
        "default": {
            # django-redis for IGNORE_EXCEPTIONS: with Redis down the dashboard is worked out
            # afresh (a miss), not every save that forgets the cache (an approval) a 500.
            # Entries expire (dashboard.CACHE_SECONDS), bounding what a lost forget leaves.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # As the broker's keys (CELERY_BROKER_KEY_PREFIX): one Redis may serve several.
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="highlight"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # a Redis outage shows in the logs, not on pages
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
# With no broker, tasks run in-process so that one command starts Highlight. Tests run
# tasks in-process too, and have their errors raised (except those marked `worker`,
# which start a real worker).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=False)
CELERY_TASK_DEFAULT_QUEUE = "default"  # board packs go to "pdf-large" (reports/services.py)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # a Document row records every outcome we care about
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# WeasyPrint's memory is not all given back after a big board pack: a worker process that
# has grown past this (KiB) is replaced after its task, so a month of renders cannot
# exhaust the machine.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=600_000)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Redis re-delivers an unacknowledged message after the visibility timeout. It must be
# longer than the hard time limit, or a slow render would be started a second time.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=max(3600, CELERY_TASK_TIME_LIMIT * 2)
    ),
    # Every key of the queues starts with this: installations (or test runs) sharing one
    # Redis database then never take each other's messages.
    "global_keyprefix": env("CELERY_BROKER_KEY_PREFIX", default=""),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# CELERY_BEAT_SCHEDULE: config/schedule.py (read in at the end).
# A document claimed by a worker is its own until this lease runs out; after that
# another worker may take it over (the first one died).
DOCUMENT_LEASE_SECONDS = env.int("DOCUMENT_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
if DOCUMENT_LEASE_SECONDS <= CELERY_TASK_TIME_LIMIT:
    # A lease shorter than a render may take would let a second worker start a live render.
    raise ImproperlyConfigured("DOCUMENT_LEASE_SECONDS must be longer than CELERY_TASK_TIME_LIMIT.")
# A render that met a passing fault (the database restarting) is tried again after 5, 10,
# 20 ... seconds (at most 5 minutes), up to reports.tasks.MAX_ATTEMPTS times in all.
DOCUMENT_RETRY_SECONDS = env.int("DOCUMENT_RETRY_SECONDS", default=5)

# Reporting reminders (projects/reminders.py): managers are reminded this many days before
# a report is due and again when it is overdue; an overdue report is escalated to the
# sponsor, and later to the director, after these many days.
REPORT_REMINDER_DAYS_BEFORE = env.int("REPORT_REMINDER_DAYS_BEFORE", default=3)
REPORT_ESCALATE_TO_SPONSOR_DAYS = env.int("REPORT_ESCALATE_TO_SPONSOR_DAYS", default=5)
REPORT_ESCALATE_TO_DIRECTOR_DAYS = env.int("REPORT_ESCALATE_TO_DIRECTOR_DAYS", default=10)
# Working days skip weekends and these bank holidays (python-holidays codes).
BANK_HOLIDAYS_COUNTRY = env("BANK_HOLIDAYS_COUNTRY", default="GB")
BANK_HOLIDAYS_SUBDIVISION = env("BANK_HOLIDAYS_SUBDIVISION", default="ENG")

DEMO_PASSWORD = env("DEMO_PASSWORD", default="highlight-demo")

# The read API (issue 21): REST_FRAMEWORK, SPECTACULAR_SETTINGS and the API's limits.
from config.api_settings import *  # noqa: E402, F403
from config.schedule import *  # noqa: E402, F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint logs every refused fetch and unsupported CSS property at WARNING.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}
