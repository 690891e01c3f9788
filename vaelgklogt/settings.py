"""The one settings module. Everything that differs between a laptop and production comes from the environment;
see .env.example for every variable."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "simple_history",
    # --- trust (issue 6): CSP, login lockout ---
    "csp",
    "axes",
    # --- end trust ---
    "core",
    "departments",
    "initiatives",
    "measurements",
    "improvement",
    "goals",
    "reports",
    "dashboards",
    "api",
    "demo",
    "ninja",  # django-ninja: its Swagger UI files, served from our own static files (no CDN)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses a request body over VAELGKLOGT_MAX_REQUEST_BYTES (413) from its Content-Length, before it is read.
    "departments.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # --- trust (issue 6): CSP header, session timeouts + disabled users, refused-access audit, login lockout ---
    "csp.middleware.CSPMiddleware",
    "departments.middleware.SessionPolicyMiddleware",
    "departments.middleware.RefusedAccessAuditMiddleware",
    "departments.middleware.SingleSignOutMiddleware",
    # The Danish 404 page with DEBUG on too (the demo), inside CSP so the page keeps its header.
    "vaelgklogt.errors.FriendlyNotFoundMiddleware",
    # AxesMiddleware must be last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
    # --- end trust ---
]

ROOT_URLCONF = "vaelgklogt.urls"
WSGI_APPLICATION = "vaelgklogt.wsgi.application"
ASGI_APPLICATION = "vaelgklogt.asgi.application"

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
                "departments.context_processors.navigation",
                "departments.oidc.sso_context",  # trust (issue 6): SSO button on the login page
                "vaelgklogt.accessibility.statement_link",  # issue 16: the footer's accessibility statement
            ],
        },
    }
]

# Database: a SQLite file unless DATABASE_URL says otherwise (PostgreSQL in production and CI).
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    # Server-side parameters (opt-in): psycopg then prepares the statements a connection runs again and again, so
    # PostgreSQL plans the status page's joins once per connection, not on every request (status page +10 %
    # throughput, entry save +5 % in one benchmark run). Off by default until it has run in CI for a while: two CI
    # runs with it on each met a different browser-test race that the runs without it had not.
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = env_bool("DATABASE_SERVER_SIDE_BINDING", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when CACHE_URL is set (shared by every web process and worker: compose and CI), otherwise this
# process's own memory (a laptop). It holds remembered charts and the API's request-rate counters.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// URL, not {CACHE_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # One Redis may serve several installations (or test runs): each keeps to its own keys.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "vk"),
            "TIMEOUT": 300,
            # A Redis that is down must not hang a page: fail fast instead.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vaelgklogt"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- trust (issue 6): sign-in backends ---
# django-axes watches every login attempt first; then local accounts (break-glass); then single sign-on when on.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, refusing integrations (users of kind system: API tokens only).
    "departments.backends.PersonBackend",
]
if env_bool("TESTING"):
    # Test runs only (set by `make test`): a fast hasher, so the many test users do not each cost a PBKDF2 run.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# --- end trust ---
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:start"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("TESTING")
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# Celery: with no broker configured, tasks run in-process (eagerly), so a laptop needs nothing else.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TIMEZONE = TIME_ZONE

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "vaelgklogt@example.invalid")

# Transport security: on unless DEBUG. TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes are called over plain HTTP inside the container network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("SECURE_PROXY_SSL_HEADER", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- trust (issue 6): sessions, Content Security Policy, login lockout, single sign-on ---
# Inactivity timeout: a session unused this long ends. Absolute timeout: every session ends this long after sign-in.
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env_int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", 10 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-csp 4: scripts only from our own origin (no inline script, no eval). plotly.js injects a <style> at run
# time, so style-src needs 'unsafe-inline'. Set CSP_REPORT_ONLY=true to try a change without enforcing it.
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if env_str("CSP_REPORT_URI"):
    _CSP_DIRECTIVES["report-uri"] = [env_str("CSP_REPORT_URI")]
if env_bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}

# django-axes: after AXES_FAILURE_LIMIT failed sign-ins for one user name from one address, that pair is locked out
# for AXES_COOLOFF_MINUTES. Local accounts are the break-glass way in when single sign-on is down.
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "departments.middleware.lockout_response"  # the Danish lockout page
# Single sign-on is not a password attempt: neither counted nor refused by the lockout (the provider has its own).
AXES_WHITELIST_CALLABLE = "departments.oidc.is_single_sign_on_attempt"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are kept in departments.AuditEvent
AXES_VERBOSE = False
# Behind reverse proxies: how many there are in front of the app. The client's address is then the one the outermost
# proxy wrote into X-Forwarded-For (departments.audit.client_address); 0 = the connection's address. The lockout and
# the audit trail use the same address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if not 0 <= TRUSTED_PROXY_COUNT <= 10:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be between 0 and 10, not {TRUSTED_PROXY_COUNT}")
AXES_CLIENT_IP_CALLABLE = "departments.audit.client_address"

# Single sign-on with OpenID Connect (mozilla-django-oidc): on when OIDC_RP_CLIENT_ID is set. Roles come from the
# identity provider's app-role claim; see departments/oidc.py and the README's Operations section.
OIDC_ENABLED = bool(env_str("OIDC_RP_CLIENT_ID"))
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
# The provider's issuer (the `issuer` of its /.well-known/openid-configuration); the ID token's `iss` must equal it.
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER")
# Optional: the provider's end_session_endpoint. Signing out of an SSO session then signs out at the provider too.
OIDC_OP_END_SESSION_ENDPOINT = env_str("OIDC_OP_END_SESSION_ENDPOINT")
OIDC_STORE_ID_TOKEN = bool(OIDC_OP_END_SESSION_ENDPOINT)  # kept in the session as the end-session id_token_hint
# How the app authenticates at the token endpoint: client_secret_post (default) or client_secret_basic.
OIDC_TOKEN_AUTH_METHOD = env_str("OIDC_TOKEN_AUTH_METHOD", "client_secret_post")
if OIDC_TOKEN_AUTH_METHOD not in ("client_secret_post", "client_secret_basic"):
    raise ImproperlyConfigured(
        f"OIDC_TOKEN_AUTH_METHOD must be client_secret_post or client_secret_basic, not {OIDC_TOKEN_AUTH_METHOD!r}"
    )
OIDC_TOKEN_USE_BASIC_AUTH = OIDC_TOKEN_AUTH_METHOD == "client_secret_basic"
OIDC_ROLES_CLAIM = env_str("OIDC_ROLES_CLAIM", "roles")
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = SESSION_IDLE_TIMEOUT_SECONDS
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=fejl"
OIDC_LOGIN_BUTTON_LABEL = env_str("OIDC_LOGIN_BUTTON_LABEL", "Log ind med Region Sjællands login")
if OIDC_ENABLED:
    missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_ISSUER",
        )
        if not globals()[name]
    ]
    if OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")) and not OIDC_OP_JWKS_ENDPOINT:
        missing.append("OIDC_OP_JWKS_ENDPOINT")
    if missing:
        raise ImproperlyConfigured(f"Single sign-on is on (OIDC_RP_CLIENT_ID is set) but these are empty: {missing}")
    AUTHENTICATION_BACKENDS.append("departments.oidc.RoleMappingOIDCBackend")
# --- end trust ---

# Domain settings.
VAELGKLOGT_LOCK_DAYS = env_int("VAELGKLOGT_LOCK_DAYS", 15)
# Days a month stays open when KDK grants a request to reopen it; it locks again by itself afterwards.
VAELGKLOGT_REOPEN_DAYS = env_int("VAELGKLOGT_REOPEN_DAYS", 7)
# The benchmark's floor view at /_bench/floor (bench/ turns it on for its own server); off everywhere else.
BENCHMARK_FLOOR_VIEW = env_bool("VAELGKLOGT_BENCH_FLOOR", default=False)
# Largest file the measurement import accepts, in bytes (web upload and manage.py import_measurements). It is the
# largest upload of all: every request body limit follows from it. A body larger than the file plus room for the
# form's other fields is refused with 413 from its Content-Length, before any of it is read; Django keeps a file up
# to this size in memory (no temporary file) and refuses form data (without files) above it.
VAELGKLOGT_IMPORT_MAX_BYTES = env_int("VAELGKLOGT_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
VAELGKLOGT_MAX_REQUEST_BYTES = VAELGKLOGT_IMPORT_MAX_BYTES + 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = VAELGKLOGT_IMPORT_MAX_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = VAELGKLOGT_IMPORT_MAX_BYTES
# Seconds reading one import file may take before it is refused (an .xlsx is also refused, before it is parsed, when
# it unpacks to more than ten times VAELGKLOGT_IMPORT_MAX_BYTES).
VAELGKLOGT_IMPORT_MAX_SECONDS = env_int("VAELGKLOGT_IMPORT_MAX_SECONDS", 15)

# Web API (api/, issue 15): requests per token per minute (counted in the cache; 0 = no limit), the largest request
# body it reads, the most rows one write may carry, and the most rows a CSV download streams.
VAELGKLOGT_API_RATE_PER_MINUTE = env_int("VAELGKLOGT_API_RATE_PER_MINUTE", 120)
VAELGKLOGT_API_MAX_BODY_BYTES = env_int("VAELGKLOGT_API_MAX_BODY_BYTES", 1024 * 1024)
VAELGKLOGT_API_MAX_ROWS = env_int("VAELGKLOGT_API_MAX_ROWS", 5000)
VAELGKLOGT_API_CSV_MAX_ROWS = env_int("VAELGKLOGT_API_CSV_MAX_ROWS", 200_000)
# The accessibility statement every page's footer links to (issue 16). Empty: our own page /tilgaengelighed/. Set it
# to the statement published in Digitaliseringsstyrelsen's WAS-tool (https://was.digst.dk/…) once it is there.
ACCESSIBILITY_STATEMENT_URL = env_str("ACCESSIBILITY_STATEMENT_URL").strip()
if ACCESSIBILITY_STATEMENT_URL and not ACCESSIBILITY_STATEMENT_URL.startswith(("https://", "http://", "/")):
    raise ImproperlyConfigured(
        f"ACCESSIBILITY_STATEMENT_URL must be an http(s) address or a path, not {ACCESSIBILITY_STATEMENT_URL!r}"
    )
# Where users report an accessibility problem (shown in our own statement). Empty: the statement names KDK only.
ACCESSIBILITY_CONTACT_EMAIL = env_str("ACCESSIBILITY_CONTACT_EMAIL").strip()

# Reports (reports/services.py, reports/schedules.py): the queue report jobs go to, when a running job counts as
# lost, and the celery beat calendar. Days are read once at start-up; restart beat after changing them.
VAELGKLOGT_REPORTS_QUEUE = env_str("VAELGKLOGT_REPORTS_QUEUE", "celery")
VAELGKLOGT_REPORT_STALE_MINUTES = env_int("VAELGKLOGT_REPORT_STALE_MINUTES", 10)
VAELGKLOGT_CHART_TIMEOUT_SECONDS = env_int("VAELGKLOGT_CHART_TIMEOUT_SECONDS", 60)
# Browser tabs the chart engine draws a report's charts in at once (one Chromium per worker process).
VAELGKLOGT_CHART_TABS = env_int("VAELGKLOGT_CHART_TABS", 2)
#: The Chromium the chart engine (kaleido) drives for report charts; empty: `chromium` (or Chrome) found on PATH.
CHROMIUM_PATH = env_str("CHROMIUM_PATH", "")
# By default the day after the quarter's last month locks (day LOCK_DAYS + 1), so the report shows locked numbers.
VAELGKLOGT_QUALITY_TEAM_REPORT_DAY = env_int("VAELGKLOGT_QUALITY_TEAM_REPORT_DAY", min(VAELGKLOGT_LOCK_DAYS + 1, 28))
VAELGKLOGT_INSPIRATION_REPORT_DAYS_BEFORE = env_int("VAELGKLOGT_INSPIRATION_REPORT_DAYS_BEFORE", 7)
VAELGKLOGT_REMINDER_DAY = env_int("VAELGKLOGT_REMINDER_DAY", 5)
for _name, _value, _low, _high in (
    ("VAELGKLOGT_QUALITY_TEAM_REPORT_DAY", VAELGKLOGT_QUALITY_TEAM_REPORT_DAY, 1, 28),
    ("VAELGKLOGT_INSPIRATION_REPORT_DAYS_BEFORE", VAELGKLOGT_INSPIRATION_REPORT_DAYS_BEFORE, 0, 60),
    ("VAELGKLOGT_REMINDER_DAY", VAELGKLOGT_REMINDER_DAY, 1, 28),
    ("VAELGKLOGT_REPORT_STALE_MINUTES", VAELGKLOGT_REPORT_STALE_MINUTES, 1, 24 * 60),
    ("VAELGKLOGT_REOPEN_DAYS", VAELGKLOGT_REOPEN_DAYS, 1, 90),
):
    if not _low <= _value <= _high:
        raise ImproperlyConfigured(f"{_name} must be between {_low} and {_high}, not {_value}")

#: How often beat's sweep re-enqueues report jobs left pending or whose worker died (seconds).
VAELGKLOGT_SWEEP_SECONDS = env_int("VAELGKLOGT_SWEEP_SECONDS", 300)

CELERY_BEAT_SCHEDULE = {
    # Every department's quality-team report for the quarter that just ended.
    "quality-team-reports": {
        "task": "reports.schedule_quality_team_reports",
        "schedule": crontab(
            minute=0, hour=3, day_of_month=VAELGKLOGT_QUALITY_TEAM_REPORT_DAY, month_of_year="1,4,7,10"
        ),
    },
    # Daily: the inspiration report for any meeting VAELGKLOGT_INSPIRATION_REPORT_DAYS_BEFORE days ahead or closer.
    "inspiration-reports": {"task": "reports.schedule_inspiration_reports", "schedule": crontab(minute=15, hour=3)},
    # Monthly e-mail to key persons whose department has missing values.
    "missing-value-reminders": {
        "task": "reports.send_missing_value_reminders",
        "schedule": crontab(minute=0, hour=7, day_of_month=VAELGKLOGT_REMINDER_DAY),
    },
    # Re-enqueue report jobs left pending or whose worker died.
    "sweep-reports": {"task": "reports.sweep_reports", "schedule": float(VAELGKLOGT_SWEEP_SECONDS)},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusal_one_line": {"()": "vaelgklogt.errors.RefusalOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # The PDF and chart libraries narrate every step at INFO; keep their warnings only.
        **{
            name: {"level": env_str("LIBRARY_LOG_LEVEL", "WARNING")}
            for name in ("weasyprint", "fontTools", "choreographer", "kaleido", "logistro")
        },
        # A 403/404 is one line, not a traceback (the refusal is audited by departments.middleware).
        "django.request": {"filters": ["refusal_one_line"]},
    },
}
