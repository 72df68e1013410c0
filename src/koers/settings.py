"""Django settings, read from ``KOERS_*`` environment variables (see docs/configuration.md).

Importing this module creates no files or directories.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from koers.cache_config import cache_settings
from koers.env import data_dir, env_bool, env_int, env_list, env_str, proxy_ssl_header
from koers.operations.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

DEBUG = env_bool("DEBUG", False)
# The fallback key only suits a laptop demo; production must set KOERS_SECRET_KEY. With
# debug off, every command but `koers demo` refuses to run with it (koers/operations/checks.py).
KOERS_DEMO_SECRET_KEY = "koers-insecure-demo-key-change-me-in-production"
SECRET_KEY = env_str("SECRET_KEY", KOERS_DEMO_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "treebeard",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "koers.accounts",
    "koers.sdgs",
    "koers.plans",
    "koers.followup",
    "koers.indicators",
    "koers.complaints",
    "koers.complaints_public",
    "koers.improvements",
    "koers.council",
    "koers.dashboard",
    "koers.notifications",
    "koers.reporting",
    "koers.portal",
    "koers.api",
    "koers.demo",
    "koers.jobs",
    "koers.operations",
    "koers.audit",
    "koers.hosting",
    "koers.search",
]

MIDDLEWARE = [
    # X-Request-ID in and out, and on every log line of the request (first: covers them all).
    "koers.operations.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Every request in its own tenant scope: queries of an organisation's data raise until
    # the membership check (or the portal's slug) binds the request to its organisation.
    "koers.accounts.scoping.TenantScopeMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous portal pages: Cache-Control, an ETag of the page and 304 Not Modified.
    # Outside the session and CSRF middleware, so that it sees every cookie they set.
    "koers.portal.http_cache.PortalHttpCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "koers.accounts.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "koers.accounts.signin.IdleSessionMiddleware",
    # A suspended organisation, and a sign-in through one organisation's own provider
    # reaching another's pages (before the two-step rule, which may otherwise redirect).
    "koers.hosting.middleware.OrganisationAccessMiddleware",
    "koers.accounts.signin.TwoFactorRequiredMiddleware",
    "koers.database_busy.DatabaseBusyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a login refused by the throttle into the lockout page (keep it last).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "koers.urls"
WSGI_APPLICATION = "koers.wsgi.application"

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
                "django.template.context_processors.i18n",
                "koers.accounts.context_processors.organisation",
                "koers.notifications.context_processors.unread_notifications",
                "koers.council.context_processors.unread_question_notices",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'koers.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers and one writer work side by side; fine for one municipality.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # How long a writer waits for another one before the person is asked to try again.
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in protection (docs/configuration.md#sign-in-security). The throttle is checked
# before any password is hashed, so a refused attempt costs no hashing.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in through an organisation's OpenID Connect provider (koers/hosting/oidc.py).
    "koers.hosting.oidc.SingleSignOnBackend",
]
KOERS_LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)  # per user name and address
KOERS_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)  # per address
KOERS_LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
# The header a reverse proxy puts the client's address in (e.g. X-Forwarded-For);
# empty: the address of the connection itself. Set it only behind a proxy that sets it.
KOERS_CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "")
AXES_HANDLER = "koers.accounts.signin.LoginThrottle"
AXES_FAILURE_LIMIT = KOERS_LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = "koers.accounts.signin.cooloff"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "koers.accounts.signin.attempted_username"
AXES_CLIENT_IP_CALLABLE = "koers.accounts.signin.client_address"
AXES_LOCKOUT_CALLABLE = "koers.accounts.signin.lockout_response"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Two-factor authentication: the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Koers"
# Passkeys (WebAuthn) as a second step beside the authenticator app (koers.accounts.passkeys):
# never instead of the password; the relying party is the host the page was served from.
OTP_WEBAUTHN_RP_NAME = "Koers"
OTP_WEBAUTHN_RP_ID_CALLABLE = "koers.accounts.passkeys.relying_party_id"
OTP_WEBAUTHN_HELPER_CLASS = "koers.accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# After wrong codes the next try waits 1, 2, 4 … seconds, at most this long.
KOERS_TWO_FACTOR_MAX_WAIT_SECONDS = env_int("TWO_FACTOR_MAX_WAIT_SECONDS", 900)
# Invitation links for new members and password reset links stay valid this long.
KOERS_INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60) * 60
# A session unused this long ends; the next request needs a new login.
KOERS_SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60)

# Dutch is Flemish Dutch ("nl-be") unless a plan or organisation uses a Netherlands preset:
# then its pages, e-mails and reports switch to "nl-nl" (koers.plans.terminology.use_dutch_of),
# whose catalogue holds only the sentences that differ. Plain "nl" is never active, since
# gettext would read "nl" as "nl_NL".
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Dutch")), ("en", _("English"))]
# Dates as readers of each language expect them ({{ value|date }}: "18 dec. 2026").
FORMAT_MODULE_PATH = ["koers.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Brussels")
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Only needed for `koers collectstatic` in production; whitenoise finds files without it.
STATIC_ROOT = env_str("STATIC_ROOT", "") or None
MEDIA_ROOT = Path(env_str("MEDIA_DIR", str(DATA_DIR / "files")))
MEDIA_URL = "/files/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Where stored files go (attachments, evidence, reports, logos, import drafts;
# koers/storage.py): "local" (the KOERS_*_DIR directories and MEDIA_ROOT, also on a shared
# volume) or "s3" (one bucket of S3-compatible object storage, each kind of file under its
# own prefix; django-storages).
KOERS_STORAGE = env_str("STORAGE", "local")
KOERS_S3_BUCKET = env_str("S3_BUCKET", "")
KOERS_S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL", "")  # empty: AWS itself
KOERS_S3_REGION = env_str("S3_REGION", "")
KOERS_S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID", "")  # or KOERS_S3_ACCESS_KEY_ID_FILE
KOERS_S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY", "")
KOERS_S3_PREFIX = env_str("S3_PREFIX", "")  # e.g. "koers/": several installations, one bucket
KOERS_S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "")  # "path" for MinIO and most
if KOERS_STORAGE == "s3":
    if not KOERS_S3_BUCKET:
        raise ImproperlyConfigured("KOERS_STORAGE=s3 needs KOERS_S3_BUCKET.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": KOERS_S3_BUCKET,
            "endpoint_url": KOERS_S3_ENDPOINT_URL or None,
            "region_name": KOERS_S3_REGION or None,
            "access_key": KOERS_S3_ACCESS_KEY_ID or None,
            "secret_key": KOERS_S3_SECRET_ACCESS_KEY or None,
            "location": "/".join(p for p in (KOERS_S3_PREFIX.strip("/"), "files") if p),
            "default_acl": None,
            "file_overwrite": False,
        },
    }
elif KOERS_STORAGE != "local":
    raise ImproperlyConfigured("KOERS_STORAGE is 'local' or 's3'.")
# Serve static files straight from the package: no collectstatic needed for the demo.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# A plan tree with more rows than this shows two levels; deeper branches load when opened.
KOERS_TREE_EAGER_ROWS = env_int("TREE_EAGER_ROWS", 1500)
# Roll-ups, the public tree and search index per plan, keyed by the plan's content version
# (koers/plans/content.py): KOERS_CACHE_URL chooses the backend (koers/cache_config.py).
CACHES = cache_settings(env_str("CACHE_URL", "locmem://"), env_int("CACHE_MAX_ENTRIES", 1000))
KOERS_CACHE_SECONDS = env_int("CACHE_SECONDS", 24 * 3600)
# How many cached values each process also keeps unpickled (a few per plan).
KOERS_CACHE_MEMO_ENTRIES = env_int("CACHE_MEMO_ENTRIES", 32)

# Largest file a user may upload (plan imports); larger uploads are refused with a message.
KOERS_IMPORT_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Limits for reading an imported document (docs/import-formats.md#limits); a document
# beyond one is refused with a message that names it, and nothing is stored.
KOERS_IMPORT_MAX_UNPACKED_MB = env_int("IMPORT_MAX_UNPACKED_MB", 100)  # docx/xlsx unzipped
KOERS_IMPORT_MAX_ZIP_ENTRIES = env_int("IMPORT_MAX_ZIP_ENTRIES", 5_000)
KOERS_IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 200)
KOERS_IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)
KOERS_IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
KOERS_IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 2_000_000)
KOERS_IMPORT_MAX_CELL_LENGTH = env_int("IMPORT_MAX_CELL_LENGTH", 100_000)
KOERS_IMPORT_MAX_PARAGRAPHS = env_int("IMPORT_MAX_PARAGRAPHS", 200_000)
KOERS_IMPORT_MAX_PAGES = env_int("IMPORT_MAX_PAGES", 2_000)
KOERS_IMPORT_MAX_DEPTH = env_int("IMPORT_MAX_DEPTH", 200)
KOERS_IMPORT_MAX_ITEMS = env_int("IMPORT_MAX_ITEMS", 50_000)
KOERS_IMPORT_MAX_SECONDS = env_int("IMPORT_MAX_SECONDS", 120)
KOERS_IMPORT_MAX_MEMORY_MB = env_int("IMPORT_MAX_MEMORY_MB", 1_024)
DATA_UPLOAD_MAX_MEMORY_SIZE = KOERS_IMPORT_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS (docs/deployment.md): HSTS, redirecting plain HTTP, and the header through which a
# reverse proxy tells Koers that the request came in over HTTPS.
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(env_list("PROXY_SSL_HEADER", []))
# Preloading is the domain owner's own step (hstspreload.org); KOERS_HSTS_PRELOAD opts in.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Passkeys accept exactly the origin of the page that asked (koers.accounts.passkeys
# .PasskeyHelper, behind ALLOWED_HOSTS), so no fixed list of origins is configured.
SILENCED_SYSTEM_CHECKS.append("otp_webauthn.E030")
# Content-Security-Policy: only Koers's own scripts, styles, images and forms. The nonce
# admits the one <style> element the rich-text editor (Trix) inserts; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],  # the editor's toolbar icons are data: images
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "koers@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Reminders to owners with missing updates: days before and after a round's deadline.
KOERS_REMINDER_DAYS_BEFORE = [int(d) for d in env_list("REMINDER_DAYS_BEFORE", ["7", "1"])]
KOERS_REMINDER_DAYS_AFTER = [int(d) for d in env_list("REMINDER_DAYS_AFTER", ["1", "7"])]
# Department heads get the list of missing updates of their department these days after it.
KOERS_ESCALATION_DAYS_AFTER = [int(d) for d in env_list("ESCALATION_DAYS_AFTER", ["1"])]
KOERS_BASE_URL = env_str("BASE_URL", "http://127.0.0.1:8000")
# Seconds a browser or proxy may keep an anonymous portal page (koers.portal.http_cache).
KOERS_PORTAL_MAX_AGE = env_int("PORTAL_MAX_AGE", 60)

# Background jobs (reports asked for on the web, imports): Django's tasks API. "database":
# the queue is a table, run by `koers worker` processes (koers serve starts one);
# "immediate": a task runs at once in the process that asks for it (tests).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
KOERS_TASK_BACKEND = env_str("TASK_BACKEND", "database")
if KOERS_TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"KOERS_TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[KOERS_TASK_BACKEND]}}
# A task whose worker has not been seen for this long was interrupted (kill -9, machine
# gone): it is queued again at most KOERS_WORKER_RETRIES times, then marked failed.
KOERS_WORKER_LEASE_SECONDS = env_int("WORKER_LEASE_SECONDS", 60)
KOERS_WORKER_RETRIES = env_int("WORKER_RETRIES", 1)
# A task running longer than this fails (TaskTimedOut); 0: no limit.
KOERS_TASK_TIMEOUT_SECONDS = env_int("TASK_TIMEOUT_SECONDS", 3600)

# Reports asked for on the web: where the files go.
KOERS_REPORT_DIR = Path(env_str("REPORT_DIR", str(DATA_DIR / "reports")))
# A Word file (.docx) whose styles, headers and first pages every Word report of this
# installation starts from (one for all organisations of the installation).
KOERS_REPORT_DOCX_TEMPLATE = env_str("REPORT_DOCX_TEMPLATE", "")
# The accessible PDF's largest report (items): WeasyPrint keeps every page in memory
# (about 2 GB and 2 minutes of CPU for 1,120 items). 0: no limit.
KOERS_REPORT_PDFUA_MAX_ITEMS = env_int("REPORT_PDFUA_MAX_ITEMS", 2000)
# Who prints the accessible PDF: "chromium" (fast), "weasyprint" (PDF/UA-1 with page numbers
# in its contents, slow, limited by KOERS_REPORT_PDFUA_MAX_ITEMS) or "auto" (Chromium when
# installed). KOERS_CHROMIUM: its path, if not on the PATH.
KOERS_REPORT_PDF_ENGINE = env_str("REPORT_PDF_ENGINE", "auto")
KOERS_CHROMIUM = env_str("CHROMIUM", "")
KOERS_REPORT_PDF_SECONDS = env_int("REPORT_PDF_SECONDS", 600)

# Files owners attach to their updates: where they are kept, how large, which kinds.
KOERS_ATTACHMENT_DIR = Path(env_str("ATTACHMENT_DIR", str(DATA_DIR / "attachments")))
KOERS_ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
KOERS_ATTACHMENT_TYPES = env_list(
    "ATTACHMENT_TYPES",
    ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "png", "jpg", "jpeg", "csv", "txt"],
)

# Indicator values fetched from public sources (CBS StatLine): limits of one fetch.
KOERS_FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 20 * 1024 * 1024)  # one answer (page)
KOERS_FETCH_MAX_PAGES = env_int("FETCH_MAX_PAGES", 50)
KOERS_FETCH_MAX_ROWS = env_int("FETCH_MAX_ROWS", 200_000)
KOERS_FETCH_TIMEOUT_SECONDS = env_int("FETCH_TIMEOUT_SECONDS", 60)  # one answer

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    # Requests per client address (anonymous) and per user; 429 with Retry-After beyond.
    "DEFAULT_THROTTLE_CLASSES": [
        "koers.api.throttling.AnonymousRate",
        "koers.api.throttling.UserRate",
    ],
}
KOERS_API_ANON_RATE = env_str("API_ANON_RATE", "60/minute")
KOERS_API_USER_RATE = env_str("API_USER_RATE", "1200/hour")
# The portal's complaint form (koers/complaints_public/intake_guard.py): a form sent back
# sooner than MIN_SECONDS after it was shown or later than MAX_HOURS is refused; per window
# of WINDOW_MINUTES at most ADDRESS_LIMIT submissions per client address and
# ORGANISATION_LIMIT per organisation.
KOERS_COMPLAINT_FORM_MIN_SECONDS = env_int("COMPLAINT_FORM_MIN_SECONDS", 4)
KOERS_COMPLAINT_FORM_MAX_HOURS = env_int("COMPLAINT_FORM_MAX_HOURS", 24)
KOERS_COMPLAINT_FORM_WINDOW_MINUTES = env_int("COMPLAINT_FORM_WINDOW_MINUTES", 10)
KOERS_COMPLAINT_FORM_ADDRESS_LIMIT = env_int("COMPLAINT_FORM_ADDRESS_LIMIT", 10)
KOERS_COMPLAINT_FORM_ORGANISATION_LIMIT = env_int("COMPLAINT_FORM_ORGANISATION_LIMIT", 100)
SPECTACULAR_SETTINGS = {
    "TITLE": "Koers API",
    "DESCRIPTION": "Read-only access to an organisation's plans, items and plan tree.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# Logs on standard error: the message alone ("text") or one JSON object a line ("json"),
# with the request id (X-Request-ID) or the job id (koers/operations/logs.py).
LOGGING = logging_config(env_str("LOG_FORMAT", "text"), env_str("LOG_LEVEL", "WARNING"))
