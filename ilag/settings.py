"""Settings for the I LAG portal, read from the environment.

The zero-setup default (no environment) is a development server on SQLite with tasks
run in-process. Production sets DEBUG off, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and
CELERY_BROKER_URL.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment when DEBUG is off "
            "(for local development, set DEBUG=1)."
        )
    # Development only: a fixed, visibly insecure key so sessions survive restarts.
    SECRET_KEY = "django-insecure-development-key-not-for-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
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
    "simple_history",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "accounts.apps.LoginSecurityConfig",  # django-axes, named in bokmål
    "csp",
    "ilag",
    "accounts",
    "municipalities",
    "agreements",
    "projects",
    "evaluations",
    "payouts",
    "documents",
    "reports",
    "archive",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in user's own choice of language comes first.
    "ilag.middleware.BokmalFirstLocaleMiddleware",
    # Before anything reads a query parameter (the login redirect's «next» included).
    "ilag.middleware.RefuseNulBytesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.RefusedAccessLogMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

# The URLs are where every app's pages meet, so they sit on top (portal/urls.py).
ROOT_URLCONF = "portal.urls"

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
                "accounts.context_processors.portal",
            ],
            "builtins": ["ilag.templatetags.norsk"],
        },
    },
]

WSGI_APPLICATION = "ilag.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The zero-setup default: write-ahead logging, so reading never waits for a writer;
    # a transaction takes its write lock when it begins (IMMEDIATE), and waits up to 20 s
    # for another writer instead of failing with «database is locked», so two saves at
    # once meet the portal's own conflict check (the version), as on PostgreSQL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username and address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Brute-force protection: ten failures from one address for one username lock that pair
# for a cool-off time (never permanently); another address is not affected.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
# How often a password reset and an invitation may be sent (accounts/ratelimits.py,
# django-ratelimit, counted in the default cache; a cache that is down lets them through).
RATE_PASSWORD_RESET_PER_ADDRESS = env("RATE_PASSWORD_RESET_PER_ADDRESS", default="3/h")
RATE_PASSWORD_RESET_PER_CLIENT = env("RATE_PASSWORD_RESET_PER_CLIENT", default="10/h")
RATE_INVITATION_PER_ADDRESS = env("RATE_INVITATION_PER_ADDRESS", default="5/d")
RATE_INVITATION_PER_ADVISER = env("RATE_INVITATION_PER_ADVISER", default="50/h")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password"]
# Behind the deployment's reverse proxy the client address is the left-most forwarded one.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Sessions: a new key at login (Django's default), ended after 30 idle minutes; the page
# warns five minutes before and lets the user extend (WCAG 2.2.1). A page view slides the
# timeout by saving the session at most once a minute (accounts.middleware.
# IdleSessionMiddleware), so reading a page does not write to the database.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# In the database, as Django's default; a cookie that cannot be a session key is no session.
SESSION_ENGINE = "ilag.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_WARNING_SECONDS = 5 * 60
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60  # also the lifetime of an invitation link

# Bokmål first; nynorsk and English selectable (on the profile, remembered per user).
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("nn", _("Norwegian Nynorsk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ilag.formats"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files live outside the web root and are only ever served through views
# that check access; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Rendered PDF reports: on local disk under MEDIA_ROOT/reports/ (the file names start with
# "reports/"), or with REPORTS_STORAGE=s3 in an S3-compatible bucket, configured from the
# environment only. Either way they are served only through the download view.
REPORTS_STORAGE = env("REPORTS_STORAGE", default="local")
if REPORTS_STORAGE == "s3":
    STORAGES["reports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("REPORTS_S3_BUCKET"),
            "endpoint_url": env("REPORTS_S3_ENDPOINT_URL", default=None),
            "region_name": env("REPORTS_S3_REGION", default=None),
            "access_key": env("REPORTS_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("REPORTS_S3_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif REPORTS_STORAGE == "local":
    STORAGES["reports"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"REPORTS_STORAGE must be 'local' or 's3', not {REPORTS_STORAGE!r}.")
# Archiving (README «Archive (Fiks Arkiv)»): how arkivmeldinger reach the county's
# archive. «storage»: packages in ARCHIVE_STORAGE (a local folder, ARCHIVE_DIR, or an S3
# bucket) for the archive's import, receipts read back from it; «email»: to the records
# mailbox ARCHIVE_EMAIL_TO; «none»: off, records wait; or a dotted path to a Transport.
ARCHIVE_TRANSPORT = env("ARCHIVE_TRANSPORT", default="storage")
ARCHIVE_EMAIL_TO = env("ARCHIVE_EMAIL_TO", default="")
ARCHIVE_STORAGE = env("ARCHIVE_STORAGE", default="local")
if ARCHIVE_STORAGE == "s3":
    STORAGES["archive"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("ARCHIVE_S3_BUCKET"),
            "endpoint_url": env("ARCHIVE_S3_ENDPOINT_URL", default=None),
            "region_name": env("ARCHIVE_S3_REGION", default=None),
            "access_key": env("ARCHIVE_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("ARCHIVE_S3_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            # A resend writes the same names again: the package is replaced, not doubled.
            "file_overwrite": True,
        },
    }
elif ARCHIVE_STORAGE == "local":
    STORAGES["archive"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("ARCHIVE_DIR", default=str(Path(MEDIA_ROOT) / "arkiv"))},
    }
else:
    raise ImproperlyConfigured(f"ARCHIVE_STORAGE must be 'local' or 's3', not {ARCHIVE_STORAGE!r}.")
if ARCHIVE_TRANSPORT == "email" and not ARCHIVE_EMAIL_TO:
    raise ImproperlyConfigured(
        "ARCHIVE_TRANSPORT=email needs ARCHIVE_EMAIL_TO (the records mailbox)."
    )
# A transport that is down is tried again after 1, 2, 4 … minutes (at most an hour),
# this many times, before the record is marked failed.
ARCHIVE_RETRY_BACKOFF = env.int("ARCHIVE_RETRY_BACKOFF_SECONDS", default=60)
ARCHIVE_RETRY_BACKOFF_MAX = env.int("ARCHIVE_RETRY_BACKOFF_MAX_SECONDS", default=60 * 60)
ARCHIVE_MAX_RETRIES = env.int("ARCHIVE_MAX_RETRIES", default=8)
# Attached documents and budget sheets: the largest upload accepted, in megabytes.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=20) * 1024 * 1024
# A file over the limit is not kept in memory or on disk beyond it (ilag/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "ilag.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: console in development unless told otherwise.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="I LAG-portalen <noreply@localhost>")

# Cache: Redis in production (CACHE_URL, e.g. redis://redis:6379/1), shared by every web
# process; memory in one process otherwise. The adviser's dashboard is kept in it per data
# version (ilag.cache), which needs a cache every process shares (a change made by another
# process, a worker or `manage.py shell`, must reach it): on by default with CACHE_URL
# only; a system check warns when it is turned on without one.
CACHE_URL = env("CACHE_URL", default="")
CACHES = {
    "default": env.cache_url_config(CACHE_URL)
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=10 * 60 if CACHE_URL else 0)
# The other read-only pages (lists, detail pages) likewise (ilag.views.ReadOnlyPageMixin).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=10 * 60 if CACHE_URL else 0)

# Celery: with no broker configured, tasks run in-process (the zero-setup default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TIMEZONE = TIME_ZONE
# When the broker is down, queuing must fail within seconds (the order is kept and queued
# again later) rather than hold the user's request while kombu retries.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT}
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "ilag.tasks.worker_heartbeat", "schedule": 60.0},
    # Before the working day starts, in CELERY_TIMEZONE (Europe/Oslo).
    "deadline-reminders": {
        "task": "evaluations.tasks.deadline_reminders_send",
        "schedule": crontab(hour=6, minute=0),
    },
    # Payouts a project may request and has not (once per tranche and occasion).
    "payout-reminders": {
        "task": "payouts.tasks.payout_reminders_send",
        "schedule": crontab(hour=6, minute=15),
    },
    # Report orders still queued after two minutes (the queue was down, or the message
    # was lost) are queued again.
    "report-orders-requeue": {
        "task": "reports.tasks.report_orders_requeue",
        "schedule": 5 * 60.0,
    },
    # Archive records waiting past their time are queued again; the archive's receipts
    # (storage transport) are read back.
    "archive-records-requeue": {
        "task": "archive.tasks.archive_records_requeue",
        "schedule": 5 * 60.0,
    },
    "archive-receipts-collect": {
        "task": "archive.tasks.archive_receipts_collect",
        "schedule": 5 * 60.0,
    },
}

# Security: strict when DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "ilag.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy: only the portal's own scripts, styles and images; no inline
# script anywhere; the portal cannot be framed.
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
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Cached template loader in production (Django enables it when DEBUG is off as
    # long as "loaders" is not set; stated here so nobody removes it by accident).

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Axes logs every successful login at INFO; its warnings (lockouts) are kept.
        "axes": {"level": "WARNING"},
        # Failed logins and refused accesses, with user, address and time.
        "ilag.security": {"level": "INFO"},
    },
}

# Single sign-on with OpenID Connect (Microsoft Entra ID for the county, ID-porten for
# municipalities), off until configured. Only invited users with a verified e-mail
# address can sign in this way; nobody registers themselves.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("accounts.oidc.InvitedUserOIDCBackend")
    OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="Microsoft Entra ID")
    OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default=None)
    OIDC_CREATE_USER = False
    # mozilla-django-oidc redirects to this path as it stands; the login page explains.
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=feilet"

# Read-only JSON API for the county's other systems (ilag/api.py, under /api/v1/).
# Systems send `Authorization: Token <key>`: keys of system users, made by advisers on the
# user's page, stored hashed (django-rest-knox, accounts.ApiToken); the session works too, for a signed-in user trying the API in the browser. JSON only:
# no browsable API, whose pages would need inline scripts and a CDN.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes an anonymous request a 401.
        "accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api_pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["ilag.throttling.UserRateThrottleOrAllow"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_THROTTLE_RATE", default="1000/hour")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its default token table even when the model is swapped
# for ours; with none, there is no stray table (which would also block test flushes).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    # Recognisable in logs and by secret scanners; the header stays «Token <key>».
    "TOKEN_PREFIX": "ilag_",
    "AUTH_HEADER_PREFIX": "Token",
    # Every key expires; the adviser picks the day, at most this far ahead.
    "TOKEN_TTL": datetime.timedelta(days=365),
}
API_TOKEN_MAX_DAYS = 365
SPECTACULAR_SETTINGS = {
    "TITLE": "I LAG API",
    "DESCRIPTION": _(
        "Read-only programme data from the I LAG portal: projects, cooperation agreements, "
        "milestones and status reports, each limited to what the token's user may see."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is served to signed-in users and token holders only, like everything else.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several models have a `status`; each gets an enum of its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "projects.models.Project.Status",
        "AgreementStatusEnum": "agreements.models.Agreement.Status",
        "StatusReportStatusEnum": "projects.models.ProgressReport.Status",
        "TrafficLightEnum": "projects.models.ProgressReport.TrafficLight",
    },
}

PORTAL_NAME = _("I LAG portal")
# Where the portal is reached from outside, for links in e-mails and calendar feeds
# (which are made without a request to take the address from).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# seed_demo makes the committee's last two PDF reports (a few seconds); the tests turn it
# off where they do not look at them (tests/conftest.py).
DEMO_RENDER_REPORTS = env.bool("DEMO_RENDER_REPORTS", default=True)
